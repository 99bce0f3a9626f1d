import { UserError } from '../config/errors.js';

/** The action's inputs as action.yml declares them (a test keeps the two in step). */
export const INPUTS = {
  path: { default: '.', description: 'Files and directories to analyse, one per line, relative to the workspace.' },
  config: { default: '', description: 'Budget file (default: obslint.yaml found from the workspace up).' },
  'sarif-file': {
    default: 'obslint.sarif',
    description: 'Where to write the SARIF report for github/codeql-action/upload-sarif.',
  },
  'fail-on': {
    default: 'error',
    description: 'Fail the step on `error` findings, on any finding (`warning`), or `never`.',
  },
  'base-ref': {
    default: '',
    description:
      "Revision to compare with for the series delta and the changed lines (default: the pull request's base commit).",
  },
  comment: {
    default: 'true',
    description: 'Create or update one pull request comment with the series delta and the findings on changed lines.',
  },
  'github-token': {
    default: '${{ github.token }}',
    description: 'Token for the pull request comment (needs `pull-requests: write`).',
  },
} as const;

export const OUTPUTS = {
  'sarif-file': 'Path of the SARIF file written, relative to the workspace.',
  errors: 'Number of error findings.',
  warnings: 'Number of warning findings.',
  'series-total': 'Estimated series of every bounded metric (unbounded metrics are counted in the summary).',
  'series-delta': 'Change of `series-total` against the base revision; empty when there is no base.',
} as const;

export const FAIL_ON = ['error', 'warning', 'never'] as const;
export type FailOn = (typeof FAIL_ON)[number];

export interface ActionInputs {
  paths: string[];
  config?: string;
  sarifFile: string;
  failOn: FailOn;
  baseRef?: string;
  comment: boolean;
  token: string;
}

/** How an input is read: `@actions/core`'s getInput in the action, a plain map in tests. */
export type InputReader = (name: keyof typeof INPUTS) => string;

/** Reads and checks every input; a bad value is a UserError naming the input and what it accepts. */
export function readInputs(read: InputReader): ActionInputs {
  const value = (name: keyof typeof INPUTS): string => read(name).trim();
  const paths = value('path')
    .split(/\r?\n/)
    .map((p) => p.trim())
    .filter(Boolean);
  const failOn = (value('fail-on') || INPUTS['fail-on'].default).toLowerCase();
  if (!(FAIL_ON as readonly string[]).includes(failOn))
    throw new UserError(`input \`fail-on\` must be one of ${FAIL_ON.join(', ')} (got \`${value('fail-on')}\`)`);
  const comment = value('comment') || INPUTS.comment.default;
  if (!/^(true|false)$/i.test(comment))
    throw new UserError(`input \`comment\` must be true or false (got \`${value('comment')}\`)`);
  return {
    paths: paths.length > 0 ? paths : ['.'],
    config: value('config') || undefined,
    sarifFile: value('sarif-file') || INPUTS['sarif-file'].default,
    failOn: failOn as FailOn,
    baseRef: value('base-ref') || undefined,
    comment: comment.toLowerCase() === 'true',
    token: value('github-token'),
  };
}

import { relative, resolve } from 'node:path';
import * as core from '@actions/core';
import { provideCompilerStage, analyze, diff } from '../api.js';
import * as compilerStage from '../extraction-stage.js';
import { UserError } from '../config/errors.js';
import { GitError } from '../git/git.js';
import { changedLines, comparisonBase, repositoryRoot, resolveCommit } from '../git/revision.js';
import { seriesTotal } from '../diff/compare.js';
import type { Finding, RunDiff } from '../types.js';
import { toPosix } from '../util/paths.js';
import { ANNOTATION_LIMIT, onChangedLines, planAnnotations } from './annotations.js';
import { readContext, type RunContext } from './event.js';
import { gitHubClient, GitHubApiError, upsertStickyComment } from './github.js';
import { readInputs, type ActionInputs } from './inputs.js';
import {
  COMMENT_MARKER,
  failing,
  jobSummary,
  pullRequestComment,
  worthCommenting,
  type ReportInput,
} from './report.js';
import { writeSarif } from './sarif.js';

// One bundle: the stage is in it, not beside it.
provideCompilerStage(compilerStage);

/**
 * The GitHub Action: analyse the workspace, compare it with the pull request's base, and report
 * through SARIF, the job summary, annotations on changed lines, one sticky comment and outputs.
 * Every failure ends in `core.setFailed`, never in an unhandled rejection.
 */
export async function run(): Promise<void> {
  try {
    await runAction();
  } catch (error) {
    if (error instanceof UserError) core.setFailed(`obslint: ${error.message}`);
    else
      core.setFailed(
        `obslint: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\nPlease report this with the workflow that ran it.`,
      );
  }
}

async function runAction(): Promise<void> {
  const inputs = readInputs((name) => core.getInput(name));
  const context = readContext(process.env, process.cwd());
  const workspace = resolve(context.workspace);
  // Reports name files relative to the repository root, as code scanning and annotations expect.
  const root = await repositoryRoot(workspace).catch((error: unknown) => {
    if (error instanceof GitError) return undefined;
    throw error;
  });
  const cwd = root ?? workspace;
  const paths = inputs.paths.map((p) => toPosix(relative(cwd, resolve(workspace, p))) || '.');
  const configFile = inputs.config ? resolve(workspace, inputs.config) : undefined;

  // The lines the pull request changes are known before the analysis: conventions there are findings.
  const base = await pullRequestBase(inputs, context, root);
  const changedLines = base.changed
    ? new Map([...base.changed].map(([file, lines]) => [resolve(root!, file), lines]))
    : undefined;
  core.info(`obslint: analysing ${paths.join(', ')}${configFile ? ` with ${inputs.config}` : ''}`);
  const result = await analyze({ cwd, paths, configFile, changedLines });
  const errors = result.findings.filter((f) => f.severity === 'error').length;
  const warnings = result.findings.filter((f) => f.severity === 'warn').length;
  core.info(
    `obslint: ${result.stats.filesDiscovered} files, ${result.stats.metrics} metrics, ${counted(errors, warnings)}`,
  );

  const compared = await compare(base, { cwd, paths, configFile, result, tempDir: context.tempDir });
  const changed = compared.changed ? onChangedLines(result.findings, compared.changed) : undefined;
  let warningsIssued = 0;

  const sarifPath = resolve(workspace, inputs.sarifFile);
  const sarif = writeSarif(result, sarifPath);
  core.info(`obslint: wrote ${inputs.sarifFile} (${sarif.written} results)`);
  if (sarif.dropped > 0) {
    core.warning(
      `obslint: ${sarif.dropped} of ${result.findings.length} findings were left out of ${inputs.sarifFile} to stay within GitHub code scanning's limits (the errors are kept first); the job summary counts them all`,
    );
    warningsIssued++;
  }

  const pr = context.pullRequest;
  const report: ReportInput = {
    result,
    diff: compared.diff,
    noDiff: compared.noDiff,
    changed,
    sarif: { file: inputs.sarifFile, written: sarif.written, dropped: sarif.dropped },
    baseName: inputs.baseRef ?? pr?.baseRef,
    link: lineLink(context),
    runUrl: context.runUrl,
    failOn: inputs.failOn,
  };
  if (process.env.GITHUB_STEP_SUMMARY) {
    try {
      await core.summary.addRaw(jobSummary(report)).write();
    } catch (error) {
      core.warning(`obslint: could not write the job summary: ${(error as Error).message}`);
      warningsIssued++;
    }
  } else {
    core.info('obslint: GITHUB_STEP_SUMMARY is not set: no job summary written');
  }

  const total = compared.diff?.total.after ?? seriesTotal(result);
  core.setOutput('sarif-file', inputs.sarifFile);
  core.setOutput('errors', errors);
  core.setOutput('warnings', warnings);
  core.setOutput('series-total', total.series);
  core.setOutput('series-delta', compared.diff ? compared.diff.total.delta : '');

  if (inputs.comment && pr && context.repository) {
    const problem = await comment(inputs, context, pr.number, pr.fromFork, report);
    if (problem) {
      core.warning(problem);
      warningsIssued++;
    }
  }

  const fails = failing(result, inputs.failOn);
  const failure = [
    compared.error,
    fails ? `${counted(errors, warnings)} (fail-on: ${inputs.failOn})` : undefined,
  ].filter(Boolean);
  annotate(changed ?? result.findings, Boolean(changed), {
    errors: ANNOTATION_LIMIT - (failure.length > 0 ? 1 : 0),
    warnings: ANNOTATION_LIMIT - warningsIssued,
  });
  if (failure.length > 0) core.setFailed(`obslint: ${failure.join('; ')}`);
}

function counted(errors: number, warnings: number): string {
  return `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
}

interface Comparison {
  diff?: RunDiff;
  changed?: Map<string, Set<number>>;
  /** Why the summary has no delta. */
  noDiff?: string;
  /** A base that was asked for and could not be read: fails the step. */
  error?: string;
}

/** The pull request's base, asked of git before the analysis; `changed` when it could be read. */
interface BaseRevision extends Comparison {
  /** As the inputs or the event name it. */
  ref?: string;
}

async function pullRequestBase(inputs: ActionInputs, context: RunContext, root?: string): Promise<BaseRevision> {
  const ref = inputs.baseRef ?? context.pullRequest?.baseSha;
  if (!ref)
    return {
      noDiff: 'No base revision to compare with: this run is not for a pull request and `base-ref` is not set.',
    };
  if (!root) {
    const error = `cannot compare with ${ref}: the workspace is not a git repository (check it out with actions/checkout)`;
    return { ref, noDiff: `No series delta: ${error}.`, error };
  }
  try {
    const commit = await comparisonBase(root, await resolveCommit(root, ref));
    return { ref, changed: await changedLines(root, commit) };
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    return { ref, noDiff: `No series delta: ${error.message}.`, error: error.message };
  }
}

async function compare(
  base: BaseRevision,
  run: {
    cwd: string;
    paths: string[];
    configFile?: string;
    result: Awaited<ReturnType<typeof analyze>>;
    tempDir?: string;
  },
): Promise<Comparison> {
  if (!base.ref || !base.changed) return base;
  try {
    core.info(`obslint: comparing with ${base.ref}`);
    const result = await diff({
      cwd: run.cwd,
      base: base.ref,
      paths: run.paths,
      configFile: run.configFile,
      head: run.result,
      tempDir: run.tempDir,
    });
    return { diff: result, changed: base.changed };
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    return { noDiff: `No series delta: ${error.message}.`, error: error.message };
  }
}

/** Creates or updates the sticky comment; returns a warning when it could not. */
async function comment(
  inputs: ActionInputs,
  context: RunContext,
  issue: number,
  fromFork: boolean,
  report: ReportInput,
): Promise<string | undefined> {
  if (!inputs.token) return 'obslint: no `github-token`, so no pull request comment (the job summary has the report)';
  try {
    const outcome = await upsertStickyComment(gitHubClient(context.apiUrl, inputs.token), {
      repository: context.repository!,
      issue,
      marker: COMMENT_MARKER,
      body: pullRequestComment(report),
      create: worthCommenting(report),
    });
    core.info(
      outcome.action === 'skipped'
        ? 'obslint: nothing for a pull request comment (no metric changes, no findings on changed lines)'
        : `obslint: pull request comment ${outcome.action}${outcome.url ? `: ${outcome.url}` : ''}`,
    );
    return undefined;
  } catch (error) {
    if (!(error instanceof GitHubApiError)) throw error;
    const readOnly = error.status === 403 || error.status === 404;
    const why = !readOnly
      ? ''
      : fromFork
        ? ': a pull request from a fork gets a read-only token'
        : ': the token cannot write to pull requests (the job needs `permissions: pull-requests: write`)';
    return `obslint: could not comment on the pull request (${error.message})${why}. The job summary and the SARIF file have the report.`;
  }
}

function annotate(findings: Finding[], changedOnly: boolean, budget: { errors: number; warnings: number }): void {
  const plan = planAnnotations(findings, budget);
  const properties = (f: Finding): core.AnnotationProperties => ({
    title: `obslint/${f.ruleId}`,
    file: f.loc.file,
    startLine: f.loc.line,
    endLine: f.loc.endLine,
    ...(f.loc.endLine === f.loc.line ? { startColumn: f.loc.column, endColumn: f.loc.endColumn } : {}),
  });
  for (const f of plan.errors) core.error(f.message, properties(f));
  for (const f of plan.warnings) core.warning(f.message, properties(f));
  if (plan.more > 0)
    core.notice(
      `obslint: ${plan.more} more finding${plan.more === 1 ? '' : 's'}${changedOnly ? ' on changed lines' : ''} in the summary`,
    );
}

/** A link to a line of the analysed commit on GitHub, when the run says which commit that is. */
function lineLink(context: RunContext): ((file: string, line: number) => string) | undefined {
  const { repository, sha, serverUrl } = context;
  if (!repository || !sha) return undefined;
  return (file, line) =>
    `${serverUrl}/${repository}/blob/${sha}/${file.split('/').map(encodeURIComponent).join('/')}#L${line}`;
}

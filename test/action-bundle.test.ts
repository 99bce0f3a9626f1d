import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BUNDLE_PATH, buildAction } from '../scripts/bundle-action.mjs';
import { INPUTS, OUTPUTS } from '../src/action/inputs.js';
import { REPO_ROOT } from './helpers/cli.js';

interface ActionYml {
  name: string;
  description: string;
  branding: { icon: string; color: string };
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
}

const actionYml = (): ActionYml => parse(readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8')) as ActionYml;

describe('the committed action bundle', () => {
  it('is byte for byte what `npm run bundle:action` builds from the sources', async () => {
    const fresh = await buildAction();
    const committed = readFileSync(BUNDLE_PATH);
    // Rebuild with `npm run bundle:action` and commit action/dist/index.js when this fails.
    expect(committed.equals(fresh), 'action/dist/index.js is stale: run `npm run bundle:action` and commit it').toBe(
      true,
    );
  }, 120_000);

  it('is committed: not ignored by git, marked generated, and the file action.yml runs', () => {
    const run = (args: string[]): { status: number; stdout: string } => {
      try {
        return { status: 0, stdout: execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }) };
      } catch (error) {
        const e = error as { status: number; stdout: string };
        return { status: e.status, stdout: e.stdout };
      }
    };
    expect(run(['check-ignore', '--no-index', '-q', 'action/dist/index.js']).status).toBe(1);
    expect(run(['check-attr', 'linguist-generated', 'diff', 'text', '--', 'action/dist/index.js']).stdout).toBe(
      [
        'action/dist/index.js: linguist-generated: true',
        'action/dist/index.js: diff: unset',
        'action/dist/index.js: text: unset',
        '',
      ].join('\n'),
    );
    expect(actionYml().runs).toEqual({ using: 'node24', main: 'action/dist/index.js' });
  });
});

describe('action.yml', () => {
  it('declares the inputs and outputs the action reads and writes, with the same defaults', () => {
    const yml = actionYml();
    expect(yml.name).toBe('obslint');
    expect(yml.branding).toEqual({ icon: 'activity', color: 'orange' });
    expect(Object.keys(yml.inputs)).toEqual(Object.keys(INPUTS));
    for (const [name, spec] of Object.entries(INPUTS)) {
      expect(yml.inputs[name], name).toEqual({ description: spec.description, required: false, default: spec.default });
      expect(name, 'inputs are lowercase').toBe(name.toLowerCase());
    }
    expect(Object.keys(yml.outputs)).toEqual(Object.keys(OUTPUTS));
    for (const [name, description] of Object.entries(OUTPUTS)) expect(yml.outputs[name]).toEqual({ description });
  });

  it('is documented in the README: every input and output, the permissions, fork behaviour', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    for (const name of [...Object.keys(INPUTS), ...Object.keys(OUTPUTS)]) expect(readme).toContain(`| \`${name}\``);
    for (const text of ['pull-requests: write', 'security-events: write', 'fetch-depth: 0', 'upload-sarif@v4', 'fork'])
      expect(readme).toContain(text);
  });

  it('runs on obslint’s own pull requests', () => {
    const workflow = parse(readFileSync(join(REPO_ROOT, '.github', 'workflows', 'obslint.yml'), 'utf8')) as {
      on: Record<string, unknown>;
      jobs: Record<
        string,
        { permissions?: Record<string, string>; steps: { uses?: string; with?: Record<string, unknown> }[] }
      >;
    };
    expect(Object.keys(workflow.on)).toContain('pull_request');
    const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
    expect(steps.find((s) => s.uses?.startsWith('actions/checkout@'))?.with).toMatchObject({ 'fetch-depth': 0 });
    expect(steps.some((s) => s.uses === './')).toBe(true);
  });
});

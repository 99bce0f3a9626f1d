import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Path of a Node 24 binary (what GitHub runs `using: node24` actions with), or why there is none. */
    node24: { path: string } | { error: string };
    /** Path of the `pre-commit` command (installed by scripts/ensure-pre-commit.sh when missing), or why there is none. */
    preCommit: { path: string } | { error: string };
  }
}

const run = promisify(execFile);
const CACHE = join(import.meta.dirname, '..', 'node_modules', '.cache', 'obslint-node24');
export const NODE24 = join(CACHE, 'node_modules', 'node', 'bin', 'node');

/**
 * The action runs on Node 24, so its tests run the bundle on Node 24 too: `npm i --no-save node@24`
 * gives that binary. It is installed once into node_modules/.cache (its own prefix, so the
 * project's node_modules/.bin/node is not replaced and the rest of the suite keeps the Node it was
 * started with) and reused until `npm ci` clears node_modules.
 */
async function ensureNode24(): Promise<string> {
  if (existsSync(NODE24)) {
    const { stdout } = await run(NODE24, ['--version']).catch(() => ({ stdout: '' }));
    if (stdout.startsWith('v24.')) return NODE24;
  }
  mkdirSync(CACHE, { recursive: true });
  writeFileSync(join(CACHE, 'package.json'), '{ "private": true, "description": "Node 24 for the action tests" }\n');
  await run('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', CACHE, 'node@24'], {
    cwd: CACHE,
    maxBuffer: 16 * 1024 * 1024,
  });
  const { stdout } = await run(NODE24, ['--version']);
  if (!stdout.startsWith('v24.')) throw new Error(`node@24 installed ${stdout.trim()}`);
  return NODE24;
}

/** The pre-commit framework, for the hook's round trip: installed by the project's script when missing. */
async function ensurePreCommit(): Promise<string> {
  const script = join(import.meta.dirname, '..', 'scripts', 'ensure-pre-commit.sh');
  const { stdout } = await run('bash', [script], { maxBuffer: 16 * 1024 * 1024 });
  return stdout.trim().split('\n').pop()!;
}

export default async function setup(project: TestProject): Promise<void> {
  try {
    project.provide('preCommit', { path: await ensurePreCommit() });
  } catch (error) {
    project.provide('preCommit', { error: `could not install pre-commit: ${(error as Error).message}` });
  }
  try {
    project.provide('node24', { path: await ensureNode24() });
  } catch (error) {
    project.provide('node24', { error: `could not install node@24 for the action tests: ${(error as Error).message}` });
  }
}

import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './cli.js';

export const GIT_FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'git');

/** Fixed identity and dates: the same fixture always gives the same commits. */
const GIT_ENV = {
  GIT_AUTHOR_NAME: 'obslint tests',
  GIT_AUTHOR_EMAIL: 'tests@obslint.invalid',
  GIT_COMMITTER_NAME: 'obslint tests',
  GIT_COMMITTER_EMAIL: 'tests@obslint.invalid',
  GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
  GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

export function gitIn(dir: string, args: string[]): string {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, ...GIT_ENV } });
}

/** Replaces the work tree's files (everything but .git) with a copy of `from`. */
export function replaceTree(dir: string, from: string): void {
  for (const entry of readdirSync(dir))
    if (entry !== '.git') rmSync(join(dir, entry), { recursive: true, force: true });
  cpSync(from, dir, { recursive: true });
}

export interface FixtureRepo {
  dir: string;
  base: string;
  head: string;
}

/**
 * A git repository on branch `main` with two commits: `fixtures/git/<name>/base`, then
 * `fixtures/git/<name>/head` (or the trees given).
 */
export function fixtureRepo(name: string, trees?: { base: string; head: string }): FixtureRepo {
  const dir = tempDir('obslint-repo-');
  gitIn(dir, ['init', '--quiet', '--initial-branch=main']);
  const commit = (tree: string, message: string): string => {
    replaceTree(dir, tree);
    gitIn(dir, ['add', '--all']);
    gitIn(dir, ['commit', '--quiet', '--allow-empty', '-m', message]);
    return gitIn(dir, ['rev-parse', 'HEAD']).trim();
  };
  const base = commit(trees?.base ?? join(GIT_FIXTURES, name, 'base'), 'base');
  const head = commit(trees?.head ?? join(GIT_FIXTURES, name, 'head'), 'head');
  return { dir, base, head };
}

/** A git repository on branch `main` with one commit holding a copy of `fixtures/adoption/<name>`. */
export function adoptionRepo(name: string): string {
  const dir = tempDir('obslint-adopt-');
  gitIn(dir, ['init', '--quiet', '--initial-branch=main']);
  replaceTree(dir, join(import.meta.dirname, '..', '..', 'fixtures', 'adoption', name));
  gitIn(dir, ['add', '--all']);
  gitIn(dir, ['commit', '--quiet', '-m', 'adopt obslint']);
  return dir;
}

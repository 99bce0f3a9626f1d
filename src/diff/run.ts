import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { GitError } from '../git/git.js';
import { comparisonBase, materializeTree, repositoryRoot, resolveCommit } from '../git/revision.js';
import type { RunDiff, RunResult } from '../types.js';
import { toPosix } from '../util/paths.js';
import { compareRuns } from './compare.js';

export interface DiffOptions {
  /** Directory paths are shown relative to; the process's working directory by default. */
  cwd?: string;
  /** The revision to compare the working tree with: a branch, tag, SHA or `HEAD~1`. */
  base: string;
  /** Files and directories to analyse, as for `analyze`; the working directory by default. */
  paths?: string[];
  /**
   * Budget file. Each revision is analysed with its own copy of it (the current one where the file
   * did not exist yet); without it, each revision uses the obslint.yaml it had.
   */
  configFile?: string;
  /** The working tree's result when the caller has it already (the action analyses once). */
  head?: RunResult;
  /** Where the base revision's files are written, and removed afterwards; the OS temp dir by default. */
  tempDir?: string;
}

/** What `diffRevisions` needs of `analyze` (passed in, so that this module does not import the API). */
export type Analyzer = (options: { cwd: string; paths: string[]; configFile?: string }) => Promise<RunResult>;

/**
 * The catalog at `base` against the working tree. The base revision's files are read from git's
 * object store into a temporary directory, analysed there and removed: the working tree, the index
 * and HEAD are left as they were.
 */
export async function diffRevisions(options: DiffOptions, analyze: Analyzer): Promise<RunDiff> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const root = await repositoryRoot(cwd);
  const commit = await comparisonBase(root, await resolveCommit(root, options.base));
  const paths = options.paths && options.paths.length > 0 ? options.paths : ['.'];
  const inRepository = (abs: string): string | undefined => {
    const rel = relative(root, abs);
    return rel.startsWith('..') || isAbsolute(rel) ? undefined : rel;
  };
  for (const p of paths)
    if (inRepository(resolve(cwd, p)) === undefined)
      throw new GitError(
        `${p} is outside the git repository at ${root}: \`diff\` compares revisions of one repository`,
      );

  const head = options.head ?? (await analyze({ cwd, paths, configFile: options.configFile }));
  const scratch = mkdtempSync(join(options.tempDir ?? tmpdir(), 'obslint-base-'));
  try {
    const tree = join(scratch, 'tree');
    await materializeTree(root, commit, tree);
    // The repository root, where budget-file lookup and .gitignore handling stop, as in the real one.
    mkdirSync(join(tree, '.git'), { recursive: true });
    const atBase = (abs: string): string => join(tree, inRepository(abs)!);
    const baseCwd = atBase(cwd);
    mkdirSync(baseCwd, { recursive: true });
    // A path the branch adds has nothing at the base: every metric under it is new.
    const basePaths = paths
      .map((p) => atBase(resolve(cwd, p)))
      .filter((abs) => existsSync(abs))
      .map((abs) => toPosix(relative(baseCwd, abs)) || '.');
    let configFile: string | undefined;
    if (options.configFile) {
      const current = resolve(cwd, options.configFile);
      configFile = inRepository(current) === undefined ? current : atBase(current);
      if (!existsSync(configFile)) {
        mkdirSync(dirname(configFile), { recursive: true });
        copyFileSync(current, configFile);
      }
    }
    let base: RunResult;
    if (basePaths.length > 0) {
      base = await analyze({ cwd: baseCwd, paths: basePaths, configFile });
    } else {
      const empty = join(scratch, 'empty');
      mkdirSync(empty);
      base = await analyze({ cwd: empty, paths: ['.'], configFile });
    }
    return compareRuns(base, head, { ref: options.base, commit });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

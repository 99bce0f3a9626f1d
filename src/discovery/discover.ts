import { existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UsageError } from '../config/errors.js';
import type { PathAlias, SubpathImports, WorkspacePackage } from '../extract/syntax/module-resolver.js';
import type { Notice } from '../types.js';
import { compareStrings, toPosix } from '../util/paths.js';
import { isSourceFile } from './source-files.js';
import type { Walker } from './walk.js';

export interface Discovery {
  /** Every file to analyse, absolute, sorted by posix form. */
  files: string[];
  /** The files whose findings are reported: those named and those under named directories. */
  targets: Set<string>;
  /** The repository's own packages (monorepo workspaces), for resolving imports between them. */
  packages: WorkspacePackage[];
  /** tsconfig/jsconfig `paths` aliases and `baseUrl`s, after `extends`. */
  aliases: PathAlias[];
  /** package.json `imports` maps (`#internal/*`). */
  subpathImports: SubpathImports[];
  notices: Notice[];
  /** Whether a directory was named (then project-wide findings, such as budgets in obslint.yaml, are reported too). */
  wholeProject: boolean;
}

/**
 * The file set: every source file under the given paths, minus .gitignore'd files, dependencies,
 * build output (including each tsconfig's `outDir`), test files and the budget file's `ignore`
 * globs. Named files are always analysed, even when ignored; their project (the working directory,
 * or the nearest package root above them) is analysed too, for context, and only they are reported.
 */
export async function discover(
  paths: string[],
  root: string,
  extraIgnores: string[],
  ignoreBase = root,
): Promise<Discovery> {
  const { walkProject } = await import('./walk.js');
  return discoverSync(paths, root, extraIgnores, ignoreBase, walkProject);
}

/**
 * `discover`, synchronously (ESLint rules cannot wait for a promise), with the walk of the project
 * given: `walkProject`, or one served from the cache.
 */
export function discoverSync(
  paths: string[],
  root: string,
  extraIgnores: string[],
  ignoreBase: string,
  walk: Walker,
): Discovery {
  const namedFiles: string[] = [];
  const directories: string[] = [];
  const notices: Notice[] = [];
  for (const input of paths) {
    const abs = sameTreeAs(root, resolve(root, input));
    let stat;
    try {
      stat = statSync(abs);
    } catch {
      // pre-commit and lint-staged may pass a file the commit deletes or renames: nothing to lint there.
      if (!isSourceFile(abs)) throw new UsageError(`no such file or directory: ${input}`);
      notices.push({ level: 'note', file: toPosix(relative(root, abs)), message: 'skipped: no such file (deleted?)' });
      continue;
    }
    if (stat.isDirectory()) directories.push(abs);
    else if (isSourceFile(abs)) namedFiles.push(abs);
    else
      notices.push({
        level: 'note',
        file: toPosix(relative(root, abs)),
        message: 'skipped: not a JavaScript or TypeScript source file',
      });
  }

  const targets = new Set(namedFiles);
  const contextDirs = new Set(directories);
  for (const file of namedFiles) contextDirs.add(isInside(file, root) ? root : projectRootOf(file));
  const walked = walk([...contextDirs].sort(), root, extraIgnores, ignoreBase);
  const files = new Set([...namedFiles, ...walked.files]);
  for (const file of walked.files) if (directories.some((d) => isInside(file, d))) targets.add(file);
  const sorted = [...files].sort((a, b) => compareStrings(toPosix(a), toPosix(b)));
  return {
    files: sorted,
    targets,
    packages: walked.packages,
    aliases: walked.aliases,
    subpathImports: walked.subpathImports,
    notices: [...notices, ...walked.notices].sort(
      (a, b) =>
        compareStrings(a.file ?? '', b.file ?? '') ||
        (a.line ?? 0) - (b.line ?? 0) ||
        (a.column ?? 0) - (b.column ?? 0),
    ),
    wholeProject: directories.length > 0,
  };
}

/**
 * A path under the root as the root spells it. Git hooks pass absolute paths from
 * `git rev-parse --show-toplevel`, which resolves symlinks; the working directory may not
 * (macOS's /var → /private/var): the same file must not look like one outside the project.
 */
function sameTreeAs(root: string, abs: string): string {
  if (isInside(abs, root)) return abs;
  try {
    const realRoot = realpathSync(root);
    const rel = relative(realRoot, realpathSync(abs));
    return !rel.startsWith('..') && !isAbsolute(rel) ? join(root, rel) : abs;
  } catch {
    return abs;
  }
}

function isInside(file: string, dir: string): boolean {
  // Both absolute and normalized (resolved) here: a prefix decides, without resolving them again.
  if (file === dir || file.startsWith(dir.endsWith(sep) ? dir : dir + sep)) return true;
  const rel = relative(dir, file);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The nearest directory above a file holding a package.json or a .git: the project it belongs to. */
function projectRootOf(file: string): string {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) || existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return dirname(file);
  }
}

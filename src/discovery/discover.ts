import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { globby } from 'globby';
import { ts } from 'ts-morph';
import { UsageError } from '../config/errors.js';
import type { PathAlias, WorkspacePackage } from '../extract/syntax/module-resolver.js';
import type { Notice } from '../types.js';
import { compareStrings, toPosix } from '../util/paths.js';

export const SOURCE_EXTENSIONS = ['ts', 'tsx', 'mts', 'cts', 'js', 'jsx', 'mjs', 'cjs'];

/** Build output and dependencies: never user source, whatever .gitignore says. */
const ALWAYS_IGNORED = [
  '**/node_modules/**',
  '**/dist/**',
  '**/build/**',
  '**/out/**',
  '**/coverage/**',
  '**/.git/**',
  '**/*.d.ts',
  '**/*.d.mts',
  '**/*.d.cts',
  '**/*.min.js',
];
/** Tests create metrics that never reach production; name them explicitly to analyse them. */
const TEST_FILES = [
  '**/*.test.*',
  '**/*.spec.*',
  '**/__tests__/**',
  '**/__mocks__/**',
  '**/test/**',
  '**/tests/**',
  '**/spec/**',
];

export interface Discovery {
  /** Every file to analyse, absolute, sorted by posix form. */
  files: string[];
  /** The files whose findings are reported: those named and those under named directories. */
  targets: Set<string>;
  /** The repository's own packages (monorepo workspaces), for resolving imports between them. */
  packages: WorkspacePackage[];
  /** tsconfig `paths` aliases. */
  aliases: PathAlias[];
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
  const namedFiles: string[] = [];
  const directories: string[] = [];
  const notices: Notice[] = [];
  for (const input of paths) {
    const abs = resolve(root, input);
    let stat;
    try {
      stat = statSync(abs);
    } catch {
      throw new UsageError(`no such file or directory: ${input}`);
    }
    if (stat.isDirectory()) directories.push(abs);
    else if (SOURCE_EXTENSIONS.some((e) => abs.endsWith(`.${e}`))) namedFiles.push(abs);
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
  const files = new Set(namedFiles);
  const packages = new Map<string, WorkspacePackage>();
  const aliases: PathAlias[] = [];
  for (const dir of [...contextDirs].sort()) {
    const configs = await globby(['**/tsconfig*.json'], {
      cwd: dir,
      absolute: true,
      gitignore: true,
      ignore: ALWAYS_IGNORED,
      dot: false,
      suppressErrors: true,
    });
    configs.sort().forEach((c) => aliases.push(...pathAliases(c)));
    const manifests = await globby(['**/package.json'], {
      cwd: dir,
      absolute: true,
      gitignore: true,
      ignore: ALWAYS_IGNORED,
      dot: false,
      suppressErrors: true,
    });
    for (const manifest of manifests.sort()) {
      const pkg = workspacePackage(manifest);
      if (pkg && !packages.has(pkg.name)) packages.set(pkg.name, pkg);
    }
    const buildDirs = configs
      .flatMap(outputDirectories)
      .map((d) => toPosix(relative(dir, d)))
      .filter((d) => d && !d.startsWith('..'));
    const ignore = [
      ...ALWAYS_IGNORED,
      ...TEST_FILES,
      ...buildDirs.map((d) => `${d}/**`),
      ...extraIgnores.map((g) => relativeGlob(g, ignoreBase, dir)).filter((g): g is string => Boolean(g)),
    ];
    const found = await globby([`**/*.{${SOURCE_EXTENSIONS.join(',')}}`], {
      cwd: dir,
      absolute: true,
      gitignore: true,
      ignore,
      dot: false,
      followSymbolicLinks: false,
      suppressErrors: true,
    });
    for (const f of found) {
      const abs = resolve(f);
      files.add(abs);
      if (directories.some((d) => isInside(abs, d))) targets.add(abs);
    }
  }
  const sorted = [...files].sort((a, b) => compareStrings(toPosix(a), toPosix(b)));
  return {
    files: sorted,
    targets,
    packages: [...packages.values()],
    aliases,
    notices,
    wholeProject: directories.length > 0,
  };
}

function isInside(file: string, dir: string): boolean {
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

function workspacePackage(manifest: string): WorkspacePackage | undefined {
  try {
    const json = JSON.parse(readFileSync(manifest, 'utf8')) as {
      name?: unknown;
      main?: unknown;
      types?: unknown;
      module?: unknown;
      scripts?: unknown;
      dependencies?: unknown;
      devDependencies?: unknown;
    };
    const entries = [json.types, json.module, json.main].filter((e): e is string => typeof e === 'string');
    const strings = (value: unknown): Record<string, string> =>
      value && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'))
        : {};
    const name = typeof json.name === 'string' ? json.name : `(unnamed:${manifest})`;
    return {
      name,
      dir: dirname(manifest),
      entries,
      scripts: Object.values(strings(json.scripts)),
      dependencies: { ...strings(json.devDependencies), ...strings(json.dependencies) },
    };
  } catch {
    return undefined; // a broken package.json only costs its imports their resolution
  }
}

/** A tsconfig's own `compilerOptions`, as written (not merged with what it extends). */
function compilerOptionsOf(tsconfigPath: string): Record<string, unknown> {
  const read = ts.readConfigFile(tsconfigPath, (path) => ts.sys.readFile(path));
  const config = read.config as { compilerOptions?: Record<string, unknown> } | undefined;
  return config?.compilerOptions ?? {};
}

function pathAliases(tsconfigPath: string): PathAlias[] {
  const options = compilerOptionsOf(tsconfigPath) as { paths?: Record<string, unknown>; baseUrl?: string };
  if (!options.paths || typeof options.paths !== 'object') return [];
  const baseDir = resolve(dirname(tsconfigPath), options.baseUrl ?? '.');
  return Object.entries(options.paths)
    .filter((entry): entry is [string, string[]] => Array.isArray(entry[1]))
    .map(([pattern, targets]) => ({
      pattern,
      targets: targets.filter((t) => typeof t === 'string'),
      baseDir,
      scope: dirname(tsconfigPath),
    }));
}

/** A tsconfig's emit directories are build output. */
function outputDirectories(tsconfigPath: string): string[] {
  const options = compilerOptionsOf(tsconfigPath) as { outDir?: string; declarationDir?: string };
  return [options.outDir, options.declarationDir]
    .filter((d): d is string => typeof d === 'string' && d.length > 0 && d !== '.' && d !== './')
    .map((d) => (isAbsolute(d) ? d : join(dirname(tsconfigPath), d)));
}

/** Budget-file globs are relative to the budget file's directory; globby wants them relative to the scanned dir. */
function relativeGlob(glob: string, base: string, dir: string): string | undefined {
  if (glob.startsWith('**/')) return glob;
  const down = toPosix(relative(base, dir));
  if (!down) return glob;
  if (!down.startsWith('..')) return glob.startsWith(`${down}/`) ? glob.slice(down.length + 1) : undefined;
  const up = toPosix(relative(dir, base));
  return up.startsWith('..') ? undefined : `${up}/${glob}`;
}

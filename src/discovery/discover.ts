import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { globby } from 'globby';
import { ts } from 'ts-morph';
import { UsageError } from '../config/errors.js';
import type { PathAlias, WorkspacePackage } from '../extract/module-resolver.js';
import { toPosix } from '../util/paths.js';

export const SOURCE_EXTENSIONS = ['ts', 'tsx', 'mts', 'cts', 'js', 'jsx', 'mjs', 'cjs'];

/** Build output and dependencies: never user source, whatever .gitignore says. */
const ALWAYS_IGNORED = ['**/node_modules/**', '**/dist/**', '**/build/**', '**/out/**', '**/coverage/**', '**/.git/**', '**/*.d.ts', '**/*.d.mts', '**/*.d.cts', '**/*.min.js'];
/** Tests create metrics that never reach production; name them explicitly to analyse them. */
const TEST_FILES = ['**/*.test.*', '**/*.spec.*', '**/__tests__/**', '**/__mocks__/**', '**/test/**', '**/tests/**'];

export interface Discovery {
  /** Absolute paths, sorted by their posix form. */
  files: string[];
  /** The repository's own packages (monorepo workspaces), for resolving imports between them. */
  packages: WorkspacePackage[];
  /** tsconfig `paths` aliases. */
  aliases: PathAlias[];
}

/**
 * The file set: every source file under the given paths, minus .gitignore'd files, dependencies,
 * build output (including each tsconfig's `outDir`), and the budget file's `ignore` globs.
 * Explicit file arguments are always analysed, even when ignored.
 */
export async function discover(paths: string[], root: string, extraIgnores: string[]): Promise<Discovery> {
  const explicitFiles: string[] = [];
  const directories: string[] = [];
  for (const input of paths) {
    const abs = resolve(root, input);
    let stat;
    try {
      stat = statSync(abs);
    } catch {
      throw new UsageError(`no such file or directory: ${input}`);
    }
    if (stat.isDirectory()) directories.push(abs);
    else explicitFiles.push(abs);
  }

  const files = new Set(explicitFiles);
  const packages = new Map<string, WorkspacePackage>();
  const aliases: PathAlias[] = [];
  for (const dir of directories) {
    const configs = await globby(['**/tsconfig*.json'], { cwd: dir, absolute: true, gitignore: true, ignore: ALWAYS_IGNORED, dot: false, suppressErrors: true });
    configs.sort().forEach((c) => aliases.push(...pathAliases(c)));
    const manifests = await globby(['**/package.json'], { cwd: dir, absolute: true, gitignore: true, ignore: ALWAYS_IGNORED, dot: false, suppressErrors: true });
    for (const manifest of manifests.sort()) {
      const pkg = workspacePackage(manifest);
      if (pkg && !packages.has(pkg.name)) packages.set(pkg.name, pkg);
    }
    const buildDirs = configs.flatMap(outputDirectories).map((d) => toPosix(relative(dir, d))).filter((d) => d && !d.startsWith('..'));
    const ignore = [
      ...ALWAYS_IGNORED,
      ...TEST_FILES,
      ...buildDirs.map((d) => `${d}/**`),
      ...extraIgnores.map((g) => relativeGlob(g, root, dir)).filter((g): g is string => Boolean(g)),
    ];
    const found = await globby([`**/*.{${SOURCE_EXTENSIONS.join(',')}}`], { cwd: dir, absolute: true, gitignore: true, ignore, dot: false, followSymbolicLinks: false, suppressErrors: true });
    found.forEach((f) => files.add(resolve(f)));
  }
  const sorted = [...files].sort((a, b) => (toPosix(a) < toPosix(b) ? -1 : toPosix(a) > toPosix(b) ? 1 : 0));
  return { files: sorted, packages: [...packages.values()], aliases };
}

function workspacePackage(manifest: string): WorkspacePackage | undefined {
  try {
    const json = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown; main?: unknown; types?: unknown; module?: unknown };
    if (typeof json.name !== 'string') return undefined;
    const entries = [json.types, json.module, json.main].filter((e): e is string => typeof e === 'string');
    return { name: json.name, dir: dirname(manifest), entries };
  } catch {
    return undefined; // a broken package.json only costs its imports their resolution
  }
}

function pathAliases(tsconfigPath: string): PathAlias[] {
  const read = ts.readConfigFile(tsconfigPath, ts.sys.readFile);
  const options = (read.config?.compilerOptions ?? {}) as { paths?: Record<string, unknown>; baseUrl?: string };
  if (!options.paths || typeof options.paths !== 'object') return [];
  const baseDir = resolve(dirname(tsconfigPath), options.baseUrl ?? '.');
  return Object.entries(options.paths)
    .filter((entry): entry is [string, string[]] => Array.isArray(entry[1]))
    .map(([pattern, targets]) => ({ pattern, targets: targets.filter((t) => typeof t === 'string'), baseDir }));
}

/** A tsconfig's emit directories are build output. */
function outputDirectories(tsconfigPath: string): string[] {
  const read = ts.readConfigFile(tsconfigPath, ts.sys.readFile);
  const options = (read.config?.compilerOptions ?? {}) as { outDir?: string; declarationDir?: string };
  return [options.outDir, options.declarationDir]
    .filter((d): d is string => typeof d === 'string' && d.length > 0 && d !== '.' && d !== './')
    .map((d) => (isAbsolute(d) ? d : join(dirname(tsconfigPath), d)));
}

/** Budget-file globs are relative to the project root; globby wants them relative to the scanned dir. */
function relativeGlob(glob: string, root: string, dir: string): string | undefined {
  const prefix = toPosix(relative(root, dir));
  if (!prefix) return glob;
  if (glob.startsWith('**/')) return glob;
  if (glob.startsWith(`${prefix}/`)) return glob.slice(prefix.length + 1);
  return prefix.startsWith('..') ? glob : undefined;
}

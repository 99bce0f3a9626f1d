import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { globbySync } from 'globby';
import { UsageError } from '../config/errors.js';
import type { PathAlias, SubpathImports, WorkspacePackage } from '../extract/syntax/module-resolver.js';
import type { Notice } from '../types.js';
import { compareStrings, displayPath, toPosix } from '../util/paths.js';
import { Consulted } from './consulted.js';
import { cachedDirectoryReads } from './directory-cache.js';
import { GitIgnore } from './gitignore.js';
import { lineColumn, unclosedJson } from './json-text.js';
import { ProjectConfigReader } from './tsconfig.js';

export const SOURCE_EXTENSIONS = ['ts', 'tsx', 'mts', 'cts', 'js', 'jsx', 'mjs', 'cjs'];

/** Build output and dependencies: never user source, whatever .gitignore says. */
const ALWAYS_IGNORED = [
  '**/node_modules/**',
  '**/dist/**',
  '**/build/**',
  '**/out/**',
  '**/coverage/**',
  '**/.git/**',
  // Yarn's own release and plugins, and its zip cache: never the project's code.
  '**/.yarn/**',
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
export function discover(paths: string[], root: string, extraIgnores: string[], ignoreBase = root): Promise<Discovery> {
  return Promise.resolve().then(() => discoverSync(paths, root, extraIgnores, ignoreBase));
}

/** `discover`, synchronously: ESLint rules cannot wait for a promise. */
export function discoverSync(
  paths: string[],
  root: string,
  extraIgnores: string[],
  ignoreBase = root,
  walk: Walker = walkProject,
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
 * The walk of the directories a run looks at (those named, and the projects of named files): their
 * source files, packages, path aliases and subpath imports, what was wrong in their configs, and
 * what the walk consulted. The same for every run over the same directories, whichever files are
 * named in them: the part of discovery worth keeping between runs.
 */
export interface ProjectWalk {
  /** Source files, absolute, in the order found. */
  files: string[];
  packages: WorkspacePackage[];
  aliases: PathAlias[];
  subpathImports: SubpathImports[];
  notices: Notice[];
  /** What the answer was read from: a later walk of the same directories reuses it while none of these changed. */
  consulted: { directories: string[]; files: string[]; probes: string[] };
}

export type Walker = (contextDirs: string[], root: string, extraIgnores: string[], ignoreBase: string) => ProjectWalk;

export function walkProject(
  contextDirs: string[],
  root: string,
  extraIgnores: string[],
  ignoreBase: string,
): ProjectWalk {
  const consulted = new Consulted();
  const notices: Notice[] = [];
  const files: string[] = [];
  const packages = new Map<string, WorkspacePackage>();
  const aliases: PathAlias[] = [];
  const subpathImports = new Map<string, SubpathImports>();
  const readManifests = new Set<string>();
  const projectConfigs = new ProjectConfigReader(root, packages, consulted);
  const readConfigs = new Map<string, string[]>();
  const fs = cachedDirectoryReads(consulted);
  for (const dir of contextDirs) {
    const gitignore = GitIgnore.load(dir, ALWAYS_IGNORED, fs, consulted);
    // Manifests and project configs in one walk of the tree (each walk reads every directory).
    const settings = globbySync(['**/package.json', '**/{tsconfig,jsconfig}*.json'], {
      cwd: dir,
      absolute: true,
      ignore: ALWAYS_IGNORED,
      dot: false,
      suppressErrors: true,
      fs,
    });
    const isManifest = (f: string): boolean => basename(f) === 'package.json';
    const manifests = settings.filter(isManifest);
    for (const manifest of manifests.filter((f) => !gitignore.ignores(f)).sort()) {
      if (readManifests.has(manifest)) continue;
      readManifests.add(manifest);
      consulted.files.add(manifest);
      const read = readManifest(manifest, root);
      if ('notice' in read) {
        notices.push(read.notice);
        continue;
      }
      const pkg = read.pkg;
      if (!packages.has(pkg.name)) packages.set(pkg.name, pkg);
      subpathImports.set(pkg.dir, { dir: pkg.dir, imports: read.imports });
    }
    const configs = settings.filter((f) => !isManifest(f));
    const outputDirs: string[] = [];
    for (const config of configs.filter((f) => !gitignore.ignores(f)).sort()) {
      let dirs = readConfigs.get(config);
      if (!dirs) {
        const read = projectConfigs.read(config);
        aliases.push(...read.aliases);
        readConfigs.set(config, (dirs = read.outputDirectories));
      }
      outputDirs.push(...dirs);
    }
    const buildDirs = outputDirs.map((d) => toPosix(relative(dir, d))).filter((d) => d && !d.startsWith('..'));
    const ignore = [
      ...ALWAYS_IGNORED,
      ...TEST_FILES,
      ...buildDirs.map((d) => `${d}/**`),
      ...extraIgnores.map((g) => relativeGlob(g, ignoreBase, dir)).filter((g): g is string => Boolean(g)),
    ];
    const found = globbySync([`**/*.{${SOURCE_EXTENSIONS.join(',')}}`], {
      cwd: dir,
      absolute: true,
      ignore,
      dot: false,
      followSymbolicLinks: false,
      suppressErrors: true,
      fs,
    });
    for (const f of found) {
      const abs = resolve(f);
      if (gitignore.ignores(abs)) continue;
      files.push(abs);
    }
  }
  return {
    files,
    packages: [...packages.values()],
    aliases,
    subpathImports: [...subpathImports.values()],
    notices: [...notices, ...projectConfigs.notices],
    consulted: {
      directories: [...consulted.directories].sort(),
      files: [...consulted.files].sort(),
      probes: [...consulted.probes].sort(),
    },
  };
}

function isSourceFile(path: string): boolean {
  return SOURCE_EXTENSIONS.some((e) => path.endsWith(`.${e}`));
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

type ManifestRead = { pkg: WorkspacePackage; imports: Record<string, unknown> } | { notice: Notice };

/** A package.json: the workspace package it declares and its `imports`; a broken one is a notice. */
export function readManifest(manifest: string, root: string): ManifestRead {
  let text: string;
  let json: unknown;
  try {
    text = readFileSync(manifest, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    return { notice: { level: 'warning', file: displayPath(root, manifest), message: `cannot read (${code})` } };
  }
  try {
    json = JSON.parse(text);
  } catch (error) {
    return {
      notice: { level: 'warning', ...jsonErrorAt(text, (error as Error).message, displayPath(root, manifest)) },
    };
  }
  if (!json || typeof json !== 'object' || Array.isArray(json))
    return {
      notice: {
        level: 'warning',
        file: displayPath(root, manifest),
        line: 1,
        column: 1,
        message: 'package.json is not a JSON object; its name, imports and dependencies are not used',
      },
    };
  const fields = json as Record<string, unknown>;
  const entries = [fields.types, fields.module, fields.main].filter((e): e is string => typeof e === 'string');
  const strings = (value: unknown): Record<string, string> =>
    value && typeof value === 'object'
      ? Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'))
      : {};
  const name = typeof fields.name === 'string' ? fields.name : `(unnamed:${manifest})`;
  const imports =
    fields.imports && typeof fields.imports === 'object' && !Array.isArray(fields.imports)
      ? (fields.imports as Record<string, unknown>)
      : {};
  return {
    pkg: {
      name,
      dir: dirname(manifest),
      entries,
      scripts: Object.values(strings(fields.scripts)),
      dependencies: { ...strings(fields.devDependencies), ...strings(fields.dependencies) },
      ...(fields.browser !== undefined && fields.browser !== false ? { browser: true } : {}),
    },
    imports,
  };
}

/** Where a package.json stops being JSON: an unclosed bracket or string where it opens, else where JSON.parse stopped. */
function jsonErrorAt(text: string, message: string, file: string): Omit<Notice, 'level'> {
  const unclosed = unclosedJson(text, false);
  const position = /at position (\d+)/.exec(message)?.[1];
  let offset =
    unclosed?.offset ??
    (position !== undefined ? Number(position) : /end of JSON/.test(message) ? text.trimEnd().length : 0);
  // `"version": "1.0.0",\n}`: JSON.parse stops at the `}`; the comma before it is what to delete.
  const comma = unclosed ? undefined : /,\s*$/.exec(text.slice(0, offset));
  if (comma && /^[}\]]/.test(text.slice(offset))) offset = comma.index;
  const reason =
    unclosed?.message ??
    (comma && text[offset] === ',' ? 'a trailing comma (JSON allows none)' : undefined) ??
    (text.trim() === '' ? 'the file is empty' : undefined) ??
    message.replace(/, ".*" is not valid JSON$/s, '').replace(/ in JSON at position \d+$/, '');
  return {
    file,
    ...lineColumn(text, offset),
    message: `invalid JSON: ${reason}; this package's name, imports and dependencies are not used`,
  };
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

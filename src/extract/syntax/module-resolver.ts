import { dirname, join, resolve, sep } from 'node:path';
import { compareStrings, nearestAbove } from '../../util/paths.js';

const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

/** A package of the repository itself (a monorepo workspace), by its package.json. */
export interface WorkspacePackage {
  name: string;
  dir: string;
  /** `main`/`types`/`module` entries, relative to `dir`. */
  entries: string[];
  /** Its npm scripts (an instrumentation can be registered with `--require` there). */
  scripts: string[];
  /** Its `start` script: what runs the package as a service. */
  start?: string;
  dependencies: Record<string, string>;
  /** Of those, the ones only in `devDependencies`. */
  devOnly?: string[];
  /** `peerDependencies`: a plugin of a host it does not import (the host loads it by name). */
  peers?: string[];
  /** `exports` by subpath (`"./hono"`, `"./*"`), each a target or a map of conditions. */
  exports?: Record<string, unknown>;
  /** A `browser` field, or a `browserslist` naming no Node: the package is built for the browser. */
  browser?: boolean;
  /** `"private": true`: never published, so no other repository imports it. */
  private?: boolean;
  /** `"type": "module"`: its `.js` files are ES modules, whose imports all load before any statement runs. */
  esm?: boolean;
  /** Tracing its deployment starts outside the code (a Dockerfile's preload, an injected auto-instrumentation). */
  deployed?: DeployedTracing[];
}

/** Found in a deploy file beside the package: a module it preloads (`--require …`) or what injects instrumentation. */
export type DeployedTracing = { file: string } & ({ preload: string } | { injected: string });

/**
 * A tsconfig `paths` alias: `@app/*` → `<baseDir>/src/*`, for the files under `scope` (the tsconfig's
 * directory). A `baseUrl` is the alias `*` → `<baseUrl>/*`, tried after every longer pattern.
 */
export interface PathAlias {
  pattern: string;
  targets: string[];
  baseDir: string;
  scope: string;
}

/** A package.json's `imports` map (`#internal/*` subpath imports) for the files under `dir`. */
export interface SubpathImports {
  dir: string;
  imports: Record<string, unknown>;
}

/**
 * `import { initTracing } from '/app/shared/tracing'`: an absolute path in the container the code runs
 * in (`WORKDIR /app`), not on this machine. Read as the same path below a directory above the
 * importing file once its first one to three segments (`/app`, `/usr/src/app`) are dropped: the
 * nearest such file of the project.
 */
function inContainerLayout(specifier: string, fromFile: string, exists: (path: string) => boolean): string | undefined {
  const segments = specifier.split('/').filter(Boolean);
  for (let drop = 1; drop <= Math.min(3, segments.length - 1); drop++) {
    const rest = segments.slice(drop).join('/');
    for (let dir = dirname(fromFile); ; dir = dirname(dir)) {
      const found = probe(resolve(dir, rest), exists);
      if (found) return found;
      if (dirname(dir) === dir) break;
    }
  }
  return undefined;
}

/** Conditions a server-side build does not take; tried only when no other condition resolves. */
const FOREIGN_CONDITIONS = new Set(['browser', 'react-native', 'deno', 'worker', 'workerd', 'electron']);

/**
 * Resolves import specifiers to project files without node_modules: relative paths (`./x.js` for
 * `./x.ts`), tsconfig `paths` aliases and `baseUrl`, package.json `imports` (`#internal/x`), and
 * workspace packages of a monorepo mapped to their sources.
 */
export class ModuleResolver {
  constructor(
    private readonly packages: WorkspacePackage[] = [],
    private readonly aliases: PathAlias[] = [],
    /** Every package.json of the repository, nearest first decides (Node's package scope). */
    private readonly subpathImports: SubpathImports[] = [],
  ) {}

  /** The workspace package whose directory is the closest above a file. */
  packageContaining(file: string): WorkspacePackage | undefined {
    return nearestAbove(file, this.packages);
  }

  /**
   * The project file an import names, or undefined. `exists` says which files the project has: the
   * same function must always describe the same files (each caller passes one function per file set),
   * since what a package name resolves to is kept per function.
   */
  resolve(specifier: string, fromFile: string, exists: (path: string) => boolean): string | undefined {
    if (specifier.startsWith('.')) return probe(resolve(dirname(fromFile), specifier), exists);
    if (specifier.startsWith('/')) return probe(specifier, exists) ?? inContainerLayout(specifier, fromFile, exists);
    // tsconfig `paths` come first, for `#x` too, as in TypeScript.
    return (
      this.resolveAliased(specifier, fromFile, exists) ??
      (specifier.startsWith('#')
        ? this.resolveSubpathImport(specifier, fromFile, exists)
        : this.resolvePackageOnce(specifier, exists))
    );
  }

  private resolveAliased(specifier: string, fromFile: string, exists: (path: string) => boolean): string | undefined {
    for (const { alias, matched } of this.aliasMatches(specifier, this.aliasScope(dirname(fromFile))))
      for (const target of alias.targets) {
        const found = probe(resolve(alias.baseDir, target.replace('*', matched)), exists);
        if (found) return found;
      }
    return undefined;
  }

  // Every import of every file asks which aliases apply, with hundreds of tsconfigs in a monorepo:
  // the answers depend only on the importing directory and the specifier, so each is worked out once.
  private readonly scopes = new Map<string, string | undefined>();
  private readonly matches = new Map<string, { alias: PathAlias; matched: string }[]>();
  private readonly packageOf = new Map<string, WorkspacePackage | undefined>();

  /** The directory of the nearest tsconfig above a file in `dir`: it decides what the file's aliases mean. */
  private aliasScope(dir: string): string | undefined {
    if (this.scopes.has(dir)) return this.scopes.get(dir);
    const within = dir.endsWith(sep) ? dir : `${dir}${sep}`;
    const scope = this.aliases
      .map((a) => a.scope)
      .filter((scopeDir) => within.startsWith(`${scopeDir}${sep}`))
      .sort((a, b) => b.length - a.length)[0];
    this.scopes.set(dir, scope);
    return scope;
  }

  /** Like TypeScript: the pattern with the longest prefix first; `baseUrl` (`*`) last. */
  private aliasMatches(specifier: string, scope: string | undefined): { alias: PathAlias; matched: string }[] {
    const key = `${scope ?? ''}\u0000${specifier}`;
    let found = this.matches.get(key);
    if (!found) {
      found = this.aliases
        .filter((alias) => alias.scope === scope)
        .map((alias) => ({ alias, matched: matchPattern(alias.pattern, specifier) }))
        .filter((m): m is { alias: PathAlias; matched: string } => m.matched !== undefined)
        .sort((a, b) => prefixLength(b.alias.pattern) - prefixLength(a.alias.pattern));
      this.matches.set(key, found);
    }
    return found;
  }

  /** `#internal/x` through the `imports` of the nearest package.json above the importing file. */
  private resolveSubpathImport(
    specifier: string,
    fromFile: string,
    exists: (path: string) => boolean,
  ): string | undefined {
    const scope = nearestAbove(fromFile, this.subpathImports);
    if (!scope) return undefined;
    const entry = mapEntry(scope.imports, specifier);
    return entry && this.resolveImportTarget(entry.target, entry.matched, scope.dir, fromFile, exists, 0);
  }

  /** A subpath through the package's `exports` map. */
  private resolveExport(pkg: WorkspacePackage, subpath: string, exists: (path: string) => boolean): string | undefined {
    const entry = mapEntry(pkg.exports!, subpath);
    return (
      entry && this.resolveImportTarget(entry.target, entry.matched, pkg.dir, join(pkg.dir, 'package.json'), exists, 0)
    );
  }

  private resolveImportTarget(
    target: unknown,
    matched: string,
    dir: string,
    fromFile: string,
    exists: (path: string) => boolean,
    depth: number,
  ): string | undefined {
    if (depth > 8) return undefined;
    if (typeof target === 'string') {
      const path = target.replaceAll('*', matched);
      if (!path.startsWith('./')) return path.startsWith('#') ? undefined : this.resolve(path, fromFile, exists);
      // A target in build output (`./dist/db.js`, `./dist/cjs/servers/nest.cjs`) is read from its
      // source (`./src/db.ts`, `./src/servers/nest.ts`).
      return (
        probe(resolve(dir, path), exists) ??
        probe(resolve(dir, path.replace(BUILD_OUTPUT, './src/')), exists) ??
        probe(resolve(dir, path.replace(BUILD_OUTPUT_BY_FORMAT, './src/')), exists)
      );
    }
    const next = (t: unknown): string | undefined =>
      this.resolveImportTarget(t, matched, dir, fromFile, exists, depth + 1);
    if (Array.isArray(target)) {
      for (const t of target as unknown[]) {
        const found = next(t);
        if (found) return found;
      }
      return undefined;
    }
    if (!target || typeof target !== 'object') return undefined;
    // Conditions in the order the package lists them; browser-only builds last.
    const entries = Object.entries(target);
    for (const [condition, t] of [
      ...entries.filter(([c]) => !FOREIGN_CONDITIONS.has(c)),
      ...entries.filter(([c]) => FOREIGN_CONDITIONS.has(c)),
    ]) {
      if (condition === 'types') continue;
      const found = next(t);
      if (found) return found;
    }
    return undefined;
  }

  /**
   * A workspace package's import means the same from every file (aliases aside, tried before): with
   * thousands of directories importing the same few packages, each probed a dozen entry points.
   */
  private readonly packageResolutions = new WeakMap<(path: string) => boolean, Map<string, string | undefined>>();

  private resolvePackageOnce(specifier: string, exists: (path: string) => boolean): string | undefined {
    let byName = this.packageResolutions.get(exists);
    if (!byName) this.packageResolutions.set(exists, (byName = new Map<string, string | undefined>()));
    if (byName.has(specifier)) return byName.get(specifier);
    const found = this.resolvePackage(specifier, exists);
    byName.set(specifier, found);
    return found;
  }

  private local?: [string, WorkspacePackage][];

  /**
   * The project's packages depended on by path (`"Common": "file:../Common"`, `link:`), by the name
   * the dependent gives them, where that is not their own.
   */
  private localDependencies(): [string, WorkspacePackage][] {
    if (!this.local) {
      const byDir = new Map(this.packages.map((p) => [p.dir, p]));
      const found = new Map<string, WorkspacePackage>();
      for (const dependent of this.packages)
        for (const [key, version] of Object.entries(dependent.dependencies)) {
          const path = /^(?:file|link):(.+)$/.exec(version)?.[1];
          const target = path === undefined ? undefined : byDir.get(resolve(dependent.dir, path));
          if (target && target.name !== key && !found.has(key)) found.set(key, target);
        }
      this.local = [...found].sort(([a], [b]) => compareStrings(a, b));
    }
    return this.local;
  }

  private resolvePackage(specifier: string, exists: (path: string) => boolean): string | undefined {
    let pkg = this.packageOf.get(specifier);
    if (!this.packageOf.has(specifier))
      this.packageOf.set(
        specifier,
        (pkg = this.packages.find((p) => specifier === p.name || specifier.startsWith(`${p.name}/`))),
      );
    // `"Common": "file:../Common"` in a dependent's package.json: `Common/…` is that package's, whatever its name.
    let named = pkg?.name;
    if (!pkg) {
      const local = this.localDependencies().find(([key]) => specifier === key || specifier.startsWith(`${key}/`));
      if (local) [named, pkg] = local;
    }
    if (!pkg || named === undefined) return undefined;
    const subpath = specifier.slice(named.length + 1);
    // What the package's `exports` map says the subpath is (its build output read from its sources).
    const exported = pkg.exports && this.resolveExport(pkg, subpath ? `./${subpath}` : '.', exists);
    if (exported) return exported;
    if (subpath)
      return (
        probe(join(pkg.dir, 'src', subpath), exists) ??
        probe(join(pkg.dir, subpath), exists) ??
        probe(join(pkg.dir, subpath.replace(/^(lib|dist|build)\//, 'src/')), exists) ??
        probe(join(pkg.dir, subpath.replace(/^(dist|build)\//, 'lib/')), exists)
      );
    // Built entry points (`dist/index.js`) are read from their sources (`src/index.ts`, or
    // `lib/index.ts` where the package compiles lib/ into dist/).
    const candidates = [
      ...pkg.entries.flatMap((e) => [
        e.replace(/^(\.\/)?(lib|dist|build)\//, 'src/').replace(/\.d\.ts$/, '.ts'),
        e.replace(/^(\.\/)?(dist|build)\//, 'lib/').replace(/\.d\.ts$/, '.ts'),
        e,
      ]),
      'src/index',
      'lib/index',
      'index',
    ];
    for (const entry of candidates) {
      const found = probe(join(pkg.dir, entry), exists);
      if (found) return found;
    }
    return undefined;
  }
}

/**
 * The entry of a package.json `imports` or `exports` map a specifier selects, and what its `*`
 * stands for: the exact key, else, in Node's order, the pattern with the longest prefix before `*`,
 * then the longest key.
 */
function mapEntry(map: Record<string, unknown>, specifier: string): { target: unknown; matched: string } | undefined {
  if (Object.hasOwn(map, specifier)) return { target: map[specifier], matched: '' };
  const best = Object.keys(map)
    .filter((k) => k.split('*').length === 2 && matchPattern(k, specifier) !== undefined)
    .sort((a, b) => prefixLength(b) - prefixLength(a) || b.length - a.length)[0];
  return best === undefined ? undefined : { target: map[best], matched: matchPattern(best, specifier) ?? '' };
}

/** What `*` stands for when `specifier` matches `pattern` (`''` for an exact match), or undefined. */
function matchPattern(pattern: string, specifier: string): string | undefined {
  const star = pattern.indexOf('*');
  if (star < 0) return specifier === pattern ? '' : undefined;
  const prefix = pattern.slice(0, star);
  const suffix = pattern.slice(star + 1);
  return specifier.length >= prefix.length + suffix.length && specifier.startsWith(prefix) && specifier.endsWith(suffix)
    ? specifier.slice(prefix.length, specifier.length - suffix.length)
    : undefined;
}

function prefixLength(pattern: string): number {
  const star = pattern.indexOf('*');
  return star < 0 ? Number.MAX_SAFE_INTEGER : star;
}

/** A build's output directory, which a package compiles from `src/`. */
const BUILD_OUTPUT = /^\.\/(lib|dist|build)\//;
/** One per module format (`dist/cjs/`, `dist/esm/`), as tsup and similar tools write. */
const BUILD_OUTPUT_BY_FORMAT = /^\.\/(lib|dist|build)\/(cjs|esm|es|mjs|commonjs|module)\//;

/** The file itself, then with each extension (`./x.js` for `./x.ts`), then the directory's index: the first that exists. */
function probe(base: string, exists: (path: string) => boolean): string | undefined {
  if (exists(base)) return base;
  const stripped = base.replace(/\.(c|m)?js$/, '');
  for (const extension of EXTENSIONS) if (exists(stripped + extension)) return stripped + extension;
  // Built only when needed: most imports name a file, and every probe ran for every import.
  for (const extension of EXTENSIONS) {
    const index = join(base, `index${extension}`);
    if (exists(index)) return index;
  }
  return undefined;
}

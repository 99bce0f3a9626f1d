import { dirname } from 'node:path';
import { compareStrings, displayPath } from '../../util/paths.js';
import type { WorkspacePackage } from '../syntax/module-resolver.js';

/** UI frameworks: a package that renders in the browser. */
const BROWSER_FRAMEWORKS = ['react-dom', 'vue', 'svelte', '@angular/core', 'solid-js', 'preact', 'lit'];
/** Servers and full-stack frameworks: their presence means the package also runs on a server. */
const SERVER_FRAMEWORKS = [
  'express',
  'fastify',
  'koa',
  '@hapi/hapi',
  'hapi',
  '@nestjs/core',
  'hono',
  'next',
  'nuxt',
  '@remix-run/node',
  '@react-router/node',
  '@sveltejs/kit',
  '@tanstack/react-start',
  '@tanstack/solid-start',
  '@solidjs/start',
  'nitropack',
  'vinxi',
  'astro',
  'h3',
  'restify',
  '@apollo/server',
  'apollo-server',
  'electron',
];

/** One package of the repository: the directory its package.json sits in, or the root without one. */
export interface PackageScope {
  /** The directory relative to the root, posix (`.` for the root). */
  key: string;
  manifest?: WorkspacePackage;
}

/**
 * Which workspace package each file belongs to (the nearest package.json above it, Node's package
 * scope), and how packages depend on each other by name.
 */
export class PackageIndex {
  private readonly scopes: (PackageScope & { manifest: WorkspacePackage })[];
  private readonly byName = new Map<string, PackageScope>();
  private readonly rootScope: PackageScope;
  private readonly byDirectory = new Map<string, PackageScope>();
  private readonly byFile = new Map<string, PackageScope>();
  private readonly byKey = new Map<string, PackageScope>();

  constructor(
    private readonly root: string,
    packages: readonly WorkspacePackage[],
  ) {
    this.scopes = packages
      .map((manifest) => ({ key: this.keyOf(manifest.dir), manifest }))
      // Deepest first, the root last: the first that contains a file is its nearest package.json.
      .sort(
        (a, b) =>
          Number(a.key === '.') - Number(b.key === '.') || b.key.length - a.key.length || compareStrings(a.key, b.key),
      );
    for (const s of this.scopes) if (!this.byName.has(s.manifest.name)) this.byName.set(s.manifest.name, s);
    for (const s of this.scopes) if (!this.byKey.has(s.key)) this.byKey.set(s.key, s);
    this.rootScope = this.scopes.find((s) => s.key === '.') ?? { key: '.' };
  }

  /** Every package, the root included, in directory order. */
  all(): PackageScope[] {
    const all = this.scopes.some((s) => s.key === '.') ? [...this.scopes] : [...this.scopes, this.rootScope];
    return all.sort((a, b) => compareStrings(a.key, b.key));
  }

  /** The package a file (absolute path) belongs to. */
  of(fileName: string): PackageScope {
    // Asked again and again of the same files (every file, for every package, when unreached code is
    // counted): by the file's own name, whose hash V8 keeps, before its directory's, made anew each time.
    const known = this.byFile.get(fileName);
    if (known) return known;
    // Files of one directory share their package: asked per directory (12,000 files, 1,900 directories).
    const directory = dirname(fileName);
    let scope = this.byDirectory.get(directory);
    if (!scope) {
      // The nearest directory above the file that holds a package (356 packages, 12,000 files: looking
      // up each directory is cheaper than trying every package).
      const key = this.keyOf(fileName);
      for (let cut = key.lastIndexOf('/'); cut > 0 && !scope; cut = key.lastIndexOf('/', cut - 1))
        scope = this.byKey.get(key.slice(0, cut));
      scope ??= this.byKey.get('.') ?? this.rootScope;
      this.byDirectory.set(directory, scope);
    }
    this.byFile.set(fileName, scope);
    return scope;
  }

  /**
   * The packages whose code runs in the same processes as `scope`'s: itself, what it depends on,
   * and the packages that depend on it with their own dependencies (a library runs inside the
   * services that import it); each dependency only where the dependent loads it (see `knowLoads`).
   */
  related(scope: PackageScope): PackageScope[] {
    const dependents = [...this.closure([scope], (s) => this.dependentsOf(s).filter((d) => this.loads(d, s)))];
    const related = this.closure(dependents, (s) => this.dependenciesOf(s).filter((d) => this.loads(s, d)));
    return [scope, ...[...related].filter((s) => s !== scope).sort((a, b) => compareStrings(a.key, b.key))];
  }

  /**
   * Whether code of two files' packages may run in one process: one package, or one `related` to
   * the other, or one importing the other's files (by a relative path, declared or not). Two
   * services that share a library are not: neither calls the other's methods.
   */
  runBeside(importers: ReadonlyMap<string, readonly string[]>): (a: string, b: string) => boolean {
    const importing = packagesImporting(importers, this);
    const beside = new Map<PackageScope, Set<PackageScope>>();
    const around = (scope: PackageScope): Set<PackageScope> => {
      let set = beside.get(scope);
      if (!set) beside.set(scope, (set = new Set([...this.related(scope), ...(importing.get(scope) ?? [])])));
      return set;
    };
    return (a, b) => {
      const [x, y] = [this.of(a), this.of(b)];
      return x === y || around(y).has(x) || around(x).has(y);
    };
  }

  /** What runs in `scope`'s own processes: itself and the dependencies it loads, without its dependents. */
  ownProcess(scope: PackageScope): PackageScope[] {
    const loaded = this.closure([scope], (s) => this.dependenciesOf(s).filter((d) => this.loads(s, d)));
    return [scope, ...[...loaded].filter((s) => s !== scope)];
  }

  /**
   * Whether a package is never published, so no other repository calls into it: `"private": true`,
   * or an application (a `start` script) no package of the repository depends on.
   */
  unpublished(scope: PackageScope): boolean {
    const manifest = scope.manifest;
    if (!manifest) return false;
    return manifest.private === true || (manifest.start !== undefined && this.dependentsOf(scope).length === 0);
  }

  /** The range of a dependency the file's package declares, or else the repository root's (a workspace's shared manifest). */
  dependencyRange(fileName: string, name: string): string | undefined {
    return this.of(fileName).manifest?.dependencies[name] ?? this.byKey.get('.')?.manifest?.dependencies[name];
  }

  /** The workspace package of that name, if the repository has one. */
  named(name: string): PackageScope | undefined {
    return this.byName.get(name);
  }

  /**
   * What each package with code loads at run time (see `packageLoads`), for `related`: a package
   * with code runs a dependency's code only where it loads it (or one of its scripts preloads it).
   */
  knowLoads(loads: Readonly<Record<string, readonly string[]>>): void {
    this.loaded = new Map(Object.entries(loads).map(([user, deps]) => [user, new Set(deps)]));
  }

  private loaded?: Map<string, Set<string>>;

  /** Whether `user`'s processes run `dependency`'s code; declared is enough where obslint does not know what loads what. */
  private loads(user: PackageScope, dependency: PackageScope): boolean {
    const loaded = this.loaded?.get(user.key);
    if (!loaded || !this.loaded!.has(dependency.key) || loaded.has(dependency.key)) return true;
    const name = dependency.manifest?.name;
    return name !== undefined && (user.manifest?.scripts ?? []).some((script) => script.includes(name));
  }

  /**
   * Which files may run in one process: packages joined by a declared dependency (or peer
   * dependency) with code, or by an import from one's files into the other's, as one group. Code in two groups never calls the other
   * (four unrelated repositories in one directory, a monorepo's standalone examples).
   */
  processGroups(
    importers: ReadonlyMap<string, readonly string[]>,
    files: Iterable<string>,
  ): (fileName: string) => PackageScope {
    return this.processGrouping(importers, files).ofFile;
  }

  /** `processGroups`, asked of a file or of a package. */
  processGrouping(
    importers: ReadonlyMap<string, readonly string[]>,
    files: Iterable<string>,
  ): { ofFile: (fileName: string) => PackageScope; ofScope: (scope: PackageScope) => PackageScope } {
    const parent = new Map<PackageScope, PackageScope>();
    const find = (s: PackageScope): PackageScope => {
      let top = s;
      for (let up = parent.get(top); up && up !== top; up = parent.get(top)) top = up;
      parent.set(s, top);
      return top;
    };
    const join = (a: PackageScope, b: PackageScope): void => {
      const [x, y] = [find(a), find(b)];
      // The group is named by its first package in directory order, whatever the order of joins.
      if (x === y) return;
      if (compareStrings(x.key, y.key) <= 0) parent.set(y, x);
      else parent.set(x, y);
    };
    // A package of shared configuration (`@repo/tsconfig` in every app's devDependencies) runs
    // nowhere: only a dependency with code of its own joins two packages.
    const withCode = new Set([...files].map((file) => this.of(file)));
    for (const scope of this.all())
      for (const dep of [...this.dependenciesOf(scope), ...this.peersOf(scope)])
        if (withCode.has(dep)) join(scope, dep);
    for (const [target, from] of importers) for (const file of from) join(this.of(target), this.of(file));
    return { ofFile: (fileName) => find(this.of(fileName)), ofScope: find };
  }

  /** Whether code of `from`'s package can hold `to`'s objects: the same package, or one it depends on (transitively). */
  reaches(from: string, to: string): boolean {
    const start = this.of(from);
    let reachable = this.reachable.get(start);
    if (!reachable) this.reachable.set(start, (reachable = this.closure([start], (s) => this.dependenciesOf(s))));
    return reachable.has(this.of(to));
  }

  /** Each package's transitive dependencies, itself included: value flow asks `reaches` at every step. */
  private readonly reachable = new Map<PackageScope, Set<PackageScope>>();

  private peersOf(scope: PackageScope): PackageScope[] {
    return (scope.manifest?.peers ?? [])
      .map((d) => this.byName.get(d))
      .filter((s): s is PackageScope => s !== undefined);
  }

  private dependenciesOf(scope: PackageScope): PackageScope[] {
    const deps = Object.keys(scope.manifest?.dependencies ?? {});
    return deps.map((d) => this.byName.get(d)).filter((s): s is PackageScope => s !== undefined);
  }

  private dependentsOf(scope: PackageScope): PackageScope[] {
    const name = scope.manifest?.name;
    if (name === undefined) return [];
    if (!this.dependents) {
      // Every package's dependents at once: asking each package for its own scanned them all.
      this.dependents = new Map();
      for (const s of this.scopes)
        for (const dependency of Object.keys(s.manifest.dependencies)) {
          const list = this.dependents.get(dependency);
          if (list) list.push(s);
          else this.dependents.set(dependency, [s]);
        }
    }
    return this.dependents.get(name) ?? [];
  }

  private dependents?: Map<string, PackageScope[]>;

  private closure(start: PackageScope[], next: (s: PackageScope) => PackageScope[]): Set<PackageScope> {
    const seen = new Set(start);
    const queue = [...start];
    for (let s = queue.shift(); s; s = queue.shift())
      for (const n of next(s))
        if (!seen.has(n)) {
          seen.add(n);
          queue.push(n);
        }
    return seen;
  }

  private keyOf(abs: string): string {
    return displayPath(this.root, abs);
  }
}

/**
 * A package built for the browser: a package.json `browser` field, or a UI framework without any
 * server framework (a Vite or webpack single-page app). An app that runs its UI framework (in
 * `dependencies`) may develop with a server (a dev proxy in `devDependencies`); a package that only
 * builds a UI (both in `devDependencies`: a dashboard a library serves through its server adapters)
 * runs on the server.
 */
export function builtForBrowser(manifest: WorkspacePackage | undefined): boolean {
  if (!manifest) return false;
  if (manifest.browser) return true;
  const declared = (d: string): boolean => manifest.dependencies[d] !== undefined;
  const atRuntime = (d: string): boolean => declared(d) && !manifest.devOnly?.includes(d);
  const runsUi = BROWSER_FRAMEWORKS.some(atRuntime);
  return (
    BROWSER_FRAMEWORKS.some(declared) &&
    !SERVER_FRAMEWORKS.some(runsUi ? atRuntime : declared) &&
    !SERVER_ONLY.some(atRuntime)
  );
}

/**
 * Packages that only run on a server: a package that needs one at run time renders its UI on the
 * server (`preact-render-to-string` in a Lambda), whatever UI library it also depends on.
 */
const SERVER_ONLY = [
  'preact-render-to-string',
  'prom-client',
  '@opentelemetry/sdk-node',
  '@opentelemetry/sdk-trace-node',
  '@sentry/node',
  '@sentry/serverless',
  '@sentry/aws-serverless',
  'dd-trace',
  'sst',
  'aws-cdk-lib',
  'kafkajs',
  'amqplib',
  'bullmq',
  'pg',
  'mysql2',
  'ioredis',
  'mongoose',
];

/** Whether a package runs a server (or may: without a package.json nobody can tell). */
export function runsServer(manifest: WorkspacePackage | undefined): boolean {
  return !manifest || SERVER_FRAMEWORKS.some((d) => manifest.dependencies[d] !== undefined);
}

/** Per package, the other packages whose files import its files (declared as dependencies or not). */
export function packagesImporting(
  importers: ReadonlyMap<string, readonly string[]>,
  packages: PackageIndex,
): Map<PackageScope, PackageScope[]> {
  const users = new Map<PackageScope, Set<PackageScope>>();
  for (const [file, by] of importers) {
    const owner = packages.of(file);
    for (const importer of by) {
      const user = packages.of(importer);
      if (user === owner) continue;
      let set = users.get(owner);
      if (!set) users.set(owner, (set = new Set()));
      set.add(user);
    }
  }
  return new Map([...users].map(([owner, set]) => [owner, [...set].sort((a, b) => compareStrings(a.key, b.key))]));
}

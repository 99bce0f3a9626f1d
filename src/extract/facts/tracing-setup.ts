import type { ts } from 'ts-morph';
import type { Client, LateTracingStart, Location, TracingFacts } from '../../types.js';
import type { ProjectIndex } from '../syntax/project-index.js';
import { enclosingFunction } from '../syntax/scope.js';
import { absolutePath, compareStrings } from '../../util/paths.js';
import { loadedSpecifiers } from '../syntax/module-loads.js';
import { packagesImporting, type PackageIndex, type PackageScope } from './workspace-packages.js';
import { startsWith, tracingStarters } from './tracing-starters.js';
import { lateTracingStarts } from './late-tracing-start.js';
import { sentryErrorsOnly, sentryIn, withoutSentry } from './sentry-setup.js';
import { apiOnly, PRELOAD, startsTracing, tracingFacts } from './tracing-facts.js';

/**
 * Tracing per workspace package: what each sets up itself (in its files, scripts and
 * dependencies), merged over the packages that share its processes.
 */
export function tracingByPackage(
  calls: (ts.CallExpression | ts.NewExpression)[],
  files: Iterable<ts.SourceFile>,
  project: ProjectIndex,
  packages: PackageIndex,
  /** Every file's importers: a package whose code imports a file that sets up tracing as it loads runs that set-up. */
  importers: ReadonlyMap<string, readonly string[]>,
  /** The packages to describe (a process group's, when groups are extracted apart); every one when omitted. */
  describe?: ReadonlySet<string>,
): Record<string, TracingFacts> {
  const callsOf = new Map<string, (ts.CallExpression | ts.NewExpression)[]>();
  const filesOf = new Map<string, ts.SourceFile[]>();
  const add = <T>(into: Map<string, T[]>, key: string, item: T): void => {
    const list = into.get(key);
    if (list) list.push(item);
    else into.set(key, [item]);
  };
  for (const call of calls) add(callsOf, packages.of(call.getSourceFile().fileName).key, call);
  for (const file of files) add(filesOf, packages.of(file.fileName).key, file);
  const own = new Map<string, TracingFacts>();
  for (const scope of packages.all())
    own.set(
      scope.key,
      tracingFacts(callsOf.get(scope.key) ?? [], filesOf.get(scope.key) ?? [], project, {
        scripts: scope.manifest?.scripts ?? [],
        dependencies: scope.manifest?.dependencies ?? {},
        deployed: scope.manifest?.deployed ?? [],
        inheritedDependencies: () => dependenciesAbove(scope, packages),
      }),
    );
  const setups = calls.filter((call) => startsTracing(call, project));
  const starters = tracingStarters(setups, project, packages, importers);
  const loadedSetups = setupsLoadedByImport(setups, importers, packages, project);
  const importingPackages = packagesImporting(importers, packages);
  // The packages whose set-up functions `scope`'s code calls (`initializeSentry('scheduler')` through an alias).
  const setupsCalledBy = (scope: PackageScope): PackageScope[] =>
    [...starters]
      .filter(([owner, from]) => owner !== scope.key && from.has(scope.key))
      .map(([owner]) => packages.all().find((s) => s.key === owner))
      .filter((s): s is PackageScope => s !== undefined);
  const lateStarts = new Map<string, LateTracingStart>();
  for (const late of lateTracingStarts(
    [...filesOf.values()].flat(),
    project,
    importers,
    (file) =>
      /\.m[jt]s$/.test(file.fileName) ||
      (!/\.c[jt]s$/.test(file.fileName) && packages.of(file.fileName).manifest?.esm === true),
  )) {
    const key = packages.of(absolutePath(project.root, late.loc.file)).key;
    if (!lateStarts.has(key)) lateStarts.set(key, late);
  }
  const out: Record<string, TracingFacts> = {};
  for (const scope of packages.all()) {
    if (describe && !describe.has(scope.key)) continue;
    const related = packages.related(scope);
    for (const loaded of loadedSetups.get(scope.key) ?? []) if (!related.includes(loaded)) related.push(loaded);
    // A library the services import through a path alias, without declaring it, runs in their
    // processes; a package with a set-up of its own (a test harness beside the SDK) runs in its own,
    // unless that set-up is a function only those services call (a shared `initializeSentry()`).
    if (!own.get(scope.key)!.setup || !startsWith(starters, scope, [scope], scope))
      for (const user of importingPackages.get(scope) ?? []) if (!related.includes(user)) related.push(user);
    // A package whose set-up this one calls (through an alias, without depending on it) runs in its
    // processes; so does one whose set-up a service loading this one calls or loads (a library the
    // services import through an alias, traced by the shared `startTracing()` or `otelSDK.start()` of
    // each service's entry).
    for (const running of [...related])
      for (const starting of [...setupsCalledBy(running), ...(loadedSetups.get(running.key) ?? [])])
        if (!related.includes(starting)) related.push(starting);
    related.sort((a, b) => (a === scope ? -1 : b === scope ? 1 : compareStrings(a.key, b.key)));
    const [self, ...others] = related.map((s) =>
      startsWith(starters, s, related, scope) ? own.get(s.key)! : notStarted(own.get(s.key)!),
    );
    // A library that only asks for a tracer (`trace.getTracer`) starts nothing: it makes the processes
    // that load it traced no more than they already are, and they make it traced only by starting an SDK.
    // `new NodeClient({ skipOpenTelemetrySetup: true })` in an application (a private package): Sentry
    // reports its errors and instruments nothing in its processes, whatever a library beside it
    // depends on. A published library's own text (Sentry's SDKs name the option) decides no process.
    const sentryOff =
      packages.unpublished(scope) &&
      sentryIn(scope.manifest?.dependencies ?? {}) !== undefined &&
      sentryErrorsOnly(filesOf.get(scope.key) ?? []);
    const published = publishedLibrary(scope, packages);
    const merged = mergeTracing(
      [self, ...others.map(startedTracing).map((part) => (sentryOff ? withoutSentry(part) : part))],
      published,
    );
    if (published && builtForOthers(scope)) merged.published = true;
    // Traced, but not by what its own processes start: only where packages that load it run it.
    const alone = [...packages.ownProcess(scope), ...(loadedSetups.get(scope.key) ?? [])];
    for (const starting of setupsCalledBy(scope)) if (!alone.includes(starting)) alone.push(starting);
    const startsAlone = alone.some((s) => {
      const setup = own.get(s.key)!.setup;
      return setup !== undefined && !apiOnly(setup) && startsWith(starters, s, alone, scope);
    });
    if (merged.setup && !apiOnly(merged.setup) && !startsAlone) merged.loadersOnly = true;
    // A start after the clients it instruments are loaded, where the package's process runs it,
    // unless a script preloads a module first.
    const preloads = (scope.manifest?.scripts ?? []).some((script) => [...script.matchAll(PRELOAD)].length > 0);
    const late = merged.setup && !preloads ? lateStarts.get(scope.key) : undefined;
    if (late) merged.lateStart = late;
    const name = scope.manifest?.name;
    out[scope.key] = name && !name.startsWith('(unnamed:') ? { name, ...merged } : merged;
  }
  return out;
}

/** The dependencies of the packages whose directories hold `scope`'s; the nearest one's range wins. */
function dependenciesAbove(scope: PackageScope, packages: PackageIndex): Record<string, string> {
  const dependencies: Record<string, string> = {};
  const above = packages
    .all()
    .filter((s) => s !== scope && (s.key === '.' || scope.key.startsWith(`${s.key}/`)))
    .sort((a, b) => a.key.length - b.key.length);
  for (const s of above) Object.assign(dependencies, s.manifest?.dependencies);
  return dependencies;
}

/**
 * `import '@td/tracer'` in a service whose manifest does not depend on the tracer (a path alias into a
 * library with no manifest of its own): the packages of files that set up tracing as they load (outside
 * any function), or that load such a file from their own package (`index.ts` doing `import './sdk'`),
 * by the packages whose files import them. An import of types only loads nothing.
 */
function setupsLoadedByImport(
  setups: readonly (ts.CallExpression | ts.NewExpression)[],
  importers: ReadonlyMap<string, readonly string[]>,
  packages: PackageIndex,
  project: ProjectIndex,
): Map<string, PackageScope[]> {
  const loaded = new Map<string, PackageScope[]>();
  const loads = (importer: string, target: string): boolean => {
    const file = project.files.get(importer);
    // A file obslint did not parse is taken at its word (the prefilter's scan of its imports).
    return file === undefined || valueImports(file, project).has(target);
  };
  const starts = setups.filter((call) => enclosingFunction(call) === undefined);
  for (const start of new Set(starts.map((call) => call.getSourceFile().fileName))) {
    const owner = packages.of(start);
    // The owner package's files that load the set-up, a few imports up.
    const loading = new Set([start]);
    let frontier = [start];
    for (let level = 0; level < IMPORT_LEVELS && frontier.length > 0; level++) {
      const next: string[] = [];
      for (const file of frontier)
        for (const importer of importers.get(file) ?? []) {
          if (loading.has(importer) || !loads(importer, file)) continue;
          const by = packages.of(importer);
          if (by === owner) {
            loading.add(importer);
            next.push(importer);
            continue;
          }
          const list = loaded.get(by.key) ?? [];
          if (!list.includes(owner)) list.push(owner);
          loaded.set(by.key, list);
        }
      frontier = next;
    }
  }
  return loaded;
}

const IMPORT_LEVELS = 3;
const valueImportsByFile = new WeakMap<ts.SourceFile, Set<string>>();

/** The files a parsed file loads: its imports but for `import type`, and its top-level `require`s. */
function valueImports(file: ts.SourceFile, project: ProjectIndex): Set<string> {
  let found = valueImportsByFile.get(file);
  if (found) return found;
  found = new Set<string>();
  for (const specifier of file.statements.flatMap(loadedSpecifiers)) {
    const target = project.resolvedPath(specifier, file.fileName);
    if (target) found.add(target);
  }
  valueImportsByFile.set(file, found);
  return found;
}

/** A package whose set-up runs in other processes than these: only its own tracer calls remain. */
function notStarted(facts: TracingFacts): TracingFacts {
  const kept: TracingFacts = { instrumented: {}, ignoredHosts: [] };
  if (apiOnly(facts.setup)) kept.setup = facts.setup;
  if (facts.web) kept.web = true;
  if (facts.webInstrumented) kept.webInstrumented = facts.webInstrumented;
  return kept;
}

/** What another package contributes to a process's tracing: its SDK set-up, not its own tracer calls. */
function startedTracing(facts: TracingFacts): TracingFacts {
  if (!apiOnly(facts.setup)) return facts;
  const { setup: _apiOnly, ...rest } = facts;
  return rest;
}

/** A package published for others to load (not private nor an application, with entry points): their processes may start an SDK. */
function publishedLibrary(scope: PackageScope, packages: PackageIndex): boolean {
  const manifest = scope.manifest;
  return (
    manifest !== undefined &&
    !packages.unpublished(scope) &&
    (manifest.entries.length > 0 || manifest.exports !== undefined)
  );
}

/**
 * A package built for others to install: named, and declaring what it exports (`exports`) or its types
 * or module build beside `main`; not a `"main": "index.js"` left by `npm init` in an application or a
 * folder of scripts.
 */
function builtForOthers(scope: PackageScope): boolean {
  const manifest = scope.manifest;
  return (
    manifest !== undefined &&
    !manifest.name.startsWith('(unnamed:') &&
    (manifest.exports !== undefined || manifest.entries.length > 1)
  );
}

/**
 * The tracing of code that runs with all of these packages: the first setup, every instrumentation.
 * `loadedElsewhere`: a published library, whose users' processes may start the SDK its tracer needs.
 */
function mergeTracing(parts: TracingFacts[], loadedElsewhere: boolean): TracingFacts {
  const merged: TracingFacts = { instrumented: {}, ignoredHosts: [] };
  const hosts = new Map<string, { host: string; clients: Client[] }>();
  for (const part of parts) {
    merged.setup ??= part.setup;
    merged.outgoingOff ??= part.outgoingOff;
    merged.handSpansOnly ??= part.handSpansOnly;
    for (const [client, off] of Object.entries(part.pluginsOff ?? {}) as [Client, { what: string; loc: Location }][])
      (merged.pluginsOff ??= {})[client] ??= off;
    for (const [client, release] of Object.entries(part.upgrade ?? {}) as [Client, string][])
      (merged.upgrade ??= {})[client] ??= release;
    merged.legacy ??= part.legacy;
    merged.unreadSetup ??= part.unreadSetup;
    if (part.web) merged.web = true;
    for (const [client, what] of Object.entries(part.instrumented) as [Client, string][])
      merged.instrumented[client] ??= what;
    for (const [client, what] of Object.entries(part.webInstrumented ?? {}) as [Client, string][])
      (merged.webInstrumented ??= {})[client] ??= what;
    for (const ignored of part.ignoredHosts) hosts.set(`${ignored.host}\u0000${ignored.clients.join()}`, ignored);
  }
  merged.ignoredHosts = [...hosts.values()].sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
  if (!merged.setup) delete merged.setup;
  if (!merged.handSpansOnly) delete merged.handSpansOnly;
  // Another part instruments HTTP: its requests are traced, spans made by hand or not.
  else if (merged.instrumented.http || merged.instrumented.fetch) delete merged.handSpansOnly;
  // A tracer that reads W3C context runs beside it: what is left untraced is not Sentry 7's to explain.
  if (merged.setup || !merged.legacy) delete merged.legacy;
  // A tracer asked for (`trace.getTracer`) beside a set-up obslint cannot read (`initTracing()` of the
  // company's kit) is that set-up's to start: whether it traces is beyond sight.
  if ((merged.setup && !apiOnly(merged.setup)) || merged.legacy || !merged.unreadSetup) delete merged.unreadSetup;
  else if (merged.setup) delete merged.setup;
  // Another part's instrumentation covers the client: no upgrade to name.
  const upgrades = Object.entries(merged.upgrade ?? {}).filter(([client]) => !merged.instrumented[client as Client]);
  if (upgrades.length > 0) merged.upgrade = Object.fromEntries(upgrades);
  else delete merged.upgrade;
  // Printed only when every set-up that runs prints only.
  const started = parts.filter((part) => part.setup && !apiOnly(part.setup));
  if (started.length > 0 && started.every((part) => part.consoleOnly)) merged.consoleOnly = started[0].consoleOnly;
  // A tracer asked for where no SDK starts: the API hands out one that records nothing.
  if (
    !loadedElsewhere &&
    apiOnly(merged.setup) &&
    merged.setup!.loc &&
    started.length === 0 &&
    Object.keys(merged.instrumented).length === 0 &&
    !merged.legacy &&
    !merged.unreadSetup &&
    !merged.web
  ) {
    merged.tracerWithoutSdk = { what: merged.setup!.what, loc: merged.setup!.loc };
    delete merged.setup;
  }
  return merged;
}

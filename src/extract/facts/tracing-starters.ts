import { relative } from 'node:path';
import { toPosix } from '../../util/paths.js';
import { ts } from 'ts-morph';
import { calledFunction, callsTo, returnedValues } from '../syntax/functions.js';
import type { ProjectIndex } from '../syntax/project-index.js';
import { enclosingFunction, fieldHolders, isStatic, lookup, skipOuter } from '../syntax/scope.js';
import type { PackageIndex, PackageScope } from './workspace-packages.js';

/**
 * Which packages start the tracing a package sets up. A set-up at module level (or one obslint
 * cannot place) starts when its own package is loaded; a set-up inside a function
 * (`export function initTracing() { new NodeSDK(…).start() }` in a shared library) starts only in
 * the processes that call that function. Without this, every package that depends on the shared
 * library for anything else (an e2e harness, a CLI) would look traced.
 */
export function tracingStarters(
  setupCalls: readonly (ts.CallExpression | ts.NewExpression)[],
  project: ProjectIndex,
  packages: PackageIndex,
  /** Every file's importers, parsed or not (the prefilter's import graph). */
  importers: ReadonlyMap<string, readonly string[]>,
): Map<string, Set<string>> {
  const wrappersOf = new Map<string, Map<ts.SignatureDeclaration, NamedFunction>>();
  const startsOnLoad = new Set<string>();
  const inExamplesOnly = new Set<string>();
  const example = exampleEntries(project.root, packages, importers);
  for (const call of setupCalls) {
    const key = packages.of(call.getSourceFile().fileName).key;
    const wrapper = outermostNamedFunction(call);
    if (!wrapper && example(call)) inExamplesOnly.add(key);
    else if (!wrapper) startsOnLoad.add(key);
    else {
      let own = wrappersOf.get(key);
      if (!own) wrappersOf.set(key, (own = new Map<ts.SignatureDeclaration, NamedFunction>()));
      own.set(wrapper.fn, wrapper);
    }
  }
  const starters = new Map<string, Set<string>>();
  // A set-up only an example runs (`example-server.ts`, which nothing imports): no process of the package.
  for (const key of inExamplesOnly) if (!startsOnLoad.has(key) && !wrappersOf.has(key)) starters.set(key, new Set());
  for (const [key, wrappers] of wrappersOf) {
    const found = new Set<string>();
    let unplaced = false;
    const uncalled: NamedFunction[] = [];
    for (const wrapper of wrappers.values()) {
      const callers = callingPackages(wrapper, project, packages, example);
      if (!callers) uncalled.push(wrapper);
      else callers.forEach((c) => found.add(c));
    }
    // A set-up function nobody in the project calls is called by a framework (Next.js `register`)
    // or by code obslint does not see: it starts in its own package's processes, not in those of the
    // packages that depend on it (they would have to call it, and none does). Unless no process
    // loads its module (`startOTel()` in a `config/otel.ts` left behind): then nothing can call it;
    // or the package has another set-up its services are seen calling (a library's `createJaegerTracing`
    // beside the `JaegerTracingService` they construct): that one is how its processes start.
    for (const wrapper of uncalled)
      if (found.size === 0 || FRAMEWORK_HOOK.test(wrapper.name))
        unplaced ||=
          !neverLoaded(wrapper, importers, project, packages) && !calledNowhere(wrapper, importers, project, packages);
    if (startsOnLoad.has(key)) found.add(key);
    else if (unplaced) found.add(ownProcesses(key));
    starters.set(key, found);
  }
  return starters;
}

/** The packages whose code calls a set-up function (looked up among the calls of its name), if any does. */
function callingPackages(
  wrapper: NamedFunction,
  project: ProjectIndex,
  packages: PackageIndex,
  example: (call: ts.Node) => boolean,
  depth = 0,
): Set<string> | undefined {
  const named = project.callsByName.get(wrapper.name) ?? [];
  let callers: (ts.CallExpression | ts.NewExpression)[] = callsTo(wrapper.fn, wrapper.name, project).filter(
    ts.isCallExpression,
  );
  // A method whose class obslint cannot reach through the import (`…/build/tracing`, a built path):
  // the calls on an object of a class of that name (made by `new` or a factory, or declared of it).
  const cls =
    ts.isMethodDeclaration(wrapper.fn) && ts.isClassLike(wrapper.fn.parent) ? wrapper.fn.parent.name : undefined;
  if (callers.length === 0 && cls)
    callers = named.filter((call) =>
      ts.isMethodDeclaration(wrapper.fn) && isStatic(wrapper.fn)
        ? onClass(call, wrapper.fn.parent as ts.ClassLikeDeclaration, project)
        : onInstanceOf(call, cls, project),
    );
  if (callers.length === 0) return undefined;
  const own = packages.of(wrapper.fn.getSourceFile().fileName).key;
  const found = new Set<string>();
  for (const call of callers) {
    if (example(call)) continue;
    const key = packages.of(call.getSourceFile().fileName).key;
    // `initializePlatform()` of a shared SDK calls `createTraceHandler()`: the set-up starts where
    // the SDK's entry point is called, a few calls up.
    const outer = key === own && depth < CALL_LEVELS ? outermostNamedFunction(call) : undefined;
    const further = outer && callingPackages(outer, project, packages, example, depth + 1);
    if (further) further.forEach((k) => found.add(k));
    // Its entry point, which nothing in the project calls: as a set-up function nobody calls.
    else found.add(outer ? ownProcesses(key) : key);
  }
  return found;
}

const CALL_LEVELS = 3;

/** What a framework calls by name (`onModuleInit`, Next.js `register`): never seen called in the project. */
const FRAMEWORK_HOOK = /^(?:on|ng)[A-Z]|^register$/;

/**
 * `tracing.initialize()` on an instance of the class named (not one of the same name the calling
 * module declares): `const tracing = new JaegerTracingService(…)`,
 * one a factory returns (`const tracing = configureTracing(…)` where it returns `new TracingInstance(…)`),
 * or a variable or parameter declared of that class (`let tracing: TracingInstance | undefined`).
 */
function onInstanceOf(call: ts.CallExpression | ts.NewExpression, cls: ts.Identifier, project: ProjectIndex): boolean {
  const className = cls.text;
  // A class of that name declared where the call is (another service's own stub of it) is another class.
  const local = lookup(className, call);
  if (local?.kind === 'class' && local.node.name !== cls) return false;
  const callee = ts.isCallExpression(call) ? call.expression : undefined;
  if (!callee || !ts.isPropertyAccessExpression(callee)) return false;
  const receiver = skipOuter(callee.expression);
  // `this.tracingManager.initialize(…)` of a class that holds the instance in a field.
  if (ts.isPropertyAccessExpression(receiver))
    return fieldHolders(receiver).some((field) => holdsInstance(field, className, project));
  if (!ts.isIdentifier(receiver)) return false;
  const decl = lookup(receiver.text, receiver);
  if ((decl?.kind !== 'variable' && decl?.kind !== 'parameter') || decl.path.length > 0) return false;
  return holdsInstance(decl.node, className, project);
}

/** A variable, parameter or field declared of the class, or set to one made by `new` or by a factory. */
function holdsInstance(
  holder: ts.VariableDeclaration | ts.ParameterDeclaration | ts.PropertyDeclaration,
  className: string,
  project: ProjectIndex,
): boolean {
  if (namesClass(holder.type, className)) return true;
  const init = holder.initializer && skipOuter(holder.initializer);
  if (!init) return false;
  if (isNewOf(init, className)) return true;
  const factory = ts.isCallExpression(init) ? calledFunction(init.expression, project) : undefined;
  // `getTracing(name): GuardTracing`, which keeps one per name: its declared result says what it makes.
  return (
    factory !== undefined &&
    (namesClass(factory.type, className) ||
      returnedValues(factory).some((value) => isNewOf(skipOuter(value), className)))
  );
}

/** `Tracing.init(…)` on the class itself (imported under any name), for a static method. */
function onClass(
  call: ts.CallExpression | ts.NewExpression,
  cls: ts.ClassLikeDeclaration,
  project: ProjectIndex,
): boolean {
  const callee = ts.isCallExpression(call) ? skipOuter(call.expression) : undefined;
  const receiver = callee && ts.isPropertyAccessExpression(callee) ? skipOuter(callee.expression) : undefined;
  return receiver !== undefined && ts.isIdentifier(receiver) && project.declarationOf(receiver)?.node === cls;
}

function isNewOf(e: ts.Expression, className: string): boolean {
  return ts.isNewExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === className;
}

/** A type annotation that is the class, or a union with it (`TracingInstance | undefined`). */
function namesClass(type: ts.TypeNode | undefined, className: string): boolean {
  if (!type) return false;
  if (ts.isUnionTypeNode(type)) return type.types.some((t) => namesClass(t, className));
  return ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName) && type.typeName.text === className;
}

/** The mark of a set-up that starts in its own package's processes only (see {@link tracingStarters}). */
function ownProcesses(key: string): string {
  return `${key}\u0000own`;
}

/**
 * Whether a package's tracing runs in the processes of `scope` (which run `related`): one of its
 * starters is among them, or it starts in its own processes and `scope` is that package.
 */
export function startsWith(
  starters: ReadonlyMap<string, ReadonlySet<string>>,
  owner: PackageScope,
  related: readonly PackageScope[],
  scope: PackageScope,
): boolean {
  const from = starters.get(owner.key);
  return !from || related.some((s) => from.has(s.key)) || (owner === scope && from.has(ownProcesses(owner.key)));
}

const EXAMPLE = /(?:^|[/._-])(?:examples?|demos?|samples?)(?:[/._-]|$)/i;

/**
 * Whether a call runs at the top of an example or demo in a package of something else
 * (`src/observability/example-server.ts`, `examples/basic.ts`) that no file imports: a process of
 * its own, which no one deploys.
 */
function exampleEntries(
  root: string,
  packages: PackageIndex,
  importers: ReadonlyMap<string, readonly string[]>,
): (call: ts.Node) => boolean {
  return (call) => {
    const file = call.getSourceFile().fileName;
    if (outermostNamedFunction(call) || (importers.get(file) ?? []).length > 0) return false;
    // Within its package: a package of examples (`examples/express/`) runs its examples as its processes.
    return EXAMPLE.test(pathInPackage(file, packages, root));
  };
}

/**
 * A set-up function in a module no process loads (the whole import graph, not only the parsed
 * files): no chain of importers leads up to a file nothing imports that does something (an entry);
 * a barrel nothing imports (`src/tracing/index.ts` re-exporting it to no one) is none. Not one a
 * framework loads by convention (Next.js `instrumentation.ts` and its `register`).
 */
function neverLoaded(
  wrapper: NamedFunction,
  importers: ReadonlyMap<string, readonly string[]>,
  project: ProjectIndex,
  packages: PackageIndex,
): boolean {
  const file = wrapper.fn.getSourceFile().fileName;
  if (/(?:^|\/)instrumentation(?:\.node)?\.[cm]?[jt]s$/.test(file) || wrapper.name === 'register') return false;
  // A package's own index is its API: what imports it may be outside the repository.
  const packageIndex = (module: string): boolean =>
    /^(?:(?:src|lib)\/)?index\.[cm]?[jt]sx?$/.test(pathInPackage(module, packages, project.root));
  const seen = new Set<string>([file]);
  const loadedBy = (module: string): boolean =>
    (importers.get(module) ?? []).some((importer) => {
      if (seen.has(importer)) return false;
      seen.add(importer);
      const above = importers.get(importer) ?? [];
      return above.length > 0 ? loadedBy(importer) : !project.onlyImportsAndExports(importer) || packageIndex(importer);
    });
  return !packageIndex(file) && !loadedBy(file);
}

/**
 * A set-up function of a private package (never published: no other repository calls it) whose
 * name is written nowhere but at its declaration, in a module whose importers are all analysed
 * (`setupSentryAndOpenTelemetry()` in a `config/log/sentry.ts` the entry loads, its call commented
 * out): nothing runs it. A framework's hook is called by its name alone, and is left alone.
 */
function calledNowhere(
  wrapper: NamedFunction,
  importers: ReadonlyMap<string, readonly string[]>,
  project: ProjectIndex,
  packages: PackageIndex,
): boolean {
  const file = wrapper.fn.getSourceFile().fileName;
  if (FRAMEWORK_HOOK.test(wrapper.name) || !packages.unpublished(packages.of(file))) return false;
  return (
    project.namings(new Set([wrapper.name])).get(wrapper.name)?.times === 1 &&
    project.parsesEveryImporter(file, importers)
  );
}

/** A file's path within its package (within the run's root outside any), POSIX-style. */
function pathInPackage(file: string, packages: PackageIndex, root: string): string {
  return toPosix(relative(packages.of(file).manifest?.dir ?? root, file));
}

interface NamedFunction {
  fn: ts.SignatureDeclaration;
  /** The name its callers call it by. */
  name: string;
}

/** The outermost function declaration (or const-bound function) around a node, when every function on the way is one. */
function outermostNamedFunction(node: ts.Node): NamedFunction | undefined {
  let outer: NamedFunction | undefined;
  for (let fn = enclosingFunction(node); fn; fn = enclosingFunction(fn)) {
    const name =
      ts.isFunctionDeclaration(fn) && fn.name
        ? fn.name.text
        : (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) &&
            ts.isVariableDeclaration(fn.parent) &&
            ts.isIdentifier(fn.parent.name)
          ? fn.parent.name.text
          : ts.isMethodDeclaration(fn) && ts.isClassDeclaration(fn.parent) && fn.parent.name && ts.isIdentifier(fn.name)
            ? fn.name.text
            : undefined;
    // Inside a callback or an anonymous function obslint cannot tell when it runs.
    if (name === undefined) return undefined;
    outer = { fn, name };
  }
  return outer;
}

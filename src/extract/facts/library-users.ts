import { ts } from 'ts-morph';
import type { OutboundCall, TracingFacts } from '../../types.js';
import { absolutePath } from '../../util/paths.js';
import type { ProjectIndex } from '../syntax/project-index.js';
import { loadedSpecifiers } from '../syntax/module-loads.js';
import { enclosingFunction, hasModifier, outerParent, skipOuter } from '../syntax/scope.js';
import type { PackageIndex } from './workspace-packages.js';

/** How many imports up from a call's module obslint looks for the packages that load it. */
const IMPORT_LEVELS = 6;

/**
 * A library package runs traced in the processes of the services that load it (`PackageIndex.related`),
 * but a service loads only the modules it imports: `import { detectInjectionMarker } from
 * '@mana/tool-registry'` (through the package's barrel) runs its policy module, never its sync
 * client. A call in a module that only services without tracing load runs untraced, whatever the
 * library's other users do: it is marked with those services. Where obslint cannot tell which
 * packages load the module (an import graph too deep), nothing changes.
 */
export function markCallsOnlyUntracedUsersLoad(
  outbound: OutboundCall[],
  /** Each outbound call's node, in `outbound`'s order. */
  nodes: readonly ts.Node[],
  tracing: Readonly<Record<string, TracingFacts>>,
  project: ProjectIndex,
  packages: PackageIndex,
  importers: ReadonlyMap<string, readonly string[]>,
  callersOf: (fn: ts.SignatureDeclaration) => readonly ts.Node[],
): void {
  const usersByFile = new Map<string, string[] | undefined>();
  // Sentry 7 traces with headers of its own: a user tracing so is no untraced one.
  const untraced = (users: readonly string[]): boolean =>
    users.every((user) => user in tracing && tracing[user].setup === undefined && !tracing[user].legacy);
  outbound.forEach((call, i) => {
    // Its own processes start tracing (its set-up, or one of a package it loads): its modules run traced there.
    if (!tracing[call.package]?.loadersOnly) return;
    const file = absolutePath(project.root, call.loc.file);
    if (!usersByFile.has(file)) usersByFile.set(file, usersOf(file, call.package, project, packages, importers));
    const users = usersByFile.get(file);
    // A module no other package loads runs only in the package's own, untraced, processes.
    if (users?.length === 0) call.loadedOnlyUntracedBy = [call.package];
    else if (users && untraced(users)) call.loadedOnlyUntracedBy = users;
    else {
      // Loaded by a traced service too, but run only on behalf of calls from untraced ones.
      // Its own processes, an entry point's, start no tracing of theirs (only its loaders trace it).
      const callers = callingPackages(nodes[i], call.package, packages, callersOf);
      if (callers && callers.length > 0 && untraced(callers.filter((c) => c !== call.package))) {
        call.loadedOnlyUntracedBy = callers;
        if (callers.includes(call.package)) call.runByEntryPoint = true;
      }
    }
  });
}

/** How many functions up from a call obslint follows its callers to the packages that make them. */
const FUNCTION_LEVELS = 4;

/**
 * The packages whose code calls, through the library's own functions, the function a call is in
 * (`preHandle` of a content handler, run only by `preHandleContent`, which only the fetcher calls);
 * the package itself for a handler an exported wrapper makes (an entry point its own process runs).
 * Undefined where the trail ends elsewhere: a function no call obslint reads reaches, code that runs
 * as its module loads, a callback obslint cannot place, more levels than it follows.
 */
function callingPackages(
  node: ts.Node,
  own: string,
  packages: PackageIndex,
  callersOf: (fn: ts.SignatureDeclaration) => readonly ts.Node[],
): string[] | undefined {
  const users = new Set<string>();
  const seen = new Set<ts.Node>();
  let frontier = [runningFunction(node)];
  for (let level = 0; level < FUNCTION_LEVELS && frontier.length > 0; level++) {
    const next: (ts.SignatureDeclaration | undefined)[] = [];
    for (const fn of frontier) {
      if (!fn) return undefined;
      const callers = callersOf(fn);
      // Called from nowhere obslint reads (a method through an interface, a caller not parsed): unknown.
      if (callers.length === 0) return undefined;
      for (const caller of callers) {
        const by = packages.of(caller.getSourceFile().fileName).key;
        if (by !== own) users.add(by);
        else if (wrappedEntryPoint(caller)) users.add(own);
        else {
          const outer = runningFunction(caller);
          if (outer && seen.has(outer)) continue;
          if (outer) seen.add(outer);
          next.push(outer);
        }
      }
    }
    frontier = next;
  }
  return frontier.length > 0 ? undefined : [...users].sort();
}

/**
 * The function whose run makes a call: the one around it, or, for a callback handed to a call
 * (`handlers.find((h) => h.matches(url))`), the function around that call, which runs it.
 */
function runningFunction(node: ts.Node): ts.SignatureDeclaration | undefined {
  let fn = enclosingFunction(node);
  while (fn && (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && ts.isCallExpression(fn.parent))
    fn = enclosingFunction(fn.parent);
  return fn;
}

/**
 * A call in a handler an exported wrapper makes (`export const handler =
 * Sentry.GCPFunction.wrapHttpFunction(async (req, res) => …)`, a Lambda's `wrapHandler`): the
 * platform runs it, in the package's own process.
 */
function wrappedEntryPoint(node: ts.Node): boolean {
  const fn = enclosingFunction(node);
  if (!fn || !(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) || !ts.isCallExpression(fn.parent)) return false;
  const declaration = outerParent(fn.parent);
  return (
    ts.isVariableDeclaration(declaration) &&
    declaration.initializer !== undefined &&
    skipOuter(declaration.initializer) === fn.parent &&
    hasModifier(declaration.parent.parent, ts.SyntaxKind.ExportKeyword)
  );
}

/** The other packages whose files load `file` (through its own package's modules), or undefined past the levels looked at. */
function usersOf(
  file: string,
  own: string,
  project: ProjectIndex,
  packages: PackageIndex,
  importers: ReadonlyMap<string, readonly string[]>,
): string[] | undefined {
  const loading = new Set([file]);
  const users = new Set<string>();
  let frontier = [file];
  for (let level = 0; level < IMPORT_LEVELS && frontier.length > 0; level++) {
    const next: string[] = [];
    for (const target of frontier)
      for (const importer of importers.get(target) ?? []) {
        if (loading.has(importer)) continue;
        // A file obslint did not parse is taken at the word of the prefilter's import scan: it loads the module.
        const source = project.fileAt(importer);
        if (source && !loadsThrough(source, target, loading, project)) continue;
        const by = packages.of(importer).key;
        if (by === own) {
          loading.add(importer);
          next.push(importer);
        } else users.add(by);
      }
    frontier = next;
  }
  return frontier.length > 0 ? undefined : [...users].sort();
}

/**
 * Whether `source` loads one of the `loading` modules through its imports of `target`: any value
 * import of an ordinary module; of a barrel (a module of re-exports only), an import of a name
 * declared in one of them.
 */
function loadsThrough(
  source: ts.SourceFile,
  target: string,
  loading: ReadonlySet<string>,
  project: ProjectIndex,
): boolean {
  const barrel = project.onlyImportsAndExports(target) ? project.files.get(target) : undefined;
  let found = false;
  let named = false;
  for (const statement of source.statements) {
    if (!loadedSpecifiers(statement).some((specifier) => project.resolvedPath(specifier, source.fileName) === target))
      continue;
    named = true;
    const names = barrel ? importedNames(statement) : undefined;
    found ||=
      names === undefined ||
      names.some((name) => {
        const decl = project.findExport(barrel!, name);
        return !decl || loading.has(decl.node.getSourceFile().fileName);
      });
  }
  // An import the graph knows but these statements do not show (a dynamic `import()`, types only): taken at its word.
  return found || !named;
}

/**
 * The names an import or re-export takes (`import { a, b as c }`, `export { a } from`), type-only
 * ones left out; undefined when it takes the whole module (a default, a namespace, `export *`, a side effect).
 */
function importedNames(statement: ts.Statement): string[] | undefined {
  if (ts.isImportDeclaration(statement)) {
    const clause = statement.importClause;
    const bindings = clause?.namedBindings;
    if (!clause || clause.name || !bindings || !ts.isNamedImports(bindings)) return undefined;
    return bindings.elements.filter((e) => !e.isTypeOnly).map((e) => (e.propertyName ?? e.name).text);
  }
  if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause))
    return statement.exportClause.elements.filter((e) => !e.isTypeOnly).map((e) => (e.propertyName ?? e.name).text);
  return undefined;
}

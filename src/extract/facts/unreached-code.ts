import { ts } from 'ts-morph';
import type { UnreachedCode } from '../../types.js';
import type { ProjectIndex } from '../syntax/project-index.js';
import { groupBy } from '../../util/group.js';
import { identifierRegExp } from '../../util/regexp.js';
import { encloses, hasModifier, lookup, propertyKey } from '../syntax/scope.js';

/**
 * Names a framework, a runtime or a library calls by convention, never the project: route
 * handlers, lifecycle hooks, middleware, entry points.
 */
const CALLED_BY_CONVENTION = new Set([
  'GET',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'HEAD',
  'OPTIONS',
  'default',
  'main',
  'handler',
  'middleware',
  'loader',
  'action',
  'getServerSideProps',
  'getStaticProps',
  'getInitialProps',
  'generateMetadata',
  'register',
  'plugin',
  'setup',
  'init',
  'initialize',
  'start',
  'stop',
  'run',
  'execute',
  'handle',
  'process',
  'intercept',
  'use',
  'catch',
  'canActivate',
  'transform',
  'resolve',
  'validate',
  'collect',
  'render',
  'connectedCallback',
  'disconnectedCallback',
]);

/** The route handlers of a Next.js `route.ts`, by the HTTP method they serve. */
const HTTP_HANDLERS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

/**
 * A `route.ts` inside a private folder of the Next.js app router (`app/api/_metrics/record/route.ts`):
 * a folder whose name starts with `_` is left out of routing, so no request reaches its handlers.
 */
const NEXT_PRIVATE_ROUTE = /\/app\/(?:[^/]+\/)*_[^/]*\/(?:[^/]+\/)*route\.[cm]?[jt]sx?$/;

/** How many times the dead code found is searched again for the functions only it calls. */
const DEAD_CALLER_ROUNDS = 3;

/** `onModuleInit`, `ngOnDestroy`, `componentDidMount`: hooks their framework calls. */
const HOOK_NAME = /^(?:on|ng)[A-Z]|^component[A-Z]|^_/;

/**
 * Interfaces of one framework hook each (Nest's `OnModuleInit`, `NestInterceptor`, `CanActivate`,
 * Angular's `OnInit`): implementing one says nothing of the class's other methods.
 */
const HOOK_INTERFACE =
  /^(?:\w+\.)?(?:On[A-Z]\w*|BeforeApplicationShutdown|NestInterceptor|NestMiddleware|NestModule|CanActivate|PipeTransform|ExceptionFilter)$/;

interface Unit {
  node: ts.FunctionDeclaration | ts.MethodDeclaration | ts.VariableDeclaration | ts.PropertyDeclaration;
  name: string;
}

/**
 * Code that runs only when something calls it, and that nothing in the project calls: a metrics
 * helper written ahead of its first caller, a method left behind when its caller was removed.
 * What it records makes no series today; a finding there is a note until something calls it.
 * The test is the name: written in one parsed file (as an identifier, a property name or an
 * element access's string), and once in its text (comments and strings too), at its declaration;
 * for a function the module keeps to itself, one exported where every importer is in sight (see
 * `unusedExport`), or a method of a class other files use, in a module whose importers are all in
 * sight (a published package's class is called from outside). Anything a framework, a library or a
 * configuration file may call by name is left alone: exports of published packages, decorated
 * methods, hooks, overrides of a library's class.
 */
export class UnreachedCodeFinder {
  /** The units recording code runs in, in the order met. */
  private readonly units = new Map<ts.Node, Unit>();
  /**
   * `importers`: every file's importers, parsed or not (the prefilter's import graph);
   * `bootstrapsNest`: whether a file's package has a file importing `@nestjs/core` (its bootstrap);
   * `unpublished`: whether a file's package is private (never published);
   * `packageOf`: a file's workspace package; `reaches`: whether code of one file's package can call
   * code of another's (the same package, or one it depends on).
   */
  constructor(
    private readonly project: ProjectIndex,
    private readonly importers: ReadonlyMap<string, readonly string[]>,
    private readonly bootstrapsNest: (file: string) => boolean,
    private readonly unpublished: (file: string) => boolean,
    private readonly packageOf: (file: string) => string = () => '.',
    private readonly reaches: (from: string, to: string) => boolean = () => true,
  ) {}

  /** Notes that `node` records something; {@link unreached} then says whether its function is ever called. */
  recordsIn(node: ts.Node): void {
    const unit = enclosingUnit(node);
    if (unit && !this.units.has(unit.node)) this.units.set(unit.node, unit);
  }

  /**
   * Notes the functions that call a recording function by its name, up to two calls away: the
   * value a label takes enters there (`metricsService.incrementRequest(req.path)` in a middleware),
   * so a finding is located there, and that function too may be one nothing calls.
   */
  callersOfRecorders(callsByName: ReadonlyMap<string, readonly ts.Node[]>): void {
    let recorders = [...this.units.values()];
    for (let depth = 0; depth < 2 && recorders.length > 0; depth++) {
      const known = this.units.size;
      for (const name of new Set(recorders.map((unit) => unit.name)))
        for (const call of callsByName.get(name) ?? []) this.recordsIn(call);
      recorders = [...this.units.values()].slice(known);
    }
  }

  /** The functions that record something and that nothing in the project calls, and the Nest classes nothing loads. */
  unreached(): UnreachedCode[] {
    // Names are counted where code can call the unit: in a monorepo, its package and those that
    // depend on it (another app's method of the same name is no call of it).
    const byPackage = new Map<string, { file: string; names: Set<string> }>();
    for (const { node, name } of this.units.values()) {
      const file = node.getSourceFile().fileName;
      const key = this.packageOf(file);
      let group = byPackage.get(key);
      if (!group) byPackage.set(key, (group = { file, names: new Set() }));
      group.names.add(name);
      const cls = node.parent;
      if (ts.isClassLike(cls) && cls.name) group.names.add(cls.name.text);
    }
    const countsByPackage = new Map(
      [...byPackage].map(([key, { file, names }]) => [
        key,
        this.project.namings(names, (source) => this.reaches(source.fileName, file)),
      ]),
    );
    const namingsOf = (unit: Unit): ReadonlyMap<string, { files: number; times: number }> =>
      countsByPackage.get(this.packageOf(unit.node.getSourceFile().fileName))!;
    // Any finding in a class Nest never creates is a note, wherever the code it feeds records.
    const unloaded = this.project
      .classes()
      .filter((cls): cls is ts.ClassDeclaration => ts.isClassDeclaration(cls) && this.unloadedNestClass(cls));
    const inUnloaded = (node: ts.Node): boolean => unloaded.some((cls) => cls === node.parent);
    const pending = [...this.units.values()].filter((unit) => !inUnloaded(unit.node));
    // Other recording methods of the same name where the unit can be called (two services'
    // `recordRequest`): each declaration writes the name once more, and calls no one.
    const alikeKey = (unit: Unit): string => `${this.packageOf(unit.node.getSourceFile().fileName)}\u0000${unit.name}`;
    const alike = groupBy(pending, alikeKey);
    const othersAlike = (unit: Unit): number => alike.get(alikeKey(unit))!.length - 1;
    const uncalled = pending.filter((unit) => this.uncalled(unit, namingsOf(unit), othersAlike(unit)));
    // A function only dead code calls is dead too (a service method only an interceptor Nest never
    // creates calls), as long as its name is written nowhere else.
    const dead: ts.Node[] = [...unloaded, ...uncalled.map((unit) => unit.node)];
    const inDead = (node: ts.Node): boolean => dead.some((d) => encloses(d, node));
    const calledOnlyBy = new Map<Unit, string>();
    for (let round = 0, grew = true; grew && round < DEAD_CALLER_ROUNDS; round++) {
      grew = false;
      for (const unit of pending) {
        if (dead.includes(unit.node)) continue;
        const file = unit.node.getSourceFile().fileName;
        const calls = (this.project.callsByName.get(unit.name) ?? []).filter((call) =>
          this.reaches(call.getSourceFile().fileName, file),
        );
        if (
          calls.length === 0 ||
          !calls.every(inDead) ||
          !this.uncalled(unit, namingsOf(unit), calls.length + othersAlike(unit))
        )
          continue;
        const caller = dead.find((d) => encloses(d, calls[0]))!;
        calledOnlyBy.set(unit, ts.isClassDeclaration(caller) ? caller.name!.text : this.units.get(caller)!.name);
        uncalled.push(unit);
        dead.push(unit.node);
        grew = true;
      }
    }
    return [
      ...unloaded.map((cls): UnreachedCode => ({
        name: cls.name!.text,
        loc: this.project.location(cls),
        unloaded: true,
      })),
      ...uncalled.map((unit): UnreachedCode => {
        const caller = calledOnlyBy.get(unit);
        return { name: unit.name, loc: this.project.location(unit.node), ...(caller ? { calledOnlyBy: caller } : {}) };
      }),
    ];
  }

  /**
   * A class Nest creates (a provider, a middleware, a controller) in a package that bootstraps Nest,
   * in a module no file imports (and not named in its own file outside itself), or one only Nest
   * modules nothing imports lead to: no Nest module the application loads lists it, so Nest never
   * creates it (Nest loads no file by a glob or a path). A middleware written and never applied.
   */
  private unloadedNestClass(cls: ts.ClassDeclaration): boolean {
    const file = cls.getSourceFile();
    // Without the application's bootstrap in sight, its modules may be elsewhere.
    if (!nestManaged(cls)) return false;
    const imported = (this.importers.get(file.fileName) ?? []).length > 0;
    // A library's class (an unpublished one: its users are all in the repository) runs where an
    // application lists it; without the application's bootstrap in sight, its modules may be elsewhere.
    if (!this.bootstrapsNest(file.fileName))
      return imported && this.unpublished(file.fileName) && this.namedOnlyInImports(cls);
    if (imported) return this.onlyUnlistedModulesImport(file.fileName) || this.namedOnlyInImports(cls);
    const name = cls.name!.text;
    for (const match of file.text.matchAll(identifierRegExp(name)))
      if (match.index < cls.getStart() || match.index >= cls.end) return false;
    return true;
  }

  /**
   * Whether every chain of imports that reaches `file` starts at a Nest module file nothing imports
   * (a `LoggingModule` no other module lists); a chain from anywhere else (the bootstrap, a script,
   * a test, a file not parsed) may load it.
   */
  private onlyUnlistedModulesImport(file: string): boolean {
    const seen = new Set([file]);
    const pending = [...(this.importers.get(file) ?? [])];
    let roots = 0;
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      if (seen.has(next)) continue;
      seen.add(next);
      // The bootstrap may itself be imported (a cycle through it, a test importing `main.ts`).
      if (this.project.files.get(next)?.text.includes('@nestjs/core')) return false;
      const importers = this.importers.get(next) ?? [];
      if (importers.length > 0) pending.push(...importers);
      else if (!this.unlistedModule(next)) return false;
      else roots++;
    }
    // Chains that only go round in circles start nowhere obslint can name: no verdict.
    return roots > 0;
  }

  /**
   * Whether every file that imports the class (directly, or through the barrels that re-export it)
   * is in sight and names it only in its imports and exports: no module lists it among its
   * providers, no `@UseInterceptors(…)`, `{ provide: APP_INTERCEPTOR, useClass: … }` or
   * `useGlobalInterceptors(new …)` names it, so Nest never creates it (an interceptor a module
   * imports and leaves out of its empty `providers`).
   */
  private namedOnlyInImports(cls: ts.ClassDeclaration): boolean {
    const name = cls.name!.text;
    const home = cls.getSourceFile();
    if (references(home, name, cls) > 0) return false;
    const seen = new Set([home.fileName]);
    let pending = [...(this.importers.get(home.fileName) ?? [])];
    for (let level = 0; level < BARREL_LEVELS && pending.length > 0; level++) {
      const next: string[] = [];
      for (const file of pending) {
        if (seen.has(file)) continue;
        seen.add(file);
        const source = this.project.files.get(file);
        if (!source) return false;
        if (references(source, name) > 0) return false;
        if (!reExports(source, name)) continue;
        // A package's entry (a barrel nothing in sight imports) hands the class to code elsewhere.
        const importers = this.importers.get(file) ?? [];
        if (importers.length === 0) return false;
        next.push(...importers);
      }
      pending = next;
    }
    return pending.every((file) => seen.has(file));
  }

  /** A parsed file nothing imports that declares a Nest module (and bootstraps nothing: checked by the walk). */
  private unlistedModule(file: string): boolean {
    const source = this.project.files.get(file);
    return (
      source !== undefined &&
      source.statements.some((statement) => ts.isClassDeclaration(statement) && nestModule(statement))
    );
  }

  /** `writtenElsewhere`: how many times code that calls nothing live writes its name (dead calls, other declarations). */
  private uncalled(
    unit: Unit,
    namings: ReadonlyMap<string, { files: number; times: number }>,
    writtenElsewhere = 0,
  ): boolean {
    const { node, name } = unit;
    if (HTTP_HANDLERS.has(name) && NEXT_PRIVATE_ROUTE.test(node.getSourceFile().fileName)) return true;
    if (namings.get(name)?.times !== 1 + writtenElsewhere || CALLED_BY_CONVENTION.has(name) || HOOK_NAME.test(name))
      return false;
    if (ts.isFunctionDeclaration(node) || ts.isVariableDeclaration(node)) {
      const statement = ts.isVariableDeclaration(node) ? node.parent.parent : node;
      return !hasModifier(statement, ts.SyntaxKind.ExportKeyword) || this.unusedExport(node.getSourceFile().fileName);
    }
    if (ts.getDecorators(node)?.length) return false;
    const cls = node.parent;
    // A class no other file names may be a package's API, its methods called from outside the project
    // (a file that only re-exports it, `export { X } from './x'`, hands it on without using it).
    if (!ts.isClassLike(cls) || !cls.name) return false;
    // An override of a method its base class declares (`abstract handleEvent(event)`, which the base's
    // `start()` calls for each message): called wherever the base's is, from whichever package.
    if (this.overridesBaseMethod(cls, name)) return false;
    // The class, or the one instance its module exports (`export const metricsService = new MetricsService()`).
    const instance = exportedInstance(cls);
    const named =
      ((namings.get(cls.name.text)?.files ?? 0) >= 2 && this.filesUsing(cls.name.text) >= 2) ||
      (instance !== undefined && this.filesUsing(instance) >= 2);
    if (!named) return false;
    // A published package's class is called from outside; an importer obslint did not parse may call it too.
    if (!this.unusedExport(node.getSourceFile().fileName)) return false;
    for (const clause of cls.heritageClauses ?? [])
      for (const type of clause.types)
        // A library's base class calls what its subclasses override; its interface names what it calls
        // (TypeORM calls a `Logger`'s `logQuerySlow`), and its declarations are not read here. A
        // framework's hook interface names only its hook, which the conventions above leave alone.
        if (!this.declaredInProject(type.expression) && !HOOK_INTERFACE.test(type.expression.getText())) return false;
    return true;
  }

  /** Whether a class the project declares above `cls` has a member named `name` (abstract or not). */
  private overridesBaseMethod(cls: ts.ClassLikeDeclaration, name: string): boolean {
    for (
      let base = this.project.baseClass(cls), hops = 0;
      base && hops < 8;
      base = this.project.baseClass(base), hops++
    )
      if (base.members.some((m) => m.name !== undefined && propertyKey(m.name) === name)) return true;
    return false;
  }

  /**
   * Whether a function `file` exports, whose name no parsed file writes but its own declaration,
   * is called by nothing: the package is never published (another repository may import a
   * published one), and every file that imports `file`, directly or through re-exports, is parsed
   * (so none names it); a file nothing imports only in a Nest application, which loads no file by
   * a path or a glob (elsewhere it may be an entry point a configuration names: a serverless handler).
   */
  private unusedExport(file: string): boolean {
    if (!this.unpublished(file)) return false;
    if ((this.importers.get(file) ?? []).length === 0) return this.bootstrapsNest(file);
    return this.project.parsesEveryImporter(file, this.importers);
  }

  /** Per class name, `filesUsing`'s answer: every method of a class asks it. */
  private readonly filesUsingName = new Map<string, number>();

  /** How many parsed files name `name` outside `export … from` statements. */
  private filesUsing(name: string): number {
    const known = this.filesUsingName.get(name);
    if (known !== undefined) return known;
    const pattern = new RegExp(identifierRegExp(name).source);
    let files = 0;
    for (const file of this.project.files.values()) {
      if (!file.text.includes(name)) continue;
      const used = file.statements.some(
        (statement) =>
          !(ts.isExportDeclaration(statement) && statement.moduleSpecifier) && pattern.test(statement.getText(file)),
      );
      if (used) files++;
    }
    this.filesUsingName.set(name, files);
    return files;
  }

  /** Whether the class or interface a heritage clause names is the project's own. */
  private declaredInProject(expr: ts.Expression): boolean {
    if (!ts.isIdentifier(expr)) return false;
    const decl = lookup(expr.text, expr);
    if (!decl) return false;
    if (decl.kind === 'class' || decl.kind === 'type') return true;
    if (decl.kind !== 'import') return false;
    return this.project.resolvedPath(decl.module, expr.getSourceFile().fileName) !== undefined;
  }
}

/** `export const metricsService = new MetricsService()` in the class's module: the instance's name. */
function exportedInstance(cls: ts.ClassLikeDeclaration): string | undefined {
  const name = cls.name?.text;
  if (!name || !ts.isSourceFile(cls.parent)) return undefined;
  for (const statement of cls.parent.statements) {
    if (!ts.isVariableStatement(statement) || !hasModifier(statement, ts.SyntaxKind.ExportKeyword)) continue;
    for (const decl of statement.declarationList.declarations) {
      const init = decl.initializer;
      if (
        ts.isIdentifier(decl.name) &&
        init &&
        ts.isNewExpression(init) &&
        ts.isIdentifier(init.expression) &&
        init.expression.text === name
      )
        return decl.name.text;
    }
  }
  return undefined;
}

/** Decorators that make a class Nest's to create: it runs only if a module lists it. */
const NEST_CLASS_DECORATORS = new Set([
  'Injectable',
  'Controller',
  'Processor',
  'Catch',
  'Resolver',
  'WebSocketGateway',
]);

/** How many barrels up (`export * from './nest/request-observer.interceptor'`) the importers of a class are followed. */
const BARREL_LEVELS = 3;

/**
 * How many times a file names `name` outside its imports and exports (and the class's own
 * declaration). Types count: Nest injects a constructor parameter by its declared type.
 */
function references(source: ts.SourceFile, name: string, own?: ts.ClassDeclaration): number {
  if (!source.text.includes(name)) return 0;
  let count = 0;
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) return;
    if (ts.isIdentifier(node) && node.text === name && node !== own?.name) count++;
    ts.forEachChild(node, visit);
  };
  visit(source);
  return count;
}

/** Whether a file hands the name on to its importers: `export * from …` or `export { Name } from …`. */
function reExports(source: ts.SourceFile, name: string): boolean {
  return source.statements.some(
    (statement) =>
      ts.isExportDeclaration(statement) &&
      (!statement.exportClause ||
        (ts.isNamedExports(statement.exportClause) &&
          statement.exportClause.elements.some(
            (e) => (e.propertyName ?? e.name).text === name || e.name.text === name,
          ))),
  );
}

function nestManaged(cls: ts.ClassDeclaration): boolean {
  return decoratedByNest(cls, NEST_CLASS_DECORATORS);
}

function nestModule(cls: ts.ClassDeclaration): boolean {
  return decoratedByNest(cls, new Set(['Module']));
}

function decoratedByNest(cls: ts.ClassDeclaration, decorators: ReadonlySet<string>): boolean {
  return (ts.getDecorators(cls) ?? []).some((d) => {
    const e = d.expression;
    const callee = ts.isCallExpression(e) ? e.expression : e;
    if (!ts.isIdentifier(callee) || !decorators.has(callee.text)) return false;
    const decl = lookup(callee.text, callee);
    return decl?.kind === 'import' && decl.module.startsWith('@nestjs/');
  });
}

/**
 * The named function the node runs in, past the callbacks it passes (`app.use(() => …)` inside
 * `setup()` runs when `setup()` does); undefined at module level, in an object literal's member
 * (a handler table a framework may call), in constructors, accessors and class-field initializers.
 */
function enclosingUnit(node: ts.Node): Unit | undefined {
  for (let at = node.parent; at && !ts.isSourceFile(at); at = at.parent) {
    if (ts.isFunctionDeclaration(at)) return at.name ? { node: at, name: at.name.text } : undefined;
    if (ts.isMethodDeclaration(at)) {
      const name = propertyKey(at.name);
      return ts.isClassLike(at.parent) && name ? { node: at, name } : undefined;
    }
    if (ts.isConstructorDeclaration(at) || ts.isAccessor(at) || ts.isClassStaticBlockDeclaration(at)) return undefined;
    if (ts.isArrowFunction(at) || ts.isFunctionExpression(at)) {
      const holder = at.parent;
      if (ts.isVariableDeclaration(holder) && ts.isIdentifier(holder.name) && holder.initializer === at)
        return ts.isVariableDeclarationList(holder.parent) && ts.isVariableStatement(holder.parent.parent)
          ? { node: holder, name: holder.name.text }
          : undefined;
      if (ts.isPropertyDeclaration(holder) && holder.initializer === at) {
        const name = propertyKey(holder.name);
        return name ? { node: holder, name } : undefined;
      }
      if (ts.isPropertyAssignment(holder) || ts.isMethodDeclaration(holder)) return undefined;
      continue;
    }
    if (ts.isPropertyDeclaration(at)) return undefined;
  }
  return undefined;
}

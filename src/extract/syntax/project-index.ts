import { dirname } from 'node:path';
import { ts } from 'ts-morph';
import type { Location } from '../../types.js';
import { displayPath } from '../../util/paths.js';
import { identifierRegExp } from '../../util/regexp.js';
import type { ModuleResolver } from './module-resolver.js';
import {
  commonJsExport,
  declaredByStatement,
  isModuleLevel,
  lookup,
  propertyKey,
  requiredModule,
  skipOuter,
  type Declaration,
} from './scope.js';

const GROWING_METHODS = ['push', 'unshift', 'splice'];

/** `declare module 'fastify' { … }` in a module file: the project augmenting a package's declarations. */
export function moduleAugmentations(file: ts.SourceFile): ts.ModuleDeclaration[] {
  if (!ts.isExternalModule(file)) return [];
  return file.statements.filter(
    (s): s is ts.ModuleDeclaration => ts.isModuleDeclaration(s) && ts.isStringLiteral(s.name),
  );
}

/** How many files writing a name are read to count how often they write it (see `namings`). */
const COUNTED_FILES = 8;

/** Decorators of the NestJS classes whose methods handle requests (see `nestHandlers`). */
const NEST_HANDLER_CLASSES = new Set(['Controller', 'Resolver', 'WebSocketGateway']);

/** The parsed candidate files of one run and the cross-file lookups over them. */
export class ProjectIndex {
  readonly files = new Map<string, ts.SourceFile>();
  /** Call and `new` expressions keyed by the called name (`f` in `f()`, `a.f()`, `new f()`). */
  readonly callsByName = new Map<string, (ts.CallExpression | ts.NewExpression)[]>();
  /** Calls that pass a function by its name (`pollEndpoint(gaugeBlockHeight, ctx)`), by that name. */
  readonly callsPassingName = new Map<string, ts.CallExpression[]>();
  /** `creators[kind](…)`: calls of an entry looked up by a computed key, by the name of the object. */
  readonly dispatchCallsByTable = new Map<string, ts.CallExpression[]>();

  constructor(
    readonly root: string,
    private readonly modules: ModuleResolver,
  ) {}

  /** The `name` of the package.json nearest above a file (what npm and yarn set `npm_package_name` to). */
  packageName(file: string): string | undefined {
    return this.modules.packageContaining(file)?.name;
  }

  add(sourceFile: ts.SourceFile): void {
    this.files.set(sourceFile.fileName, sourceFile);
  }

  /**
   * Whether every file that imports `path`, directly or through the files importing those, is
   * parsed (so a call of what it exports, if any, is in sight). `importers`: the import graph.
   */
  parsesEveryImporter(path: string, importers: ReadonlyMap<string, readonly string[]>): boolean {
    const seen = new Set([path]);
    const pending = [...(importers.get(path) ?? [])];
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      if (seen.has(next)) continue;
      if (!this.files.has(next)) return false;
      seen.add(next);
      pending.push(...(importers.get(next) ?? []));
    }
    return true;
  }

  /** Whether `path` is a parsed file of imports and re-exports only, a barrel (an unparsed one may be anything). */
  onlyImportsAndExports(path: string): boolean {
    const source = this.files.get(path);
    return (
      source !== undefined && source.statements.every((s) => ts.isExportDeclaration(s) || ts.isImportDeclaration(s))
    );
  }

  /**
   * A file parsed only when something reads it (an import followed into it, the checker): it holds
   * declarations for the others and nothing of its own to look for (see `Candidates.deferred`). It
   * never joins `files`, so what is indexed and iterated does not depend on which questions were
   * asked first; a file that does not parse is as absent as it would be parsed up front.
   */
  defer(path: string, parse: () => ts.SourceFile | undefined): void {
    this.deferred.set(path, parse);
  }

  /** The parsed file at `path`, parsing a deferred one on first need. */
  fileAt(path: string): ts.SourceFile | undefined {
    const parsed = this.files.get(path);
    if (parsed) return parsed;
    const parse = this.deferred.get(path);
    if (!parse) return undefined;
    if (!this.parsedLate.has(path)) this.parsedLate.set(path, parse());
    return this.parsedLate.get(path);
  }

  /** Whether `path` is a file of the run, parsed or deferred. */
  knows(path: string): boolean {
    return this.files.has(path) || this.deferred.has(path);
  }

  /** How many deferred files were parsed after all. */
  get parsedOnDemand(): number {
    return [...this.parsedLate.values()].filter((f) => f !== undefined).length;
  }

  /**
   * For each name, how many parsed files write it (as an identifier, a property name or an element
   * access's string: the names the parser keeps per file) and, where a few do, how many times their
   * text holds the word (comments and strings too). One pass over the files for every name.
   */
  namings(
    names: ReadonlySet<string>,
    /** Only the files it says (those whose code can call the code asked about). */
    within: (file: ts.SourceFile) => boolean = () => true,
  ): Map<string, { files: number; times: number }> {
    const found = new Map<string, { files: number; times: number; in?: ts.SourceFile[] }>();
    for (const name of names) found.set(name, { files: 0, times: 0 });
    const count = (name: string, file: ts.SourceFile): void => {
      const seen = found.get(name);
      if (!seen) return;
      seen.files++;
      if (seen.files <= COUNTED_FILES) (seen.in ??= []).push(file);
    };
    for (const file of this.files.values()) {
      if (!within(file)) continue;
      const written = (file as unknown as { identifiers?: ReadonlyMap<string, string> }).identifiers;
      if (!written)
        for (const name of names) {
          if (file.text.includes(name)) count(name, file);
        }
      else if (written.size < names.size) for (const name of written.keys()) count(name, file);
      else for (const name of names) if (written.has(name)) count(name, file);
    }
    // Written in many files, a name is called from somewhere: its count is not worth reading them.
    for (const [name, seen] of found) {
      seen.times =
        seen.files > COUNTED_FILES
          ? Number.MAX_SAFE_INTEGER
          : (seen.in ?? []).reduce((n, file) => n + (file.text.match(identifierRegExp(name))?.length ?? 0), 0);
      delete seen.in;
    }
    return found;
  }

  private readonly deferred = new Map<string, () => ts.SourceFile | undefined>();
  private readonly parsedLate = new Map<string, ts.SourceFile | undefined>();

  /** Every `x.member = value` (`this.member = value` included), by member name. */
  private readonly assignmentsByMember = new Map<string, ts.BinaryExpression[]>();
  private readonly namedClasses: ts.ClassLikeDeclaration[] = [];

  /** Every named class of the parsed files, in the order indexed. */
  classes(): readonly ts.ClassLikeDeclaration[] {
    return this.namedClasses;
  }

  /** Indexes one node of a parsed file: calls by name, member assignments, named classes. */
  indexNode(node: ts.Node): void {
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) this.indexCall(node);
    else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const left = skipOuter(node.left);
      if (ts.isPropertyAccessExpression(left)) {
        let list = this.assignmentsByMember.get(left.name.text);
        if (!list) this.assignmentsByMember.set(left.name.text, (list = []));
        list.push(node);
      }
    } else if (ts.isClassLike(node) && node.name) this.namedClasses.push(node);
    else if (
      ts.isObjectLiteralExpression(node) &&
      node.properties.some((p) => ts.isPropertyAssignment(p) && propertyKey(p.name) === 'provide')
    )
      this.providerObjects.push(node);
  }

  /**
   * Object literals with a `provide:` property (dependency-injection providers), in file order:
   * collected while indexing, since finding them walked every file of the project once more.
   */
  providers(): readonly ts.ObjectLiteralExpression[] {
    return this.providerObjects;
  }

  private readonly providerObjects: ts.ObjectLiteralExpression[] = [];

  /**
   * Whether the project appends to the variable (`const topics = ['a']; topics.push(extra)`): its
   * array literal is only where the array starts, not what it holds.
   */
  isAppendedTo(variable: ts.Node): boolean {
    if (!this.appendedVariables) {
      // Every variable appended to, found once: each loop variable and each `.length` asks.
      this.appendedVariables = new Set();
      for (const method of GROWING_METHODS)
        for (const call of this.callsByName.get(method) ?? []) {
          const callee = skipOuter(call.expression);
          const receiver = ts.isPropertyAccessExpression(callee) ? skipOuter(callee.expression) : undefined;
          const decl = receiver && ts.isIdentifier(receiver) ? lookup(receiver.text, receiver) : undefined;
          if (decl?.kind === 'variable' && decl.path.length === 0) this.appendedVariables.add(decl.node);
        }
    }
    return this.appendedVariables.has(variable);
  }

  private appendedVariables?: Set<ts.Node>;

  /**
   * Members the project declares on a package's interfaces by augmenting it (`declare module 'fastify'
   * { interface FastifyReply { rpcStatus: RpcStatus } }`), by member name: what a framework's request,
   * reply or instance carries, where obslint does not read the framework's own types.
   */
  augmentedMembers(name: string): readonly ts.TypeElement[] {
    if (!this.augmentations) {
      this.augmentations = new Map();
      for (const file of this.files.values()) {
        for (const augmentation of moduleAugmentations(file)) {
          const body = augmentation.body;
          if (!body || !ts.isModuleBlock(body)) continue;
          for (const declared of body.statements)
            if (ts.isInterfaceDeclaration(declared))
              for (const member of declared.members) {
                const key = member.name && propertyKey(member.name);
                if (!key) continue;
                const list = this.augmentations.get(key);
                if (list) list.push(member);
                else this.augmentations.set(key, [member]);
              }
        }
      }
    }
    return this.augmentations.get(name) ?? [];
  }

  private augmentations?: Map<string, ts.TypeElement[]>;

  /** `x.member = value` anywhere in the project, in file order. */
  memberAssignments(member: string): readonly ts.BinaryExpression[] {
    return this.assignmentsByMember.get(member) ?? [];
  }

  /** `holder.member = value` anywhere in the project, where `holder` names this variable (here or through an import). */
  memberWritesOf(holder: ts.VariableDeclaration, member: string): ts.BinaryExpression[] {
    return this.memberAssignments(member).filter((write) => {
      const target = skipOuter(write.left);
      const root = ts.isPropertyAccessExpression(target) ? skipOuter(target.expression) : undefined;
      return root !== undefined && ts.isIdentifier(root) && this.declarationOf(root)?.node === holder;
    });
  }

  /** The module-level `const` an identifier names, here or through an import, with its initializer. */
  moduleConstant(id: ts.Identifier): { node: ts.VariableDeclaration; init: ts.Expression } | undefined {
    const decl = this.declarationOf(id);
    if (decl?.kind !== 'variable' || !decl.isConst || decl.path.length > 0 || !decl.node.initializer) return undefined;
    if (!isModuleLevel(decl.node)) return undefined;
    return { node: decl.node, init: skipOuter(decl.node.initializer) };
  }

  private indexCall(call: ts.CallExpression | ts.NewExpression): void {
    const callee = skipOuter(call.expression);
    if (ts.isCallExpression(call))
      for (const arg of call.arguments) {
        if (!ts.isIdentifier(arg)) continue;
        let passing = this.callsPassingName.get(arg.text);
        if (!passing) this.callsPassingName.set(arg.text, (passing = []));
        passing.push(call);
      }
    if (ts.isCallExpression(call) && ts.isElementAccessExpression(callee)) {
      const table = skipOuter(callee.expression);
      if (ts.isIdentifier(table)) {
        let calls = this.dispatchCallsByTable.get(table.text);
        if (!calls) this.dispatchCallsByTable.set(table.text, (calls = []));
        calls.push(call);
      }
    }
    const name = calleeName(call.expression);
    if (!name) return;
    let list = this.callsByName.get(name);
    if (!list) this.callsByName.set(name, (list = []));
    list.push(call);
  }

  location(node: ts.Node): Location {
    const sf = node.getSourceFile();
    const start = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    const end = sf.getLineAndCharacterOfPosition(node.getEnd());
    return {
      file: displayPath(this.root, sf.fileName),
      line: start.line + 1,
      column: start.character + 1,
      endLine: end.line + 1,
      endColumn: end.character + 1,
    };
  }

  /** Resolves a module specifier to a parsed project file; third-party packages resolve to nothing. */
  resolveModule(specifier: string, fromFile: string): ts.SourceFile | undefined {
    const path = this.resolvedPath(specifier, fromFile);
    return path === undefined ? undefined : this.fileAt(path);
  }

  /** The project file a specifier names, without parsing it if it is deferred: for asking which file, not what is in it. */
  resolvedPath(specifier: string, fromFile: string): string | undefined {
    const key = `${dirname(fromFile)}\u0000${specifier}`;
    if (!this.resolved.has(key)) this.resolved.set(key, this.modules.resolve(specifier, fromFile, this.hasFile));
    return this.resolved.get(key);
  }

  private readonly resolved = new Map<string, string | undefined>();
  /** One function for the one file set (the resolver keeps answers per function). */
  private readonly hasFile = (path: string): boolean => this.knows(path);
  private readonly exports = new Map<string, Declaration | undefined>();

  /** The declaration an exported name refers to, following re-exports. */
  findExport(file: ts.SourceFile, exported: string, seen = new Set<string>()): Declaration | undefined {
    const key = `${file.fileName}#${exported}`;
    if (seen.size === 0 && this.exports.has(key)) return this.exports.get(key);
    if (seen.has(key)) return undefined;
    const top = seen.size === 0;
    seen.add(key);
    const found = this.findExportUncached(file, exported, seen);
    if (top) this.exports.set(key, found);
    return found;
  }

  private findExportUncached(file: ts.SourceFile, exported: string, seen: Set<string>): Declaration | undefined {
    for (const statement of file.statements) {
      if (exported === 'default' && ts.isExportAssignment(statement)) {
        return this.declarationOfExpression(statement.expression);
      }
      if (ts.isExportDeclaration(statement)) {
        const from =
          statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)
            ? statement.moduleSpecifier.text
            : undefined;
        if (statement.exportClause && ts.isNamedExports(statement.exportClause)) {
          for (const element of statement.exportClause.elements) {
            if (element.name.text !== exported) continue;
            const local = element.propertyName?.text ?? element.name.text;
            if (from) {
              const target = this.resolveModule(from, file.fileName);
              // `export { Counter } from 'prom-client'`: an import of the package, seen from here.
              return target
                ? this.findExport(target, local, seen)
                : {
                    kind: 'import',
                    node: statement,
                    module: from,
                    imported: local,
                    name: element.name as ts.Identifier,
                  };
            }
            return lookup(local, file);
          }
        } else if (from && statement.exportClause && ts.isNamespaceExport(statement.exportClause)) {
          // `export * as metrics from './telemetry/metrics'`: the module object, seen from here.
          if (statement.exportClause.name.text === exported)
            return {
              kind: 'import',
              node: statement,
              module: from,
              imported: '*',
              name: statement.exportClause.name as ts.Identifier,
            };
        } else if (from && !statement.exportClause) {
          const target = this.resolveModule(from, file.fileName);
          const found = target && this.findExport(target, exported, seen);
          if (found) return found;
        }
        continue;
      }
      const modifiers = ts.canHaveModifiers(statement) ? ts.getModifiers(statement) : undefined;
      const isExported = modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
      const isDefault = modifiers?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
      if (
        isExported &&
        exported === 'default' &&
        isDefault &&
        (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement))
      ) {
        return ts.isFunctionDeclaration(statement)
          ? (declaredByStatement(statement, statement.name?.text ?? '') ?? { kind: 'function', node: statement })
          : { kind: 'class', node: statement };
      }
      if (isExported) {
        const found = declaredByStatement(statement, exported);
        if (found) return found;
      }
    }
    return this.findCommonJsExport(file, exported, seen);
  }

  /** `module.exports = { a }`, `module.exports.a = …`, `exports.a = …`, `module.exports = require('./a')`. */
  private findCommonJsExport(file: ts.SourceFile, exported: string, seen: Set<string>): Declaration | undefined {
    for (const statement of file.statements) {
      const assigned = commonJsExport(statement);
      if (!assigned) continue;
      const right = assigned.value;
      if (assigned.member === undefined) {
        // A module that is another module (`module.exports = require('@acme/metrics')`): its exports.
        const required = requiredModule(right);
        const reexported = required !== undefined ? this.resolveModule(required, file.fileName) : undefined;
        if (reexported && exported !== 'default' && exported !== '*')
          return this.findExport(reexported, exported, seen);
        if (exported === 'default' || exported === '*') return this.declarationOfExpression(right);
        if (ts.isObjectLiteralExpression(right)) {
          for (const prop of right.properties) {
            if (ts.isShorthandPropertyAssignment(prop) && prop.name.text === exported) return lookup(exported, file);
            if (ts.isPropertyAssignment(prop) && ts.isIdentifier(prop.name) && prop.name.text === exported)
              return this.declarationOfExpression(prop.initializer);
          }
        }
      }
      if (assigned.member === exported) return this.declarationOfExpression(right);
    }
    return undefined;
  }

  private declarationOfExpression(expr: ts.Expression): Declaration | undefined {
    if (ts.isIdentifier(expr)) return lookup(expr.text, expr);
    return { kind: 'expression', node: expr };
  }

  /** For an import declaration: the declaration in the imported project file, when it is one. */
  followImport(decl: Extract<Declaration, { kind: 'import' }>): Declaration | undefined {
    const file = this.resolveModule(decl.module, decl.node.getSourceFile().fileName);
    if (!file) return undefined;
    if (decl.imported === '*') return this.requiredValue(decl, file);
    return this.findExport(file, decl.imported);
  }

  /**
   * `const client = require('./statsd')` where that module is `module.exports = new StatsD(…)`: the
   * value it assigns. A module that exports property by property, or is another module, is a
   * namespace (see {@link namespaceFile}); an `import * as` is never the default.
   */
  private requiredValue(decl: Extract<Declaration, { kind: 'import' }>, file: ts.SourceFile): Declaration | undefined {
    if (!ts.isVariableDeclaration(decl.node) && !ts.isImportEqualsDeclaration(decl.node)) return undefined;
    const whole = wholeExport(file);
    if (!whole || ts.isExportAssignment(whole.parent) || requiredModule(whole) !== undefined) return undefined;
    return this.declarationOfExpression(whole);
  }

  /**
   * The function a CommonJS module is (`module.exports = function (permission) { … }`, or a function
   * declared in the file and assigned so), for its callers under the names its importers give it.
   */
  wholeExportedFunction(file: ts.SourceFile): ts.SignatureDeclaration | undefined {
    if (!this.exportedFunctions.has(file)) this.exportedFunctions.set(file, this.findWholeExportedFunction(file));
    return this.exportedFunctions.get(file);
  }

  private readonly exportedFunctions = new Map<ts.SourceFile, ts.SignatureDeclaration | undefined>();

  private findWholeExportedFunction(file: ts.SourceFile): ts.SignatureDeclaration | undefined {
    const whole = wholeExport(file);
    if (!whole || ts.isExportAssignment(whole.parent)) return undefined;
    const e = skipOuter(whole);
    if (ts.isFunctionExpression(e) || ts.isArrowFunction(e)) return e;
    const decl = ts.isIdentifier(e) ? lookup(e.text, e) : undefined;
    if (decl?.kind === 'function') return decl.node;
    const init = decl?.kind === 'variable' && decl.node.initializer ? skipOuter(decl.node.initializer) : undefined;
    return init && (ts.isFunctionExpression(init) || ts.isArrowFunction(init)) ? init : undefined;
  }

  /**
   * The class a CommonJS module is (`module.exports = class extends Connector { … }`, or a class
   * declared in the file and assigned so), for its `new` calls under the names importers give it.
   */
  wholeExportedClass(file: ts.SourceFile): ts.ClassLikeDeclaration | undefined {
    const whole = wholeExport(file);
    if (!whole || ts.isExportAssignment(whole.parent)) return undefined;
    const e = skipOuter(whole);
    return ts.isIdentifier(e) ? classOfDeclaration(lookup(e.text, e)) : ts.isClassExpression(e) ? e : undefined;
  }

  /** The names other files `require` a file under (`const rbac = require('../middleware/rbac')`). */
  requiredAs(file: ts.SourceFile): readonly string[] {
    if (!this.requireNames) {
      this.requireNames = new Map();
      // Top-level `require`s only: a module loaded inside a function is rare and costs a walk of every file.
      for (const from of this.files.values())
        for (const statement of from.statements) {
          if (!ts.isVariableStatement(statement)) continue;
          for (const decl of statement.declarationList.declarations) {
            if (!ts.isIdentifier(decl.name)) continue;
            const specifier = requiredModule(decl.initializer);
            const target = specifier === undefined ? undefined : this.resolvedPath(specifier, from.fileName);
            if (!target) continue;
            const names = this.requireNames.get(target) ?? [];
            if (!names.includes(decl.name.text)) names.push(decl.name.text);
            this.requireNames.set(target, names);
          }
        }
    }
    return this.requireNames.get(file.fileName) ?? [];
  }

  private requireNames?: Map<string, string[]>;

  /** What an identifier names: its declaration, or for an import the declaration in the imported project file. */
  declarationOf(id: ts.Identifier): Declaration | undefined {
    const decl = lookup(id.text, id);
    return decl?.kind === 'import' ? this.followImport(decl) : decl;
  }

  /** The class `extends X` names, when X is a class of the project. */
  baseClass(cls: ts.ClassLikeDeclaration): ts.ClassLikeDeclaration | undefined {
    const clause = cls.heritageClauses?.find((c) => c.token === ts.SyntaxKind.ExtendsKeyword);
    const base = clause?.types[0]?.expression;
    if (!base || !ts.isIdentifier(base)) return undefined;
    return classOfDeclaration(this.declarationOf(base));
  }

  /**
   * Whether `cls` (or a class it extends) declares `implements I` for the project interface `iface`,
   * directly or through interfaces that extend it.
   */
  implementsInterface(cls: ts.ClassLikeDeclaration, iface: ts.InterfaceDeclaration): boolean {
    const seen = new Set<ts.Node>();
    const reaches = (clauses: ts.NodeArray<ts.HeritageClause> | undefined): boolean =>
      (clauses ?? []).some((clause) =>
        clause.types.some((t) => {
          const named = this.interfaceNamed(t.expression);
          if (!named || seen.has(named)) return false;
          seen.add(named);
          return named === iface || reaches(named.heritageClauses);
        }),
      );
    for (let c: ts.ClassLikeDeclaration | undefined = cls, hops = 0; c && hops < 8; c = this.baseClass(c), hops++)
      if (reaches(c.heritageClauses)) return true;
    return false;
  }

  private interfaceNamed(expr: ts.Expression): ts.InterfaceDeclaration | undefined {
    if (!ts.isIdentifier(expr)) return undefined;
    const decl = this.declarationOf(expr);
    return decl?.kind === 'type' && ts.isInterfaceDeclaration(decl.node) ? decl.node : undefined;
  }

  /** The project's named classes that are `owner` or extend it, in file order. */
  classesExtending(owner: ts.ClassLikeDeclaration): ts.ClassLikeDeclaration[] {
    let family = this.families.get(owner);
    if (!family) this.families.set(owner, (family = this.namedClasses.filter((cls) => this.inheritsFrom(cls, owner))));
    return family;
  }

  private readonly families = new Map<ts.ClassLikeDeclaration, ts.ClassLikeDeclaration[]>();

  /** The names of the project's error classes: those whose `extends` chain ends in a name ending in `Error`. */
  errorClassNames(): string[] {
    return (this.errorClasses ??= this.namedClasses
      .filter((cls) => {
        let c: ts.ClassLikeDeclaration | undefined = cls;
        for (let hops = 0; c && hops < 8; hops++) {
          const base = c.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
          if (base && ts.isIdentifier(base) && /Error$/.test(base.text) && !this.baseClass(c)) return true;
          c = this.baseClass(c);
        }
        return false;
      })
      .map((cls) => cls.name!.text)
      .sort());
  }

  private errorClasses?: string[];

  /**
   * The request handlers of the project's NestJS classes (`@Controller`, `@Resolver`,
   * `@WebSocketGateway`), by class name: what an `ExecutionContext`'s `getClass()` and
   * `getHandler()` can name.
   */
  nestHandlers(): ReadonlyMap<string, readonly string[]> {
    if (this.handlersByClass) return this.handlersByClass;
    const found = new Map<string, string[]>();
    for (const cls of this.namedClasses) {
      const decorated = ts.getDecorators(cls)?.some((d) => {
        const e = d.expression;
        return ts.isCallExpression(e) && ts.isIdentifier(e.expression) && NEST_HANDLER_CLASSES.has(e.expression.text);
      });
      if (!decorated) continue;
      const methods = cls.members.flatMap((m) =>
        ts.isMethodDeclaration(m) && ts.isIdentifier(m.name) && ts.getDecorators(m)?.length ? [m.name.text] : [],
      );
      found.set(cls.name!.text, methods);
    }
    return (this.handlersByClass = found);
  }

  private handlersByClass?: Map<string, string[]>;

  /** Whether `cls` is `owner` or extends it (a few hops: inheritance cycles end). */
  inheritsFrom(cls: ts.ClassLikeDeclaration | undefined, owner: ts.ClassLikeDeclaration): boolean {
    for (let c = cls, hops = 0; c && hops < 8; c = this.baseClass(c), hops++) if (c === owner) return true;
    return false;
  }

  /**
   * The project file whose module object an import denotes: `import * as m` and `const m =
   * require()`, and also the default import of a CommonJS module that exports property by property
   * (`module.exports.inc = inc`, which has no default of its own); a module that is another module
   * (`module.exports = require('@acme/metrics')`) stands for that one.
   */
  namespaceFile(decl: Extract<Declaration, { kind: 'import' }>): ts.SourceFile | undefined {
    if (decl.imported !== '*' && decl.imported !== 'default') {
      // `import { metrics } from './utils'` where utils says `export * as metrics from './metrics'`.
      const target = this.followImport(decl);
      return target?.kind === 'import' && target.imported === '*' ? this.namespaceFile(target) : undefined;
    }
    let file = this.importedFile(decl);
    let namespace = decl.imported === '*';
    for (let hops = 0; file && hops < 5; hops++) {
      const whole = wholeExport(file);
      const required = whole ? requiredModule(whole) : undefined;
      const next = required !== undefined ? this.resolveModule(required, file.fileName) : undefined;
      if (!next) break;
      file = next;
      namespace = true;
    }
    if (!file || namespace) return file;
    return wholeExport(file) === undefined && exportsPropertyByProperty(file) ? file : undefined;
  }

  /** The project file an import refers to, for namespace imports (`import * as m`, `const m = require()`). */
  importedFile(decl: Extract<Declaration, { kind: 'import' }>): ts.SourceFile | undefined {
    return this.resolveModule(decl.module, decl.node.getSourceFile().fileName);
  }
}

/**
 * The class a declaration is: a class declaration, or a class expression a CommonJS module exports
 * (`module.exports = class Connector { … }`) or a variable holds (`const Connector = class { … }`).
 */
export function classOfDeclaration(decl: Declaration | undefined): ts.ClassLikeDeclaration | undefined {
  if (decl?.kind === 'class') return decl.node;
  const value =
    decl?.kind === 'expression'
      ? decl.node
      : decl?.kind === 'variable' && decl.path.length === 0
        ? decl.node.initializer
        : undefined;
  const e = value && skipOuter(value);
  return e && ts.isClassExpression(e) ? e : undefined;
}

export function calleeName(expr: ts.Expression): string | undefined {
  if (ts.isIdentifier(expr)) return expr.text;
  if (expr.kind === ts.SyntaxKind.SuperKeyword) return 'super';
  if (ts.isPropertyAccessExpression(expr)) return expr.name.text;
  if (ts.isElementAccessExpression(expr) && ts.isStringLiteralLike(expr.argumentExpression))
    return expr.argumentExpression.text;
  return undefined;
}

/**
 * The value a module exports as a whole: `module.exports = X` or `export default X`; null for a
 * default declaration (`export default class …`), undefined for none.
 */
function wholeExport(file: ts.SourceFile): ts.Expression | null | undefined {
  for (const statement of file.statements) {
    if (ts.isExportAssignment(statement)) return statement.expression;
    const modifiers = ts.canHaveModifiers(statement) ? ts.getModifiers(statement) : undefined;
    if (modifiers?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword)) return null;
    const assigned = commonJsExport(statement);
    if (assigned && assigned.member === undefined) return assigned.value;
  }
  return undefined;
}

/** `module.exports.inc = inc` or `exports.inc = inc` at the top of the module. */
function exportsPropertyByProperty(file: ts.SourceFile): boolean {
  return file.statements.some((statement) => commonJsExport(statement)?.member !== undefined);
}

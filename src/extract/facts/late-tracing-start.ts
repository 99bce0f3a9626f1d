import { ts } from 'ts-morph';
import type { Client, LateTracingStart } from '../../types.js';
import { packageOfSpecifier } from '../../util/paths.js';
import { callsTo } from '../syntax/functions.js';
import { calleeName, type ProjectIndex } from '../syntax/project-index.js';
import { loadedSpecifiers } from '../syntax/module-loads.js';
import { enclosingFunction, functionName, lookup, propertyKey, skipOuter } from '../syntax/scope.js';

/**
 * Libraries OpenTelemetry's instrumentations patch as they are loaded (through a require hook): one
 * a process loaded before its SDK started runs unpatched. The messaging and RPC clients among them
 * carry trace context only when patched; the others make spans. (`http` and `fetch` are not here:
 * Node's core module is one object patched whoever loads it later, and undici reports through
 * diagnostics channels whenever it was loaded.)
 */
const PATCHED_ON_LOAD: Readonly<Record<string, { instrumentation: string; client?: Client }>> = {
  amqplib: { instrumentation: 'AmqplibInstrumentation', client: 'amqplib' },
  kafkajs: { instrumentation: 'KafkaJsInstrumentation', client: 'kafkajs' },
  '@grpc/grpc-js': { instrumentation: 'GrpcInstrumentation', client: 'grpc' },
  '@aws-sdk/client-sqs': { instrumentation: 'AwsInstrumentation', client: 'sqs' },
  express: { instrumentation: 'ExpressInstrumentation' },
  fastify: { instrumentation: 'FastifyInstrumentation' },
  koa: { instrumentation: 'KoaInstrumentation' },
  '@hapi/hapi': { instrumentation: 'HapiInstrumentation' },
  pg: { instrumentation: 'PgInstrumentation' },
  mysql2: { instrumentation: 'MySQL2Instrumentation' },
  mongodb: { instrumentation: 'MongoDBInstrumentation' },
  mongoose: { instrumentation: 'MongooseInstrumentation' },
  ioredis: { instrumentation: 'IORedisInstrumentation' },
  redis: { instrumentation: 'RedisInstrumentation' },
};

/** A module's import (or top-level `require`) of a specifier. */
interface Load {
  from: ts.SourceFile;
  specifier: string;
  statement: ts.Statement;
}

/** How many imports deep the modules loaded before the start are followed to the libraries they load. */
const IMPORT_DEPTH = 8;
/** How many functions up a start inside a function (`startTracing()` called from `bootstrap()`) is followed. */
const CALLER_HOPS = 2;

/**
 * A NodeSDK started (or instrumentations registered) after the module that starts it, or one loaded
 * before it, has loaded a messaging or RPC client the SDK instruments: `import { createServer } from
 * './app'; startTracing()` runs every import first, so `amqplib` is loaded unpatched and its messages
 * carry no trace context. Each place the start runs as a process loads (a service's entry calling a
 * shared `startTracing()`), with the libraries loaded too early and where.
 */
export function lateTracingStarts(
  files: Iterable<ts.SourceFile>,
  project: ProjectIndex,
  importers: ReadonlyMap<string, readonly string[]>,
  /** Whether a file is an ES module (its package's `"type": "module"`, `.mjs`, `.mts`). */
  isEsm: (file: ts.SourceFile) => boolean,
): LateTracingStart[] {
  // An ES module loads every import before its first statement runs; CommonJS (and TypeScript
  // compiled to it) runs each `require` in turn, so a start between two imports precedes the second.
  const loadedBefore = (at: ts.CallExpression): Load[] => {
    const file = at.getSourceFile();
    if (isEsm(file)) return loadsOf(file);
    let statement: ts.Node = at;
    while (statement.parent && !ts.isSourceFile(statement.parent)) statement = statement.parent;
    const index = file.statements.indexOf(statement as ts.Statement);
    return loadsOf(file).filter((load) => file.statements.indexOf(load.statement) < index);
  };
  const out: LateTracingStart[] = [];
  for (const file of files)
    for (const call of startCalls(file, project)) {
      const instrumented = instrumentedLibraries(call, project);
      if (!instrumented || instrumented.size === 0) continue;
      for (const { at, loadedFirst } of whereItRuns(call, project, importers, loadedBefore)) {
        const early = librariesLoadedBy(loadedFirst, project).filter((lib) => instrumented.has(lib.module));
        if (!early.some((lib) => PATCHED_ON_LOAD[lib.module].client !== undefined)) continue;
        out.push({
          loc: project.location(at),
          what:
            at === call
              ? `\`${skipOuter(call.expression).getText()}()\``
              : `\`${skipOuter(at.expression).getText()}()\` (which runs \`${skipOuter(call.expression).getText()}()\`)`,
          loaded: early.map((lib) => {
            const client = PATCHED_ON_LOAD[lib.module].client;
            const loc = project.location(lib.at);
            return client ? { module: lib.module, loc, client } : { module: lib.module, loc };
          }),
        });
      }
    }
  return out;
}

/** `sdk.start()` of a NodeSDK, `registerInstrumentations(…)`: where instrumentations are switched on. */
function startCalls(file: ts.SourceFile, project: ProjectIndex): ts.CallExpression[] {
  const found: ts.CallExpression[] = [];
  if (!file.text.includes('.start(') && !file.text.includes('registerInstrumentations')) return found;
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const name = calleeName(skipOuter(node.expression));
      if (name === 'registerInstrumentations' || (name === 'start' && nodeSdkOf(node, project) !== undefined))
        found.push(node);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** The `new NodeSDK(…)` a `x.start()` starts: chained, or held in a variable (of the module, or imported). */
function nodeSdkOf(start: ts.CallExpression, project: ProjectIndex): ts.NewExpression | undefined {
  const callee = skipOuter(start.expression);
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  let receiver = skipOuter(callee.expression);
  if (ts.isIdentifier(receiver)) {
    let decl = lookup(receiver.text, receiver);
    if (decl?.kind === 'import') decl = project.followImport(decl);
    if (decl?.kind !== 'variable' || decl.path.length > 0 || !decl.node.initializer) return undefined;
    receiver = skipOuter(decl.node.initializer);
  }
  return ts.isNewExpression(receiver) && calleeName(skipOuter(receiver.expression)) === 'NodeSDK'
    ? receiver
    : undefined;
}

/**
 * The libraries the instrumentations started here patch: all of them for the Node
 * auto-instrumentations, each listed one's otherwise; undefined where the list is not written out.
 */
function instrumentedLibraries(call: ts.CallExpression, project: ProjectIndex): Set<string> | undefined {
  const sdk = calleeName(skipOuter(call.expression)) === 'start' ? nodeSdkOf(call, project) : undefined;
  const options = skipOuter((sdk ? sdk.arguments?.[0] : call.arguments[0]) ?? call);
  if (!ts.isObjectLiteralExpression(options)) return undefined;
  const property = options.properties.find(
    (p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && propertyKey(p.name) === 'instrumentations',
  );
  const list = property && skipOuter(property.initializer);
  if (!list || !ts.isArrayLiteralExpression(list)) return undefined;
  const libraries = new Set<string>();
  for (const element of list.elements.map(skipOuter)) {
    const name =
      ts.isCallExpression(element) || ts.isNewExpression(element)
        ? calleeName(skipOuter(element.expression))
        : undefined;
    if (name === 'getNodeAutoInstrumentations') for (const lib of Object.keys(PATCHED_ON_LOAD)) libraries.add(lib);
    else if (name === undefined) return undefined;
    else
      for (const [lib, { instrumentation }] of Object.entries(PATCHED_ON_LOAD))
        if (instrumentation === name) libraries.add(lib);
  }
  return libraries;
}

/**
 * Where a start runs as the process loads, and the modules loaded before it: a start at a module's
 * top level runs after that module's imports before it and after what its importers import before
 * it; a start in a function runs where a module's top level calls it (two functions up), after that
 * module's imports before the call.
 */
function whereItRuns(
  start: ts.CallExpression,
  project: ProjectIndex,
  importers: ReadonlyMap<string, readonly string[]>,
  loadedBefore: (at: ts.CallExpression) => Load[],
): { at: ts.CallExpression; loadedFirst: Load[] }[] {
  const fn = enclosingFunction(start);
  if (!fn) {
    const file = start.getSourceFile();
    const out = [{ at: start, loadedFirst: loadedBefore(start) }];
    for (const importer of importers.get(file.fileName) ?? []) {
      const source = project.files.get(importer);
      if (source) out.push({ at: start, loadedFirst: importedBefore(source, file.fileName, project) });
    }
    return out;
  }
  const out: { at: ts.CallExpression; loadedFirst: Load[] }[] = [];
  let frontier: ts.SignatureDeclaration[] = [fn];
  for (let hop = 0; hop < CALLER_HOPS && frontier.length > 0; hop++) {
    const next: ts.SignatureDeclaration[] = [];
    for (const callee of frontier) {
      const name = functionName(callee);
      if (!name) continue;
      for (const call of callsTo(callee, name, project)) {
        // `startTracing()`, by the name it is declared or imported under.
        if (!ts.isCallExpression(call) || !ts.isIdentifier(skipOuter(call.expression))) continue;
        const outer = enclosingFunction(call);
        if (outer) next.push(outer);
        else out.push({ at: call, loadedFirst: loadedBefore(call) });
      }
    }
    frontier = next;
  }
  return out;
}

/**
 * What a module loads (imports but for types, top-level `require`s), in order. An import whose
 * names the module uses only as types (`import { ConsumeMessage } from 'amqplib'`) loads nothing:
 * TypeScript drops it.
 */
function loadsOf(file: ts.SourceFile): Load[] {
  let loads = loadsByFile.get(file);
  if (!loads)
    loadsByFile.set(
      file,
      (loads = file.statements.flatMap((statement) =>
        typesOnly(statement)
          ? []
          : loadedSpecifiers(statement).map((specifier) => ({ from: file, specifier, statement })),
      )),
    );
  return loads;
}

/** Each module's loads, read once: every start's walk of the imports reaches the same modules. */
const loadsByFile = new WeakMap<ts.SourceFile, Load[]>();

function typesOnly(statement: ts.Statement): boolean {
  if (!ts.isImportDeclaration(statement) || !statement.importClause) return false;
  const { name, namedBindings } = statement.importClause;
  if (name || !namedBindings || !ts.isNamedImports(namedBindings) || namedBindings.elements.length === 0) return false;
  const names = new Set(namedBindings.elements.filter((e) => !e.isTypeOnly).map((e) => e.name.text));
  if (names.size === 0) return true;
  let valueUse = false;
  const visit = (node: ts.Node): void => {
    if (valueUse || ts.isImportDeclaration(node)) return;
    // `class Channel extends Base`: the base class is a value, though written as a type would be.
    if (
      ts.isExpressionWithTypeArguments(node) &&
      ts.isHeritageClause(node.parent) &&
      ts.isClassLike(node.parent.parent)
    ) {
      if (node.parent.token === ts.SyntaxKind.ExtendsKeyword) visit(node.expression);
      return;
    }
    if (ts.isTypeNode(node)) return;
    if (ts.isIdentifier(node) && names.has(node.text)) valueUse = true;
    else ts.forEachChild(node, visit);
  };
  visit(statement.getSourceFile());
  return !valueUse;
}

/** What a module loads before it loads `target`. */
function importedBefore(file: ts.SourceFile, target: string, project: ProjectIndex): Load[] {
  const loads = loadsOf(file);
  const index = loads.findIndex((load) => project.resolvedPath(load.specifier, file.fileName) === target);
  return index < 0 ? [] : loads.slice(0, index);
}

/**
 * The patched-on-load libraries the given imports load, directly or through the project's modules
 * (`./app` importing `./lib/rabbitmq` importing `amqplib`), each once, with the import that loads it.
 */
function librariesLoadedBy(loads: readonly Load[], project: ProjectIndex): { module: string; at: ts.Node }[] {
  const found = new Map<string, ts.Node>();
  const seen = new Set<string>();
  const visit = ({ from, specifier, statement }: Load, depth: number): void => {
    const target = project.resolvedPath(specifier, from.fileName);
    if (target) {
      if (seen.has(target) || depth >= IMPORT_DEPTH) return;
      seen.add(target);
      const source = project.files.get(target);
      if (source) for (const load of loadsOf(source)) visit(load, depth + 1);
      return;
    }
    const module = specifier.startsWith('.') ? undefined : packageOfSpecifier(specifier);
    if (module && PATCHED_ON_LOAD[module] && !found.has(module)) found.set(module, statement);
  };
  for (const load of loads) visit(load, 0);
  return [...found].map(([module, at]) => ({ module, at })).sort((a, b) => (a.module < b.module ? -1 : 1));
}

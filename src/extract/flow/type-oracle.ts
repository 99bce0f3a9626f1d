import { dirname } from 'node:path';
import { ts } from 'ts-morph';
import type { PhaseTimer } from '../../util/phase-timer.js';
import type { ModuleResolver } from '../syntax/module-resolver.js';
import { moduleAugmentations } from '../syntax/project-index.js';

const MAX_VALUES = 1000;

/**
 * Stand-in for lib.d.ts: the global types the checker needs and the utility types metric code
 * uses (`ReturnType<typeof createMetrics>`), without the cost of loading the real libs. Arrays
 * (`reduce` and `find` too) and `Object.values`, `entries` and `keys` keep their element types
 * (`Object.values(stats).forEach(({ kind }) => …)` types `kind`); Arrays, Maps and Sets are
 * iterable (`for (const [kind, n] of counts)` types `kind`); an Array's `entries()` and a Map's `entries()`,
 * `keys()` and `values()` are arrays here, iterated the same way.
 */
const MINIMAL_LIB = `
interface Array<T> { length: number; [n: number]: T; forEach(cb: (value: T, index: number) => void): void; map<U>(cb: (value: T, index: number) => U): U[]; filter(cb: (value: T) => unknown): T[]; find(cb: (value: T) => unknown): T | undefined; reduce<U>(cb: (acc: U, value: T, index: number) => U, initial: U): U; entries(): [number, T][]; [Symbol.iterator](): Iterator<T>; }
interface ReadonlyArray<T> { readonly length: number; readonly [n: number]: T; forEach(cb: (value: T, index: number) => void): void; map<U>(cb: (value: T, index: number) => U): U[]; filter(cb: (value: T) => unknown): T[]; find(cb: (value: T) => unknown): T | undefined; reduce<U>(cb: (acc: U, value: T, index: number) => U, initial: U): U; entries(): [number, T][]; [Symbol.iterator](): Iterator<T>; }
interface ArrayLike<T> { readonly length: number; readonly [n: number]: T; }
interface ObjectConstructor { values<T>(o: { [s: string]: T } | ArrayLike<T>): T[]; entries<T>(o: { [s: string]: T } | ArrayLike<T>): [string, T][]; keys(o: object): string[]; }
declare var Object: ObjectConstructor;
interface Boolean {} interface Function {} interface NewableFunction {}
interface CallableFunction extends Function { bind<T>(this: T, thisArg: ThisParameterType<T>): OmitThisParameter<T>; }
type ThisParameterType<T> = T extends (this: infer U, ...args: never) => any ? U : unknown;
type OmitThisParameter<T> = unknown extends ThisParameterType<T> ? T : T extends (...args: infer A) => infer R ? (...args: A) => R : T;
interface IArguments {} interface Number {} interface Object {} interface RegExp {} interface String {}
interface Error { name: string; message: string; stack?: string; }
interface Map<K, V> { get(key: K): V | undefined; set(key: K, value: V): this; has(key: K): boolean; delete(key: K): boolean; clear(): void; forEach(cb: (value: V, key: K) => void): void; readonly size: number; entries(): [K, V][]; keys(): K[]; values(): V[]; [Symbol.iterator](): Iterator<[K, V]>; }
interface ReadonlyMap<K, V> { get(key: K): V | undefined; has(key: K): boolean; forEach(cb: (value: V, key: K) => void): void; readonly size: number; entries(): [K, V][]; keys(): K[]; values(): V[]; [Symbol.iterator](): Iterator<[K, V]>; }
interface Set<T> { add(value: T): this; has(value: T): boolean; delete(value: T): boolean; clear(): void; forEach(cb: (value: T) => void): void; readonly size: number; values(): T[]; keys(): T[]; [Symbol.iterator](): Iterator<T>; }
interface ReadonlySet<T> { has(value: T): boolean; forEach(cb: (value: T) => void): void; readonly size: number; values(): T[]; keys(): T[]; [Symbol.iterator](): Iterator<T>; }
interface WeakMap<K extends object, V> { get(key: K): V | undefined; set(key: K, value: V): this; has(key: K): boolean; delete(key: K): boolean; }
declare var Map: new <K = any, V = any>(entries?: readonly (readonly [K, V])[] | null) => Map<K, V>;
declare var Set: new <T = any>(values?: readonly T[] | null) => Set<T>;
declare var WeakMap: new <K extends object = object, V = any>() => WeakMap<K, V>;
interface Symbol {} interface SymbolConstructor { readonly iterator: unique symbol; } declare var Symbol: SymbolConstructor;
interface IteratorYieldResult<T> { done?: false; value: T; } interface IteratorReturnResult<T> { done: true; value: T; }
type IteratorResult<T, R = any> = IteratorYieldResult<T> | IteratorReturnResult<R>; interface Iterator<T, R = any, N = any> { next(...value: [] | [N]): IteratorResult<T, R>; }
interface Iterable<T, R = any, N = any> { [Symbol.iterator](): Iterator<T, R, N>; } interface IterableIterator<T, R = any, N = any> extends Iterator<T, R, N> { [Symbol.iterator](): IterableIterator<T, R, N>; }
interface TemplateStringsArray extends ReadonlyArray<string> {}
interface PromiseLike<T> { then<R>(onfulfilled: (value: T) => R): PromiseLike<R>; }
interface Promise<T> { then<R>(onfulfilled: (value: T) => R): Promise<R>; }
interface PromiseFulfilledResult<T> { status: 'fulfilled'; value: T; } interface PromiseRejectedResult { status: 'rejected'; reason: any; }
type PromiseSettledResult<T> = PromiseFulfilledResult<T> | PromiseRejectedResult;
interface PromiseConstructor { new <T>(executor: (resolve: (value: T) => void, reject: (reason?: any) => void) => void): Promise<T>; all<T extends readonly unknown[] | []>(values: T): Promise<{ -readonly [P in keyof T]: Awaited<T[P]> }>; allSettled<T extends readonly unknown[] | []>(values: T): Promise<{ -readonly [P in keyof T]: PromiseSettledResult<Awaited<T[P]>> }>; resolve<T>(value: T): Promise<Awaited<T>>; }
declare var Promise: PromiseConstructor;
type Awaited<T> = T extends PromiseLike<infer U> ? Awaited<U> : T;
type ReturnType<T extends (...args: any) => any> = T extends (...args: any) => infer R ? R : any;
type Parameters<T extends (...args: any) => any> = T extends (...args: infer P) => any ? P : never;
type InstanceType<T extends abstract new (...args: any) => any> = T extends abstract new (...args: any) => infer R ? R : any;
type Partial<T> = { [P in keyof T]?: T[P] };
type Required<T> = { [P in keyof T]-?: T[P] };
type Readonly<T> = { readonly [P in keyof T]: T[P] };
type Pick<T, K extends keyof T> = { [P in K]: T[P] };
type Record<K extends keyof any, T> = { [P in K]: T };
type Exclude<T, U> = T extends U ? never : T;
type Extract<T, U> = T extends U ? T : never;
type Omit<T, K extends keyof any> = Pick<T, Exclude<keyof T, K>>;
type NonNullable<T> = T & {};
`;
const MINIMAL_LIB_PATH = '/__obslint__/lib.d.ts';
const STUB_DIR = '/__obslint__/augmented/';

const OPTIONS: ts.CompilerOptions = {
  noLib: true,
  types: [],
  allowJs: true,
  checkJs: false,
  noEmit: true,
  strict: true,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  target: ts.ScriptTarget.ES2022,
  jsx: ts.JsxEmit.Preserve,
};

/** Files parsed only when something reads them (see `ProjectIndex.defer`). */
export interface DeferredFiles {
  fileAt(path: string): ts.SourceFile | undefined;
  knows(path: string): boolean;
}

/**
 * The type checker, for what syntax cannot decide (`order.status` typed by an interface, a metric
 * object passed around as `ReturnType<typeof createMetrics>`). Built once, lazily, over the source
 * files extraction already parsed (no second parse: its nodes are the extraction's nodes), with
 * obslint's own module resolution, without lib files or node_modules: literal and enum types need
 * neither, and the check stays cheap. No program is built over the files: the checker reaches a
 * file, and binds it, only when it resolves an import to it or a question is asked in it.
 */
export class TypeOracle {
  private checker?: ts.TypeChecker;

  constructor(
    private readonly files: ReadonlyMap<string, ts.SourceFile>,
    private readonly modules: ModuleResolver,
    private readonly timer?: PhaseTimer,
    private readonly deferred?: DeferredFiles,
  ) {}

  /** The finite set of values the expression's type allows, or undefined when the type is open. */
  finiteValues(node: ts.Expression): { values: string[]; type: string } | undefined {
    return this.ask(node, (checker) => finiteOf(checker, checker.getTypeAtLocation(node)));
  }

  /** The finite values of property `name` of the expression's (object) type, e.g. a typed labels object. */
  propertyValues(node: ts.Expression, name: string): { values: string[]; type: string } | undefined {
    return this.ask(node, (checker) => {
      const property = checker.getNonNullableType(checker.getTypeAtLocation(node)).getProperty(name);
      return property ? finiteOf(checker, checker.getTypeOfSymbolAtLocation(property, node)) : undefined;
    });
  }

  /**
   * The property names of the expression's type when they are all it can hold: `{ p25; p50 }` or a
   * union of such; undefined for an index signature (`Record<string, …>`), `any` or a primitive.
   */
  keyNames(node: ts.Expression): { values: string[]; type: string } | undefined {
    return this.ask(node, (checker) => {
      const type = checker.getNonNullableType(checker.getTypeAtLocation(node));
      const names = new Set<string>();
      for (const t of type.isUnion() ? type.types : [type]) {
        if (!(t.flags & ts.TypeFlags.Object) || checker.getIndexInfosOfType(t).length > 0) return undefined;
        for (const property of checker.getPropertiesOfType(t)) names.add(property.name);
      }
      return names.size > 0 && names.size <= MAX_VALUES
        ? { values: [...names].sort(), type: typeText(checker, type) }
        : undefined;
    });
  }

  /**
   * Where the checker says a property or variable is declared. Kept per node: value flow and the
   * call graph ask about the same receivers under many queries, and the checker's answer for a
   * node does not change (it keeps the symbol it resolved).
   */
  declarations(node: ts.Expression): readonly ts.Node[] {
    let found = this.declared.get(node);
    if (!found) {
      found = this.ask(node, (checker) => {
        const at = ts.isPropertyAccessExpression(node) ? node.name : node;
        let symbol = checker.getSymbolAtLocation(at);
        if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
        return [...(symbol?.declarations ?? [])];
      });
      this.declared.set(node, found);
    }
    return found;
  }

  private readonly declared = new Map<ts.Expression, readonly ts.Node[]>();

  /** Whether every member of the expression's (object) type has property `name`. */
  hasProperty(node: ts.Expression, name: string): boolean {
    return this.ask(node, (checker) => {
      const type = checker.getNonNullableType(checker.getTypeAtLocation(node));
      const members = type.isUnion() ? type.types : [type];
      return members.length > 0 && members.every((t) => t.getProperty(name) !== undefined);
    });
  }

  /** Whether the expression's type is an object (a labels object) rather than a number or string. */
  isObjectType(node: ts.Expression): boolean {
    return this.ask(node, (checker) => {
      const type = checker.getNonNullableType(checker.getTypeAtLocation(node));
      const members = type.isUnion() ? type.types : [type];
      return members.length > 0 && members.every((t) => (t.flags & ts.TypeFlags.Object) !== 0);
    });
  }

  /** Building the program and every question to the checker are charged to the checker phase. */
  private ask<T>(node: ts.Node, question: (checker: ts.TypeChecker) => T): T {
    const answer = (): T => {
      const checker = this.ensure();
      prepare(node.getSourceFile());
      return question(checker);
    };
    return this.timer ? this.timer.time('checker', answer) : answer();
  }

  private ensure(): ts.TypeChecker {
    if (this.checker) return this.checker;
    const lib = ts.createSourceFile(MINIMAL_LIB_PATH, MINIMAL_LIB, ts.ScriptTarget.Latest, true);
    const augmented = augmentedModules(this.files.values());
    const stubs = new Map<string, ts.SourceFile>();
    const stub = (path: string): ts.SourceFile | undefined => {
      if (!path.startsWith(STUB_DIR)) return undefined;
      let file = stubs.get(path);
      if (!file) stubs.set(path, (file = ts.createSourceFile(path, 'export {};', ts.ScriptTarget.Latest, true)));
      return file;
    };
    const exists = (path: string): boolean => this.files.has(path) || (this.deferred?.knows(path) ?? false);
    const fileAt = (path: string): ts.SourceFile | undefined =>
      path === MINIMAL_LIB_PATH ? lib : (this.files.get(path) ?? this.deferred?.fileAt(path) ?? stub(path));
    const resolutions = new Map<string, string | undefined>();
    const resolve = (specifier: string, containingFile: string): string | undefined => {
      // A specifier means the same from every file of a directory: thousands of files import the
      // same few modules, and each resolution probes every extension (and every alias).
      const key = `${dirname(containingFile)}\u0000${specifier}`;
      if (!resolutions.has(key)) resolutions.set(key, this.modules.resolve(specifier, containingFile, exists));
      // A package the project augments (`declare module 'fastify' { interface FastifyReply { … } }`)
      // but obslint does not read: an empty module, so that the augmentation types what it declares.
      return (
        resolutions.get(key) ??
        (augmented.has(specifier) ? `${STUB_DIR}${specifier.replace(/[^\w@/.-]/g, '_')}.d.ts` : undefined)
      );
    };
    const libOnly: ts.CompilerHost = {
      getSourceFile: (name) => (name === MINIMAL_LIB_PATH ? lib : undefined),
      getDefaultLibFileName: () => MINIMAL_LIB_PATH,
      writeFile: () => undefined,
      getCurrentDirectory: () => '/',
      getCanonicalFileName: (name) => name,
      useCaseSensitiveFileNames: () => true,
      getNewLine: () => '\n',
      fileExists: (name) => name === MINIMAL_LIB_PATH,
      readFile: () => undefined,
    };
    // A program of the lib alone answers what the checker asks of a program beyond files and imports
    // (the options, each file's module format).
    const base = ts.createProgram({ rootNames: [MINIMAL_LIB_PATH], options: OPTIONS, host: libOnly });
    this.checker = lazyChecker(base, [lib, ...[...this.files.values()].filter(addsToEveryFile)], fileAt, resolve);
    return this.checker;
  }
}

/** The compiler's own binder and checker, which a program runs over every one of its files. */
const compiler = ts as unknown as {
  bindSourceFile(file: ts.SourceFile, options: ts.CompilerOptions): void;
  createTypeChecker(host: ts.Program): ts.TypeChecker;
};

/**
 * A checker over files it binds as it reaches them: binding every parsed file was most of the
 * checker's cost, and questions reach a fraction of them. `upFront` are the files that can add to
 * what every file sees (scripts, `declare global`, `declare module`, `export as namespace`), which
 * the checker merges when it starts. Files are reached through `fileAt` and imports resolved by
 * `resolve`, obslint's own resolution; the rest of what a checker asks of a program, `base` answers.
 */
function lazyChecker(
  base: ts.Program,
  upFront: ts.SourceFile[],
  fileAt: (path: string) => ts.SourceFile | undefined,
  resolve: (specifier: string, containingFile: string) => string | undefined,
): ts.TypeChecker {
  upFront.forEach(prepare);
  const reach = (path: string): ts.SourceFile | undefined => {
    const file = fileAt(path);
    return file && prepare(file);
  };
  const host: ts.Program = Object.assign(Object.create(base) as ts.Program, {
    getSourceFiles: () => upFront,
    getSourceFile: reach,
    getSourceFileByPath: reach,
    getResolvedModule: (file: ts.SourceFile, specifier: string) => {
      const resolved = resolve(specifier, file.fileName);
      return {
        resolvedModule: resolved
          ? { resolvedFileName: resolved, extension: extensionOf(resolved), isExternalLibraryImport: false }
          : undefined,
      };
    },
  });
  return compiler.createTypeChecker(host);
}

const prepared = new WeakSet<ts.SourceFile>();

/**
 * What a program does to a file before its checker reads it: its paths, its module augmentations,
 * its binding. Idempotent, and kept on the syntax tree: a file reached late is prepared the same.
 */
function prepare(file: ts.SourceFile): ts.SourceFile {
  if (prepared.has(file)) return file;
  prepared.add(file);
  const internal = file as unknown as {
    path?: string;
    resolvedPath?: string;
    originalFileName?: string;
    moduleAugmentations?: readonly ts.Node[];
  };
  internal.path ??= file.fileName;
  internal.resolvedPath ??= file.fileName;
  internal.originalFileName ??= file.fileName;
  internal.moduleAugmentations ??= augmentationNames(file);
  compiler.bindSourceFile(file, OPTIONS);
  return file;
}

/** A program's record of a module's augmentations: the names of its `declare module 'x'` and `declare global`. */
function augmentationNames(file: ts.SourceFile): ts.Node[] {
  if (!ts.isExternalModule(file)) return [];
  return file.statements
    .filter(
      (s): s is ts.ModuleDeclaration =>
        ts.isModuleDeclaration(s) &&
        (ts.isStringLiteral(s.name) || (s.flags & ts.NodeFlags.GlobalAugmentation) !== 0) &&
        (s.modifiers?.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword) ?? false),
    )
    .map((s) => s.name);
}

function addsToEveryFile(file: ts.SourceFile): boolean {
  return (
    !ts.isExternalModule(file) ||
    file.statements.some((s) => ts.isModuleDeclaration(s) || ts.isNamespaceExportDeclaration(s))
  );
}

/** The bare module names the files augment: `declare module 'fastify' { … }` in a module file. */
function augmentedModules(files: Iterable<ts.SourceFile>): Set<string> {
  const names = new Set<string>();
  for (const file of files)
    for (const { name } of moduleAugmentations(file)) if (!name.text.startsWith('.')) names.add(name.text);
  return names;
}

function extensionOf(file: string): ts.Extension {
  const match = /\.(d\.ts|tsx|ts|mts|cts|jsx|js|mjs|cjs)$/.exec(file)?.[1];
  const byName: Record<string, ts.Extension> = {
    'd.ts': ts.Extension.Dts,
    tsx: ts.Extension.Tsx,
    ts: ts.Extension.Ts,
    mts: ts.Extension.Mts,
    cts: ts.Extension.Cts,
    jsx: ts.Extension.Jsx,
    js: ts.Extension.Js,
    mjs: ts.Extension.Mjs,
    cjs: ts.Extension.Cjs,
  };
  return byName[match ?? 'ts'] ?? ts.Extension.Ts;
}

function finiteOf(checker: ts.TypeChecker, type: ts.Type): { values: string[]; type: string } | undefined {
  const values = literalValues(type);
  return values && values.length > 0 && values.length <= MAX_VALUES
    ? { values, type: typeText(checker, type) }
    : undefined;
}

/**
 * How a type reads in a message. An anonymous union is written with its members sorted: the
 * checker writes them in the order it first met each type, which any unrelated change to the
 * questions asked before would change.
 */
function typeText(checker: ts.TypeChecker, type: ts.Type): string {
  const named = type.aliasSymbol !== undefined || type.symbol !== undefined;
  if (!type.isUnion() || named || type.flags & (ts.TypeFlags.Boolean | ts.TypeFlags.EnumLiteral))
    return checker.typeToString(type);
  return type.types
    .map((member) => checker.typeToString(member))
    .sort()
    .join(' | ');
}

function literalValues(type: ts.Type): string[] | undefined {
  const members = type.isUnion() ? type.types : [type];
  const values: string[] = [];
  for (const t of members) {
    if (t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)) continue;
    if (t.isStringLiteral()) values.push(t.value);
    else if (t.isNumberLiteral()) values.push(String(t.value));
    else if (t.flags & ts.TypeFlags.BooleanLiteral)
      values.push((t as unknown as { intrinsicName: string }).intrinsicName);
    else return undefined;
  }
  return [...new Set(values)].sort();
}

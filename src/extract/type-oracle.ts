import { Project, ts } from 'ts-morph';

const MAX_VALUES = 1000;

/**
 * Stand-in for lib.d.ts: the global types the checker needs and the utility types metric code
 * uses (`ReturnType<typeof createMetrics>`), without the cost of loading the real libs.
 */
const MINIMAL_LIB = `
interface Array<T> { length: number; [n: number]: T; }
interface ReadonlyArray<T> { readonly length: number; readonly [n: number]: T; }
interface Boolean {} interface Function {} interface CallableFunction {} interface NewableFunction {}
interface IArguments {} interface Number {} interface Object {} interface RegExp {} interface String {}
interface Symbol {} interface TemplateStringsArray extends ReadonlyArray<string> {}
interface PromiseLike<T> { then<R>(onfulfilled: (value: T) => R): PromiseLike<R>; }
interface Promise<T> { then<R>(onfulfilled: (value: T) => R): Promise<R>; }
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

/**
 * The type checker, for the label values syntax cannot bound (`order.status` typed by an interface,
 * an inferred union). Built once, lazily, over the parsed candidate files only, without lib files or
 * node_modules: literal and enum types need neither, and the check stays cheap.
 */
export class TypeOracle {
  private checker?: ts.TypeChecker;
  private program?: ts.Program;

  constructor(private readonly files: () => Iterable<ts.SourceFile>) {}

  /** The finite set of values the expression's type allows, or undefined when the type is open. */
  finiteValues(node: ts.Expression): { values: string[]; type: string } | undefined {
    const { program, checker } = this.ensure();
    const twin = findTwin(program.getSourceFile(node.getSourceFile().fileName), node);
    if (!twin) return undefined;
    const type = checker.getTypeAtLocation(twin);
    const values = literalValues(type);
    return values && values.length > 0 && values.length <= MAX_VALUES ? { values, type: checker.typeToString(type) } : undefined;
  }

  /**
   * Where the checker says a property or variable is declared, as nodes of `files` (the parsed
   * copies the rest of the extraction holds): `this.metrics.requests` typed by an interface or a
   * `ReturnType<…>` resolves to the object literal property that created the metric.
   */
  declarations(node: ts.Expression, files: ReadonlyMap<string, ts.SourceFile>): ts.Node[] {
    const { program, checker } = this.ensure();
    const twin = findTwin(program.getSourceFile(node.getSourceFile().fileName), node);
    if (!twin) return [];
    const at = ts.isPropertyAccessExpression(twin) ? twin.name : twin;
    let symbol = checker.getSymbolAtLocation(at);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    const out: ts.Node[] = [];
    for (const decl of symbol?.declarations ?? []) {
      const own = findTwin(files.get(decl.getSourceFile().fileName), decl);
      if (own) out.push(own);
    }
    return out;
  }

  /** The finite values of property `name` of the expression's (object) type, e.g. a typed labels object. */
  propertyValues(node: ts.Expression, name: string): { values: string[]; type: string } | undefined {
    const { program, checker } = this.ensure();
    const twin = findTwin(program.getSourceFile(node.getSourceFile().fileName), node);
    if (!twin) return undefined;
    const property = checker.getNonNullableType(checker.getTypeAtLocation(twin)).getProperty(name);
    if (!property) return undefined;
    const type = checker.getTypeOfSymbolAtLocation(property, twin);
    const values = literalValues(type);
    return values && values.length > 0 && values.length <= MAX_VALUES ? { values, type: checker.typeToString(type) } : undefined;
  }

  /** Whether the expression's type is an object (a labels object) rather than a number or string. */
  isObjectType(node: ts.Expression): boolean {
    const { program, checker } = this.ensure();
    const twin = findTwin(program.getSourceFile(node.getSourceFile().fileName), node);
    if (!twin) return false;
    const type = checker.getNonNullableType(checker.getTypeAtLocation(twin));
    const members = type.isUnion() ? type.types : [type];
    return members.length > 0 && members.every((t) => (t.flags & ts.TypeFlags.Object) !== 0);
  }

  private ensure(): { program: ts.Program; checker: ts.TypeChecker } {
    if (!this.program || !this.checker) {
      const project = new Project({
        useInMemoryFileSystem: true,
        skipAddingFilesFromTsConfig: true,
        skipFileDependencyResolution: true,
        compilerOptions: { noLib: true, types: [], allowJs: true, checkJs: false, noEmit: true, strict: true, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, target: ts.ScriptTarget.ES2022, jsx: ts.JsxEmit.Preserve },
      });
      project.createSourceFile(MINIMAL_LIB_PATH, MINIMAL_LIB, { overwrite: true });
      for (const file of this.files()) project.createSourceFile(file.fileName, file.text, { overwrite: true });
      this.program = project.getProgram().compilerObject;
      this.checker = this.program.getTypeChecker();
    }
    return { program: this.program, checker: this.checker };
  }
}

/** The node at the same position in the checker's copy of the file. */
export function findTwin(root: ts.SourceFile | undefined, node: ts.Node): ts.Node | undefined {
  if (!root) return undefined;
  const start = node.getStart();
  const end = node.getEnd();
  let current: ts.Node = root;
  for (;;) {
    if (current.getStart() === start && current.getEnd() === end && current.kind === node.kind) return current;
    const next: ts.Node | undefined = ts.forEachChild(current, (child) => (child.pos <= start && child.end >= end ? child : undefined));
    if (!next) return undefined;
    current = next;
  }
}

function literalValues(type: ts.Type): string[] | undefined {
  const members = type.isUnion() ? type.types : [type];
  const values: string[] = [];
  for (const t of members) {
    if (t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)) continue;
    if (t.isStringLiteral()) values.push(t.value);
    else if (t.isNumberLiteral()) values.push(String(t.value));
    else if (t.flags & ts.TypeFlags.BooleanLiteral) values.push((t as unknown as { intrinsicName: string }).intrinsicName);
    else return undefined;
  }
  return [...new Set(values)].sort();
}

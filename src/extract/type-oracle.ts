import { Project, ts } from 'ts-morph';

const MAX_VALUES = 1000;

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

  private ensure(): { program: ts.Program; checker: ts.TypeChecker } {
    if (!this.program || !this.checker) {
      const project = new Project({
        useInMemoryFileSystem: true,
        skipAddingFilesFromTsConfig: true,
        skipFileDependencyResolution: true,
        compilerOptions: { noLib: true, types: [], allowJs: true, checkJs: false, noEmit: true, strict: true, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, target: ts.ScriptTarget.ES2022, jsx: ts.JsxEmit.Preserve },
      });
      for (const file of this.files()) project.createSourceFile(file.fileName, file.text, { overwrite: true });
      this.program = project.getProgram().compilerObject;
      this.checker = this.program.getTypeChecker();
    }
    return { program: this.program, checker: this.checker };
  }
}

/** The node at the same position in the checker's copy of the file. */
function findTwin(root: ts.SourceFile | undefined, node: ts.Node): ts.Node | undefined {
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

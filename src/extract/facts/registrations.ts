import { ts } from 'ts-morph';
import type { MetricDef } from '../../types.js';
import type { Static } from '../flow/static-eval.js';
import { isPromClientModule, PROM_CLIENT } from '../libraries/prom-client.js';
import type { ProjectIndex } from '../syntax/project-index.js';
import { lookup, propertyKey, skipOuter, type Declaration } from '../syntax/scope.js';

/** prom-client's default registry, as `registers` names it. */
const DEFAULT_REGISTRY = 'default';

/** A definition that registers its name when it is created: in a prom-client registry, or an OpenTelemetry meter. */
export interface Registration {
  def: MetricDef;
  /** Absolute path of the file that constructs it (the outermost wrapper call's file). */
  file: string;
  /** The registries it registers in: `default`, the declaration of a `new Registry()`, or `meter:<name>`. */
  registries: string[];
  /** For a name built at run time: its text and the declarations it reads (equal: the same name). */
  built?: string;
  /** For a metric a class creates (in its constructor or a field): that class, which registers it when built. */
  createdBy?: ts.ClassLikeDeclaration;
}

/**
 * The registries a `new Counter({...})` registers in, or undefined when obslint cannot tell (a
 * `registers` list it cannot read, a config it cannot read). `[]`: `registers: []`, registered nowhere.
 */
export function registriesOf(
  node: ts.NewExpression,
  props: ReadonlyMap<string, Static>,
  readable: boolean,
  project: ProjectIndex,
): string[] | undefined {
  if (!readable) return undefined;
  if (!props.has('registers')) return [DEFAULT_REGISTRY];
  const config = node.arguments?.[0] && skipOuter(node.arguments[0]);
  if (!config || !ts.isObjectLiteralExpression(config)) return undefined;
  const prop = config.properties.find(
    (p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && propertyKey(p.name) === 'registers',
  );
  const list = prop && skipOuter(prop.initializer);
  if (!list || !ts.isArrayLiteralExpression(list)) return undefined;
  const keys = list.elements.map((e) => registryKey(e, project));
  return keys.every((k): k is string => k !== undefined) ? keys : undefined;
}

/** `register` from prom-client, `client.register`, or a project `Registry` held in a variable, by its declaration. */
function registryKey(expr: ts.Expression, project: ProjectIndex, depth = 0): string | undefined {
  const e = skipOuter(expr);
  if (ts.isPropertyAccessExpression(e))
    return ['register', 'globalRegistry'].includes(e.name.text) &&
      (isPromClientModule(e.expression, project) || (ts.isIdentifier(e.expression) && e.expression.text === 'Registry'))
      ? DEFAULT_REGISTRY
      : undefined;
  if (!ts.isIdentifier(e) || depth > 4) return undefined;
  let decl: Declaration | undefined = lookup(e.text, e);
  if (decl?.kind === 'import') {
    if (PROM_CLIENT.modules.has(decl.module)) return decl.imported === 'register' ? DEFAULT_REGISTRY : undefined;
    decl = project.followImport(decl);
  }
  if (decl?.kind !== 'variable' || decl.path.length > 0) return undefined;
  const init = decl.node.initializer && skipOuter(decl.node.initializer);
  // `const registry = client.register` is the default registry under another name.
  if (init && (ts.isIdentifier(init) || ts.isPropertyAccessExpression(init)))
    return registryKey(init, project, depth + 1);
  const sf = decl.node.getSourceFile();
  return `${sf.fileName}:${decl.node.getStart(sf)}`;
}

/**
 * Created only when the registry does not hold the name yet, or where a throw is caught:
 * `register.getSingleMetric(n) ?? new Counter(…)`, `if (!register.getSingleMetric(n)) …`,
 * `cached ??= new Counter(…)`, `try { new Counter(…) } catch {}`, or next to a `removeSingleMetric`.
 */
export function registersOnce(node: ts.Node): boolean {
  for (let n: ts.Node = node; n.parent; n = n.parent) {
    const parent = n.parent;
    if (ts.isTryStatement(parent) && parent.tryBlock === n) return true;
    if (ts.isBinaryExpression(parent) && parent.right === n) {
      const op = parent.operatorToken.kind;
      if (op === ts.SyntaxKind.QuestionQuestionEqualsToken || op === ts.SyntaxKind.BarBarEqualsToken) return true;
      if (GET_OR_REMOVE.test(parent.left.getText())) return true;
    }
    const test = ts.isIfStatement(parent)
      ? parent.expression
      : ts.isConditionalExpression(parent)
        ? parent.condition
        : undefined;
    if (test && n !== test && (GET_OR_REMOVE.test(test.getText()) || /\bhas\w*\(/.test(test.getText()))) return true;
    if (ts.isBlock(parent) || ts.isSourceFile(parent)) {
      // `register.removeSingleMetric(n); new Counter(…)`: re-created on purpose (hot reload, tests).
      if (parent.statements.indexOf(n as ts.Statement) > firstRemoval(parent)) return true;
    }
    if (ts.isFunctionLike(parent) || ts.isClassLike(parent)) break;
  }
  return false;
}

const GET_OR_REMOVE = /getSingleMetric\s*\(|removeSingleMetric\s*\(/;
const REMOVAL = /removeSingleMetric\s*\(|\.clear\s*\(\)/;

/** Index of the first statement of a block that removes metrics from a registry (once per block: files hold thousands). */
const removals = new WeakMap<ts.Block | ts.SourceFile, number>();
function firstRemoval(block: ts.Block | ts.SourceFile): number {
  let index = removals.get(block);
  if (index === undefined) {
    index = REMOVAL.test(block.getText()) ? block.statements.findIndex((s) => REMOVAL.test(s.getText())) : -1;
    if (index < 0) index = Infinity;
    removals.set(block, index);
  }
  return index;
}

/**
 * Marks definitions that register the same name in the same registry, in files a running process
 * loads together (the same file, or files some file imports, directly or not, both of): prom-client
 * throws `A metric with the name … has already been registered` on the second. Names built at run
 * time match on their constant parts, when both are created once at module scope. Definitions in
 * files nothing loads together (two services of a monorepo, two example scripts) are separate processes.
 */
export function markDuplicateRegistrations(
  registrations: readonly Registration[],
  importers: ReadonlyMap<string, readonly string[]>,
  /** A file that only re-exports, in a folder below its package's sources, that nothing imports: no process loads it. */
  unloaded: (file: string) => boolean = () => false,
  /** The places a class is constructed (`new Postgres(…)`): two classes built only in different branches of one `if` never both register. */
  constructions: (cls: ts.ClassLikeDeclaration) => readonly ts.Node[] = () => [],
): void {
  const groups = new Map<string, Registration[]>();
  for (const r of registrations) {
    const key = nameKey(r.def);
    if (key === undefined) continue;
    for (const registry of r.registries) {
      const id = `${registry}\u0000${key}`;
      const group = groups.get(id);
      if (group) group.push(r);
      else groups.set(id, [r]);
    }
  }
  const loaders = new Map<string, Set<string>>();
  const loadersOf = (file: string): Set<string> => {
    let set = loaders.get(file);
    if (!set) loaders.set(file, (set = importerClosure(file, importers)));
    return set;
  };
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    for (const a of group) {
      for (const b of group) {
        if (a.def === b.def || !loadedTogether(loadersOf(a.file), loadersOf(b.file), importers, unloaded)) continue;
        if (a.createdBy && b.createdBy && builtApart(constructions(a.createdBy), constructions(b.createdBy))) continue;
        const also = (a.def.registeredAlsoAt ??= []);
        const loc = b.def.nameLoc ?? b.def.loc;
        if (also.some((x) => x.loc === loc)) continue;
        // Built from other expressions (or other declarations of the same names): equal only if their values are.
        const uncertain = a.def.nameIsDynamic && (a.built === undefined || a.built !== b.built);
        also.push(uncertain ? { name: b.def.name, loc, uncertain } : { name: b.def.name, loc });
      }
    }
  }
}

/**
 * `if (engine === 'postgres') db = new Postgres(…); else if (engine === 'sqlite') db = new SQLite3(…)`:
 * every construction of one class and every construction of the other sit in different branches of
 * one `if`, so a process builds one of them.
 */
function builtApart(a: readonly ts.Node[], b: readonly ts.Node[]): boolean {
  if (a.length === 0 || b.length === 0) return false;
  return a.every((x) => b.every((y) => inOtherBranches(x, y)));
}

function inOtherBranches(x: ts.Node, y: ts.Node): boolean {
  const branches = new Map<ts.IfStatement, ts.Node>();
  for (let at = x; at.parent; at = at.parent)
    if (ts.isIfStatement(at.parent) && at !== at.parent.expression) branches.set(at.parent, at);
  for (let at = y; at.parent; at = at.parent) {
    const parent = at.parent;
    const taken = ts.isIfStatement(parent) ? branches.get(parent) : undefined;
    if (taken && taken !== at && ts.isIfStatement(parent) && at !== parent.expression) return true;
  }
  return false;
}

/** The name, or for a name built at run time and created once, its constant parts (`{}_requests_total`). */
function nameKey(def: MetricDef): string | undefined {
  if (!def.nameIsDynamic) return def.name;
  if (def.createdIn !== 'module' || !def.name.includes('{')) return undefined;
  const constant = def.name.replace(/\{[^{}]*\}/g, '{}');
  // Too little constant text to say two names are one: `{prefix}{name}`.
  return constant.replace(/[{}_]/g, '').length >= 3 ? `{dynamic}${constant}` : undefined;
}

/**
 * Whether some process loads both: a file both are imported from, directly or not, that is itself
 * loaded. The closures hold every importer above, so only their common tops need a look: a top that
 * nothing imports and no process starts from (a folder's barrel) loads nothing.
 */
function loadedTogether(
  a: Set<string>,
  b: Set<string>,
  importers: ReadonlyMap<string, readonly string[]>,
  unloaded: (file: string) => boolean,
): boolean {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let common = false;
  let tops = 0;
  for (const file of small) {
    if (!large.has(file)) continue;
    common = true;
    // A common file others import: they are common too, and decide.
    if ((importers.get(file)?.length ?? 0) > 0) continue;
    if (!unloaded(file)) return true;
    tops++;
  }
  // Files importing each other in a circle, with no top: loaded together as before.
  return common && tops === 0;
}

/** The file and every file that imports it, directly or not. */
function importerClosure(file: string, importers: ReadonlyMap<string, readonly string[]>): Set<string> {
  const seen = new Set([file]);
  const queue = [file];
  while (queue.length > 0) {
    for (const importer of importers.get(queue.pop()!) ?? []) {
      if (seen.has(importer)) continue;
      seen.add(importer);
      queue.push(importer);
    }
  }
  return seen;
}

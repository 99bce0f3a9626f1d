import { ts } from 'ts-morph';
import type { MetricDef } from '../../types.js';
import { scalarText, StaticEvaluator } from '../flow/static-eval.js';
import type { ValueFlow } from '../flow/value-flow.js';
import type { ProjectIndex } from '../syntax/project-index.js';
import {
  enclosingClassLike,
  enclosingFunction,
  hasModifier,
  lookup,
  outerParent,
  propertyKey,
  skipOuter,
} from '../syntax/scope.js';
import { forEachDescendant } from '../syntax/walk.js';

/**
 * Where obslint loses a metric's trail, when it does: where the metric object is handed to code
 * obslint does not follow (exported, returned, passed on, stored in an object that is, injected).
 * A metric whose trail is not lost and that nothing uses is really unused; one whose trail is
 * lost may be used where obslint cannot see.
 */
export function trailLoss(
  site: ts.Node,
  def: MetricDef,
  project: ProjectIndex,
  creation?: ts.Node,
  flow?: ValueFlow,
  /** Every file's importers, parsed or not: an export no importer reads is followed to its end. */
  importersOf: (file: string) => readonly string[] = () => [],
): MetricDef['trailLost'] {
  if (def.via) {
    const keyed = creation && storedByKey(creation, project, flow);
    if (keyed) return keyed;
    // `this.newHistogram(…)` as a statement, over a table of declarations: the wrapper registers and
    // returns the metric, and nobody keeps what it returns. Only the registry holds it, and lookups by name are linked.
    if (creation && discardedResult(site)) {
      const inWrapper = trailLoss(creation, { ...def, via: undefined }, project);
      if (inWrapper === undefined || inWrapper.how === 'returned') return undefined;
    }
    return { how: `created by \`${def.via.wrapper}\``, loc: def.loc };
  }
  // A provider is followed everywhere `@InjectMetric(NAME)` takes it (obslint links the injected field's
  // uses): lost only where a `useFactory` or a token obslint cannot read may inject it.
  if (ts.isCallExpression(site) && /Provider$/.test(site.expression.getText()))
    return mayBeInjectedUnseen(def.name, project)
      ? { how: `registered as a provider by \`${site.expression.getText()}\` and injected`, loc: def.loc }
      : undefined;
  let node = site;
  // `new Counter(…)` inside `cached ??= …`, `x || …`, parentheses: the expression that holds it.
  while (
    node.parent &&
    ((ts.isBinaryExpression(node.parent) && node.parent.operatorToken.kind !== ts.SyntaxKind.EqualsToken) ||
      ts.isParenthesizedExpression(node.parent) ||
      ts.isAsExpression(node.parent))
  )
    node = node.parent;
  const parent = node.parent;
  const at = (n: ts.Node, how: string): MetricDef['trailLost'] => ({ how, loc: project.location(n) });
  if (!parent) return undefined;
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) {
    const statement = parent.parent?.parent;
    // Exported and imported by another file that obslint then loses; exported and imported by no file
    // of the project is followed everywhere it goes.
    if (
      statement &&
      ts.isVariableStatement(statement) &&
      exported(statement) &&
      importedElsewhere(parent.name, project) &&
      readByImporters(parent.getSourceFile(), parent.name.text, project, importersOf)
    )
      return at(parent.name, `exported as \`${parent.name.text}\``);
    return escapingReference(parent.name, project, importersOf);
  }
  if (ts.isPropertyDeclaration(parent)) {
    const isPrivate =
      ts.getModifiers(parent)?.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword) ||
      ts.isPrivateIdentifier(parent.name);
    return isPrivate ? undefined : at(parent.name, `the public field \`${parent.name.getText()}\``);
  }
  if (ts.isPropertyAssignment(parent) || ts.isShorthandPropertyAssignment(parent)) {
    if (deadObject(parent.parent, project)) return undefined;
    return at(parent.name, `stored in an object as \`${parent.name.getText()}\``);
  }
  if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
    const target = skipOuter(parent.left);
    if (ts.isIdentifier(target)) return escapingReference(target, project, importersOf);
    // `this.requests = new Counter(…)`: value flow follows a class's fields to every use.
    if (ts.isPropertyAccessExpression(target) && skipOuter(target.expression).kind === ts.SyntaxKind.ThisKeyword)
      return undefined;
    return at(target, `assigned to \`${target.getText()}\``);
  }
  if (ts.isReturnStatement(parent) || ts.isArrowFunction(parent)) return at(node, 'returned');
  if ((ts.isCallExpression(parent) || ts.isNewExpression(parent)) && !registersOnly(parent))
    return at(parent, `passed to \`${parent.expression.getText()}\``);
  if (ts.isArrayLiteralExpression(parent)) return at(parent, 'stored in an array');
  if (ts.isExportAssignment(parent)) return at(parent, 'exported');
  return undefined;
}

/** A call whose result nobody keeps (`registerAll();`, `this.newCounter(name, help);`). */
function discardedResult(call: ts.Node): boolean {
  let node = call;
  while (node.parent && (ts.isParenthesizedExpression(node.parent) || ts.isAwaitExpression(node.parent)))
    node = node.parent;
  return node.parent !== undefined && ts.isExpressionStatement(node.parent);
}

/**
 * A factory that keeps what it creates in a record or Map under a key built at run time
 * (`this.metrics[prefix + name] = counter`, `registry.set(key, counter)`): where it is stored and,
 * when the container is read outside the factory, the first such read (its keys are not ones
 * obslint could match to the metric's name, or the use would be linked).
 */
function storedByKey(creation: ts.Node, project: ProjectIndex, flow: ValueFlow | undefined): MetricDef['trailLost'] {
  const write = keyedWriteOf(creation);
  if (!write) return undefined;
  const { container, at } = write;
  const text = container.getText();
  const factory = enclosingFunction(at);
  const cls = text.startsWith('this.') ? enclosingClassLike(at) : undefined;
  const scope = cls ?? at.getSourceFile();
  // A lookup by a key built at run time first; else where the container is handed on.
  let lookupAt: ts.Node | undefined;
  let handedOnAt: ts.Node | undefined;
  forEachDescendant(scope, (node) => {
    if (lookupAt || !ts.isExpression(node) || node === container || node.getText() !== text) return;
    if (factory && isWithin(node, factory)) return;
    const parent = node.parent;
    // Another write (`this.metrics = {}`) is not a read; `key in this.metrics` reads no metric.
    if (ts.isBinaryExpression(parent) && (parent.left === node || parent.right === node)) return;
    const key = keyRead(node);
    // A lookup whose keys obslint can tell was linked to the metrics of those names already.
    const told = ts.isElementAccessExpression(parent) && flow?.keysRead(parent) !== undefined;
    if (key === undefined) handedOnAt ??= node;
    else if (key !== null && !isConstantKey(key) && !told) lookupAt = node;
  });
  const readAt = lookupAt ?? handedOnAt;
  const how = `stored in \`${text}\` under a key built at run time`;
  return readAt
    ? { how, loc: project.location(at), readAt: project.location(readAt) }
    : { how, loc: project.location(at) };
}

/** `c[key] = x` or `c.set(key, x)` where `x` is the creation or the variable holding it. */
function keyedWriteOf(creation: ts.Node): { container: ts.Expression; at: ts.Node } | undefined {
  let node: ts.Node = creation;
  while (node.parent && (ts.isParenthesizedExpression(node.parent) || ts.isAsExpression(node.parent)))
    node = node.parent;
  const holders: ts.Node[] = [node];
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) {
    const declaration = parent;
    const fn = enclosingFunction(parent) ?? parent.getSourceFile();
    forEachDescendant(fn, (n) => {
      if (ts.isIdentifier(n) && n !== declaration.name && n.text === declaration.name.getText())
        if (lookup(n.text, n)?.node === declaration) holders.push(n);
    });
  }
  for (const holder of holders) {
    const p = holder.parent;
    if (!p) continue;
    if (ts.isBinaryExpression(p) && p.right === holder && p.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const left = skipOuter(p.left);
      if (ts.isElementAccessExpression(left) && !isConstantKey(left.argumentExpression))
        return { container: left.expression, at: p };
    }
    if (
      ts.isCallExpression(p) &&
      p.arguments[1] === holder &&
      ts.isPropertyAccessExpression(p.expression) &&
      p.expression.name.text === 'set' &&
      !isConstantKey(p.arguments[0])
    )
      return { container: p.expression.expression, at: p };
  }
  return undefined;
}

/**
 * The key a container reference is read with (`c[key]`, `c.get(key)`); null for any other member
 * use (`c.set(…)`, `c.size`); undefined when the container itself is handed on.
 */
function keyRead(node: ts.Expression): ts.Expression | null | undefined {
  const parent = node.parent;
  if (ts.isElementAccessExpression(parent) && parent.expression === node) return parent.argumentExpression;
  if (ts.isPropertyAccessExpression(parent) && parent.expression === node) {
    const call = parent.parent;
    return parent.name.text === 'get' && ts.isCallExpression(call) && call.arguments[0] ? call.arguments[0] : null;
  }
  return undefined;
}

function isConstantKey(key: ts.Expression): boolean {
  const k = skipOuter(key);
  return ts.isStringLiteralLike(k) || ts.isNumericLiteral(k);
}

function isWithin(node: ts.Node, ancestor: ts.Node): boolean {
  for (let n: ts.Node | undefined = node; n; n = n.parent) if (n === ancestor) return true;
  return false;
}

/** A variable holding a metric: the first reference that hands it on (argument, return, export, object). */
function escapingReference(
  name: ts.Identifier,
  project: ProjectIndex,
  importersOf: (file: string) => readonly string[],
): MetricDef['trailLost'] {
  const declaration = lookup(name.text, name)?.node;
  const home = name.getSourceFile();
  let found: MetricDef['trailLost'];
  for (const node of identifiersNamed(home, name.text)) {
    if (found) break;
    if (node === name) continue;
    if (lookup(node.text, node)?.node !== declaration) continue;
    let use: ts.Node = node;
    while (
      use.parent &&
      (ts.isParenthesizedExpression(use.parent) || ts.isAsExpression(use.parent) || ts.isNonNullExpression(use.parent))
    )
      use = use.parent;
    const parent = use.parent;
    const at = (how: string): MetricDef['trailLost'] => ({ how, loc: project.location(node) });
    if (!parent) continue;
    // `module.exports = { errorCount }` that every importer leaves unread (`const { register } =
    // require('./metrics')`): the trail goes on, and ends, in this file.
    const exportedAs = moduleExportName(use);
    if (exportedAs !== undefined && !readByImporters(home, exportedAs, project, importersOf)) continue;
    if (
      (ts.isCallExpression(parent) || ts.isNewExpression(parent)) &&
      parent.arguments?.includes(use as ts.Expression) &&
      !registersOnly(parent)
    )
      found = at(`passed to \`${parent.expression.getText()}\``);
    else if (ts.isReturnStatement(parent) || (ts.isArrowFunction(parent) && parent.body === use))
      found = at('returned');
    else if (
      ts.isShorthandPropertyAssignment(parent) ||
      (ts.isPropertyAssignment(parent) && parent.initializer === use)
    )
      found = at('stored in an object');
    else if (ts.isExportSpecifier(parent) || ts.isExportAssignment(parent)) found = at('exported');
    else if (ts.isArrayLiteralExpression(parent)) found = at('stored in an array');
    else if (
      ts.isBinaryExpression(parent) &&
      parent.right === use &&
      parent.operatorToken.kind === ts.SyntaxKind.EqualsToken
    )
      found = at(`assigned to \`${parent.left.getText()}\``);
    else if (ts.isPropertyAccessExpression(parent) && parent.expression.getText() === 'module.exports')
      found = at('exported');
  }
  if (found) return found;
  // CommonJS: `module.exports = { counter }` is caught above; `exports.counter = counter` too.
  return undefined;
}

/**
 * The name a reference is exported under, when it is one of the module's exports: `module.exports =
 * { a }`, `export default { a: x }`, `export { a }`, `module.exports.a = x`, `exports.a = x`.
 */
function moduleExportName(use: ts.Node): string | undefined {
  const parent = use.parent;
  if (ts.isExportSpecifier(parent)) return parent.name.text;
  if (ts.isShorthandPropertyAssignment(parent) || (ts.isPropertyAssignment(parent) && parent.initializer === use)) {
    const object = parent.parent;
    const holder = object.parent;
    const key = propertyKey(parent.name);
    if (ts.isExportAssignment(holder) && holder.expression === object) return key;
    if (
      ts.isBinaryExpression(holder) &&
      holder.right === object &&
      holder.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      holder.left.getText() === 'module.exports'
    )
      return key;
    return undefined;
  }
  if (
    ts.isBinaryExpression(parent) &&
    parent.right === use &&
    parent.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
    ts.isPropertyAccessExpression(parent.left) &&
    ['module.exports', 'exports'].includes(parent.left.expression.getText())
  )
    return parent.left.name.text;
  return undefined;
}

/**
 * Whether some file that imports `home` reads its export `name`, or may: a file obslint does not
 * have, one that takes the module whole (`const metrics = require('./metrics')`, a namespace
 * import) and writes the name, one whose binding of the name is read. A module nothing in the
 * project imports may be an entry point others load: read, for all obslint knows.
 */
function readByImporters(
  home: ts.SourceFile,
  name: string,
  project: ProjectIndex,
  importersOf: (file: string) => readonly string[],
): boolean {
  const importers = importersOf(home.fileName);
  return (
    importers.length === 0 ||
    importers.some((path) => {
      const file = project.fileAt(path);
      if (!file) return true;
      if (!file.text.includes(name)) return false;
      const bindings = importedBindings(file, home.fileName, name, project);
      return (
        bindings === undefined ||
        bindings.some((binding) =>
          identifiersNamed(file, binding.text).some(
            (node) => node !== binding && lookup(node.text, node)?.node === lookup(binding.text, binding)?.node,
          ),
        )
      );
    })
  );
}

/**
 * The local names a file binds the export `name` of `target` to (`import { a as b }`, `const { a } =
 * require(…)`); undefined when it takes the module another way that could reach the export.
 */
function importedBindings(
  file: ts.SourceFile,
  target: string,
  name: string,
  project: ProjectIndex,
): ts.Identifier[] | undefined {
  const bindings: ts.Identifier[] = [];
  const names = (specifier: ts.Expression | undefined): boolean =>
    specifier !== undefined &&
    ts.isStringLiteralLike(specifier) &&
    project.resolvedPath(specifier.text, file.fileName) === target;
  let whole = false;
  forEachDescendant(file, (node) => {
    if (whole) return;
    if (ts.isImportDeclaration(node) && names(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings;
      if (clause?.name || (named && !ts.isNamedImports(named))) whole = true;
      else if (named)
        for (const e of named.elements) if ((e.propertyName ?? e.name).text === name) bindings.push(e.name);
      return;
    }
    if (ts.isExportDeclaration(node) && names(node.moduleSpecifier)) {
      whole = true;
      return;
    }
    if (!ts.isCallExpression(node) || !names(node.arguments[0])) return;
    if (node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      whole = true;
      return;
    }
    if (!ts.isIdentifier(node.expression) || node.expression.text !== 'require') return;
    const holder = outerParent(node);
    if (ts.isVariableDeclaration(holder) && ts.isObjectBindingPattern(holder.name)) {
      for (const element of holder.name.elements) {
        const key = element.propertyName ? propertyKey(element.propertyName) : (element.name as ts.Identifier).text;
        if (element.dotDotDotToken || !ts.isIdentifier(element.name)) whole = true;
        else if (key === name) bindings.push(element.name);
      }
    } else if (!(ts.isExpressionStatement(holder) && holder.expression === node)) whole = true;
  });
  return whole ? undefined : bindings;
}

/**
 * `registry.registerMetric(counter)`: prom-client's registry only serves the metric it is given; it
 * records nothing into it, and hands it to no code that could.
 */
function registersOnly(call: ts.CallExpression | ts.NewExpression): boolean {
  const callee = skipOuter(call.expression);
  return ts.isCallExpression(call) && ts.isPropertyAccessExpression(callee) && callee.name.text === 'registerMetric';
}

/**
 * `export const metrics = { cpu: new Gauge(…) }` in a module no file of the project imports, and
 * that its own file never reads: nothing can reach its metrics (a dead metrics module).
 */
function deadObject(object: ts.ObjectLiteralExpression, project: ProjectIndex): boolean {
  const holder = object.parent;
  if (!ts.isVariableDeclaration(holder) || holder.initializer !== object || !ts.isIdentifier(holder.name)) return false;
  const statement = holder.parent?.parent;
  if (!statement || !ts.isVariableStatement(statement) || !ts.isSourceFile(statement.parent)) return false;
  const name = holder.name;
  const readInFile = identifiersNamed(name.getSourceFile(), name.text).some(
    (node) => node !== name && lookup(node.text, node)?.node === holder,
  );
  return !readInFile && !(exported(statement) && importedElsewhere(name, project));
}

/** Whether another project file imports this module and names the export. */
function importedElsewhere(name: ts.Identifier, project: ProjectIndex): boolean {
  const home = name.getSourceFile();
  for (const file of project.files.values()) {
    if (file === home || !file.text.includes(name.text)) continue;
    for (const statement of file.statements) {
      const specifier =
        ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)
          ? statement.moduleSpecifier.text
          : undefined;
      if (specifier !== undefined && project.resolvedPath(specifier, file.fileName) === home.fileName) return true;
    }
    // CommonJS `require('./metrics')` anywhere in the file.
    if (requiredSpecifiers(file).some((specifier) => project.resolvedPath(specifier, file.fileName) === home.fileName))
      return true;
  }
  return false;
}

/** A file's identifiers by name, in source order: one walk per file, not one per metric. */
const identifierIndex = new WeakMap<ts.SourceFile, Map<string, ts.Identifier[]>>();

function identifiersNamed(file: ts.SourceFile, name: string): readonly ts.Identifier[] {
  let index = identifierIndex.get(file);
  if (!index) {
    const built = new Map<string, ts.Identifier[]>();
    forEachDescendant(file, (node) => {
      if (!ts.isIdentifier(node)) return;
      const list = built.get(node.text);
      if (list) list.push(node);
      else built.set(node.text, [node]);
    });
    identifierIndex.set(file, (index = built));
  }
  return index.get(name) ?? [];
}

const requireIndex = new WeakMap<ts.SourceFile, string[]>();

/** The module specifiers a file passes to `require(…)`. */
function requiredSpecifiers(file: ts.SourceFile): string[] {
  let specifiers = requireIndex.get(file);
  if (!specifiers) {
    const found: string[] = [];
    if (/require\s*\(/.test(file.text))
      for (const node of identifiersNamed(file, 'require')) {
        const call = node.parent;
        if (
          ts.isCallExpression(call) &&
          call.expression === node &&
          call.arguments[0] &&
          ts.isStringLiteral(call.arguments[0])
        )
          found.push(call.arguments[0].text);
      }
    requireIndex.set(file, (specifiers = found));
  }
  return specifiers;
}

function exported(statement: ts.VariableStatement): boolean {
  return hasModifier(statement, ts.SyntaxKind.ExportKeyword);
}

/**
 * Whether a Nest provider of the metric `name` may be injected where obslint does not follow it: by
 * `getToken(name)` (a `useFactory`'s `inject:` list, whose factory may use it anywhere), or by an
 * `@InjectMetric(…)`/`getToken(…)` whose token it cannot read (a template of a parameter, a value
 * computed at run time). `@InjectMetric(NAME)` with a token it reads is followed: it links the
 * injected field's uses.
 */
function mayBeInjectedUnseen(name: string, project: ProjectIndex): boolean {
  const tokens = injectionTokens(project);
  return tokens.unreadable || tokens.byFactory.has(name);
}

/** What the project's injection tokens name, read once per project (every provider asks). */
function injectionTokens(project: ProjectIndex): { unreadable: boolean; byFactory: ReadonlySet<string> } {
  let found = tokensRead.get(project);
  if (found) return found;
  const evaluator = new StaticEvaluator(project);
  found = { unreadable: false, byFactory: new Set<string>() };
  for (const injector of ['InjectMetric', 'getToken'])
    for (const call of project.callsByName.get(injector) ?? []) {
      const token = call.arguments?.[0];
      const named = token && scalarText(evaluator.eval(token));
      if (named === undefined) found.unreadable = true;
      else if (injector === 'getToken') found.byFactory.add(named);
    }
  tokensRead.set(project, found);
  return found;
}

const tokensRead = new WeakMap<ProjectIndex, { unreadable: boolean; byFactory: Set<string> }>();

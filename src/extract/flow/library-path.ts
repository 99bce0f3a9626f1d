import { ts } from 'ts-morph';
import { enclosingClassLike, lookup, propertyKey, propertyName, requiredModule, skipOuter } from '../syntax/scope.js';
import { isInjected, type Source, type ValueFlow } from './value-flow.js';

/** Where in an installed package a value comes from: `hot-shots` `StatsD () increment`. */
export interface LibraryPath {
  module: string;
  path: string[];
}

const MAX_PATHS = 8;

/**
 * The package paths an expression may denote, followed by value: `client.increment` where
 * `client = new StatsD()` from `hot-shots` is `hot-shots` `StatsD () increment`; `metrics.client`
 * where the caller passed `{ client: promClient }` is `prom-client`. `()` stands for calling or
 * constructing what precedes it; a default import or `require()` is the module object itself.
 */
export function libraryPaths(expr: ts.Expression, flow: ValueFlow, depth = 0): LibraryPath[] {
  if (depth > 4) return [];
  const e = skipOuter(expr);
  const direct = syntacticPath(e, flow, depth);
  if (direct.length > 0) return direct;
  const out: LibraryPath[] = [];
  for (const source of flow.origins(e)) out.push(...pathsOfSource(source, flow, depth));
  // Where the value cannot be followed to a package (a parameter fed from afar), its declared type.
  if (out.length === 0) out.push(...declaredType(e, flow));
  if (out.length === 0) out.push(...libraryCallbackParameter(e, flow, depth));
  return dedupe(out).slice(0, MAX_PATHS);
}

/** Paths a chain of member reads and calls on a library object denotes, without following values. */
function syntacticPath(e: ts.Expression, flow: ValueFlow, depth: number): LibraryPath[] {
  const required = requiredModule(e);
  if (required !== undefined) return [{ module: required, path: [] }];
  if (ts.isIdentifier(e)) {
    const decl = lookup(e.text, e);
    if (decl?.kind === 'import' && flow.isPackage(decl))
      return [
        { module: decl.module, path: decl.imported === 'default' || decl.imported === '*' ? [] : [decl.imported] },
      ];
    return [];
  }
  if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
    if (skipOuter(e.expression).kind === ts.SyntaxKind.ThisKeyword) return [];
    const name = propertyName(e);
    if (name === undefined) return [];
    return libraryPaths(e.expression, flow, depth + 1).map((p) => ({ module: p.module, path: [...p.path, name] }));
  }
  if (ts.isCallExpression(e) || ts.isNewExpression(e)) {
    const callee = skipOuter(e.expression);
    // `require('m')` is handled above; `import('m')` is the module too.
    if (ts.isCallExpression(e) && callee.kind === ts.SyntaxKind.ImportKeyword) return [];
    return libraryPaths(callee, flow, depth + 1).map((p) => ({ module: p.module, path: [...p.path, '()'] }));
  }
  return [];
}

function pathsOfSource(source: Source, flow: ValueFlow, depth: number): LibraryPath[] {
  if (isInjected(source)) return [];
  const origin = skipOuter(source.expr);
  const base = syntacticPath(origin, flow, depth + 1);
  return base.map((p) => ({ module: p.module, path: [...p.path, ...source.path] }));
}

/**
 * A dependency-injected instance (`constructor(private metrics: MetricService)`) has no value to
 * follow; its declared type names the class it is an instance of.
 */
function declaredType(e: ts.Expression, flow: ValueFlow): LibraryPath[] {
  let typeNode: ts.TypeNode | undefined;
  if (ts.isIdentifier(e)) {
    const decl = lookup(e.text, e);
    // `({ metrics }: Pick<AppComponents, 'metrics'>)`, `const { metrics } = components` where
    // `components` is so typed: the member's type, along the destructuring path.
    const from = decl?.kind === 'variable' && decl.node.initializer ? skipOuter(decl.node.initializer) : undefined;
    typeNode =
      decl?.kind === 'parameter'
        ? decl.node.type
        : decl?.kind === 'variable' && decl.path.length > 0 && from
          ? declaredTypeOf(from)
          : undefined;
    for (const key of decl?.kind === 'parameter' || decl?.kind === 'variable' ? decl.path : [])
      typeNode = typeNode && memberType(withoutUndefined(typeNode), key, flow);
  } else if (ts.isPropertyAccessExpression(e) && skipOuter(e.expression).kind === ts.SyntaxKind.ThisKeyword) {
    const cls = enclosingClassLike(e);
    for (const member of cls?.members ?? []) {
      if (ts.isPropertyDeclaration(member) && propertyKey(member.name) === e.name.text) typeNode = member.type;
      if (ts.isConstructorDeclaration(member))
        for (const param of member.parameters)
          if (ts.isIdentifier(param.name) && param.name.text === e.name.text) typeNode = param.type;
    }
  } else if (ts.isPropertyAccessExpression(e)) {
    // `hub.statsd?.increment(…)` where `hub: Hub` and the interface declares `statsd?: StatsD`.
    const owner = declaredTypeOf(skipOuter(e.expression));
    typeNode = owner && memberType(owner, e.name.text, flow);
  }
  typeNode = typeNode && withoutUndefined(typeNode);
  if (!typeNode || !ts.isTypeReferenceNode(typeNode) || !ts.isIdentifier(typeNode.typeName)) return [];
  const decl = lookup(typeNode.typeName.text, typeNode);
  if (decl?.kind !== 'import' || !flow.isPackage(decl) || decl.imported === '*') return [];
  return [{ module: decl.module, path: decl.imported === 'default' ? ['()'] : [decl.imported, '()'] }];
}

/**
 * The first parameter of a callback a package function is given (`metricScope((metrics) => …)`): what
 * the package hands its callback, `=>` after the function's path.
 */
function libraryCallbackParameter(e: ts.Expression, flow: ValueFlow, depth: number): LibraryPath[] {
  if (!ts.isIdentifier(e)) return [];
  const decl = lookup(e.text, e);
  if (decl?.kind !== 'parameter' || decl.path.length > 0) return [];
  const fn = decl.node.parent;
  if (!(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) || fn.parameters[0] !== decl.node) return [];
  const call = fn.parent;
  if (!ts.isCallExpression(call) || call.arguments[0] !== fn) return [];
  return syntacticPath(skipOuter(call.expression), flow, depth + 1).map((p) => ({
    module: p.module,
    path: [...p.path, '=>'],
  }));
}

/** The type annotation of a parameter or variable (`server: Hub`, `let hub: Hub | undefined`). */
function declaredTypeOf(e: ts.Expression): ts.TypeNode | undefined {
  if (!ts.isIdentifier(e)) return undefined;
  const decl = lookup(e.text, e);
  if ((decl?.kind !== 'parameter' && decl?.kind !== 'variable') || decl.path.length > 0) return undefined;
  return decl.node.type && withoutUndefined(decl.node.type);
}

/** The declared type of property `name` in the project interface, type literal or class `owner` names. */
function memberType(owner: ts.TypeNode, name: string, flow: ValueFlow, depth = 0): ts.TypeNode | undefined {
  if (depth > 4) return undefined;
  // `A & B`: the member of whichever declares it.
  if (ts.isIntersectionTypeNode(owner))
    for (const part of owner.types) {
      const found = memberType(part, name, flow, depth + 1);
      if (found) return found;
    }
  if (!ts.isTypeReferenceNode(owner) || !ts.isIdentifier(owner.typeName)) return undefined;
  // `Pick<AppComponents, 'metrics'>`, `Partial<…>`, `Readonly<…>`: the members of the type they derive from.
  if (MAPPED_TYPES.has(owner.typeName.text) && owner.typeArguments?.[0])
    return memberType(owner.typeArguments[0], name, flow, depth + 1);
  let decl = lookup(owner.typeName.text, owner);
  if (decl?.kind === 'import') decl = flow.followImport(decl);
  // `type AppComponents = BaseComponents & { … }`: the type it names.
  if (decl?.kind === 'type' && ts.isTypeAliasDeclaration(decl.node) && !ts.isTypeLiteralNode(decl.node.type))
    return memberType(decl.node.type, name, flow, depth + 1);
  const members =
    decl?.kind === 'type'
      ? ts.isInterfaceDeclaration(decl.node)
        ? decl.node.members
        : ts.isTypeLiteralNode(decl.node.type)
          ? decl.node.type.members
          : undefined
      : decl?.kind === 'class'
        ? decl.node.members
        : undefined;
  for (const member of members ?? [])
    if (
      (ts.isPropertySignature(member) || ts.isPropertyDeclaration(member)) &&
      member.name &&
      propertyKey(member.name) === name
    )
      return member.type;
  return undefined;
}

/** TypeScript's utility types that keep (some of) the members of their first argument. */
const MAPPED_TYPES = new Set(['Pick', 'Omit', 'Partial', 'Required', 'Readonly']);

/** `StatsD | undefined`, `StatsD | null`: the type itself. */
function withoutUndefined(type: ts.TypeNode): ts.TypeNode {
  if (!ts.isUnionTypeNode(type)) return type;
  const defined = type.types.filter(
    (t) =>
      t.kind !== ts.SyntaxKind.UndefinedKeyword &&
      !(ts.isLiteralTypeNode(t) && t.literal.kind === ts.SyntaxKind.NullKeyword),
  );
  return defined.length === 1 ? defined[0] : type;
}

function dedupe(paths: LibraryPath[]): LibraryPath[] {
  const seen = new Set<string>();
  return paths.filter((p) => {
    const key = `${p.module}#${p.path.join('.')}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

import { ts } from 'ts-morph';
import { enclosingClassLike, lookup, propertyKey, skipOuter, withoutUndefined, type Declaration } from './scope.js';

/** What resolves an import to the declaration it names (the project index, value flow). */
interface ImportFollower {
  followImport(decl: Extract<Declaration, { kind: 'import' }>): Declaration | undefined;
}

/**
 * The type an expression is declared with, where syntax says it: a parameter's or field's
 * annotation, a member of one along a destructuring path (`const { meter } = dependencies` where
 * `dependencies: MetricsDependencies`), a property of a declared object (`hub.statsd`).
 */
export function declaredTypeNode(e: ts.Expression, imports: ImportFollower): ts.TypeNode | undefined {
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
          : decl?.kind === 'variable'
            ? decl.node.type
            : undefined;
    for (const key of decl?.kind === 'parameter' || decl?.kind === 'variable' ? decl.path : [])
      typeNode = typeNode && memberType(withoutUndefined(typeNode), key, imports);
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
    typeNode = owner && memberType(owner, e.name.text, imports);
  }
  return typeNode && withoutUndefined(typeNode);
}

/** The type annotation of a parameter or variable (`server: Hub`, `let hub: Hub | undefined`). */
function declaredTypeOf(e: ts.Expression): ts.TypeNode | undefined {
  if (!ts.isIdentifier(e)) return undefined;
  const decl = lookup(e.text, e);
  if ((decl?.kind !== 'parameter' && decl?.kind !== 'variable') || decl.path.length > 0) return undefined;
  return decl.node.type && withoutUndefined(decl.node.type);
}

/** The declared type of property `name` in the project interface, type literal or class `owner` names. */
export function memberType(
  owner: ts.TypeNode,
  name: string,
  imports: ImportFollower,
  depth = 0,
): ts.TypeNode | undefined {
  if (depth > 4) return undefined;
  // `A & B`: the member of whichever declares it.
  if (ts.isIntersectionTypeNode(owner))
    for (const part of owner.types) {
      const found = memberType(part, name, imports, depth + 1);
      if (found) return found;
    }
  if (!ts.isTypeReferenceNode(owner) || !ts.isIdentifier(owner.typeName)) return undefined;
  // `Pick<AppComponents, 'metrics'>`, `Partial<…>`, `Readonly<…>`: the members of the type they derive from.
  if (MAPPED_TYPES.has(owner.typeName.text) && owner.typeArguments?.[0])
    return memberType(owner.typeArguments[0], name, imports, depth + 1);
  let decl = lookup(owner.typeName.text, owner);
  if (decl?.kind === 'import') decl = imports.followImport(decl);
  // `type AppComponents = BaseComponents & { … }`: the type it names.
  if (decl?.kind === 'type' && ts.isTypeAliasDeclaration(decl.node) && !ts.isTypeLiteralNode(decl.node.type))
    return memberType(decl.node.type, name, imports, depth + 1);
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

import { ts } from 'ts-morph';
import type { Bound } from '../../types.js';
import { finite, product } from '../../model/bounds.js';
import type { ProjectIndex } from '../syntax/project-index.js';
import { enumValues, scalarText, staticStrings, type StaticEvaluator } from './static-eval.js';

const MAX_DEPTH = 8;

/**
 * The finite set of values a type annotation allows, read from the syntax: literal unions, enums,
 * booleans, `(typeof X)[number]` over `as const` tuples, `keyof typeof X`, template literal types.
 * Undefined when the type is open (`string`, `number`, an interface …).
 */
export function typeBound(type: ts.TypeNode, project: ProjectIndex, evaluator: StaticEvaluator): Bound | undefined {
  const values = typeValues(type, project, evaluator, 0);
  return values ? finite(values, `type \`${type.getText().replace(/\s+/g, ' ').slice(0, 60)}\``) : undefined;
}

function typeValues(
  type: ts.TypeNode,
  project: ProjectIndex,
  evaluator: StaticEvaluator,
  depth: number,
): string[] | undefined {
  if (depth > MAX_DEPTH) return undefined;
  if (ts.isParenthesizedTypeNode(type)) return typeValues(type.type, project, evaluator, depth + 1);
  if (ts.isLiteralTypeNode(type)) {
    const lit = type.literal;
    if (ts.isStringLiteral(lit) || ts.isNumericLiteral(lit)) return [lit.text];
    if (lit.kind === ts.SyntaxKind.TrueKeyword) return ['true'];
    if (lit.kind === ts.SyntaxKind.FalseKeyword) return ['false'];
    if (ts.isPrefixUnaryExpression(lit) && ts.isNumericLiteral(lit.operand)) return [`-${lit.operand.text}`];
    return undefined;
  }
  if (type.kind === ts.SyntaxKind.BooleanKeyword) return ['true', 'false'];
  if (ts.isUnionTypeNode(type)) {
    const all: string[] = [];
    for (const member of type.types) {
      if (
        member.kind === ts.SyntaxKind.UndefinedKeyword ||
        (ts.isLiteralTypeNode(member) && member.literal.kind === ts.SyntaxKind.NullKeyword)
      )
        continue;
      const values = typeValues(member, project, evaluator, depth + 1);
      if (!values) return undefined;
      all.push(...values);
    }
    return [...new Set(all)];
  }
  if (ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName)) {
    const decl = project.declarationOf(type.typeName);
    if (decl?.kind === 'enum') return [...enumValues(decl.node).values()].map(String);
    if (decl?.kind === 'type' && ts.isTypeAliasDeclaration(decl.node) && !decl.node.typeParameters) {
      return typeValues(decl.node.type, project, evaluator, depth + 1);
    }
    return undefined;
  }
  if (ts.isTypeReferenceNode(type) && ts.isQualifiedName(type.typeName) && ts.isIdentifier(type.typeName.left)) {
    const inferred = zodInferred(type, project, evaluator);
    if (inferred) return inferred;
    // `Enum.Member` as a type
    const decl = project.declarationOf(type.typeName.left);
    if (decl?.kind === 'enum') {
      const value = enumValues(decl.node).get(type.typeName.right.text);
      return value === undefined ? undefined : [String(value)];
    }
    return undefined;
  }
  if (ts.isIndexedAccessTypeNode(type)) {
    const objectType = unparen(type.objectType);
    if (!ts.isTypeQueryNode(objectType)) return undefined;
    const value = evaluator.eval(entityExpression(objectType.exprName));
    const index = unparen(type.indexType);
    if (index.kind === ts.SyntaxKind.NumberKeyword) return staticStrings(value);
    if (ts.isTypeOperatorNode(index) && index.operator === ts.SyntaxKind.KeyOfKeyword && value.k === 'obj') {
      return staticStrings({ k: 'arr', items: [...value.props.values()] });
    }
    return undefined;
  }
  if (ts.isTypeOperatorNode(type) && type.operator === ts.SyntaxKind.KeyOfKeyword) {
    const target = unparen(type.type);
    if (ts.isTypeQueryNode(target)) {
      const value = evaluator.eval(entityExpression(target.exprName));
      return value.k === 'obj' ? [...value.props.keys()] : undefined;
    }
    return undefined;
  }
  if (ts.isTemplateLiteralTypeNode(type)) {
    const parts = [finite([type.head.text], 'literal')];
    for (const span of type.templateSpans) {
      const values = typeValues(span.type, project, evaluator, depth + 1);
      if (!values) return undefined;
      parts.push(finite(values, 'type'), finite([span.literal.text], 'literal'));
    }
    const result = product(parts, 'template literal type');
    return result.kind === 'finite' ? result.values : undefined;
  }
  return undefined;
}

const ZOD_INFERENCE = new Set(['infer', 'input', 'output', 'TypeOf']);

/**
 * `z.infer<typeof TaskKindSchema>` where `TaskKindSchema = z.enum(['draft', 'repair'])` (or
 * `z.nativeEnum(Kind)`, `z.literal('a')`, `z.union([z.literal('a'), …])`): the values the schema
 * accepts. zod's own types are not read (packages are not), so its schema is read instead.
 */
function zodInferred(
  type: ts.TypeReferenceNode,
  project: ProjectIndex,
  evaluator: StaticEvaluator,
): string[] | undefined {
  const name = type.typeName as ts.QualifiedName;
  const query = type.typeArguments?.length === 1 ? unparen(type.typeArguments[0]) : undefined;
  if (!ZOD_INFERENCE.has(name.right.text) || !query || !ts.isTypeQueryNode(query) || !ts.isIdentifier(query.exprName))
    return undefined;
  const decl = project.declarationOf(query.exprName);
  const init = decl?.kind === 'variable' && decl.path.length === 0 ? decl.node.initializer : undefined;
  return init ? zodSchemaValues(init, project, evaluator, 0) : undefined;
}

function zodSchemaValues(
  expr: ts.Expression,
  project: ProjectIndex,
  evaluator: StaticEvaluator,
  depth: number,
): string[] | undefined {
  if (depth > MAX_DEPTH) return undefined;
  let call = expr;
  while (ts.isParenthesizedExpression(call) || ts.isAsExpression(call)) call = call.expression;
  if (!ts.isCallExpression(call) || !ts.isPropertyAccessExpression(call.expression)) return undefined;
  const method = call.expression.name.text;
  const [arg] = call.arguments;
  // `.describe('…')`, `.default('draft')`: the same values (a default is one of them or adds itself).
  if (method === 'describe' || method === 'default' || method === 'readonly' || method === 'catch') {
    const values = zodSchemaValues(call.expression.expression, project, evaluator, depth + 1);
    const fallback = method === 'default' && arg ? scalarText(evaluator.eval(arg)) : undefined;
    return values && [...new Set([...values, ...(fallback === undefined ? [] : [fallback])])];
  }
  if (!arg) return undefined;
  if (method === 'enum') return staticStrings(evaluator.eval(arg));
  if (method === 'literal') {
    const value = scalarText(evaluator.eval(arg));
    return value === undefined ? undefined : [value];
  }
  if (method === 'nativeEnum' && ts.isIdentifier(skipParens(arg))) {
    const decl = project.declarationOf(skipParens(arg) as ts.Identifier);
    return decl?.kind === 'enum' ? [...enumValues(decl.node).values()].map(String) : undefined;
  }
  if (method === 'union' && ts.isArrayLiteralExpression(skipParens(arg))) {
    const all: string[] = [];
    for (const member of (skipParens(arg) as ts.ArrayLiteralExpression).elements) {
      const values = zodSchemaValues(member, project, evaluator, depth + 1);
      if (!values) return undefined;
      all.push(...values);
    }
    return [...new Set(all)];
  }
  return undefined;
}

function skipParens(e: ts.Expression): ts.Expression {
  return ts.isParenthesizedExpression(e) ? skipParens(e.expression) : e;
}

function unparen(type: ts.TypeNode): ts.TypeNode {
  return ts.isParenthesizedTypeNode(type) ? unparen(type.type) : type;
}

/** `typeof a.b` names an expression; rebuild it so the static evaluator can read it. */
function entityExpression(name: ts.EntityName): ts.Expression {
  // The identifiers in a type query live in the same file, so lexical lookup from them works.
  return ts.isIdentifier(name) ? name : name.right;
}

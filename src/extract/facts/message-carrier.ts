import { ts } from 'ts-morph';
import type { ProjectIndex } from '../syntax/project-index.js';
import { enclosingFunction, lookup, propertyKey, skipOuter } from '../syntax/scope.js';
import { forEachDescendant } from '../syntax/walk.js';

/**
 * A field named for a trace carrier in what a producer sends: `{ otel_carrier }`, `{ otel: { carrier } }`,
 * `traceContext`, `_tracing`. Projects that propagate by hand put the injected carrier there, often
 * filled far from the send (a caller passes it in, a type declares it).
 */
const CARRIER_FIELD = /carrier|^_?(?:otel|trace_?context|trace_?headers|tracing|propagation)$/i;

/** How deep into nested payloads (`{ data: { otel_carrier } }`) and through variables obslint looks. */
const MAX_DEPTH = 4;

/**
 * The carrier field a message carries, when one of the call's arguments holds it: written in an
 * object literal, a constant or an array the function pushes payloads into, or declared by the
 * argument's type (`args: HailMaryJobData` whose interface has `otel_carrier`).
 */
export function carrierField(args: readonly ts.Expression[], project: ProjectIndex): string | undefined {
  for (const arg of args) {
    const found = carrierIn(arg, project, 0);
    if (found) return found;
  }
  return undefined;
}

function carrierIn(node: ts.Expression, project: ProjectIndex, depth: number): string | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const e = skipOuter(node);
  if (ts.isObjectLiteralExpression(e)) {
    for (const prop of e.properties) {
      const key = prop.name && propertyKey(prop.name);
      if (key !== undefined && CARRIER_FIELD.test(key)) return key;
      const inner = ts.isPropertyAssignment(prop)
        ? prop.initializer
        : ts.isSpreadAssignment(prop)
          ? prop.expression
          : undefined;
      const found = inner && carrierIn(inner, project, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  if (ts.isArrayLiteralExpression(e))
    return firstOf(
      e.elements.filter((x) => !ts.isSpreadElement(x)),
      (x) => carrierIn(x, project, depth + 1),
    );
  if (!ts.isIdentifier(e)) return undefined;
  const decl = lookup(e.text, e);
  if (decl?.kind === 'parameter' && decl.path.length === 0) return carrierInType(decl.node.type, project, depth + 1);
  if (decl?.kind !== 'variable' || decl.path.length !== 0) return undefined;
  const init = decl.node.initializer;
  return (
    (init && decl.isConst ? carrierIn(init, project, depth + 1) : undefined) ??
    carrierInType(decl.node.type, project, depth + 1) ??
    firstOf(pushedInto(decl.node, e), (x) => carrierIn(x, project, depth + 1))
  );
}

/** A carrier field a type declares: an inline type, a project interface or type alias, an array's element. */
function carrierInType(type: ts.TypeNode | undefined, project: ProjectIndex, depth: number): string | undefined {
  if (!type || depth > MAX_DEPTH) return undefined;
  if (ts.isArrayTypeNode(type)) return carrierInType(type.elementType, project, depth + 1);
  if (ts.isTypeLiteralNode(type)) return carrierInMembers(type.members, project, depth);
  if (!ts.isTypeReferenceNode(type) || !ts.isIdentifier(type.typeName)) return undefined;
  const decl = project.declarationOf(type.typeName);
  if (decl?.kind !== 'type') return undefined;
  return ts.isInterfaceDeclaration(decl.node)
    ? carrierInMembers(decl.node.members, project, depth)
    : carrierInType(decl.node.type, project, depth + 1);
}

function carrierInMembers(
  members: ts.NodeArray<ts.TypeElement>,
  project: ProjectIndex,
  depth: number,
): string | undefined {
  for (const member of members) {
    const key = member.name && propertyKey(member.name);
    if (key !== undefined && CARRIER_FIELD.test(key)) return key;
    const found = ts.isPropertySignature(member) ? carrierInType(member.type, project, depth + 1) : undefined;
    if (found) return found;
  }
  return undefined;
}

/** What `payloads.push(…)` adds to a local array, in the function that declares it. */
function pushedInto(variable: ts.VariableDeclaration, use: ts.Identifier): ts.Expression[] {
  const scope = enclosingFunction(variable) ?? variable.getSourceFile();
  const pushed: ts.Expression[] = [];
  forEachDescendant(scope, (n) => {
    const callee = ts.isCallExpression(n) ? skipOuter(n.expression) : undefined;
    if (!callee || !ts.isPropertyAccessExpression(callee) || callee.name.text !== 'push') return;
    const target = skipOuter(callee.expression);
    if (ts.isIdentifier(target) && target.text === use.text && lookup(target.text, target)?.node === variable)
      pushed.push(...(n as ts.CallExpression).arguments);
  });
  return pushed;
}

function firstOf<T>(items: readonly T[], find: (item: T) => string | undefined): string | undefined {
  for (const item of items) {
    const found = find(item);
    if (found) return found;
  }
  return undefined;
}

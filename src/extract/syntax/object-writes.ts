import { ts } from 'ts-morph';
import { lookup, skipOuter } from './scope.js';
import { forEachDescendant } from './walk.js';

/** What the code around a `const x = {}` writes into the object it holds. */
export interface ObjectWrites {
  /** `x.key = value` and `x[key] = value`, in source order. */
  assignments: ts.BinaryExpression[];
  /** `Object.assign(x, …)`: keys merged in that cannot be listed from here. */
  merged: boolean;
}

const NONE: ObjectWrites = { assignments: [], merged: false };
const writesByHolder = new WeakMap<ts.VariableDeclaration, ObjectWrites>();

/**
 * The writes into the object literal a `const` (or `let`) is initialised with, in the block that
 * declares it (`const labels = { method }; labels.route = r`; `const out = {}; out[key] = value`).
 * Found once per declaration: label values and static evaluation both ask.
 */
export function writesToObject(holder: ts.VariableDeclaration): ObjectWrites {
  const known = writesByHolder.get(holder);
  if (known) return known;
  const initializer = holder.initializer && skipOuter(holder.initializer);
  const scope = holder.parent.parent?.parent;
  let found = NONE;
  if (ts.isIdentifier(holder.name) && initializer && ts.isObjectLiteralExpression(initializer) && scope) {
    const name = holder.name.text;
    const isHolder = (e: ts.Expression): boolean => {
      const base = skipOuter(e);
      return ts.isIdentifier(base) && base.text === name && lookup(name, base)?.node === holder;
    };
    const assignments: ts.BinaryExpression[] = [];
    let merged = false;
    forEachDescendant(scope, (node) => {
      if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
        const target = skipOuter(node.left);
        if (
          (ts.isPropertyAccessExpression(target) || ts.isElementAccessExpression(target)) &&
          isHolder(target.expression)
        )
          assignments.push(node);
      } else if (
        ts.isCallExpression(node) &&
        node.expression.getText() === 'Object.assign' &&
        node.arguments[0] !== undefined &&
        isHolder(node.arguments[0])
      )
        merged = true;
    });
    found = { assignments, merged };
  }
  writesByHolder.set(holder, found);
  return found;
}

import { ts } from 'ts-morph';
import type { Observation } from '../../types.js';
import { chain } from '../flow/sources.js';
import { lookup, skipOuter } from '../syntax/scope.js';

const MS_NAME = /(^|_)(ms|millis|milliseconds)$|[a-z0-9](Ms|MS|Millis|Milliseconds)$/;
const S_NAME = /(^|_)(secs?|seconds)$|[a-z0-9](Secs?|Seconds)$/;

/** The unit of an observed value, from how it was computed or named. */
export function unitOf(value: ts.Expression, depth = 0): { unit: Observation['unit']; evidence: string } {
  const e = skipOuter(value);
  if (ts.isIdentifier(e) && depth < 4) {
    // `const elapsed = Date.now() - start; h.observe(elapsed)`
    const decl = lookup(e.text, e);
    if (decl?.kind === 'variable' && decl.isConst && decl.path.length === 0 && decl.node.initializer) {
      const fromInit = unitOf(decl.node.initializer, depth + 1);
      if (fromInit.unit !== 'unknown') return fromInit;
    }
  }
  if (ts.isBinaryExpression(e)) {
    const op = e.operatorToken.kind;
    if (op === ts.SyntaxKind.SlashToken) {
      const divisor = skipOuter(e.right);
      const n = ts.isNumericLiteral(divisor) ? Number(divisor.text) : undefined;
      const inner = unitOf(e.left, depth + 1).unit;
      if (n === 1000 && inner === 'milliseconds') return { unit: 'seconds', evidence: 'milliseconds divided by 1000' };
      if (n === 1e9 && inner === 'nanoseconds') return { unit: 'seconds', evidence: 'nanoseconds divided by 1e9' };
      if (n === 1e6 && inner === 'nanoseconds') return { unit: 'milliseconds', evidence: 'nanoseconds divided by 1e6' };
      if (n === 1000 || n === 1e3) return { unit: 'unknown', evidence: 'divided by 1000' };
    }
    if (op === ts.SyntaxKind.AsteriskToken) return { unit: 'unknown', evidence: 'scaled' };
    if (op === ts.SyntaxKind.MinusToken) {
      const left = unitOf(e.left, depth + 1);
      return left.unit !== 'unknown' ? left : unitOf(e.right, depth + 1);
    }
  }
  if (ts.isCallExpression(e)) {
    const callee = chain(skipOuter(e.expression))?.names.join('.');
    if (callee === 'Date.now' || callee === 'performance.now')
      return { unit: 'milliseconds', evidence: `\`${callee}()\` is in milliseconds` };
    if (callee === 'process.hrtime.bigint')
      return { unit: 'nanoseconds', evidence: '`process.hrtime.bigint()` is in nanoseconds' };
    if (callee === 'Number' && e.arguments[0]) return unitOf(e.arguments[0], depth + 1);
  }
  const names = chain(e)?.names;
  const last = names?.[names.length - 1];
  if (last && MS_NAME.test(last)) return { unit: 'milliseconds', evidence: `\`${last}\` is named in milliseconds` };
  if (last && S_NAME.test(last)) return { unit: 'seconds', evidence: `\`${last}\` is named in seconds` };
  return { unit: 'unknown', evidence: '' };
}

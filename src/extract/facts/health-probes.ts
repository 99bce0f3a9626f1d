import { ts } from 'ts-morph';
import type { ProjectIndex } from '../syntax/project-index.js';
import { propertyKey, propertyName, skipOuter } from '../syntax/scope.js';

/** The last path segment of a health or readiness endpoint: `/health`, `/healthz`, `/readyz`, `/ping`. */
const PROBE_PATH =
  /\/(?:health|healthz|healthcheck|health-check|ready|readyz|readiness|live|livez|liveness|ping)\/?(?:[?#].*)?$/i;
/** A variable or property named for a probe's URL: `readinessUrl`, `HEALTH_CHECK_URL`, `healthEndpoint`. */
const PROBE_NAME = /^(?:health|readiness|liveness)[\w$]*?(?:url|uri|endpoint|path)$/i;

/** HTTP methods that change something: a `POST …/ready` reports readiness, it does not probe it. */
const WRITING_METHODS = new Set(['post', 'put', 'patch', 'delete']);

/** Whether a request only reads: no writing method named by the call (`axios.post`) or its options (`method: 'POST'`). */
export function readsOnly(call: ts.CallExpression | ts.NewExpression): boolean {
  const callee = propertyName(call.expression);
  if (callee !== undefined && WRITING_METHODS.has(callee.toLowerCase())) return false;
  return !(call.arguments ?? []).some(
    (arg) =>
      ts.isObjectLiteralExpression(arg) &&
      arg.properties.some((p) => {
        if (!ts.isPropertyAssignment(p) || propertyKey(p.name) !== 'method') return false;
        const value = skipOuter(p.initializer);
        return !ts.isStringLiteralLike(value) || WRITING_METHODS.has(value.text.toLowerCase());
      }),
  );
}

/**
 * Whether a URL expression is a health or readiness probe's: the literal text it ends with
 * (`` `${baseUrl}/health` ``, `base + '/readyz'`), or the name of the variable or property that
 * holds it (`cfg.readinessUrl`), followed through `const`s.
 */
export function isProbe(expr: ts.Expression, project: ProjectIndex, depth: number): boolean {
  if (depth > 6) return false;
  const e = skipOuter(expr);
  if (ts.isStringLiteralLike(e)) return PROBE_PATH.test(e.text);
  if (ts.isTemplateExpression(e)) {
    const tail = e.templateSpans[e.templateSpans.length - 1].literal.text;
    return tail === ''
      ? isProbe(e.templateSpans[e.templateSpans.length - 1].expression, project, depth + 1)
      : PROBE_PATH.test(tail);
  }
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken)
    return isProbe(e.right, project, depth + 1);
  if (ts.isPropertyAccessExpression(e)) return PROBE_NAME.test(e.name.text);
  if (!ts.isIdentifier(e)) return false;
  if (PROBE_NAME.test(e.text)) return true;
  const decl = project.declarationOf(e);
  return decl?.kind === 'variable' && decl.isConst && decl.path.length === 0 && decl.node.initializer !== undefined
    ? isProbe(decl.node.initializer, project, depth + 1)
    : false;
}

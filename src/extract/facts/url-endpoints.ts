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
export function isProbe(expr: ts.Expression, project: ProjectIndex): boolean {
  return endsLike(expr, PROBE_PATH, PROBE_NAME, project, 0);
}

/** OpenTelemetry's OTLP/HTTP paths, where spans, logs and metrics are exported to a collector. */
const OTLP_PATH = /\/v1\/(?:traces|logs|metrics)\/?$/;
/** `OTLP_HTTP_URL`, `otelEndpoint`, `OTEL_EXPORTER_OTLP_ENDPOINT`: a collector's address. */
const OTLP_NAME = /^(?:otlp|otel)[\w$]*?(?:url|endpoint)$/i;

/**
 * Whether a request posts telemetry to a collector (`fetch(`${endpoint}/v1/traces`, …)`, written by
 * hand): the export itself, no call between services whose trace could break.
 */
export function exportsTelemetry(expr: ts.Expression, project: ProjectIndex): boolean {
  return endsLike(expr, OTLP_PATH, OTLP_NAME, project, 0);
}

/**
 * Whether a URL's literal text ends like `path` (a template's or concatenation's last part, either
 * side of a fallback), or the variable or property holding it is named like `name`, through `const`s.
 */
function endsLike(expr: ts.Expression, path: RegExp, name: RegExp, project: ProjectIndex, depth: number): boolean {
  if (depth > 6) return false;
  const e = skipOuter(expr);
  const next = (x: ts.Expression): boolean => endsLike(x, path, name, project, depth + 1);
  if (ts.isStringLiteralLike(e)) return path.test(e.text);
  if (ts.isTemplateExpression(e)) {
    const last = e.templateSpans[e.templateSpans.length - 1];
    return last.literal.text === '' ? next(last.expression) : path.test(last.literal.text);
  }
  if (ts.isBinaryExpression(e)) {
    const op = e.operatorToken.kind;
    if (op === ts.SyntaxKind.PlusToken) return next(e.right);
    // `process.env.OTLP_URL || 'http://127.0.0.1:4318/v1/traces'`: what either side is for.
    if (op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.QuestionQuestionToken)
      return next(e.left) || next(e.right);
    return false;
  }
  if (ts.isPropertyAccessExpression(e)) return name.test(e.name.text);
  if (!ts.isIdentifier(e)) return false;
  if (name.test(e.text)) return true;
  const decl = project.declarationOf(e);
  return decl?.kind === 'variable' && decl.isConst && decl.path.length === 0 && decl.node.initializer !== undefined
    ? next(decl.node.initializer)
    : false;
}

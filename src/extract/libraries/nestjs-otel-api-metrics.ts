import { ts } from 'ts-morph';
import { bounded, boundedPart, HTTP_METHODS, unbounded } from '../../model/bounds.js';
import type { Bound, Location, MetricDef, MetricKind } from '../../types.js';
import type { StaticEvaluator } from '../flow/static-eval.js';
import type { ProjectIndex } from '../syntax/project-index.js';
import { lookup, propertyKey, propertyName, skipOuter } from '../syntax/scope.js';
import type { BundledMetric } from './express-prom-bundle.js';
import { releasedBy } from './releases.js';
import { OTEL } from './opentelemetry.js';

const MODULE = 'nestjs-otel';
/** The release that removed the API metrics middleware ("use semconv from OpenTelemetry instead"). */
const WITHOUT_API_METRICS = '8.0.0';

/** The instruments the middleware makes (nestjs-otel 7.x) and the attributes each is recorded with. */
const INSTRUMENTS: { name: string; kind: MetricKind; unit: string; labels: ('method' | 'status' | 'path')[] }[] = [
  { name: 'http.server.request.count', kind: 'counter', unit: 'requests', labels: ['method', 'path'] },
  { name: 'http.server.response.count', kind: 'counter', unit: 'responses', labels: ['method', 'status', 'path'] },
  { name: 'http.server.duration', kind: 'histogram', unit: 'ms', labels: ['method', 'status', 'path'] },
  { name: 'http.server.request.size', kind: 'histogram', unit: 'By', labels: ['method', 'status', 'path'] },
  { name: 'http.server.response.size', kind: 'histogram', unit: 'By', labels: ['method', 'status', 'path'] },
];

/**
 * nestjs-otel's API metrics (`OpenTelemetryModule.forRoot({ metrics: { apiMetrics: { enable: true } } })`,
 * releases before 8.0.0): a middleware on every route records request counts, durations and sizes
 * with the request's `method`, `status` and `path`, the matched route's template, or, where no route
 * matched (404s, scanners; every request under Fastify, whose raw request has no `route`), the
 * request's own path, unless `ignoreUndefinedRoutes: true` skips those. The project writes no
 * instrument and no `record`: the module's options are the definitions and the uses.
 */
export function nestjsOtelApiMetrics(
  call: ts.CallExpression,
  project: ProjectIndex,
  evaluator: StaticEvaluator,
  statusCodes: number,
  /** The range of nestjs-otel the call's package installs, if it declares one. */
  installedRange: (file: string) => string | undefined,
  /** The matched route's template where a node runs: the routes the project registers. */
  routeTemplate: (node: ts.Node) => Bound,
  /** A file's workspace package (an application of a Nest monorepo): where its bootstrap is. */
  packageOf: (file: string) => string = () => '.',
): BundledMetric[] {
  if (!isForRoot(call) || onlyMicroservices(call, project, packageOf)) return [];
  if (releasedBy(installedRange(call.getSourceFile().fileName), WITHOUT_API_METRICS)) return [];
  const options = objectOf(call.arguments[0]);
  const apiMetrics = option(objectOf(option(options, 'metrics')?.initializer), 'apiMetrics');
  const settings = objectOf(apiMetrics?.initializer);
  if (!apiMetrics || !settings) return [];
  const flag = (name: string): boolean | undefined => {
    const set = option(settings, name);
    const value = set && evaluator.eval(set.initializer);
    return value?.k === 'bool' ? value.v : undefined;
  };
  if (flag('enable') !== true) return [];
  const routesOnly = flag('ignoreUndefinedRoutes') === true;
  const where = project.location(option(settings, 'ignoreUndefinedRoutes') ?? apiMetrics);
  const bounds: Record<'method' | 'status' | 'path', Bound> = {
    method: boundedPart('http-method', HTTP_METHODS.length, `HTTP method (${HTTP_METHODS.length})`, {
      domain: [...HTTP_METHODS, ...HTTP_METHODS.map((m) => m.toLowerCase())],
    }),
    status: boundedPart('status-code', statusCodes, `HTTP status code (${statusCodes})`, {
      pattern: '^[1-5][0-9][0-9]$',
    }),
    path: routesOnly
      ? matchedOnly(routeTemplate(call))
      : unbounded(
          'raw-url',
          "the matched route's template, or the raw path of each request no route matches (404s, scanners)",
          option(settings, 'ignoreUndefinedRoutes')
            ? 'apiMetrics: { enable: true }, ignoreUndefinedRoutes: false'
            : 'apiMetrics: { enable: true }',
          [{ loc: where, message: 'nestjs-otel labels a request no route matches with its own path' }],
        ),
  };
  // `prefix: 'orders'` names them `orders.http.server.duration`.
  const prefixSet = option(settings, 'prefix');
  const prefix = prefixSet && evaluator.eval(prefixSet.initializer);
  const named = (name: string): string => (prefix?.k === 'str' && prefix.v !== '' ? `${prefix.v}.${name}` : name);
  const at = project.location(apiMetrics);
  return INSTRUMENTS.map((instrument) => {
    const id = `${at.file}:${at.line}:${at.column}#${instrument.name}`;
    const def: MetricDef = {
      id,
      name: named(instrument.name),
      nameIsDynamic: false,
      kind: instrument.kind,
      library: 'opentelemetry',
      unit: instrument.unit,
      help: `${named(instrument.name)} (nestjs-otel API metrics)`,
      labelNames: [...instrument.labels],
      labelNamesKnown: true,
      loc: at,
      ...(instrument.kind === 'histogram'
        ? { buckets: OTEL.defaultBoundaries.length, bucketValues: [...OTEL.defaultBoundaries] }
        : {}),
      labelLocs: Object.fromEntries(instrument.labels.map((l) => [l, l === 'path' ? where : at])),
      createdIn: 'module',
      via: { wrapper: MODULE, loc: at },
    };
    const loc = (label: string): Location => (label === 'path' ? where : at);
    return {
      def,
      uses: instrument.labels.map((label) => ({
        metricId: id,
        label,
        expression: label === 'path' ? 'req.route?.path ?? req.url' : `req.${label}`,
        bound: bounds[label],
        loc: loc(label),
      })),
      call: {
        metricId: id,
        method: instrument.kind === 'histogram' ? 'record' : 'add',
        form: 'object',
        labels: [...instrument.labels],
        loc: at,
      },
    };
  });
}

/**
 * An application Nest bootstraps only as a microservice (`NestFactory.createMicroservice(AppModule,
 * { transport: Transport.KAFKA })`): no HTTP server, so no middleware, so the API metrics record nothing.
 */
function onlyMicroservices(
  call: ts.CallExpression,
  project: ProjectIndex,
  packageOf: (file: string) => string,
): boolean {
  const own = packageOf(call.getSourceFile().fileName);
  const boots = ['create', 'createMicroservice'].flatMap((name) =>
    (project.callsByName.get(name) ?? []).filter(
      (c): c is ts.CallExpression =>
        ts.isCallExpression(c) &&
        ts.isPropertyAccessExpression(c.expression) &&
        skipOuter(c.expression.expression).getText() === 'NestFactory' &&
        packageOf(c.getSourceFile().fileName) === own,
    ),
  );
  return (
    boots.length > 0 &&
    boots.every((c) => (c.expression as ts.PropertyAccessExpression).name.text === 'createMicroservice')
  );
}

/** A route label's bound without its "no route matched" value: `ignoreUndefinedRoutes` records no such request. */
function matchedOnly(bound: Bound): Bound {
  if (bound.kind !== 'bounded') return bound;
  const parts = bound.parts.filter((p) => p.source !== 'route-unmatched');
  return parts.length > 0 && parts.length < bound.parts.length ? bounded(parts) : bound;
}

/** `OpenTelemetryModule.forRoot(…)` of nestjs-otel. */
function isForRoot(call: ts.CallExpression): boolean {
  const callee = skipOuter(call.expression);
  if (!ts.isPropertyAccessExpression(callee) || propertyName(callee) !== 'forRoot') return false;
  const holder = skipOuter(callee.expression);
  if (!ts.isIdentifier(holder)) return false;
  const decl = lookup(holder.text, holder);
  return decl?.kind === 'import' && decl.module === MODULE && decl.imported === 'OpenTelemetryModule';
}

function objectOf(expr: ts.Expression | undefined): ts.ObjectLiteralExpression | undefined {
  const e = expr && skipOuter(expr);
  return e && ts.isObjectLiteralExpression(e) ? e : undefined;
}

function option(object: ts.ObjectLiteralExpression | undefined, name: string): ts.PropertyAssignment | undefined {
  return object?.properties.find(
    (p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && propertyKey(p.name) === name,
  );
}

import { ts } from 'ts-morph';
import type { MetricKind } from '../../types.js';
import { table } from '../../util/table.js';
import type { ProjectIndex } from '../syntax/project-index.js';
import { lookup, propertyKey, propertyName, requiredModule, skipOuter, type Declaration } from '../syntax/scope.js';

/** What obslint knows about prom-client (v12–v15). */
export const PROM_CLIENT = {
  // prom-client was renamed @prometheus-io/client; @platformatic/prom-client is a fork with its API.
  modules: new Set(['prom-client', '@prometheus-io/client', '@platformatic/prom-client']),
  classes: table<MetricKind>({ Counter: 'counter', Gauge: 'gauge', Histogram: 'histogram', Summary: 'summary' }),
  /** prom-client's `defaultBuckets`: [.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10]. */
  defaultBuckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  /** prom-client's default summary percentiles. */
  defaultPercentiles: [0.01, 0.05, 0.5, 0.9, 0.95, 0.99, 0.999],
  /** Methods whose first argument may be a labels object. */
  labelMethods: new Set(['inc', 'dec', 'set', 'observe', 'startTimer', 'labels', 'remove', 'setToCurrentTime']),
};

/**
 * Packages that hand prom-client's module object to their users: `new Prometheus.Counter(...)`
 * from @promster, `promClient` from express-prom-bundle, `metrics.client` of The Graph's
 * common-ts (`createMetrics()`, or an injected `Metrics`), `client` of @snapshot-labs/snapshot-metrics.
 */
const PROM_CLIENT_NAMESPACES: readonly { module: string; path: readonly string[] }[] = [
  ...['@promster/express', '@promster/fastify', '@promster/hapi', '@promster/metrics'].map((module) => ({
    module,
    path: ['Prometheus'],
  })),
  { module: 'express-prom-bundle', path: ['promClient'] },
  // The middleware `promBundle({…})` returns carries the same module: `bundle.promClient.Counter`.
  { module: 'express-prom-bundle', path: ['()', 'promClient'] },
  { module: 'swagger-stats', path: ['getPromClient', '()'] },
  { module: '@graphprotocol/common-ts', path: ['createMetrics', '()', 'client'] },
  { module: '@graphprotocol/common-ts', path: ['Metrics', '()', 'client'] },
  // Snapshot's services share one metrics package that re-exports prom-client as `client`.
  { module: '@snapshot-labs/snapshot-metrics', path: ['client'] },
];

/** The prom-client metric class a package path names (`prom-client` `Counter`, `@promster/express` `Prometheus Counter`). */
export function promClientClassAt(module: string, path: readonly string[]): MetricKind | undefined {
  const kind = PROM_CLIENT.classes[path.at(-1) ?? ''];
  if (!kind) return undefined;
  const namespace = path.slice(0, -1);
  if (PROM_CLIENT.modules.has(module)) return namespace.length === 0 ? kind : undefined;
  return PROM_CLIENT_NAMESPACES.some(
    (n) => n.module === module && n.path.length === namespace.length && n.path.every((s, i) => s === namespace[i]),
  )
    ? kind
    : undefined;
}

/**
 * @willsoto/nestjs-prometheus: `makeCounterProvider({ name, help, labelNames })` in a module's
 * providers defines a prom-client metric; `@InjectMetric('name')` hands it to a constructor.
 */
export const NEST_PROMETHEUS = {
  modules: new Set(['@willsoto/nestjs-prometheus']),
  providers: table<MetricKind>({
    makeCounterProvider: 'counter',
    makeGaugeProvider: 'gauge',
    makeHistogramProvider: 'histogram',
    makeSummaryProvider: 'summary',
  }),
  inject: 'InjectMetric',
};

/** The metric kind a `makeCounterProvider(...)`-style call defines, if it is one. */
export function nestProviderKind(call: ts.CallExpression): MetricKind | undefined {
  const callee = skipOuter(call.expression);
  if (!ts.isIdentifier(callee)) return undefined;
  const decl = lookup(callee.text, callee);
  return decl?.kind === 'import' && NEST_PROMETHEUS.modules.has(decl.module)
    ? NEST_PROMETHEUS.providers[decl.imported]
    : undefined;
}

/** Does `expr` denote the prom-client module object (`client` in `client.Counter`)? */
export function isPromClientModule(expr: ts.Expression, project: ProjectIndex): boolean {
  const e = skipOuter(expr);
  const required = requiredModule(e);
  if (required !== undefined) return PROM_CLIENT.modules.has(required);
  // fastify-metrics hands prom-client to the app as `fastify.metrics.client`.
  if (
    ts.isPropertyAccessExpression(e) &&
    e.name.text === 'client' &&
    propertyName(skipOuter(e.expression)) === 'metrics' &&
    importsModule(e.getSourceFile(), 'fastify-metrics')
  )
    return true;
  if (!ts.isIdentifier(e)) return false;
  const decl = lookup(e.text, e);
  if (decl?.kind === 'import')
    return PROM_CLIENT.modules.has(decl.module) && (decl.imported === 'default' || decl.imported === '*');
  if (decl?.kind === 'variable' && decl.isConst && decl.path.length === 0 && decl.node.initializer) {
    return isPromClientModule(decl.node.initializer, project);
  }
  return false;
}

/** The metric kind a constructor expression (`Counter`, `client.Histogram`, an alias) stands for. */
export function promClientMetricClass(expr: ts.Expression, project: ProjectIndex, depth = 0): MetricKind | undefined {
  if (depth > 5) return undefined;
  const e = skipOuter(expr);
  if (ts.isPropertyAccessExpression(e)) {
    const kind = PROM_CLIENT.classes[e.name.text];
    return kind && isPromClientModule(e.expression, project) ? kind : undefined;
  }
  if (!ts.isIdentifier(e)) return undefined;
  const decl = lookup(e.text, e);
  return decl ? classOfDeclaration(decl, project, depth) : undefined;
}

function classOfDeclaration(decl: Declaration, project: ProjectIndex, depth: number): MetricKind | undefined {
  if (decl.kind === 'import') {
    if (PROM_CLIENT.modules.has(decl.module)) return PROM_CLIENT.classes[decl.imported];
    const target = project.followImport(decl);
    return target ? classOfDeclaration(target, project, depth + 1) : undefined;
  }
  if (decl.kind === 'class') {
    // `class TimedHistogram extends Histogram {}` constructs a prom-client metric.
    const base = decl.node.heritageClauses?.find((c) => c.token === ts.SyntaxKind.ExtendsKeyword)?.types[0];
    return base ? promClientMetricClass(base.expression, project, depth + 1) : undefined;
  }
  if (decl.kind === 'variable' && decl.node.initializer) {
    if (decl.path.length === 1 && isPromClientModule(decl.node.initializer, project))
      return PROM_CLIENT.classes[decl.path[0]];
    if (decl.path.length === 0) return promClientMetricClass(decl.node.initializer, project, depth + 1);
  }
  return undefined;
}

/**
 * `new Counter({ name, help, … })` with `Counter` imported from a package obslint cannot read (not
 * in the workspace): a shared package of the project's that re-exports prom-client's classes. The
 * class name and prom-client's config shape (`name` and `help`) tell it apart from other libraries'
 * `Counter`s, which take neither.
 */
export function unreadPromClientClass(node: ts.NewExpression, project: ProjectIndex): MetricKind | undefined {
  const callee = skipOuter(node.expression);
  const kind = ts.isIdentifier(callee) ? unreadImportedClass(callee, project) : handedClientClass(callee);
  if (!kind) return undefined;
  const config = node.arguments?.[0] && skipOuter(node.arguments[0]);
  if (!config || !ts.isObjectLiteralExpression(config)) return undefined;
  const keys = new Set(config.properties.map((p) => (p.name ? propertyKey(p.name) : undefined)));
  return keys.has('name') && keys.has('help') ? kind : undefined;
}

function unreadImportedClass(callee: ts.Identifier, project: ProjectIndex): MetricKind | undefined {
  const decl = lookup(callee.text, callee);
  if (decl?.kind !== 'import' || decl.module.startsWith('.') || decl.module.startsWith('/')) return undefined;
  const kind = PROM_CLIENT.classes[decl.imported];
  return kind && !PROM_CLIENT.modules.has(decl.module) && !project.followImport(decl) ? kind : undefined;
}

/**
 * `new client.Counter(…)` where a framework hands prom-client over (`initMetrics({ client, registry })`,
 * `const { client } = getPrometheus()`, `prometheus.client`): a holder named for prom-client, which
 * no project declaration obslint can read says is something else.
 */
function handedClientClass(callee: ts.Expression): MetricKind | undefined {
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const kind = PROM_CLIENT.classes[callee.name.text];
  const holder = skipOuter(callee.expression);
  const name = ts.isIdentifier(holder) ? holder.text : ts.isPropertyAccessExpression(holder) ? holder.name.text : '';
  if (!kind || !PROM_CLIENT_HOLDER.test(name)) return undefined;
  const root = ts.isIdentifier(holder) ? holder : undefined;
  const decl = root ? lookup(root.text, root) : undefined;
  // An import or a class of the project's is read for what it is, not taken by its name.
  return decl?.kind === 'import' || decl?.kind === 'class' ? undefined : kind;
}

const PROM_CLIENT_HOLDER = /^(?:client|promClient|prom|prometheus(?:Client)?|promclient)$/;

/** Whether a file imports (or requires) a module. */
function importsModule(file: ts.SourceFile, module: string): boolean {
  return file.statements.some(
    (st) =>
      (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier) && st.moduleSpecifier.text === module) ||
      (ts.isVariableStatement(st) &&
        st.declarationList.declarations.some((d) => d.initializer && requiredModule(d.initializer) === module)),
  );
}

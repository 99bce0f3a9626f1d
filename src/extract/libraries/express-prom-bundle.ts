import { ts } from 'ts-morph';
import { boundedPart, finite, HTTP_METHODS, unbounded, union, unknown } from '../../model/bounds.js';
import type { Bound, LabelCall, LabelUse, MetricDef } from '../../types.js';
import type { Static, StaticEvaluator } from '../flow/static-eval.js';
import { returnedValues } from '../syntax/functions.js';
import type { ProjectIndex } from '../syntax/project-index.js';
import { lookup, propertyKey, skipOuter } from '../syntax/scope.js';

const MODULE = 'express-prom-bundle';
/** The library's defaults (its README): the request histogram's name and buckets, a summary's percentiles. */
const DEFAULT_NAME = 'http_request_duration_seconds';
const DEFAULT_BUCKETS = [0.003, 0.03, 0.1, 0.3, 1.5, 10];
const DEFAULT_PERCENTILES = 6;

/** The request metric a `promBundle({ … })` middleware registers, and the labels it sets on every request. */
export interface BundledMetric {
  def: MetricDef;
  uses: LabelUse[];
  call: LabelCall;
}

/**
 * express-prom-bundle's middleware (`promBundle({ includeMethod, includePath, customLabels })`)
 * registers a request histogram (or summary) and labels it itself: `status_code` (unless
 * `includeStatusCode: false`), `method` and `path` when included, and `customLabels`' keys. The
 * project writes no `new Histogram` and no `observe`: the call is the definition and the use.
 * `path` is each request's path with ids replaced (url-value-parser, the default `normalizePath`):
 * its other segments, and every path no route matches (404s, scanners), stay as requested.
 */
export function bundledRequestMetric(
  call: ts.CallExpression,
  project: ProjectIndex,
  evaluator: StaticEvaluator,
  statusCodes: number,
  /** The bound of a value (provenance), for what a `normalizePath` function returns. */
  boundOf: (value: ts.Expression) => Bound,
): BundledMetric | undefined {
  if (!isPromBundle(call.expression)) return undefined;
  const arg = call.arguments[0] && skipOuter(call.arguments[0]);
  const options = arg && ts.isObjectLiteralExpression(arg) ? arg : undefined;
  const option = (name: string): ts.PropertyAssignment | ts.ShorthandPropertyAssignment | undefined =>
    options?.properties.find(
      (p): p is ts.PropertyAssignment | ts.ShorthandPropertyAssignment =>
        (ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p)) && propertyKey(p.name) === name,
    );
  const value = (name: string): Static | undefined => {
    const p = option(name);
    if (!p) return undefined;
    return evaluator.eval(ts.isPropertyAssignment(p) ? p.initializer : p.name);
  };
  const flag = (name: string, byDefault: boolean): boolean => {
    const v = value(name);
    return v?.k === 'bool' ? v.v : v === undefined ? byDefault : true;
  };
  const loc = project.location(call);
  const at = (name: string): MetricDef['loc'] => {
    const p = option(name);
    return p ? project.location(p) : loc;
  };
  const nameValue = value('httpDurationMetricName');
  const name = nameValue?.k === 'str' ? nameValue.v : DEFAULT_NAME;
  const summary = value('metricType')?.k === 'str' && (value('metricType') as { v: string }).v === 'summary';
  const bucketList = value('buckets');
  const buckets =
    bucketList?.k === 'arr' && bucketList.items.every((b) => b.k === 'num')
      ? bucketList.items.map((b) => (b as { v: number }).v)
      : DEFAULT_BUCKETS;
  const percentiles = value('percentiles');
  const labels: { label: string; bound: Bound; loc: MetricDef['loc']; expression: string }[] = [];
  if (flag('includeStatusCode', true))
    labels.push({
      label: 'status_code',
      bound: boundedPart('status-code', statusCodes, `HTTP status code (${statusCodes})`, {
        pattern: '^[1-5][0-9][0-9]$',
      }),
      loc: at('includeStatusCode'),
      expression: 'res.statusCode',
    });
  if (flag('includeMethod', false))
    labels.push({
      label: 'method',
      bound: boundedPart('http-method', HTTP_METHODS.length, `HTTP method (${HTTP_METHODS.length})`, {
        domain: [...HTTP_METHODS, ...HTTP_METHODS.map((m) => m.toLowerCase())],
      }),
      loc: at('includeMethod'),
      expression: 'req.method',
    });
  if (flag('includePath', false)) {
    const pathLoc = at('includePath');
    labels.push({
      label: 'path',
      bound: option('normalizePath')
        ? normalizedPath(option('normalizePath')!, boundOf)
        : unbounded(
            'raw-url',
            'each request path, only its ids replaced: other segments and unmatched paths (404s, scanners) stay raw',
            'includePath: true',
            [
              {
                loc: pathLoc,
                message: "express-prom-bundle labels every request's path (its default `normalizePath`)",
              },
            ],
          ),
      loc: pathLoc,
      expression: 'req.path',
    });
  }
  const custom = value('customLabels');
  const transformed = option('transformLabels') !== undefined;
  if (custom?.k === 'obj')
    for (const [key, v] of custom.props)
      labels.push({
        label: key,
        bound:
          !transformed && (v.k === 'str' || v.k === 'num')
            ? finite([String(v.v)], '`customLabels` value')
            : unknown('set by `transformLabels` for each request', key),
        loc: at('customLabels'),
        expression: `customLabels.${key}`,
      });
  const id = `${loc.file}:${loc.line}:${loc.column}`;
  const def: MetricDef = {
    id,
    name,
    nameIsDynamic: false,
    kind: summary ? 'summary' : 'histogram',
    library: 'prom-client',
    help: `duration ${summary ? 'summary' : 'histogram'} of http responses (express-prom-bundle)`,
    labelNames: labels.map((l) => l.label),
    labelNamesKnown: custom === undefined || custom.k === 'obj',
    loc,
    ...(summary
      ? {
          quantiles: percentiles?.k === 'arr' ? percentiles.items.length : DEFAULT_PERCENTILES,
          quantileWindow: option('maxAgeSeconds') ? ('sliding' as const) : ('lifetime' as const),
        }
      : { buckets: buckets.length, bucketValues: buckets }),
    ...(option('buckets') || option('percentiles')
      ? { childrenLoc: at(option('buckets') ? 'buckets' : 'percentiles') }
      : {}),
    labelLocs: Object.fromEntries(labels.map((l) => [l.label, l.loc])),
    createdIn: 'module',
    via: { wrapper: MODULE, loc },
  };
  return {
    def,
    uses: labels.map((l) => ({ metricId: id, label: l.label, expression: l.expression, bound: l.bound, loc: l.loc })),
    call: { metricId: id, method: 'observe', form: 'object', labels: labels.map((l) => l.label), loc },
  };
}

/**
 * What a `normalizePath` function written in place returns (`(req) => req.route?.path ?? 'unmatched'`:
 * the matched route's template), each returned value's bound; anything else (a list of regular
 * expression rewrites, a function defined elsewhere) makes the path obslint cannot bound.
 */
function normalizedPath(
  option: ts.PropertyAssignment | ts.ShorthandPropertyAssignment,
  boundOf: (value: ts.Expression) => Bound,
): Bound {
  const fn = ts.isPropertyAssignment(option) ? skipOuter(option.initializer) : undefined;
  const returned = fn && (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) ? returnedValues(fn) : [];
  if (returned.length === 0) return unknown('the path `normalizePath` makes of each request', 'normalizePath');
  return union(returned.map(boundOf))!;
}

/** `promBundle(…)` where `promBundle` is express-prom-bundle's default export (imported or required). */
function isPromBundle(callee: ts.Expression): boolean {
  const e = skipOuter(callee);
  if (!ts.isIdentifier(e)) return false;
  const decl = lookup(e.text, e);
  // `import promBundle from …`, `import * as promBundle from …` or `import promBundle = require(…)`: the function the module exports.
  if (decl?.kind === 'import') return decl.module === MODULE && (decl.imported === 'default' || decl.imported === '*');
  if (decl?.kind !== 'variable' || decl.path.length > 0 || !decl.node.initializer) return false;
  const init = skipOuter(decl.node.initializer);
  return (
    ts.isCallExpression(init) &&
    ts.isIdentifier(init.expression) &&
    init.expression.text === 'require' &&
    ts.isStringLiteralLike(init.arguments[0]) &&
    init.arguments[0].text === MODULE
  );
}

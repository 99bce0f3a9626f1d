import {
  defineRule,
  hazardLocation,
  labelWord,
  placeOf,
  templatize,
  unboundedSources,
} from '../../src/engine/rule-api.js';
import { budgetedLabel } from '../../src/estimate/budget.js';
import { isDropped } from '../../src/estimate/explain.js';

/** The matched-route accessor of the framework the raw value was read from. */
function templateAccessor(source: string): string {
  if (source === 'includePath: true')
    return "`req.route.path`, through express-prom-bundle's `normalizePath` option (`normalizePath: (req) => req.route ? req.baseUrl + req.route.path : 'unmatched'`)";
  if (/^c\.req\./.test(source)) return '`c.req.routePath` (Hono)';
  if (/^ctx\./.test(source)) return '`ctx._matchedRoute` (koa-router)';
  return '`req.route.path` (express; fastify `request.routeOptions.url`, koa `ctx._matchedRoute`, Hono `c.req.routePath`)';
}

export default defineRule({
  id: 'untemplated-route',
  meta: {
    description:
      'A raw URL or path, or a path with ids in it, used as a label value: one series per URL ever requested.',
    defaultSeverity: 'error',
    scope: 'project',
    messages: {
      raw: '{{word}} `{{label}}` of `{{metric}}` takes `{{source}}` ({{what}}, unbounded): use the route template {{template}}',
      built:
        '{{word}} `{{label}}` of `{{metric}}` takes `{{source}}` ({{what}}, unbounded): use the route template, with the ids as `:params`',
      rawShared:
        '{{word}} `{{label}}` of `{{metric}}` and {{others}} more metric{{plural}} set here takes `{{source}}` ({{what}}, unbounded): use the route template {{template}}',
      builtShared:
        '{{word}} `{{label}}` of `{{metric}}` and {{others}} more metric{{plural}} set here takes `{{source}}` ({{what}}, unbounded): use the route template, with the ids as `:params`',
      literal:
        '{{word}} `{{label}}` of `{{metric}}` takes the literal path `{{value}}`: use the template `{{template}}`',
    },
  },
  defaultOptions: {},
  check(ctx) {
    // One cause, one finding: a raw path that several metrics take at one place (a middleware that
    // records a counter and a histogram from one labels object) is one place to fix.
    const shared = new Map<string, { report: Parameters<typeof ctx.report>[0]; metrics: string[] }>();
    for (const use of ctx.catalog.labelUses) {
      const metric = ctx.metric(use.metricId);
      const b = use.bound;
      // Bounded in the budget file, or dropped by an OpenTelemetry View before aggregation.
      if (budgetedLabel(ctx.config, metric.name, use.label) || isDropped(ctx.estimate(metric.id), use.label)) continue;
      if (b.kind === 'unbounded') {
        for (const source of unboundedSources(b)) {
          if (source.category !== 'raw-url' && source.category !== 'literal-path') continue;
          const loc = hazardLocation(use, source.flow);
          const key = [placeOf(loc), use.label, source.source].join('\u0000');
          const seen = shared.get(key);
          if (seen) {
            if (!seen.metrics.includes(metric.name)) seen.metrics.push(metric.name);
            continue;
          }
          shared.set(key, {
            metrics: [metric.name],
            report: {
              messageId: source.category === 'raw-url' ? 'raw' : 'built',
              data: {
                word: labelWord(metric),
                label: use.label,
                metric: metric.name,
                source: source.source,
                what: source.reason,
                template: templateAccessor(source.source),
              },
              loc,
              metric: metric.name,
              label: use.label,
              flow: source.flow,
              cause: source.source,
            },
          });
        }
      } else if (b.kind === 'finite' || b.kind === 'bounded') {
        for (const value of b.values) {
          const template = value.startsWith('/') ? templatize(value) : undefined;
          if (!template) continue;
          ctx.report({
            messageId: 'literal',
            data: { word: labelWord(metric), label: use.label, metric: metric.name, value, template },
            loc: use.loc,
            metric: metric.name,
            label: use.label,
            cause: value,
          });
        }
      }
    }
    for (const { report, metrics } of shared.values()) {
      const others = metrics.length - 1;
      ctx.report(
        others === 0
          ? report
          : {
              ...report,
              messageId: `${report.messageId}Shared` as 'rawShared' | 'builtShared',
              data: { ...report.data, others, plural: others === 1 ? '' : 's' },
            },
      );
    }
  },
});

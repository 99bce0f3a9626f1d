import {
  defineRule,
  compareLocations,
  hazardLocation,
  labelWord,
  placeOf,
  templatize,
  unboundedSources,
  type LabelWord,
} from '../../src/engine/rule-api.js';
import type { Location } from '../../src/types.js';
import { budgetedLabel } from '../../src/estimate/budget.js';
import { isDropped } from '../../src/estimate/explain.js';

type UnboundedSource = ReturnType<typeof unboundedSources>[number];

/** One place a raw value is recorded at: a label of a metric. */
interface Place {
  loc: Location;
  label: string;
  metric: string;
  word: LabelWord;
}

/** How nestjs-otel's API metrics option reads as a source (see `nestjsOtelApiMetrics`). */
const NESTJS_OTEL_SOURCE = 'apiMetrics: { enable: true }';

/** The matched-route accessor of the framework the raw value was read from. */
/** What to do about a raw URL: read the route template, or, where the code does, read it where it is set. */
function fixFor(source: UnboundedSource): string {
  if (source.fallback === 'before-routing')
    return ", the fallback of a route template read before the middleware calls `next()`, where no route has matched yet, so it is every request's value: read the template once the response finishes (`res.on('finish', …)`), and give requests no route matched a fixed value (`'unmatched'`)";
  if (source.fallback === 'proxied')
    return ", the fallback of the route template, taken by every request the app's reverse proxy forwards (no route of the app matches them) and by requests no route matched (scanners, typos): label proxied requests by their mount path (`req.baseUrl`) and the others with a fixed value (`'unmatched'`)";
  if (source.fallback === 'unmatched')
    return ", the fallback of the route template for requests no route matched (scanners, typos): give those a fixed value (`'unmatched'`)";
  return `: use the route template ${templateAccessor(source.source)}`;
}

function templateAccessor(source: string): string {
  if (source === 'includePath: true')
    return "`req.route.path`, through express-prom-bundle's `normalizePath` option (`normalizePath: (req) => req.route ? req.baseUrl + req.route.path : 'unmatched'`)";
  if (source === NESTJS_OTEL_SOURCE || source === `${NESTJS_OTEL_SOURCE}, ignoreUndefinedRoutes: false`)
    return "only, with nestjs-otel's `ignoreUndefinedRoutes: true` (a request no route matches is then not recorded)";
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
    harmsWhenRecorded: true,
    messages: {
      raw: '{{word}} `{{label}}` of `{{metric}}` takes {{source}} ({{what}}, unbounded){{fix}}',
      built:
        '{{word}} `{{label}}` of `{{metric}}` takes {{source}} ({{what}}, unbounded): use the route template, with the ids as `:params`',
      rawShared:
        '{{word}} `{{label}}` of `{{metric}}` and {{others}} more metric{{plural}} set here takes {{source}} ({{what}}, unbounded){{fix}}',
      builtShared:
        '{{word}} `{{label}}` of `{{metric}}` and {{others}} more metric{{plural}} set here takes {{source}} ({{what}}, unbounded): use the route template, with the ids as `:params`',
      rawElsewhere:
        '{{word}} `{{label}}` of `{{metric}}` and {{others}} more metric{{plural}} takes {{source}} ({{what}}, unbounded){{fix}}',
      builtElsewhere:
        '{{word}} `{{label}}` of `{{metric}}` and {{others}} more metric{{plural}} takes {{source}} ({{what}}, unbounded): use the route template, with the ids as `:params`',
      literal:
        '{{word}} `{{label}}` of `{{metric}}` takes the literal path `{{value}}`: use the template `{{template}}`',
    },
  },
  defaultOptions: {},
  check(ctx) {
    // One cause, one finding: a raw path that several metrics take at one place (a middleware that
    // records a counter and a histogram from one labels object), or from one variable that reads it
    // once (`path = req.originalUrl`, then three metrics recorded with `route: path`), is one place
    // to fix; the other places it is recorded at are related.
    // Two raw reads on one line (`req.originalUrl ?? req.url`) are one value, and one finding.
    const shared = new Map<string, { sources: UnboundedSource[]; places: Place[] }>();
    for (const use of ctx.catalog.labelUses) {
      const metric = ctx.metric(use.metricId);
      const b = use.bound;
      // Bounded in the budget file, or dropped by an OpenTelemetry View before aggregation.
      if (budgetedLabel(ctx.config, metric.name, use.label) || isDropped(ctx.estimate(metric.id), use.label)) continue;
      if (b.kind === 'unbounded') {
        for (const source of unboundedSources(b)) {
          if (source.category !== 'raw-url' && source.category !== 'literal-path') continue;
          const loc = hazardLocation(use, source.flow);
          const entry = source.flow[0]?.loc.file === loc.file ? source.flow[0].loc : loc;
          const key = [entry.file, entry.line, use.label, source.category].join('\u0000');
          const place = { loc, label: use.label, metric: metric.name, word: labelWord(metric) };
          const seen = shared.get(key);
          if (!seen) shared.set(key, { sources: [source], places: [place] });
          else {
            const sameLine = (p: Place): boolean => p.loc.file === loc.file && p.loc.line === loc.line;
            if (!seen.places.some((p) => sameLine(p) && p.metric === place.metric)) seen.places.push(place);
            if (!seen.sources.some((s) => s.source === source.source)) seen.sources.push(source);
          }
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
    // Raw reads that enter at different lines but reach the same labels at the same places
    // (`routePath || req.path` on one line, `|| req.originalUrl` on the next, both returned by
    // one helper) are one value to fix: one finding, naming each read.
    const merged = new Map<string, { sources: UnboundedSource[]; places: Place[] }>();
    for (const group of shared.values()) {
      const key = [
        group.sources[0].category,
        ...group.places.map((p) => `${placeOf(p.loc)}\u0000${p.label}\u0000${p.metric}`).sort(),
      ].join('\u0001');
      const same = merged.get(key);
      if (!same) merged.set(key, { sources: [...group.sources], places: group.places });
      else
        for (const source of group.sources)
          if (!same.sources.some((s) => s.source === source.source)) same.sources.push(source);
    }
    for (const { sources, places } of merged.values()) {
      const [source] = sources;
      // The first place in the file speaks for the rest, whatever order the uses came in.
      const sorted = places.sort((x, y) => compareLocations(x.loc, y.loc));
      const [first] = sorted;
      const metrics = [...new Set(sorted.map((p) => p.metric))];
      const elsewhere = sorted.filter((p, i) => i > 0 && placeOf(p.loc) !== placeOf(first.loc));
      const related = [...new Map(elsewhere.map((p) => [placeOf(p.loc), p])).values()];
      const kind = source.category === 'raw-url' ? 'raw' : 'built';
      const others = metrics.length - 1;
      ctx.report({
        messageId: others === 0 ? kind : `${kind}${related.length > 0 ? 'Elsewhere' : 'Shared'}`,
        data: {
          word: first.word,
          label: first.label,
          metric: first.metric,
          source: sources.map((s) => `\`${s.source}\``).join(' or '),
          what: source.reason,
          fix: fixFor(source),
          others,
          plural: others === 1 ? '' : 's',
        },
        loc: first.loc,
        metric: first.metric,
        label: first.label,
        flow: source.flow,
        cause: source.source,
        ...(related.length > 0
          ? { related: related.map((p) => ({ loc: p.loc, message: `also \`${p.label}\` of \`${p.metric}\`` })) }
          : {}),
      });
    }
  },
});

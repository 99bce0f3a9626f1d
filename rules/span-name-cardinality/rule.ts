import {
  compareLocations,
  defineRule,
  hazardLocation,
  labelWord,
  placeOf,
  templatize,
  unboundedSources,
} from '../../src/engine/rule-api.js';
import type { FlowStep, Location, UnboundedCategory } from '../../src/types.js';

const WHAT = {
  startSpan: 'span name',
  startActiveSpan: 'span name',
  updateName: 'span name',
  setTag: 'resource name',
  getTracer: 'tracer name',
  getMeter: 'meter name',
} as const;

/** What Sentry parametrizes in a span it names after a request (see `SpanFact.sentryUrlName`). */
const SENTRY_PARAMETRIZED: ReadonlySet<UnboundedCategory | undefined> = new Set([
  'raw-url',
  'request-input',
  'literal-path',
]);

const REASON: Record<UnboundedCategory, string> = {
  'raw-url': 'the raw URL',
  'request-input': 'request input',
  id: 'an id',
  email: 'an email address',
  'user-name': "a user's name",
  credential: 'an API key or token',
  uuid: 'a generated id',
  timestamp: 'a timestamp',
  sequence: 'a sequence number',
  count: 'a running count',
  hash: 'a block or transaction hash',
  'error-message': 'an error message',
  serialized: 'serialized data',
  random: 'a random value',
  'literal-path': 'a path built from values',
};

/** Where the value became the name: the last step before it was passed on to the span's call, else the span. */
function namedAt(span: Location, flow: readonly FlowStep[]): Location {
  const passed = flow.findIndex((step) => step.call);
  return passed > 0 ? flow[passed - 1].loc : span;
}

/** Reasons once each, in order (`the raw URL` and `raw URL` are one). */
function distinctReasons(reasons: string[]): string[] {
  const seen = new Set<string>();
  return reasons.filter((r) => !seen.has(r.replace(/^the /, '')) && seen.add(r.replace(/^the /, '')));
}

/** A template literal's text without its backticks, so the message can quote it. */
function displayName(name: string): string {
  return name.startsWith('`') && name.endsWith('`') ? name.slice(1, -1) : name;
}

export default defineRule({
  id: 'span-name-cardinality',
  meta: {
    description:
      'A span, tracer, meter or metric name built from unbounded values (ids, raw URLs, request input): span names are grouped and indexed like metric labels, and each metric name is a metric of its own.',
    defaultSeverity: 'error',
    scope: 'file',
    messages: {
      span: '{{what}} `{{name}}` is built from `{{source}}` ({{reason}}, unbounded): use a fixed name (the operation or route template) and put the value in an attribute, `span.setAttribute(...)`',
      resource:
        '{{what}} `{{name}}` is built from `{{source}}` ({{reason}}, unbounded): Datadog groups spans by resource; use a fixed one (the operation or route template) and put the value in a tag of its own',
      instance:
        '{{what}} `{{name}}` is built from `{{source}}` ({{reason}}, unbounded): name it after the library or component, once; a new {{noun}} per value leaks memory and splits its telemetry',
      literal:
        '{{what}} `{{name}}` is the literal path `{{value}}`: use the template `{{template}}` and put the id in an attribute',
      metric:
        'metric name `{{name}}` is built from `{{source}}` ({{reason}}, unbounded): each value is a metric of its own; use a fixed name and record a bounded form of the value as a {{word}}, or drop it',
    },
  },
  defaultOptions: {},
  check(ctx) {
    // Spans named from one helper's value (three spans naming themselves after `getPath(request)`)
    // are one place to fix, where the value enters: one finding there, the spans as related locations.
    const entries = new Map<
      string,
      { report: Parameters<typeof ctx.report>[0]; spans: Location[]; sources: Map<string, string> }
    >();
    /**
     * The first name built at a place reports; the others are its related places. Sources that enter
     * at one place (`request.path` or `request.url`, by the request's kind), or on one line (one
     * fallback after the other), are one name to fix there.
     */
    const add = (
      key: string,
      source: { name: string; reason: string },
      named: Location,
      report: () => Parameters<typeof ctx.report>[0],
    ): void => {
      const entry = entries.get(key);
      if (entry) {
        entry.spans.push(named);
        if (!entry.sources.has(source.name)) entry.sources.set(source.name, source.reason);
      } else entries.set(key, { spans: [named], report: report(), sources: new Map([[source.name, source.reason]]) });
    };
    for (const span of ctx.catalog.spans) {
      const what = WHAT[span.call];
      const perInstance = span.call === 'getTracer' || span.call === 'getMeter';
      for (const source of unboundedSources(span.bound)) {
        if (span.sentryUrlName && SENTRY_PARAMETRIZED.has(source.category)) continue;
        const loc = hazardLocation(span, source.flow);
        // `req.route?.path || req.path || req.url`: the values of one line are one name to fix.
        const key = [span.call, loc.file, loc.line].join('\u0000');
        const reason = source.origin ? REASON[source.category] : source.reason;
        add(key, { name: source.origin ?? source.source, reason }, namedAt(span.loc, source.flow), () => ({
          messageId: perInstance ? 'instance' : span.call === 'setTag' ? 'resource' : 'span',
          data: {
            what,
            name: displayName(span.name),
            source: source.origin ?? source.source,
            reason,
            noun: span.call === 'getTracer' ? 'tracer' : 'meter',
          },
          loc,
          flow: source.flow,
          cause: `${span.call}:${source.source}`,
        }));
      }
      if (!span.sentryUrlName && (span.bound.kind === 'finite' || span.bound.kind === 'bounded')) {
        for (const value of span.bound.values) {
          const template = /^(GET |POST |PUT |PATCH |DELETE )?\//.test(value)
            ? templatize(value.replace(/^[A-Z]+ /, ''))
            : undefined;
          if (template)
            ctx.report({
              messageId: 'literal',
              data: { what, name: displayName(span.name), value, template },
              loc: span.loc,
              cause: value,
            });
        }
      }
    }
    // A metric name built from values (StatsD's `update.action.${action}.count`): one metric per value.
    for (const def of ctx.catalog.metrics) {
      if (!def.nameBound) continue;
      const named = def.nameLoc ?? def.via?.loc ?? def.loc;
      for (const source of unboundedSources(def.nameBound)) {
        // Through a helper (`metric.putMetric(\`SOURCE_${header}\`)` reaching the helper's own call):
        // where the value enters the caller's code, not the helper's line every caller shares.
        const loc = def.via && source.flow[0] ? source.flow[0].loc : hazardLocation({ loc: named }, source.flow);
        const key = ['metric', placeOf(loc)].join('\u0000');
        const reason = source.origin ? REASON[source.category] : source.reason;
        add(key, { name: source.origin ?? source.source, reason }, namedAt(named, source.flow), () => ({
          messageId: 'metric',
          data: {
            what: 'metric name',
            name: displayName(def.name),
            source: source.origin ?? source.source,
            reason,
            word: labelWord(def),
          },
          loc,
          flow: source.flow,
          cause: `metric:${source.source}`,
        }));
      }
    }
    for (const { report, spans, sources } of entries.values()) {
      const places = new Map(spans.map((loc) => [placeOf(loc), loc]));
      // Quoted by the message: `a` or `b`; each reason once (the raw URL, request input).
      const data =
        sources.size > 1
          ? {
              ...report.data,
              source: [...sources.keys()].join('` or `'),
              reason: distinctReasons([...sources.values()]).join(' or '),
            }
          : report.data;
      ctx.report(
        places.size > 1
          ? {
              ...report,
              data,
              related: [...places.values()]
                .sort(compareLocations)
                .map((loc) => ({ loc, message: `${report.data!.what} built here` })),
            }
          : { ...report, data },
      );
    }
  },
});

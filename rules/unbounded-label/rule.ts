import {
  DEFAULT_UNBOUNDED_NAMES,
  labelNameKey,
  defineRule,
  compareLocations,
  hazardLocation,
  isInfoMetric,
  placeOf,
  labelWord,
  type LabelWord,
  unboundedSources,
  union,
} from '../../src/engine/rule-api.js';
import { isDropped } from '../../src/estimate/explain.js';
import { budgetedLabel } from '../../src/estimate/budget.js';
import type { Location, MetricDef, UnboundedCategory, UnboundedSource } from '../../src/types.js';

const FIX: Partial<Record<UnboundedCategory, string>> = {
  id: 'drop the label and put the id on a span or log line, or use a bounded property (plan, tier, region) instead',
  email: 'drop the label: an email address is one series per user (and personal data); record it on a span or log line',
  'user-name':
    "drop the label: a user's name is one series per user (and personal data); record it on a span or log line",
  credential:
    'drop the label: a key or token is one series per client, and anyone who can read the metrics can read it; label with what the key stands for (a plan, a source type) instead',
  'request-input':
    'map it onto a fixed set of values (an allow-list with an "other" bucket) before labelling, or drop the label',
  uuid: 'drop the label: a generated id is a new series every time',
  timestamp: 'drop the label: time belongs in the sample, not in a label',
  sequence:
    'drop the label: a block height, nonce or sequence number takes a new value with every block or message; record it on a span or log line',
  count:
    'drop the label: a count or total takes a new value with every run; record it as the value of a histogram (or add it to a counter) instead',
  hash: 'drop the label: a block or transaction hash takes a new value with every block or transaction; record it on a span or log line',
  'error-message':
    "label with a bounded error class (map errors onto a union such as `'timeout' | 'refused' | 'other'`) and log the message",
  serialized: 'label with one bounded field instead of serialized data',
  random: 'drop the label: a random value is a new series every time',
};

/**
 * A tenant's id (`app_id`, `tenant_id`, `org.id`, a chat bot's `guild.id`): one series per tenant, a number a team knows and
 * that grows with its customers, not with traffic. Still unbounded to obslint, but often kept on
 * purpose: a warning that asks for the count (the budget file's `labels:`), or the label dropped.
 */
const TENANT = /^(?:tenant|org|organi[sz]ation|workspace|app|application|company|guild)(?:_?id|Id|ID)?$/;

function isTenantId(label: string, source: UnboundedSource): boolean {
  if (source.category !== 'id') return false;
  const names = source.source.split(/[.?!()[\]'"\s]+/).filter(Boolean);
  const [holder, last] = names.slice(-2);
  const owner = last !== undefined && /^(?:_?id)$/i.test(last) ? holder : (last ?? holder);
  // A one- or two-letter holder (`g.id` of a loop over the guilds) says nothing against the label's name.
  return TENANT.test(label) && owner !== undefined && (TENANT.test(owner) || owner.length <= 2);
}

/** More places than this where one label use's unbounded values enter: one finding at the label. */
const MAX_ENTRY_PLACES = 3;

interface Cause {
  loc: Location;
  /** Where the values enter, when there are too many places to report each. */
  entries?: Location[];
  label: string;
  metrics: MetricDef[];
  sources: UnboundedSource[];
}

/** The fix text in the metric library's words: OpenTelemetry records attributes, StatsD tags, CloudWatch dimensions. */
function inWords(fix: string, word: LabelWord): string {
  return word === 'label' ? fix : fix.replace(/\blabelling\b/g, `recording it`).replace(/\blabel\b/g, word);
}

export default defineRule({
  id: 'unbounded-label',
  meta: {
    description:
      'A label takes values with unbounded provenance (ids, emails, request input, timestamps, error messages), or its name promises such values.',
    defaultSeverity: 'error',
    scope: 'project',
    harmsWhenRecorded: true,
    messages: {
      value: '{{word}} `{{label}}` of `{{metric}}` takes `{{source}}` ({{what}}, unbounded){{more}}: {{fix}}',
      valueShared:
        '{{word}} `{{label}}` of `{{metric}}` and {{others}} more metric{{plural}} set here takes `{{source}}` ({{what}}, unbounded){{more}}: {{fix}}',
      valueElsewhere:
        '{{word}} `{{label}}` of `{{metric}}` and {{others}} more metric{{plural}} takes `{{source}}` ({{what}}, unbounded){{more}}: {{fix}}',
      name: '{{word}} name `{{label}}` of `{{metric}}` promises one series per {{what}}, and obslint cannot see its values bounded: use a bounded {{word}}, or bound it in obslint.yaml (`metrics.{{metric}}.labels.{{label}}`) if it really is',
      nameShared:
        '{{word}} name `{{label}}` of `{{metric}}` and {{others}} more metric{{plural}} in this file promises one series per {{what}}, and obslint cannot see its values bounded: use a bounded {{word}}, or bound it in obslint.yaml (`labels.{{label}}`) if it really is',
    },
  },
  defaultOptions: { names: DEFAULT_UNBOUNDED_NAMES },
  check(ctx) {
    // One cause, one finding: the sources that enter at one place, for every metric set there.
    const causes = new Map<string, Cause>();
    for (const use of ctx.catalog.labelUses) {
      const metric = ctx.metric(use.metricId);
      // Bounded in the budget file, or dropped by an OpenTelemetry View before aggregation.
      if (budgetedLabel(ctx.config, metric.name, use.label) || isDropped(ctx.estimate(metric.id), use.label)) continue;
      const sources = unboundedSources(use.bound).filter(
        (source) =>
          source.category !== 'raw-url' &&
          source.category !== 'literal-path' &&
          // `merge_block_details{terminalBlockHash, terminalBlockNumber}`: the one block an info metric describes.
          !((source.category === 'hash' || source.category === 'sequence') && isInfoMetric(metric)),
      );
      // A helper whose callers pass ids from many places (a job queue labelled by the studio each
      // of twenty callers names) is one design to change, at the label, with the callers related.
      const entries = new Map(sources.map((source) => hazardLocation(use, source.flow)).map((l) => [placeOf(l), l]));
      const collapsed = entries.size > MAX_ENTRY_PLACES;
      for (const source of sources) {
        const loc = collapsed ? use.loc : hazardLocation(use, source.flow);
        // Both branches of `e instanceof Error ? e.message : String(e)`: one line, one finding.
        const key = `${loc.file}:${loc.line}\u0000${use.label}`;
        const cause = causes.get(key);
        if (!cause)
          causes.set(key, {
            loc,
            label: use.label,
            metrics: [metric],
            sources: [source],
            ...(collapsed ? { entries: [...entries.values()].sort(compareLocations) } : {}),
          });
        else {
          if (!cause.metrics.some((m) => m.name === metric.name)) cause.metrics.push(metric);
          if (cause.sources.some((s) => s.source === source.source)) continue;
          if (loc.column < cause.loc.column) {
            cause.loc = loc;
            cause.sources.unshift(source);
          } else cause.sources.push(source);
        }
      }
    }
    // One value read the same way in one file (`event.orgId` in each of seven listeners, `team.id`
    // on six gauges) is one design to change: one finding at the first place, the others related.
    const byRead = new Map<string, Cause[]>();
    for (const cause of causes.values()) {
      const key = cause.entries
        ? `${placeOf(cause.loc)}\u0000${cause.label}`
        : [cause.loc.file, cause.label, cause.sources[0].source, ctx.unreachedIn(cause.loc) ?? ''].join('\u0000');
      const group = byRead.get(key);
      if (group) group.push(cause);
      else byRead.set(key, [cause]);
    }
    for (const group of byRead.values()) {
      const [{ loc, label, sources, entries }, ...elsewhere] = group.sort((a, b) => compareLocations(a.loc, b.loc));
      const metrics = [...new Map(group.flatMap((c) => c.metrics).map((m) => [m.name, m])).values()];
      const [metric, ...others] = metrics;
      const [source, ...moreSources] = sources;
      const tenant = moreSources.length === 0 && isTenantId(label, source);
      const related = entries
        ? entries.slice(0, 20).map((at) => ({ loc: at, message: 'an unbounded value enters here' }))
        : elsewhere.map((c) => ({
            loc: c.loc,
            message: `also \`${c.label}\` of ${c.metrics.map((m) => `\`${m.name}\``).join(', ')}`,
          }));
      ctx.report({
        messageId: others.length === 0 ? 'value' : elsewhere.length > 0 ? 'valueElsewhere' : 'valueShared',
        data: {
          word: labelWord(metric),
          label,
          metric: metric.name,
          others: others.length,
          plural: others.length === 1 ? '' : 's',
          source: source.source,
          what: tenant ? 'a tenant id' : source.reason,
          more:
            moreSources.length > 0
              ? `, and ${moreSources.length} more unbounded source${moreSources.length === 1 ? '' : 's'} (${moreSources
                  .slice(0, 3)
                  .map((s) => `\`${s.source}\``)
                  .join(', ')}${moreSources.length > 3 ? ', …' : ''})`
              : '',
          fix: inWords(
            tenant
              ? `if the tenants are few and their number known, set it in obslint.yaml (\`labels.${label}: <tenants>\`) so the estimate counts one series per tenant; otherwise drop the label`
              : (FIX[source.category] ?? 'drop the label or map it onto a bounded set'),
            labelWord(metric),
          ),
        },
        loc,
        metric: metric.name,
        label,
        flow: source.flow,
        cause: source.source,
        ...(tenant ? { downgrade: true } : {}),
        ...(related.length > 0 ? { related } : {}),
      });
    }
    const names = new Set(ctx.options.names.map(labelNameKey));
    // One label name in one file (a class of gauges each labelled `url`) is one finding.
    const named = new Map<string, { metric: MetricDef; label: string; loc: Location }[]>();
    for (const metric of ctx.catalog.metrics) {
      for (const label of metric.labelNames) {
        if (
          !names.has(labelNameKey(label)) ||
          budgetedLabel(ctx.config, metric.name, label) ||
          isDropped(ctx.estimate(metric.id), label)
        )
          continue;
        // A metric nothing uses has no values at all: unknown-label-bound reports it as unused.
        if (ctx.usesOf(metric.id).length === 0 && ctx.callsOf(metric.id).length === 0) continue;
        // Label names read off the uses of a definition obslint cannot read (a helper's `path`, which
        // its project may use for anything): no name of a declared label to judge.
        if (metric.library === 'prom-client' && !metric.labelNamesKnown) continue;
        const bound = union(
          ctx
            .usesOf(metric.id)
            .filter((u) => u.label === label)
            .map((u) => u.bound),
        );
        // A list the deployment configures (node URLs, networks) is no traffic's choice, whatever its name.
        if (bound && (bound.kind !== 'unknown' || bound.setting)) continue;
        // Every call leaves it empty: one value, whatever its name promises.
        if (ctx.estimate(metric.id).byLabel.find((l) => l.label === label)?.kind === 'never-set') continue;
        // On the `labelNames` entry, the line that added the label.
        const loc = metric.labelLocs?.[label] ?? metric.loc;
        const key = `${loc.file}\u0000${label}`;
        const group = named.get(key);
        if (group) group.push({ metric, label, loc });
        else named.set(key, [{ metric, label, loc }]);
      }
    }
    // A metric recorded only in code nothing calls speaks for the group only when all are (then a note).
    const recordsLive = (metric: MetricDef): boolean =>
      [...ctx.usesOf(metric.id), ...ctx.callsOf(metric.id)].some((r) => ctx.unreachedIn(r.loc) === undefined);
    for (const group of named.values()) {
      const [first, ...rest] = [...group].sort(
        (a, b) => Number(recordsLive(b.metric)) - Number(recordsLive(a.metric)) || compareLocations(a.loc, b.loc),
      );
      const data = {
        word: labelWord(first.metric),
        label: first.label,
        metric: first.metric.name,
        // `user_id`, `user.id` and `userId` each promise one series per user id.
        what: first.label
          .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
          .replace(/[_.-]/g, ' ')
          .toLowerCase(),
      };
      ctx.report({
        messageId: rest.length > 0 ? 'nameShared' : 'name',
        data: rest.length > 0 ? { ...data, others: rest.length, plural: rest.length === 1 ? '' : 's' } : data,
        loc: first.loc,
        metric: first.metric.name,
        label: first.label,
        ...(rest.length > 0
          ? { related: rest.map((r) => ({ loc: r.loc, message: `\`${r.label}\` of \`${r.metric.name}\`` })) }
          : {}),
      });
    }
  },
});

import { compareLocations, defineRule, groupBy, placeOf, type Report } from '../../src/engine/rule-api.js';
import type { Location, MetricKind } from '../../src/types.js';

/** promlint's unit table: each unit word and the base unit to use (a base unit maps to itself). */
const UNITS = new Map<string, string>([
  // Base units; celsius is allowed because it is what most temperature metrics use.
  ...['amperes', 'bytes', 'celsius', 'grams', 'joules', 'kelvin', 'meters', 'metres', 'seconds', 'volts'].map(
    (u): [string, string] => [u, u],
  ),
  ...['minutes', 'hours', 'days', 'weeks'].map((u): [string, string] => [u, 'seconds']),
  ['kelvins', 'kelvin'],
  ['fahrenheit', 'celsius'],
  ['rankine', 'celsius'],
  ...['inches', 'yards', 'miles'].map((u): [string, string] => [u, 'meters']),
  ['bits', 'bytes'],
  ['calories', 'joules'],
  ['pounds', 'grams'],
  ['ounces', 'grams'],
  // Not promlint's: Prometheus' naming guidance prefers ratios (0 to 1) to percentages.
  ['percent', 'ratio'],
  ['percentage', 'ratio'],
]);
/** SI and binary prefixes a unit word may carry (promlint's, plus `mebi` beside its `mibi`). */
const UNIT_PREFIXES = [
  'pico',
  'nano',
  'micro',
  'milli',
  'centi',
  'deci',
  'deca',
  'hecto',
  'kilo',
  'kibi',
  'mega',
  'mebi',
  'mibi',
  'giga',
  'gibi',
  'tera',
  'tebi',
  'peta',
  'pebi',
];

/** The first unit word of a name, as promlint reads it (`x_kilometers_total` → kilometers, base meters). */
function unitOf(name: string): { unit: string; base: string } | undefined {
  for (const word of name.toLowerCase().split('_')) {
    const base = UNITS.get(word);
    if (base) return { unit: word, base };
    for (const prefix of UNIT_PREFIXES) {
      const prefixed = word.startsWith(prefix) ? UNITS.get(word.slice(prefix.length)) : undefined;
      if (prefixed) return { unit: word, base: prefixed };
    }
  }
  return undefined;
}

/** promlint's abbreviated units (matched case-insensitively), and the `millis` family besides. */
const ABBREVIATED_UNITS = /_(ms|us|ns|sec|secs|s|kb|mb|gb|tb|pb|b|m|h|d|millis|micros|nanos)(_|$)/i;
const TYPE_WORDS = /(^|_)(counter|gauge|histogram|summary)(_|$)/;

/** The type a metric of this kind is exposed as (an OpenTelemetry up-down counter is a Prometheus gauge). */
function exposedType(kind: MetricKind): string {
  return kind === 'updowncounter' ? 'gauge' : kind;
}
// Names and labels prom-client rejects are metric-registration's (an error): here, valid ones only.
const VALID_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const VALID_LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Unit words and their UCUM code for OpenTelemetry's `unit` option. */
const OTEL_UNITS: Record<string, string> = {
  seconds: 's',
  second: 's',
  secs: 's',
  sec: 's',
  milliseconds: 'ms',
  millis: 'ms',
  ms: 'ms',
  microseconds: 'us',
  nanoseconds: 'ns',
  ns: 'ns',
  bytes: 'By',
  kilobytes: 'kBy',
  megabytes: 'MBy',
  percent: '%',
  ratio: '1',
};

/** OpenTelemetry's naming rules and semantic-convention guidance, instead of promlint's. */
function checkOpenTelemetryName(
  name: string,
  kind: MetricKind,
  report: (
    id: 'otelInvalid' | 'otelCase' | 'otelTotal' | 'otelUnitInName',
    data?: Record<string, string>,
    styleOnly?: boolean,
  ) => void,
  prometheusExport: boolean,
): void {
  if (!/^[A-Za-z][A-Za-z0-9_.\-/]{0,254}$/.test(name)) report('otelInvalid');
  // Semantic conventions: words inside a dot-delimited component are separated by underscores.
  else if (/[A-Z]/.test(name)) report('otelCase', { suggestion: snake(name) });
  if (prometheusExport) return;
  const total = /([._])total$/.exec(name);
  // Exporters add `_total` to counters only: a gauge's `heap_total` (the total heap) is a slip of no
  // one's, but it still shares the suffix with the house style of a project whose counters all have it.
  if (total)
    report(
      'otelTotal',
      {
        suffix: `${total[1]}total`,
        suggestion: name.slice(0, total.index),
      },
      kind !== 'counter',
    );
  const unit =
    /[._](seconds|second|secs|sec|milliseconds|millis|ms|microseconds|nanoseconds|ns|bytes|kilobytes|megabytes|percent|ratio)$/.exec(
      name,
    );
  // `transfer.bytes_per_second`: a rate, whose unit (`By/s`) the name spells; cutting `second` would garble it.
  if (unit && !/[._]per$/.test(name.slice(0, unit.index)))
    report('otelUnitInName', { unit: unit[1], ucum: OTEL_UNITS[unit[1]], suggestion: name.slice(0, unit.index) });
}

function snake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

const MESSAGES = {
  camelCase: '`{{metric}}` should be snake_case, not camelCase: `{{suggestion}}`',
  counterTotal: 'counter `{{metric}}` should end in `_total`: `{{suggestion}}`',
  nonCounterTotal: '{{kind}} `{{metric}}` should not end in `_total`: that suffix means a counter',
  reservedSuffix:
    '{{kind}} `{{metric}}` should not end in `{{suffix}}`: histograms and summaries expose series with that suffix',
  nonBaseUnit:
    '`{{metric}}` uses `{{unit}}`: use the base unit ({{base}}) and scale the value, so every dashboard agrees',
  abbreviatedUnit: '`{{metric}}` abbreviates its unit (`{{unit}}`): spell it out in the base unit (`seconds`, `bytes`)',
  typeInName: '`{{metric}}` should not include its type (`{{type}}`): the type is metadata, not part of the name',
  colon: '`{{metric}}` contains a colon: colons are reserved for recording rules',
  invalidLabel:
    'label `{{label}}` of `{{metric}}` starts with `__`: such names are reserved for Prometheus itself (prom-client accepts them, but relabelling and queries may treat them as internal)',
  labelCase: 'label `{{label}}` of `{{metric}}` is not snake_case: use `{{suggestion}}` (Prometheus naming convention)',
  otelInvalid:
    'instrument name `{{metric}}` is not valid OpenTelemetry (allowed: a letter, then letters, digits, `_`, `.`, `-`, `/`; at most 255): the SDK warns, and exporters and backends may reject or rewrite it',
  otelCase: 'instrument name `{{metric}}` should be lowercase, with dotted namespaces: `{{suggestion}}`',
  otelTotal:
    'instrument name `{{metric}}` should not end in `{{suffix}}`: exporters add `_total` to counters themselves; name it `{{suggestion}}`',
  otelUnitInName:
    "instrument name `{{metric}}` carries its unit (`{{unit}}`): name it `{{suggestion}}`, with `unit: '{{ucum}}'`",
  confusingLabel:
    'label `{{label}}` of {{kind}} `{{metric}}` is the name Prometheus gives {{owner}} buckets or quantiles: queries and aggregations will confuse them',
  sharedLabelStyle:
    "label `{{label}}` is not snake_case, and `{{metric}}` and {{more}} more metrics {{style}}: the project's house vocabulary{{how}}",
  houseStyle: "`{{metric}}` and {{more}} more metrics {{style}}: the project's house style{{how}}",
  counterSlips:
    "counter `{{metric}}` and {{more}} more lack the `_total` suffix that {{following}} of the project's counters have: slips from its own convention, one finding for all (`{{suggestion}}`, …)",
  labelHouseStyle:
    "{{labels}} of {{metrics}} metrics: camelCase is the project's label vocabulary (most of its multi-word labels use it; Prometheus convention: snake_case){{how}}",
};

export default defineRule({
  id: 'metric-naming',
  meta: {
    description:
      "Metric naming: Prometheus conventions (promlint's checks) for prom-client, OpenTelemetry's for OTel instruments: snake_case, `_total` on counters only, base units spelled out, no type in the name, no colons, no reserved suffixes, no `__` labels or bucket and quantile label names where they confuse. Names prom-client rejects are metric-registration's.",
    defaultSeverity: 'warn',
    scope: 'file',
    messages: MESSAGES,
    // Not names that break something: `__` labels, invalid OTel names, bucket and quantile label names.
    conventions: [
      'camelCase',
      'counterTotal',
      'nonCounterTotal',
      'reservedSuffix',
      'nonBaseUnit',
      'abbreviatedUnit',
      'typeInName',
      'colon',
      'labelCase',
      'otelCase',
      'otelTotal',
      'otelUnitInName',
      'counterSlips',
    ],
  },
  defaultOptions: { houseStyle: 'note' },
  check(ctx) {
    // opentelemetry-js's Prometheus exporter adds no unit suffix: there `_seconds` in the name is
    // what keeps the exported name conventional, and `_total` is kept as it is.
    const prometheusExport = ctx.catalog.exporters.includes('prometheus');
    const reports: NamingReport[] = [];
    for (const def of ctx.catalog.metrics) {
      const name = def.name;
      const report = (messageId: MessageId, data: Record<string, string> = {}, styleOnly = false): void => {
        reports.push({
          ...(styleOnly ? { styleOnly: true as const } : {}),
          messageId,
          data: { metric: name, kind: def.kind, ...data },
          // On the line a pull request changes: the name, or the label's entry.
          loc: data.label ? (def.labelLocs?.[data.label] ?? def.loc) : (def.nameLoc ?? def.loc),
          metric: name,
          cause: messageId + (data.label ?? ''),
        });
      };
      // StatsD and CloudWatch names are the backend's (dotted, free-form): Prometheus and OpenTelemetry rules do not apply.
      if (def.library === 'statsd' || def.library === 'cloudwatch') continue;
      if (def.library === 'opentelemetry') {
        if (!def.nameIsDynamic) checkOpenTelemetryName(name, def.kind, report, prometheusExport);
        continue;
      }
      if (!def.nameIsDynamic) {
        if (VALID_NAME.test(name) && /[a-z0-9][A-Z]/.test(name)) report('camelCase', { suggestion: snake(name) });
        if (name.includes(':')) report('colon');
        const reserved = ['_count', '_sum', '_bucket'].find((s) => name.endsWith(s));
        // A counter named `x_count` is one slip with one fix (`x_total`), so one finding.
        if (def.kind === 'counter' && !name.endsWith('_total'))
          report('counterTotal', { suggestion: `${snake(reserved ? name.slice(0, -reserved.length) : name)}_total` });
        if (def.kind !== 'counter' && name.endsWith('_total')) report('nonCounterTotal');
        if (
          reserved &&
          def.kind !== 'counter' &&
          def.kind !== 'histogram' &&
          !(def.kind === 'summary' && reserved !== '_bucket')
        )
          report('reservedSuffix', { suffix: reserved });
        // As promlint: the first unit word decides; a base unit there is fine.
        const unit = unitOf(name);
        if (unit && unit.unit !== unit.base) report('nonBaseUnit', unit);
        const abbreviation = ABBREVIATED_UNITS.exec(name)?.[1];
        if (abbreviation) report('abbreviatedUnit', { unit: abbreviation });
        // As promlint: the metric's own type (a gauge named `aggregation_summary_time` sums nothing up).
        const type = TYPE_WORDS.exec(snake(name))?.[2];
        if (type && type === exposedType(def.kind)) report('typeInName', { type });
      }
      for (const label of def.labelNames) {
        if (!VALID_LABEL.test(label)) continue;
        if (label.startsWith('__')) report('invalidLabel', { label });
        else if (/[a-z0-9][A-Z]/.test(label)) report('labelCase', { label, suggestion: snake(label) });
        if ((label === 'le' && def.kind === 'histogram') || (label === 'quantile' && def.kind === 'summary')) continue;
        if (label === 'le' || label === 'quantile')
          report('confusingLabel', { label, owner: label === 'le' ? 'histogram' : 'summary' });
      }
    }
    const multiWordLabels = new Set(
      ctx.catalog.metrics
        .filter((d) => d.library === 'prom-client')
        .flatMap((d) => d.labelNames)
        .filter((l) => VALID_LABEL.test(l) && !l.startsWith('__') && /[a-z0-9](_|[A-Z])[a-zA-Z0-9]/.test(l)),
    );
    const counters = ctx.catalog.metrics.filter(
      (d) => d.library === 'prom-client' && d.kind === 'counter' && !d.nameIsDynamic,
    );
    // By name: one `jobs_total` made by three factories is one counter following the convention.
    const conventional = {
      counterTotal: new Set(counters.filter((d) => d.name.endsWith('_total')).map((d) => d.name)).size,
    };
    const houseStyles = withHouseStyles(withLabelHouseStyle(reports, multiWordLabels.size), conventional);
    // A house style is the project's own convention, not a slip: a note on the run says it once, and
    // a new metric that follows it adds nothing (`houseStyle: report` makes it one finding instead).
    const asFinding = ctx.options.houseStyle === 'report';
    for (const r of houseStyles) {
      const grouped = HOUSE_STYLE_IDS.has(r.messageId);
      const what = r.messageId === 'houseStyle' ? 'metrics' : 'labels';
      const how = grouped
        ? asFinding
          ? `, reported once (renaming existing ${what} breaks their dashboards and alerts; name new ones by the convention)`
          : `, so not reported (renaming existing ${what} breaks their dashboards and alerts; new ones that follow it add nothing)`
        : undefined;
      ctx.report({
        ...r,
        ...(how ? { data: { ...r.data, how } } : {}),
        ...(grouped && !asFinding ? { note: true } : {}),
      });
    }
  },
});

type MessageId = keyof typeof MESSAGES;
/** `styleOnly`: counts towards a house style, reported only as part of one (a gauge's `heap_total`). */
type NamingReport = Report<MessageId> & { data: Record<string, string>; styleOnly?: true };

/** Checks a project may break on purpose, everywhere: its own naming style rather than a slip. */
const HOUSE_STYLES: Partial<Record<MessageId, { style: string }>> = {
  camelCase: {
    style: 'have camelCase names (Prometheus convention: snake_case)',
  },
  counterTotal: {
    style: 'are counters without the `_total` suffix',
  },
  abbreviatedUnit: {
    style: 'abbreviate their unit as `{unit}` (Prometheus convention: the base unit spelled out, `_seconds`, `_bytes`)',
  },
  nonBaseUnit: {
    style: 'are in `{unit}` (Prometheus convention: the base unit, {base}, with values scaled to it)',
  },
  nonCounterTotal: {
    style: 'are gauges or histograms ending in `_total` (Prometheus convention: that suffix means a counter)',
  },
  reservedSuffix: {
    style:
      'are gauges ending in `{suffix}` (Prometheus convention: histograms and summaries expose series with that suffix)',
  },
  typeInName: {
    style: 'include their type in the name (Prometheus convention: the type is metadata)',
  },
  otelCase: {
    style: 'have instrument names with upper-case letters (OpenTelemetry convention: lowercase)',
  },
  otelUnitInName: {
    style:
      'carry their unit, `{unit}`, in the instrument name (OpenTelemetry convention: the unit in the `unit` option, the name says what is measured)',
  },
  otelTotal: {
    style:
      'are instruments ending in `{suffix}` (OpenTelemetry convention: no suffix; a Prometheus exporter adds `_total`)',
  },
};
/** A label name the project gives many metrics is its vocabulary: `tenantId` everywhere is one finding. */
const SHARED_LABEL_STYLE = 'have it (Prometheus convention: snake_case)';
const HOUSE_STYLE_MIN = 3;
const HOUSE_STYLE_IDS = new Set<MessageId>(['houseStyle', 'sharedLabelStyle', 'labelHouseStyle']);

/**
 * A convention three or more of a project's metrics break the same way (the same unit, suffix or
 * type; or a label name shared by many) is its house style: renaming them all breaks every
 * dashboard and alert for a cosmetic gain, so it is one report (the others as related locations)
 * rather than one per metric that nobody would act on. Where more of the project's metrics follow
 * the convention than break it, or as many (three counters without `_total` beside three with it), the
 * breaks are slips, each reported.
 */
function withHouseStyles(
  reports: NamingReport[],
  conventional: Partial<Record<MessageId, number>>,
): Report<MessageId>[] {
  const out: Report<MessageId>[] = [];
  const groupable = (r: NamingReport): boolean =>
    HOUSE_STYLES[r.messageId] !== undefined || r.messageId === 'labelCase';
  out.push(...reports.filter((r) => !groupable(r)));
  // One convention: `_ms` everywhere is a house style, a different unit on each metric is not.
  const groups = groupBy(reports.filter(groupable), (r) =>
    [
      r.messageId,
      r.messageId === 'labelCase' ? r.data.label : '',
      r.data.unit?.toLowerCase() ?? '',
      r.data.suffix ?? '',
    ].join('\u0000'),
  );
  for (const group of groups.values()) {
    const { messageId, data } = group[0];
    const metrics = new Set(group.map((r) => r.metric));
    const shared = messageId === 'labelCase';
    if (metrics.size < HOUSE_STYLE_MIN) {
      out.push(...group.filter((r) => !r.styleOnly));
      continue;
    }
    const { first, related } = firstWithRelated(group, (r) => `\`${r.data.metric}\``);
    const following = conventional[messageId] ?? 0;
    // Counters without `_total` beside as many or more with it: slips, one finding naming them all.
    if (metrics.size <= following) {
      out.push({
        messageId: 'counterSlips',
        data: {
          metric: first.data.metric,
          more: String(metrics.size - 1),
          following: String(following),
          suggestion: first.data.suggestion ?? '',
        },
        loc: first.loc,
        metric: first.metric,
        cause: `slips-${messageId}`,
        related,
      });
      continue;
    }
    out.push({
      messageId: shared ? 'sharedLabelStyle' : 'houseStyle',
      data: {
        metric: first.data.metric,
        more: String(metrics.size - 1),
        label: data.label ?? '',
        style: shared
          ? SHARED_LABEL_STYLE
          : HOUSE_STYLES[messageId]!.style.replace('{unit}', data.unit ?? '')
              .replace('{base}', data.base ?? '')
              .replace('{suffix}', data.suffix ?? ''),
      },
      loc: first.loc,
      metric: first.metric,
      cause: `houseStyle-${messageId}${data.label ?? ''}${data.unit?.toLowerCase() ?? ''}${data.suffix ?? ''}`,
      related,
    });
  }
  return out;
}

/**
 * camelCase labels that are most of a project's multi-word label names (`statusCode`, `shardId`,
 * `isPartOfBatch`) are its vocabulary, not a slip: one finding for all of them.
 */
function withLabelHouseStyle(reports: NamingReport[], multiWordLabels: number): NamingReport[] {
  const camel = reports.filter((r) => r.messageId === 'labelCase');
  const names = new Set(camel.map((r) => r.data.label));
  const metrics = new Set(camel.map((r) => r.metric));
  if (camel.length < 2 || metrics.size < HOUSE_STYLE_MIN || names.size * 2 <= multiWordLabels) return reports;
  const { first, related } = firstWithRelated(camel, (r) => `\`${r.data.label}\` of \`${r.data.metric}\``);
  const grouped: NamingReport = {
    messageId: 'labelHouseStyle',
    data: {
      labels:
        names.size === 1
          ? `label \`${first.data.label}\``
          : `label \`${first.data.label}\` and ${names.size - 1} more camelCase label${names.size === 2 ? '' : 's'}`,
      metrics: String(metrics.size),
    },
    loc: first.loc,
    metric: first.metric,
    cause: 'houseStyle-labelCase',
    related,
  };
  return [...reports.filter((r) => r.messageId !== 'labelCase'), grouped];
}

/**
 * A group's first report, where the grouped finding stands, and up to 20 of the others as related
 * locations, one per place (a label declared once in a helper is one place).
 */
function firstWithRelated(
  group: NamingReport[],
  describe: (r: NamingReport) => string,
): { first: NamingReport; related: { loc: Location; message: string }[] } {
  const [first, ...rest] = [...group].sort((a, b) => compareLocations(a.loc, b.loc));
  const seen = new Set([placeOf(first.loc)]);
  const related = rest
    .filter((r) => !seen.has(placeOf(r.loc)) && Boolean(seen.add(placeOf(r.loc))))
    .slice(0, 20)
    .map((r) => ({ loc: r.loc, message: describe(r) }));
  return { first, related };
}

import { defineRule, placeOf } from '../../src/engine/rule-api.js';
import type { MetricDef, Observation } from '../../src/types.js';

function declaredUnit(def: MetricDef): 'seconds' | 'milliseconds' | undefined {
  // StatsD timings are milliseconds by convention, whatever their name; CloudWatch records each value with its unit.
  if (def.library === 'statsd' || def.library === 'cloudwatch') return undefined;
  // An instrument's `unit` says; without one, its name does, as for Prometheus (exported by a
  // Prometheus exporter, `http_request_duration_seconds` keeps its name).
  if (def.library === 'opentelemetry' && def.unit !== undefined)
    return def.unit === 's' ? 'seconds' : def.unit === 'ms' ? 'milliseconds' : undefined;
  // `response_size_bytes_seconds`: bytes per second, a rate in another unit, not a duration.
  if (/[_.](?:bytes|bits)[_.]seconds([_.]|$)/.test(def.name)) return undefined;
  if (/[_.]seconds([_.]|$)/.test(def.name)) return 'seconds';
  if (/[_.](milliseconds|ms)([_.]|$)/.test(def.name)) return 'milliseconds';
  return undefined;
}

/** How a metric says its unit, for messages: the instrument's `unit`, or its name. */
function saidBy(def: MetricDef): string {
  return def.unit !== undefined ? `unit \`${def.unit}\`` : 'by its name';
}

/**
 * Quantities that take seconds to hours (a CI pipeline run, a batch job, a user session): the
 * OpenTelemetry default boundaries (0 to 10,000) read in seconds fit them, up to 2 h 45 min.
 */
const LONG_RUNNING =
  /(^|[^a-z])(pipelines?|jobs?|builds?|deploy(s|ments?)?|sessions?|batch(es)?|workflows?|backups?|migrations?|cron|runs?|uptime|lifetime)([^a-z]|$)/i;

function longRunning(def: MetricDef): boolean {
  return LONG_RUNNING.test(def.name) || (def.help !== undefined && LONG_RUNNING.test(def.help));
}

/**
 * Millisecond ladders (5, 10, 25, 50, 100, 250, 500, 1000 …) rather than long-running seconds
 * (30, 60, 300, 3600): nothing below 1, and the round decimal steps only milliseconds use.
 */
function looksLikeMilliseconds(buckets: number[]): boolean {
  if (Math.min(...buckets) < 1 || Math.max(...buckets) < 1000) return false;
  const decimalSteps = buckets.filter((b) => [250, 500, 1000, 2500, 5000, 10000].includes(b)).length;
  const timeSteps = buckets.filter((b) => [60, 120, 300, 600, 900, 1800, 3600, 7200, 86400].includes(b)).length;
  if (timeSteps > 0) return decimalSteps >= 2 && decimalSteps > timeSteps;
  // A fine ladder from 1 upwards (`exponentialBuckets(1, 2, 12)`) resolves milliseconds, not hours.
  return decimalSteps >= 2 || buckets.length >= 8;
}

/**
 * The unit a prom-client histogram whose name says none is laid out for by its buckets: its default
 * buckets (0.005 to 10) are seconds; a millisecond ladder is milliseconds.
 */
function bucketUnit(def: MetricDef): 'seconds' | 'milliseconds' | undefined {
  if (def.library !== 'prom-client' || def.kind !== 'histogram') return undefined;
  if (def.bucketsReason === 'prom-client default buckets') return 'seconds';
  return def.bucketValues && def.bucketValues.length > 0 && looksLikeMilliseconds(def.bucketValues)
    ? 'milliseconds'
    : undefined;
}

/**
 * The metrics one call observes into (copies a factory made), named once each: the first by name is
 * reported, the others said in the message (`more`) and shown where they are defined (`related`).
 */
function oneCall(defs: readonly MetricDef[]): {
  def: MetricDef;
  more: string;
  related: { loc: MetricDef['loc']; message: string }[];
} {
  const [def, ...others] = [...new Map(defs.map((d) => [d.name, d])).values()].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  return {
    def,
    more: others.length === 0 ? '' : ` (and ${others.map((o) => `\`${o.name}\``).join(', ')})`,
    related: others.map((o) => ({ loc: o.loc, message: `\`${o.name}\` is defined here` })),
  };
}

/** Quantile levels people write for a summary's percentiles: p90, p95, p99, p99.9. */
const QUANTILE_LEVELS = [0.9, 0.95, 0.99, 0.999];

/**
 * `[0.5, 0.75, 0.95, 0.99, 1]` for a duration: quantile levels (the median, p95, p99), not
 * boundaries. Nothing above 1, and two of the levels percentiles are written with.
 */
function looksLikeQuantiles(buckets: number[]): boolean {
  return (
    buckets.length >= 3 &&
    buckets.every((b) => b > 0 && b <= 1) &&
    buckets.filter((b) => QUANTILE_LEVELS.includes(b)).length >= 2
  );
}

export default defineRule({
  id: 'histogram-unit-mismatch',
  meta: {
    description:
      'A histogram or summary named in one unit observes values in another (milliseconds into `_seconds`), or its buckets are in the wrong unit or are quantile levels (`[0.5, 0.95, 0.99]`).',
    defaultSeverity: 'warn',
    scope: 'project',
    harmsWhenRecorded: true,
    messages: {
      observed:
        '`{{metric}}`{{more}} is in {{declared}} but observes `{{expression}}` in {{actual}} ({{evidence}}): {{fix}}',
      recorded:
        '`{{metric}}`{{more}} is in {{declared}} ({{said}}) but records `{{expression}}` in {{actual}} ({{evidence}}): {{fix}}',
      otelDefaultBuckets:
        '`{{metric}}` is in seconds ({{said}}) but keeps the default boundaries (0 to 10,000, made for milliseconds): everything under 5 s lands in one bucket; set `advice.explicitBucketBoundaries` (e.g. [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10])',
      millisecondsIntoDefaultBuckets:
        "`{{metric}}`{{more}} keeps prom-client's default buckets (0.005 to 10, made for seconds) but observes `{{expression}}` in milliseconds ({{evidence}}): every observation over 10 ms lands in `+Inf`; divide by 1000 and name it `_seconds`, or give it millisecond buckets and name it `_milliseconds`",
      secondsIntoMillisecondBuckets:
        '`{{metric}}`{{more}} has buckets in milliseconds ({{buckets}}) but observes `{{expression}}` in seconds ({{evidence}}): every observation below {{first}} (seconds, here) lands in the first bucket; multiply by 1000 and name it `_milliseconds`, or give it buckets in seconds',
      buckets:
        '`{{metric}}` is in seconds but its buckets ({{buckets}}) look like milliseconds: every observation lands in the first buckets; divide the boundaries by 1000',
      quantileBuckets:
        "`{{metric}}`'s buckets ({{buckets}}) are quantile levels ({{levels}}), not boundaries in {{unit}}: a histogram counts the observations up to each boundary and the quantiles are computed from those counts, so every duration under {{first}} {{symbol}} lands in the first bucket and every one over {{last}} {{symbol}} in `+Inf`; use boundaries in {{unit}} ({{example}})",
    },
  },
  defaultOptions: {},
  check(ctx) {
    // One call observing into several metrics (copies a factory made) is one place to fix.
    const causes = new Map<string, { obs: Observation; defs: MetricDef[]; declared: string }>();
    const intoBuckets = new Map<string, { obs: Observation; defs: MetricDef[]; laidOut: 'seconds' | 'milliseconds' }>();
    for (const obs of ctx.catalog.observations) {
      const def = ctx.metric(obs.metricId);
      const declared = declaredUnit(def);
      const key = [placeOf(obs.loc), obs.expression, obs.unit, declared, def.library].join('\u0000');
      // A name with no unit: the buckets say what the histogram was laid out for. A unit read from a
      // variable's name (`ms`) is no proof against them.
      const laidOut = declared === undefined ? bucketUnit(def) : undefined;
      if (laidOut && (obs.unit === 'seconds' || obs.unit === 'milliseconds') && obs.unit !== laidOut) {
        if (/ is named in /.test(obs.evidence)) continue;
        const found = intoBuckets.get(key);
        if (found) found.defs.push(def);
        else intoBuckets.set(key, { obs, defs: [def], laidOut });
        continue;
      }
      if (!declared || obs.unit === 'unknown' || obs.unit === declared) continue;
      const cause = causes.get(key);
      if (cause) cause.defs.push(def);
      else causes.set(key, { obs, defs: [def], declared });
    }
    for (const { obs, defs, laidOut } of intoBuckets.values()) {
      const { def, more, related } = oneCall(defs);
      ctx.report({
        messageId: laidOut === 'seconds' ? 'millisecondsIntoDefaultBuckets' : 'secondsIntoMillisecondBuckets',
        data: {
          metric: def.name,
          more,
          expression: obs.expression,
          evidence: obs.evidence,
          buckets: (def.bucketValues ?? []).slice(0, 6).join(', ') + ((def.bucketValues?.length ?? 0) > 6 ? ', …' : ''),
          first: def.bucketValues?.[0] ?? '',
        },
        loc: obs.loc,
        metric: def.name,
        cause: obs.expression,
        related,
      });
    }
    for (const { obs, defs, declared } of causes.values()) {
      const { def, more, related } = oneCall(defs);
      const fix =
        declared === 'seconds'
          ? obs.unit === 'milliseconds'
            ? 'divide by 1000'
            : obs.unit === 'nanoseconds'
              ? 'divide by 1e9'
              : 'divide by 1e6'
          : obs.unit === 'seconds'
            ? def.library === 'opentelemetry'
              ? "set `unit: 's'` or multiply by 1000"
              : 'rename the metric to `_seconds` (prom-client timers measure seconds) or multiply by 1000'
            : 'convert to milliseconds';
      ctx.report({
        messageId: def.library === 'opentelemetry' ? 'recorded' : 'observed',
        data: {
          metric: def.name,
          more,
          declared,
          said: saidBy(def),
          actual: obs.unit,
          expression: obs.expression,
          evidence: obs.evidence,
          fix,
        },
        loc: obs.loc,
        metric: def.name,
        cause: obs.expression,
        related,
      });
    }
    for (const def of ctx.catalog.metrics) {
      const unit = declaredUnit(def);
      if (def.kind === 'histogram' && unit && def.bucketValues && looksLikeQuantiles(def.bucketValues)) {
        ctx.report({
          messageId: 'quantileBuckets',
          data: {
            metric: def.name,
            buckets: def.bucketValues.join(', '),
            unit,
            symbol: unit === 'seconds' ? 's' : 'ms',
            levels: def.bucketValues
              .filter((b) => b < 1)
              .map((b) => (b === 0.5 ? 'the median' : `p${Number((b * 100).toFixed(1))}`))
              .join(', '),
            first: def.bucketValues[0],
            last: def.bucketValues[def.bucketValues.length - 1],
            example:
              unit === 'seconds'
                ? 'e.g. [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]'
                : 'e.g. [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000]',
          },
          loc: def.loc,
          metric: def.name,
        });
        continue;
      }
      if (def.kind !== 'histogram' || unit !== 'seconds' || !def.bucketValues || def.bucketValues.length === 0)
        continue;
      if (def.bucketsReason === 'OpenTelemetry default boundaries' && !ctx.estimate(def.id).rebucketedBy) {
        // 0 to 10,000 s resolves runs of seconds to hours well: no claim for them.
        if (longRunning(def)) continue;
        ctx.report({
          messageId: 'otelDefaultBuckets',
          data: { metric: def.name, said: saidBy(def) },
          loc: def.loc,
          metric: def.name,
        });
        continue;
      }
      // Every value observed is known to be seconds (`searchMillis / 1000`, a prom-client timer): buckets
      // from 1 s upwards are meant for waits of minutes and hours, whatever they look like.
      // A name (`seconds`) is no proof: the value may still be milliseconds, as the buckets suggest.
      const observed = ctx.catalog.observations.filter((o) => o.metricId === def.id);
      if (observed.length > 0 && observed.every((o) => o.unit === 'seconds' && !/ is named in /.test(o.evidence)))
        continue;
      if (looksLikeMilliseconds(def.bucketValues)) {
        ctx.report({
          messageId: 'buckets',
          data: {
            metric: def.name,
            buckets: def.bucketValues.slice(0, 6).join(', ') + (def.bucketValues.length > 6 ? ', …' : ''),
          },
          loc: def.loc,
          metric: def.name,
        });
      }
    }
  },
});

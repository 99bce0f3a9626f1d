import { describe, expect, it } from 'vitest';
import type { LabelUse, RunResult } from '../src/types.js';
import { scanSource } from '../src/extract/prefilter.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from './helpers/cli.js';

const GATEWAY = 'fixtures/projects/api-client-metrics';

describe('candidate selection', () => {
  it('reads the files metric code imports for label values and callers, and parses nothing further', async () => {
    const { stdout, stderr } = await runCli([GATEWAY, '--format', 'json', '--timing', '--no-cache']);
    const report = JSON.parse(stdout) as RunResult;
    const bound = (label: string): LabelUse['bound'] | undefined =>
      report.catalog.labelUses.find((u) => u.label === label)?.bound;
    // An enum three imports away from the metric code (operations → catalog/index → catalog/operation).
    expect(bound('operation')).toMatchObject({
      kind: 'finite',
      values: ['cancel_order', 'create_order', 'refund_payment'],
    });
    // The metric and the service names reach the client through calls in a file only imported by metric code.
    expect(bound('service')).toMatchObject({ kind: 'finite', values: ['orders', 'payments'] });
    // Not parsed: catalog/retry-policy.ts (four imports away), scripts/seed-catalog.ts (imported by
    // nothing) and limits.ts (imports nothing of the project, and no import into it is followed).
    expect(report.stats).toMatchObject({ filesDiscovered: 11, filesParsed: 8 });
    expect(stderr).toContain('  admitted: imported by metric code (3 levels), read for declarations and callers: 6\n');
    // catalog/operation.ts and limits.ts wait for an import to lead there; only the enum's does.
    expect(stderr).toContain('  deferred: declarations only, parsed where an import leads: 2\n');
    expect(stderr).toContain('  deferred, then parsed: 1\n');
  });
});

describe('a file that only starts Sentry', () => {
  it('is read in a package on Sentry 7, whose options decide its tracing, and not on Sentry 8 or later', async () => {
    const parsedWith = async (sentry: string): Promise<number | undefined> => {
      const dir = tempDir();
      mkdirSync(join(dir, 'src'));
      writeFileSync(
        join(dir, 'package.json'),
        JSON.stringify({ name: 'web', dependencies: { '@sentry/nextjs': sentry } }),
      );
      writeFileSync(
        join(dir, 'src', 'instrument.ts'),
        "import * as Sentry from '@sentry/nextjs';\nSentry.init({ tracesSampleRate: 1 });\n",
      );
      writeFileSync(join(dir, 'src', 'format.ts'), 'export const upper = (s: string): string => s.toUpperCase();\n');
      const { stdout } = await runCli([dir, '--format', 'json', '--no-cache']);
      return (JSON.parse(stdout) as RunResult).stats?.filesParsed;
    };
    expect(await parsedWith('^7.119.0')).toBe(1);
    expect(await parsedWith('^9.20.0')).toBe(0);
  });
});

describe('the scan of a file', () => {
  it('takes metric code by what it calls and imports, not by the word "metric"', () => {
    const words = (text: string) => scanSource(text).words;
    // Prose, configuration types and a web-vitals callback mention metrics and record none.
    expect(words('// Metrics are scraped by the sidecar.\nexport const port = 9464;\n')).toBeUndefined();
    expect(words('export interface MetricsOptions {\n  enabled: boolean;\n}\n')).toBeUndefined();
    expect(words('onLCP((metric) => {\n  report(metric.name, metric.entries.length);\n});\n')).toBeUndefined();
    // Recording through a metrics object the file does not import: a gauge's set, an OTel add, StatsD.
    expect(words('export function track(metrics, n) {\n  metrics.active.set(n);\n}\n')).toBe('metric');
    expect(words('this.metrics?.jobs.add(1, { queue });\n')).toBe('metric');
    expect(words('fastify.otel.downloadSeconds.record(seconds);\n')).toBe('metric');
    expect(words("ctx.metrics.increment('relay.received');\n")).toBe('metric');
    expect(words("const started = meter.createCounter('journeys.started');\n")).toBe('metric');
    expect(words('const meter = getMeter();\n')).toBe('metric');
    expect(words("import { Counter } from 'prom-client';\n")).toBe('metric');
    // A helper package obslint cannot read: its factory calls are stubs for `obslint init`.
    expect(
      words("import { createTimer } from '@acme/metrics';\nexport const sync = createTimer('ledger_sync_seconds');\n"),
    ).toBe('metric');
    expect(words("const { count } = require('@acme/metrics-client');\n")).toBe('metric');
    expect(words("import { formatMetric } from './format';\n")).toBeUndefined();
    expect(words('requests.labels(route).inc();\n')).toBe('metric');
  });

  it("takes a file loading the company's own monitoring package for its tracing set-up, not one loading a module or a known SDK", () => {
    const words = (text: string) => scanSource(text).words;
    expect(words("await import('@civic/o11y-sdk-node').then((sdk) => sdk.instrumentNode({}));\n")).toBe('trace');
    expect(words("import { initLogger } from '@acme-labs/acme-sentry';\ninitLogger(app);\n")).toBe('trace');
    expect(words("import { spanName } from './tracing';\nexport const name = spanName('a');\n")).toBeUndefined();
    expect(
      words("import { getCurrentScope } from '@sentry/core';\nexport const scope = getCurrentScope();\n"),
    ).toBeUndefined();
    // A vendor's internal packages, a framework's tracing module, a subpath import: none is one.
    expect(words("import { createRunner } from '@sentry-internal/test-utils';\ncreateRunner();\n")).toBeUndefined();
    expect(words("import { traced } from 'h3/tracing';\nexport default traced;\n")).toBeUndefined();
    expect(words("import config from '#sentry/storage-config.mjs';\nexport default config;\n")).toBeUndefined();
  });

  it('tells the modules a file imports for types only from those whose code it loads', () => {
    const scan = scanSource(
      [
        "import type { OrdersRouter } from '@shop/orders';",
        "import type { Invoice } from './invoice';",
        "import { render } from './invoice';",
        "export type { Receipt } from './receipt';",
        "import { createTRPCProxyClient } from '@trpc/client';",
        '',
      ].join('\n'),
    );
    expect(scan.specifiers).toEqual(['@shop/orders', './invoice', './invoice', './receipt', '@trpc/client']);
    expect(scan.typeOnly).toEqual(['@shop/orders', './receipt']);
    expect(scanSource("import { a } from 'x';\n").typeOnly).toEqual([]);
  });

  it('counts an OpenTelemetry API import as a metrics library only where its metrics API is used', () => {
    expect(scanSource("const { trace } = require('@opentelemetry/api');\n").importsMetricsLibrary).toBe(false);
    expect(
      scanSource("import { metrics } from '@opentelemetry/api';\nconst meter = metrics.getMeter('relay');\n")
        .importsMetricsLibrary,
    ).toBe(true);
    expect(scanSource("import type { Meter } from '@opentelemetry/api';\n").importsMetricsLibrary).toBe(true);
    expect(scanSource("import StatsD from 'hot-shots';\n").importsMetricsLibrary).toBe(true);
  });

  it('tells an ES module whose declarations only its importers see, whose parsing can wait', () => {
    expect(scanSource('export const MAX_BODY_BYTES = 1_000_000;\n').moduleScoped).toBe(true);
    expect(
      scanSource("import type { Region } from './regions';\nexport type Zone = `${Region}-a`;\n").moduleScoped,
    ).toBe(true);
    // Declarations every file sees: the checker needs them before any import leads there.
    expect(scanSource('export {};\ndeclare global {\n  interface Window { build: string }\n}\n').moduleScoped).toBe(
      false,
    );
    expect(
      scanSource("import 'fastify';\ndeclare module 'fastify' {\n  interface FastifyReply { rpcStatus: string }\n}\n")
        .moduleScoped,
    ).toBe(false);
    expect(scanSource('export as namespace Billing;\nexport const CURRENCY = "EUR";\n').moduleScoped).toBe(false);
    // Scripts and CommonJS modules are not ES modules; a dynamic import() does not make one.
    expect(scanSource('const LIMIT = 5;\nmodule.exports = { LIMIT };\n').moduleScoped).toBe(false);
    expect(scanSource("import('./plugins').then((p) => p.load());\n").moduleScoped).toBe(false);
    expect(scanSource("importScripts('worker-helpers.js');\n").moduleScoped).toBe(false);
    expect(scanSource('const imports = [];\nimports.push(1);\n').moduleScoped).toBe(false);
    // A module that writes what the analysis reads from its indexes is parsed up front.
    expect(scanSource("export const REGIONS = ['eu'];\nREGIONS.push(process.env.EXTRA_REGION);\n").moduleScoped).toBe(
      false,
    );
    expect(scanSource("import { config } from 'app-config';\nconfig.region = 'eu';\nexport {};\n").moduleScoped).toBe(
      false,
    );
    expect(scanSource("export const isEu = (region: string) => region === 'eu';\n").moduleScoped).toBe(true);
  });
});

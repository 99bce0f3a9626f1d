import { describe, expect, it } from 'vitest';
import { analyze } from '../src/api.js';
import { tempProject } from './helpers/cli.js';

async function run(code: string) {
  const dir = tempProject({ 'src/auth.ts': `import { Counter } from 'prom-client';\n${code}\n` });
  const result = await analyze({ cwd: dir, paths: ['.'] });
  return {
    findings: result.findings.map((f) => `${f.loc.line} ${f.ruleId}: ${f.message.split(':')[0]}`),
    estimates: Object.fromEntries(result.estimates.map((e) => [e.metric, e.series])),
  };
}

describe('labels objects that are not literals at the call', () => {
  it('a labels parameter is what its callers pass', async () => {
    const { findings, estimates } = await run(
      [
        "const logins = new Counter({ name: 'logins_total', help: 'Logins', labelNames: ['tenant'] });",
        'function record(labels: { tenant: string }) { logins.inc(labels); }',
        'export function onLogin(req: { body: { tenant: string } }) { record({ tenant: req.body.tenant }); }',
      ].join('\n'),
    );
    expect(findings).toEqual([
      '4 unbounded-label: label `tenant` of `logins_total` takes `req.body.tenant` (request input, unbounded)',
    ]);
    expect(estimates).toEqual({ logins_total: 'unbounded' });
  });

  it('a typed options object passed to .labels() is a labels object, not one positional value', async () => {
    const { findings, estimates } = await run(
      [
        "const lookups = new Counter({ name: 'cache_lookups_total', help: 'Lookups', labelNames: ['cache', 'result'] });",
        "export function hit(opts: { cache: 'session' | 'catalog'; result: 'hit' | 'miss' }) { lookups.labels(opts).inc(); }",
      ].join('\n'),
    );
    expect(findings).toEqual([]);
    expect(estimates).toEqual({ cache_lookups_total: 4 });
  });

  it('attributes a helper builds under computed keys are unknown names, not none', async () => {
    const dir = tempProject({
      'src/auth.ts': [
        "import { metrics } from '@opentelemetry/api';",
        "const logins = metrics.getMeter('auth').createCounter('auth.logins');",
        'function attributesOf(fields: Record<string, string>) {',
        '  const out: Record<string, string> = {};',
        '  for (const [key, value] of Object.entries(fields)) out[key.toLowerCase()] = value;',
        '  return out;',
        '}',
        'function namedAttributes(method: string) {',
        '  const out: Record<string, string> = {};',
        '  out.method = method;',
        '  return out;',
        '}',
        "export function onLogin(method: 'password' | 'sso', fields: Record<string, string>) {",
        '  logins.add(1, attributesOf({ method }));',
        '  logins.add(1, namedAttributes(method));',
        '  const direct: Record<string, string> = {};',
        '  for (const [key, value] of Object.entries(fields)) direct[key] = value;',
        '  logins.add(1, direct);',
        '}',
      ].join('\n'),
    });
    const result = await analyze({ cwd: dir, paths: ['.'] });
    const calls = result.catalog.labelCalls.map((c) => `${c.loc.line} ${c.form} ${c.labels.join(',')}`);
    expect(calls).toEqual(['14 opaque ', '15 object method', '18 opaque ']);
    expect(result.catalog.metrics.map((m) => [m.name, m.labelNamesKnown])).toEqual([['auth.logins', false]]);
  });

  it("reads StatsD tags as `key:value` constants, 'key:' + value and bare tags named by what they are", async () => {
    const dir = tempProject({
      'package.json': '{ "name": "jobs", "dependencies": { "hot-shots": "^10.0.0" } }',
      'src/jobs.ts': [
        "import StatsD from 'hot-shots';",
        'const statsd = new StatsD();',
        "const ENV_TAG = 'env:prod';",
        "export function done(queue: 'mail' | 'sms', accountId: string): void {",
        "  statsd.increment('jobs.done', 1, [ENV_TAG, 'queue:' + queue, String(accountId)]);",
        '}',
      ].join('\n'),
    });
    const result = await analyze({ cwd: dir, paths: ['.'] });
    expect(result.catalog.labelCalls.map((c) => `${c.form} ${c.labels.join(',')}`)).toEqual([
      'object env,queue,String(accountId)',
    ]);
    expect(result.findings.map((f) => `${f.ruleId}: ${f.message.split(':')[0]}`)).toEqual([
      'unbounded-label: tag `String(accountId)` of `jobs.done` takes `accountId` (an id, unbounded)',
    ]);
  });

  it('spreads a static array into positional labels', async () => {
    const { findings, estimates } = await run(
      [
        "const lookups = new Counter({ name: 'cache_lookups_total', help: 'Lookups', labelNames: ['cache', 'result'] });",
        "const HIT = ['session', 'hit'] as const;",
        'lookups.labels(...HIT).inc();',
      ].join('\n'),
    );
    expect(findings).toEqual([]);
    expect(estimates).toEqual({ cache_lookups_total: 1 });
  });

  it('requests made with an HTTP client are not routes the service registers', async () => {
    const dir = tempProject({
      'src/app.ts': [
        "import express from 'express';",
        "import axios from 'axios';",
        "import { Counter } from 'prom-client';",
        "const requests = new Counter({ name: 'http_requests_total', help: 'Requests', labelNames: ['route'] });",
        'const app = express();',
        "app.get('/orders/:id', async (req, res) => {",
        "  await axios.get('/internal/inventory', { timeout: 500 });",
        "  await axios.post('/internal/reservations', { id: req.params.id });",
        '  requests.inc({ route: req.route.path });',
        '  res.end();',
        '});',
      ].join('\n'),
    });
    const result = await analyze({ cwd: dir, paths: ['.'] });
    expect(result.catalog.routes.map((r) => r.template)).toEqual(['/orders/:id']);
    expect(result.estimates[0].series).toBe(2);
  });

  it('OpenTelemetry instruments created through a registering callback, or into a field by a method, keep their uses', async () => {
    const dir = tempProject({
      'src/jobs.ts': [
        "import { metrics, type Counter, type Meter } from '@opentelemetry/api';",
        'class JobCollector {',
        '  private completed?: Counter;',
        "  init(meter: Meter): void { this.completed = meter.createCounter('jobs.completed'); }",
        "  done(queue: 'email' | 'sms'): void { this.completed?.add(1, { queue }); }",
        '}',
        'export const collector = new JobCollector();',
        'function registered<T>(name: string, create: () => T): T { return create(); }',
        "const meter = metrics.getMeter('jobs');",
        "export const latency = registered('jobs.latency', () => meter.createHistogram('jobs.latency', { unit: 's' }));",
        "export function timed(seconds: number, queue: 'email' | 'sms'): void { latency.record(seconds, { queue }); }",
      ].join('\n'),
    });
    const result = await analyze({ cwd: dir, paths: ['.'] });
    expect(result.estimates.map((e) => `${e.metric} ${e.series}`)).toEqual(['jobs.completed 2', 'jobs.latency 36']);
  });

  it('a generic type argument declares label domains (register.gauge<{ topic: Topic }>)', async () => {
    const dir = tempProject({
      'src/registry.ts': [
        "import { Gauge, Registry, type GaugeConfiguration } from 'prom-client';",
        'export class Metrics extends Registry {',
        '  gauge<T extends Record<string, unknown>>(config: GaugeConfiguration<Extract<keyof T, string>>): Gauge<Extract<keyof T, string>> {',
        '    return new Gauge({ ...config, registers: [this] });',
        '  }',
        '}',
      ].join('\n'),
      'src/gossip.ts': [
        "import { Metrics } from './registry.js';",
        "export enum Topic { Block = 'block', Attestation = 'attestation', Aggregate = 'aggregate' }",
        'const register = new Metrics();',
        "const queueLength = register.gauge<{ topic: Topic }>({ name: 'gossip_queue_length', help: 'Queue length', labelNames: ['topic'] });",
        'export function onQueue(message: { topic: string }, length: number): void {',
        '  queueLength.set({ topic: message.topic }, length);',
        '}',
      ].join('\n'),
    });
    const result = await analyze({ cwd: dir, paths: ['.'] });
    expect(result.estimates.map((e) => `${e.metric} ${e.series} ${e.byLabel[0].reason}`)).toEqual([
      "gossip_queue_length 3 declared by the metric's type argument",
    ]);
    expect(result.findings).toEqual([]);
  });

  it('a metrics object injected through an interface reaches the one metric stored under that name', async () => {
    const dir = tempProject({
      'src/metrics.ts': [
        "import { Counter, Histogram } from 'prom-client';",
        'export function createMetrics() {',
        '  return {',
        "    rpcRequests: new Counter({ name: 'rpc_requests_total', help: 'RPC requests', labelNames: ['route_id'] }),",
        "    rpcTime: new Histogram({ name: 'rpc_duration_seconds', help: 'RPC time', labelNames: ['route_id'] }),",
        '  };',
        '}',
      ].join('\n'),
      'src/client.ts': [
        "import type { Counter, Histogram } from 'prom-client';",
        'export interface RpcMetrics { rpcRequests: Counter<string>; rpcTime: Histogram<string> }',
        'export class RpcClient {',
        '  constructor(private readonly metrics: RpcMetrics | null) {}',
        '  call(req: { params: { method: string } }): void {',
        '    this.metrics?.rpcRequests.inc({ route_id: req.params.method });',
        '  }',
        '}',
      ].join('\n'),
    });
    const result = await analyze({ cwd: dir, paths: ['.'] });
    expect(result.findings.map((f) => `${f.loc.file}:${f.loc.line} ${f.ruleId} ${f.metric}`)).toContain(
      'src/client.ts:6 unbounded-label rpc_requests_total',
    );
  });
});

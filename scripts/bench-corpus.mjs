// A deterministic generated monorepo for `npm run bench`: the same files for the same size, every
// time, with the mix of code a real service monorepo has. Most files are plain business logic; a
// few define metrics, use them through a project module, register routes, call other services or
// start spans, and some merely mention the word "metric" (units, docs, config) without using one.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Shares of each kind of file, of the whole (the rest is business logic). */
export const SHARES = {
  metricUse: 0.04, // handlers and jobs that record metrics through their package's metrics module
  route: 0.03, // express routers
  client: 0.03, // outbound HTTP calls (fetch, axios)
  tracing: 0.02, // spans through @opentelemetry/api
  metricWord: 0.03, // mention "metric" but use none (unit conversion, dashboards' config)
};
const FILES_PER_PACKAGE = 100;

// mulberry32: a tiny seeded PRNG, so the corpus is the same on every machine.
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const write = (root, path, text) => {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
};

function metricsModule(pkg) {
  return `import { Counter, Histogram, Gauge } from 'prom-client';

export type Outcome = 'ok' | 'error' | 'timeout';
export const METHODS = ['GET', 'POST', 'PUT', 'DELETE'] as const;

export const requests = new Counter({
  name: '${pkg}_requests_total',
  help: 'Requests handled',
  labelNames: ['method', 'route', 'outcome'],
});
export const latency = new Histogram({
  name: '${pkg}_request_duration_seconds',
  help: 'Request latency',
  labelNames: ['route'],
  buckets: [0.01, 0.05, 0.1, 0.5, 1, 5],
});
export const queueDepth = new Gauge({ name: '${pkg}_queue_depth', help: 'Jobs waiting', labelNames: ['queue'] });

export function recordRequest(method: (typeof METHODS)[number], route: string, outcome: Outcome): void {
  requests.inc({ method, route, outcome });
}
`;
}

function metricUse(i, rnd) {
  const unbounded = rnd() < 0.2;
  return `import { latency, queueDepth, recordRequest, type Outcome } from '../metrics';
import { normalise${i} } from './model-${i % 7}';

export interface Job${i} { id: string; userId: string; queue: 'fast' | 'slow'; payload: unknown }

export async function process${i}(job: Job${i}, run: (job: Job${i}) => Promise<void>): Promise<Outcome> {
  const end = latency.startTimer({ route: '/jobs/:id' });
  queueDepth.set({ queue: job.queue }, ${i % 50});
  try {
    await run(normalise${i}(job));
    recordRequest('POST', '/jobs/:id', 'ok');
    return 'ok';
  } catch {
    recordRequest('POST', ${unbounded ? `job.userId` : `'/jobs/:id'`}, 'error');
    return 'error';
  } finally {
    end();
  }
}
`;
}

function route(i) {
  return `import { Router } from 'express';
import { find${i} } from './repository-${i % 5}';

export const router${i} = Router();

router${i}.get('/items/:id', async (req, res) => {
  const item = await find${i}(req.params.id);
  if (!item) return res.status(404).json({ error: 'not found' });
  return res.json(item);
});

router${i}.post('/items/:id/archive', async (req, res) => {
  res.status(202).json({ id: req.params.id, archived: true });
});
`;
}

function client(i, rnd) {
  const axios = rnd() < 0.5;
  return `${axios ? `import axios from 'axios';\n` : ''}
export interface Quote${i} { sku: string; price: number; currency: string }

const BASE_URL = process.env.PRICING_URL ?? 'http://pricing.internal';

export async function fetchQuote${i}(sku: string): Promise<Quote${i}> {
  ${
    axios
      ? `const { data } = await axios.get<Quote${i}>(\`\${BASE_URL}/quotes/\${sku}\`, { timeout: 2000 });
  return data;`
      : `const response = await fetch(\`\${BASE_URL}/quotes/\${sku}\`, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(\`pricing answered \${response.status}\`);
  return (await response.json()) as Quote${i};`
  }
}
`;
}

function tracing(i) {
  return `import { trace, SpanStatusCode } from '@opentelemetry/api';

const tracer = trace.getTracer('worker');

export async function reconcile${i}(accountId: string, apply: () => Promise<number>): Promise<number> {
  return tracer.startActiveSpan('reconcile account', async (span) => {
    span.setAttribute('account.id', accountId);
    try {
      return await apply();
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}
`;
}

function metricWord(i) {
  return `// Unit conversion for the dashboard: metric and imperial.
export type UnitSystem${i} = 'metric' | 'imperial';

export const metricLabels${i}: Record<UnitSystem${i}, string> = { metric: 'km', imperial: 'mi' };

export function distance${i}(km: number, system: UnitSystem${i}): number {
  return system === 'metric' ? km : km * 0.621371;
}
`;
}

function business(i, rnd) {
  const fields = 2 + Math.floor(rnd() * 5);
  const lines = [];
  lines.push(`import { formatMoney } from './format';\n`);
  lines.push(`export interface Order${i} {`);
  lines.push(`  id: string;`);
  for (let f = 0; f < fields; f++) lines.push(`  field${f}: ${['string', 'number', 'boolean'][f % 3]};`);
  lines.push(`  lines: { sku: string; qty: number; price: number }[];`);
  lines.push(`}\n`);
  lines.push(`export function total${i}(order: Order${i}): string {`);
  lines.push(`  let sum = 0;`);
  lines.push(`  for (const line of order.lines) sum += line.qty * line.price * ${(i % 7) + 1};`);
  lines.push(`  return formatMoney(sum);`);
  lines.push(`}\n`);
  lines.push(`export class Repository${i} {`);
  lines.push(`  private readonly cache = new Map<string, Order${i}>();`);
  lines.push(`  get(id: string): Order${i} | undefined {`);
  lines.push(`    return this.cache.get(id);`);
  lines.push(`  }`);
  lines.push(`  put(order: Order${i}): void {`);
  lines.push(`    this.cache.set(order.id, order);`);
  lines.push(`  }`);
  lines.push(`  *byField(value: string): Iterable<Order${i}> {`);
  lines.push(`    for (const order of this.cache.values()) if (order.id.startsWith(value)) yield order;`);
  lines.push(`  }`);
  lines.push(`}`);
  return lines.join('\n') + '\n';
}

/**
 * Writes `files` source files (plus manifests) under root: packages of ~100 files, each with a
 * metrics module, handlers using it, routers, clients, tracing and business logic in fixed shares.
 * Returns how many files of each kind were written.
 */
export function generateMonorepo(root, files, seed = 11) {
  const rnd = random(seed);
  const counts = { metricsModule: 0, metricUse: 0, route: 0, client: 0, tracing: 0, metricWord: 0, business: 0 };
  const packages = Math.max(1, Math.round(files / FILES_PER_PACKAGE));
  write(
    root,
    'package.json',
    JSON.stringify({ name: 'generated-monorepo', private: true, workspaces: ['packages/*'] }, null, 2) + '\n',
  );
  let written = 0;
  for (let p = 0; p < packages && written < files; p++) {
    const pkg = `service_${p}`;
    const dir = `packages/${pkg}`;
    write(
      root,
      `${dir}/package.json`,
      JSON.stringify(
        {
          name: `@generated/${pkg}`,
          version: '1.0.0',
          main: 'src/index.ts',
          dependencies: {
            'prom-client': '^15.1.0',
            '@opentelemetry/api': '^1.9.0',
            express: '^4.21.0',
            axios: '^1.7.0',
          },
        },
        null,
        2,
      ) + '\n',
    );
    write(root, `${dir}/src/metrics.ts`, metricsModule(pkg));
    counts.metricsModule++;
    // The metrics module and the 13 helpers below.
    written += 14;
    const inPackage = Math.max(0, Math.min(FILES_PER_PACKAGE - 14, files - written));
    for (let f = 0; f < inPackage; f++, written++) {
      const i = p * FILES_PER_PACKAGE + f;
      const r = rnd();
      let edge = 0;
      const pick = (kind) => r >= edge && r < (edge += SHARES[kind]);
      let kind = 'business';
      for (const k of Object.keys(SHARES)) if (pick(k)) kind = k;
      const path =
        kind === 'business' ? `${dir}/src/domain/order-${i}.ts` : `${dir}/src/${kind.toLowerCase()}/${kind}-${i}.ts`;
      const body = {
        metricUse: () => metricUse(i, rnd),
        route: () => route(i),
        client: () => client(i, rnd),
        tracing: () => tracing(i),
        metricWord: () => metricWord(i),
        business: () => business(i, rnd),
      }[kind]();
      write(root, path, body);
      counts[kind]++;
    }
    // Helpers the generated files import; they close the import graph without adding metric code.
    for (let m = 0; m < 7; m++)
      write(
        root,
        `${dir}/src/metricuse/model-${m}.ts`,
        Array.from({ length: FILES_PER_PACKAGE }, (_, k) => p * FILES_PER_PACKAGE + k)
          .filter((i) => i % 7 === m)
          .map((i) => `export const normalise${i} = <T>(job: T): T => job;`)
          .join('\n') + '\n',
      );
    for (let m = 0; m < 5; m++)
      write(
        root,
        `${dir}/src/route/repository-${m}.ts`,
        Array.from({ length: FILES_PER_PACKAGE }, (_, k) => p * FILES_PER_PACKAGE + k)
          .filter((i) => i % 5 === m)
          .map((i) => `export const find${i} = async (id: string): Promise<{ id: string } | undefined> => ({ id });`)
          .join('\n') + '\n',
      );
    write(root, `${dir}/src/domain/format.ts`, `export const formatMoney = (n: number): string => n.toFixed(2);\n`);
  }
  return counts;
}

import { describe, expect, it } from 'vitest';
import { analyze } from '../src/api.js';
import { tempProject } from './helpers/cli.js';

/**
 * Mutation tests: a clean, real-looking service, and the same service with one hazard injected.
 * The clean twin must stay clean; each mutant must be caught by the rule that owns the hazard.
 */
const SERVICE = `import './tracing';
import express from 'express';
import { Counter, Histogram } from 'prom-client';
import { context, propagation, trace } from '@opentelemetry/api';

type Plan = 'free' | 'team' | 'enterprise';

const tracer = trace.getTracer('accounts');
const signups = new Counter({ name: 'accounts_signups_total', help: 'Signups by plan', labelNames: ['plan'] });
const latency = new Histogram({ name: 'accounts_request_duration_seconds', help: 'Request time', labelNames: ['route', 'method'] });

export const app = express();

app.post('/accounts/:id/upgrade', async (req, res) => {
  const end = latency.startTimer({ method: req.method });
  const plan = req.body.plan as Plan;
  signups.inc({ plan: toPlan(plan) });
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  await fetch('http://billing.internal/subscriptions', { method: 'POST', headers, body: JSON.stringify({ account: req.params.id }) });
  await tracer.startActiveSpan('accounts.upgrade', async (span) => {
    try {
      span.setAttribute('account.id', req.params.id);
    } finally {
      span.end();
    }
  });
  end({ route: req.route.path });
  res.sendStatus(204);
});

function toPlan(value: string): Plan {
  return value === 'team' || value === 'enterprise' ? value : 'free';
}
`;

const MUTANTS: { name: string; from: string; to: string; rule: string }[] = [
  {
    name: 'an id as a label',
    from: 'signups.inc({ plan: toPlan(plan) });',
    to: 'signups.inc({ plan: req.params.id });',
    rule: 'unbounded-label',
  },
  {
    name: 'a raw URL instead of the route template',
    from: 'end({ route: req.route.path });',
    to: 'end({ route: req.originalUrl });',
    rule: 'untemplated-route',
  },
  {
    name: 'a dropped traceparent',
    from: "{ method: 'POST', headers, body",
    to: "{ method: 'POST', body",
    rule: 'missing-trace-propagation',
  },
  {
    name: 'a renamed label',
    from: 'end({ route: req.route.path });',
    to: 'end({ path: req.route.path });',
    rule: 'label-mismatch',
  },
  {
    name: 'an id in a span name',
    from: "startActiveSpan('accounts.upgrade',",
    to: 'startActiveSpan(`accounts.upgrade ${req.params.id}`,',
    rule: 'span-name-cardinality',
  },
  {
    name: 'a span ended only in try',
    from: '    } finally {\n      span.end();\n    }',
    to: '      span.end();\n    } catch {\n      // ignored\n    }',
    rule: 'span-not-ended',
  },
  {
    name: 'a metric built per request',
    from: '  const end = latency.startTimer',
    to: "  new Counter({ name: 'accounts_upgrades_total', help: 'Upgrades' }).inc();\n  const end = latency.startTimer",
    rule: 'metric-in-hot-path',
  },
];

/** The service's tracing set-up, loaded first: server spans, and no instrumentation of `fetch`. */
const TRACING = `import { NodeSDK } from '@opentelemetry/sdk-node';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';

new NodeSDK({ serviceName: 'accounts', instrumentations: [new HttpInstrumentation()] }).start();
`;

async function findings(source: string): Promise<string[]> {
  const dir = tempProject({
    'src/accounts.ts': source,
    'src/tracing.ts': TRACING,
    'package.json': '{"name":"accounts","private":true}',
  });
  const result = await analyze({ cwd: dir, paths: ['.'] });
  return result.findings.map((f) => f.ruleId);
}

describe('mutation tests', () => {
  it('the clean service has no findings', async () => {
    expect(await findings(SERVICE)).toEqual([]);
  });

  for (const mutant of MUTANTS) {
    it(`catches ${mutant.name}`, async () => {
      expect(SERVICE).toContain(mutant.from);
      expect(await findings(SERVICE.replace(mutant.from, mutant.to))).toContain(mutant.rule);
    });
  }
});

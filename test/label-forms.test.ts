import { describe, expect, it } from 'vitest';
import { analyze } from '../src/api.js';
import { tempProject } from './helpers/cli.js';

async function run(code: string) {
  const dir = tempProject({ 'src/auth.ts': `import { Counter } from 'prom-client';\n${code}\n` });
  const result = await analyze({ cwd: dir, paths: ['.'] });
  return { findings: result.findings.map((f) => `${f.loc.line} ${f.ruleId}: ${f.message.split(':')[0]}`), estimates: Object.fromEntries(result.estimates.map((e) => [e.metric, e.series])) };
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
    expect(findings).toEqual(['4 unbounded-label: label `tenant` of `logins_total` takes `req.body.tenant` (request input, unbounded)']);
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
});

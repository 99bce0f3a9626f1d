import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../src/api.js';
import { tempProject } from './helpers/cli.js';
import { FIXTURES, runFixture } from './helpers/fixtures.js';

const fixture = join(FIXTURES, 'projects', 'injected-statsd-client');

describe('a StatsD client the framework hands over', () => {
  it('defines a metric per call on the injected client, and none for a project class with the same methods', async () => {
    const { metrics } = (await runFixture(fixture)).catalog;
    expect(metrics.map((m) => `${m.library} ${m.kind} ${m.name} ${m.loc.file}:${m.loc.line}`)).toEqual([
      'statsd counter relay.received src/relay.js:19',
      'statsd histogram relay.delivered src/relay.js:22',
      // The name part `this._kind(err)` returns, read through the method.
      "statsd counter relay.failed.{err.code === 'ETIMEDOUT' ? 'timeout' : 'other'} src/relay.js:24",
    ]);
  });

  it('infers nothing in a project that records metrics through a library', async () => {
    const read = (file: string): string => readFileSync(join(fixture, file), 'utf8');
    const dir = tempProject({
      'package.json': read('package.json'),
      'src/relay.js': read('src/relay.js'),
      'src/rate-counter.js': read('src/rate-counter.js'),
      'src/metrics.js': "const client = require('prom-client');\nmodule.exports = { client };\n",
    });
    const result = await analyze({ cwd: dir, paths: ['.'] });
    expect(result.catalog.metrics.filter((m) => m.library === 'statsd')).toEqual([]);
  });
});

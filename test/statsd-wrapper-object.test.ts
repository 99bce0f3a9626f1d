import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, runFixture } from './helpers/fixtures.js';

const fixture = join(FIXTURES, 'projects', 'dogstatsd-wrapper-object');

describe('a wrapper object whose methods hand on to the DogStatsD methods of the same name', () => {
  it('defines one metric per call of the wrapper, none for its own delegating calls, tags named by their key', async () => {
    const { metrics } = (await runFixture(fixture)).catalog;
    expect(
      metrics.map((m) => `${m.kind} ${m.name} [${(m.labelNames ?? []).join(',')}] ${m.loc.file}:${m.loc.line}`),
    ).toEqual([
      'histogram departures.fetch.duration [provider] src/server.ts:15',
      'counter departures.fetch.error [provider] src/server.ts:18',
      'counter departures.board.registered [board] src/server.ts:27',
      'gauge departures.boards.active [] src/server.ts:28',
    ]);
  });
});

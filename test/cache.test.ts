import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir, tempProject } from './helpers/cli.js';

const METRICS = `import { Counter } from 'prom-client';
export const orders = new Counter({ name: 'orders_total', help: 'Orders', labelNames: ['status'] });
export function record(status: 'paid' | 'failed'): void {
  orders.inc({ status });
}
`;
const UNBOUNDED = `import { orders } from './metrics';
export function track(req: { params: { userId: string } }): void {
  orders.inc({ status: req.params.userId });
}
`;

const entries = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir) : []);

describe('cache', () => {
  it('serves an unchanged project from node_modules/.cache/obslint with byte-identical output', async () => {
    const dir = tempProject({ 'src/metrics.ts': METRICS, 'src/track.ts': UNBOUNDED });
    const uncached = await runCli(['.', '--format', 'json', '--no-cache'], { cwd: dir });
    expect(entries(join(dir, 'node_modules/.cache/obslint'))).toEqual([]);
    const cold = await runCli(['.', '--format', 'json', '--timing'], { cwd: dir });
    expect(entries(join(dir, 'node_modules/.cache/obslint'))).toHaveLength(1);
    const warm = await runCli(['.', '--format', 'json', '--timing'], { cwd: dir });
    expect(cold.stderr).not.toContain('read from the cache');
    expect(warm.stderr).toContain('  read from the cache: 2\n');
    expect(warm.stderr).not.toMatch(/^ {2}parse /m);
    expect(cold.stdout).toBe(uncached.stdout);
    expect(warm.stdout).toBe(uncached.stdout);
    expect(warm.code).toBe(1);
  });

  it('analyses again when a file, the budget file or the file set changes', async () => {
    const dir = tempProject({ 'src/metrics.ts': METRICS, 'src/track.ts': UNBOUNDED });
    const first = await runCli(['.', '--format', 'json'], { cwd: dir });
    expect(first.code).toBe(1);
    writeFileSync(join(dir, 'src/track.ts'), UNBOUNDED.replace('req.params.userId', "'paid'"));
    const fixed = await runCli(['.', '--format', 'json', '--timing'], { cwd: dir });
    expect(fixed.stderr).not.toContain('read from the cache');
    expect(fixed.code).toBe(0);
    writeFileSync(join(dir, 'src/more.ts'), UNBOUNDED);
    const added = await runCli(['.', '--format', 'json'], { cwd: dir });
    expect(added.code).toBe(1);
    const fresh = await runCli(['.', '--format', 'json', '--no-cache'], { cwd: dir });
    expect(added.stdout).toBe(fresh.stdout);
    writeFileSync(join(dir, 'obslint.yaml'), 'version: 1\ndefaults:\n  statusCodes: 7\n');
    const configured = await runCli(['.', '--format', 'json', '--timing'], { cwd: dir });
    expect(configured.stderr).not.toContain('read from the cache');
  });

  it('ignores a corrupt or foreign entry and replaces it; --cache-location moves the cache', async () => {
    const dir = tempProject({ 'src/metrics.ts': METRICS, 'src/track.ts': UNBOUNDED });
    const location = tempDir();
    const fresh = await runCli(['.', '--format', 'json', '--no-cache'], { cwd: dir });
    await runCli(['.', '--format', 'json', '--cache-location', location], { cwd: dir });
    expect(entries(join(dir, 'node_modules'))).toEqual([]);
    const [entry] = entries(location);
    for (const content of ['not a cache entry', '\u00ff\u000fo"\u0006format"\u0003bad{\u0001']) {
      writeFileSync(join(location, entry), content);
      const run = await runCli(['.', '--format', 'json', '--timing', '--cache-location', location], { cwd: dir });
      expect(run.stderr).not.toContain('read from the cache');
      expect(run.stdout).toBe(fresh.stdout);
    }
    const warm = await runCli(['.', '--format', 'json', '--timing', '--cache-location', location], { cwd: dir });
    expect(warm.stderr).toContain('read from the cache');
    expect(warm.stdout).toBe(fresh.stdout);
  });
});

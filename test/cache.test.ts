import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli, tempDir, tempProject } from './helpers/cli.js';

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

/** A module no metric code imports and without metric words: the prefilter leaves it out. */
const STRINGS = `export const greeting = 'hello';\n`;

// A change younger than 100 ms may share its timestamp with one to come: its stamp never matches.
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 150));

const entries = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir) : []);

describe('cache', () => {
  it('serves an unchanged project from node_modules/.cache/obslint with byte-identical output', async () => {
    const dir = tempProject({ 'src/metrics.ts': METRICS, 'src/track.ts': UNBOUNDED });
    const uncached = await runCli(['.', '--format', 'json', '--no-cache'], { cwd: dir });
    expect(entries(join(dir, 'node_modules/.cache/obslint'))).toEqual([]);
    const cold = await runCli(['.', '--format', 'json', '--timing'], { cwd: dir });
    // Per project: the file set, the extracted facts, and each file's stamp and prefilter scan.
    expect(entries(join(dir, 'node_modules/.cache/obslint'))).toEqual([
      expect.stringMatching(/^discovery-[0-9a-f]{16}\.v8$/),
      expect.stringMatching(/^extraction-[0-9a-f]{16}\.v8$/),
      expect.stringMatching(/^scans-[0-9a-f]{16}\.v8$/),
      expect.stringMatching(/^stamps-[0-9a-f]{16}\.v8$/),
    ]);
    const warm = await runCli(['.', '--format', 'json', '--timing'], { cwd: dir });
    expect(cold.stderr).not.toContain('read from the cache');
    expect(warm.stderr).toContain('  read from the cache: 2\n');
    expect(warm.stderr).not.toMatch(/^ {2}parse /m);
    expect(cold.stdout).toBe(uncached.stdout);
    expect(warm.stdout).toBe(uncached.stdout);
    expect(warm.code).toBe(1);
  });

  it('answers a warm run without loading the TypeScript compiler (most of such a run when it does)', async () => {
    const dir = tempProject({ 'src/metrics.ts': METRICS, 'src/track.ts': UNBOUNDED });
    // Printed as the process exits: the compiler's modules the built CLI required.
    const preload = join(tempDir(), 'report-compiler.cjs');
    writeFileSync(
      preload,
      "process.on('exit', () => { for (const m of Object.keys(require.cache)) if (/[\\\\/]node_modules[\\\\/](ts-morph|typescript)[\\\\/]/.test(m)) process.stderr.write('loaded ' + m + '\\n'); });\n",
    );
    const loaded = (): string[] => {
      const run = spawnSync(process.execPath, ['--require', preload, join(REPO_ROOT, 'bin/obslint.js'), '.'], {
        cwd: dir,
        encoding: 'utf8',
      });
      expect(run.status).toBe(1);
      return run.stderr.split('\n').filter((line) => line.startsWith('loaded '));
    };
    expect(loaded()).not.toEqual([]);
    await settle();
    loaded();
    expect(loaded()).toEqual([]);
  });

  it('reads no file again when none changed, and only the changed one when one did', async () => {
    const dir = tempProject({ 'src/metrics.ts': METRICS, 'src/track.ts': UNBOUNDED, 'src/strings.ts': STRINGS });
    const fresh = await runCli(['.', '--format', 'json', '--no-cache'], { cwd: dir });
    await runCli(['.', '--format', 'json'], { cwd: dir });
    await settle();
    // The first run after the files settled stamps them for good; the next one trusts the stamps.
    await runCli(['.', '--format', 'json'], { cwd: dir });
    const warm = await runCli(['.', '--format', 'json', '--timing'], { cwd: dir });
    expect(warm.stderr).toContain('  not read again (unchanged since the last run): 3\n');
    expect(warm.stderr).toContain('  read from the cache: 3\n');
    expect(warm.stdout).toBe(fresh.stdout);
    writeFileSync(join(dir, 'src/strings.ts'), `${STRINGS}export const farewell = 'bye';\n`);
    await settle();
    const edited = await runCli(['.', '--format', 'json', '--timing'], { cwd: dir });
    expect(edited.stderr).toContain('  not read again (unchanged since the last run): 2\n');
    expect(edited.stdout).toBe((await runCli(['.', '--format', 'json', '--no-cache'], { cwd: dir })).stdout);
  });

  it('serves the extracted facts when the edited file is one extraction does not parse', async () => {
    const dir = tempProject({ 'src/metrics.ts': METRICS, 'src/track.ts': UNBOUNDED, 'src/strings.ts': STRINGS });
    // Stamped for good (see `settle`): the files metric code is in are not among the changed ones.
    await settle();
    await runCli(['.', '--format', 'json'], { cwd: dir });
    writeFileSync(join(dir, 'src/strings.ts'), `${STRINGS}export const farewell = 'bye';\n`);
    const edited = await runCli(['.', '--format', 'json', '--timing'], { cwd: dir });
    expect(edited.stderr).toContain('  read from the cache: 3\n');
    expect(edited.stderr).not.toMatch(/^ {2}parse /m);
    expect(edited.stdout).toBe((await runCli(['.', '--format', 'json', '--no-cache'], { cwd: dir })).stdout);
    // Its scan is as before (no import, no metric word): the candidates are the same without selecting them again.
    writeFileSync(join(dir, 'src/strings.ts'), `${STRINGS}export const farewell = 'goodbye';\n`);
    const again = await runCli(['.', '--format', 'json', '--timing'], { cwd: dir });
    expect(again.stderr).toContain('  read again, not parsed and scanned as before: 1\n');
    expect(again.stderr).not.toMatch(/^ {2}prefilter /m);
    expect(again.stdout).toBe(edited.stdout);
    // A new import changes its scan: it is metric code now, and its label value is reported.
    writeFileSync(
      join(dir, 'src/strings.ts'),
      `import { orders } from './metrics';\nexport function greet(name: string): void {\n  orders.inc({ status: name });\n}\n`,
    );
    const scanned = await runCli(['.', '--format', 'json', '--timing'], { cwd: dir });
    expect(scanned.stderr).not.toContain('read again, not parsed');
    expect(scanned.stdout).toBe((await runCli(['.', '--format', 'json', '--no-cache'], { cwd: dir })).stdout);
    expect(scanned.stdout).toContain('src/strings.ts');
    writeFileSync(join(dir, 'src/strings.ts'), STRINGS);
    // The same file now imported by metric code is parsed for its values: extraction runs again.
    writeFileSync(
      join(dir, 'src/track.ts'),
      `import { greeting } from './strings';\n${UNBOUNDED.replace('req.params.userId', 'greeting')}`,
    );
    const imported = await runCli(['.', '--format', 'json', '--timing'], { cwd: dir });
    expect(imported.stderr).not.toContain('read from the cache');
    expect(imported.code).toBe(0);
  });

  it('extracts again only the process group a changed file belongs to', async () => {
    const service = (name: string) => ({
      [`services/${name}/package.json`]: JSON.stringify({
        name: `@shop/${name}`,
        dependencies: { 'prom-client': '^15' },
      }),
      [`services/${name}/src/metrics.ts`]: METRICS.replaceAll('orders', name),
    });
    const dir = tempProject({
      'package.json': JSON.stringify({ name: 'shop', private: true, workspaces: ['services/*'] }),
      ...service('billing'),
      ...service('shipping'),
    });
    await runCli(['.', '--format', 'json'], { cwd: dir });
    writeFileSync(
      join(dir, 'services/billing/src/metrics.ts'),
      `${METRICS.replaceAll('orders', 'billing')}// edited\n`,
    );
    const edited = await runCli(['.', '--format', 'json', '--timing'], { cwd: dir });
    // shipping's one parsed file is served; billing's is parsed again.
    expect(edited.stderr).toContain('  parsed files whose facts were read from the cache: 1\n');
    expect(edited.stderr).toContain('  parsed: 1\n');
    expect(edited.stdout).toBe((await runCli(['.', '--format', 'json', '--no-cache'], { cwd: dir })).stdout);
  });

  it('describes the tracing of a project with nothing to parse, from its manifest', async () => {
    const dir = tempProject({
      'package.json': JSON.stringify({
        name: 'worker',
        scripts: { start: 'node --require @opentelemetry/auto-instrumentations-node/register dist/main.js' },
      }),
      'src/main.ts': 'export const answer = 42;\n',
    });
    const run = await runCli(['.', '--format', 'json', '--no-cache'], { cwd: dir });
    const tracing = JSON.parse(run.stdout).catalog.tracing as Record<string, { instrumented: object }>;
    expect(Object.keys(tracing['.'].instrumented).length).toBeGreaterThan(0);
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
    for (const content of ['not a cache entry', '\u00ff\u000fo"\u0006format"\u0003bad{\u0001']) {
      for (const entry of entries(location)) writeFileSync(join(location, entry), content);
      const run = await runCli(['.', '--format', 'json', '--timing', '--cache-location', location], { cwd: dir });
      expect(run.stderr).not.toContain('read from the cache');
      expect(run.stdout).toBe(fresh.stdout);
    }
    const warm = await runCli(['.', '--format', 'json', '--timing', '--cache-location', location], { cwd: dir });
    expect(warm.stderr).toContain('read from the cache');
    expect(warm.stdout).toBe(fresh.stdout);
  });
});

describe('discovery from the cache', () => {
  const run = (dir: string, ...args: string[]) => runCli(['.', '--format', 'json', ...args], { cwd: dir });
  const servedFromCache = (stderr: string): boolean => /^ {2}discovered from the cache: \d+$/m.test(stderr);

  it('reuses the file set while nothing it was read from changed, and finds new, moved and ignored files', async () => {
    const dir = tempProject({
      'src/metrics.ts': METRICS,
      'src/track.ts': UNBOUNDED.replace('req.params.userId', "'paid'"),
    });
    // The first run creates node_modules/.cache in the project, a change to its root: the second lists it again.
    await settle();
    await run(dir);
    await settle();
    await run(dir);
    const warm = await run(dir, '--timing');
    expect(servedFromCache(warm.stderr)).toBe(true);
    expect(warm.code).toBe(0);
    // A file in a directory that did not exist: its parent's listing changed.
    mkdirSync(join(dir, 'src/http/handlers'), { recursive: true });
    writeFileSync(join(dir, 'src/http/handlers/users.ts'), UNBOUNDED.replace("'./metrics'", "'../../metrics'"));
    const added = await run(dir, '--timing');
    expect(servedFromCache(added.stderr)).toBe(false);
    expect(added.stdout).toBe((await run(dir, '--no-cache')).stdout);
    expect(added.code).toBe(1);
    // .gitignore's contents decide the file set: ignoring the directory drops the finding.
    writeFileSync(join(dir, '.gitignore'), 'src/http/\n');
    const ignored = await run(dir, '--timing');
    expect(servedFromCache(ignored.stderr)).toBe(false);
    expect(ignored.code).toBe(0);
    writeFileSync(join(dir, '.gitignore'), '# nothing ignored\n');
    const edited = await run(dir);
    expect(edited.code).toBe(1);
    expect(edited.stdout).toBe((await run(dir, '--no-cache')).stdout);
    // Once more with nothing changed: served again, once the last change is old enough to trust.
    await settle();
    await run(dir);
    expect(servedFromCache((await run(dir, '--timing')).stderr)).toBe(true);
    // Named files (a pre-commit hook) walk the same project: the walk of `.` serves them.
    const named = await runCli(['src/track.ts', '--format', 'json', '--timing'], { cwd: dir });
    expect(servedFromCache(named.stderr)).toBe(true);
    expect(named.stdout).toBe((await runCli(['src/track.ts', '--format', 'json', '--no-cache'], { cwd: dir })).stdout);
  });

  it('reads tsconfig paths again when the config changes', async () => {
    const dir = tempProject({
      'tsconfig.json': '{ "compilerOptions": { "strict": true } }\n',
      'src/lib/metrics.ts': METRICS,
      'src/track.ts': UNBOUNDED.replace("'./metrics'", "'@lib/metrics'"),
    });
    const before = await run(dir);
    await run(dir);
    writeFileSync(
      join(dir, 'tsconfig.json'),
      '{ "compilerOptions": { "strict": true, "baseUrl": ".", "paths": { "@lib/*": ["src/lib/*"] } } }\n',
    );
    const after = await run(dir, '--timing');
    expect(servedFromCache(after.stderr)).toBe(false);
    expect(after.stdout).toBe((await run(dir, '--no-cache')).stdout);
    // The alias now links `track` to the metric: its user id label is found.
    expect(before.code).toBe(0);
    expect(after.code).toBe(1);
  });
});

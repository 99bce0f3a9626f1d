import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../src/api.js';
import { runCli, tempProject } from './helpers/cli.js';

const HAZARD =
  "import { Counter } from 'prom-client';\nconst orders = new Counter({ name: 'orders_total', help: 'Orders', labelNames: ['customer'] });\nexport function placed(req: { params: { customer: string } }) { orders.inc({ customer: req.params.customer }); }\n";

describe('bad input never crashes and never hides other results', () => {
  it('reports a file that does not parse with its location, and still analyses the rest', async () => {
    const dir = tempProject({
      'src/orders.ts': HAZARD,
      'src/broken.ts': "import { Counter } from 'prom-client';\nexport function (\n",
    });
    const run = await runCli(['.'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/warning {2}src\/broken\.ts:2:\d+: could not parse: .* \(file not analysed\)/);
    expect(run.stdout).toContain('label `customer` of `orders_total` takes `req.params.customer`');
  });

  it('a parse error alone does not fail the run', async () => {
    const dir = tempProject({ 'src/broken.ts': "import { Gauge } from 'prom-client';\nconst = ;\n" });
    const run = await runCli(['.'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('could not parse');
  });

  it('skips binary and huge files with a note', async () => {
    const dir = tempProject({
      'src/orders.ts': HAZARD,
      'src/blob.js': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01, 0x02]),
      'src/generated.js': `export const table = ${JSON.stringify('x'.repeat(6 * 1024 * 1024))};\n`,
    });
    const run = await runCli(['.'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('note  src/blob.js: skipped: binary file');
    expect(run.stdout).toContain('note  src/generated.js: skipped: 6.0 MB is over the 5 MB limit for source files');
    expect(run.stdout).toContain('orders_total');
  });

  it('skips minified bundles and generated data modules with one note, and analyses the rest', async () => {
    const bundle = `var a=require("prom-client");${'new a.Counter({name:"x_"+n,labelNames:["user_id"]});'.repeat(60)}\n`;
    const dir = tempProject({
      'src/orders.ts': HAZARD,
      'public/vendor/charts.min.bundle.js': bundle,
      'src/data/fixtures.js': `export const rows = ${JSON.stringify(Array.from({ length: 400 }, (_, i) => `row-${i}`))};\n`,
      '.yarn/releases/yarn-4.0.0.cjs': HAZARD,
    });
    const run = await runCli(['.'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      'note  public/vendor/charts.min.bundle.js: skipped 2 files that look minified or generated (lines averaging over 300 characters): public/vendor/charts.min.bundle.js, src/data/fixtures.js',
    );
    expect(run.stdout).toContain('orders_total');
    expect(run.stdout).not.toContain('.yarn');
  });

  it('ignores node_modules, build output, .gitignore entries and tsconfig outDir', async () => {
    const dir = tempProject({
      'src/orders.ts': HAZARD,
      'node_modules/lib/index.js': HAZARD,
      'dist/orders.js': HAZARD,
      'generated/orders.ts': HAZARD,
      'lib/orders.js': HAZARD,
      '.gitignore': 'generated/\n',
      'tsconfig.json': '{ "compilerOptions": { "outDir": "lib" } }',
    });
    const run = JSON.parse((await runCli(['.', '--format', 'json'], { cwd: dir })).stdout);
    expect(run.stats.filesDiscovered).toBe(1);
    expect(run.findings.map((f: { loc: { file: string } }) => f.loc.file)).toEqual(['src/orders.ts']);
  });

  it('survives code nested deeper than the stack, alias cycles and inheritance cycles', async () => {
    const operands = Array.from({ length: 5000 }, (_, i) => `'part${i}'`).join(' +\n  ');
    const dir = tempProject({
      'src/orders.ts': HAZARD,
      'src/generated.ts': `import { Counter } from 'prom-client';\nexport const banner = ${operands};\nexport const c = new Counter({ name: 'banner_renders_total', help: banner });\n`,
      'src/a.ts': "import { b } from './b';\nexport const a = b;\na.requests.inc();\n",
      'src/b.ts': "import { a } from './a';\nexport const b = a;\n",
      'src/classes.js':
        'class A extends B { run() { this.hits.inc(); } }\nclass B extends A {}\nvar metrics = metrics;\nmetrics.requests.inc();\n',
    });
    const run = await runCli(['.', '--format', 'json'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout);
    expect(result.findings.map((f: { ruleId: string; metric: string }) => `${f.ruleId} ${f.metric}`)).toContain(
      'unbounded-label orders_total',
    );
  });

  it('names that exist on every object (constructor, toString) are not mistaken for known APIs', async () => {
    const dir = tempProject({
      'src/orders.ts': HAZARD,
      'src/proto.ts': [
        "import { metrics } from '@opentelemetry/api';",
        "const meter = metrics.getMeter('orders');",
        'class Registry { constructor() {} }',
        'export const text = meter.toString() + meter.constructor.name;',
        'export const r = new Registry();',
        'r.constructor();',
        'export function valueOf() { return toString(); }',
      ].join('\n'),
    });
    const run = await runCli(['.', '--format', 'json'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout).findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['unbounded-label']);
  });

  it('reports broken tsconfig and package.json files with their location and analyses the rest', async () => {
    const dir = tempProject({
      'src/orders.ts': HAZARD,
      // Truncated: the `{` of compilerOptions is never closed; its outDir is still read.
      'tsconfig.json': '{\n  "compilerOptions": {\n    "outDir": "lib"\n',
      'lib/orders.js': HAZARD,
      'packages/billing/package.json': '{\n  "name": "@shop/billing",\n  "version": "1.0.0",\n}\n',
      'packages/billing/tsconfig.json': '{\n  "extends": "./tsconfig.shared.json"\n}\n',
      'packages/billing/src/invoices.ts': HAZARD.replaceAll('orders', 'invoices'),
      'packages/search/package.json': '',
      'packages/search/tsconfig.json': '{ "extends": ["../../tsconfig.json", "./tsconfig.dev.json"] }',
      'packages/search/tsconfig.dev.json': '{ "extends": "./tsconfig.json" }',
      'packages/search/src/query.ts': HAZARD.replaceAll('orders', 'queries'),
    });
    const run = await runCli(['.'], { cwd: dir });
    expect(run.code).toBe(1);
    const notices = run.stdout.split('\n').filter((l) => /^(warning|note) /.test(l));
    expect(notices).toEqual([
      "warning  packages/billing/package.json:3:21: invalid JSON: a trailing comma (JSON allows none); this package's name, imports and dependencies are not used",
      'warning  packages/billing/tsconfig.json:2:14: `extends` names packages/billing/tsconfig.shared.json, which does not exist; obslint reads this config without it (its paths, baseUrl and outDir are not used)',
      "warning  packages/search/package.json:1:1: invalid JSON: the file is empty; this package's name, imports and dependencies are not used",
      'warning  packages/search/tsconfig.json:1:38: circular `extends`: packages/search/tsconfig.dev.json → packages/search/tsconfig.json → packages/search/tsconfig.dev.json; obslint uses the settings read before the loop',
      'warning  tsconfig.json:2:22: invalid JSON: this `{` is never closed with `}`; obslint reads what it can of this config (paths, baseUrl, outDir)',
    ]);
    for (const metric of ['orders_total', 'invoices_total', 'queries_total'])
      expect(run.stdout).toContain(`label \`customer\` of \`${metric}\` takes \`req.params.customer\``);
    expect(run.stdout).not.toContain('lib/orders.js');
  });

  it('reports a broken deno.json with its location and analyses the rest', async () => {
    const dir = tempProject({
      'src/orders.ts': HAZARD,
      'supabase/functions/deno.json': '{\n  "imports": {\n    "supabase": "jsr:@supabase/supabase-js@2"\n  ]\n}\n',
      'supabase/functions/notify/index.ts': "Deno.serve(() => new Response('ok'));\n",
    });
    const run = await runCli(['.'], { cwd: dir });
    expect(run.code).toBe(1);
    const notices = run.stdout.split('\n').filter((l) => /^(warning|note) /.test(l));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(
      /^warning {2}supabase\/functions\/deno\.json:4:3: invalid Deno configuration: .+; its import map is not used$/,
    );
    expect(run.stdout).toContain('label `customer` of `orders_total` takes `req.params.customer`');
  });

  it('reports a broken nest-cli.json with its location and analyses the rest', async () => {
    const dir = tempProject({
      'src/orders.ts': HAZARD,
      'nest-cli.json':
        '{\n  "monorepo": true,\n  "projects": {\n    "orders": { "type": "application", "root": "apps/orders" \n}\n',
    });
    const run = await runCli(['.'], { cwd: dir });
    expect(run.code).toBe(1);
    const notices = run.stdout.split('\n').filter((l) => /^(warning|note) /.test(l));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(
      /^warning {2}nest-cli\.json:\d+:\d+: invalid Nest CLI configuration: .+; its applications are not told apart$/,
    );
    expect(run.stdout).toContain('label `customer` of `orders_total` takes `req.params.customer`');
  });

  it('leaves out a file that is binary on disk even when an editor gives its text', async () => {
    const dir = tempProject({ 'src/orders.ts': HAZARD, 'src/blob.ts': 'export const x = 1;\u0000\n' });
    const result = await analyze({
      cwd: dir,
      configFile: false,
      baseline: false,
      sourceTexts: new Map([[join(dir, 'src/blob.ts'), HAZARD.replaceAll('orders', 'blobs')]]),
    });
    expect(result.notices).toContainEqual({ level: 'note', file: 'src/blob.ts', message: 'skipped: binary file' });
    expect(result.catalog.metrics.map((m) => m.name)).toEqual(['orders_total']);
  });

  it('notes an extended config package that is missing only where dependencies are installed', async () => {
    const files = {
      'src/orders.ts': HAZARD,
      'tsconfig.json': '{\n  "extends": "@tsconfig/node22/tsconfig.json"\n}\n',
    };
    const bare = tempProject(files);
    const notInstalled = await runCli(['.'], { cwd: bare });
    expect(notInstalled.stdout).not.toMatch(/^(note|warning) /m);
    // The first run's cache (node_modules/.cache/obslint) is no install: the next run reads the same.
    expect(existsSync(join(bare, 'node_modules', '.cache', 'obslint'))).toBe(true);
    expect((await runCli(['.'], { cwd: bare })).stdout).toBe(notInstalled.stdout);
    const installed = await runCli(['.'], {
      cwd: tempProject({ ...files, 'node_modules/.package-lock.json': '{}', 'node_modules/zod/package.json': '{}' }),
    });
    expect(installed.stdout).toContain(
      'note  tsconfig.json:2:14: `extends` names @tsconfig/node22/tsconfig.json, which is not installed; obslint reads this config without it (install the dependencies if it defines paths or baseUrl)',
    );
  });
});

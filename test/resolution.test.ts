import { describe, expect, it } from 'vitest';
import { analyze } from '../src/api.js';
import { ModuleResolver } from '../src/extract/syntax/module-resolver.js';
import { tempProject } from './helpers/cli.js';

const metrics = (app: string) =>
  `import { Counter } from 'prom-client';\nexport const requests = new Counter({ name: '${app}_requests_total', help: 'Requests', labelNames: ['page'] });\n`;
const handler = (page: string) =>
  `import { requests } from '@/metrics';\nexport function render() { requests.inc({ page: '${page}' }); }\n`;

describe('import resolution without node_modules', () => {
  it('scopes tsconfig paths aliases to the files under their tsconfig', async () => {
    const alias = JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@/*': ['src/*'] } } });
    const dir = tempProject({
      'apps/api/tsconfig.json': alias,
      'apps/api/src/metrics.ts': metrics('api'),
      'apps/api/src/handler.ts': handler('orders'),
      'apps/web/tsconfig.json': alias,
      'apps/web/src/metrics.ts': metrics('web'),
      'apps/web/src/handler.ts': handler('home'),
    });
    const result = await analyze({ cwd: dir, paths: ['.'] });
    expect(result.estimates.map((e) => `${e.metric} ${e.byLabel[0].values?.join(',')}`)).toEqual([
      'api_requests_total orders',
      'web_requests_total home',
    ]);
  });

  const shared = JSON.stringify({ compilerOptions: { strict: true, paths: { '@/*': ['${configDir}/src/*'] } } });
  const series = async (dir: string) =>
    (await analyze({ cwd: dir, paths: ['.'] })).estimates.map((e) => `${e.metric} ${e.byLabel[0].values?.join(',')}`);

  it('reads paths from a config package in node_modules that a tsconfig extends', async () => {
    const dir = tempProject({
      'node_modules/@acme/tsconfig/package.json': '{"name":"@acme/tsconfig","version":"1.0.0"}',
      'node_modules/@acme/tsconfig/service.json': shared,
      'tsconfig.json': JSON.stringify({ extends: '@acme/tsconfig/service.json', include: ['src'] }),
      'src/metrics.ts': metrics('api'),
      'src/handler.ts': handler('orders'),
    });
    expect(await series(dir)).toEqual(['api_requests_total orders']);
  });

  it('reads a config package of the workspace from its sources when dependencies are not installed', async () => {
    const dir = tempProject({
      'package.json': '{"name":"acme","private":true,"workspaces":["apps/*","packages/*"]}',
      'packages/tsconfig/package.json': '{"name":"@acme/tsconfig","version":"1.0.0"}',
      'packages/tsconfig/service.json': shared,
      'apps/web/package.json': '{"name":"@acme/web"}',
      'apps/web/tsconfig.json': JSON.stringify({ extends: '@acme/tsconfig/service' }),
      'apps/web/src/metrics.ts': metrics('web'),
      'apps/web/src/handler.ts': handler('home'),
    });
    expect(await series(dir)).toEqual(['web_requests_total home']);
  });

  it('tries the longest paths pattern first and baseUrl last', async () => {
    const dir = tempProject({
      'tsconfig.json': JSON.stringify({
        compilerOptions: { baseUrl: 'src', paths: { '@/*': ['legacy/*'], '@/metrics': ['metrics'] } },
      }),
      'src/metrics.ts': metrics('new'),
      'src/legacy/metrics.ts': metrics('legacy'),
      'src/handler.ts': handler('checkout'),
      'src/other.ts': `import { requests } from 'legacy/metrics';\nexport function other() { requests.inc({ page: 'cart' }); }\n`,
    });
    expect(await series(dir)).toEqual(['legacy_requests_total cart', 'new_requests_total checkout']);
  });
});

describe('ModuleResolver answers', () => {
  // The resolver keeps what each directory's aliases and each package name resolve to: the answer
  // for a file must stay its own directory's, however many other files asked before it.
  const aliases = [
    { pattern: '@/*', targets: ['src/*'], baseDir: '/repo/apps/api', scope: '/repo/apps/api' },
    { pattern: '@/*', targets: ['lib/*'], baseDir: '/repo/apps/api/legacy', scope: '/repo/apps/api/legacy' },
  ];
  const packages = [
    { name: '@acme/db', dir: '/repo/packages/db', entries: ['dist/index.js'], scripts: [], dependencies: {} },
  ];
  const files = new Set([
    '/repo/apps/api/src/metrics.ts',
    '/repo/apps/api/legacy/lib/metrics.ts',
    '/repo/apps/api/legacy/lib/metrics/index.ts',
    '/repo/apps/api/src/routes/index.ts',
    '/repo/packages/db/src/index.ts',
  ]);
  const exists = (p: string): boolean => files.has(p);
  const questions: [string, string][] = [
    ['@/metrics', '/repo/apps/api/src/handler.ts'],
    ['@/metrics', '/repo/apps/api/legacy/old.ts'],
    ['@/metrics', '/repo/apps/api/src/deep/er/handler.ts'],
    ['@/metrics', '/repo/apps/web/handler.ts'],
    ['./routes', '/repo/apps/api/src/main.ts'],
    ['./metrics.js', '/repo/apps/api/src/main.ts'],
    ['@acme/db', '/repo/apps/api/src/main.ts'],
    ['@acme/db', '/repo/apps/api/legacy/old.ts'],
  ];

  it('resolves each import from its own directory, asked in any order', () => {
    const expected = [
      '/repo/apps/api/src/metrics.ts',
      // The file before the directory's index, and the nearest tsconfig's aliases.
      '/repo/apps/api/legacy/lib/metrics.ts',
      '/repo/apps/api/src/metrics.ts',
      undefined,
      '/repo/apps/api/src/routes/index.ts',
      '/repo/apps/api/src/metrics.ts',
      '/repo/packages/db/src/index.ts',
      '/repo/packages/db/src/index.ts',
    ];
    const forward = new ModuleResolver(packages, aliases, []);
    expect(questions.map(([spec, from]) => forward.resolve(spec, from, exists))).toEqual(expected);
    const backward = new ModuleResolver(packages, aliases, []);
    const reversed = [...questions].reverse().map(([spec, from]) => backward.resolve(spec, from, exists));
    expect(reversed.reverse()).toEqual(expected);
    // Another file set (another `exists`) gets its own answers from the same resolver.
    const other = new Set(['/repo/packages/db/index.ts']);
    expect(forward.resolve('@acme/db', '/repo/apps/api/src/main.ts', (p) => other.has(p))).toBe(
      '/repo/packages/db/index.ts',
    );
  });
});

describe("a workspace package's exports map", () => {
  const packages = [
    {
      name: 'workbench',
      dir: '/repo/packages/workbench',
      entries: ['dist/index.js'],
      scripts: [],
      dependencies: {},
      exports: {
        '.': { types: './dist/index.d.ts', import: './dist/index.js' },
        './hono': { types: './dist/adapters/hono.d.ts', import: './dist/adapters/hono.js' },
        './plugins/*': './dist/plugins/*.js',
      },
    },
  ];
  const files = new Set([
    '/repo/packages/workbench/src/index.ts',
    '/repo/packages/workbench/src/adapters/hono.ts',
    '/repo/packages/workbench/src/plugins/retry.ts',
  ]);
  const exists = (p: string): boolean => files.has(p);
  const resolver = new ModuleResolver(packages, [], []);

  it("reads a subpath from its build output's source, by an exact key or a pattern", () => {
    expect(resolver.resolve('workbench/hono', '/repo/apps/worker/src/index.ts', exists)).toBe(
      '/repo/packages/workbench/src/adapters/hono.ts',
    );
    expect(resolver.resolve('workbench/plugins/retry', '/repo/apps/worker/src/index.ts', exists)).toBe(
      '/repo/packages/workbench/src/plugins/retry.ts',
    );
    expect(resolver.resolve('workbench', '/repo/apps/worker/src/index.ts', exists)).toBe(
      '/repo/packages/workbench/src/index.ts',
    );
    // A subpath the map does not list, and no source file of that path: nothing.
    expect(resolver.resolve('workbench/adapters/express', '/repo/apps/worker/src/index.ts', exists)).toBeUndefined();
  });

  it('reads a subpath built once per module format (`dist/cjs/`, `dist/esm/`) from its source', () => {
    const framework = {
      name: '@acme/framework',
      dir: '/repo/packages/framework',
      entries: ['dist/cjs/index.cjs'],
      scripts: [],
      dependencies: {},
      exports: {
        './nest': {
          require: { types: './dist/cjs/servers/nest.d.cts', default: './dist/cjs/servers/nest.cjs' },
          import: { types: './dist/esm/servers/nest.d.ts', default: './dist/esm/servers/nest.js' },
        },
      },
    };
    const sources = new Set(['/repo/packages/framework/src/servers/nest.ts']);
    expect(
      new ModuleResolver([framework], [], []).resolve('@acme/framework/nest', '/repo/apps/api/src/main.ts', (p) =>
        sources.has(p),
      ),
    ).toBe('/repo/packages/framework/src/servers/nest.ts');
  });
});

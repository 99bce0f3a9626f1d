import { describe, expect, it } from 'vitest';
import { analyze } from '../src/api.js';
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
});

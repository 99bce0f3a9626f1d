import { gitIn } from './git.js';
import { tempProject } from './cli.js';

/**
 * A small service for the git-hook tests: a metric in lib/ reached through a tsconfig alias, a
 * budget file that bounds `tenant`, and two handlers that label with a raw URL (line 4 of each).
 */
export const ORDERS_API: Record<string, string> = {
  'package.json': '{ "name": "orders-api", "private": true, "dependencies": { "prom-client": "^15.1.3" } }\n',
  'tsconfig.json': '{ "compilerOptions": { "baseUrl": ".", "paths": { "@app/*": ["lib/*"] }, "strict": true } }\n',
  'obslint.yaml': 'version: 1\nlabels: { tenant: 12 }\n',
  'lib/metrics.ts': `import { Counter } from 'prom-client';

export const requests = new Counter({
  name: 'orders_requests_total',
  help: 'Requests by route and tenant',
  labelNames: ['route', 'tenant'],
});
`,
  'src/http/handler.ts': `import { requests } from '@app/metrics';

export function handle(req: { originalUrl: string; headers: Record<string, string> }): void {
  requests.inc({ route: req.originalUrl, tenant: req.headers['x-tenant'] });
}
`,
  'src/http/admin.ts': `import { requests } from '@app/metrics';

export function audit(req: { url: string }, tenant: 'eu' | 'us'): void {
  requests.inc({ route: req.url, tenant });
}
`,
  'src/clean.ts': 'export const answer = 42;\n',
};

/** ORDERS_API in a fresh git repository with one commit on `main`. */
export function ordersApiRepo(extra: Record<string, string> = {}): string {
  const dir = tempProject({ ...ORDERS_API, ...extra });
  gitIn(dir, ['init', '--quiet', '--initial-branch=main']);
  gitIn(dir, ['add', '--all']);
  gitIn(dir, ['commit', '--quiet', '-m', 'orders-api']);
  return dir;
}

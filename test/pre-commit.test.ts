import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { REPO_ROOT, tempDir } from './helpers/cli.js';
import { gitIn } from './helpers/git.js';
import { ordersApiRepo } from './helpers/hook-project.js';

/**
 * The real round trip: Debian's `pre-commit` (installed by scripts/ensure-pre-commit.sh through
 * test/global-setup.ts) installs this repository as a `language: node` hook (npm install, npm pack,
 * npm install -g: the way users get it) and runs it on staged files of a temporary repository.
 * Each `try-repo` installs afresh into a throwaway store, so this is the slowest test in the suite.
 */
const RAW_URL_HANDLER = `import { requests } from '@app/metrics';

export function refund(req: { url: string }): void {
  requests.inc({ route: req.url, tenant: 'eu' });
}
`;
// \`tenant\` comes from a header: bounded only by the project's obslint.yaml, which the hook must read.
const CLEAN_HANDLER = `import { requests } from '@app/metrics';

export function health(req: { headers: Record<string, string> }): void {
  requests.inc({ route: '/health', tenant: req.headers['x-tenant'] });
}
`;

function preCommit(): string {
  const provided = inject('preCommit');
  if ('error' in provided) throw new Error(provided.error);
  return provided.path;
}

async function tryRepo(repo: string, files: string[]): Promise<{ code: number; output: string }> {
  const env = {
    ...process.env,
    PRE_COMMIT_HOME: tempDir('obslint-pre-commit-home-'),
    // The registry is reachable, but the packages are in npm's cache after `npm ci`: do not revalidate each one.
    npm_config_prefer_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    GIT_AUTHOR_NAME: 'obslint tests',
    GIT_AUTHOR_EMAIL: 'tests@obslint.invalid',
    GIT_COMMITTER_NAME: 'obslint tests',
    GIT_COMMITTER_EMAIL: 'tests@obslint.invalid',
  };
  try {
    const { stdout, stderr } = await promisify(execFile)(
      preCommit(),
      ['try-repo', REPO_ROOT, 'obslint', '--color=never', '--files', ...files],
      { cwd: repo, env, maxBuffer: 16 * 1024 * 1024 },
    );
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, output: `${e.stdout}${e.stderr}` };
  }
}

describe('pre-commit hook (.pre-commit-hooks.yaml, language: node)', () => {
  it('fails on a staged violation, reporting only the staged file', { timeout: 600_000 }, async () => {
    const repo = ordersApiRepo();
    writeFileSync(join(repo, 'src/http/refunds.ts'), RAW_URL_HANDLER);
    gitIn(repo, ['add', 'src/http/refunds.ts']);
    const run = await tryRepo(repo, ['src/http/refunds.ts']);
    expect(run.output).toMatch(/obslint\.+Failed/);
    expect(run.output).toContain(
      'src/http/refunds.ts\n  4:25  error  label `route` of `orders_requests_total` takes `req.url`',
    );
    expect(run.output).toContain('obslint/untemplated-route');
    // The project's other violations are context, not this commit's problem.
    expect(run.output).not.toContain('src/http/handler.ts');
    expect(run.code).toBe(1);
  });

  it(
    "passes on a clean staged file, using the project root's budget file for bounds",
    { timeout: 600_000 },
    async () => {
      const repo = ordersApiRepo();
      writeFileSync(join(repo, 'src/http/health.ts'), CLEAN_HANDLER);
      gitIn(repo, ['add', 'src/http/health.ts']);
      const run = await tryRepo(repo, ['src/http/health.ts']);
      expect(run.output).toMatch(/obslint\.+Passed/);
      expect(run.code).toBe(0);
    },
  );
});

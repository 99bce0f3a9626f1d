import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from './helpers/cli.js';
import { gitIn } from './helpers/git.js';
import { ordersApiRepo } from './helpers/hook-project.js';

/**
 * The real lint-staged (a devDependency) in a temporary git repository, with the configuration the
 * README shows. A small wrapper records each argument list lint-staged passes (absolute paths, in
 * chunks under `--max-arg-length`) before running the built CLI, so the test sees what obslint got.
 */
const LINT_STAGED = join(REPO_ROOT, 'node_modules', 'lint-staged', 'bin', 'lint-staged.js');
const OBSLINT = join(REPO_ROOT, 'bin', 'obslint.js');

const RAW_URL_HANDLER = `import { requests } from '@app/metrics';

export function refund(req: { url: string }): void {
  requests.inc({ route: req.url, tenant: 'eu' });
}
`;
const cleanHandler = (name: string): string => `import { requests } from '@app/metrics';

export function ${name}(req: { headers: Record<string, string> }): void {
  requests.inc({ route: '/${name}', tenant: req.headers['x-tenant'] });
}
`;

function recordingWrapper(): { script: string; log: string } {
  const dir = tempDir('obslint-lint-staged-');
  const script = join(dir, 'record-and-lint.mjs');
  const log = join(dir, 'calls.jsonl');
  writeFileSync(
    script,
    `import { appendFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
appendFileSync(${JSON.stringify(log)}, JSON.stringify(process.argv.slice(2)) + '\\n');
const run = spawnSync(process.execPath, [${JSON.stringify(OBSLINT)}, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(run.status ?? 2);
`,
  );
  writeFileSync(log, '');
  return { script, log };
}

async function lintStaged(repo: string, args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [LINT_STAGED, ...args], {
      cwd: repo,
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, output: `${e.stdout}${e.stderr}` };
  }
}

function setUp(): { repo: string; log: string } {
  const { script, log } = recordingWrapper();
  const repo = ordersApiRepo({
    '.lintstagedrc.json': `${JSON.stringify({ '*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}': `node ${script}` }, null, 2)}\n`,
  });
  return { repo, log };
}

const calls = (log: string): string[][] =>
  readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as string[]);

describe('lint-staged', () => {
  it('fails the commit on a staged violation, in chunks of absolute paths, reporting only staged files', async () => {
    const { repo, log } = setUp();
    for (const name of ['health', 'ready', 'status'])
      writeFileSync(join(repo, `src/http/${name}.ts`), cleanHandler(name));
    writeFileSync(join(repo, 'src/http/refunds.ts'), RAW_URL_HANDLER);
    gitIn(repo, ['add', 'src/http']);
    const run = await lintStaged(repo, ['--max-arg-length', '120', '--concurrent', 'false']);
    expect(run.code).toBe(1);
    expect(run.output).toContain('4:25  error  label `route` of `orders_requests_total` takes `req.url`');
    expect(run.output).not.toContain('handler.ts');
    const chunks = calls(log);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.flat().sort()).toEqual(
      ['health', 'ready', 'refunds', 'status'].map((name) => join(repo, `src/http/${name}.ts`)),
    );
  });

  it('passes on clean staged files, and on a staged deletion passed with --diff-filter', async () => {
    const { repo, log } = setUp();
    writeFileSync(join(repo, 'src/http/health.ts'), cleanHandler('health'));
    gitIn(repo, ['add', 'src/http/health.ts']);
    gitIn(repo, ['rm', '--quiet', 'src/clean.ts']);
    const run = await lintStaged(repo, ['--diff-filter', 'ACMRD']);
    expect(run.output).not.toContain('error');
    expect(run.code).toBe(0);
    expect(calls(log).flat().sort()).toEqual([join(repo, 'src/clean.ts'), join(repo, 'src/http/health.ts')]);
  });
});

import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RuleTester } from '@typescript-eslint/rule-tester';
import { ESLint } from 'eslint';
import { defineConfig } from 'eslint/config';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze, rules as obslintRules } from '../src/api.js';
import plugin from '../src/eslint-plugin/index.js';
import { docsUrl } from '../src/util/package.js';
import { REPO_ROOT, tempProject } from './helpers/cli.js';
import { ORDERS_API } from './helpers/hook-project.js';

RuleTester.afterAll = afterAll;
RuleTester.it = it;
RuleTester.itOnly = it.only;
RuleTester.describe = describe;

const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };

// The orders-api project on disk: lib/metrics.ts (reached through a tsconfig alias), obslint.yaml
// bounding `tenant`, src/http/admin.ts and handler.ts labelling with a raw URL on line 4.
const project = tempProject(ORDERS_API);
const cli = await analyze({ cwd: project, paths: ['.'] });
const cliFinding = (file: string, ruleId: string) => {
  const found = cli.findings.find((f) => f.loc.file === file && f.ruleId === ruleId);
  if (!found) throw new Error(`the CLI has no ${ruleId} finding in ${file}`);
  return found;
};
const HEALTH = `import { requests } from '@app/metrics';

export function health(req: { headers: Record<string, string> }): void {
  requests.inc({ route: '/health', tenant: req.headers['x-tenant'] });
}
`;
const admin = ORDERS_API['src/http/admin.ts'];
const adminFinding = cliFinding('src/http/admin.ts', 'untemplated-route');

/** The tester types rules with typescript-eslint's types; the plugin's are ESLint's own: the same objects at run time. */
const typedRule = (id: string) => plugin.rules[id] as unknown as Parameters<RuleTester['run']>[1];

const ruleTester = new RuleTester({ languageOptions: { parserOptions: { tsconfigRootDir: project } } });

describe('obslint/untemplated-route in ESLint', () => {
  ruleTester.run('untemplated-route', typedRule('untemplated-route'), {
    valid: [
      // An editor's unsaved fix is analysed in place of the file on disk.
      { filename: 'src/http/admin.ts', code: admin.replace('route: req.url', "route: '/admin'") },
      // `tenant` from a header is bounded by the project's obslint.yaml; the metric lives in another file.
      {
        filename: 'src/clean.ts',
        code: `import { requests } from '@app/metrics';\nexport const h = (req: { headers: Record<string, string> }) => requests.inc({ route: '/h', tenant: req.headers['x-tenant'] });\n`,
      },
    ],
    invalid: [
      {
        // The file as on disk: the CLI's message and location.
        filename: 'src/http/admin.ts',
        code: admin,
        errors: [
          {
            messageId: 'finding',
            data: { message: adminFinding.message },
            line: adminFinding.loc.line,
            column: adminFinding.loc.column,
            endLine: adminFinding.loc.endLine,
            endColumn: adminFinding.loc.endColumn,
          },
        ],
      },
      {
        // An unsaved buffer that adds a violation to a clean file.
        filename: 'src/clean.ts',
        code: `import { requests } from '@app/metrics';\n\nexport const track = (req: { originalUrl: string }) =>\n  requests.inc({ route: req.originalUrl, tenant: 'eu' });\n`,
        errors: [{ messageId: 'finding', line: 4, column: 25 }],
      },
    ],
  });
});

describe('obslint/untemplated-route with typed linting (projectService), as obslint/recommended sets it', () => {
  const typed = new RuleTester({
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: project } },
  });
  const handler = ORDERS_API['src/http/handler.ts'];
  typed.run('untemplated-route', typedRule('untemplated-route'), {
    valid: [{ filename: 'src/http/handler.ts', code: handler.replace('req.originalUrl', "'/orders'") }],
    invalid: [
      { filename: 'src/http/handler.ts', code: handler, errors: [{ messageId: 'finding', line: 4, column: 25 }] },
    ],
  });
});

describe('the plugin object', () => {
  it('has meta with the package name and version, and the obslint namespace', () => {
    expect(plugin.meta).toEqual({ name: pkg.name, version: pkg.version, namespace: 'obslint' });
  });

  it('has every obslint rule with its description and docs URL', () => {
    expect(Object.keys(plugin.rules).sort()).toEqual(obslintRules.map((r) => r.id).sort());
    for (const rule of obslintRules) {
      const meta = plugin.rules[rule.id].meta!;
      expect(meta.docs).toEqual({ description: rule.meta.description, url: docsUrl(rule.id) });
      expect(meta.type).toBe(rule.meta.defaultSeverity === 'error' ? 'problem' : 'suggestion');
      expect(meta.schema).toEqual([]);
    }
  });

  it('recommended: TS/JS files, typed linting, every rule at its default severity', () => {
    const [config] = plugin.configs.recommended;
    expect(config.files).toEqual(['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}']);
    expect(config.languageOptions?.parserOptions).toEqual({ projectService: true });
    expect(config.rules).toEqual(
      Object.fromEntries(
        obslintRules.map((r) => [`obslint/${r.id}`, r.meta.defaultSeverity === 'error' ? 'error' : 'warn']),
      ),
    );
  });

  it('works through defineConfig `extends: ["obslint/recommended"]` under any plugin key', async () => {
    const eslint = new ESLint({
      cwd: project,
      overrideConfigFile: true,
      overrideConfig: defineConfig([
        {
          plugins: { observability: plugin },
          extends: ['observability/recommended'],
          languageOptions: { parserOptions: { projectService: false } },
        },
      ]),
    });
    const [result] = await eslint.lintFiles(['src/http/admin.ts']);
    expect(result.messages.map((m) => `${m.line}:${m.column} ${m.ruleId} ${m.message}`)).toEqual([
      `${adminFinding.loc.line}:${adminFinding.loc.column} observability/untemplated-route ${adminFinding.message}`,
    ]);
  });
});

describe('the memoised project analysis', () => {
  it('re-analyses when a file it read changes on disk (here the budget file), not only the linted one', async () => {
    const dir = tempProject({ ...ORDERS_API, 'src/http/health.ts': HEALTH });
    const eslint = new ESLint({
      cwd: dir,
      overrideConfigFile: true,
      overrideConfig: [
        ...plugin.configs.recommended,
        { languageOptions: { parserOptions: { projectService: false } } },
      ],
    });
    const lint = async () =>
      (await eslint.lintText(HEALTH, { filePath: join(dir, 'src/http/health.ts') }))[0].messages.map(
        (m) => `${m.line}:${m.column} ${m.ruleId}`,
      );
    expect(await lint()).toEqual([]);
    writeFileSync(join(dir, 'obslint.yaml'), 'version: 1\n');
    // The disk is checked at most once a second: an `eslint .` run lints many files in that time.
    await new Promise((done) => setTimeout(done, 1100));
    expect(await lint()).toEqual(['4:44 obslint/unbounded-label']);
  });
});

describe('a broken budget file', () => {
  it("stops the lint with the CLI's message and location", async () => {
    const dir = tempProject({ ...ORDERS_API, 'obslint.yaml': 'version: 1\nlabels: [oops\n' });
    const eslint = new ESLint({
      cwd: dir,
      overrideConfigFile: true,
      overrideConfig: [
        ...plugin.configs.recommended,
        { languageOptions: { parserOptions: { projectService: false } } },
      ],
    });
    await expect(eslint.lintFiles(['src/clean.ts'])).rejects.toThrow(
      'obslint.yaml:2:9: invalid YAML: this `[` is never closed with `]` (flow sequence)',
    );
  });
});

describe('the obslint/eslint-plugin export', () => {
  it('resolves by package name and loads neither commander nor chalk', () => {
    // A resolve hook records every module the plugin's entry pulls in.
    const hook = `data:text/javascript,${encodeURIComponent(
      'export async function resolve(s, c, next) { const r = await next(s, c); process.stderr.write(r.url + "\\n"); return r; }',
    )}`;
    const register = `data:text/javascript,${encodeURIComponent(`import { register } from 'node:module'; register(${JSON.stringify(hook)});`)}`;
    const run = spawnSync(
      process.execPath,
      [
        '--import',
        register,
        '--input-type=module',
        '-e',
        "const { default: p } = await import('obslint/eslint-plugin'); console.log(JSON.stringify(p.meta));",
      ],
      { cwd: REPO_ROOT, encoding: 'utf8' },
    );
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ name: 'obslint', version: pkg.version, namespace: 'obslint' });
    const loaded = run.stderr.split('\n').filter((url) => url.includes('/node_modules/'));
    expect(loaded.some((url) => url.includes('/node_modules/@typescript-eslint/parser/'))).toBe(true);
    expect(loaded.filter((url) => /\/node_modules\/(commander|chalk)\//.test(url))).toEqual([]);
  });
});

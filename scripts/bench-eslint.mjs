// ESLint latency with and without the obslint plugin: each scenario in a fresh process, the first
// `eslint .` (cold: includes obslint's analysis of the project) and a second one in the same process
// (warm: the memoised analysis), and an editor's keystroke (one file linted with unsaved text).
//   npm run bench:eslint                      inventory-service fixture and a generated 300-file project
//   npm run bench:eslint -- /path/to/project  a real project (run from its root: ESLint's cwd)
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const SCENARIOS = {
  'parser only': 'none',
  'obslint, projectService off': 'untyped',
  'obslint/recommended (projectService)': 'typed',
};

function generateProject(files = 300) {
  const root = mkdtempSync(join(tmpdir(), 'obslint-bench-eslint-'));
  writeFileSync(join(root, 'package.json'), '{"name":"bench-eslint","private":true,"type":"module"}\n');
  writeFileSync(join(root, 'tsconfig.json'), '{"compilerOptions":{"strict":true,"module":"nodenext","noEmit":true}}\n');
  mkdirSync(join(root, 'src'));
  for (let i = 0; i < files; i++) {
    const body =
      i % 10 === 0
        ? `import { Counter } from 'prom-client';\ntype Outcome = 'ok' | 'error';\nexport const requests${i} = new Counter({ name: 'svc${i}_requests_total', help: 'Requests', labelNames: ['outcome', 'route'] });\nexport function handle${i}(req: { url: string }, outcome: Outcome): void {\n  requests${i}.inc({ outcome, route: req.url });\n}\n`
        : `export interface Order${i} { id: string; total: number; lines: { sku: string; qty: number }[] }\nexport function total${i}(order: Order${i}): number {\n  let sum = 0;\n  for (const line of order.lines) sum += line.qty * ${(i % 7) + 1};\n  return sum + order.total;\n}\n`;
    writeFileSync(join(root, 'src', `module-${i}.ts`), body);
  }
  return root;
}

/** Runs in a child: cold and warm `eslint .`, then a keystroke in the first source file. */
const CHILD = `
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import tsParser from '@typescript-eslint/parser';
import plugin from ${JSON.stringify(join(ROOT, 'dist/src/eslint-plugin/index.js'))};
const [cwd, mode, file] = process.argv.slice(1);
const config =
  mode === 'none'
    ? [{ files: ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'], languageOptions: { parser: tsParser } }]
    : [...plugin.configs.recommended, ...(mode === 'untyped' ? [{ languageOptions: { parserOptions: { projectService: false } } }] : [])];
const eslint = new ESLint({ cwd, overrideConfigFile: true, overrideConfig: config });
const time = async (fn) => { const t = performance.now(); const r = await fn(); return [performance.now() - t, r]; };
const [cold, results] = await time(() => eslint.lintFiles(['.']));
const [warm] = await time(() => eslint.lintFiles(['.']));
const text = readFileSync(join(cwd, file), 'utf8') + '// typing\\n';
const [keystroke] = await time(() => eslint.lintText(text, { filePath: join(cwd, file) }));
const messages = results.reduce((n, r) => n + r.messages.filter((m) => m.ruleId?.startsWith('obslint/')).length, 0);
console.log(JSON.stringify({ files: results.length, cold, warm, keystroke, messages }));
`;

function runScenario(dir, mode, file) {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', CHILD, dir, mode, file], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out.trim().split('\n').pop());
}

function firstSource(dir) {
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const path = join(d, entry.name);
      if (entry.isDirectory()) {
        const found = walk(path);
        if (found) return found;
      } else if (/\.(c|m)?tsx?$/.test(entry.name)) return path;
    }
    return undefined;
  };
  return relative(dir, walk(dir));
}

const generated = [];
const dirs = process.argv.slice(2).length
  ? process.argv.slice(2)
  : [join(ROOT, 'fixtures/projects/inventory-service'), generated[generated.push(generateProject()) - 1]];
const ms = (n) => `${n.toFixed(0)} ms`;
console.log(
  '| project | files | scenario | cold | warm | per file, cold | per file, warm | keystroke (one file) | obslint findings |',
);
console.log('| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const dir of dirs) {
  const file = firstSource(dir);
  const name = generated.includes(dir) ? 'generated (300 files)' : relative(ROOT, dir) || dir;
  for (const [label, mode] of Object.entries(SCENARIOS)) {
    const r = runScenario(dir, mode, file);
    console.log(
      `| ${name} | ${r.files} | ${label} | ${ms(r.cold)} | ${ms(r.warm)} | ${(r.cold / r.files).toFixed(1)} ms | ${(r.warm / r.files).toFixed(1)} ms | ${ms(r.keystroke)} | ${r.messages} |`,
    );
  }
}
for (const dir of generated) rmSync(dir, { recursive: true, force: true });

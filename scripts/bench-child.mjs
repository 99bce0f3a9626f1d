// One measured process for `npm run bench`. Writes its own CPU time and peak RSS (from
// process.resourceUsage, so the whole process, start-up included) to BENCH_RESULT on exit.
//   node scripts/bench-child.mjs parse <file-list.json>       read + ts.createSourceFile, nothing else
//   node scripts/bench-child.mjs obslint <root> [cli args…]    the obslint CLI, JSON report to BENCH_OUTPUT
//   node scripts/bench-child.mjs eslint <file-list.json> <root>  ESLint + typescript-eslint's parser, no types, one rule
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const [mode, target, ...rest] = process.argv.slice(2);
let detail = {};

process.on('exit', () => {
  const usage = process.resourceUsage();
  writeFileSync(
    process.env.BENCH_RESULT,
    JSON.stringify({
      cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
      maxRssKiB: usage.maxRSS,
      ...detail,
    }),
  );
});

if (mode === 'parse') {
  // The TypeScript obslint itself parses with (ts-morph's), so the two parse the same way.
  const { ts } = await import('ts-morph');
  const files = JSON.parse(readFileSync(target, 'utf8'));
  let statements = 0;
  for (const file of files) {
    const kind = file.endsWith('.tsx')
      ? ts.ScriptKind.TSX
      : /\.[cm]?js$/.test(file)
        ? ts.ScriptKind.JS
        : ts.ScriptKind.TS;
    statements += ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, kind).statements
      .length;
  }
  detail = { files: files.length, statements };
} else if (mode === 'obslint') {
  // What bin/obslint.js runs: the bundled CLI when the build wrote it.
  const bundle = new URL('../dist/src/bundle/main.js', import.meta.url);
  const { main, boundHeapGrowth } = await import(existsSync(bundle) ? bundle.href : '../dist/src/cli/main.js');
  boundHeapGrowth();
  const stderr = [];
  // BENCH_PATHS: a JSON list of paths to pass instead of `.` (the named-files rows).
  const paths = process.env.BENCH_PATHS ? JSON.parse(readFileSync(process.env.BENCH_PATHS, 'utf8')) : ['.'];
  const code = await main(['--format', 'json', '--output', process.env.BENCH_OUTPUT, ...rest, ...paths], {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => stderr.push(t),
    isTTY: false,
    env: process.env,
    cwd: target,
  });
  detail = { code, stderr: stderr.join('') };
} else if (mode === 'eslint') {
  // What an editor or CI lint pass costs over the same files: parse to ESTree and run one cheap rule.
  const { Linter } = await import('eslint');
  const parser = await import('@typescript-eslint/parser');
  const files = JSON.parse(readFileSync(target, 'utf8'));
  const linter = new Linter({ cwd: rest[0] });
  const config = [
    {
      files: ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'],
      languageOptions: { parser, parserOptions: { ecmaFeatures: { jsx: true } } },
      rules: { 'no-debugger': 'error' },
    },
  ];
  let messages = 0;
  for (const file of files) messages += linter.verify(readFileSync(file, 'utf8'), config, { filename: file }).length;
  detail = { files: files.length, messages };
} else {
  console.error(
    'usage: bench-child.mjs parse <file-list.json> | obslint <root> [args…] | eslint <file-list.json> <root>',
  );
  process.exit(2);
}

// One measured process for `npm run bench`. Writes its own CPU time and peak RSS (from
// process.resourceUsage, so the whole process, start-up included) to BENCH_RESULT on exit.
//   node scripts/bench-child.mjs parse <file-list.json>       read + ts.createSourceFile, nothing else
//   node scripts/bench-child.mjs obslint <root> [cli args…]    the obslint CLI, JSON report to BENCH_OUTPUT
import { readFileSync, writeFileSync } from 'node:fs';

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
  const { main } = await import('../dist/src/cli/main.js');
  const stderr = [];
  const code = await main(['--format', 'json', '--output', process.env.BENCH_OUTPUT, ...rest, '.'], {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => stderr.push(t),
    isTTY: false,
    env: process.env,
    cwd: target,
  });
  detail = { code, stderr: stderr.join('') };
} else {
  console.error('usage: bench-child.mjs parse <file-list.json> | obslint <root> [args…]');
  process.exit(2);
}

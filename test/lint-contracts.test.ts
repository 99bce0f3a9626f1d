import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers/cli.js';

const REPO = join(import.meta.dirname, '..');
const BIN = join(REPO, 'node_modules', '.bin');
const run = promisify(execFile);

/** A scratch tree with the repository's own lint configuration, holding `files`. */
function scratch(files: Record<string, string>): string {
  const dir = tempDir('obslint-lint-');
  for (const config of ['.dependency-cruiser.cjs', '.prettierrc.json'])
    copyFileSync(join(REPO, config), join(dir, config));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', strict: true } }));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  for (const layer of ['src', 'rules']) mkdirSync(join(dir, layer));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

async function exitOf(command: string, args: string[], cwd: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(join(BIN, command), args, { cwd });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, output: e.stdout + e.stderr };
  }
}

const depcruise = (dir: string) => exitOf('depcruise', ['src', 'rules', '--output-type', 'err'], dir);

describe('npm run lint enforces the house contracts', () => {
  it('passes a tree that keeps them', async () => {
    const dir = scratch({
      'src/types.ts': 'export type Kind = string;\n',
      'rules/clean/rule.ts': "import type { Kind } from '../../src/types.js';\nexport const kind: Kind = 'counter';\n",
    });
    expect(await depcruise(dir)).toMatchObject({ code: 0 });
  });

  it('fails on an import cycle', async () => {
    const dir = scratch({
      'src/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
      'src/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
    });
    const result = await depcruise(dir);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('no-circular');
  });

  it('fails when a rule reads files or reaches into extraction', async () => {
    const dir = scratch({
      'src/extract/facts/metrics.ts': 'export const metrics = [];\n',
      'rules/reader/rule.ts':
        "import { readFileSync } from 'node:fs';\nimport { metrics } from '../../src/extract/facts/metrics.js';\nexport const text = readFileSync('x', 'utf8') + metrics.length;\n",
    });
    const result = await depcruise(dir);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('pure-layers-do-no-io: rules/reader/rule.ts → fs');
    expect(result.output).toContain('rules-use-the-rule-api: rules/reader/rule.ts → src/extract/facts/metrics.ts');
  });

  it('fails on an unformatted line', async () => {
    const dir = scratch({ 'src/ugly.ts': 'export const  ugly = {a:1,   b : 2}\n' });
    const result = await exitOf('prettier', ['--check', 'src'], dir);
    expect(result.code).toBe(1);
    expect(result.output).toContain('src/ugly.ts');
    expect(
      await exitOf('prettier', ['--check', 'src'], scratch({ 'src/neat.ts': 'export const neat = { a: 1 };\n' })),
    ).toMatchObject({ code: 0 });
  });
});

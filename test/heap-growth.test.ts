import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { boundHeapGrowth } from '../src/cli/heap-growth.js';

/** Runs `boundHeapGrowth` in a Node of its own (V8's flags are the process's), as the CLI's process would. */
function decidedIn(nodeArgs: string[], env: NodeJS.ProcessEnv = {}): string {
  const script = `import('${new URL('../dist/src/cli/main.js', import.meta.url).href}').then((m) => console.log(m.boundHeapGrowth()))`;
  const child = spawnSync(process.execPath, [...nodeArgs, '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '', ...env },
  });
  expect(child.stderr).toBe('');
  return child.stdout.trim();
}

describe('bounded heap growth (the CLI process)', () => {
  it('sets the growth when Node was started without a choice of its own', () => {
    expect(decidedIn([])).toBe('true');
  });

  it('keeps the growth chosen on the command line, and other heap settings alike', () => {
    expect(decidedIn(['--heap-growing-percent=50'])).toBe('false');
    expect(boundHeapGrowth(['--heap_growing_percent=10'])).toBe(false);
    expect(decidedIn([], { NODE_OPTIONS: '--max-old-space-size=2048' })).toBe('true');
  });
});

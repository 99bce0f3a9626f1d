import { mkdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Consulted, unchanged } from '../src/discovery/consulted.js';
import { tempDir } from './helpers/cli.js';

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 150));

describe('stamps of what discovery consulted', () => {
  it('notice a file replaced with the same size and modification time (cp -p, a cache restore)', async () => {
    const dir = tempDir();
    const config = join(dir, 'tsconfig.json');
    writeFileSync(config, '{ "compilerOptions": { "paths": { "@lib/*": ["src/lix/*"] } } }');
    await settle();
    const consulted = new Consulted();
    consulted.files.add(config);
    const stamps = consulted.stamps();
    expect(unchanged(stamps)).toBe(true);
    const { atime, mtime } = statSync(config);
    await settle();
    writeFileSync(config, '{ "compilerOptions": { "paths": { "@lib/*": ["src/lib/*"] } } }');
    utimesSync(config, atime, mtime);
    await settle();
    // The modification time is back (to the millisecond: utimes takes a float), the size the same.
    expect(statSync(config).mtimeMs).toBeCloseTo(mtime.getTime(), 0);
    expect(unchanged(stamps)).toBe(false);
  });

  it('never trust a stamp of a change too recent to be told from the next one', async () => {
    const dir = tempDir();
    const consulted = new Consulted();
    writeFileSync(join(dir, 'a.ts'), '');
    // Changed "now" as far as the clock can tell (a time ahead of it, so that a slow machine cannot
    // age it past the window): a later change could share its timestamp.
    const ahead = new Date(Date.now() + 5_000);
    utimesSync(dir, ahead, ahead);
    consulted.directories.add(dir);
    expect(unchanged(consulted.stamps())).toBe(false);
    const now = new Date();
    utimesSync(dir, now, now);
    await settle();
    const later = new Consulted();
    later.directories.add(dir);
    later.probes.add(join(dir, '.git'));
    expect(unchanged(later.stamps())).toBe(true);
    writeFileSync(join(dir, 'b.ts'), '');
    expect(unchanged(later.stamps())).toBe(false);
  });

  it('notice a probed path appear, in a directory it stamped and in one it did not', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'app'));
    await settle();
    const consulted = new Consulted();
    consulted.directories.add(dir);
    consulted.probes.add(join(dir, 'package-lock.json'));
    // A probe outside every listed directory (the repository root above the project) is asked again.
    consulted.probes.add(join(dir, 'app', 'yarn.lock'));
    const stamps = consulted.stamps();
    expect(unchanged(stamps)).toBe(true);
    writeFileSync(join(dir, 'app', 'yarn.lock'), '');
    expect(unchanged(stamps)).toBe(false);
    await settle();
    const again = new Consulted();
    again.directories.add(dir);
    again.probes.add(join(dir, 'package-lock.json'));
    const fresh = again.stamps();
    expect(unchanged(fresh)).toBe(true);
    writeFileSync(join(dir, 'package-lock.json'), '{}');
    expect(unchanged(fresh)).toBe(false);
  });
});

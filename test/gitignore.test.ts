import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discover } from '../src/discovery/discover.js';
import { GitIgnore } from '../src/discovery/gitignore.js';
import { tempProject } from './helpers/cli.js';

const SOURCE = 'export const x = 1;\n';

describe('.gitignore', () => {
  it('applies each file to the paths under its directory, deeper files winning, ignored directories closed', async () => {
    const dir = tempProject({
      '.gitignore': '*.gen.ts\nscratch/\n/top-only.ts\n',
      'top-only.ts': SOURCE,
      'src/top-only.ts': SOURCE,
      'src/a.gen.ts': SOURCE,
      'src/keep.ts': SOURCE,
      'scratch/notes.ts': SOURCE,
      'packages/api/.gitignore': '!*.gen.ts\ngenerated/\n',
      'packages/api/src/routes.gen.ts': SOURCE,
      'packages/api/generated/client.ts': SOURCE,
      'packages/api/src/other/.gitignore': 'local.ts\n',
      'packages/api/src/other/local.ts': SOURCE,
      'packages/api/src/local.ts': SOURCE,
      // A negation cannot bring back a file whose directory is ignored (as in git).
      'packages/web/.gitignore': 'cache/\n!cache/keep.ts\n',
      'packages/web/cache/keep.ts': SOURCE,
    });
    const { files } = await discover(['.'], dir, []);
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual([
      'packages/api/src/local.ts',
      'packages/api/src/routes.gen.ts',
      'src/keep.ts',
      'src/top-only.ts',
    ]);
  });

  it('skips an out/ directory of build output, but not a module of that name inside a source tree', async () => {
    const dir = tempProject({
      'out/server.js': SOURCE,
      'packages/site/out/index.js': SOURCE,
      'src/out/webhooks/metrics.js': SOURCE,
      'src/process/events.js': SOURCE,
    });
    const { files } = await discover(['.'], dir, []);
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual(['src/out/webhooks/metrics.js', 'src/process/events.js']);
  });

  it('reads the .gitignore files of the repository above the analysed directory', () => {
    const repo = tempProject({
      '.gitignore': 'legacy/\n',
      'services/.gitignore': '*.local.ts\n',
      'services/billing/src/a.ts': SOURCE,
      'services/billing/src/b.local.ts': SOURCE,
      'services/billing/legacy/c.ts': SOURCE,
    });
    mkdirSync(join(repo, '.git'));
    const cwd = join(repo, 'services', 'billing');
    const matcher = GitIgnore.load(cwd, []);
    expect(matcher.ignores(join(cwd, 'src/a.ts'))).toBe(false);
    expect(matcher.ignores(join(cwd, 'src/b.local.ts'))).toBe(true);
    expect(matcher.ignores(join(cwd, 'legacy/c.ts'))).toBe(true);
    // Outside a repository, only the .gitignore files at and under the directory count.
    const alone = tempProject({ 'sub/.gitignore': 'x.ts\n', 'sub/x.ts': SOURCE, 'sub/y.ts': SOURCE });
    const sub = GitIgnore.load(join(alone, 'sub'), []);
    expect([sub.ignores(join(alone, 'sub/x.ts')), sub.ignores(join(alone, 'sub/y.ts'))]).toEqual([true, false]);
  });

  it('keeps a file git tracks, whatever .gitignore says (`*.js` with the sources added by `git add -f`)', () => {
    const repo = tempProject({
      '.gitignore': '# To add new .js files, use git add -f\n*.js\n',
      'server.js': SOURCE,
      'app/routes.js': SOURCE,
      'app/bundle.js': SOURCE,
    });
    execFileSync('git', ['init', '-q'], { cwd: repo });
    execFileSync('git', ['add', '-f', 'server.js', 'app/routes.js'], { cwd: repo });
    const matcher = GitIgnore.load(repo, []);
    expect(matcher.ignores(join(repo, 'server.js'))).toBe(false);
    expect(matcher.ignores(join(repo, 'app/routes.js'))).toBe(false);
    // Not tracked: the rule holds.
    expect(matcher.ignores(join(repo, 'app/bundle.js'))).toBe(true);
  });

  it('keeps each walk its own settings while the walks share directory listings', async () => {
    // One listing per directory serves the three walks (.gitignore files, manifests and tsconfigs,
    // sources): the manifest walk still follows a symlinked directory, the source walk still does
    // not, and the ignores found by the first walks still shape the last.
    const vendored = tempProject({
      'package.json': '{"name":"@acme/vendored"}',
      'src/vendored.ts': SOURCE,
    });
    const dir = tempProject({
      '.gitignore': '*.local.ts\n',
      'tsconfig.json': '{ "compilerOptions": { "outDir": "lib" } }',
      'lib/built.ts': SOURCE,
      'src/app.ts': SOURCE,
      'src/app.local.ts': SOURCE,
      'packages/api/package.json': '{"name":"@acme/api"}',
      'packages/api/.gitignore': 'generated/\n',
      'packages/api/src/index.ts': SOURCE,
      'packages/api/generated/client.ts': SOURCE,
    });
    symlinkSync(vendored, join(dir, 'vendor'), 'dir');
    const found = await discover(['.'], dir, []);
    expect(found.files.map((f) => relative(dir, f))).toEqual(['packages/api/src/index.ts', 'src/app.ts']);
    expect(found.packages.map((p) => `${p.name} ${relative(dir, p.dir)}`).sort()).toEqual([
      '@acme/api packages/api',
      '@acme/vendored vendor',
    ]);
  });
});

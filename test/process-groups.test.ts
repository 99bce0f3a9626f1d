import { describe, expect, it } from 'vitest';
import { PackageIndex } from '../src/extract/facts/workspace-packages.js';
import type { WorkspacePackage } from '../src/extract/syntax/module-resolver.js';

const pkg = (dir: string, name: string, dependencies: Record<string, string> = {}): WorkspacePackage => ({
  name,
  dir: `/repo/${dir}`,
  entries: [],
  scripts: [],
  dependencies,
});

describe('process groups: the packages whose code may run in one process', () => {
  const packages = new PackageIndex('/repo', [
    pkg('.', 'repo-root'),
    pkg('packages/api', '@shop/api', { '@shop/db': '1.0.0' }),
    pkg('packages/db', '@shop/db'),
    pkg('packages/worker', '@shop/worker'),
    pkg('examples/demo', 'demo', { express: '^4.19.2' }),
  ]);
  // The worker reaches into the db package by a relative import, without declaring it.
  const importers = new Map([['/repo/packages/db/src/pool.ts', ['/repo/packages/worker/src/job.ts']]]);
  const groupOf = packages.processGroups(importers);
  const group = (file: string): string => groupOf(`/repo/${file}`).key;

  it('joins packages by a declared dependency and by an import between their files', () => {
    expect(group('packages/api/src/server.ts')).toBe(group('packages/db/src/pool.ts'));
    expect(group('packages/worker/src/job.ts')).toBe(group('packages/db/src/pool.ts'));
  });

  it('keeps a standalone package and the root apart, each named by its first package', () => {
    expect(group('examples/demo/src/demo.ts')).toBe('examples/demo');
    expect(group('scripts/release.ts')).toBe('.');
    expect(group('packages/api/src/server.ts')).toBe('packages/api');
  });
});

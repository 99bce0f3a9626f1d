import { describe, expect, it } from 'vitest';
import { PackageIndex } from '../src/extract/facts/workspace-packages.js';
import type { WorkspacePackage } from '../src/extract/syntax/module-resolver.js';

const pkg = (
  dir: string,
  name: string,
  dependencies: Record<string, string> = {},
  peers: string[] = [],
): WorkspacePackage => ({
  name,
  dir: `/repo/${dir}`,
  entries: [],
  scripts: [],
  dependencies,
  peers,
});

describe('process groups: the packages whose code may run in one process', () => {
  const packages = new PackageIndex('/repo', [
    pkg('.', 'repo-root'),
    pkg('packages/api', '@shop/api', { '@shop/db': '1.0.0' }),
    pkg('packages/db', '@shop/db'),
    pkg('packages/worker', '@shop/worker'),
    pkg('examples/demo', 'demo', { express: '^4.19.2', '@shop/tsconfig': '*' }),
    // Configuration only (no source files): every package lists it, none runs it.
    pkg('packages/tsconfig', '@shop/tsconfig'),
    pkg('packages/api-plugin', '@shop/api-plugin', { '@shop/tsconfig': '*' }, ['@shop/api']),
  ]);
  // The worker reaches into the db package by a relative import, without declaring it.
  const importers = new Map([['/repo/packages/db/src/pool.ts', ['/repo/packages/worker/src/job.ts']]]);
  const files = [
    'packages/api/src/server.ts',
    'packages/db/src/pool.ts',
    'packages/worker/src/job.ts',
    'examples/demo/src/demo.ts',
  ];
  const groupOf = packages.processGroups(
    importers,
    files.map((f) => `/repo/${f}`),
  );
  const group = (file: string): string => groupOf(`/repo/${file}`).key;

  it('joins packages by a declared dependency and by an import between their files', () => {
    expect(group('packages/api/src/server.ts')).toBe(group('packages/db/src/pool.ts'));
    expect(group('packages/worker/src/job.ts')).toBe(group('packages/db/src/pool.ts'));
  });

  it('joins a plugin to the host it names as a peer; a shared configuration package joins nothing', () => {
    expect(group('packages/api-plugin/src/index.ts')).toBe(group('packages/api/src/server.ts'));
    expect(group('examples/demo/src/demo.ts')).not.toBe(group('packages/api-plugin/src/index.ts'));
  });

  it('keeps a standalone package and the root apart, each named by its first package', () => {
    expect(group('examples/demo/src/demo.ts')).toBe('examples/demo');
    expect(group('scripts/release.ts')).toBe('.');
    expect(group('packages/api/src/server.ts')).toBe('packages/api');
  });
});

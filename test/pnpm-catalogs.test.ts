import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Consulted } from '../src/discovery/consulted.js';
import { withCatalogRanges } from '../src/discovery/pnpm-catalogs.js';
import type { WorkspacePackage } from '../src/extract/syntax/module-resolver.js';
import { tempProject } from './helpers/cli.js';

const pkg = (dir: string, dependencies: Record<string, string>): WorkspacePackage => ({
  name: 'svc',
  dir,
  entries: [],
  scripts: [],
  dependencies,
  peers: [],
});

describe('pnpm catalogs', () => {
  it('gives a catalog: dependency the range of the workspace catalog it names', () => {
    const root = tempProject({
      'pnpm-workspace.yaml':
        "packages: ['services/*']\ncatalog:\n  '@sentry/node': ^7.119.0\ncatalogs:\n  http:\n    axios: ^1.7.9\n",
      'services/api/package.json': '{}',
    });
    const [resolved] = withCatalogRanges(
      [
        pkg(join(root, 'services/api'), {
          '@sentry/node': 'catalog:',
          axios: 'catalog:http',
          ky: 'catalog:missing',
          got: '^14',
        }),
      ],
      root,
      new Consulted(),
    );
    expect(resolved.dependencies).toEqual({
      '@sentry/node': '^7.119.0',
      axios: '^1.7.9',
      ky: 'catalog:missing',
      got: '^14',
    });
  });

  it('leaves the ranges as written when the workspace file does not parse', () => {
    const root = tempProject({ 'pnpm-workspace.yaml': 'catalog:\n  a: [unclosed\n', 'package.json': '{}' });
    const [resolved] = withCatalogRanges([pkg(root, { a: 'catalog:' })], root, new Consulted());
    expect(resolved.dependencies).toEqual({ a: 'catalog:' });
  });
});

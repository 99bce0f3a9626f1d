import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root, found the same way from `src/` (tests) and from `dist/src/` (installed). */
function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'schema'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('obslint: package root not found');
    dir = parent;
  }
  return dir;
}

export const PACKAGE_ROOT = findPackageRoot();

const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };
export const VERSION: string = pkg.version;

export const CONFIG_SCHEMA_PATH = join(PACKAGE_ROOT, 'schema', 'obslint.schema.json');

/** Rule docs live beside each rule; this is where the published copy is browsed. */
export const DOCS_BASE = 'https://github.com/obslint/obslint/blob/main/rules';
export const HOMEPAGE = 'https://github.com/obslint/obslint';

export function docsUrl(ruleId: string): string {
  return `${DOCS_BASE}/${ruleId}/README.md`;
}

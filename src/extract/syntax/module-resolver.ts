import { dirname, join, resolve, sep } from 'node:path';

const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

/** A package of the repository itself (a monorepo workspace), by its package.json. */
export interface WorkspacePackage {
  name: string;
  dir: string;
  /** `main`/`types`/`module` entries, relative to `dir`. */
  entries: string[];
  /** Its npm scripts (an instrumentation can be registered with `--require` there). */
  scripts: string[];
  dependencies: Record<string, string>;
}

/** A tsconfig `paths` alias: `@app/*` → `<baseDir>/src/*`, for the files under `scope` (the tsconfig's directory). */
export interface PathAlias {
  pattern: string;
  targets: string[];
  baseDir: string;
  scope: string;
}

/**
 * Resolves import specifiers to project files without node_modules: relative paths (`./x.js` for
 * `./x.ts`), tsconfig `paths` aliases, and workspace packages of a monorepo mapped to their sources.
 */
export class ModuleResolver {
  constructor(
    private readonly packages: WorkspacePackage[] = [],
    private readonly aliases: PathAlias[] = [],
  ) {}

  resolve(specifier: string, fromFile: string, exists: (path: string) => boolean): string | undefined {
    if (specifier.startsWith('.') || specifier.startsWith('/'))
      return probe(resolve(dirname(fromFile), specifier), exists);
    // The nearest tsconfig above the importing file decides what its aliases mean.
    const scope = this.aliases
      .map((a) => a.scope)
      .filter((dir) => fromFile.startsWith(`${dir}${sep}`))
      .sort((a, b) => b.length - a.length)[0];
    for (const alias of this.aliases) {
      if (alias.scope !== scope) continue;
      const star = alias.pattern.indexOf('*');
      const matched =
        star < 0
          ? specifier === alias.pattern
            ? ''
            : undefined
          : specifier.startsWith(alias.pattern.slice(0, star)) && specifier.endsWith(alias.pattern.slice(star + 1))
            ? specifier.slice(star, specifier.length - (alias.pattern.length - star - 1))
            : undefined;
      if (matched === undefined) continue;
      for (const target of alias.targets) {
        const found = probe(resolve(alias.baseDir, target.replace('*', matched)), exists);
        if (found) return found;
      }
    }
    const pkg = this.packages.find((p) => specifier === p.name || specifier.startsWith(`${p.name}/`));
    if (!pkg) return undefined;
    const subpath = specifier.slice(pkg.name.length + 1);
    if (subpath)
      return (
        probe(join(pkg.dir, 'src', subpath), exists) ??
        probe(join(pkg.dir, subpath), exists) ??
        probe(join(pkg.dir, subpath.replace(/^(lib|dist|build)\//, 'src/')), exists)
      );
    // Built entry points (`lib/index.js`) are read from their sources (`src/index.ts`).
    const candidates = [
      ...pkg.entries.flatMap((e) => [e.replace(/^(\.\/)?(lib|dist|build)\//, 'src/').replace(/\.d\.ts$/, '.ts'), e]),
      'src/index',
      'index',
    ];
    for (const entry of candidates) {
      const found = probe(join(pkg.dir, entry), exists);
      if (found) return found;
    }
    return undefined;
  }
}

function probe(base: string, exists: (path: string) => boolean): string | undefined {
  const stripped = base.replace(/\.(c|m)?js$/, '');
  const candidates = [base, ...EXTENSIONS.map((e) => stripped + e), ...EXTENSIONS.map((e) => join(base, `index${e}`))];
  return candidates.find(exists);
}

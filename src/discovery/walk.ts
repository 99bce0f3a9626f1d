import { basename, dirname, isAbsolute, relative, resolve } from 'node:path';
import { globbySync } from 'globby';
import type { PathAlias, SubpathImports, WorkspacePackage } from '../extract/syntax/module-resolver.js';
import type { Notice } from '../types.js';
import { displayPath, nearestAbove, toPosix } from '../util/paths.js';
import { Consulted, type Stamps } from './consulted.js';
import { cloudflareWorker, nestApplications, readDenoConfig } from './own-runtimes.js';
import { deployedTracing, DEPLOY_FILES } from './deploy-tracing.js';
import { cachedDirectoryReads, skippingDirectories } from './directory-cache.js';
import { frameworkAliases } from './framework-aliases.js';
import { nodePathAliases } from './node-path.js';
import { GitIgnore } from './gitignore.js';
import { pinToLockfiles } from './lockfile.js';
import { readManifest } from './manifest.js';
import { withCatalogRanges } from './pnpm-catalogs.js';
import { SOURCE_EXTENSIONS } from './source-files.js';
import { ProjectConfigReader } from './tsconfig.js';

/** `out/`: build output beside the sources (Next.js's export, a compiler's `outDir`), not inside them. */
const OUT_DIRECTORIES = '**/out/**';

/**
 * A file under an `out/` directory that is not inside a source tree: `src/out/webhooks/` is a
 * module of the project (its output adapters), `out/` beside `src/` is what a build wrote.
 */
function inBuildOutput(path: string): boolean {
  const segments = toPosix(path).split('/');
  const out = segments.indexOf('out');
  return out >= 0 && out < segments.length - 1 && !segments.slice(0, out).some((s) => SOURCE_TREES.has(s));
}

const SOURCE_TREES = new Set(['src', 'lib', 'app', 'source', 'server']);

/** Build output and dependencies: never user source, whatever .gitignore says. */
const ALWAYS_IGNORED = [
  '**/node_modules/**',
  '**/dist/**',
  '**/build/**',
  OUT_DIRECTORIES,
  '**/coverage/**',
  '**/.git/**',
  // Yarn's own release and plugins, and its zip cache: never the project's code.
  '**/.yarn/**',
  '**/*.d.ts',
  '**/*.d.mts',
  '**/*.d.cts',
  '**/*.min.js',
];

/** Tests create metrics that never reach production; name them explicitly to analyse them. */
const TEST_FILES = [
  '**/*.test.*',
  '**/*.spec.*',
  // Integration and end-to-end suites beside the code (`api.integration.ts`, `app.e2e-spec.ts`).
  '**/*.integration.*',
  '**/*.e2e.*',
  '**/*.e2e-spec.*',
  // Suites run against a started service (`testMatch: ['**/*.functional.ts']`).
  '**/*.functional.*',
  '**/__tests__/**',
  '**/__mocks__/**',
  '**/test/**',
  '**/tests/**',
  '**/spec/**',
  // What a test runner loads before the tests (`setupFiles`): test code, whatever its name.
  '**/jest.setup.*',
  '**/vitest.setup.*',
  '**/setupTests.*',
  '**/setup-tests.*',
  '**/test-setup.*',
];

/**
 * The walk of the directories a run looks at (those named, and the projects of named files): their
 * source files, packages, path aliases and subpath imports, what was wrong in their configs, and
 * what the walk consulted. The same for every run over the same directories, whichever files are
 * named in them: the part of discovery worth keeping between runs.
 */
export interface ProjectWalk {
  /** Source files, absolute, in the order found. */
  files: string[];
  packages: WorkspacePackage[];
  aliases: PathAlias[];
  subpathImports: SubpathImports[];
  notices: Notice[];
  /** What the answer was read from, stamped before reading: a later walk of the same directories reuses it while these hold. */
  stamps: Stamps;
}

export type Walker = (contextDirs: string[], root: string, extraIgnores: string[], ignoreBase: string) => ProjectWalk;

export function walkProject(
  contextDirs: string[],
  root: string,
  extraIgnores: string[],
  ignoreBase: string,
): ProjectWalk {
  const consulted = new Consulted();
  const notices: Notice[] = [];
  const files: string[] = [];
  const packages = new Map<string, WorkspacePackage>();
  const aliases: PathAlias[] = [];
  const subpathImports = new Map<string, SubpathImports>();
  const readSettings = new Set<string>();
  const projectConfigs = new ProjectConfigReader(root, packages, consulted);
  const readConfigs = new Map<string, string[]>();
  const fs = cachedDirectoryReads(consulted);
  for (const dir of contextDirs) {
    const gitignore = GitIgnore.load(dir, ALWAYS_IGNORED, fs, consulted);
    // Manifests and project configs in one walk of the tree (each walk reads every directory).
    const settings = globbySync(
      [
        '**/package.json',
        '**/deno.json{,c}',
        '**/wrangler.{toml,json,jsonc}',
        '**/nest-cli.json',
        '**/{tsconfig,jsconfig}*.json',
        ...DEPLOY_FILES,
      ],
      {
        cwd: dir,
        absolute: true,
        ignore: ALWAYS_IGNORED,
        dot: false,
        suppressErrors: true,
        fs,
      },
    );
    const isManifest = (f: string): boolean => basename(f) === 'package.json';
    const isProjectConfig = (f: string): boolean => /^(?:tsconfig|jsconfig).*\.json$/.test(basename(f));
    const manifests = settings.filter(isManifest);
    for (const manifest of manifests.filter((f) => !gitignore.ignores(f)).sort()) {
      if (readSettings.has(manifest)) continue;
      readSettings.add(manifest);
      consulted.files.add(manifest);
      const read = readManifest(manifest, root);
      if ('notice' in read) {
        notices.push(read.notice);
        continue;
      }
      const pkg = read.pkg;
      if (!packages.has(pkg.name)) packages.set(pkg.name, pkg);
      subpathImports.set(pkg.dir, { dir: pkg.dir, imports: read.imports });
    }
    const isDenoConfig = (f: string): boolean => /^deno\.jsonc?$/.test(basename(f));
    const manifestDirs = new Set(manifests.map(dirname));
    for (const config of settings.filter(isDenoConfig).sort()) {
      if (readSettings.has(config) || manifestDirs.has(dirname(config)) || gitignore.ignores(config)) continue;
      readSettings.add(config);
      consulted.files.add(config);
      const read = readDenoConfig(config, root);
      if ('notice' in read) notices.push(read.notice);
      else if (!packages.has(read.pkg.name)) packages.set(read.pkg.name, read.pkg);
    }
    const isWorkerConfig = (f: string): boolean => /^wrangler\.(?:toml|jsonc?)$/.test(basename(f));
    for (const config of settings.filter(isWorkerConfig).sort()) {
      if (readSettings.has(config) || manifestDirs.has(dirname(config)) || gitignore.ignores(config)) continue;
      readSettings.add(config);
      consulted.files.add(config);
      const pkg = cloudflareWorker(config, root);
      if (!packages.has(pkg.name)) packages.set(pkg.name, pkg);
    }
    const isNestConfig = (f: string): boolean => basename(f) === 'nest-cli.json';
    for (const config of settings.filter(isNestConfig).sort()) {
      if (readSettings.has(config) || gitignore.ignores(config)) continue;
      readSettings.add(config);
      consulted.files.add(config);
      const beside = [...packages.values()].find((p) => p.dir === dirname(config));
      const read = nestApplications(config, root, beside, (dir) => manifestDirs.has(dir));
      if ('notice' in read) notices.push(read.notice);
      else for (const pkg of read.packages) if (!packages.has(pkg.name)) packages.set(pkg.name, pkg);
    }
    const deployFiles = settings.filter(
      (f) =>
        !isManifest(f) &&
        !isDenoConfig(f) &&
        !isWorkerConfig(f) &&
        !isNestConfig(f) &&
        !isProjectConfig(f) &&
        !gitignore.ignores(f),
    );
    for (const file of deployFiles.sort()) {
      if (readSettings.has(file)) continue;
      readSettings.add(file);
      const found = deployedTracing(file, displayPath(root, file));
      consulted.files.add(file);
      const owners = found.length > 0 ? deployedPackages(file, packages.values()) : [];
      for (const owner of owners) (owner.deployed ??= []).push(...found);
    }
    const configs = settings.filter(isProjectConfig);
    const outputDirs: string[] = [];
    for (const config of configs.filter((f) => !gitignore.ignores(f)).sort()) {
      let dirs = readConfigs.get(config);
      if (!dirs) {
        const read = projectConfigs.read(config);
        aliases.push(...read.aliases);
        readConfigs.set(config, (dirs = read.outputDirectories));
      }
      outputDirs.push(...dirs);
    }
    // Build output under the walked directory: never descended into.
    const buildDirs = new Set(
      outputDirs
        .filter((d) => {
          const down = relative(dir, d);
          return down !== '' && !down.startsWith('..') && !isAbsolute(down);
        })
        .map((d) => resolve(d)),
    );
    const ignore = [
      ...ALWAYS_IGNORED.filter((g) => g !== OUT_DIRECTORIES),
      ...TEST_FILES,
      ...extraIgnores.map((g) => relativeGlob(g, ignoreBase, dir)).filter((g): g is string => Boolean(g)),
    ];
    const sources = `*.{${SOURCE_EXTENSIONS.join(',')}}`;
    // Dot directories hold tools' files (`.github`, `.claude`, `.next`), except Remix's and React
    // Router's server-only and client-only modules (`app/.server/`, `app/.client/`).
    const found = globbySync([`**/${sources}`, `**/.{server,client}/**/${sources}`], {
      cwd: dir,
      absolute: true,
      ignore,
      dot: false,
      followSymbolicLinks: false,
      suppressErrors: true,
      fs: skippingDirectories(fs, buildDirs),
    });
    const compiled = compiledBesideSource(found);
    for (const f of found) {
      const abs = resolve(f);
      if (gitignore.ignores(abs) || compiled.has(f) || inBuildOutput(relative(dir, abs))) continue;
      files.push(abs);
    }
  }
  pinToLockfiles(packages.values(), root, consulted);
  return {
    files,
    packages: withCatalogRanges([...packages.values()], root, consulted),
    aliases: [
      ...aliases,
      ...[...packages.values()].flatMap((pkg) => [...frameworkAliases(pkg), ...nodePathAliases(pkg)]),
    ],
    subpathImports: [...subpathImports.values()],
    notices: [...notices, ...projectConfigs.notices],
    stamps: consulted.stamps(),
  };
}

/**
 * The packages a deploy file deploys: its nearest package; for `.nais/<app>/…` at the top of a
 * monorepo, the packages named for the app (`packages/fyllut`, `packages/fyllut-backend`), when some are.
 */
function deployedPackages(file: string, packages: Iterable<WorkspacePackage>): WorkspacePackage[] {
  const all = [...packages];
  const nearest = nearestAbove(file, all);
  const app = nearest && NAIS_APP.exec(toPosix(relative(nearest.dir, file)))?.[1];
  const named = app
    ? all.filter((pkg) => pkg !== nearest && (basename(pkg.dir) === app || basename(pkg.dir).startsWith(`${app}-`)))
    : [];
  return named.length > 0 ? named : nearest ? [nearest] : [];
}

/** `.nais/fyllut/prod.yaml`: the app directory of a NAIS manifest. */
const NAIS_APP = /^\.nais\/([\w.-]+)\//;

function relativeGlob(glob: string, base: string, dir: string): string | undefined {
  if (glob.startsWith('**/')) return glob;
  const down = toPosix(relative(base, dir));
  if (!down) return glob;
  if (!down.startsWith('..')) return glob.startsWith(`${down}/`) ? glob.slice(down.length + 1) : undefined;
  const up = toPosix(relative(dir, base));
  return up.startsWith('..') ? undefined : `${up}/${glob}`;
}

const TYPESCRIPT_SOURCE = /\.(?:ts|tsx|mts|cts)$/;
const JAVASCRIPT_SOURCE = /\.(?:js|jsx|mjs|cjs)$/;

/**
 * `tracing.js` beside `tracing.ts`: the compiled copy a build committed next to its source. Its
 * findings would be the source's again, at lines nobody edits; the source is what is read.
 */
function compiledBesideSource(files: readonly string[]): ReadonlySet<string> {
  const sources = new Set(files.filter((f) => TYPESCRIPT_SOURCE.test(f)).map((f) => f.replace(TYPESCRIPT_SOURCE, '')));
  return new Set(files.filter((f) => JAVASCRIPT_SOURCE.test(f) && sources.has(f.replace(JAVASCRIPT_SOURCE, ''))));
}

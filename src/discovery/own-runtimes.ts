import { dirname, join } from 'node:path';
import { ts } from 'ts-morph';
import type { WorkspacePackage } from '../extract/syntax/module-resolver.js';
import type { Notice } from '../types.js';
import { displayPath } from '../util/paths.js';
import { readSettingsText } from './manifest.js';

// Programs in a repository that run in a runtime of their own, not Node's: each is a package of its own.

/**
 * A `deno.json` (or `deno.jsonc`) without a package.json beside it: a Deno program (Supabase Edge
 * Functions, Deno Deploy) is a package of its own. It runs in its own runtime, not under the Node
 * tracing setup of the repository around it; its dependencies are its import map's.
 */
export function readDenoConfig(file: string, root: string): { pkg: WorkspacePackage } | { notice: Notice } {
  const read = readSettingsText(file, root);
  if ('notice' in read) return read;
  const { text } = read;
  // Deno reads both as JSON with comments and trailing commas, as TypeScript reads a tsconfig.
  const parsed = ts.parseConfigFileTextToJson(file, text);
  const config = parsed.config as unknown;
  const error = parsed.error;
  if (error || !config || typeof config !== 'object' || Array.isArray(config))
    return { notice: invalidConfig(file, root, error, 'Deno configuration', 'its import map is not used') };
  const fields = config as Record<string, unknown>;
  const record = (value: unknown): Record<string, unknown> =>
    value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  const dependencies: Record<string, string> = {};
  // `"@opentelemetry/api": "npm:@opentelemetry/api@1"`: the package the specifier stands for.
  for (const [specifier, target] of Object.entries(record(fields.imports)))
    if (typeof target === 'string') dependencies[specifier.replace(/\/$/, '')] = target;
  const tasks = Object.values(record(fields.tasks)).filter((t): t is string => typeof t === 'string');
  return {
    pkg: {
      name: `deno:${displayPath(root, dirname(file)) || '.'}`,
      dir: dirname(file),
      entries: [],
      scripts: tasks,
      dependencies,
    },
  };
}

/**
 * A `wrangler.toml` (or `.json`, `.jsonc`) without a package.json beside it: a Cloudflare Worker
 * deployed on its own. It runs in Workers' runtime, not in the Node processes of the repository
 * around it, so their tracing set-up is not its own; what it imports comes with its own files.
 */
export function cloudflareWorker(file: string, root: string): WorkspacePackage {
  const dir = dirname(file);
  return { name: `worker:${displayPath(root, dir) || '.'}`, dir, entries: [], scripts: [], dependencies: {} };
}

/**
 * The applications of a Nest CLI monorepo (`nest-cli.json` with `"monorepo": true`): each project of
 * type `application` (`apps/orders`, its own `main.ts`) runs as a process of its own, so each is a
 * package of its own, with the dependencies and scripts of the package.json beside the config
 * (`beside`). Its libraries (`libs/…`) stay in that package, loaded by the applications that import
 * them. A project whose root has a package.json of its own is that package already.
 */
export function nestApplications(
  file: string,
  root: string,
  beside: WorkspacePackage | undefined,
  isPackageDir: (dir: string) => boolean,
): { packages: WorkspacePackage[] } | { notice: Notice } {
  const read = readSettingsText(file, root);
  if ('notice' in read) return read;
  const parsed = ts.parseConfigFileTextToJson(file, read.text);
  const config = parsed.config as { monorepo?: unknown; projects?: unknown } | undefined;
  if (parsed.error || !config || typeof config !== 'object' || Array.isArray(config))
    return {
      notice: invalidConfig(file, root, parsed.error, 'Nest CLI configuration', 'its applications are not told apart'),
    };
  if (config.monorepo !== true || !config.projects || typeof config.projects !== 'object') return { packages: [] };
  const base = dirname(file);
  const applications = Object.entries(config.projects as Record<string, unknown>).flatMap(([name, project]) => {
    const { type, root, sourceRoot } = (project ?? {}) as { type?: unknown; root?: unknown; sourceRoot?: unknown };
    if (type !== 'application' || typeof root !== 'string') return [];
    return [
      { name, root: join(base, root), sources: typeof sourceRoot === 'string' ? join(base, sourceRoot) : undefined },
    ];
  });
  const shared = (key: 'root' | 'sources', app: (typeof applications)[number]): boolean =>
    applications.some((other) => other !== app && other[key] === app[key]);
  const packages: WorkspacePackage[] = [];
  for (const app of applications) {
    const { name } = app;
    // Applications sharing one root are told apart by their source roots, where those differ; else
    // (`"root": "src"`, `"sourceRoot": "src"`, only the entry files differ) they are no directories
    // of their own, and their code stays the package's.
    const dir = !shared('root', app) ? app.root : app.sources && !shared('sources', app) ? app.sources : undefined;
    if (!dir || dir === base || !dir.startsWith(`${base}/`) || isPackageDir(dir)) continue;
    packages.push({
      name,
      dir,
      entries: [],
      scripts: beside?.scripts ?? [],
      // Its libraries are the package's: they run in the applications that load them.
      dependencies: { ...beside?.dependencies, ...(beside ? { [beside.name]: '*' } : {}) },
      ...(beside?.peers ? { peers: beside.peers } : {}),
    });
  }
  return { packages };
}

/** A configuration TypeScript's JSON reader refuses (or that is no object), where it stops reading. */
function invalidConfig(
  file: string,
  root: string,
  error: ts.Diagnostic | undefined,
  what: string,
  consequence: string,
): Notice {
  const at =
    error?.file && error.start !== undefined ? error.file.getLineAndCharacterOfPosition(error.start) : undefined;
  return {
    level: 'warning',
    file: displayPath(root, file),
    line: (at?.line ?? 0) + 1,
    column: (at?.character ?? 0) + 1,
    message: `invalid ${what}${error ? `: ${ts.flattenDiagnosticMessageText(error.messageText, ' ')}` : ''}; ${consequence}`,
  };
}

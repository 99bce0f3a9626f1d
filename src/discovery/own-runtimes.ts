import { dirname } from 'node:path';
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
  if (error || !config || typeof config !== 'object' || Array.isArray(config)) {
    const at =
      error?.file && error.start !== undefined ? error.file.getLineAndCharacterOfPosition(error.start) : undefined;
    return {
      notice: {
        level: 'warning',
        file: displayPath(root, file),
        line: (at?.line ?? 0) + 1,
        column: (at?.character ?? 0) + 1,
        message: `invalid Deno configuration${error ? `: ${ts.flattenDiagnosticMessageText(error.messageText, ' ')}` : ''}; its import map is not used`,
      },
    };
  }
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

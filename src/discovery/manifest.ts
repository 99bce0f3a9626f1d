import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { WorkspacePackage } from '../extract/syntax/module-resolver.js';
import type { Notice } from '../types.js';
import { displayPath } from '../util/paths.js';
import { lineColumn, unclosedJson } from './json-text.js';

export type ManifestRead = { pkg: WorkspacePackage; imports: Record<string, unknown> } | { notice: Notice };

/** A package's settings file as text, or the notice that it cannot be read. */
export function readSettingsText(file: string, root: string): { text: string } | { notice: Notice } {
  try {
    return { text: readFileSync(file, 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    return { notice: { level: 'warning', file: displayPath(root, file), message: `cannot read (${code})` } };
  }
}

/** A package.json: the workspace package it declares and its `imports`; a broken one is a notice. */
export function readManifest(manifest: string, root: string): ManifestRead {
  const read = readSettingsText(manifest, root);
  if ('notice' in read) return read;
  const { text } = read;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return {
      notice: { level: 'warning', ...jsonErrorAt(text, (error as Error).message, displayPath(root, manifest)) },
    };
  }
  if (!json || typeof json !== 'object' || Array.isArray(json))
    return {
      notice: {
        level: 'warning',
        file: displayPath(root, manifest),
        line: 1,
        column: 1,
        message: 'package.json is not a JSON object; its name, imports and dependencies are not used',
      },
    };
  const fields = json as Record<string, unknown>;
  const entries = [fields.types, fields.module, fields.main].filter((e): e is string => typeof e === 'string');
  const strings = (value: unknown): Record<string, string> =>
    value && typeof value === 'object'
      ? Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'))
      : {};
  const name = typeof fields.name === 'string' ? fields.name : `(unnamed:${manifest})`;
  const imports =
    fields.imports && typeof fields.imports === 'object' && !Array.isArray(fields.imports)
      ? (fields.imports as Record<string, unknown>)
      : {};
  // `exports` as a map of subpaths (`{ "./hono": { "import": "./dist/adapters/hono.js" } }`); a bare
  // string or a map of conditions is the package's root entry alone.
  const exported =
    fields.exports && typeof fields.exports === 'object' && !Array.isArray(fields.exports)
      ? (fields.exports as Record<string, unknown>)
      : undefined;
  const subpaths = exported && Object.keys(exported).some((k) => k.startsWith('.')) ? exported : undefined;
  const scripts = strings(fields.scripts);
  return {
    pkg: {
      name,
      dir: dirname(manifest),
      entries,
      scripts: Object.values(scripts),
      ...(scripts.start ? { start: scripts.start } : {}),
      dependencies: { ...strings(fields.devDependencies), ...strings(fields.dependencies) },
      ...devOnly(strings(fields.devDependencies), strings(fields.dependencies)),
      peers: Object.keys(strings(fields.peerDependencies)).sort(),
      ...(subpaths ? { exports: subpaths } : {}),
      ...((fields.browser !== undefined && fields.browser !== false) || targetsBrowsersOnly(fields.browserslist)
        ? { browser: true }
        : {}),
      ...(fields.private === true ? { private: true } : {}),
      ...(fields.type === 'module' ? { esm: true } : {}),
    },
    imports,
  };
}

/** What a package needs only to develop (test runners, a dev proxy beside a single-page app). */
function devOnly(dev: Record<string, string>, runtime: Record<string, string>): { devOnly?: string[] } {
  const names = Object.keys(dev).filter((name) => runtime[name] === undefined);
  return names.length > 0 ? { devOnly: names.sort() } : {};
}

/** Where a package.json stops being JSON: an unclosed bracket or string where it opens, else where JSON.parse stopped. */
function jsonErrorAt(text: string, message: string, file: string): Omit<Notice, 'level'> {
  const unclosed = unclosedJson(text, false);
  const position = /at position (\d+)/.exec(message)?.[1];
  let offset =
    unclosed?.offset ??
    (position !== undefined ? Number(position) : /end of JSON/.test(message) ? text.trimEnd().length : 0);
  // `"version": "1.0.0",\n}`: JSON.parse stops at the `}`; the comma before it is what to delete.
  const comma = unclosed ? undefined : /,\s*$/.exec(text.slice(0, offset));
  if (comma && /^[}\]]/.test(text.slice(offset))) offset = comma.index;
  const reason =
    unclosed?.message ??
    (comma && text[offset] === ',' ? 'a trailing comma (JSON allows none)' : undefined) ??
    (text.trim() === '' ? 'the file is empty' : undefined) ??
    message.replace(/, ".*" is not valid JSON$/s, '').replace(/ in JSON at position \d+$/, '');
  return {
    file,
    ...lineColumn(text, offset),
    message: `invalid JSON: ${reason}; this package's name, imports and dependencies are not used`,
  };
}

/** Budget-file globs are relative to the budget file's directory; globby wants them relative to the scanned dir. */

/**
 * A `browserslist` that names no Node version (`[">0.2%", "not dead"]`, or one list per environment):
 * the package is compiled for browsers.
 */
function targetsBrowsersOnly(browserslist: unknown): boolean {
  const queries =
    typeof browserslist === 'string'
      ? [browserslist]
      : Array.isArray(browserslist)
        ? browserslist
        : browserslist && typeof browserslist === 'object'
          ? Object.values(browserslist).flat()
          : [];
  const strings = queries.filter((q): q is string => typeof q === 'string');
  return strings.length > 0 && !strings.some((q) => /\bnode\b/i.test(q));
}

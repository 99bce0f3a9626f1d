import { createHash } from 'node:crypto';
import type { Catalog, Directive, Notice } from '../types.js';
import { VERSION } from '../util/package.js';
import { LOCATED_LISTS, mergeCatalogs } from '../util/merge-catalogs.js';
import { compareStrings } from '../util/paths.js';

const FORMAT = 'obslint-facts/1';

/**
 * What one package's run extracted, written by `obslint facts` for `obslint merge` to conclude with
 * the other packages' (a CI matrix, or an Nx/Turborepo task whose output is cached). Paths are
 * relative to the directory the run started in, as in every report.
 */
export interface PackageFacts {
  format: typeof FORMAT;
  version: string;
  /** The analysed directory (posix, relative). */
  package: string;
  /** A digest of the budget file's settings extraction reads: facts written under others are not merged. */
  settings: string;
  /** Every analysed file. */
  files: string[];
  filesParsed: number;
  catalog: Catalog;
  directives: Record<string, Directive[]>;
  notices: { discovery: Notice[]; read: Notice[]; extraction: Notice[] };
}

export type PackageFactsBody = Omit<PackageFacts, 'format' | 'version' | 'settings'>;

/** The budget file's settings that change what extraction finds (wrappers, status codes), as a digest. */
export function settingsDigest(settings: unknown): string {
  return createHash('sha256').update(JSON.stringify(settings)).digest('hex').slice(0, 16);
}

export function serializeFacts(body: PackageFactsBody, settings: string): string {
  const facts: PackageFacts = { format: FORMAT, version: VERSION, settings, ...body };
  return `${JSON.stringify(facts)}\n`;
}

/** The facts in a file's text, or why they cannot be merged (never trusted half-read). */
export function parseFacts(text: string): PackageFacts | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { problem: `not JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  if (!isRecord(value) || value.format !== FORMAT)
    return { problem: `not an obslint facts file (no "format": "${FORMAT}")` };
  if (value.version !== VERSION)
    return {
      problem: `written by obslint ${String(value.version)}, this is ${VERSION}: write the facts again with this version`,
    };
  const catalog = value.catalog;
  const notices = value.notices;
  const wellFormed =
    typeof value.package === 'string' &&
    typeof value.settings === 'string' &&
    Array.isArray(value.files) &&
    value.files.every((f) => typeof f === 'string') &&
    typeof value.filesParsed === 'number' &&
    isRecord(value.directives) &&
    isRecord(notices) &&
    ['discovery', 'read', 'extraction'].every((k) => Array.isArray(notices[k])) &&
    isRecord(catalog) &&
    CATALOG_LISTS.every((k) => Array.isArray(catalog[k])) &&
    LOCATED_LISTS.every((k) => (catalog[k] as unknown[]).every(isLocated)) &&
    (catalog.metrics as Record<string, unknown>[]).every(
      (m) => typeof m.id === 'string' && typeof m.name === 'string',
    ) &&
    isRecord(catalog.tracing);
  return wellFormed
    ? (value as unknown as PackageFacts)
    : { problem: 'incomplete facts (a field is missing or of the wrong type)' };
}

const CATALOG_LISTS = [...LOCATED_LISTS, 'exporters'] as const satisfies readonly (keyof Catalog)[];

/**
 * Several packages' facts as one run's: lists concatenated in package order and sorted by location
 * (each package's own order kept where locations tie), tracing by package from the package that
 * owns it. A file in two packages' facts is the caller's error to report: see {@link sharedFile}.
 */
export function combineFacts(all: readonly PackageFacts[]): PackageFactsBody {
  const shards = [...all].sort((a, b) => compareStrings(a.package, b.package));
  const keys = [...new Set(shards.flatMap((s) => Object.keys(s.catalog.tracing)))].sort(compareStrings);
  const tracing: Catalog['tracing'] = {};
  for (const key of keys) {
    const holders = shards.filter((s) => key in s.catalog.tracing);
    // Every run describes the repository root too; the package's own run knows its package best.
    const owner = holders.find((s) => key === s.package || key.startsWith(`${s.package}/`)) ?? holders[0];
    tracing[key] = owner.catalog.tracing[key];
  }
  // In the order extraction writes them: a merged report reads like one run's.
  const catalog = mergeCatalogs(
    shards.map((s) => s.catalog),
    tracing,
  );
  return {
    package: '.',
    files: shards.flatMap((s) => s.files).sort(compareStrings),
    filesParsed: shards.reduce((n, s) => n + s.filesParsed, 0),
    catalog,
    directives: Object.assign({}, ...shards.map((s) => s.directives)) as Record<string, Directive[]>,
    notices: {
      discovery: shards.flatMap((s) => s.notices.discovery),
      read: shards.flatMap((s) => s.notices.read),
      extraction: shards.flatMap((s) => s.notices.extraction),
    },
  };
}

/** A file two packages' facts both hold (their directories overlap), with the two packages. */
export function sharedFile(all: readonly PackageFacts[]): { file: string; packages: [string, string] } | undefined {
  const owner = new Map<string, string>();
  for (const facts of all)
    for (const file of facts.files) {
      const first = owner.get(file);
      if (first !== undefined) return { file, packages: [first, facts.package] };
      owner.set(file, facts.package);
    }
  return undefined;
}

/** An entry sitting at a place in the code: what merging sorts by. */
function isLocated(entry: unknown): boolean {
  if (!isRecord(entry) || !isRecord(entry.loc)) return false;
  const { file, line, column } = entry.loc;
  return typeof file === 'string' && typeof line === 'number' && typeof column === 'number';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

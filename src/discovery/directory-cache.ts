import { readdirSync, type Dirent } from 'node:fs';
import { resolve } from 'node:path';
import type { Options } from 'globby';
import type { Consulted } from './consulted.js';

/**
 * The `fs` methods globby (fast-glob) walks a tree with, with each directory's listing read once:
 * discovery walks the same tree three times (`.gitignore` files, package.json and tsconfig files,
 * then the sources, whose ignores depend on what the first two found), and reading the directories
 * was the largest part of its time. Each walk still applies its own patterns, dot and symlink
 * settings to the listings exactly as before; only the repeated `readdir` system calls go.
 * One cache per discovery: a later run reads the tree afresh.
 */
export function cachedDirectoryReads(consulted?: Consulted): NonNullable<Options['fs']> {
  const listings = new Map<string, Dirent[]>();
  const readdir = ((path: string, options?: { withFileTypes?: boolean }) => {
    consulted?.directories.add(path);
    // fast-glob asks for file types unless it is told to stat every entry; only those listings are kept.
    if (options?.withFileTypes !== true) return readdirSync(path, options as undefined);
    let listing = listings.get(path);
    if (!listing) listings.set(path, (listing = readdirSync(path, { withFileTypes: true })));
    return listing;
  }) as typeof readdirSync;
  return { readdirSync: readdir };
}

/**
 * The same reads, with `skipped` directories (absolute) listed as empty: a walk does not descend
 * into them. What `dir/**` ignore patterns did, without matching every entry of the tree against a
 * pattern per directory (a monorepo's tsconfig `outDir`s are hundreds).
 */
export function skippingDirectories(
  fs: NonNullable<Options['fs']>,
  skipped: ReadonlySet<string>,
): NonNullable<Options['fs']> {
  const read = fs.readdirSync! as (path: string, options?: unknown) => unknown;
  const readdir = ((path: string, options?: unknown) =>
    skipped.has(resolve(path)) ? [] : read(path, options)) as unknown as typeof readdirSync;
  return { ...fs, readdirSync: readdir };
}

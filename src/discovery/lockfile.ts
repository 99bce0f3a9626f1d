import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import semver from 'semver';
import type { WorkspacePackage } from '../extract/syntax/module-resolver.js';
import type { Consulted } from './consulted.js';

/** The lockfiles of npm, pnpm and Yarn (classic and berry), in the order a directory is searched. */
const LOCKFILES = ['pnpm-lock.yaml', 'package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock'];

/** Larger than any lockfile of a real repository: read no further (a vendored tree, not a lockfile). */
const MAX_LOCKFILE_BYTES = 64 * 1024 * 1024;

/**
 * Each package's dependencies as installed: where the nearest lockfile (in the package's directory
 * or above it, up to the root) resolves a declared range (`"dd-trace": "^5.76.0"`), the oldest
 * version it locks within that range (`5.87.0`), which is what decides whether an instrumentation
 * exists for it. Ranges a lockfile does not settle (workspace links, git, aliases) stay as written.
 */
export function pinToLockfiles(packages: Iterable<WorkspacePackage>, root: string, consulted: Consulted): void {
  const read = new Map<string, Map<string, string[]> | undefined>();
  const lockedAt = (dir: string): Map<string, string[]> | undefined => {
    for (let at = dir; ; at = dirname(at)) {
      for (const name of LOCKFILES) {
        const path = join(at, name);
        if (!consulted.exists(path)) continue;
        if (!read.has(path)) read.set(path, readLockfile(path, consulted));
        return read.get(path);
      }
      if (at === root || dirname(at) === at || !at.startsWith(root)) return undefined;
    }
  };
  for (const pkg of packages) {
    const locked = lockedAt(pkg.dir);
    if (!locked) continue;
    for (const [name, range] of Object.entries(pkg.dependencies)) {
      const pinned = oldestWithin(locked.get(name), range);
      if (pinned) pkg.dependencies[name] = pinned;
    }
  }
}

function readLockfile(path: string, consulted: Consulted): Map<string, string[]> | undefined {
  consulted.files.add(path);
  try {
    if (statSync(path).size > MAX_LOCKFILE_BYTES) return undefined;
    return lockedVersions(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** A version or a range `semver` reads, without the protocols a lockfile resolves otherwise. */
function oldestWithin(versions: readonly string[] | undefined, range: string): string | undefined {
  if (!versions || /^[a-z]+:/i.test(range) || semver.validRange(range) === null) return undefined;
  const within = versions.filter((v) => semver.satisfies(v, range, { includePrerelease: true }));
  return within.length > 0 ? semver.sort([...within])[0] : undefined;
}

/** Package name and locked version pairs, as each lockfile format writes its entries. */
const ENTRIES = [
  // pnpm 9: `  dd-trace@5.87.0:`, `  '@sentry/node@8.1.0(…)':` (packages and snapshots).
  /^ {2}'?((?:@[^\s@'/]+\/)?[^\s@'/]+)@(\d+\.\d+\.\d+[^\s:'(]*)/gm,
  // pnpm 5 to 8: `  /dd-trace/5.87.0:`, `  /dd-trace@5.87.0:`.
  /^ {2}'?\/((?:@[^\s@'/]+\/)?[^\s@'/]+)[@/](\d+\.\d+\.\d+[^\s:'(_]*)/gm,
  // npm: `"node_modules/dd-trace": { "version": "5.87.0"`, nested copies too.
  /"(?:[^"\n]*\/)?node_modules\/((?:@[^/"]+\/)?[^/"]+)":\s*\{\s*"version":\s*"(\d[^"]*)"/g,
  // Yarn: `dd-trace@^5.76.0:` or `"dd-trace@npm:^5.76.0":`, then `version "5.87.0"` / `version: 5.87.0`.
  /^"?((?:@[^\s@"/]+\/)?[^\s@"/]+)@[^\n]*:\n\s+version:?\s+"?(\d[^"\s]*)"?/gm,
];

/** Every version a lockfile's text locks, by package name. */
export function lockedVersions(text: string): Map<string, string[]> {
  const found = new Map<string, Set<string>>();
  for (const entry of ENTRIES)
    for (const [, name, version] of text.matchAll(entry)) {
      if (semver.valid(version) === null) continue;
      let versions = found.get(name);
      if (!versions) found.set(name, (versions = new Set()));
      versions.add(version);
    }
  return new Map([...found].map(([name, versions]) => [name, [...versions]]));
}

import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Each consulted path with what it was just before discovery read it. */
export type Stamps = [path: string, stamp: string][];

/**
 * A change this recent may share its timestamp with one still to come (file times come from a coarse
 * clock): such a stamp never matches, and the next run looks again (git's "racily clean" entries).
 */
const RACY_NS = 100_000_000n;

/**
 * The paths of one kind discovery consulted, each stamped the first time, before it is read: a
 * change made while the walk runs leaves the stamp older than what was read, so the next run looks
 * again rather than trusting a stale answer.
 */
class StampedPaths {
  readonly stamps = new Map<string, string>();
  constructor(private readonly stamp: (path: string) => string) {}

  add(path: string): void {
    if (!this.stamps.has(path)) this.stamps.set(path, this.stamp(path));
  }
}

/**
 * What discovery looked at, so that a later run can tell whether its answer still holds: every
 * directory it listed (an entry added, removed or renamed changes the directory), every file it
 * read (package.json, tsconfig, .gitignore: their contents decide the file set), and every path
 * whose mere existence it asked about (`.git`, `node_modules`).
 */
export class Consulted {
  readonly directories = new StampedPaths(directoryStamp);
  readonly files = new StampedPaths(fileStamp);
  readonly probes = new StampedPaths(probeStamp);

  /** `existsSync`, remembered as a probe. */
  exists(path: string): boolean {
    this.probes.add(path);
    return existsSync(path);
  }

  /**
   * Whether `dir/node_modules` holds installed packages. A directory of dot entries only is not an
   * install: obslint's own cache (`node_modules/.cache/obslint`) creates one in a project that has
   * none, and the next run must not read the project differently because of it.
   */
  hasPackages(dir: string): boolean {
    const modules = join(dir, 'node_modules');
    if (!this.exists(modules)) return false;
    this.directories.add(modules);
    try {
      return readdirSync(modules).some((entry) => !entry.startsWith('.'));
    } catch {
      return false;
    }
  }

  /** Every stamp, in a stable order. */
  stamps(): Stamps {
    return [this.directories, this.files, this.probes]
      .flatMap((kind) => [...kind.stamps])
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : 1));
  }
}

/**
 * Whether every stamped path is still as it was when discovery read it. A probe in a directory
 * whose stamp holds is not asked again: creating, removing or renaming an entry changes its
 * directory (only a symbolic link whose target comes or goes escapes this, as it escapes git).
 */
export function unchanged(stamps: Stamps): boolean {
  const directories = new Set<string>();
  for (const [path, stamp] of stamps) {
    if (stamp.endsWith(':racy')) return false;
    if (stamp.startsWith('p:')) continue;
    if (stamp.startsWith('d:')) {
      if (directoryStamp(path) !== stamp) return false;
      directories.add(path);
    } else if (fileStamp(path) !== stamp) return false;
  }
  return stamps.every(
    ([path, stamp]) => !stamp.startsWith('p:') || directories.has(dirname(path)) || probeStamp(path) === stamp,
  );
}

/**
 * A directory by its modification and change times and inode (an entry added, removed or renamed
 * changes them; a directory replaced by another has another inode), a file by those and its size
 * (a restore that keeps the modification time, `cp -p` or a cache, still changes the change time).
 */
function directoryStamp(path: string): string {
  return `d:${statStamp(path, false)}`;
}

export function fileStamp(path: string): string {
  return `f:${statStamp(path, true)}`;
}

function probeStamp(path: string): string {
  return `p:${existsSync(path) ? 'yes' : 'no'}`;
}

function statStamp(path: string, withSize: boolean): string {
  const stat = statSync(path, { bigint: true, throwIfNoEntry: false });
  if (!stat) return 'missing';
  const now = BigInt(Date.now()) * 1_000_000n;
  const latest = stat.mtimeNs > stat.ctimeNs ? stat.mtimeNs : stat.ctimeNs;
  if (now - latest < RACY_NS) return 'racy';
  return `${stat.mtimeNs}:${stat.ctimeNs}:${stat.ino}${withSize ? `:${stat.size}` : ''}`;
}

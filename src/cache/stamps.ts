import { existsSync, statSync } from 'node:fs';

/** What discovery consulted (see `Discovery.consulted`): directories listed, files read, paths probed. */
export interface ConsultedPaths {
  directories: readonly string[];
  files: readonly string[];
  probes: readonly string[];
}

/** Each consulted path with what it was when stamped, in one list. */
export type Stamps = [path: string, stamp: string][];

/**
 * A directory by its modification time (an entry added, removed or renamed changes it), a file by
 * its modification time and size, a probe by whether it exists. Nanoseconds: two changes within one
 * millisecond still differ.
 */
export function stampsOf(paths: ConsultedPaths): Stamps {
  return [
    ...paths.directories.map((p): [string, string] => [p, `d:${modified(p)}`]),
    ...paths.files.map((p): [string, string] => [p, `f:${modified(p, true)}`]),
    ...paths.probes.map((p): [string, string] => [p, `p:${existsSync(p) ? 'yes' : 'no'}`]),
  ];
}

/** Whether every stamped path is still as it was. */
export function unchanged(stamps: Stamps): boolean {
  for (const [path, stamp] of stamps) {
    const kind = stamp.slice(0, 2);
    const now =
      kind === 'd:'
        ? `d:${modified(path)}`
        : kind === 'f:'
          ? `f:${modified(path, true)}`
          : `p:${existsSync(path) ? 'yes' : 'no'}`;
    if (now !== stamp) return false;
  }
  return true;
}

function modified(path: string, withSize = false): string {
  const stat = statSync(path, { bigint: true, throwIfNoEntry: false });
  if (!stat) return 'missing';
  return withSize ? `${stat.mtimeNs}:${stat.size}` : String(stat.mtimeNs);
}

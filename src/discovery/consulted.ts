import { existsSync } from 'node:fs';

/**
 * What discovery looked at, so that a later run can tell whether its answer still holds: every
 * directory it listed (an entry added, removed or renamed changes the directory), every file it
 * read (package.json, tsconfig, .gitignore: their contents decide the file set), and every path
 * whose mere existence it asked about (`.git`, `node_modules`).
 */
export class Consulted {
  readonly directories = new Set<string>();
  readonly files = new Set<string>();
  readonly probes = new Set<string>();

  /** `existsSync`, remembered as a probe. */
  exists(path: string): boolean {
    this.probes.add(path);
    return existsSync(path);
  }
}

import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import { VERSION } from '../util/package.js';

const FORMAT = 'obslint-extraction-cache/2';

/** Where CI caches usually live (ESLint's and Babel's caches sit beside it). */
export function defaultCacheLocation(root: string): string {
  return join(root, 'node_modules', '.cache', 'obslint');
}

/**
 * The extraction of one project, kept on disk between runs. Extraction is a pure function of the
 * file texts and the project's shape (packages, aliases, manifests, the budget file's wrappers and
 * status codes), so a run whose inputs hash the same reads the catalog back instead of parsing:
 * the output is byte-identical by construction. One entry per project root and kind (the
 * extraction; the project's walk, `discovery`, whose validity its own stamps decide), overwritten when
 * anything changes; an entry that is corrupt, of another format, obslint version or build, or
 * keyed differently is ignored, never trusted.
 */
export class ExtractionCache<T> {
  constructor(
    private readonly location: string,
    private readonly root: string,
    /** What the entry holds (`extraction`, `discovery`): one entry of each per project root. */
    private readonly kind = 'extraction',
  ) {}

  /** A digest of everything an entry depends on: the shape of its inputs, then each file's path and content hash. */
  static key(shape: unknown, hashes: Iterable<readonly [file: string, hash: string]> = []): string {
    const hash = createHash('sha256');
    hash.update(`${FORMAT}\u0000${VERSION}\u0000${codeFingerprint()}\u0000`);
    hash.update(JSON.stringify(shape));
    for (const [file, digest] of hashes) hash.update(`\u0000${file}\u0000${digest}`);
    return hash.digest('hex');
  }

  /** A file's content hash, as `key` takes it. */
  static contentHash(text: string): string {
    return createHash('sha1').update(text).digest('hex');
  }

  read(key: string): T | undefined {
    const entry = this.entry();
    return entry && entry.key === key ? (entry.value as T) : undefined;
  }

  /**
   * The entry whatever its key, when this build wrote it: for a value whose parts carry keys of
   * their own (the extraction of each process group), which the caller checks one by one.
   */
  readAnyKey(): unknown {
    return this.entry()?.value;
  }

  private entry(): { key: unknown; value: unknown } | undefined {
    let entry: unknown;
    try {
      entry = deserialize(readFileSync(this.file()));
    } catch {
      return undefined;
    }
    if (!entry || typeof entry !== 'object') return undefined;
    const { format, version, build, key, value } = entry as Record<string, unknown>;
    if (format !== FORMAT || version !== VERSION || build !== codeFingerprint()) return undefined;
    return { key, value };
  }

  /** Best effort: a cache that cannot be written (read-only checkout) only costs the next run time. */
  write(key: string, value: T): void {
    try {
      mkdirSync(this.location, { recursive: true });
      const tmp = `${this.file()}.${process.pid}.tmp`;
      writeFileSync(tmp, serialize({ format: FORMAT, version: VERSION, build: codeFingerprint(), key, value }));
      renameSync(tmp, this.file());
    } catch {
      // Nothing to do: the run's result does not depend on the cache.
    }
  }

  private file(): string {
    return join(this.location, `${this.kind}-${createHash('sha256').update(this.root).digest('hex').slice(0, 16)}.v8`);
  }
}

let fingerprint: string | undefined;

/**
 * obslint's own code: a build with other extraction logic but the same version number (a
 * development build, a patched install) must not read another build's entries. Each file by its
 * size and modification time, as make and git's index tell a changed file: reading the ~180
 * files of the build cost a warm run more than its rules.
 */
function codeFingerprint(): string {
  if (fingerprint !== undefined) return fingerprint;
  const hash = createHash('sha256');
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules') walk(path);
      else if (/\.(js|ts)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
        const stat = statSync(path, { bigint: true, throwIfNoEntry: false });
        hash.update(`${path}\u0000${stat?.size}\u0000${stat?.mtimeNs}\u0000`);
      }
    }
  };
  // The tree of the running code: dist/src when installed, src in development, the action's bundle.
  walk(dirname(dirname(fileURLToPath(import.meta.url))));
  return (fingerprint = hash.digest('hex'));
}

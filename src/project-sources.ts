import { createHash, randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { ExtractionCache } from './cache/extraction-cache.js';
import { readNotices, readSourceFile, type SourceRead } from './discovery/read-sources.js';
import { importResolver, scanSource, type SourceScan } from './extract/prefilter.js';
import type { ModuleResolver } from './extract/syntax/module-resolver.js';
import type { Notice } from './types.js';
import { PhaseTimer } from './util/phase-timer.js';

type LeftOut = Exclude<SourceRead, { text: string }>;

/**
 * What a run keeps of the file texts, in two cache entries written together. `stamps`, small, is
 * all that a run in which nothing changed reads: each file's stamp and the key of the extraction
 * made from them. `scans` holds what reading each file gave (content hash, prefilter scan, resolved
 * imports), read only when something changed, so that only the changed files are read again.
 */
interface Stamps {
  generation: string;
  /** A digest of every file's path, in order: the files `stamps` is aligned with. */
  files: string;
  /** Per file: modification time, change time, inode, size; NaN where no stamp can be trusted. */
  stamps: Float64Array;
  leftOut: [index: number, read: LeftOut][];
  /** A digest of the settings the extraction below was made with. */
  settings: string;
  extractionKey: string;
  /** Per file: 1 where the extraction parsed it or could have (`Candidates.files`). */
  candidates: Uint8Array;
  /** Per file: the first 8 bytes of a digest of its prefilter scan (see {@link scanDigest}), 0 where left out. */
  scanDigests: Uint32Array;
}

interface Scans {
  generation: string;
  files: string[];
  /** Per file: its content hash, '' where it was left out. */
  hashes: string[];
  /** Per file: 0 no words, 1 metric, 2 trace, 3 route. */
  words: Uint8Array;
  /** Per file: bit 0 defines metrics, bit 1 imports a metrics library, bit 2 module-scoped, bit 3 a barrel, bit 4 sets up tracing. */
  flags: Uint8Array;
  /** Per file: lists joined with NUL. */
  specifiers: string[];
  typeOnly: string[];
  listened: string[];
  emitted: string[];
  /** Per file: the GraphQL fields it declares. */
  graphqlFields: Uint32Array;
  /** Per file: the Mongoose models it declares. */
  mongooseModels: Uint32Array;
  /** The module settings and file set the imports were resolved in (see `importsOf`). */
  resolvedIn: string;
  /** File i imports files[importTargets[importOffsets[i] .. importOffsets[i + 1]]]. */
  importOffsets: Int32Array;
  importTargets: Int32Array;
}

/** A file that can be analysed, as read in this run or, unchanged, in the last (`reused`: its index there). */
interface Read {
  hash: string;
  scan: SourceScan;
  imports?: string[];
  reused?: number;
}

const STAMP_FIELDS = 4;
const DIGEST_WORDS = 2;
/**
 * At most this many changed files are read to check that the last extraction still holds; past it
 * (a checkout, a rebase) the run reads and scans them all anyway.
 */
const MAX_RECHECKED = 64;
/** A change this recent may share its timestamp with one to come (see `discovery/consulted.ts`). */
const RACY_MS = 100;
const WORDS = [undefined, 'metric', 'trace', 'route'] as const;

/**
 * The project's files as extraction takes them: which can be analysed, each one's content hash and
 * prefilter scan, and the notices for the rest. With a cache, a file whose stamp (modification and
 * change time, inode, size) is the one the last run recorded is not read again; when no file and no
 * setting changed, the last extraction's key is known without looking at any scan.
 */
export class ProjectSources {
  /** The files that can be analysed, in the order given (after `scan`). */
  readonly readable: string[] = [];
  /** Each analysable file's scan, in the order given (the prefilter's counts and import lists follow it). */
  readonly scans = new Map<string, SourceScan>();
  notices: Notice[] = [];
  private readonly hashes = new Map<string, string>();
  /** Texts read in this run. */
  private readonly texts = new Map<string, string>();
  private readonly stampCache: ExtractionCache<Stamps> | undefined;
  private readonly scanCache: ExtractionCache<Scans> | undefined;
  private readonly last: Stamps | undefined;
  private readonly now: Float64Array;
  private readonly filesDigest: string;
  /** The positions of the files whose stamps are not the last run's, when the file list is the last run's. */
  private readonly changed: number[] | undefined;
  /** What each file's reading gave, in the order given (after `scan`). */
  private reads: (LeftOut | Read)[] = [];
  private lastScans: Scans | undefined;
  private resolvedIn = '';
  /** A file extraction read was no longer the one hashed (changed during the run): nothing of this run is kept. */
  stale = false;

  constructor(
    private readonly files: readonly string[],
    private readonly root: string,
    cacheLocation: string | undefined,
    /** Texts to analyse instead of what is on disk (an editor's buffer): never kept for the next run. */
    private readonly given: ReadonlyMap<string, string> = new Map(),
    private readonly timer: PhaseTimer = PhaseTimer.off(),
  ) {
    this.stampCache = cacheLocation ? new ExtractionCache(cacheLocation, root, 'stamps') : undefined;
    this.scanCache = cacheLocation ? new ExtractionCache(cacheLocation, root, 'scans') : undefined;
    this.filesDigest = createHash('sha256').update(files.join('\u0000')).digest('hex');
    this.now = new Float64Array(cacheLocation ? files.length * STAMP_FIELDS : 0);
    this.last = timer.time('cache', () => validStamps(this.stampCache?.read(ENTRY_KEY)));
    // Stamped before anything is read: a change while this run reads leaves the stamp older than the text.
    // The last stamps are aligned with this run's files when the file lists agree; `scan` maps them by path otherwise.
    const aligned =
      this.last !== undefined &&
      this.last.files === this.filesDigest &&
      this.last.stamps.length === this.now.length &&
      given.size === 0;
    const changed: number[] = [];
    if (cacheLocation)
      timer.time('read', () => {
        const clock = Date.now();
        for (let i = 0; i < files.length; i++) {
          stampInto(this.now, i, files[i], clock);
          if (aligned && !sameStamp(this.now, i, this.last.stamps, i)) changed.push(i);
        }
      });
    this.changed = aligned ? changed : undefined;
  }

  /** How many files can be analysed: known from the last run when nothing changed, else after `scan`. */
  get analysable(): number {
    return this.reads.length > 0 ? this.readable.length : this.files.length - (this.last?.leftOut.length ?? 0);
  }

  /**
   * When the last run's extraction still holds: the key it was kept under (and the notices for the
   * files it left out). It holds when `settings` are the ones it extracted with and no file changed,
   * or the only files that changed are ones it did not parse and their scans are as they were: the
   * candidates are a function of the scans, and extraction reads no other text.
   */
  lastExtraction(settings: unknown): string | undefined {
    const last = this.last;
    if (!last || !this.changed || last.settings !== digest(settings) || this.changed.length > MAX_RECHECKED)
      return undefined;
    const leftOut = new Set(last.leftOut.map(([i]) => i));
    const rechecked = this.timer.time('read', () =>
      this.changed!.every((i) => {
        if (last.candidates[i] !== 0 || leftOut.has(i)) return false;
        const read = readSourceFile(this.files[i], this.root);
        if (!('text' in read)) return false;
        const [high, low] = scanDigest(scanSource(read.text));
        return last.scanDigests[i * DIGEST_WORDS] === high && last.scanDigests[i * DIGEST_WORDS + 1] === low;
      }),
    );
    if (!rechecked) return undefined;
    this.notices = readNotices(last.leftOut.map(([, read]) => read));
    this.timer.count('not read again (unchanged since the last run)', this.files.length - this.changed.length);
    if (this.changed.length > 0) this.timer.count('read again, not parsed and scanned as before', this.changed.length);
    return last.extractionKey;
  }

  /** Reads the files that changed since the last run (every file without a cache), and scans them. */
  scan(): void {
    const last = this.last && this.timer.time('cache', () => validScans(this.scanCache?.read(ENTRY_KEY), this.last!));
    this.lastScans = last;
    const before = last ? new Map(last.files.map((file, i) => [file, i])) : new Map<string, number>();
    let unread = 0;
    this.timer.time('read', () => {
      this.reads = this.files.map((file, i) => {
        const text = this.given.get(file);
        if (text !== undefined) {
          // A buffer stands for a file analysed from disk: one that is huge, binary, minified or
          // unreadable there stays left out, as in a run from the command line.
          const disk = readSourceFile(file, this.root);
          if (!('text' in disk)) return disk;
          this.texts.set(file, text);
          return { hash: '', scan: UNSCANNED };
        }
        const j = before.get(file);
        if (last && j !== undefined && sameStamp(this.now, i, this.last.stamps, j)) {
          const leftOut = last.hashes[j] ? undefined : this.last.leftOut.find(([k]) => k === j)?.[1];
          if (last.hashes[j] || leftOut) unread++;
          if (last.hashes[j]) return { hash: last.hashes[j], scan: scanAt(last, j), reused: j };
          if (leftOut) return leftOut;
        }
        const read = readSourceFile(file, this.root);
        if (!('text' in read)) return read;
        this.texts.set(file, read.text);
        return { hash: '', scan: UNSCANNED };
      });
    });
    if (unread > 0) this.timer.count('not read again (unchanged since the last run)', unread);
    this.timer.time('prefilter', () => {
      this.files.forEach((file, i) => {
        const read = this.reads[i];
        if (!('hash' in read)) return;
        const text = this.texts.get(file);
        if (text !== undefined) this.reads[i] = { hash: ExtractionCache.contentHash(text), scan: scanSource(text) };
        const { hash, scan } = this.reads[i] as Read;
        this.readable.push(file);
        this.hashes.set(file, hash);
        this.scans.set(file, scan);
      });
    });
    this.notices = readNotices(this.reads.filter((read): read is LeftOut => !('hash' in read)));
  }

  /**
   * The project files each file imports. The last run's, for a file whose text did not change, while
   * the module settings (packages, aliases, subpath imports) and the file set are the same.
   */
  importsOf(modules: ModuleResolver, settings: unknown): (file: string) => readonly string[] {
    this.resolvedIn = digest([settings, this.readable]);
    const last = this.lastScans?.resolvedIn === this.resolvedIn ? this.lastScans : undefined;
    const index = this.positions();
    return (file) => {
      const read = this.reads[index.get(file)!];
      if (!('hash' in read)) return [];
      if (!read.imports) {
        const j = read.reused;
        read.imports =
          last && j !== undefined
            ? [...last.importTargets.subarray(last.importOffsets[j], last.importOffsets[j + 1])].map(
                (t) => last.files[t],
              )
            : this.resolverOf(modules)(file, read.scan.specifiers);
      }
      return read.imports;
    };
  }

  /** The project files each file imports for types only (`import type`): none of their code runs for it. */
  typeImportsOf(modules: ModuleResolver): (file: string) => readonly string[] {
    const index = this.positions();
    return (file) => {
      const read = this.reads[index.get(file)!];
      return 'hash' in read && read.scan.typeOnly.length > 0 ? this.resolverOf(modules)(file, read.scan.typeOnly) : [];
    };
  }

  /** One resolver for the run's imports and type imports: each directory's specifiers are resolved once. */
  private resolverOf(modules: ModuleResolver): ReturnType<typeof importResolver> {
    if (this.resolver?.modules !== modules)
      this.resolver = { modules, resolve: importResolver(modules, new Set(this.readable)) };
    return this.resolver.resolve;
  }

  private resolver?: { modules: ModuleResolver; resolve: ReturnType<typeof importResolver> };

  /** Each analysable file's content hash, for a cache key. */
  hashesOf(files: readonly string[]): [string, string][] {
    return files.map((file) => [file, this.hashes.get(file)!]);
  }

  /**
   * The texts of the files extraction parses: read in this run, or read now. A file whose text is no
   * longer the one hashed (changed during the run) is analysed as it is now, and nothing this run
   * made from it is kept.
   */
  textsOf(files: readonly string[]): Map<string, string> {
    const texts = new Map<string, string>();
    for (const file of files) {
      let text = this.texts.get(file);
      // Each file's text is asked for once: what was read is let go as it is handed over.
      this.texts.delete(file);
      if (text === undefined) {
        const read = readSourceFile(file, this.root);
        text = 'text' in read ? read.text : '';
        if (ExtractionCache.contentHash(text) !== this.hashes.get(file)) this.stale = true;
      }
      texts.set(file, text);
    }
    return texts;
  }

  /** Lets go of the texts read in this run except those of `files`, which extraction will ask for. */
  keepTextsOf(files: readonly string[]): void {
    const kept = new Set(files);
    for (const file of this.texts.keys()) if (!kept.has(file)) this.texts.delete(file);
  }

  /** Each file's position in the order given, built once for the runs that need it. */
  private positions(): Map<string, number> {
    this.positionsByFile ??= new Map(this.files.map((file, i) => [file, i]));
    return this.positionsByFile;
  }

  private positionsByFile: Map<string, number> | undefined;

  /**
   * Keeps this run's stamps and scans for the next run, with the key its extraction was kept under
   * and the files it parsed or could have (cache only).
   */
  save(settings: unknown, extractionKey: string | undefined, candidates: ReadonlySet<string>): void {
    if (!this.stampCache || !this.scanCache || this.stale) return;
    const generation = randomUUID();
    const scans: Scans = {
      generation,
      files: [...this.files],
      hashes: [],
      words: new Uint8Array(this.files.length),
      flags: new Uint8Array(this.files.length),
      specifiers: [],
      typeOnly: [],
      listened: [],
      emitted: [],
      graphqlFields: new Uint32Array(this.files.length),
      mongooseModels: new Uint32Array(this.files.length),
      resolvedIn: this.resolvedIn,
      importOffsets: new Int32Array(this.files.length + 1),
      importTargets: new Int32Array(0),
    };
    const index = this.positions();
    const targets: number[] = [];
    const leftOut: [number, LeftOut][] = [];
    const scanDigests = new Uint32Array(this.files.length * DIGEST_WORDS);
    this.reads.forEach((read, i) => {
      scans.importOffsets[i] = targets.length;
      if (!('hash' in read)) {
        leftOut.push([i, read]);
        scans.hashes.push('');
        scans.specifiers.push('');
        scans.typeOnly.push('');
        scans.listened.push('');
        scans.emitted.push('');
        return;
      }
      const { scan } = read;
      scanDigests.set(scanDigest(scan), i * DIGEST_WORDS);
      scans.hashes.push(this.given.has(this.files[i]) ? '' : read.hash);
      scans.words[i] = WORDS.indexOf(scan.words);
      scans.flags[i] =
        (scan.definesMetrics ? 1 : 0) |
        (scan.importsMetricsLibrary ? 2 : 0) |
        (scan.moduleScoped ? 4 : 0) |
        (scan.reexportsOnly ? 8 : 0) |
        (scan.setsUpTracing ? 16 : 0) |
        (scan.startsSentry ? 32 : 0);
      scans.specifiers.push(scan.specifiers.join('\u0000'));
      scans.typeOnly.push(scan.typeOnly.join('\u0000'));
      scans.listened.push(scan.listened.join('\u0000'));
      scans.emitted.push(scan.emitted.join('\u0000'));
      scans.graphqlFields[i] = scan.graphqlFields;
      scans.mongooseModels[i] = scan.mongooseModels;
      for (const target of read.imports ?? []) targets.push(index.get(target)!);
    });
    scans.importOffsets[this.files.length] = targets.length;
    scans.importTargets = Int32Array.from(targets);
    const stamps = new Float64Array(this.now);
    const untrusted = (i: number): void => void stamps.fill(NaN, i * STAMP_FIELDS, (i + 1) * STAMP_FIELDS);
    // A file given as text (an editor's buffer) has no stamp that stands for its text.
    for (const file of this.given.keys()) if (index.has(file)) untrusted(index.get(file)!);
    // A read that failed (permissions, a file locked for a moment) is tried again, not remembered.
    for (const [i, read] of leftOut)
      if ('skipped' in read && read.skipped.message.startsWith(CANNOT_READ)) untrusted(i);
    this.scanCache.write(ENTRY_KEY, scans);
    this.stampCache.write(ENTRY_KEY, {
      generation,
      files: this.filesDigest,
      stamps,
      leftOut,
      settings: extractionKey && this.given.size === 0 ? digest(settings) : '',
      extractionKey: extractionKey ?? '',
      candidates: Uint8Array.from(this.files, (file) => (candidates.has(file) ? 1 : 0)),
      scanDigests,
    });
  }
}

const ENTRY_KEY = 'per-file';
/** How `readSourceFile` words a file it could not read (see `discovery/read-sources.ts`). */
const CANNOT_READ = 'cannot read file';
const UNSCANNED: SourceScan = {
  specifiers: [],
  typeOnly: [],
  definesMetrics: false,
  importsMetricsLibrary: false,
  moduleScoped: false,
  listened: [],
  emitted: [],
  graphqlFields: 0,
  mongooseModels: 0,
  reexportsOnly: false,
  setsUpTracing: false,
  startsSentry: false,
};

/** A scan's digest, as two 32-bit words: every field, in a fixed order. */
function scanDigest(scan: SourceScan): [number, number] {
  const hash = createHash('sha1')
    .update(
      JSON.stringify([
        scan.words ?? '',
        scan.specifiers,
        scan.typeOnly,
        scan.definesMetrics,
        scan.importsMetricsLibrary,
        scan.moduleScoped,
        scan.listened,
        scan.emitted,
        scan.graphqlFields,
        scan.mongooseModels,
        scan.reexportsOnly,
        scan.setsUpTracing,
        scan.startsSentry,
      ]),
    )
    .digest();
  return [hash.readUInt32BE(0), hash.readUInt32BE(4)];
}

function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

/** A file's stamp into `into` at `i`: NaN (never equal) where missing or changed too recently to trust. */
function stampInto(into: Float64Array, i: number, file: string, clock: number): void {
  const stat = statSync(file, { throwIfNoEntry: false });
  const at = i * STAMP_FIELDS;
  if (!stat || clock - Math.max(stat.mtimeMs, stat.ctimeMs) < RACY_MS) {
    into.fill(NaN, at, at + STAMP_FIELDS);
    return;
  }
  into[at] = stat.mtimeMs;
  into[at + 1] = stat.ctimeMs;
  into[at + 2] = stat.ino;
  into[at + 3] = stat.size;
}

function sameStamp(a: Float64Array, i: number, b: Float64Array, j: number): boolean {
  for (let k = 0; k < STAMP_FIELDS; k++) if (a[i * STAMP_FIELDS + k] !== b[j * STAMP_FIELDS + k]) return false;
  return true;
}

function split(joined: string): string[] {
  return joined === '' ? [] : joined.split('\u0000');
}

function scanAt(scans: Scans, j: number): SourceScan {
  const words = WORDS[scans.words[j]];
  return {
    ...(words ? { words } : {}),
    specifiers: split(scans.specifiers[j]),
    typeOnly: split(scans.typeOnly[j]),
    definesMetrics: (scans.flags[j] & 1) !== 0,
    importsMetricsLibrary: (scans.flags[j] & 2) !== 0,
    moduleScoped: (scans.flags[j] & 4) !== 0,
    listened: split(scans.listened[j]),
    emitted: split(scans.emitted[j]),
    graphqlFields: scans.graphqlFields[j],
    mongooseModels: scans.mongooseModels[j],
    reexportsOnly: (scans.flags[j] & 8) !== 0,
    setsUpTracing: (scans.flags[j] & 16) !== 0,
    startsSentry: (scans.flags[j] & 32) !== 0,
  };
}

/** The last run's stamps, if they have the shape this build writes; anything else is ignored. */
function validStamps(value: unknown): Stamps | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Partial<Stamps>;
  if (
    typeof v.generation !== 'string' ||
    typeof v.files !== 'string' ||
    !(v.stamps instanceof Float64Array) ||
    v.stamps.length % STAMP_FIELDS !== 0 ||
    !Array.isArray(v.leftOut) ||
    !v.leftOut.every((e) => Array.isArray(e) && typeof e[0] === 'number' && isLeftOut(e[1])) ||
    typeof v.settings !== 'string' ||
    typeof v.extractionKey !== 'string' ||
    !(v.candidates instanceof Uint8Array) ||
    v.candidates.length * STAMP_FIELDS !== v.stamps.length ||
    !(v.scanDigests instanceof Uint32Array) ||
    v.scanDigests.length !== v.candidates.length * DIGEST_WORDS
  )
    return undefined;
  return v as Stamps;
}

/** The last run's scans, if written with `stamps` and of the shape this build writes. */
function validScans(value: unknown, stamps: Stamps): Scans | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Partial<Scans>;
  const n = v.files?.length ?? -1;
  const strings = (a: unknown): boolean => Array.isArray(a) && a.length === n && a.every((s) => typeof s === 'string');
  if (
    v.generation !== stamps.generation ||
    !strings(v.files) ||
    stamps.stamps.length !== n * STAMP_FIELDS ||
    !strings(v.hashes) ||
    !strings(v.specifiers) ||
    !strings(v.typeOnly) ||
    !strings(v.listened) ||
    !strings(v.emitted) ||
    !(v.words instanceof Uint8Array) ||
    v.words.length !== n ||
    v.words.some((w) => w >= WORDS.length) ||
    !(v.flags instanceof Uint8Array) ||
    v.flags.length !== n ||
    !(v.graphqlFields instanceof Uint32Array) ||
    v.graphqlFields.length !== n ||
    !(v.mongooseModels instanceof Uint32Array) ||
    v.mongooseModels.length !== n ||
    typeof v.resolvedIn !== 'string' ||
    !(v.importOffsets instanceof Int32Array) ||
    v.importOffsets.length !== n + 1 ||
    !(v.importTargets instanceof Int32Array) ||
    v.importTargets.some((t) => t < 0 || t >= n) ||
    v.importOffsets.some((o, i) => o < 0 || o > v.importTargets!.length || (i > 0 && o < v.importOffsets![i - 1]))
  )
    return undefined;
  return v as Scans;
}

function isLeftOut(read: unknown): read is LeftOut {
  if (!read || typeof read !== 'object') return false;
  return 'skipped' in read || ('minified' in read && typeof read.minified === 'string');
}

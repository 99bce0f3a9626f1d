import { closeSync, fstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import type { Notice } from '../types.js';
import { displayPath } from '../util/paths.js';

export const MAX_FILE_BYTES = 5 * 1024 * 1024;

type ReadOutcome = { text: string } | { skipped: Notice };

/**
 * Reads a source file unless it is huge or binary; both are skipped with a note, never fatal. One
 * descriptor serves the size, the first bytes and the text (12,000 files were stat'ed, opened twice
 * and read once more each); any failure takes the path-by-path route, whose messages say what failed.
 */
function readSource(file: string, shownAs: string): ReadOutcome {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return readSourceByPath(file, shownAs);
  }
  try {
    const size = fstatSync(fd).size;
    if (size > MAX_FILE_BYTES) return tooLarge(size, shownAs);
    if (startsBinary(fd)) return binary(shownAs);
    // `pread` above left the descriptor's offset at 0: this reads the whole file.
    return { text: readFileSync(fd, 'utf8') };
  } catch {
    return readSourceByPath(file, shownAs);
  } finally {
    closeSync(fd);
  }
}

function readSourceByPath(file: string, shownAs: string): ReadOutcome {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (error) {
    return cannotRead(error, shownAs);
  }
  if (size > MAX_FILE_BYTES) return tooLarge(size, shownAs);
  try {
    const fd = openSync(file, 'r');
    try {
      if (startsBinary(fd)) return binary(shownAs);
    } finally {
      closeSync(fd);
    }
    return { text: readFileSync(file, 'utf8') };
  } catch (error) {
    return cannotRead(error, shownAs);
  }
}

function cannotRead(error: unknown, shownAs: string): ReadOutcome {
  return {
    skipped: {
      level: 'warning',
      file: shownAs,
      message: `cannot read file (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    },
  };
}

function tooLarge(size: number, shownAs: string): ReadOutcome {
  return {
    skipped: {
      level: 'note',
      file: shownAs,
      message: `skipped: ${(size / 1024 / 1024).toFixed(1)} MB is over the 5 MB limit for source files`,
    },
  };
}

function binary(shownAs: string): ReadOutcome {
  return { skipped: { level: 'note', file: shownAs, message: 'skipped: binary file' } };
}

/** One buffer for every file's first bytes: a fresh 8 kB buffer per file was 100 MB of garbage on 12,000 files. */
const head = Buffer.alloc(8000);

/** A NUL byte in the first 8,000 bytes, as git decides a file is binary. */
function startsBinary(fd: number): boolean {
  const bytes = readSync(fd, head, 0, head.length, 0);
  return head.subarray(0, bytes).includes(0);
}

/**
 * Minified bundles, vendored builds and generated data modules: nobody reviews or edits them, so
 * their calls are not the project's code (and parsing them costs more than the rest).
 */
export function looksMinified(text: string): boolean {
  if (text.length < 2048) return false;
  let lines = 1;
  let longest = 0;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
    longest = Math.max(longest, i - start);
    start = i + 1;
    lines++;
  }
  longest = Math.max(longest, text.length - start);
  return longest > 1000 && text.length / lines > 300;
}

/** A file as read for analysis: its text, or why it is left out (a notice, or that it looks minified). */
export type SourceRead = { text: string } | { skipped: Notice } | { minified: string };

/** One file, read for analysis unless it is huge, binary, unreadable or minified. */
export function readSourceFile(file: string, root: string): SourceRead {
  const shownAs = displayPath(root, file);
  const read = readSource(file, shownAs);
  if ('skipped' in read) return read;
  return looksMinified(read.text) ? { minified: shownAs } : read;
}

/** The notices for the files left out, in the order given: one each, and one for all that look minified. */
export function readNotices(reads: Iterable<Exclude<SourceRead, { text: string }>>): Notice[] {
  const notices: Notice[] = [];
  const minified: string[] = [];
  for (const read of reads) {
    if ('skipped' in read) notices.push(read.skipped);
    else minified.push(read.minified);
  }
  if (minified.length > 0) {
    const named = minified.slice(0, 3).join(', ');
    const more = minified.length > 3 ? ` and ${minified.length - 3} more` : '';
    notices.push({
      level: 'note',
      file: minified[0],
      message: `skipped ${minified.length === 1 ? 'a file that looks' : `${minified.length} files that look`} minified or generated (lines averaging over 300 characters): ${named}${more}`,
    });
  }
  return notices;
}

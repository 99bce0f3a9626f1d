import { closeSync, openSync, readSync, statSync, readFileSync } from 'node:fs';
import type { Notice } from '../types.js';
import { displayPath } from '../util/paths.js';

export const MAX_FILE_BYTES = 5 * 1024 * 1024;

type ReadOutcome = { text: string } | { skipped: Notice };

/** Reads a source file unless it is huge or binary; both are skipped with a note, never fatal. */
function readSource(file: string, shownAs: string): ReadOutcome {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (error) {
    return {
      skipped: {
        level: 'warning',
        file: shownAs,
        message: `cannot read file (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      },
    };
  }
  if (size > MAX_FILE_BYTES) {
    return {
      skipped: {
        level: 'note',
        file: shownAs,
        message: `skipped: ${(size / 1024 / 1024).toFixed(1)} MB is over the 5 MB limit for source files`,
      },
    };
  }
  try {
    if (looksBinary(file)) return { skipped: { level: 'note', file: shownAs, message: 'skipped: binary file' } };
    return { text: readFileSync(file, 'utf8') };
  } catch (error) {
    return {
      skipped: {
        level: 'warning',
        file: shownAs,
        message: `cannot read file (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      },
    };
  }
}

function looksBinary(file: string): boolean {
  const buffer = Buffer.alloc(8000);
  const fd = openSync(file, 'r');
  try {
    const bytes = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytes).includes(0);
  } finally {
    closeSync(fd);
  }
}

/** The text of every file that can be analysed, in the order given; the rest become notices. */
export function readSources(files: readonly string[], root: string): { texts: Map<string, string>; notices: Notice[] } {
  const texts = new Map<string, string>();
  const notices: Notice[] = [];
  for (const file of files) {
    const read = readSource(file, displayPath(root, file));
    if ('skipped' in read) notices.push(read.skipped);
    else texts.set(file, read.text);
  }
  return { texts, notices };
}

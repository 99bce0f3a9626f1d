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

/** The text of every file that can be analysed, in the order given; the rest become notices. */
export function readSources(files: readonly string[], root: string): { texts: Map<string, string>; notices: Notice[] } {
  const texts = new Map<string, string>();
  const notices: Notice[] = [];
  const minified: string[] = [];
  for (const file of files) {
    const shownAs = displayPath(root, file);
    const read = readSource(file, shownAs);
    if ('skipped' in read) notices.push(read.skipped);
    else if (looksMinified(read.text)) minified.push(shownAs);
    else texts.set(file, read.text);
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
  return { texts, notices };
}

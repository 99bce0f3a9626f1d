import { closeSync, openSync, readSync, statSync, readFileSync } from 'node:fs';
import { ts } from 'ts-morph';
import type { Notice } from '../types.js';

export const MAX_FILE_BYTES = 5 * 1024 * 1024;

export type ReadOutcome = { text: string } | { skipped: Notice };

/** Reads a source file unless it is huge or binary; both are skipped with a note, never fatal. */
export function readSource(file: string, shownAs: string): ReadOutcome {
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

function scriptKind(file: string): ts.ScriptKind {
  if (file.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (file.endsWith('.jsx')) return ts.ScriptKind.JSX;
  if (/\.[cm]?js$/.test(file)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

export type ParseOutcome = { sourceFile: ts.SourceFile } | { problem: Notice };

/**
 * Parses with TypeScript's own parser. The parser recovers from any error, but facts read from a
 * recovered tree are guesses, so a file with syntax errors is reported and left out.
 */
export function parseSource(file: string, text: string, shownAs: string): ParseOutcome {
  const sourceFile = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, scriptKind(file));
  const diagnostics =
    (sourceFile as unknown as { parseDiagnostics?: ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
  const first = diagnostics[0];
  if (first) {
    const { line, character } = sourceFile.getLineAndCharacterOfPosition(first.start);
    return {
      problem: {
        level: 'warning',
        file: shownAs,
        line: line + 1,
        column: character + 1,
        message: `could not parse: ${ts.flattenDiagnosticMessageText(first.messageText, ' ')} (file not analysed)`,
      },
    };
  }
  return { sourceFile };
}

import { ts } from 'ts-morph';
import type { Notice } from '../../types.js';

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
  // JSDoc in TypeScript files types nothing and no analysis reads it: parsing it was time spent on
  // comments (JavaScript files keep theirs, which the checker reads as types).
  const sourceFile = ts.createSourceFile(
    file,
    text,
    { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseForTypeInfo },
    true,
    scriptKind(file),
  );
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

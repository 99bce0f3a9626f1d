const CLOSERS: Record<string, string> = { '{': '}', '[': ']' };

/**
 * The first bracket or string of a JSON text that is never closed (or closed by the wrong bracket),
 * located where it opens: a parser only notices it where the text ends. `comments` skips `//` and
 * `/* *\/` as tsconfig.json allows.
 */
export function unclosedJson(text: string, comments: boolean): { offset: number; message: string } | undefined {
  const open: { char: string; offset: number }[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"' && text[i] !== '\n'; i++) if (text[i] === '\\') i++;
      if (i >= text.length || text[i] === '\n') return { offset: start, message: 'this `"` string is never closed' };
    } else if (comments && c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (comments && c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) return { offset: i, message: 'this `/*` comment is never closed' };
      i = end + 1;
    } else if (c === '{' || c === '[') {
      open.push({ char: c, offset: i });
    } else if (c === '}' || c === ']') {
      const opener = open.pop();
      if (!opener) return { offset: i, message: `this \`${c}\` closes nothing` };
      if (CLOSERS[opener.char] !== c) return neverClosed(opener);
    }
  }
  const innermost = open.at(-1);
  return innermost && neverClosed(innermost);
}

function neverClosed(opener: { char: string; offset: number }): { offset: number; message: string } {
  return { offset: opener.offset, message: `this \`${opener.char}\` is never closed with \`${CLOSERS[opener.char]}\`` };
}

/** Line and column (1-based) of an offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, column: offset - before.lastIndexOf('\n') };
}

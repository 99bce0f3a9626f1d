import { describe, expect, it } from 'vitest';
import { ts } from 'ts-morph';
import { TypeOracle } from '../src/extract/flow/type-oracle.js';
import { ModuleResolver } from '../src/extract/syntax/module-resolver.js';
import { forEachDescendant } from '../src/extract/syntax/walk.js';

function oracle(text: string): { types: TypeOracle; named: (name: string) => ts.Identifier } {
  const file = ts.createSourceFile('/types/app.ts', text, ts.ScriptTarget.Latest, true);
  const named = (name: string): ts.Identifier => {
    let found: ts.Identifier | undefined;
    forEachDescendant(file, (node) => {
      if (!found && ts.isIdentifier(node) && node.text === name && !ts.isParameter(node.parent)) found = node;
    });
    return found!;
  };
  return { types: new TypeOracle(new Map([[file.fileName, file]]), new ModuleResolver()), named };
}

describe('type oracle', () => {
  const text = [
    "const last = 'zebra' as const;",
    "function record(kind: 'apple' | 'zebra' | undefined) { return kind; }",
    'record(last);',
  ].join('\n');

  it('writes an anonymous union of literals in sorted order, whatever the checker met first', () => {
    const { types, named } = oracle(text);
    // Asked first about `last`, the checker creates the literal type "zebra" before "apple".
    expect(types.finiteValues(named('last'))?.type).toBe('"zebra"');
    expect(types.finiteValues(named('kind'))).toEqual({
      values: ['apple', 'zebra'],
      type: '"apple" | "zebra" | undefined',
    });
  });

  it('keeps a named union under its name', () => {
    const { types, named } = oracle(
      ["type Fruit = 'zebra' | 'apple';", 'declare const fruit: Fruit;', 'fruit;'].join('\n'),
    );
    expect(types.finiteValues(named('fruit'))?.type).toBe('Fruit');
  });
});

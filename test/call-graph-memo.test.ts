import { describe, expect, it } from 'vitest';
import { ts } from 'ts-morph';
import { CallGraph } from '../src/extract/flow/call-graph.js';
import { StaticEvaluator } from '../src/extract/flow/static-eval.js';
import { TypeOracle } from '../src/extract/flow/type-oracle.js';
import { isInjected, ValueFlow, type Source } from '../src/extract/flow/value-flow.js';
import { ProjectIndex } from '../src/extract/syntax/project-index.js';
import { forEachDescendant } from '../src/extract/syntax/walk.js';
import { indexedProject } from './helpers/indexed-project.js';

/**
 * A method's callers by name are kept once final: while a receiver is still being resolved (its
 * metric answer is a placeholder), the list is worked out again on the next question.
 */
function project(text: string): {
  calls: CallGraph;
  types: TypeOracle;
  index: ProjectIndex;
  at: <T extends ts.Node>(test: (node: ts.Node) => node is T, nth?: number) => T;
} {
  const {
    index,
    modules,
    sources: [file],
  } = indexedProject('/graph', { '/graph/app.ts': text });
  const types = new TypeOracle(index.files, modules);
  const at = <T extends ts.Node>(test: (node: ts.Node) => node is T, nth = 0): T => {
    const found: T[] = [];
    forEachDescendant(file, (node) => {
      if (test(node)) found.push(node);
    });
    return found[nth];
  };
  return { calls: new CallGraph(index, types), types, index, at };
}

const shown = (sources: Source[]): string[] =>
  sources.map((s) => (isInjected(s) ? `@${s.token}` : `${s.expr.getText()}${s.path.map((p) => `.${p}`).join('')}`));

describe('call graph memo', () => {
  const text = [
    'class Store { record(row: unknown) { return row; } }',
    'declare const store: Store;',
    'declare const histogram: { record(v: number): void };',
    "store.record('order');",
    'histogram.record(1);',
  ].join('\n');

  it('asks again about a method whose receivers were still being resolved', () => {
    const { calls, at } = project(text);
    const record = at(ts.isMethodDeclaration);
    const receiver = (call: ts.CallExpression | ts.NewExpression): string =>
      ((call.expression as ts.PropertyAccessExpression).expression as ts.Identifier).text;

    // `histogram` is being resolved: its call is kept for now, and the answer is not final.
    let resolving = true;
    calls.knowMetrics((r) => (ts.isIdentifier(r) && r.text === 'histogram' ? (resolving ? undefined : true) : false));
    expect(calls.callersOf(record).map(receiver)).toEqual(['store', 'histogram']);
    expect(calls.callersSettled(record)).toBe(false);

    // Resolved to a metric: `histogram.record(1)` records it, it calls no `Store.record`; final now.
    resolving = false;
    expect(calls.callersOf(record).map(receiver)).toEqual(['store']);
    expect(calls.callersSettled(record)).toBe(true);
  });

  it('keeps a call of a method no metric has, whatever its receiver holds', () => {
    const { calls, at } = project(
      [
        'class Store { persist(row: unknown) { return row; } }',
        'declare const store: Store;',
        'declare const histogram: Store;',
        "store.persist('order');",
        'histogram.persist(1);',
      ].join('\n'),
    );
    const persist = at(ts.isMethodDeclaration);
    // `histogram` holds a metric (say, a class whose construction defines one), but no metric has `persist`.
    calls.knowMetrics((r) => ts.isIdentifier(r) && r.text === 'histogram');
    expect(calls.callersOf(persist)).toHaveLength(2);
  });

  it('forgets the callers found before the metrics were known', () => {
    const { calls, at } = project(text);
    const record = at(ts.isMethodDeclaration);
    expect(calls.callersOf(record)).toHaveLength(2);
    expect(calls.callersSettled(record)).toBe(true);
    calls.knowMetrics((r) => ts.isIdentifier(r) && r.text === 'histogram');
    expect(calls.callersOf(record)).toHaveLength(1);
  });

  it("keeps what a method's parameter receives once its callers are final, as a fresh engine finds it", () => {
    const flowText = [
      "import { Counter } from 'prom-client';",
      'class Recorder { track(m: Counter) { return m; } }',
      'const recorder = new Recorder();',
      "recorder.track(new Counter({ name: 'a_total', help: 'A' }));",
      "recorder.track(new Counter({ name: 'b_total', help: 'B' }));",
      'export const first = recorder.track;',
    ].join('\n');
    const engine = (): { flow: ValueFlow; param: ts.Identifier } => {
      const { calls, types, index, at } = project(flowText);
      calls.knowMetrics(() => false);
      const flow = new ValueFlow(
        index,
        new StaticEvaluator(index),
        types,
        (fn) => calls.callersOf(fn),
        (fn) => calls.callersSettled(fn),
      );
      // `m` in `return m`.
      const param = at(
        (n): n is ts.Identifier => ts.isIdentifier(n) && n.text === 'm' && ts.isReturnStatement(n.parent),
      );
      return { flow, param };
    };
    const fresh = engine();
    const expected = shown(fresh.flow.origins(fresh.param));
    expect(expected).toEqual([
      "new Counter({ name: 'a_total', help: 'A' })",
      "new Counter({ name: 'b_total', help: 'B' })",
    ]);
    const warmed = engine();
    warmed.flow.origins(warmed.param);
    expect(shown(warmed.flow.origins(warmed.param))).toEqual(expected);
  });
});

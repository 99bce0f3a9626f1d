import { describe, expect, it } from 'vitest';
import { ts } from 'ts-morph';
import { CallGraph } from '../src/extract/flow/call-graph.js';
import { StaticEvaluator } from '../src/extract/flow/static-eval.js';
import { TypeOracle } from '../src/extract/flow/type-oracle.js';
import { isInjected, ValueFlow, type Source } from '../src/extract/flow/value-flow.js';
import { forEachDescendant } from '../src/extract/syntax/walk.js';
import { indexedProject } from './helpers/indexed-project.js';

/**
 * Value flow keeps sub-answers (what a parameter receives, what a member holds) across queries.
 * An answer worked out while a cycle was open or the step budget was spent is partial: reused, it
 * would make a later question's answer depend on which question came first. Each case asks the
 * same question of a fresh engine and of one that answered other questions before.
 */
function engine(files: Record<string, string>): {
  flow: ValueFlow;
  at: (file: string, text: string, nth?: number) => ts.Expression;
} {
  const { index: project, modules } = indexedProject(
    '/memo',
    Object.fromEntries(Object.entries(files).map(([name, text]) => [`/memo/${name}`, text])),
  );
  const types = new TypeOracle(project.files, modules);
  const calls = new CallGraph(project, types);
  const flow = new ValueFlow(project, new StaticEvaluator(project), types, (fn) => calls.callersOf(fn));
  const at = (file: string, text: string, nth = 0): ts.Expression => {
    const found: ts.Expression[] = [];
    forEachDescendant(project.files.get(`/memo/${file}`)!, (node) => {
      if (ts.isExpression(node) && node.getText() === text) found.push(node);
    });
    return found[nth];
  };
  return { flow, at };
}

/** Origins as text, in the engine's order (the order is part of the output). */
const shown = (sources: Source[]): string[] =>
  sources.map((s) => (isInjected(s) ? `@${s.token}` : `${s.expr.getText()}${s.path.map((p) => `.${p}`).join('')}`));

describe('value flow memo', () => {
  // `relay` and `forward` pass the metric to each other: asked from inside the cycle first, the
  // inner `forward` parameter is seen while `relay`'s is still open, without what `relay` adds.
  const cycle = {
    'metrics.ts': [
      "import { Counter } from 'prom-client';",
      "export const sent = new Counter({ name: 'sent_total', help: 'Sent' });",
      "export const relayed = new Counter({ name: 'relayed_total', help: 'Relayed' });",
      'export function forward(m: Counter, hops: number) {',
      '  if (hops > 0) relay(m, hops - 1);',
      '  return m;',
      '}',
      'export function relay(m: Counter, hops: number) {',
      '  forward(m, hops);',
      '  return m;',
      '}',
      'forward(sent, 3);',
      'relay(relayed, 3);',
      'export const viaForward = forward(sent, 0);',
      'export const viaRelay = relay(relayed, 0);',
    ].join('\n'),
  };

  it('gives a parameter in a cycle the same origins whichever query reached it first', () => {
    const expected = (() => {
      const { flow, at } = engine(cycle);
      return {
        forward: shown(flow.origins(at('metrics.ts', 'm', 2))),
        relay: shown(flow.origins(at('metrics.ts', 'm', 5))),
      };
    })();
    // Both parameters receive both metrics: each passes what it gets on to the other.
    const both = [
      "new Counter({ name: 'sent_total', help: 'Sent' })",
      "new Counter({ name: 'relayed_total', help: 'Relayed' })",
    ];
    expect([...expected.forward].sort()).toEqual([...both].sort());
    expect([...expected.relay].sort()).toEqual([...both].sort());

    const { flow, at } = engine(cycle);
    // The argument in `relay(m, hops - 1)` first: `forward`'s parameter is followed into `relay`,
    // whose call back into `forward` is the open cycle.
    flow.origins(at('metrics.ts', 'm', 1));
    flow.origins(at('metrics.ts', 'm', 4));
    expect(shown(flow.origins(at('metrics.ts', 'm', 2)))).toEqual(expected.forward);
    expect(shown(flow.origins(at('metrics.ts', 'm', 5)))).toEqual(expected.relay);
  });

  it('works out again what a query over its step budget left unfinished', () => {
    // `spread` has so many callers that following them spends nearly the whole step budget of a
    // query; what `sink`'s callers pass is then followed only in part.
    const files = {
      'wide.ts': [
        "import { Counter } from 'prom-client';",
        // Each returns a copy of its parameter, not the parameter itself (which a call would take
        // from its own argument): its callers are followed.
        'export function spread(p: unknown) { const q = p; return q; }',
        'export function sink(m: Counter) { console.log(m); const kept = m; return kept; }',
        'export function pick(b: Counter) { return spread(-1) ?? sink(b); }',
        ...Array.from({ length: 560 }, (_, i) => `spread(${i});`),
        ...Array.from({ length: 40 }, (_, i) => `sink(new Counter({ name: 'sunk_${i}_total', help: 'Sunk' }));`),
      ].join('\n'),
    };
    const fresh = engine(files);
    const alone = shown(fresh.flow.origins(fresh.at('wide.ts', 'm', 1)));
    expect(fresh.flow.wasCut()).toBe(false);
    expect(alone).toContain("new Counter({ name: 'sunk_39_total', help: 'Sunk' })");

    const { flow, at } = engine(files);
    flow.origins(at('wide.ts', 'spread(-1) ?? sink(b)'));
    expect(flow.wasCut()).toBe(true);
    // `console.log(m)`: the same parameter, from a node the first query did not reach.
    expect(shown(flow.origins(at('wide.ts', 'm', 1)))).toEqual(alone);
  });

  it('reads each container of a file from its own writes, whichever container is asked first', () => {
    // One walk of a scope lists what may write into any of its containers: each container must still
    // get only the writes into itself, in source order, and the order of asking must not matter.
    const files = {
      'registry.ts': [
        "import { Counter } from 'prom-client';",
        'const byName = new Map<string, Counter>();',
        'const byKey: Record<string, Counter> = {};',
        "byName.set('orders', new Counter({ name: 'orders_total', help: 'Orders' }));",
        "byKey['orders'] = new Counter({ name: 'keyed_orders_total', help: 'Keyed' });",
        "byName.set('orders', new Counter({ name: 'late_orders_total', help: 'Late' }));",
        "byKey.refunds = new Counter({ name: 'refunds_total', help: 'Refunds' });",
        "export const fromMap = byName.get('orders');",
        "export const fromObject = byKey['orders'];",
      ].join('\n'),
    };
    const mapRead = (at: ReturnType<typeof engine>['at']): ts.Expression => at('registry.ts', "byName.get('orders')");
    const objectRead = (at: ReturnType<typeof engine>['at']): ts.Expression => at('registry.ts', "byKey['orders']", 1);
    const first = engine(files);
    const expected = {
      map: shown(first.flow.origins(mapRead(first.at))),
      object: shown(first.flow.origins(objectRead(first.at))),
    };
    expect(expected).toEqual({
      map: [
        "new Counter({ name: 'orders_total', help: 'Orders' })",
        "new Counter({ name: 'late_orders_total', help: 'Late' })",
      ],
      object: ["new Counter({ name: 'keyed_orders_total', help: 'Keyed' })"],
    });
    const { flow, at } = engine(files);
    expect(shown(flow.origins(objectRead(at)))).toEqual(expected.object);
    expect(shown(flow.origins(mapRead(at)))).toEqual(expected.map);
  });
});

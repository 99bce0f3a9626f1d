import { ts } from 'ts-morph';
import { describe, expect, it, vi } from 'vitest';
import { indexedProject } from './helpers/indexed-project.js';

// An analysis step that fails on one call (a bug obslint has not met yet) must cost that call only.
vi.mock('../src/extract/facts/scheduled-jobs.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../src/extract/facts/scheduled-jobs.js')>();
  return {
    ...actual,
    scheduledRun: (call: ts.Node) => {
      if (call.getText().includes('orders.placed')) throw new Error('scheduling exploded');
      return undefined;
    },
  };
});

// The set-up file loaded the real modules already: load them afresh, with the mock.
vi.resetModules();
const { outboundCalls } = await import('../src/extract/facts/outbound-calls.js');
const { PackageIndex } = await import('../src/extract/facts/workspace-packages.js');
const { StaticEvaluator } = await import('../src/extract/flow/static-eval.js');

describe('an internal error in the analysis of one outbound call', () => {
  it('goes to the guard once, with the call, and every call is still analysed', () => {
    const { index, sources } = indexedProject('/repo', {
      '/repo/src/main.ts': [
        "import { Kafka } from 'kafkajs';",
        "const producer = new Kafka({ brokers: ['kafka:9092'] }).producer();",
        'export async function placed(id: string) {',
        "  await producer.send({ topic: 'orders.placed', messages: [{ value: id }] });",
        "  await producer.send({ topic: 'orders.audited', messages: [{ value: id }] });",
        '}',
        '',
      ].join('\n'),
    });
    const calls: (ts.CallExpression | ts.NewExpression)[] = [];
    const collect = (node: ts.Node): void => {
      if (ts.isCallExpression(node) || ts.isNewExpression(node)) calls.push(node);
      ts.forEachChild(node, collect);
    };
    sources.forEach(collect);
    const packages = new PackageIndex('/repo', [
      { name: 'orders', dir: '/repo', entries: [], scripts: [], dependencies: { kafkajs: '^2.2.4' } },
    ]);
    const failed: string[] = [];
    const found = outboundCalls(
      calls,
      index,
      packages,
      new StaticEvaluator(index),
      () => [],
      () => [],
      () => undefined,
      (node, step) => {
        try {
          step();
        } catch (error) {
          failed.push(
            `${node.getSourceFile().getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${(error as Error).message}`,
          );
        }
      },
    );
    expect(failed).toEqual(['4: scheduling exploded']);
    // The failed step counts as not known (no schedule); the call and the next are still reported.
    expect(found.map((call) => call.loc.line)).toEqual([4, 5]);
  });
});

import { describe, expect, it } from 'vitest';
import { ts } from 'ts-morph';
import { CallGraph } from '../src/extract/flow/call-graph.js';
import { TypeOracle } from '../src/extract/flow/type-oracle.js';
import { forEachDescendant } from '../src/extract/syntax/walk.js';
import { functionName } from '../src/extract/syntax/scope.js';
import { indexedProject } from './helpers/indexed-project.js';

/** The callers by name the call graph gives each named function of one file, as `receiver.method`. */
function callersByName(text: string, file = '/graph/app.ts'): Record<string, string[]> {
  const {
    index,
    modules,
    sources: [source],
  } = indexedProject('/graph', { [file]: text });
  const functions: ts.SignatureDeclaration[] = [];
  forEachDescendant(source, (node) => {
    if (ts.isFunctionLike(node) && functionName(node)) functions.push(node);
  });
  const calls = new CallGraph(index, new TypeOracle(index.files, modules));
  const result: Record<string, string[]> = {};
  for (const fn of functions) {
    const line = source.getLineAndCharacterOfPosition(fn.getStart()).line + 1;
    result[`${functionName(fn)}@${line}`] = calls.callersOf(fn).map((call) => call.expression.getText());
  }
  return result;
}

describe('callers by name leave out calls the runtime answers', () => {
  it('a static method is called on its class, not on instances that have a method of that name', () => {
    const found = callersByName(
      [
        'class Node {',
        '  static init(opts: { port: number }) { return new Node(); }',
        '}',
        'class Network { init(peers: string[]) { return peers; } }',
        'const network = new Network();',
        "network.init(['a']);",
        'Node.init({ port: 1 });',
        'const Alias = Node;',
        'Alias.init({ port: 2 });',
        'function boot(Kind: typeof Node, net: Network) { Kind.init({ port: 3 }); net.init([]); }',
      ].join('\n'),
    );
    expect(found['init@2']).toEqual(['Node.init', 'Alias.init', 'Kind.init']);
    expect(found['init@4']).toEqual(['network.init', 'Alias.init', 'Kind.init', 'net.init']);
  });

  it('a built-in collection method is not a call of a project method of that name', () => {
    const found = callersByName(
      [
        'class Registry {',
        '  private readonly seen = new Set<string>();',
        '  private names: string[] = [];',
        '  constructor(private readonly byId: Map<string, number>) {}',
        '  add(name: string) { this.seen.add(name); this.names.push(name); this.byId.set(name, 1); }',
        '  push(name: string) { return name; }',
        '  set(name: string, n: number) { return n; }',
        '}',
        'declare const registry: Registry;',
        "registry.add('orders');",
        "registry.push('users');",
        "registry.set('carts', 2);",
        'const pending = new Map<string, number>();',
        "pending.set('x', 1);",
        'const ids: number[] = [];',
        'ids.push(1);',
        '[1, 2].push(3);',
        'function fill(out: Set<string>, more: Array<string>) { out.add("a"); more.push("b"); }',
        'fill(new Set(), []);',
      ].join('\n'),
    );
    expect(found['add@5']).toEqual(['registry.add']);
    expect(found['push@6']).toEqual(['registry.push']);
    expect(found['set@7']).toEqual(['registry.set']);
  });

  it('a subclass of a collection, or a project class named like one, may be the project method', () => {
    const found = callersByName(
      [
        'class CountingMap extends Map<string, number> { set(key: string, n: number) { return super.set(key, n + 1); } }',
        'const seen: Map<string, number> = new CountingMap();',
        "seen.set('a', 1);",
        'class Set { add(layer: string) { return layer; } }',
        "new Set().add('roads');",
      ].join('\n'),
    );
    expect(found['set@1']).toEqual(['super.set', 'seen.set']);
    expect(found['add@4']).toEqual(['new Set().add']);
  });

  it('a static method calls its base class through super', () => {
    const found = callersByName(
      [
        'class Base { static record(status: string) { return status; } }',
        "class Child extends Base { static record(status: string) { return super.record(status + '!'); } }",
        "Child.record('ok');",
      ].join('\n'),
    );
    expect(found['record@1']).toEqual(['super.record', 'Child.record']);
  });

  it('a JavaScript class field only ever created as a collection is one', () => {
    const found = callersByName(
      [
        'class Batcher {',
        '  constructor() { this.pending = new Map(); this.other = createStore(); }',
        '  set(key, value) { this.pending.set(key, value); this.other.set(key, value); }',
        '}',
        'const batcher = new Batcher();',
        "batcher.set('a', 1);",
      ].join('\n'),
      '/graph/app.js',
    );
    // `this.other` may be anything: its call stays a possible caller.
    expect(found['set@3']).toEqual(['this.other.set', 'batcher.set']);
  });

  it('a Proxy trap has no callers: `fn.apply(thisArg, args)` is Function.prototype.apply', () => {
    const found = callersByName(
      [
        'export function wrap(handler: (...args: unknown[]) => unknown) {',
        '  return new Proxy(handler, {',
        '    apply: (target, thisArg, args) => target.apply(thisArg, args),',
        '  });',
        '}',
        'const traps = { get(target: object, key: string) { return key; } };',
        'export const open = new Proxy({}, traps);',
        'const notAHandler = { apply(x: number) { return x; } };',
        'notAHandler.apply(1);',
        'wrap(() => 1).apply(undefined, []);',
        "open.get('x');",
      ].join('\n'),
    );
    expect(found['apply@3']).toEqual([]);
    expect(found['get@6']).toEqual([]);
    expect(found['apply@8']).toEqual(['target.apply', 'notAHandler.apply', 'wrap(() => 1).apply']);
  });
});

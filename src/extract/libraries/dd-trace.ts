import { ts } from 'ts-morph';
import { releasedBy } from './releases.js';
import type { Client } from '../../types.js';
import { lookup, requiredModule, setTo, skipOuter } from '../syntax/scope.js';
import { forEachDescendant } from '../syntax/walk.js';

const DD_TRACE_MODULES = new Set(['dd-trace', 'dd-trace/init']);

/** dd-trace's plugins, by the name `tracer.use(name, …)` takes, and the clients each instruments. */
const PLUGINS: Record<string, Client[]> = {
  http: ['http', 'https', 'axios', 'got', 'node-fetch', 'superagent', 'bent'],
  https: ['http', 'https', 'axios', 'got', 'node-fetch', 'superagent', 'bent'],
  fetch: ['fetch', 'ky'],
  undici: ['undici'],
  kafkajs: ['kafkajs'],
  amqplib: ['amqplib'],
  'aws-sdk': ['sqs'],
  grpc: ['grpc'],
  'google-cloud-pubsub': ['pubsub'],
  http2: ['connect'],
  bullmq: ['bullmq'],
};

/**
 * Plugins dd-trace added after its clients were in use: the first dd-trace release with each, and
 * the first release of the client it instruments (its bullmq plugin hooks bullmq 5.66.0 and later).
 */
const PLUGIN_SINCE: Partial<Record<Client, { ddTrace: string; client: string }>> = {
  bullmq: { ddTrace: '5.82.0', client: '5.66.0' },
};

/**
 * The clients dd-trace instruments at the releases a package declares (its `dd-trace` range and
 * the client's), and for the others the releases that would. A range without a version (`latest`,
 * `*`) installs the current release; an undeclared one (the set-up in a package that does not list
 * it) is not assumed new.
 */
export function ddTraceClients(
  all: readonly Client[],
  dependencies: Readonly<Record<string, string>>,
): { clients: Client[]; upgrade: Partial<Record<Client, string>> } {
  const clients = [...all];
  const upgrade: Partial<Record<Client, string>> = {};
  for (const [client, since] of Object.entries(PLUGIN_SINCE) as [Client, { ddTrace: string; client: string }][]) {
    const behind = [
      ['dd-trace', since.ddTrace],
      [client, since.client],
    ].filter(([name, version]) => !releasedBy(dependencies[name], version));
    if (behind.length === 0) clients.push(client);
    else upgrade[client] = behind.map(([name, version]) => `${name} ${version}`).join(' and ');
  }
  return { clients, upgrade };
}

export interface DdTraceSetup {
  /** The first `tracer.init(…)`: where the set-up is, rather than a file that only imports the tracer. */
  init?: ts.CallExpression;
  /**
   * The clients dd-trace leaves uninstrumented in these files' process: a plugin switched off
   * (`tracer.use('amqplib', { enabled: false })`, `tracer.use('fetch', false)`), or every plugin
   * (`tracer.init({ plugins: false })`) but those switched back on by `tracer.use(name)`.
   */
  off: Map<Client, { what: string; call: ts.CallExpression }>;
}

/** How these files' process sets dd-trace up. */
export function ddTraceSetup(files: Iterable<ts.SourceFile>, all: readonly Client[]): DdTraceSetup {
  const off = new Map<Client, { what: string; call: ts.CallExpression }>();
  const on = new Set<Client>();
  let init: ts.CallExpression | undefined;
  let pluginsOff: ts.CallExpression | undefined;
  for (const file of files) {
    if (!file.text.includes('dd-trace')) continue;
    forEachDescendant(file, (node) => {
      if (!ts.isCallExpression(node)) return;
      const callee = skipOuter(node.expression);
      if (!ts.isPropertyAccessExpression(callee) || !isTracer(callee.expression)) return;
      const [first, second] = node.arguments.map(skipOuter);
      if (callee.name.text === 'init') init ??= node;
      if (
        callee.name.text === 'init' &&
        first &&
        ts.isObjectLiteralExpression(first) &&
        setTo(first, 'plugins', ts.SyntaxKind.FalseKeyword)
      )
        pluginsOff ??= node;
      if (callee.name.text !== 'use' || !first || !ts.isStringLiteralLike(first)) return;
      const clients = PLUGINS[first.text] ?? [];
      const switchedOff =
        second !== undefined &&
        (second.kind === ts.SyntaxKind.FalseKeyword ||
          (ts.isObjectLiteralExpression(second) && setTo(second, 'enabled', ts.SyntaxKind.FalseKeyword)));
      for (const client of clients)
        if (!switchedOff) on.add(client);
        else if (!off.has(client)) off.set(client, { what: `\`${first.text}\` plugin`, call: node });
    });
  }
  if (pluginsOff)
    for (const client of all)
      if (!on.has(client) && !off.has(client))
        off.set(client, { what: `\`${pluginFor(client)}\` plugin (\`plugins: false\`)`, call: pluginsOff });
  return { init, off };
}

/** The plugin that instruments a client. */
function pluginFor(client: Client): string {
  return Object.keys(PLUGINS).find((name) => PLUGINS[name].includes(client)) ?? client;
}

/** dd-trace's tracer: its import or `require`, what `init()` returns, a variable holding either. */
function isTracer(expr: ts.Expression, depth = 0): boolean {
  const e = skipOuter(expr);
  if (depth > 4) return false;
  if (ts.isCallExpression(e)) {
    const required = requiredModule(e);
    if (required !== undefined) return DD_TRACE_MODULES.has(required);
    const callee = skipOuter(e.expression);
    return (
      ts.isPropertyAccessExpression(callee) && callee.name.text === 'init' && isTracer(callee.expression, depth + 1)
    );
  }
  if (ts.isPropertyAccessExpression(e)) return e.name.text === 'tracer' && isTracer(e.expression, depth + 1);
  if (!ts.isIdentifier(e)) return false;
  const decl = lookup(e.text, e);
  if (decl?.kind === 'import') return DD_TRACE_MODULES.has(decl.module);
  return decl?.kind === 'variable' && decl.path.length === 0 && decl.node.initializer !== undefined
    ? isTracer(decl.node.initializer, depth + 1)
    : false;
}

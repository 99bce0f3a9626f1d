import { ts } from 'ts-morph';
import type { Client } from '../../types.js';
import { table } from '../../util/table.js';
import type { ProjectIndex } from '../syntax/project-index.js';
import { KAFKAJS_HANDLERS } from './kafkajs.js';
import {
  enclosingClassLike,
  enclosingFunction,
  forEachThisAssignment,
  lookup,
  skipOuter,
  type Declaration,
} from '../syntax/scope.js';

/** HTTP client packages, by module specifier. */
const HTTP_MODULES = table<Client>({
  'node-fetch': 'node-fetch',
  undici: 'undici',
  axios: 'axios',
  got: 'got',
  ky: 'ky',
  superagent: 'superagent',
  http: 'http',
  'node:http': 'http',
  https: 'https',
  'node:https': 'https',
});
const VERB_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'head', 'options', 'request']);
/** Calls on a client package that make a request, per package (`http.get`, `undici.request`…). */
const REQUEST_METHODS: Partial<Record<Client, Set<string>>> = {
  http: new Set(['request', 'get']),
  https: new Set(['request', 'get']),
  undici: new Set(['request', 'fetch', 'stream']),
};
/** Calls that make a configured client instance (`axios.create()`, `got.extend()`). */
const INSTANCE_FACTORIES = new Set(['create', 'extend']);

/** Messaging packages: a file importing one makes its producer/consumer methods recognisable. */
const MESSAGING_MODULES = table<Client>({
  kafkajs: 'kafkajs',
  amqplib: 'amqplib',
  'amqplib/callback_api': 'amqplib',
  '@aws-sdk/client-sqs': 'sqs',
  '@google-cloud/pubsub': 'pubsub',
  bullmq: 'bullmq',
  nats: 'nats',
  'pg-boss': 'pg-boss',
});
const PRODUCER_METHODS: Partial<Record<Client, Set<string>>> = {
  kafkajs: new Set(['send', 'sendBatch']),
  amqplib: new Set(['publish', 'sendToQueue']),
  pubsub: new Set(['publishMessage', 'publish', 'publishJSON']),
  bullmq: new Set(['add', 'addBulk']),
  nats: new Set(['publish', 'request']),
  'pg-boss': new Set(['send', 'publish', 'sendAfter', 'sendThrottled', 'insert']),
};
const CONSUMER_METHODS: Partial<Record<Client, Set<string>>> = {
  kafkajs: new Set(['run']),
  amqplib: new Set(['consume']),
  nats: new Set(['subscribe']),
  'pg-boss': new Set(['work', 'fetch']),
};
const SQS_COMMANDS = table<'send' | 'receive'>({
  SendMessageCommand: 'send',
  SendMessageBatchCommand: 'send',
  ReceiveMessageCommand: 'receive',
});

export interface ClientCall {
  client: Client;
  direction: 'send' | 'receive';
  /** The message handler (an argument, or the function around a polling call), for consumers. */
  handler?: ts.Node;
}

const MESSAGING_CLIENTS = [...new Set(Object.values(MESSAGING_MODULES))];

/** Asked for every call of a file, and for the files receivers come from: read each file once. */
const messagingByFile = new WeakMap<ts.SourceFile, Set<Client>>();

/** Which messaging packages a file imports. */
export function messagingClientsOf(file: ts.SourceFile): ReadonlySet<Client> {
  const known = messagingByFile.get(file);
  if (known) return known;
  const clients = new Set<Client>();
  messagingByFile.set(file, clients);
  for (const statement of file.statements) {
    const specifier =
      ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)
        ? statement.moduleSpecifier.text
        : undefined;
    if (specifier && MESSAGING_MODULES[specifier]) clients.add(MESSAGING_MODULES[specifier]);
  }
  const text = file.text;
  for (const [module, client] of Object.entries(MESSAGING_MODULES))
    if (text.includes(`require('${module}')`) || text.includes(`require("${module}")`)) clients.add(client);
  return clients;
}

/** The outbound client a call uses, resolved by import (a `fetch` you declared yourself is not one). */
export function clientCall(
  call: ts.CallExpression | ts.NewExpression,
  project: ProjectIndex,
  messaging: ReadonlySet<Client>,
): ClientCall | undefined {
  const callee = skipOuter(call.expression);
  if (ts.isNewExpression(call)) {
    if (ts.isIdentifier(callee) && SQS_COMMANDS[callee.text] && importedFrom(callee, '@aws-sdk/client-sqs'))
      return { client: 'sqs', direction: SQS_COMMANDS[callee.text] };
    if (ts.isIdentifier(callee) && callee.text === 'Worker' && importedFrom(callee, 'bullmq'))
      return { client: 'bullmq', direction: 'receive', handler: call.arguments?.[1] };
    return undefined;
  }
  if (ts.isIdentifier(callee)) {
    if (callee.text === 'fetch' && !lookup('fetch', callee)) return { client: 'fetch', direction: 'send' };
    const module = moduleOf(callee, project);
    const client = module ? HTTP_MODULES[module] : undefined;
    if (!client) return undefined;
    const imported = importedName(callee);
    if (REQUEST_METHODS[client])
      return REQUEST_METHODS[client].has(imported ?? '') ? { client, direction: 'send' } : undefined;
    return { client, direction: 'send' };
  }
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const method = callee.name.text;
  const receiver = skipOuter(callee.expression);
  const viaPackage = clientOfReceiver(receiver, project);
  if (viaPackage) {
    const allowed = REQUEST_METHODS[viaPackage] ?? VERB_METHODS;
    return allowed.has(method) ? { client: viaPackage, direction: 'send' } : undefined;
  }
  const origin = originOf(receiver, project);
  for (const client of MESSAGING_CLIENTS) {
    const producer = PRODUCER_METHODS[client]?.has(method);
    const consumer = CONSUMER_METHODS[client]?.has(method);
    // By what made the receiver, wherever that is; by its name only in a file importing the package.
    if (!producer && !consumer) continue;
    const isClient = origin
      ? CLIENT_OBJECTS[client]?.created(origin) === true &&
        (messaging.has(client) || messagingClientsOf(origin.getSourceFile()).has(client))
      : messaging.has(client) && isClientObject(client, receiver);
    if (!isClient) continue;
    return producer
      ? { client, direction: 'send' }
      : { client, direction: 'receive', handler: consumerHandler(client, call) };
  }
  if (
    messaging.has('pubsub') &&
    method === 'on' &&
    ts.isStringLiteralLike(call.arguments[0] ?? ts.factory.createNull()) &&
    (call.arguments[0] as ts.StringLiteral).text === 'message'
  ) {
    return { client: 'pubsub', direction: 'receive', handler: call.arguments[1] };
  }
  return undefined;
}

/** What each messaging client's producer/consumer object is created by, and named like when that cannot be seen. */
const CLIENT_OBJECTS: Partial<Record<Client, { created: (origin: ts.Expression) => boolean; named: RegExp }>> = {
  kafkajs: { created: (o) => callTo(o, ['producer', 'consumer']), named: /producer|consumer/i },
  amqplib: { created: (o) => callTo(o, ['createChannel', 'createConfirmChannel']), named: /channel|^ch$/i },
  nats: { created: (o) => callTo(o, ['connect']) && fromModule(o, 'nats'), named: /nats|^nc$/i },
  'pg-boss': { created: (o) => ts.isNewExpression(o) && fromModule(o, 'pg-boss'), named: /boss/i },
  bullmq: { created: (o) => ts.isNewExpression(o) && fromModule(o, 'bullmq'), named: /queue/i },
  pubsub: { created: (o) => callTo(o, ['topic', 'subscription']), named: /topic|subscription/i },
};

/** `new PgBoss()`, `connect()`: the constructor or function is imported from that package. */
function fromModule(expr: ts.Expression, module: string): boolean {
  const e = skipOuter(expr);
  const callee = ts.isCallExpression(e) || ts.isNewExpression(e) ? skipOuter(e.expression) : undefined;
  return callee !== undefined && ts.isIdentifier(callee) && importedFrom(callee, module);
}

function callTo(expr: ts.Expression, names: string[]): boolean {
  const e = skipOuter(expr);
  if (!ts.isCallExpression(e)) return false;
  const callee = skipOuter(e.expression);
  const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
  return names.includes(name);
}

/** Whether a receiver is that client's producer or consumer, by what created it (or its name). */
function isClientObject(client: Client, receiver: ts.Expression): boolean {
  const known = CLIENT_OBJECTS[client];
  if (!known) return false;
  const name = ts.isIdentifier(receiver)
    ? receiver.text
    : ts.isPropertyAccessExpression(receiver)
      ? receiver.name.text
      : '';
  return known.named.test(name);
}

/** The expression a receiver was created by: itself when it is a call, or its variable's or field's initializer. */
function originOf(receiver: ts.Expression, project?: ProjectIndex, depth = 0): ts.Expression | undefined {
  const e = skipOuter(receiver);
  if (ts.isCallExpression(e) || ts.isNewExpression(e)) return e;
  if (depth > 3) return undefined;
  if (ts.isIdentifier(e)) {
    let decl = lookup(e.text, e);
    // A queue or producer made in a module of its own and imported where it is used.
    if (decl?.kind === 'import' && project) decl = project.followImport(decl);
    const init = decl?.kind === 'variable' && decl.path.length === 0 ? decl.node.initializer : undefined;
    return init ? originOf(init, project, depth + 1) : undefined;
  }
  if (!ts.isPropertyAccessExpression(e)) return undefined;
  // `this.queue`, or `Queues.invoices` (a static field of a class, imported or not).
  let owner: ts.ClassLikeDeclaration | undefined;
  if (e.expression.kind === ts.SyntaxKind.ThisKeyword) owner = enclosingClassLike(e);
  else if (ts.isIdentifier(e.expression)) {
    let decl = lookup(e.expression.text, e.expression);
    if (decl?.kind === 'import' && project) decl = project.followImport(decl);
    if (decl?.kind === 'class') owner = decl.node;
  }
  const field = owner?.members.find((m) => ts.isPropertyDeclaration(m) && m.name.getText() === e.name.text) as
    ts.PropertyDeclaration | undefined;
  return field?.initializer ? originOf(field.initializer, project, depth + 1) : undefined;
}

function consumerHandler(client: Client, call: ts.CallExpression): ts.Node | undefined {
  // `const jobs = await boss.fetch(queue)`: the code around the call handles the jobs.
  if (client === 'pg-boss' && (call.expression as ts.PropertyAccessExpression).name.text === 'fetch')
    return enclosingFunction(call);
  if (client === 'kafkajs') {
    const config = call.arguments[0] && skipOuter(call.arguments[0]);
    if (config && ts.isObjectLiteralExpression(config)) {
      const prop = config.properties.find((p) => ts.isPropertyAssignment(p) && KAFKAJS_HANDLERS.has(p.name.getText()));
      if (prop && ts.isPropertyAssignment(prop)) return prop.initializer;
      const method = config.properties.find((p) => ts.isMethodDeclaration(p) && KAFKAJS_HANDLERS.has(p.name.getText()));
      return method;
    }
    return undefined;
  }
  return call.arguments[call.arguments.length - 1];
}

/** The client package a receiver is (`axios`, `got`), or an instance made from one (`axios.create()`). */
function clientOfReceiver(receiver: ts.Expression, project: ProjectIndex, depth = 0): Client | undefined {
  if (depth > 4) return undefined;
  if (ts.isIdentifier(receiver)) {
    const module = moduleOf(receiver, project);
    if (module && HTTP_MODULES[module]) return HTTP_MODULES[module];
    const decl = lookup(receiver.text, receiver);
    const init = decl?.kind === 'variable' && decl.path.length === 0 ? decl.node.initializer : undefined;
    return init ? instanceOf(init, project, depth) : undefined;
  }
  if (ts.isPropertyAccessExpression(receiver) && receiver.expression.kind === ts.SyntaxKind.ThisKeyword) {
    // `http = axios.create(...)` as a field, or `this.http = axios.create(...)` in the class.
    const cls = enclosingClassLike(receiver);
    if (!cls) return undefined;
    const field = cls.members.find((m) => ts.isPropertyDeclaration(m) && m.name.getText() === receiver.name.text) as
      ts.PropertyDeclaration | undefined;
    let client = field?.initializer ? instanceOf(field.initializer, project, depth) : undefined;
    forEachThisAssignment(cls, receiver.name.text, (value) => {
      client ??= instanceOf(value, project, depth);
    });
    return client;
  }
  return undefined;
}

function instanceOf(init: ts.Expression, project: ProjectIndex, depth: number): Client | undefined {
  const e = skipOuter(init);
  if (!ts.isCallExpression(e)) return undefined;
  const callee = skipOuter(e.expression);
  if (ts.isPropertyAccessExpression(callee) && INSTANCE_FACTORIES.has(callee.name.text))
    return clientOfReceiver(skipOuter(callee.expression), project, depth + 1);
  return undefined;
}

/** The package an identifier is imported from (following project re-exports). */
export function moduleOf(id: ts.Identifier, project: ProjectIndex): string | undefined {
  let decl: Declaration | undefined = lookup(id.text, id);
  for (let i = 0; decl && i < 4; i++) {
    if (decl.kind !== 'import') return undefined;
    if (!decl.module.startsWith('.')) return decl.module;
    decl = project.followImport(decl);
  }
  return undefined;
}

function importedName(id: ts.Identifier): string | undefined {
  const decl = lookup(id.text, id);
  return decl?.kind === 'import' ? decl.imported : undefined;
}

function importedFrom(id: ts.Identifier, module: string): boolean {
  const decl = lookup(id.text, id);
  return decl?.kind === 'import' && decl.module === module;
}

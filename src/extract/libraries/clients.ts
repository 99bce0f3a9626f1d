import { ts } from 'ts-morph';
import type { Client } from '../../types.js';
import { table } from '../../util/table.js';
import { MESSAGING_MODULES } from './messaging-modules.js';
import type { ProjectIndex } from '../syntax/project-index.js';
import { KAFKAJS_HANDLERS } from './kafkajs.js';
import { NEST_CLIENT_METHODS, nestMicroserviceClient } from './nest-microservices.js';
import {
  declaredType,
  enclosingClassLike,
  enclosingFunction,
  fieldHolders,
  forEachThisAssignment,
  importedType,
  literalProperty,
  lookup,
  namesKey,
  objectArguments,
  propertyKey,
  requiredModule,
  skipOuter,
  withoutUndefined,
  type Declaration,
} from '../syntax/scope.js';
import { forEachDescendant } from '../syntax/walk.js';
import { calledFunction, objectLiteralHeld, returnedValues } from '../syntax/functions.js';
import { memberType } from '../syntax/declared-types.js';
import { outermost } from '../syntax/builtin-calls.js';

/** HTTP client packages, by module specifier. */
const HTTP_MODULES = table<Client>({
  'node-fetch': 'node-fetch',
  undici: 'undici',
  axios: 'axios',
  got: 'got',
  // got's CommonJS build, for projects that cannot load ES modules.
  'got-cjs': 'got',
  ky: 'ky',
  superagent: 'superagent',
  http: 'http',
  'node:http': 'http',
  https: 'https',
  'node:https': 'https',
});
/** The types an HTTP client package gives its instances, by package. */
const HTTP_INSTANCE_TYPES: Partial<Record<string, ReadonlySet<string>>> = {
  axios: new Set(['AxiosInstance', 'AxiosStatic', 'Axios']),
  got: new Set(['Got']),
  'got-cjs': new Set(['Got']),
  ky: new Set(['KyInstance']),
};
const VERB_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'head', 'options', 'request']);
/** Calls on a client package that make a request, per package (`http.get`, `undici.request`…). */
const REQUEST_METHODS: Partial<Record<Client, Set<string>>> = {
  http: new Set(['request', 'get']),
  https: new Set(['request', 'get']),
  undici: new Set(['request', 'fetch', 'stream']),
};
/** Calls that make a configured client instance (`axios.create()`, `got.extend()`). */
const INSTANCE_FACTORIES = new Set(['create', 'extend']);

const PRODUCER_METHODS: Partial<Record<Client, Set<string>>> = {
  kafkajs: new Set(['send', 'sendBatch']),
  amqplib: new Set(['publish', 'sendToQueue']),
  pubsub: new Set(['publishMessage', 'publish', 'publishJSON']),
  bullmq: new Set(['add', 'addBulk']),
  bull: new Set(['add', 'addBulk']),
  nats: new Set(['publish', 'request']),
  'nats-streaming': new Set(['publish']),
  'pg-boss': new Set(['send', 'publish', 'sendAfter', 'sendThrottled', 'insert']),
  // The aggregated client (`new SQS()` of `@aws-sdk/client-sqs`, `new AWS.SQS()` of `aws-sdk` v2).
  sqs: new Set(['sendMessage', 'sendMessageBatch']),
};
const CONSUMER_METHODS: Partial<Record<Client, Set<string>>> = {
  kafkajs: new Set(['run']),
  amqplib: new Set(['consume']),
  nats: new Set(['subscribe']),
  'nats-streaming': new Set(['subscribe']),
  bull: new Set(['process']),
  'pg-boss': new Set(['work', 'fetch']),
  sqs: new Set(['receiveMessage']),
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
  // Most files require nothing: one search instead of two per package.
  if (text.includes('require('))
    for (const [module, client] of Object.entries(MESSAGING_MODULES))
      if (text.includes(`require('${module}')`) || text.includes(`require("${module}")`)) clients.add(client);
  return clients;
}

/** Every producer or consumer method of a messaging client: a call named otherwise is no messaging call. */
const MESSAGING_METHODS = new Set(
  MESSAGING_CLIENTS.flatMap((client) => [...(PRODUCER_METHODS[client] ?? []), ...(CONSUMER_METHODS[client] ?? [])]),
);

/**
 * The outbound client a call uses, resolved by import (a `fetch` you declared yourself is not one).
 * `clientNames` are the names its file may bind to an HTTP client (`httpClientNames`).
 */
export function clientCall(
  call: ts.CallExpression | ts.NewExpression,
  project: ProjectIndex,
  messaging: ReadonlySet<Client>,
  clientNames: ReadonlySet<string>,
): ClientCall | undefined {
  const callee = skipOuter(call.expression);
  if (ts.isNewExpression(call)) {
    if (ts.isIdentifier(callee) && SQS_COMMANDS[callee.text] && importedFrom(callee, '@aws-sdk/client-sqs'))
      return { client: 'sqs', direction: SQS_COMMANDS[callee.text] };
    if (bullmqWorkerClass(callee)) return { client: 'bullmq', direction: 'receive', handler: call.arguments?.[1] };
    return undefined;
  }
  if (madeByBent(callee, project)) return { client: 'bent', direction: 'send' };
  if (ts.isIdentifier(callee) && ts.isDecorator(call.parent))
    return nestQueueProcessor(callee, call.parent.parent, project);
  if (ts.isIdentifier(callee)) {
    const client = httpFunction(callee, project, clientNames);
    return client ? { client, direction: 'send' } : undefined;
  }
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const method = callee.name.text;
  const receiver = skipOuter(callee.expression);
  const held = heldHttpFunction(callee, project, clientNames);
  if (held) return { client: held, direction: 'send' };
  if (nestHttpService(receiver)) return VERB_METHODS.has(method) ? { client: 'axios', direction: 'send' } : undefined;
  const viaPackage = clientNames.size > 0 ? clientOfReceiver(receiver, project, clientNames) : undefined;
  if (viaPackage) {
    const allowed = REQUEST_METHODS[viaPackage] ?? VERB_METHODS;
    return allowed.has(method) ? { client: viaPackage, direction: 'send' } : undefined;
  }
  const nest = NEST_CLIENT_METHODS.has(method) ? nestMicroserviceClient(receiver, project) : undefined;
  if (nest) return { client: nest, direction: 'send' };
  if (!MESSAGING_METHODS.has(method)) return pubsubListener(call, method, messaging);
  const origin = originOf(receiver, project);
  for (const client of MESSAGING_CLIENTS) {
    const producer = PRODUCER_METHODS[client]?.has(method);
    const consumer = CONSUMER_METHODS[client]?.has(method);
    // By what made the receiver, wherever that is; by its name only in a file importing the package.
    if (!producer && !consumer) continue;
    const isClient = origin
      ? (CLIENT_OBJECTS[client]?.created(origin) === true &&
          (messaging.has(client) || messagingClientsOf(origin.getSourceFile()).has(client))) ||
        returnsClientType(origin, client, project) ||
        returnsMadeClient(origin, client, project) ||
        typedAsClient(receiver, client)
      : (messaging.has(client) && isClientObject(client, receiver)) || memberTypedAsClient(receiver, client, project);
    if (!isClient) continue;
    return producer
      ? { client, direction: 'send' }
      : { client, direction: 'receive', handler: consumerHandler(client, call) };
  }
  return pubsubListener(call, method, messaging);
}

/**
 * Nest's `HttpService` (`@nestjs/axios`), injected: its verbs (`this.http.post(…)`, an Observable)
 * and its axios instance's (`this.http.axiosRef.get(…)`) are axios requests.
 */
function nestHttpService(receiver: ts.Expression): boolean {
  const service =
    ts.isPropertyAccessExpression(receiver) && receiver.name.text === 'axiosRef'
      ? skipOuter(receiver.expression)
      : receiver;
  const type = importedType(service);
  return type?.module === '@nestjs/axios' && type.imported === 'HttpService';
}

/** The HTTP client an identifier names as a function: the global `fetch`, or one imported from a client package. */
function httpFunction(id: ts.Identifier, project: ProjectIndex, clientNames: ReadonlySet<string>): Client | undefined {
  if (id.text === 'fetch' && !lookup('fetch', id)) return 'fetch';
  if (!clientNames.has(id.text)) return undefined;
  const module = moduleOf(id, project);
  const client = module ? HTTP_MODULES[module] : undefined;
  if (!client) return undefined;
  const imported = importedName(id) ?? '';
  if (REQUEST_METHODS[client]) return REQUEST_METHODS[client].has(imported) ? client : undefined;
  // The package's request function is what it exports by default (`axios(…)`, `got(…)`); its other
  // exports are helpers (`isAxiosError(error)`, `isCancel`), except a verb (`import { get } from 'superagent'`).
  return imported === 'default' || imported === '*' || imported === client || VERB_METHODS.has(imported)
    ? client
    : undefined;
}

/**
 * An HTTP function a class holds, injectable for tests: `this.fetch(…)` after `this.fetch = fetch`,
 * `this.deps.fetch(…)` after `this.deps = { fetch, ...deps }` (a field's initializer, an assignment in
 * the class, or a constructor parameter's default). What the class holds by default is what runs.
 */
function heldHttpFunction(
  callee: ts.PropertyAccessExpression,
  project: ProjectIndex,
  clientNames: ReadonlySet<string>,
): Client | undefined {
  const receiver = skipOuter(callee.expression);
  const holder =
    receiver.kind === ts.SyntaxKind.ThisKeyword
      ? callee
      : ts.isPropertyAccessExpression(receiver) && receiver.expression.kind === ts.SyntaxKind.ThisKeyword
        ? receiver
        : undefined;
  const cls = holder && enclosingClassLike(holder);
  if (!cls) return undefined;
  let found: Client | undefined;
  const held = (value: ts.Expression): boolean => {
    let e = skipOuter(value);
    if (holder !== callee) {
      if (!ts.isObjectLiteralExpression(e)) return false;
      const property = e.properties.find(
        (p): p is ts.PropertyAssignment | ts.ShorthandPropertyAssignment =>
          (ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p)) &&
          propertyKey(p.name) === callee.name.text,
      );
      if (!property) return false;
      e = ts.isPropertyAssignment(property) ? skipOuter(property.initializer) : property.name;
    }
    found = ts.isIdentifier(e) ? httpFunction(e, project, clientNames) : undefined;
    return found !== undefined;
  };
  const member = holder.name.text;
  for (const element of cls.members) {
    if (ts.isPropertyDeclaration(element) && propertyKey(element.name) === member && element.initializer)
      if (held(element.initializer)) return found;
    if (ts.isConstructorDeclaration(element))
      for (const param of element.parameters)
        if (ts.isIdentifier(param.name) && param.name.text === member && param.initializer && held(param.initializer))
          return found;
  }
  forEachThisAssignment(cls, member, held);
  return found;
}

/** golevelup's RabbitMQ handlers: a method that consumes a queue (`@RabbitSubscribe({ exchange, routingKey, queue })`). */
const RABBIT_HANDLERS = new Set(['RabbitSubscribe', 'RabbitRPC', 'RabbitHandler']);

/**
 * A NestJS queue consumer, declared by decorators: a `@Process()` method of a Bull `@Processor` (from
 * `@nestjs/bull`), the `process(job)` method of a BullMQ `@Processor` class (from `@nestjs/bullmq`),
 * or a golevelup RabbitMQ handler method.
 */
function nestQueueProcessor(
  decorator: ts.Identifier,
  decorated: ts.Node,
  project: ProjectIndex,
): ClientCall | undefined {
  if (decorator.text === 'Process' && ts.isMethodDeclaration(decorated) && importedFrom(decorator, '@nestjs/bull'))
    return { client: 'bull', direction: 'receive', handler: decorated };
  if (
    RABBIT_HANDLERS.has(decorator.text) &&
    ts.isMethodDeclaration(decorated) &&
    importedFrom(decorator, '@golevelup/nestjs-rabbitmq')
  )
    return { client: 'amqplib', direction: 'receive', handler: decorated };
  if (decorator.text !== 'Processor' || !ts.isClassDeclaration(decorated) || !importedFrom(decorator, '@nestjs/bullmq'))
    return undefined;
  // Its own `process`, or one a base class of the project gives every worker (`extends DelayedJobWorker`).
  for (let cls: ts.ClassLikeDeclaration | undefined = decorated, hops = 0; cls && hops < 8; hops++) {
    const process = cls.members.find(
      (m) =>
        ts.isMethodDeclaration(m) && m.body !== undefined && m.name !== undefined && propertyKey(m.name) === 'process',
    );
    if (process) return { client: 'bullmq', direction: 'receive', handler: process };
    cls = project.baseClass(cls);
  }
  return undefined;
}

/** `subscription.on('message', handler)` in a file importing Pub/Sub. */
function pubsubListener(
  call: ts.CallExpression,
  method: string,
  messaging: ReadonlySet<Client>,
): ClientCall | undefined {
  const event = call.arguments[0];
  return messaging.has('pubsub') &&
    method === 'on' &&
    event &&
    ts.isStringLiteralLike(event) &&
    event.text === 'message'
    ? { client: 'pubsub', direction: 'receive', handler: call.arguments[1] }
    : undefined;
}

/**
 * The `new PubSub(…)` a Pub/Sub call's topic or subscription comes from, when it is made without
 * `enableOpenTelemetryTracing` (no spread in its options that may hold it): the one client a
 * package-wide instrumentation does not cover.
 */
export function pubsubClientWithoutTracing(
  call: ts.CallExpression,
  project: ProjectIndex,
): ts.NewExpression | undefined {
  const callee = skipOuter(call.expression);
  let at: ts.Expression | undefined = ts.isPropertyAccessExpression(callee) ? callee.expression : undefined;
  for (let depth = 0; at && depth < 4; depth++) {
    const origin = originOf(at, project);
    if (!origin) return undefined;
    if (ts.isNewExpression(origin)) {
      const made = ts.isIdentifier(origin.expression) && origin.expression.text === 'PubSub';
      const options = origin.arguments?.[0];
      return made && !(options && mayHold(options, 'enableOpenTelemetryTracing')) ? origin : undefined;
    }
    if (!ts.isCallExpression(origin)) return undefined;
    // `pubsub.topic(name)`, `pubsub.subscription(name)`: on to the client.
    const inner = skipOuter(origin.expression);
    at =
      ts.isPropertyAccessExpression(inner) && ['topic', 'subscription'].includes(inner.name.text)
        ? inner.expression
        : undefined;
  }
  return undefined;
}

/** Whether an options object may set `key`: a property of that name, or a spread obslint cannot read. */
function mayHold(expr: ts.Expression, key: string, depth = 0): boolean {
  const e = skipOuter(expr);
  if (depth > 4) return true;
  if (ts.isConditionalExpression(e)) return mayHold(e.whenTrue, key, depth + 1) || mayHold(e.whenFalse, key, depth + 1);
  if (ts.isIdentifier(e)) {
    const decl = lookup(e.text, e);
    const init = decl?.kind === 'variable' && decl.path.length === 0 ? decl.node.initializer : undefined;
    return init ? mayHold(init, key, depth + 1) : true;
  }
  if (!ts.isObjectLiteralExpression(e)) return true;
  return e.properties.some((p) =>
    ts.isSpreadAssignment(p)
      ? mayHold(p.expression, key, depth + 1)
      : p.name !== undefined && propertyKey(p.name) === key,
  );
}

/**
 * The names a file binds to an HTTP client package or to a project module (which may re-export
 * one): `import axios from 'axios'`, `const got = require('got')`, `import { api } from './http'`.
 * Only such a name can be an HTTP client: most calls' names are not, and resolving each was the cost.
 * `requires` are the file's `require(…)` calls.
 */
export function httpClientNames(file: ts.SourceFile, requires: readonly ts.CallExpression[]): ReadonlySet<string> {
  const names = new Set<string>();
  const mayBeClient = (module: string): boolean => module.startsWith('.') || HTTP_MODULES[module] !== undefined;
  const addBinding = (name: ts.BindingName): void => {
    forEachDescendant(name, (n) => {
      if (ts.isIdentifier(n)) names.add(n.text);
    });
  };
  for (const statement of file.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const clause = statement.importClause;
      if (!clause || !mayBeClient(statement.moduleSpecifier.text)) continue;
      if (clause.name) names.add(clause.name.text);
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) names.add(bindings.name.text);
      else if (bindings) bindings.elements.forEach((e) => names.add(e.name.text));
    } else if (ts.isImportEqualsDeclaration(statement) && ts.isExternalModuleReference(statement.moduleReference)) {
      const ref = statement.moduleReference.expression;
      if (ts.isStringLiteral(ref) && mayBeClient(ref.text)) names.add(statement.name.text);
    }
  }
  // `const x = require('m')`, through parentheses, `as` and the like (a superset is enough here).
  for (const call of requires) {
    const module = requiredModule(call);
    if (module === undefined || !mayBeClient(module)) continue;
    let holder: ts.Node = call.parent;
    while (ts.isExpression(holder) && !ts.isCallExpression(holder)) holder = holder.parent;
    if (ts.isVariableDeclaration(holder)) addBinding(holder.name);
  }
  return names;
}

/** What each messaging client's producer/consumer object is created by, and named like when that cannot be seen. */
/** A queue by its name: `mailQueue`, `queues[i]`, `queueClient`; not a `t4aEnqueuerService` (whose `process` is its own). */
const QUEUE_NAME = /queues?$|^queue/i;

const CLIENT_OBJECTS: Partial<Record<Client, { created: (origin: ts.Expression) => boolean; named: RegExp }>> = {
  kafkajs: { created: (o) => callTo(o, ['producer', 'consumer']), named: /producer|consumer/i },
  amqplib: { created: (o) => callTo(o, ['createChannel', 'createConfirmChannel']), named: /channel|^ch$/i },
  nats: { created: (o) => callTo(o, ['connect']) && fromModule(o, 'nats'), named: /nats|^nc$/i },
  'nats-streaming': {
    created: (o) => callTo(o, ['connect']) && fromModule(o, 'node-nats-streaming'),
    named: /stan|nats/i,
  },
  'pg-boss': { created: (o) => ts.isNewExpression(o) && fromModule(o, 'pg-boss'), named: /boss/i },
  // BullMQ's `Queue`, or BullMQ Pro's `QueuePro`.
  bullmq: {
    created: (o) => ts.isNewExpression(o) && (fromModule(o, 'bullmq') || fromModule(o, '@taskforcesh/bullmq-pro')),
    named: QUEUE_NAME,
  },
  // `new Queue('mail')` or `Queue('mail')`: Bull makes a queue either way.
  bull: { created: (o) => fromModule(o, 'bull'), named: QUEUE_NAME },
  pubsub: { created: (o) => callTo(o, ['topic', 'subscription']), named: /topic|subscription/i },
  sqs: { created: madeSqsClient, named: /sqs/i },
};

/** `new SQS(…)` of `@aws-sdk/client-sqs` (or `aws-sdk/clients/sqs`, or `aws-sdk`'s named export), `new AWS.SQS(…)` of `aws-sdk` v2. */
function madeSqsClient(origin: ts.Expression): boolean {
  const e = skipOuter(origin);
  if (!ts.isNewExpression(e)) return false;
  const callee = skipOuter(e.expression);
  if (ts.isIdentifier(callee))
    return (
      importedFrom(callee, '@aws-sdk/client-sqs') ||
      importedFrom(callee, 'aws-sdk/clients/sqs') ||
      // `import { SQS } from 'aws-sdk'`: v2's client by name.
      (importedFrom(callee, 'aws-sdk') && importedName(callee) === 'SQS')
    );
  return ts.isPropertyAccessExpression(callee) && callee.name.text === 'SQS' && fromModule(e, 'aws-sdk');
}

/**
 * `await this.getQueue()` where `getQueue(): Promise<Queue>` (or `Queue | null`) and `Queue` is BullMQ's: a function of
 * the project's that says it returns the client's object (made however it is, a dynamic import or a
 * factory obslint cannot follow).
 */
function returnsClientType(origin: ts.Expression, client: Client, project: ProjectIndex | undefined): boolean {
  const e = skipOuter(origin);
  const fn = project && ts.isCallExpression(e) ? calledFunction(e.expression, project) : undefined;
  let type = fn?.type;
  if (type && ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName) && type.typeName.text === 'Promise')
    type = type.typeArguments?.[0];
  // `Queue<Job> | null`: made only when configured (a queue, or none at all).
  if (type) type = withoutUndefined(type);
  if (!type || !ts.isTypeReferenceNode(type) || !ts.isIdentifier(type.typeName)) return false;
  const decl = lookup(type.typeName.text, type.typeName);
  return decl?.kind === 'import' && MESSAGING_MODULES[decl.module] === client;
}

/**
 * BullMQ's `Worker`, BullMQ Pro's `WorkerPro`, or a constant choosing between them
 * (`const WorkerClass = pro ? require('@taskforcesh/bullmq-pro').WorkerPro : Worker`).
 */
function bullmqWorkerClass(e: ts.Expression, depth = 0): boolean {
  const x = skipOuter(e);
  if (ts.isConditionalExpression(x))
    return bullmqWorkerClass(x.whenTrue, depth + 1) || bullmqWorkerClass(x.whenFalse, depth + 1);
  if (ts.isPropertyAccessExpression(x))
    return x.name.text === 'WorkerPro' && requiredModule(x.expression) === '@taskforcesh/bullmq-pro';
  if (!ts.isIdentifier(x)) return false;
  if (x.text === 'Worker' && importedFrom(x, 'bullmq')) return true;
  if (x.text === 'WorkerPro' && importedFrom(x, '@taskforcesh/bullmq-pro')) return true;
  const decl = depth < 2 ? lookup(x.text, x) : undefined;
  return (
    decl?.kind === 'variable' &&
    decl.isConst &&
    decl.path.length === 0 &&
    decl.node.initializer !== undefined &&
    bullmqWorkerClass(decl.node.initializer, depth + 1)
  );
}

/**
 * `const queue = getQueue(name)` where the project's `getQueue` returns, in some branch, what it made
 * with the client (`return new Queue(name, …)`, or a variable so made), whatever the type it claims
 * (`as unknown as QueueLike`) and whatever else it returns (the same queue from a cache).
 */
function returnsMadeClient(origin: ts.Expression, client: Client, project: ProjectIndex | undefined): boolean {
  const e = skipOuter(origin);
  const fn = project && ts.isCallExpression(e) ? calledFunction(e.expression, project) : undefined;
  return (
    fn !== undefined &&
    returnedValues(fn).some((returned) => {
      const made = originOf(returned, project);
      return made !== undefined && made !== e && CLIENT_OBJECTS[client]?.created(made) === true;
    })
  );
}

/**
 * Where a project factory makes the client a call is made on: `getQueue(name).add(…)` or `const
 * queue = getQueue(name); queue.add(…)`, where `getQueue` returns the one `new Queue(…)` it makes.
 * Every call on its clients shares the options that one construction gives them.
 */
export function madeByFactory(
  call: ts.CallExpression | ts.NewExpression,
  client: Client,
  project: ProjectIndex,
): ts.Expression | undefined {
  const callee = skipOuter(call.expression);
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  let receiver = skipOuter(callee.expression);
  if (ts.isIdentifier(receiver)) {
    const decl = lookup(receiver.text, receiver);
    const init = decl?.kind === 'variable' && decl.path.length === 0 ? decl.node.initializer : undefined;
    if (!init) return undefined;
    receiver = skipOuter(init);
  }
  const fn = ts.isCallExpression(receiver) ? calledFunction(receiver.expression, project) : undefined;
  if (!fn) return undefined;
  const made = new Set<ts.Expression>();
  for (const returned of returnedValues(fn)) {
    const origin = originOf(returned, project);
    if (origin && origin !== receiver && CLIENT_OBJECTS[client]?.created(origin) === true) made.add(origin);
  }
  return made.size === 1 ? [...made][0] : undefined;
}

/**
 * The `new Queue(…)` or `new Worker(…)` of BullMQ a call is made on: the call itself for a Worker,
 * what the receiver holds (a variable, a field, a factory's result) for a send; undefined where the
 * receiver comes from elsewhere (injected, a parameter).
 */
export function bullmqObject(
  call: ts.CallExpression | ts.NewExpression,
  project: ProjectIndex,
): ts.NewExpression | undefined {
  if (ts.isNewExpression(call)) return call;
  const callee = skipOuter(call.expression);
  const origin = ts.isPropertyAccessExpression(callee) ? originOf(callee.expression, project) : undefined;
  const made = origin && CLIENT_OBJECTS.bullmq!.created(origin) ? origin : madeByFactory(call, 'bullmq', project);
  return made && ts.isNewExpression(made) ? made : undefined;
}

/**
 * Whether a BullMQ `Queue` or `Worker` is made with the `telemetry` option (`new Worker(name, fn,
 * { telemetry: new BullMQOtel(…) })`), in its options written in place or in a variable holding them.
 */
export function madeWithTelemetry(made: ts.NewExpression): boolean {
  return objectArguments(made).some((options) => namesKey(options, TELEMETRY_OPTION));
}

const TELEMETRY_OPTION = new Set(['telemetry']);

/** `new PgBoss()`, `connect()`, `nats.connect()`: the constructor or function is that package's (or its default export's). */
function fromModule(expr: ts.Expression, module: string): boolean {
  const e = skipOuter(expr);
  let callee = ts.isCallExpression(e) || ts.isNewExpression(e) ? skipOuter(e.expression) : undefined;
  if (callee && ts.isPropertyAccessExpression(callee)) callee = skipOuter(callee.expression);
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
  // `channels[i]`: one of a pool of channels, named by its pool.
  if (ts.isElementAccessExpression(receiver)) receiver = skipOuter(receiver.expression);
  const name = ts.isIdentifier(receiver)
    ? receiver.text
    : ts.isPropertyAccessExpression(receiver)
      ? receiver.name.text
      : '';
  return (
    known.named.test(name) ||
    typedAsClient(receiver, client) ||
    ((client === 'bullmq' || client === 'bull') && injectedQueueField(receiver))
  );
}

/**
 * A receiver declared with the client's own type, whatever it is called: `this.client` of a class
 * with `protected client: Stan` (a field, or a constructor parameter), or a parameter `client: Stan`,
 * `Stan` imported from the client's package.
 */
function typedAsClient(receiver: ts.Expression, client: Client): boolean {
  const type = importedType(receiver);
  return type !== undefined && MESSAGING_MODULES[type.module] === client;
}

/**
 * `queues.delivery` where `queues` is declared with a type of the project's (`queues: Queues`,
 * `interface Queues { delivery: Queue }`, in this file or imported) whose member has the client's
 * own type: a queue whatever it is called, in a file that never imports the client's package.
 */
function memberTypedAsClient(receiver: ts.Expression, client: Client, project: ProjectIndex): boolean {
  const e = skipOuter(receiver);
  if (!ts.isPropertyAccessExpression(e) || e.expression.kind === ts.SyntaxKind.ThisKeyword) return false;
  const holder = declaredType(e.expression);
  const member = holder && memberType(withoutUndefined(holder), e.name.text, project);
  const type = member && withoutUndefined(member);
  if (!type || !ts.isTypeReferenceNode(type) || !ts.isIdentifier(type.typeName)) return false;
  const imported = lookup(type.typeName.text, type.typeName);
  return imported?.kind === 'import' && MESSAGING_MODULES[imported.module] === client;
}

/**
 * `this.reminders` where Nest fills the field or constructor parameter with `@InjectQueue(…)`: a
 * queue whatever it is called (the file imports Nest's queue module, which `messaging` checked).
 */
function injectedQueueField(receiver: ts.Expression): boolean {
  return (
    ts.isPropertyAccessExpression(receiver) &&
    fieldHolders(receiver).some((holder) => injectQueueDecorator(holder) !== undefined)
  );
}

/** `@InjectQueue(NAME)` on a constructor parameter or a field: the decorator's call. */
export function injectQueueDecorator(holder: ts.HasDecorators): ts.CallExpression | undefined {
  for (const decorator of ts.getDecorators(holder) ?? []) {
    const e = decorator.expression;
    if (ts.isCallExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'InjectQueue') return e;
  }
  return undefined;
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
  if (field?.initializer) return originOf(field.initializer, project, depth + 1);
  // `private queue: Queue;` set once in the constructor (`this.queue = new Queue(name, {…})`).
  const set = owner && constructorAssignment(owner, e.name.text);
  if (set) return originOf(set, project, depth + 1);
  // `ctx.nc` of an application context object (`const ctx = { nc: await connect(…) }`), reached as
  // that object or as a parameter typed `Context` where `type Context = typeof ctx`.
  // Also one object down: `scraper.queue.response` of `const scraper = { queue: { response: responseQueue } }`.
  const context = owner ? undefined : objectAt(e.expression, project);
  const member = context?.properties.find(
    (p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && propertyKey(p.name) === e.name.text,
  );
  return member ? originOf(member.initializer, project, depth + 1) : undefined;
}

/** The one value a class's constructor assigns to `this.<name>`, if it assigns one. */
function constructorAssignment(owner: ts.ClassLikeDeclaration, name: string): ts.Expression | undefined {
  const body = owner.members.find(ts.isConstructorDeclaration)?.body;
  const values: ts.Expression[] = [];
  forEachThisAssignment(owner, name, (value) => {
    // A statement of the constructor's own, not one inside a branch or a callback.
    const statement = outermost(value.parent as ts.Expression).parent;
    if (body && ts.isExpressionStatement(statement) && statement.parent === body) values.push(value);
  });
  return values.length === 1 ? values[0] : undefined;
}

/** The object literal an identifier holds (see `contextObject`), or one of its members does (`scraper.queue`). */
function objectAt(
  expr: ts.Expression,
  project: ProjectIndex | undefined,
  depth = 0,
): ts.ObjectLiteralExpression | undefined {
  const e = skipOuter(expr);
  if (ts.isIdentifier(e)) return contextObject(e, project);
  if (!ts.isPropertyAccessExpression(e) || depth > 2) return undefined;
  const holder = objectAt(e.expression, project, depth + 1);
  const value = holder && literalProperty(holder, [e.name.text]);
  return value && (ts.isObjectLiteralExpression(value) ? value : objectAt(value, project, depth + 1));
}

/** The object literal a variable holds, or the one a parameter's type is `typeof` (through imports). */
function contextObject(id: ts.Identifier, project: ProjectIndex | undefined): ts.ObjectLiteralExpression | undefined {
  let decl = lookup(id.text, id);
  if (decl?.kind === 'import' && project) decl = project.followImport(decl);
  // `export default scraper`: the object the module exports.
  if (decl?.kind === 'expression') return project && objectLiteralHeld(decl.node, project);
  if (decl?.kind !== 'variable' && decl?.kind !== 'parameter') return undefined;
  if (decl.path.length > 0) return undefined;
  const init = decl.kind === 'variable' && decl.node.initializer ? skipOuter(decl.node.initializer) : undefined;
  if (init) return ts.isObjectLiteralExpression(init) ? init : undefined;
  const type = decl.node.type;
  if (!type || !ts.isTypeReferenceNode(type) || !ts.isIdentifier(type.typeName)) return undefined;
  let alias = lookup(type.typeName.text, type.typeName);
  if (alias?.kind === 'import' && project) alias = project.followImport(alias);
  const query = alias?.kind === 'type' && ts.isTypeAliasDeclaration(alias.node) ? alias.node.type : undefined;
  if (!query || !ts.isTypeQueryNode(query) || !ts.isIdentifier(query.exprName)) return undefined;
  const held = lookup(query.exprName.text, query.exprName);
  const value = held?.kind === 'variable' && held.path.length === 0 ? held.node.initializer : undefined;
  const object = value && skipOuter(value);
  return object && ts.isObjectLiteralExpression(object) ? object : undefined;
}

function consumerHandler(client: Client, call: ts.CallExpression): ts.Node | undefined {
  // `const jobs = await boss.fetch(queue)`, `await sqs.receiveMessage(params)`: the code around the call handles them.
  if (client === 'pg-boss' && (call.expression as ts.PropertyAccessExpression).name.text === 'fetch')
    return enclosingFunction(call);
  if (client === 'sqs') return enclosingFunction(call);
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
  // `channel.consume(queue, onMessage, { noAck: false })`: the last argument that is not options.
  return [...call.arguments].reverse().find((a) => !ts.isObjectLiteralExpression(skipOuter(a)));
}

/** The client package a receiver is (`axios`, `got`), or an instance made from one (`axios.create()`). */
function clientOfReceiver(
  receiver: ts.Expression,
  project: ProjectIndex,
  clientNames: ReadonlySet<string>,
  depth = 0,
): Client | undefined {
  if (depth > 4) return undefined;
  // `this.httpClient` declared `AxiosInstance` (handed over by a DI container), a parameter `http: Got`.
  const typed = importedType(receiver);
  if (typed && HTTP_INSTANCE_TYPES[typed.module]?.has(typed.imported)) return HTTP_MODULES[typed.module];
  if (ts.isIdentifier(receiver)) {
    const module = clientNames.has(receiver.text) ? moduleOf(receiver, project) : undefined;
    if (module && HTTP_MODULES[module]) return HTTP_MODULES[module];
    const decl = lookup(receiver.text, receiver);
    // `function request(opts, http = axios)`: the client the parameter holds unless a caller passes another.
    if (decl?.kind === 'parameter' && decl.path.length === 0 && decl.node.initializer) {
      const fallback = skipOuter(decl.node.initializer);
      return ts.isIdentifier(fallback)
        ? clientOfReceiver(fallback, project, clientNames, depth + 1)
        : instanceOf(fallback, project, clientNames, depth);
    }
    const init = decl?.kind === 'variable' && decl.path.length === 0 ? decl.node.initializer : undefined;
    return init ? instanceOf(init, project, clientNames, depth) : undefined;
  }
  if (ts.isPropertyAccessExpression(receiver) && receiver.expression.kind === ts.SyntaxKind.ThisKeyword) {
    // `http = axios.create(...)` as a field, or `this.http = axios.create(...)` in the class.
    const cls = enclosingClassLike(receiver);
    if (!cls) return undefined;
    const field = cls.members.find((m) => ts.isPropertyDeclaration(m) && m.name.getText() === receiver.name.text) as
      ts.PropertyDeclaration | undefined;
    let client = field?.initializer ? instanceOf(field.initializer, project, clientNames, depth) : undefined;
    forEachThisAssignment(cls, receiver.name.text, (value) => {
      client ??= instanceOf(value, project, clientNames, depth);
    });
    return client;
  }
  return undefined;
}

function instanceOf(
  init: ts.Expression,
  project: ProjectIndex,
  clientNames: ReadonlySet<string>,
  depth: number,
): Client | undefined {
  const e = skipOuter(init);
  // A helper returning its own call (`const make = () => make()`) must not recurse for ever.
  if (!ts.isCallExpression(e) || depth > 4) return undefined;
  const callee = skipOuter(e.expression);
  if (ts.isPropertyAccessExpression(callee) && INSTANCE_FACTORIES.has(callee.name.text))
    return clientOfReceiver(skipOuter(callee.expression), project, clientNames, depth + 1);
  // `const http = getHttpClient()` where the project's helper returns `axios.create(…)` (or a
  // variable holding it): an instance of the package, made in the helper's file.
  const helper = ts.isIdentifier(callee) && clientNames.has(callee.text) ? calledFunction(callee, project) : undefined;
  if (!helper) return undefined;
  const names = httpClientNames(helper.getSourceFile(), []);
  for (const returned of returnedValues(helper)) {
    const r = skipOuter(returned);
    const client = ts.isIdentifier(r)
      ? clientOfReceiver(r, project, names, depth + 1)
      : instanceOf(r, project, names, depth + 1);
    if (client) return client;
  }
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

const bentImporters = new WeakMap<ts.SourceFile, boolean>();

/**
 * A request function `bent(…)` made: bent's factory takes the method, base URL and expected status,
 * and the function it returns makes the request (`bent('POST', 202)(url, body)`, `const post =
 * bent(base, 'POST')`, `this.post = bent('POST', 'json')` in a constructor).
 */
function madeByBent(callee: ts.Expression, project: ProjectIndex): boolean {
  // Every call of every parsed file asks: only a file that imports bent can make its request functions.
  const file = callee.getSourceFile();
  let importing = bentImporters.get(file);
  if (importing === undefined) bentImporters.set(file, (importing = /['"]bent['"]/.test(file.text)));
  if (!importing) return false;
  const isBentCall = (e: ts.Expression): boolean => {
    const made = skipOuter(e);
    if (!ts.isCallExpression(made)) return false;
    const factory = skipOuter(made.expression);
    return ts.isIdentifier(factory) && moduleOf(factory, project) === 'bent';
  };
  if (ts.isCallExpression(callee)) return isBentCall(callee);
  if (ts.isIdentifier(callee)) {
    const decl = lookup(callee.text, callee);
    return (
      decl?.kind === 'variable' &&
      decl.path.length === 0 &&
      !!decl.node.initializer &&
      isBentCall(decl.node.initializer)
    );
  }
  if (ts.isPropertyAccessExpression(callee) && skipOuter(callee.expression).kind === ts.SyntaxKind.ThisKeyword) {
    const cls = enclosingClassLike(callee);
    let made = false;
    if (cls) forEachThisAssignment(cls, callee.name.text, (value) => (made = isBentCall(value)));
    return made;
  }
  return false;
}

function importedName(id: ts.Identifier): string | undefined {
  const decl = lookup(id.text, id);
  return decl?.kind === 'import' ? decl.imported : undefined;
}

function importedFrom(id: ts.Identifier, module: string): boolean {
  const decl = lookup(id.text, id);
  return decl?.kind === 'import' && decl.module === module;
}

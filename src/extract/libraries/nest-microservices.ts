import { ts } from 'ts-morph';
import type { Client } from '../../types.js';
import { table } from '../../util/table.js';
import type { ProjectIndex } from '../syntax/project-index.js';
import { fieldHolders, importedType, literalProperty, lookup, propertyKey, skipOuter } from '../syntax/scope.js';
import { heldValue, objectLiteralHeld } from '../syntax/functions.js';
import { forEachDescendant } from '../syntax/walk.js';

/** The typed clients of `@nestjs/microservices` whose transport is a messaging client obslint knows. */
const CLIENT_TYPES = table<Client>({
  ClientKafka: 'kafkajs',
  ClientRMQ: 'amqplib',
  ClientNats: 'nats',
  ClientTCP: 'nest-tcp',
});
/** `Transport.KAFKA` and its kin: the client library each transport sends through. */
const TRANSPORTS = table<Client>({ KAFKA: 'kafkajs', RMQ: 'amqplib', NATS: 'nats', TCP: 'nest-tcp' });
/** What a NestJS microservice client sends with: `emit` (an event) and `send` (a request awaiting its reply). */
export const NEST_CLIENT_METHODS = new Set(['emit', 'send']);

/**
 * The messaging client behind `this.client.emit(…)` where Nest injects the client: its declared type
 * (`ClientKafka`), or for the transport-neutral `ClientProxy` the transport its injection token was
 * registered with (`ClientsModule.register([{ name: 'ORDERS', transport: Transport.KAFKA }])`, the
 * same in `registerAsync`'s factory, or a provider `{ provide: 'ORDERS', useFactory: () =>
 * ClientProxyFactory.create({ transport: Transport.RMQ }) }`).
 */
export function nestMicroserviceClient(receiver: ts.Expression, project: ProjectIndex): Client | undefined {
  const type = importedType(receiver);
  if (type?.module !== '@nestjs/microservices') return undefined;
  if (type.imported !== 'ClientProxy') return CLIENT_TYPES[type.imported];
  const token = injectionToken(receiver, project);
  const transports = registeredTransports(project);
  // A client handed over as a `ClientProxy` (`rpcCall(client: ClientProxy, …)`): the project's one transport, if it has one.
  if (token === undefined) return soleTransport(transports);
  // A token registered over a transport obslint does not check (`null`) stays unchecked.
  return (transports.has(token) ? transports.get(token) : transports.get(ANY_TOKEN)) ?? undefined;
}

function soleTransport(transports: ReadonlyMap<string, Client | null>): Client | undefined {
  const clients = new Set(transports.values());
  const [only] = clients;
  return clients.size === 1 && only !== null ? only : undefined;
}

/** `@Inject(TOKEN)` on the field or constructor parameter `this.x` names: the token, as `tokenKey` reads it. */
function injectionToken(receiver: ts.Expression, project: ProjectIndex): string | undefined {
  const e = skipOuter(receiver);
  if (!ts.isPropertyAccessExpression(e)) return undefined;
  for (const holder of fieldHolders(e))
    for (const decorator of ts.getDecorators(holder) ?? []) {
      const call = decorator.expression;
      if (ts.isCallExpression(call) && ts.isIdentifier(call.expression) && call.expression.text === 'Inject') {
        const token = call.arguments[0];
        return token && tokenKey(token, project);
      }
    }
  return undefined;
}

/**
 * A token as both sides name it: its string where it is one (a literal, a constant, a constant
 * object's member, through imports), else its text (the same imported symbol on both sides).
 */
function tokenKey(token: ts.Expression, project: ProjectIndex): string {
  let e = heldValue(token, project) ?? skipOuter(token);
  if (ts.isPropertyAccessExpression(e)) {
    const holder = objectLiteralHeld(e.expression, project);
    const member = holder && literalProperty(holder, [e.name.text]);
    if (member) e = member;
  }
  return ts.isStringLiteralLike(e) ? `'${e.text}'` : token.getText();
}

/**
 * A registration whose name is its function's parameter (`static register(serviceName: string)` of
 * a dynamic module, called once per service): it registers whatever token its callers pass.
 */
const ANY_TOKEN = '*';

function namedByParameter(token: ts.Expression): boolean {
  const e = skipOuter(token);
  return ts.isIdentifier(e) && lookup(e.text, e)?.kind === 'parameter';
}

/** Per project: each registered token's transport client (`null` where registrations disagree or say none obslint knows). */
const transportsOf = new WeakMap<ProjectIndex, Map<string, Client | null>>();

function registeredTransports(project: ProjectIndex): Map<string, Client | null> {
  let found = transportsOf.get(project);
  if (found) return found;
  found = new Map();
  const register = (token: ts.Expression, options: ts.Node): void => {
    const key = namedByParameter(token) ? ANY_TOKEN : tokenKey(token, project);
    const client = transportIn(options);
    const before = found.get(key);
    found.set(key, before === undefined || before === client ? client : null);
  };
  for (const method of ['register', 'registerAsync'])
    for (const call of project.callsByName.get(method) ?? []) {
      if (!ts.isCallExpression(call) || !calledOn(call, 'ClientsModule')) continue;
      let list: ts.Expression | undefined = call.arguments[0] && skipOuter(call.arguments[0]);
      // `registerAsync({ clients: [...] })`, the form newer Nest versions take beside the bare list.
      if (list && ts.isObjectLiteralExpression(list)) list = literalProperty(list, ['clients']);
      if (!list || !ts.isArrayLiteralExpression(list)) continue;
      for (const element of list.elements) {
        const entry = skipOuter(element);
        const name = ts.isObjectLiteralExpression(entry) ? literalProperty(entry, ['name']) : undefined;
        if (name) register(name, entry);
      }
    }
  for (const call of project.callsByName.get('create') ?? [])
    if (ts.isCallExpression(call) && calledOn(call, 'ClientProxyFactory')) {
      const provider = providerOf(call);
      const token = provider && literalProperty(provider, ['provide']);
      if (token && call.arguments[0]) register(token, call.arguments[0]);
    }
  transportsOf.set(project, found);
  return found;
}

/** `transport: Transport.KAFKA` anywhere in a registration (its factory's returned options too): the client it names. */
function transportIn(options: ts.Node): Client | null {
  let client: Client | null = null;
  forEachDescendant(options, (node) => {
    if (client) return false;
    if (!ts.isPropertyAssignment(node) || propertyKey(node.name) !== 'transport') return true;
    const value = skipOuter(node.initializer);
    if (
      ts.isPropertyAccessExpression(value) &&
      ts.isIdentifier(value.expression) &&
      value.expression.text === 'Transport'
    )
      client = TRANSPORTS[value.name.text] ?? null;
    return false;
  });
  return client;
}

/** `X.method(…)` called on the identifier `X`. */
function calledOn(call: ts.CallExpression, receiver: string): boolean {
  const callee = skipOuter(call.expression);
  return (
    ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === receiver
  );
}

/** The provider object literal (`{ provide: …, useFactory: … }`) a factory's call sits in. */
function providerOf(node: ts.Node): ts.ObjectLiteralExpression | undefined {
  for (let n: ts.Node | undefined = node.parent; n && !ts.isSourceFile(n); n = n.parent)
    if (ts.isObjectLiteralExpression(n) && literalProperty(n, ['provide'])) return n;
  return undefined;
}

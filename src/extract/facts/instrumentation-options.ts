import { ts } from 'ts-morph';
import type { Client, TracingFacts } from '../../types.js';
import { calleeName } from '../syntax/project-index.js';
import { propertyKey, setTo, skipOuter } from '../syntax/scope.js';
import { forEachDescendant } from '../syntax/walk.js';
import { HTTP_BASED, FETCH_BASED } from './traced-clients.js';

/** The parts of the auto-instrumentations bundle obslint's clients depend on, by package name. */
/** The property of a wrapper's options holding a config map keyed by instrumentation packages. */
export function autoInstrumentationsConfig(
  options: ts.ObjectLiteralExpression,
): ts.ObjectLiteralExpression | undefined {
  for (const p of options.properties) {
    const value = ts.isPropertyAssignment(p) ? skipOuter(p.initializer) : undefined;
    if (
      value &&
      ts.isObjectLiteralExpression(value) &&
      value.properties.some((q) => q.name && propertyKey(q.name)?.startsWith('@opentelemetry/instrumentation-'))
    )
      return value;
  }
  return undefined;
}

export const AUTO_PARTS: Record<string, Client[]> = {
  '@opentelemetry/instrumentation-http': HTTP_BASED,
  '@opentelemetry/instrumentation-undici': FETCH_BASED,
  '@opentelemetry/instrumentation-kafkajs': ['kafkajs'],
  '@opentelemetry/instrumentation-amqplib': ['amqplib'],
  '@opentelemetry/instrumentation-aws-sdk': ['sqs'],
  '@opentelemetry/instrumentation-grpc': ['grpc'],
};

/**
 * The first `@opentelemetry/auto-instrumentations-node` release that registers a part (the package
 * lists every instrumentation it knows; these joined later): an older one leaves its clients untraced.
 */
export const AUTO_PART_SINCE: Record<string, string> = {
  '@opentelemetry/instrumentation-undici': '0.46.0',
  '@opentelemetry/instrumentation-kafkajs': '0.49.0',
};

export function ignore(facts: TracingFacts, hosts: string[], clients: Client[]): void {
  for (const host of hosts) facts.ignoredHosts.push({ host, clients });
}

export function objectProperty(
  literal: ts.ObjectLiteralExpression,
  key: string,
): ts.ObjectLiteralExpression | undefined {
  for (const prop of literal.properties) {
    if (!ts.isPropertyAssignment(prop) || propertyKey(prop.name) !== key) continue;
    const value = skipOuter(prop.initializer);
    return ts.isObjectLiteralExpression(value) ? value : undefined;
  }
  return undefined;
}

export function disabled(options: ts.ObjectLiteralExpression): boolean {
  return setTo(options, 'enabled', ts.SyntaxKind.FalseKeyword);
}

/** How the options switch outbound tracing off, for messages. */
export function outgoingSwitch(options: ts.ObjectLiteralExpression): string {
  return switchesOutgoingOff(options)
    ? 'with `disableOutgoingRequestInstrumentation: true`'
    : 'with an `ignoreOutgoingRequestHook` that ignores every request';
}

/** `{ disableOutgoingRequestInstrumentation: true }`: the HTTP instrumentation does not patch outbound calls. */
function switchesOutgoingOff(options: ts.ObjectLiteralExpression): boolean {
  return setTo(options, 'disableOutgoingRequestInstrumentation', ts.SyntaxKind.TrueKeyword);
}

/**
 * `{ ignoreOutgoingRequestHook: () => true }` or `{ disableOutgoingRequestInstrumentation: true }`:
 * the HTTP instrumentation traces nothing outbound.
 */
export function ignoresAllOutgoing(options: ts.ObjectLiteralExpression): boolean {
  if (switchesOutgoingOff(options)) return true;
  const hook = hookOf(options);
  if (
    !hook ||
    !(ts.isArrowFunction(hook) || ts.isFunctionExpression(hook) || ts.isMethodDeclaration(hook)) ||
    !hook.body
  )
    return false;
  const body = hook.body;
  return (
    body.kind === ts.SyntaxKind.TrueKeyword ||
    (ts.isBlock(body) &&
      body.statements.length === 1 &&
      ts.isReturnStatement(body.statements[0]) &&
      body.statements[0].expression?.kind === ts.SyntaxKind.TrueKeyword)
  );
}

/** Hosts named in an ignore hook: calls to them are not traced, by the project's choice. */
export function ignoredHostsOf(options: ts.ObjectLiteralExpression): string[] {
  const hook = hookOf(options);
  const hosts: string[] = [];
  if (hook)
    forEachDescendant(hook, (n) => {
      if (ts.isStringLiteralLike(n) && /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(n.text)) hosts.push(n.text.toLowerCase());
    });
  return hosts;
}

const IGNORE_HOOKS = new Set(['ignoreOutgoingRequestHook', 'ignoreRequestHook']);

function hookOf(options: ts.ObjectLiteralExpression): ts.Node | undefined {
  for (const prop of options.properties) {
    if (ts.isPropertyAssignment(prop) && IGNORE_HOOKS.has(propertyKey(prop.name) ?? ''))
      return skipOuter(prop.initializer);
    if (ts.isMethodDeclaration(prop) && IGNORE_HOOKS.has(propertyKey(prop.name) ?? '')) return prop;
  }
  return undefined;
}

/**
 * A NodeSDK's or `registerInstrumentations`' `instrumentations` written as a list of instrumentations
 * of the process's own work only, or as an empty one (every other commented out), or a NodeSDK's
 * options without one (it registers none by default): their names, and where the list is.
 */
export function instrumentationList(
  call: ts.CallExpression | ts.NewExpression,
): { names: string[]; at: ts.Node } | undefined {
  const options = call.arguments?.[0] && skipOuter(call.arguments[0]);
  if (!options || !ts.isObjectLiteralExpression(options)) return undefined;
  const property = options.properties.find((p) => p.name !== undefined && propertyKey(p.name) === 'instrumentations');
  if (!property)
    return options.properties.some(ts.isSpreadAssignment) || calleeName(skipOuter(call.expression)) !== 'NodeSDK'
      ? undefined
      : { names: [], at: options };
  const list = ts.isPropertyAssignment(property) ? skipOuter(property.initializer) : undefined;
  if (!list || !ts.isArrayLiteralExpression(list)) return undefined;
  const names = list.elements.map((e) => {
    const made = skipOuter(e);
    return ts.isNewExpression(made) ? calleeName(skipOuter(made.expression)) : undefined;
  });
  return names.every((name) => name !== undefined && LOCAL_INSTRUMENTATIONS.has(name))
    ? { names: names as string[], at: list }
    : undefined;
}

/** Instrumentations of the process's own work (log lines, the runtime, files, lookups): no request or message. */
const LOCAL_INSTRUMENTATIONS = new Set([
  'WinstonInstrumentation',
  'PinoInstrumentation',
  'BunyanInstrumentation',
  'RuntimeNodeInstrumentation',
  'FsInstrumentation',
  'DnsInstrumentation',
]);

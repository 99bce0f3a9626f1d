import { ts } from 'ts-morph';
import type { ProjectIndex } from '../syntax/project-index.js';
import { propertyKey, propertyName, receiverOf, sameReference, skipOuter, type Declaration } from '../syntax/scope.js';

/**
 * kafkajs hands a consumer's handler only messages of the topics it subscribed to: the handler's
 * `topic` (`eachMessage`) or `batch.topic` (`eachBatch`) is one of them.
 */
const TOPIC_PATHS: Record<string, string[]> = { eachMessage: ['topic'], eachBatch: ['batch', 'topic'] };

/** The options of `consumer.run({ … })` that hold the handler of each message or batch. */
export const KAFKAJS_HANDLERS: ReadonlySet<string> = new Set(Object.keys(TOPIC_PATHS));

/** What one `consumer.subscribe({ topic })` or `subscribe({ topics })` names. */
export interface Subscription {
  topic?: ts.Expression;
  topics?: ts.Expression;
  call: ts.CallExpression;
}

/**
 * For the `topic` a kafkajs handler receives (`consumer.run({ eachMessage: ({ topic }) => … })`),
 * every subscription of that consumer; undefined when the parameter is not such a topic, or when a
 * subscription of the consumer is not an object literal obslint can read.
 */
export function subscriptionsFor(
  decl: Extract<Declaration, { kind: 'parameter' }>,
  project: ProjectIndex,
): Subscription[] | undefined {
  const handler = decl.fn.parent;
  if (decl.index !== 0 || !handler || !ts.isPropertyAssignment(handler)) return undefined;
  const expected = TOPIC_PATHS[propertyKey(handler.name) ?? ''];
  if (!expected || expected.join('.') !== decl.path.join('.')) return undefined;
  const options = handler.parent;
  const run = options.parent;
  if (!ts.isCallExpression(run) || run.arguments[0] !== options || propertyName(run.expression) !== 'run')
    return undefined;
  const consumer = receiverOf(run);
  if (!consumer) return undefined;
  const subscriptions: Subscription[] = [];
  for (const call of project.callsByName.get('subscribe') ?? []) {
    if (!ts.isCallExpression(call)) continue;
    const receiver = receiverOf(call);
    if (!receiver || !sameReference(receiver, consumer)) continue;
    const arg = call.arguments[0] && skipOuter(call.arguments[0]);
    if (!arg || !ts.isObjectLiteralExpression(arg)) return undefined;
    const subscription: Subscription = { call };
    for (const prop of arg.properties) {
      const key = prop.name && propertyKey(prop.name);
      const value = ts.isPropertyAssignment(prop)
        ? prop.initializer
        : ts.isShorthandPropertyAssignment(prop)
          ? prop.name
          : undefined;
      if (key === 'topic' && value) subscription.topic = value;
      else if (key === 'topics' && value) subscription.topics = value;
      else if (ts.isSpreadAssignment(prop)) return undefined;
    }
    if (!subscription.topic && !subscription.topics) return undefined;
    subscriptions.push(subscription);
  }
  return subscriptions.length > 0 ? subscriptions : undefined;
}

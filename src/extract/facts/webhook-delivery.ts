import { ts } from 'ts-morph';
import { identifierWords } from '../../util/words.js';
import { enclosingFunction, functionName, lookup, propertyKey, skipOuter } from '../syntax/scope.js';

/** How many variables and properties back from the URL its trail is followed. */
const TRAIL_STEPS = 6;

/**
 * Whether an HTTP request delivers a webhook: its URL is a subscriber's endpoint, read from data
 * (`webhook.url` of a stored subscription, `const [url] = rule.action.params` in `sendToWebhook`,
 * `details.targetServer` in `emitWebhookToTargetServer`). The subscriber is a third party (a
 * customer's server, Slack, Zapier), which continues no trace of ours; a URL obslint cannot read
 * otherwise counts as the project's own service, so this is what tells the two apart.
 */
export function deliversWebhook(call: ts.CallExpression | ts.NewExpression): boolean {
  const url = urlArgument(call);
  if (!url) return false;
  const trail = urlTrail(url);
  if (trail.names.some(namesWebhook)) return true;
  // A function named for webhooks sending to a URL its caller or its data gave.
  const fn = enclosingFunction(call);
  const name = fn && functionName(fn);
  return trail.fromInput && !trail.fromEnvironment && name !== undefined && /webhook/i.test(name);
}

/** `fetch(url, …)`, `axios.post(url, …)`, or the `url` of an options object (`axios.request({ url, method })`). */
function urlArgument(call: ts.CallExpression | ts.NewExpression): ts.Expression | undefined {
  const first = call.arguments?.[0] && skipOuter(call.arguments[0]);
  if (!first || !ts.isObjectLiteralExpression(first)) return first;
  for (const prop of first.properties) {
    if (ts.isShorthandPropertyAssignment(prop) && prop.name.text === 'url') return prop.name;
    if (ts.isPropertyAssignment(prop) && propertyKey(prop.name) === 'url') return prop.initializer;
  }
  return undefined;
}

interface Trail {
  /** The names the value passes through: variables, properties, destructured keys, parameters' types. */
  names: string[];
  /** It reaches a parameter: the caller's data, or a callback's item. */
  fromInput: boolean;
  /** It reads `process.env`: a configured service's address. */
  fromEnvironment: boolean;
}

function urlTrail(url: ts.Expression): Trail {
  const trail: Trail = { names: [], fromInput: false, fromEnvironment: false };
  const seen = new Set<ts.Node>();
  const visit = (node: ts.Expression, steps: number): void => {
    const e = skipOuter(node);
    if (steps > TRAIL_STEPS || seen.has(e)) return;
    seen.add(e);
    if (ts.isPropertyAccessExpression(e)) {
      if (ts.isIdentifier(e.expression) && e.expression.text === 'process' && e.name.text === 'env')
        trail.fromEnvironment = true;
      trail.names.push(e.name.text);
      visit(e.expression, steps + 1);
    } else if (ts.isElementAccessExpression(e)) visit(e.expression, steps + 1);
    else if (ts.isTemplateExpression(e)) for (const span of e.templateSpans) visit(span.expression, steps + 1);
    else if (ts.isBinaryExpression(e)) {
      visit(e.left, steps + 1);
      visit(e.right, steps + 1);
    } else if (ts.isIdentifier(e)) identifier(e, steps);
  };
  const identifier = (id: ts.Identifier, steps: number): void => {
    trail.names.push(id.text);
    const decl = lookup(id.text, id);
    if (decl?.kind !== 'variable' && decl?.kind !== 'parameter') return;
    // The keys a destructuring reads on the way (`const { targetServer } = details`).
    trail.names.push(...decl.path);
    if (decl.kind === 'parameter') {
      trail.fromInput = true;
      const type = decl.node.type;
      if (type && ts.isTypeReferenceNode(type)) trail.names.push(type.typeName.getText());
    } else if (decl.node.initializer) visit(decl.node.initializer, steps + 1);
  };
  visit(url, 0);
  return trail;
}

/**
 * A name for a subscriber's endpoint: a webhook (`webhook`, `webhookUrl`, `SLACK_WEBHOOK_URL`,
 * `WebhookEmissionDetails`), a hook's or callback's URL (`hookUrl`, `callback_url`), not a service
 * that handles webhooks (`WEBHOOKS_SERVICE_URL`).
 */
function namesWebhook(name: string): boolean {
  const words = identifierWords(name);
  if (words.some((w) => w === 'service' || w === 'server' || w === 'api')) return false;
  return words.some(
    (w, i) =>
      w === 'webhook' ||
      w === 'webhooks' ||
      ((w === 'hook' || w === 'callback') && ['url', 'uri', 'endpoint'].includes(words[i + 1] ?? '')),
  );
}

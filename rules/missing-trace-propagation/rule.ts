import { defineRule, INSTRUMENTATION_FOR } from '../../src/engine/rule-api.js';
import type { Client, OutboundCall } from '../../src/types.js';

const MESSAGING = new Set<Client>(['kafkajs', 'amqplib', 'sqs', 'pubsub', 'bullmq', 'nats', 'pg-boss']);

/** Where each client carries context: the carrier to inject into (or extract from), and what it is. */
const REQUEST_HEADERS = { code: 'headers', where: 'the request headers' };
const CARRIER: Record<Client, { code: string; where: string }> = {
  fetch: REQUEST_HEADERS,
  undici: REQUEST_HEADERS,
  http: REQUEST_HEADERS,
  https: REQUEST_HEADERS,
  axios: REQUEST_HEADERS,
  got: REQUEST_HEADERS,
  'node-fetch': REQUEST_HEADERS,
  ky: REQUEST_HEADERS,
  superagent: REQUEST_HEADERS,
  kafkajs: { code: 'message.headers', where: 'the message headers' },
  amqplib: { code: 'options.headers', where: 'the message headers' },
  sqs: { code: 'MessageAttributes', where: 'the message attributes' },
  pubsub: { code: 'message.attributes', where: 'the message attributes' },
  bullmq: { code: 'job.data', where: 'the job data' },
  nats: { code: 'msgHeaders', where: 'the message headers (`headers()`, passed as `{ headers }`)' },
  'pg-boss': { code: 'job.data', where: 'the job data' },
};

export default defineRule({
  id: 'missing-trace-propagation',
  meta: {
    description:
      'An outbound HTTP call or message that carries no W3C trace context, or a consumer that does not extract it: the trace breaks at that hop.',
    defaultSeverity: 'error',
    scope: 'project',
    messages: {
      send: '{{what}} {{target}}does not carry W3C trace context ({{why}}){{more}}: register {{instrumentation}} in your tracing setup, or inject it with `propagation.inject(context.active(), {{carrier}})`',
      sendManual:
        '{{what}} {{target}}does not carry W3C trace context{{more}}: no instrumentation exists for {{client}}; inject it into {{where}} with `propagation.inject(context.active(), {{carrier}})`',
      receiveManual:
        '{{what}} starts work from a message without restoring its trace context{{more}}: no instrumentation exists for {{client}}; extract it from {{where}} with `propagation.extract(context.active(), {{carrier}})` and run the handler in that context',
      receive:
        '{{what}} starts work from a message without restoring its trace context ({{why}}){{more}}: register {{instrumentation}}, or `propagation.extract(context.active(), {{carrier}})` and run the handler in that context',
    },
  },
  defaultOptions: {},
  check(ctx) {
    const { tracing } = ctx.catalog;
    const instrumented = new Set(ctx.config.propagation.instrumented);
    const matches = (host: string, pattern: string): boolean => host === pattern || host.endsWith(`.${pattern}`);
    // Budget-file hosts apply to every client; an instrumentation's ignore hook only to its clients.
    const ignored = (call: OutboundCall): boolean =>
      call.host !== undefined &&
      (ctx.config.propagation.ignoreHosts.some((h) => matches(call.host!, h)) ||
        tracing.ignoredHosts.some((i) => i.clients.includes(call.client) && matches(call.host!, i.host)));
    // One cause, one finding: the calls of one client in one file share their missing instrumentation.
    const groups = new Map<string, OutboundCall[]>();
    for (const call of ctx.catalog.outbound) {
      if (call.evidence || tracing.instrumented[call.client] || instrumented.has(call.client)) continue;
      if (ignored(call)) continue;
      const key = `${call.loc.file}\u0000${call.client}\u0000${call.direction}`;
      const group = groups.get(key);
      if (group) group.push(call);
      else groups.set(key, [call]);
    }
    for (const [first, ...rest] of groups.values()) {
      const call = first;
      const messaging = MESSAGING.has(call.client);
      const what =
        call.direction === 'receive'
          ? `\`${call.client}\` consumer`
          : messaging
            ? `\`${call.client}\` message`
            : `\`${call.client}\` request`;
      const manual = INSTRUMENTATION_FOR[call.client] === undefined;
      ctx.report({
        messageId: manual ? (call.direction === 'send' ? 'sendManual' : 'receiveManual') : call.direction,
        data: {
          client: call.client,
          what,
          target: call.host ? `to \`${call.host}\` ` : '',
          why: tracing.setup
            ? `the project traces (${tracing.setup.what}) but no instrumentation covers ${call.client}`
            : 'the project sets up no tracing yet',
          more:
            rest.length > 0
              ? `; so do ${rest.length} more in this file (lines ${rest.map((r) => r.loc.line).join(', ')})`
              : '',
          instrumentation: `\`${INSTRUMENTATION_FOR[call.client] ?? ''}\``,
          carrier: CARRIER[call.client].code,
          where: CARRIER[call.client].where,
        },
        loc: call.loc,
        cause: `${call.client}:${call.direction}`,
        // Where nothing traces yet, a dropped context costs nothing today: a warning, not an error.
        downgrade: !tracing.setup,
      });
    }
  },
});

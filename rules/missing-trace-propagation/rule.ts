import {
  compareLocations,
  defineRule,
  groupBy,
  hostMatches,
  INSTRUMENTATION_FOR,
  isInternalHost,
  WEB_INSTRUMENTATION_FOR,
  and,
} from '../../src/engine/rule-api.js';
import type { Client, OutboundCall, TracingFacts } from '../../src/types.js';

const MESSAGING = new Set<Client>([
  'nest-tcp',
  'kafkajs',
  'amqplib',
  'sqs',
  'pubsub',
  'bullmq',
  'bull',
  'nats',
  'nats-streaming',
  'pg-boss',
]);

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
  bent: REQUEST_HEADERS,
  kafkajs: { code: 'message.headers', where: 'the message headers' },
  amqplib: { code: 'options.headers', where: 'the message headers' },
  sqs: { code: 'MessageAttributes', where: 'the message attributes' },
  pubsub: { code: 'message.attributes', where: 'the message attributes' },
  bullmq: { code: 'job.data', where: 'the job data' },
  nats: { code: 'msgHeaders', where: 'the message headers (`headers()`, passed as `{ headers }`)' },
  'nats-streaming': { code: 'data', where: 'the message data (NATS Streaming messages have no headers)' },
  'pg-boss': { code: 'job.data', where: 'the job data' },
  bull: { code: 'job.data', where: 'the job data' },
  grpc: { code: 'metadata, { set: (m, k, v) => m.set(k, v) }', where: "the call's metadata" },
  connect: {
    code: 'req.header, { set: (h, k, v) => h.set(k, v) }',
    where: 'the request headers (in an interceptor on its transport)',
  },
  'nest-tcp': { code: 'payload', where: "the message payload (Nest's TCP transport has no headers)" },
};

export default defineRule({
  id: 'missing-trace-propagation',
  meta: {
    description:
      'An outbound HTTP or gRPC call or message that carries no W3C trace context, or a consumer that does not extract it: the trace breaks at that hop.',
    defaultSeverity: 'error',
    scope: 'project',
    messages: {
      send: '{{what}} {{target}}does not carry W3C trace context ({{why}}){{more}}: {{register}}, or inject it with {{inject}}',
      sendManual:
        '{{what}} {{target}}does not carry W3C trace context{{more}}: no instrumentation exists for {{client}}; inject it into {{where}} with {{inject}}',
      sendOpenTracing:
        '{{what}} {{target}}does not carry trace context ({{why}}){{more}}: inject the active span with `tracer.inject(span.context(), FORMAT_HTTP_HEADERS, carrier)` and copy the carrier into {{where}}',
      receiveManual:
        '{{what}} starts work from a message without restoring its trace context{{more}}: no instrumentation exists for {{client}}; extract it from {{where}} with {{extract}} and run the handler in that context',
      receive:
        '{{what}} starts work from a message without restoring its trace context ({{why}}){{more}}: {{register}}, or {{extract}} and run the handler in that context',
      hop: '`{{client}}` messages in this file are sent without W3C trace context and consumed without restoring it ({{sent}}, {{consumed}}; {{why}}): {{register}}, or inject it with {{inject}} where they are sent and extract it with {{extract}} where they are consumed',
      hopManual:
        '`{{client}}` messages in this file are sent without W3C trace context and consumed without restoring it ({{sent}}, {{consumed}}): no instrumentation exists for {{client}}; inject it into {{where}} with {{inject}} where they are sent and extract it with {{extract}} where they are consumed',
      queueHop:
        '`{{client}}` jobs of {{queue}} are sent without W3C trace context and consumed without restoring it ({{sent}}; {{consumed}}; {{why}}): {{register}}, or inject it with {{inject}} where they are sent and extract it with {{extract}} where they are consumed',
      queueHopManual:
        '`{{client}}` jobs of {{queue}} are sent without W3C trace context and consumed without restoring it ({{sent}}; {{consumed}}): no instrumentation exists for {{client}}; inject it into {{where}} with {{inject}} where they are sent and extract it with {{extract}} where they are consumed',
      outboxRelay:
        '`{{client}}` messages relayed from an outbox on a timer ({{schedule}}) start a new trace each: the request or message that wrote the row is not their parent ({{why}}); store the trace context with each row where it is written (`propagation.inject(context.active(), row.traceContext)`) and publish the row under it (`context.with(propagation.extract(ROOT_CONTEXT, row.traceContext), …)`)',
      lateStart:
        "{{package}} starts tracing at {{what}} after its process has loaded {{libraries}} ({{where}}): OpenTelemetry patches a library as it is loaded and leaves one loaded earlier unpatched, so {{clients}} {{run}} unpatched and {{carry}} no W3C trace context; start tracing before anything else loads, in a module the entry imports first (`import './tracing'` above every other import) or preloads (`node --import ./tracing.js`)",
      outsideHandSpans:
        '{{package}} registers no instrumentation ({{setup}}, {{at}}) and traces only the spans its code makes active by hand, so its {{calls}} ({{clients}}; {{where}}), made outside them, {{have}} no trace to carry; where one should continue a trace, make it inside such a span and inject the context there with `propagation.inject(context.active(), headers)`',
      outgoingOff:
        '{{package}} switches outbound HTTP tracing off in its tracing setup ({{switch}}, {{at}}), so its {{calls}} ({{clients}}; {{where}}) {{carry}} no W3C trace context, by that choice; where a call must continue the trace (to a service of your own), inject it there with `propagation.inject(context.active(), headers)`',
      pluginOff:
        '{{package}} switches {{switch}} off in its tracing setup ({{at}}), so its {{calls}} ({{clients}}; {{where}}) {{carry}} no W3C trace context, by that choice; where one must continue the trace, switch the plugin back on or inject the context there by hand (`propagation.inject`)',
      untraced:
        '{{package}} sets up no tracing yet, so its {{calls}} ({{clients}}; {{where}}) {{carry}} no W3C trace context and no trace breaks today; when it starts tracing, {{fix}}',
      untracedLibrary:
        '{{package}} is a library other applications install, and sets up no tracing of its own: its {{calls}} ({{clients}}; {{where}}) {{carry}} W3C trace context only in the applications that load it and trace; for them to, {{fix}}',
      untracedUsers:
        '{{package}} makes {{calls}} ({{clients}}; {{where}}) in code only {{users}} {{use}}{{unshared}}, and {{they}} {{set}} up no tracing yet: {{callsAre}} {{carry}} no W3C trace context and no trace breaks today; when {{they}} {{start}} tracing, {{fix}}',
      consoleOnly:
        '{{package}} traces to the console only ({{exporter}}, {{at}}), so no trace is collected that its {{calls}} ({{clients}}; {{where}}) could break; when it exports spans, {{fix}}',
      untracedLegacy:
        "{{package}} traces with {{legacy}}, whose own headers ({{headers}}) are no W3C trace context, so its {{calls}} ({{clients}}; {{where}}) {{carry}} none and a service traced with W3C context starts a new trace from each; when it moves to an OpenTelemetry-based tracer (OpenTelemetry's SDK, Sentry 8 or later), {{fix}}",
      unreadSetup:
        '{{package}} sets up tracing, if at all, through {{setup}} ({{at}}), which obslint does not read, so it cannot tell whether its {{calls}} ({{clients}}; {{where}}) {{carry}} W3C trace context; where that set-up traces, list the clients it instruments under `propagation.instrumented` in obslint.yaml',
      tracerWithoutSdk:
        '{{package}} asks for a tracer ({{setup}}, {{at}}) but starts no tracing SDK obslint can see, so the spans it makes go nowhere and its {{calls}} ({{clients}}; {{where}}) {{carry}} no W3C trace context; where an SDK is started outside the code (a preload, an operator), list the clients it instruments under `propagation.instrumented` in obslint.yaml',
      untracedProject:
        'none of the {{packages}} packages of this project that call out sets up tracing yet, so their {{calls}} ({{clients}}; {{where}}) carry no W3C trace context and no trace breaks today; when they start tracing, {{fix}}',
    },
  },
  defaultOptions: {},
  check(ctx) {
    const { propagation } = ctx.config;
    const instrumented = new Set(propagation.instrumented);
    // A library module only untraced services load runs untraced, whatever the library's other users do.
    const tracingOf = (call: OutboundCall): TracingFacts =>
      (!call.loadedOnlyUntracedBy && ctx.catalog.tracing[call.package]) || NO_TRACING;
    // Budget-file hosts apply to every client; an instrumentation's ignore hook only to its clients.
    const ignored = (call: OutboundCall): boolean =>
      call.host !== undefined &&
      (propagation.ignoreHosts.some((h) => hostMatches(call.host!, h)) ||
        tracingOf(call).ignoredHosts.some((i) => i.clients.includes(call.client) && hostMatches(call.host!, i.host)));
    // traceparent does not cross into a third party's API; a broker's host says nothing of the consumer.
    const thirdParty = (call: OutboundCall): boolean =>
      call.host !== undefined &&
      call.direction === 'send' &&
      !MESSAGING.has(call.client) &&
      !isInternalHost(call.host, propagation.internalHosts);
    // The call reaches a service of the project: a gRPC service it defines, an internal host, a message.
    const knownOwn = (call: OutboundCall): boolean =>
      call.service !== undefined ||
      MESSAGING.has(call.client) ||
      (call.host !== undefined && isInternalHost(call.host, propagation.internalHosts));
    // One cause, one finding: the calls of one client in one file share their missing instrumentation,
    // as do a package's producers and consumers of one named queue, wherever they are (one hop);
    // where a package traces nothing, all its calls share that.
    const groups = new Map<string, OutboundCall[]>();
    const untraced = new Map<string, OutboundCall[]>();
    // A library's calls in code only untraced services use: one note per library.
    const untracedUsers = new Map<string, OutboundCall[]>();
    // A package whose setup switches outbound HTTP tracing off chose to send no context: one note
    // for the calls obslint cannot tell are to the project's own services.
    const optedOut = new Map<string, OutboundCall[]>();
    const outsideHandSpans = new Map<string, OutboundCall[]>();
    // A package whose setup switches a client's instrumentation off (a dd-trace plugin) chose the same: one note per switch.
    const pluginOff = new Map<string, OutboundCall[]>();
    // A package whose spans only go to the console: one note for its calls.
    const printed = new Map<string, OutboundCall[]>();
    // An outbox relay's messages, by the relay's file: one finding there (at its first send), whatever
    // instruments the client.
    const relays = new Map<
      string,
      { call: OutboundCall; relay: NonNullable<OutboundCall['outboxRelays']>[number]; uncovered: boolean }
    >();
    for (const call of ctx.catalog.outbound) {
      const tracing = tracingOf(call);
      // A package's instrumentation covers a client, unless this call's client object is made without it.
      const covered = (tracing.instrumented[call.client] && !call.uninstrumented) || instrumented.has(call.client);
      const relayed = tracing.setup !== undefined && !tracing.consoleOnly && !call.browser && call.outboxRelays;
      for (const relay of relayed || []) {
        const key = `${relay.loc.file}\u0000${call.client}`;
        const known = relays.get(key);
        if (!known) relays.set(key, { call, relay, uncovered: !covered });
        else known.uncovered ||= !covered;
      }
      // One cause, one finding: a relayed send's missing instrumentation is said in the relay's finding.
      if (call.evidence || covered || (relayed && relayed.length > 0)) continue;
      if (call.browser && tracing.webInstrumented?.[call.client]) continue;
      if (ignored(call) || thirdParty(call) || call.probe || call.webhook || (call.browser && !tracing.web)) continue;
      // An OpenTracing tracer instruments no client: every call needs code of its own, so only a call
      // known to reach the project's own service is worth one (a host obslint cannot read may be anyone's).
      if (tracing.setup?.api === 'opentracing' && !knownOwn(call)) continue;
      // The switch is about HTTP requests (the clients whose carrier is the request headers); a call
      // known to reach a service of the project still breaks a trace the switch may not have meant to.
      const chose =
        tracing.setup &&
        tracing.outgoingOff &&
        call.direction === 'send' &&
        CARRIER[call.client] === REQUEST_HEADERS &&
        !knownOwn(call);
      // A service with no instrumentation has a trace only inside the spans it makes active by hand.
      const noTrace = tracing.setup && tracing.handSpansOnly && call.direction === 'send' && !call.inHandSpan;
      const switchedOff = tracing.setup && !tracing.consoleOnly ? tracing.pluginsOff?.[call.client] : undefined;
      const key = switchedOff
        ? [call.package, switchedOff.what, `${switchedOff.loc.file}:${switchedOff.loc.line}`].join('\u0000')
        : tracing.setup && !chose && !noTrace && !tracing.consoleOnly
          ? // Calls in code nothing calls are a note of their own (see `unreachedIn`); a file's
            // messages sent and consumed are one hop that carries no context: one finding.
            [
              // Sends on queues one factory makes share its options: one cause, with the factory's file.
              call.madeIn?.file ?? call.loc.file,
              call.client,
              MESSAGING.has(call.client) ? '' : call.direction,
              // Every service on one Connect transport shares its interceptors.
              (call.client === 'connect' && call.madeIn ? '' : call.service) ?? '',
              ctx.unreachedIn(call.loc) ?? '',
            ].join('\u0000')
          : call.package;
      const into = switchedOff
        ? pluginOff
        : noTrace
          ? outsideHandSpans
          : chose
            ? optedOut
            : tracing.setup && tracing.consoleOnly
              ? printed
              : tracing.setup
                ? groups
                : call.loadedOnlyUntracedBy
                  ? untracedUsers
                  : untraced;
      const group = into.get(key);
      if (group) group.push(call);
      else into.set(key, [call]);
    }
    // One note per package (or for the project): where its calls are, how many, through which clients.
    const summaryNote = (
      messageId: Parameters<typeof ctx.report>[0]['messageId'],
      cause: string,
      calls: OutboundCall[],
      data: Record<string, string | number>,
    ): void => {
      ctx.report({
        messageId,
        data: { calls: callCount(calls), clients: clientList(calls), where: whereList(calls), ...data },
        loc: calls[0].loc,
        cause,
        note: true,
      });
    };
    const carry = (calls: OutboundCall[]): string => (calls.length === 1 ? 'carries' : 'carry');
    // A package tracing with Sentry 7, whose only set-up is one obslint cannot read (it says what it
    // cannot tell), or that asks for a tracer no SDK backs, gets a note of its own, whatever the others do.
    for (const [pkg, calls] of [...untraced]) {
      const tracing = ctx.catalog.tracing[pkg] ?? NO_TRACING;
      const { legacy, unreadSetup: unread, tracerWithoutSdk: tracerOnly } = tracing;
      if (!legacy && !unread && !tracerOnly) continue;
      untraced.delete(pkg);
      const shared = { package: packageOrProject(pkg, tracing, ctx.catalog.tracing), carry: carry(calls) };
      if (legacy)
        summaryNote('untracedLegacy', `untraced-legacy:${pkg}`, calls, {
          ...shared,
          legacy: legacy.what,
          headers: legacy.headers ?? '`sentry-trace`, `baggage`',
          fix: fixFor(calls),
        });
      else if (unread)
        summaryNote('unreadSetup', `unread-setup:${pkg}`, calls, {
          ...shared,
          setup: unread.what,
          at: `${unread.loc.file}:${unread.loc.line}`,
        });
      else if (tracerOnly)
        summaryNote('tracerWithoutSdk', `tracer-without-sdk:${pkg}`, calls, {
          ...shared,
          setup: `\`${tracerOnly.what}\``,
          at: `${tracerOnly.loc.file}:${tracerOnly.loc.line}`,
        });
    }
    for (const { call, relay, uncovered } of relays.values()) {
      const tracing = tracingOf(call);
      ctx.report({
        messageId: 'outboxRelay',
        data: {
          client: call.client,
          schedule: relay.schedule,
          why: `its process traces (${tracing.setup!.what}), but the timer's run has no trace to give them${
            uncovered
              ? `, and no instrumentation covers ${call.client} to carry one: ${registerFix(call.client, false, tracing)} too`
              : ''
          }`,
        },
        loc: relay.loc,
        cause: `outbox-relay:${call.client}`,
      });
    }
    // Tracing started after the clients it instruments were loaded: one finding, where it starts.
    for (const [pkg, tracing] of Object.entries(ctx.catalog.tracing)) {
      if (!tracing.lateStart) continue;
      // A client whose every call here carries the context by hand (`propagation.inject` into a
      // Kafka message's headers) loses nothing to the late start.
      const byHand = (client: string): boolean => {
        const calls = ctx.catalog.outbound.filter((c) => c.package === pkg && c.client === client);
        return calls.length > 0 && calls.every((c) => c.evidence !== undefined);
      };
      const loaded = tracing.lateStart.loaded.filter((l) => l.client === undefined || !byHand(l.client));
      if (!loaded.some((l) => l.client !== undefined)) continue;
      const late = { ...tracing.lateStart, loaded };
      const clients = late.loaded.filter((l) => l.client !== undefined).map((l) => `\`${l.module}\``);
      ctx.report({
        messageId: 'lateStart',
        data: {
          package: packageOrProject(pkg, tracing, ctx.catalog.tracing),
          what: late.what,
          libraries: and(late.loaded.map((l) => `\`${l.module}\``)),
          where: late.loaded.map((l) => `${l.module}: ${l.loc.file}:${l.loc.line}`).join(', '),
          clients: and(clients),
          run: clients.length === 1 ? 'runs' : 'run',
          carry: clients.length === 1 ? 'its calls carry' : 'their calls carry',
        },
        loc: late.loc,
        cause: `late-start:${pkg}`,
      });
    }
    // A repository none of whose packages traces: one note for all of them, not one per package.
    const tracesAnywhere = Object.values(ctx.catalog.tracing).some((t) => t.setup !== undefined);
    const oneNoteForProject = !tracesAnywhere && untraced.size > 1;
    if (oneNoteForProject) {
      const calls = [...untraced.values()].flat().sort((a, b) => compareLocations(a.loc, b.loc));
      summaryNote('untracedProject', 'untraced:*', calls, {
        packages: String(untraced.size),
        fix: fixFor(calls, 'their'),
      });
    }
    for (const [pkg, calls] of oneNoteForProject ? [] : untraced) {
      const library = ctx.catalog.tracing[pkg]?.published === true;
      summaryNote(library ? 'untracedLibrary' : 'untraced', `untraced:${pkg}`, calls, {
        package: packageOrProject(pkg, ctx.catalog.tracing[pkg] ?? NO_TRACING, ctx.catalog.tracing),
        carry: carry(calls),
        fix: fixFor(calls, library ? 'their' : 'its'),
      });
    }
    for (const [pkg, calls] of untracedUsers) {
      const users = [...new Set(calls.flatMap((call) => call.loadedOnlyUntracedBy!))].sort();
      const one = users.length === 1;
      summaryNote('untracedUsers', `untraced-users:${pkg}`, calls, {
        package: packageName(pkg, ctx.catalog.tracing[pkg] ?? NO_TRACING),
        users: and(users.map((user) => packageName(user, ctx.catalog.tracing[user] ?? NO_TRACING))),
        use: one ? 'uses' : 'use',
        // The package's own code, when no other package imports what these modules declare.
        unshared:
          one && users[0] === pkg
            ? calls.some((call) => call.runByEntryPoint)
              ? ' (in its own processes, through an entry point it exports)'
              : ' (no other package imports what its modules declare)'
            : '',
        they: one ? 'it' : 'they',
        callsAre: calls.length === 1 ? 'it' : 'they',
        carry: carry(calls),
        set: one ? 'sets' : 'set',
        start: one ? 'starts' : 'start',
        fix: fixFor(calls, one ? 'its' : 'their'),
      });
    }
    for (const [pkg, calls] of outsideHandSpans) {
      const tracing = ctx.catalog.tracing[pkg] ?? NO_TRACING;
      const hand = tracing.handSpansOnly!;
      summaryNote('outsideHandSpans', `outside-hand-spans:${pkg}`, calls, {
        package: packageOrProject(pkg, tracing, ctx.catalog.tracing),
        setup: hand.what,
        at: `${hand.loc.file}:${hand.loc.line}`,
        have: calls.length === 1 ? 'has' : 'have',
      });
    }
    for (const [pkg, calls] of optedOut) {
      const tracing = ctx.catalog.tracing[pkg] ?? NO_TRACING;
      const off = tracing.outgoingOff!;
      summaryNote('outgoingOff', `outgoing-off:${pkg}`, calls, {
        package: packageOrProject(pkg, tracing, ctx.catalog.tracing),
        switch: off.what,
        at: `${off.loc.file}:${off.loc.line}`,
        carry: carry(calls),
      });
    }
    for (const calls of pluginOff.values()) {
      const tracing = tracingOf(calls[0]);
      const off = tracing.pluginsOff![calls[0].client]!;
      summaryNote('pluginOff', `plugin-off:${calls[0].package}:${off.what}`, calls, {
        package: packageOrProject(calls[0].package, tracing, ctx.catalog.tracing),
        switch: off.what,
        at: `${off.loc.file}:${off.loc.line}`,
        carry: carry(calls),
      });
    }
    for (const [key, calls] of printed) {
      const tracing = ctx.catalog.tracing[key] ?? NO_TRACING;
      const printedBy = tracing.consoleOnly!;
      summaryNote('consoleOnly', `console-only:${key}`, calls, {
        package: packageOrProject(key, tracing, ctx.catalog.tracing),
        exporter: `\`${printedBy.what}\``,
        at: `${printedBy.loc.file}:${printedBy.loc.line}`,
        fix: fixFor(calls),
      });
    }
    for (const group of sameQueueJoined(groups)) {
      const sent = group.filter((c) => c.direction === 'send');
      const consumed = group.filter((c) => c.direction === 'receive');
      const tracing = tracingOf(group[0]);
      if (sent.length > 0 && consumed.length > 0 && tracing.setup!.api !== 'opentracing') {
        reportHop(group[0], sent, consumed, tracing);
        continue;
      }
      const [first, ...rest] = group;
      const call = first;
      const messaging = MESSAGING.has(call.client);
      const what =
        call.direction === 'receive'
          ? `\`${call.client}\` consumer`
          : messaging
            ? `\`${call.client}\` message`
            : call.service
              ? `\`${call.client}\` call to \`${call.service}\``
              : `\`${call.client}\` request`;
      const manual = INSTRUMENTATION_FOR[call.client] === undefined;
      const setup = tracingOf(call).setup!;
      const who = call.package === '.' ? 'the project' : packageName(call.package, tracingOf(call));
      const openTracing = setup.api === 'opentracing' && call.direction === 'send';
      ctx.report({
        messageId: openTracing
          ? 'sendOpenTracing'
          : manual
            ? call.direction === 'send'
              ? 'sendManual'
              : 'receiveManual'
            : call.direction,
        data: {
          client: call.client,
          what,
          target: call.host ? `${call.service ? 'at' : 'to'} \`${call.host}\` ` : '',
          why: openTracing
            ? `${who} traces with ${setup.what} (OpenTracing), which instruments no client`
            : tracesBut(call, tracingOf(call)),
          more: `${moreLike(call, rest)}${madeInOne(group)}`,
          register: registerFix(call.client, call.browser === true, tracingOf(call)),
          ...byHand(CARRIER[call.client].code, tracingOf(call)),
          where: CARRIER[call.client].where,
        },
        loc: call.loc,
        cause: `${call.client}:${call.direction}${call.service ? `:${call.service}` : ''}`,
      });
    }

    function reportHop(
      first: OutboundCall,
      sent: OutboundCall[],
      consumed: OutboundCall[],
      tracing: TracingFacts,
    ): void {
      const oneFile = [...sent, ...consumed].every((c) => c.loc.file === first.loc.file);
      const lines = (calls: OutboundCall[], verb: string): string =>
        `${verb} at ${oneFile ? lineList(calls) : whereList(calls)}${madeInOne(calls)}`;
      const manual = INSTRUMENTATION_FOR[first.client] === undefined;
      ctx.report({
        messageId: oneFile ? (manual ? 'hopManual' : 'hop') : manual ? 'queueHopManual' : 'queueHop',
        data: {
          client: first.client,
          queue: queuesOf([...sent, ...consumed]),
          sent: lines(sent, 'sent'),
          consumed: lines(consumed, 'consumed'),
          why: tracesBut(first, tracing),
          register: registerFix(first.client, false, tracing),
          ...byHand(CARRIER[first.client].code, tracing),
          where: CARRIER[first.client].where,
        },
        // Across files, the hop sits where a job is sent: where a request's trace would enter the queue.
        loc: oneFile ? first.loc : sent[0].loc,
        cause: oneFile ? `${first.client}:hop` : `${first.client}:hop:${queuesOf(sent)}`,
      });
    }
  },
});

const NO_TRACING: TracingFacts = { instrumented: {}, ignoredHosts: [] };

/** `package \`api\` traces (NodeSDK) but no instrumentation covers kafkajs`. */
function tracesBut(call: OutboundCall, tracing: TracingFacts): string {
  const who = call.package === '.' ? 'the project' : packageName(call.package, tracing);
  const bare = call.uninstrumented;
  return bare && tracing.instrumented[call.client]
    ? `${who} traces (${tracing.setup!.what}), but the client this call uses is made without ${bare.what} (${bare.loc.file}:${bare.loc.line})`
    : `${who} traces (${tracing.setup!.what}) but no instrumentation covers ${call.client}`;
}

/**
 * The root package without a name of its own is the project, or, beside workspace packages of
 * their own (services that may trace), the code outside them (a seed script in `dummyData/`).
 */
function packageOrProject(pkg: string, tracing: TracingFacts, all: Record<string, TracingFacts>): string {
  if (tracing.name || pkg !== '.') return packageName(pkg, tracing);
  return Object.keys(all).some((key) => key !== '.') ? 'the code outside the workspace packages' : 'this project';
}

function packageName(pkg: string, tracing: TracingFacts): string {
  return `package \`${tracing.name ?? pkg}\``;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `4 outbound calls and 1 message consumer`. */
function callCount(calls: OutboundCall[]): string {
  const consumers = calls.filter((c) => c.direction === 'receive').length;
  const sends = calls.length - consumers;
  return [sends > 0 ? plural(sends, 'outbound call') : '', consumers > 0 ? plural(consumers, 'message consumer') : '']
    .filter(Boolean)
    .join(' and ');
}

/** `axios, fetch ×2, bullmq`: clients in order of first use. */
function clientList(calls: OutboundCall[]): string {
  const counts = new Map<Client, number>();
  for (const c of calls) counts.set(c.client, (counts.get(c.client) ?? 0) + 1);
  return [...counts].map(([client, n]) => (n > 1 ? `${client} ×${n}` : client)).join(', ');
}

/**
 * The groups (calls of one client in one file) joined where they add to or take from one queue of
 * one package: that queue's jobs are one hop, whichever files send and consume them. Each joined
 * group's calls are in location order, groups in the order of their first call.
 */
function sameQueueJoined(groups: ReadonlyMap<string, OutboundCall[]>): OutboundCall[][] {
  const keys = [...groups.keys()];
  const parent = keys.map((_, i) => i);
  const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i])));
  const byQueue = new Map<string, number>();
  keys.forEach((key, i) => {
    for (const call of groups.get(key)!) {
      if (call.queue === undefined) continue;
      // The group key holds the client and whether the code is reached: only alike groups join.
      const queueKey = [call.package, call.queue, key.slice(key.indexOf('\u0000'))].join('\u0000');
      const other = byQueue.get(queueKey);
      if (other === undefined) byQueue.set(queueKey, i);
      else parent[root(i)] = root(other);
    }
  });
  const joined = new Map<number, OutboundCall[]>();
  keys.forEach((key, i) => {
    const into = joined.get(root(i));
    if (into) into.push(...groups.get(key)!);
    else joined.set(root(i), [...groups.get(key)!]);
  });
  return [...joined.values()].map((calls) => calls.sort((a, b) => compareLocations(a.loc, b.loc)));
}

/**
 * `; so do 2 more in this file (lines 9, 12)`, or, for the other calls of one queue, wherever they
 * are: `; so do 2 more adding to queue \`mail\` (src/a.ts line 9; src/b.ts line 4)`.
 */
function moreLike(first: OutboundCall, rest: OutboundCall[]): string {
  if (rest.length === 0) return '';
  if (rest.every((r) => r.loc.file === first.loc.file))
    return `; so do ${rest.length} more in this file (${lineList(rest)})`;
  // Calls joined by what carries them (a Connect transport), not by a queue.
  if (![first, ...rest].some((c) => c.queue !== undefined)) return `; so do ${rest.length} more (${whereList(rest)})`;
  const verb = first.direction === 'send' ? 'adding to' : 'taking from';
  return `; so do ${rest.length} more ${verb} ${queuesOf([first, ...rest])} (${whereList(rest)})`;
}

/**
 * `, on the queues made at src/queue.ts line 55` (`on the transport made at …`): where one factory
 * makes every queue the sends use, or the one transport the calls go over.
 */
function madeInOne(calls: OutboundCall[]): string {
  const sent = calls.filter((c) => c.direction === 'send');
  const made = sent.find((c) => c.madeIn)?.madeIn;
  // Said where it explains the grouping: calls in other files than where it is made.
  if (!made || sent.every((c) => c.loc.file === made.file)) return '';
  // Sends in the factory's own file use its queues directly.
  return sent.every((c) =>
    c.madeIn ? c.madeIn.file === made.file && c.madeIn.line === made.line : c.loc.file === made.file,
  )
    ? `, on the ${sent[0].client === 'connect' ? 'transport' : 'queues'} made at ${made.file} line ${made.line}`
    : '';
}

/** `line 9`, `lines 9, 12`: where calls of one file are. */
function lineList(calls: OutboundCall[]): string {
  return `line${calls.length === 1 ? '' : 's'} ${calls.map((c) => c.loc.line).join(', ')}`;
}

/** `queue \`mail\``, `queues \`mail\` and \`sms\``: the queues some calls name. */
function queuesOf(calls: OutboundCall[]): string {
  const names = [...new Set(calls.flatMap((c) => (c.queue === undefined ? [] : [`\`${c.queue}\``])))].sort();
  return `${names.length === 1 ? 'queue' : 'queues'} ${and(names)}`;
}

/** `src/notify.ts lines 9, 10; src/jobs.ts line 4`, at most four files. */
function whereList(calls: OutboundCall[]): string {
  const files = [...groupBy(calls, (c) => c.loc.file)].map(([file, inFile]) => `${file} ${lineList(inFile)}`);
  return files.length > 4
    ? `${files.slice(0, 4).join('; ')}; and ${plural(files.length - 4, 'more file')}`
    : files.join('; ');
}

/**
 * What to do about a client no instrumentation covers: register an instrumentation in the tracing
 * setup, or, where the client instruments itself, set its option where each client is made.
 */
function registerFix(client: Client, browser: boolean, tracing: TracingFacts): string {
  // The package's own tracer instruments the client in a later release than it declares.
  const release = browser ? undefined : tracing.upgrade?.[client];
  if (release)
    return release.startsWith('@sentry/')
      ? `upgrade to ${release} or later (Sentry's ${client} integration carries it)`
      : release.startsWith('@opentelemetry/')
        ? `upgrade to ${release} or later (that release instruments ${client})`
        : `upgrade to ${release} or later (dd-trace's ${client} plugin carries it)`;
  const instrumentation = shownInstrumentation((browser ? WEB_INSTRUMENTATION_FOR : INSTRUMENTATION_FOR)[client] ?? '');
  return client in MADE_WITH_OPTION
    ? `set ${instrumentation} on ${MADE_WITH_OPTION[client]}`
    : `register ${instrumentation} in your tracing setup`;
}

/**
 * How to carry the context by hand, in the package's own tracer's API: dd-trace's `tracer.inject`
 * (which writes `traceparent` among its propagation styles), else OpenTelemetry's `propagation`.
 */
function byHand(carrier: string, tracing: TracingFacts): { inject: string; extract: string } {
  return tracing.setup?.what === 'dd-trace'
    ? {
        inject: `\`tracer.inject(tracer.scope().active(), 'text_map', ${carrier})\``,
        extract: `\`tracer.extract('text_map', ${carrier})\``,
      }
    : {
        inject: `\`propagation.inject(context.active(), ${carrier})\``,
        extract: `\`propagation.extract(context.active(), ${carrier})\``,
      };
}

/** Clients whose tracing is an option of each object made (BullMQ's `telemetry`), where it is set. */
const MADE_WITH_OPTION: Partial<Record<Client, string>> = {
  bullmq: 'each `Queue` and `Worker`',
  pubsub: 'each `new PubSub(…)`',
};

function shownInstrumentation(instrumentation: string): string {
  return instrumentation.startsWith('@') ? `\`${instrumentation}\`` : instrumentation;
}

/** What tracing these clients takes: their instrumentations, and hand-made propagation where none exists. */
function fixFor(calls: OutboundCall[], whose: 'its' | 'their' = 'its'): string {
  const clients = [...new Set(calls.map((c) => c.client))];
  const instrumentations = [
    ...new Set(clients.map((c) => INSTRUMENTATION_FOR[c]).filter((i): i is string => i !== undefined)),
  ];
  const manual = clients.filter((c) => INSTRUMENTATION_FOR[c] === undefined);
  const named = instrumentations.map(shownInstrumentation);
  const parts = [
    named.length > 0 ? `register ${and(named)} in ${whose} tracing setup` : '',
    manual.length > 0
      ? `inject and extract the context by hand for ${and(manual)} (\`propagation.inject\`, \`propagation.extract\`)`
      : '',
  ];
  return parts.filter(Boolean).join(', and ');
}

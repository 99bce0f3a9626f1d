import { ts } from 'ts-morph';
import type { Client, OutboundCall } from '../../types.js';
import {
  bullmqObject,
  clientCall,
  httpClientNames,
  madeByFactory,
  madeWithTelemetry,
  messagingClientsOf,
  pubsubClientWithoutTracing,
  type ClientCall,
} from '../libraries/clients.js';
import { connectTransportOf, GrpcClients, usesGrpc, type GrpcCall } from '../libraries/grpc.js';
import type { ProjectIndex } from '../syntax/project-index.js';
import {
  enclosingClassLike,
  enclosingFunction,
  functionName,
  literalProperty,
  namesKey,
  objectArguments,
} from '../syntax/scope.js';
import { groupBy } from '../../util/group.js';
import { namesDeadLetters } from '../libraries/messaging-modules.js';
import { compareStrings, displayPath } from '../../util/paths.js';
import type { StaticEvaluator } from '../flow/static-eval.js';
import type { Caller } from '../flow/call-graph.js';
import { builtForBrowser, type PackageIndex } from './workspace-packages.js';
import { hasDirective, importedOnlyByBrowserCode, runsInBrowser } from './browser-code.js';
import { ScheduledQueues, scheduledRun } from './scheduled-jobs.js';
import { detachedDelay } from './job-delays.js';
import { QueueFeeds } from './queue-feeds.js';
import { outboxRelays } from './outbox-relay.js';
import { deliversWebhook } from './webhook-delivery.js';
import { HTTP_BASED, FETCH_BASED } from './traced-clients.js';
import { hostOf, rpcHost } from './call-hosts.js';
import { exportsTelemetry, isProbe, readsOnly } from './url-endpoints.js';
import { ACTIVATES_SPANS, HandSpans } from './hand-spans.js';
import { injected, clientInjects, serviceKey, servicesBuiltInjecting } from './trace-injection.js';
import { extracted } from './trace-extraction.js';

const HTTP_CLIENTS = new Set([...HTTP_BASED, ...FETCH_BASED]);

/**
 * Developer tooling at the top of a package (`scripts/`, `tools/`, `examples/`, `benchmarks/`,
 * `e2e/`; `scripts/` and `bin/` also in `src/`, unless the start script runs them): each file runs
 * as a process of its own, started by hand, which loads none of the service's tracing set-up and
 * has no request trace to pass on. Deeper down such a name is the
 * product's own (`nodes/tools/` of an agent builder).
 */
// `prisma/scripts/`, `db/script/`, `storage/scripts/`: one-off scripts beside the schema or the part of
// the package they work on, run by hand like the package's own `scripts/`.
const TOOLING_DIRECTORY =
  /^([\w.-]+\/scripts?|(?:src\/)?(?:scripts?|bin)|tools|examples?|benchmarks?|bench|e2e|__[\w-]+__)\//;

/** A demo or example program beside the code it shows (`src/demo.ts`): run by hand, like tooling. */
const DEMO_FILE = /(?:^|\/)(?:demo|examples?)\.[cm]?[jt]sx?$/;

/** A workspace package of test support (`packages/test-utils`, `testing/`): loaded by test runs, not services. */
const TEST_SUPPORT_PACKAGE = /(?:^|\/)(?:test-?utils?|test-?helpers|test-?kit|testing)$/i;

function isTooling(file: string, packageKey: string, start: string | undefined): boolean {
  const inPackage =
    packageKey === '.' ? file : file.startsWith(`${packageKey}/`) ? file.slice(packageKey.length + 1) : file;
  const tooling = TOOLING_DIRECTORY.exec(inPackage);
  // `"start": "node scripts/bin/server"`: the service itself lives there (its sources beside its build).
  // (`src/bin` is built to `dist/bin`.)
  const directory = tooling?.[1].replace(/^src\//, '');
  const serves =
    directory !== undefined && start !== undefined && new RegExp(`(?:^|[\\s/.'"=])${directory}/`).test(start);
  return (tooling !== null && !serves) || DEMO_FILE.test(inPackage) || TEST_SUPPORT_PACKAGE.test(packageKey);
}

/**
 * `fetch(url, { unix: socketPath })` (Bun), `http.request({ socketPath: '/var/run/docker.sock' })`: a
 * local daemon's API over a Unix socket (Docker, a VMM, containerd), not a service that continues a trace.
 */
function overUnixSocket(call: ts.CallExpression | ts.NewExpression): boolean {
  return objectArguments(call).some((options) => namesKey(options, UNIX_SOCKET_OPTIONS));
}

const UNIX_SOCKET_OPTIONS = new Set(['socketPath', 'unix']);

function scheduledOnly(call: ts.CallExpression | ts.NewExpression, queues: ScheduledQueues): boolean {
  return ts.isNewExpression(call) ? queues.onlyScheduled(call) : queues.scheduledOnly(call);
}

/** Every outbound call and message consumer in the parsed files, with its propagation evidence. */
export function outboundCalls(
  calls: (ts.CallExpression | ts.NewExpression)[],
  project: ProjectIndex,
  packages: PackageIndex,
  evaluator: StaticEvaluator,
  /** The calls of a function, for a queue's wrapper (`addJob(job, opts)`) called with delays or only from scripts. */
  callersOf: (fn: ts.SignatureDeclaration) => readonly Caller[],
  /** The files that import a file, parsed or not. */
  importersOf: (fileName: string) => readonly string[],
  /** Told of each outbound call's node (see `UnreachedCodeFinder.recordsIn`). */
  onCall: (call: ts.Node) => void = () => undefined,
  /** Runs the analysis of one call, reporting an error in it where the call is. */
  guard: (node: ts.Node, step: () => void) => void = (_node, step) => {
    step();
  },
): OutboundCall[] {
  const grpc = usesGrpc(project.files.values()) ? new GrpcClients(project, ownPackages(packages)) : undefined;
  const requires = groupBy((project.callsByName.get('require') ?? []).filter(ts.isCallExpression), (call) =>
    call.getSourceFile(),
  );
  const clientNames = new Map<ts.SourceFile, ReadonlySet<string>>();
  const clientNamesOf = (file: ts.SourceFile): ReadonlySet<string> => {
    let names = clientNames.get(file);
    if (!names) clientNames.set(file, (names = httpClientNames(file, requires.get(file) ?? [])));
    return names;
  };
  const clientCalls = calls.flatMap((call): { call: typeof call; client: ClientCall; rpc?: GrpcCall }[] => {
    const file = call.getSourceFile();
    const client = clientCall(call, project, messagingClientsOf(file), clientNamesOf(file));
    if (client) return [{ call, client }];
    const rpc = grpc && ts.isCallExpression(call) ? grpc.callOf(call) : undefined;
    return rpc ? [{ call, client: { client: rpc.client, direction: 'send' }, rpc }] : [];
  });
  const injectedAtBinding = grpc ? servicesBuiltInjecting(grpc, project) : new Map<string, string>();
  // Every `x.add(…)`: a queue's producers include calls whose receiver obslint cannot tie to BullMQ.
  const queues = new ScheduledQueues(calls.filter(ts.isCallExpression));
  // Each send's timer, read once: its queue's feeds and its own evidence both need it.
  const schedules = new Map<ts.Node, string | undefined>();
  const scheduleOf = (call: ts.CallExpression | ts.NewExpression): string | undefined => {
    if (!schedules.has(call)) {
      schedules.set(call, undefined);
      guard(call, () => schedules.set(call, scheduledRun(call)));
    }
    return schedules.get(call);
  };
  const scriptPath = (fileName: string): string | undefined => {
    const scope = packages.of(fileName);
    const file = displayPath(project.root, fileName);
    return isTooling(file, scope.key, scope.manifest?.start) ? file : undefined;
  };
  const scripts: ProducerScripts = {
    scriptOf: (node) => scriptPath(node.getSourceFile().fileName),
    callersOf,
    unseenScripts: (file, naming) => {
      const found: string[] = [];
      for (const importer of importersOf(file.fileName)) {
        const parsed = project.files.get(importer);
        if (parsed && (naming === undefined || !parsed.text.includes(naming))) continue;
        const script = scriptPath(importer);
        if (!script) return undefined;
        found.push(script);
      }
      return found.sort(compareStrings);
    },
  };
  const producers = clientCalls.flatMap(({ call, client }) =>
    (client.client === 'bullmq' || client.client === 'bull') && client.direction === 'send' && ts.isCallExpression(call)
      ? [
          {
            call,
            // A repeatable job, or one a timer's run adds (`@Cron`): no request trace reaches the queue from it.
            scheduled: queues.scheduledOnly(call) || scheduleOf(call) !== undefined,
            delay: detachedDelay(call, evaluator, callersOf),
            scripted: scriptedCall(call, scripts),
          },
        ]
      : [],
  );
  // Each producer's delay and scripts, read once: its queue's feeds and its own evidence both need them.
  const producerOf = new Map<ts.Node, (typeof producers)[number]>(producers.map((p) => [p.call, p]));
  const consumers = clientCalls.flatMap(({ call, client }) =>
    (client.client === 'bullmq' || client.client === 'bull') && client.direction === 'receive'
      ? [{ call, handler: client.handler }]
      : [],
  );
  const feeds = new QueueFeeds(producers, consumers, evaluator, project);
  // Where code makes spans active by hand, which calls run inside them (a package with no instrumentation traces only those).
  const handSpans = [...project.files.values()].some((file) => ACTIVATES_SPANS.test(file.text))
    ? new HandSpans(project, callersOf)
    : undefined;
  const out: OutboundCall[] = [];
  for (const { call, client: found, rpc } of clientCalls)
    // One call obslint cannot analyse is a notice where it is; the others are still checked.
    guard(call, () => {
      const file = call.getSourceFile();
      const loc = project.location(call.expression);
      const scope = packages.of(file.fileName);
      if (isTooling(loc.file, scope.key, scope.manifest?.start) || overUnixSocket(call)) return;
      // A hand-written export of spans or logs to a collector is telemetry leaving, not a service's call.
      const target = call.arguments?.[0];
      if (!rpc && HTTP_CLIENTS.has(found.client) && target && exportsTelemetry(target, project)) return;
      const outbound: OutboundCall = {
        client: found.client,
        direction: found.direction,
        loc,
        host: rpc ? rpcHost(rpc) : hostOf(call, project),
        package: scope.key,
      };
      if (rpc) outbound.service = rpc.service;
      if (found.client === 'bullmq' || found.client === 'bull') {
        const queue = feeds.queueOfCall(call, found.direction, found.handler);
        if (queue !== undefined) outbound.queue = queue;
      }
      const factory =
        found.client === 'bullmq' && found.direction === 'send' ? madeByFactory(call, 'bullmq', project) : undefined;
      if (factory && factory.getSourceFile() !== file) outbound.madeIn = project.location(factory);
      const transport = rpc && found.client === 'connect' ? connectTransportOf(rpc, project) : undefined;
      if (transport) outbound.madeIn = project.location(transport);
      const bare =
        found.client === 'pubsub' && ts.isCallExpression(call) ? pubsubClientWithoutTracing(call, project) : undefined;
      if (bare)
        outbound.uninstrumented = {
          what: '`enableOpenTelemetryTracing`',
          loc: project.location(bare),
        };
      if (!rpc && found.direction === 'send' && target && readsOnly(call) && isProbe(target, project))
        outbound.probe = true;
      if (found.direction === 'send' && handSpans?.encloses(call)) outbound.inHandSpan = true;
      if (
        !rpc &&
        found.direction === 'send' &&
        outbound.host === undefined &&
        HTTP_CLIENTS.has(found.client) &&
        deliversWebhook(call)
      )
        outbound.webhook = true;
      // A React Server Components `'use client'` module runs in the browser.
      if (
        hasDirective(file, 'use client') ||
        builtForBrowser(scope.manifest) ||
        runsInBrowser(call, scope) ||
        importedOnlyByBrowserCode(file, importersOf, (name) => project.files.get(name))
      )
        outbound.browser = true;
      const schedule = found.direction === 'send' ? scheduleOf(call) : undefined;
      const bull = found.client === 'bullmq' || found.client === 'bull';
      const producer = bull ? producerOf.get(call) : undefined;
      const delayed = producer?.delay?.text;
      const scripted = producer?.scripted;
      const unfed = bull && found.direction === 'receive' ? feeds.unfed(call, found.handler) : undefined;
      const selfFed =
        bull && found.direction === 'send' && ts.isCallExpression(call) ? feeds.feedsOnlyItself(call) : undefined;
      const deadLetter =
        found.direction === 'send' ? deadLetterDestination(call, found.client, outbound.queue) : undefined;
      const evidence =
        bull && (scheduledOnly(call, queues) || unfed?.by === 'schedule')
          ? 'a repeatable job the application schedules itself (no request trace to carry)'
          : unfed?.by === 'itself'
            ? `only its own worker adds jobs to queue \`${unfed.queue}\` (no request trace to restore)`
            : selfFed
              ? `adds to queue \`${selfFed}\` from that queue's own worker, which nothing else feeds (no request trace to carry)`
              : unfed?.by === 'delay'
                ? `every job added to queue \`${unfed.queue}\` is delayed (${unfed.delay}): it runs apart from the request that queued it`
                : unfed?.by === 'script'
                  ? `only the project's scripts add jobs to queue \`${unfed.queue}\` (no request trace to restore)`
                  : unfed
                    ? `nothing in the project adds jobs to queue \`${unfed.queue}\` (no trace to restore)`
                    : delayed
                      ? `a job delayed ${delayed.startsWith('until') ? delayed : `by ${delayed}`}: it runs apart from the request that queued it`
                      : scripted
                        ? `only scripts run it (\`${scripted}\`): no request trace to carry`
                        : schedule
                          ? `runs on a schedule (${schedule}) and starts no span: no request trace to carry`
                          : deadLetter
                            ? `a dead-letter destination (\`${deadLetter}\`): operators and replay tools read it, not a traced consumer`
                            : found.client === 'bullmq' && withTelemetry(call, project)
                              ? "its Queue or Worker is made with BullMQ's `telemetry` option"
                              : found.direction === 'send'
                                ? (injected(call, project, callersOf) ??
                                  (rpc &&
                                    (clientInjects(rpc, project) ??
                                      (rpc.origin ? undefined : injectedAtBinding.get(serviceKey(rpc))))))
                                : extracted(found.handler, project, callersOf);
      if (evidence) outbound.evidence = evidence;
      const relays =
        found.direction === 'send' && RELAYED_CLIENTS.has(found.client)
          ? outboxRelays(call, scheduleOf, callersOf)
          : [];
      if (relays.length > 0)
        outbound.outboxRelays = relays.map((r) => ({ schedule: r.schedule, loc: project.location(r.at.expression) }));
      out.push(outbound);
      onCall(call);
    });
  return out;
}

/**
 * Where a message goes, when that is a dead-letter destination: a kafkajs `send`'s `topic`, an
 * amqplib `sendToQueue` queue or `publish` exchange and routing key, a BullMQ queue's name.
 */
function deadLetterDestination(
  call: ts.CallExpression | ts.NewExpression,
  client: Client,
  queue: string | undefined,
): string | undefined {
  const args = call.arguments ?? [];
  let destination: (ts.Node | string)[] = [];
  if (client === 'kafkajs') {
    const topic = args[0] && literalProperty(args[0], ['topic']);
    destination = topic ? [topic] : [];
  } else if (client === 'amqplib') destination = args.slice(0, 2);
  else if (client === 'bullmq' || client === 'bull') destination = queue !== undefined ? [queue] : [];
  const text = destination.map((d) => (typeof d === 'string' ? d : d.getText())).join(', ');
  return text && namesDeadLetters(text) ? text.replace(/\s+/g, ' ') : undefined;
}

/** The messaging clients an outbox relay publishes with. */
const RELAYED_CLIENTS = new Set<Client>(['kafkajs', 'amqplib', 'sqs', 'pubsub', 'nats', 'bullmq', 'bull']);

/** How many functions deep the callers of a producer are followed to the scripts that call them. */
const SCRIPT_HOPS = 2;

interface ProducerScripts {
  /** The script (a tooling file) a node is in. */
  scriptOf: (node: ts.Node) => string | undefined;
  callersOf: (fn: ts.SignatureDeclaration) => readonly Caller[];
  /**
   * The files importing this one that obslint did not parse (and, given a name, the parsed ones
   * that name it: their calls of it obslint could not tie to it), when all of them are scripts
   * (calls there are out of its sight); undefined when one is not.
   */
  unseenScripts: (file: ts.SourceFile, naming?: string) => string[] | undefined;
}

/**
 * The script a producer runs from: its file is tooling (`scripts/backfill.ts`), or every call of the
 * function around it is made in tooling (`src/bin/delete-user.ts` calling `queue.addJob(…)`), two
 * functions deep; a function no parsed file calls, when the files importing its module that obslint
 * did not parse are all scripts, is called by them. A script run by hand starts no request trace,
 * so the job carries none.
 */
function scriptedCall(node: ts.Node, scripts: ProducerScripts, hops = 0): string | undefined {
  const script = scripts.scriptOf(node);
  if (script) return script;
  const fn = hops < SCRIPT_HOPS ? enclosingFunction(node) : undefined;
  const unseen = fn && scripts.unseenScripts(fn.getSourceFile());
  if (!fn || !unseen) return undefined;
  const callers = scripts.callersOf(fn);
  // Called nowhere obslint can see: by the scripts that import its module (and name its class or
  // function), when only scripts do.
  if (callers.length === 0) {
    const cls = ts.isMethodDeclaration(fn) ? enclosingClassLike(fn) : undefined;
    const name = cls ? cls.name?.text : functionName(fn);
    return name === undefined ? unseen[0] : scripts.unseenScripts(fn.getSourceFile(), name)?.[0];
  }
  let first: string | undefined;
  for (const caller of callers) {
    const callerScript = scriptedCall(caller, scripts, hops + 1);
    if (!callerScript) return undefined;
    first ??= callerScript;
  }
  return first;
}

/** Whether a bare specifier is a package of the organisation: a workspace package, or one in its npm scope. */
function ownPackages(packages: PackageIndex): (specifier: string) => boolean {
  const names: string[] = [];
  const scopes = new Set<string>();
  for (const scope of packages.all()) {
    const name = scope.manifest?.name;
    if (!name || name.startsWith('(unnamed:')) continue;
    names.push(name);
    if (name.startsWith('@')) scopes.add(name.split('/')[0]);
  }
  return (specifier) =>
    names.some((n) => specifier === n || specifier.startsWith(`${n}/`)) ||
    (specifier.startsWith('@') && scopes.has(specifier.split('/')[0]));
}

/** A BullMQ call on a Queue or Worker made with the `telemetry` option: it carries (or restores) the context itself. */
function withTelemetry(call: ts.CallExpression | ts.NewExpression, project: ProjectIndex): boolean {
  const made = bullmqObject(call, project);
  return made !== undefined && madeWithTelemetry(made);
}

import { ts } from 'ts-morph';
import type { Client, TracingFacts } from '../../types.js';
import { madeWithTelemetry } from '../libraries/clients.js';
import { ACTIVATES_SPANS } from './hand-spans.js';
import { nestjsTracingStart } from '../libraries/opentelemetry-nestjs.js';
import { ddTraceClients, ddTraceSetup } from '../libraries/dd-trace.js';
import { releasedBy } from '../libraries/releases.js';
import { SENTRY_NODE_SDKS, sentryTraces } from '../libraries/sentry-sdks.js';
import { calleeName, type ProjectIndex } from '../syntax/project-index.js';
import type { DeployedTracing } from '../syntax/module-resolver.js';
import { propertyKey, propertyName, skipOuter } from '../syntax/scope.js';
import { table } from '../../util/table.js';
import { HTTP_BASED, FETCH_BASED, AUTO } from './traced-clients.js';
import { ownMonitoringPackage, ownPackageName, TRACING_SETUP_NAME } from '../libraries/monitoring-packages.js';
import { calleeModule } from './syntax-lookups.js';
import {
  SAMPLES_TRACES,
  sentryErrorsOnly,
  sentryIn,
  sentryStartedHere,
  SENTRY_MESSAGING,
  SENTRY_SDK_CLIENTS,
  sentryCoverage,
  sentryInit,
} from './sentry-setup.js';
import {
  autoInstrumentationsConfig,
  AUTO_PARTS,
  AUTO_PART_SINCE,
  ignore,
  objectProperty,
  disabled,
  outgoingSwitch,
  ignoresAllOutgoing,
  ignoredHostsOf,
  instrumentationList,
} from './instrumentation-options.js';
import { injectingAxiosInterceptor } from './trace-injection.js';

const AUTO_PACKAGE = '@opentelemetry/auto-instrumentations-node';

/** dd-trace's integrations: the above, Pub/Sub, and HTTP/2 (under Connect's gRPC transport). */
const DD_TRACE: Client[] = [...AUTO, 'pubsub', 'connect'];
/** Agents that trace with headers of their own, no W3C trace context (see `TracingFacts.legacy`). */
const LEGACY_AGENTS: { module: RegExp; what: string; headers: string }[] = [
  { module: /^@google-cloud\/trace-agent$/, what: '`@google-cloud/trace-agent`', headers: '`x-cloud-trace-context`' },
];
/** APM agents started by loading them (`require('newrelic')`, `elastic-apm-node/start`), and what they instrument. */
const AGENTS: { module: RegExp; what: string; covers: Client[] }[] = [
  { module: /^newrelic$/, what: 'newrelic', covers: [...HTTP_BASED, ...FETCH_BASED, 'grpc', 'amqplib'] },
  {
    module: /^elastic-apm-node\/start(?:\.[cm]?js)?$/,
    what: 'elastic-apm-node',
    covers: [...HTTP_BASED, ...FETCH_BASED],
  },
];
/**
 * OpenTracing set-ups: a Jaeger tracer made and registered as the global tracer. They instrument no
 * client; the code injects the context itself (`tracer.inject(span.context(), FORMAT_HTTP_HEADERS, carrier)`).
 */
const OPENTRACING_SETUPS = table<string>({
  initTracerFromEnv: 'jaeger-client',
  initTracer: 'jaeger-client',
  initGlobalTracer: 'opentracing',
});
const OPENTRACING_MODULES = new Set(['jaeger-client', 'opentracing']);

/** Instrumentations and agents, by the class or call that registers them, and the clients they cover. */
const INSTRUMENTATIONS = table<{ covers: Client[]; what: string }>({
  getNodeAutoInstrumentations: { covers: AUTO, what: AUTO_PACKAGE },
  HttpInstrumentation: { covers: HTTP_BASED, what: '@opentelemetry/instrumentation-http' },
  GrpcInstrumentation: { covers: ['grpc'], what: '@opentelemetry/instrumentation-grpc' },
  UndiciInstrumentation: { covers: FETCH_BASED, what: '@opentelemetry/instrumentation-undici' },
  KafkaJsInstrumentation: { covers: ['kafkajs'], what: '@opentelemetry/instrumentation-kafkajs' },
  AmqplibInstrumentation: { covers: ['amqplib'], what: '@opentelemetry/instrumentation-amqplib' },
  AwsInstrumentation: { covers: ['sqs'], what: '@opentelemetry/instrumentation-aws-sdk' },
  registerOTel: { covers: [...HTTP_BASED, ...FETCH_BASED], what: '@vercel/otel' },
  // Azure Monitor's OpenTelemetry distro: by default only its http instrumentation is on.
  useAzureMonitor: { covers: HTTP_BASED, what: '@azure/monitor-opentelemetry' },
  // In the browser: fetch, and XMLHttpRequest under axios and superagent (the web auto-instrumentations: both).
  FetchInstrumentation: { covers: ['fetch', 'ky'], what: '@opentelemetry/instrumentation-fetch' },
  getWebAutoInstrumentations: {
    covers: ['fetch', 'ky', 'axios', 'superagent'],
    what: '@opentelemetry/auto-instrumentations-web',
  },
  XMLHttpRequestInstrumentation: {
    covers: ['axios', 'superagent'],
    what: '@opentelemetry/instrumentation-xml-http-request',
  },
});
/** Exporters that print spans rather than send them anywhere. */
const CONSOLE_EXPORTERS = new Set(['ConsoleSpanExporter']);
/** Set-ups that choose their exporter from the environment (`OTEL_TRACES_EXPORTER`) unless given one. */
const EXPORTS_BY_ENVIRONMENT = new Set(['NodeSDK', 'registerOTel', 'useAzureMonitor', 'initTracerFromEnv']);
const EXPORTER_OPTIONS = ['traceExporter', 'spanProcessor', 'spanProcessors'];

const SETUP_RANK = [
  'NodeSDK',
  'NodeTracerProvider',
  'BasicTracerProvider',
  'WebTracerProvider',
  'registerOTel',
  'useAzureMonitor',
  'registerInstrumentations',
  'getNodeAutoInstrumentations',
  'initTracerFromEnv',
  'initTracer',
  'initGlobalTracer',
  'getTracer',
];

const FARO = '@grafana/faro-web-tracing';

/** `node -r <module>`, `--require=<module>`, `--import <module>`, quoted or not. */
export const PRELOAD = /(?:--require|--import|-r)[ =]+['"]?([^\s'"]+)/g;
/**
 * Modules whose preload starts an OpenTelemetry distribution with the Node auto-instrumentations
 * (HTTP, undici, Kafka, AMQP, AWS): the process is traced before any of its code runs.
 */
const PRELOADED_DISTRIBUTIONS = [
  '@opentelemetry/auto-instrumentations-node/register',
  '@hyperdx/node-opentelemetry',
  '@splunk/otel/instrument',
  '@elastic/opentelemetry-node',
];

interface ManifestFacts {
  /** `scripts` of the package.json, for `--require …/register` style setups. */
  scripts: string[];
  /** Declared dependencies with their ranges (for agents whose tracing depends on the major). */
  dependencies: Record<string, string>;
  /** What its deploy files start (a Dockerfile's preload, an operator's injected instrumentation). */
  deployed: DeployedTracing[];
  /** The dependencies of the packages above it (a workspace root), which it resolves when it names none itself. */
  inheritedDependencies: () => Record<string, string>;
}

/** How a NestJS tracing library's start is named: `Tracing.init`, `OpenTelemetryModule.forRoot`. */
function nestjsSetup(call: ts.CallExpression): string {
  const method = propertyName(skipOuter(call.expression));
  return method?.startsWith('forRoot') ? `OpenTelemetryModule.${method}` : 'Tracing.init';
}

/** A call that sets up tracing or an instrumentation (not one that only asks for a tracer). */
export function startsTracing(call: ts.CallExpression | ts.NewExpression, project: ProjectIndex): boolean {
  if (ts.isCallExpression(call) && (nestjsTracingStart(call) || sentryInit(call, project) !== undefined)) return true;
  const name = calleeName(skipOuter(call.expression));
  if (name === 'use') return ts.isCallExpression(call) && injectingAxiosInterceptor(call, project);
  if (name !== undefined && OPENTRACING_SETUPS[name]) return openTracingModule(call, project) !== undefined;
  return (
    name !== undefined && name !== 'getTracer' && (SETUP_RANK.includes(name) || INSTRUMENTATIONS[name] !== undefined)
  );
}

/** `jaeger-client` or `opentracing`, when the called function (or its namespace) is imported from one (`initTracer` is a common name). */
function openTracingModule(call: ts.CallExpression | ts.NewExpression, project: ProjectIndex): string | undefined {
  const module = calleeModule(call, project);
  return module && OPENTRACING_MODULES.has(module) ? module : undefined;
}

/** A set-up that only asks for a tracer: it traces its own package, not the processes that load it. */
export function apiOnly(setup: TracingFacts['setup']): boolean {
  return setup?.what === 'trace.getTracer' || setup?.what === 'opentracing.globalTracer';
}

/** What a monitoring package's set-up is called (`initLogger`, `initializeTracing`, `setupTracing`, `startTelemetry`). */
const SETUP_CALL = /^(?:init(?:iali[sz]e)?|setup|start|configure|register|instrument|bootstrap)(?:[A-Z_]|$)/;

/** A monitoring package for the browser, by its name. */
const BROWSER_SDK = /(?:^|[-/])(?:react|browser|web|angular|vue|rum)(?:[-/]|$)/;

/** The module of a call of a set-up function from a monitoring package obslint does not read. */
function unreadSetupModule(call: ts.CallExpression | ts.NewExpression, project: ProjectIndex): string | undefined {
  if (!ts.isCallExpression(call)) return undefined;
  const name = calleeName(skipOuter(call.expression));
  const module = name !== undefined && SETUP_CALL.test(name) ? calleeModule(call, project) : undefined;
  if (
    module === undefined ||
    // A company's application kit (`@diia-inhouse/diia-app`) whose set-up says it traces (`initTracing`).
    !(ownMonitoringPackage(module) || (TRACING_SETUP_NAME.test(name!) && ownPackageName(module) !== undefined)) ||
    PRELOADED_DISTRIBUTIONS.some((known) => known.startsWith(module))
  )
    return undefined;
  return project.resolvedPath(module, call.getSourceFile().fileName) === undefined ? module : undefined;
}

/** A module whose name says it sets up tracing (`./ee/otel.js`, `./tracing`, `../instrumentation`). */
const TRACING_MODULE =
  /(?:^|[/._-])(?:otel|opentelemetry|tracing|tracer|telemetry|instrumentation)(?:[._-](?:setup|init|config|node|server))?$/i;

/**
 * A module of the project's own, named for tracing, that the package loads but obslint cannot read
 * (`await import('./ee/otel.js')` of a file the repository leaves out, a licensed edition's): the
 * specifier, where it is loaded.
 */
function missingTracingModule(
  calls: readonly (ts.CallExpression | ts.NewExpression)[],
  files: readonly ts.SourceFile[],
  project: ProjectIndex,
): ts.StringLiteralLike | undefined {
  const unreadable = (specifier: ts.Expression | undefined, from: ts.SourceFile): specifier is ts.StringLiteralLike =>
    specifier !== undefined &&
    ts.isStringLiteralLike(specifier) &&
    specifier.text.startsWith('.') &&
    TRACING_MODULE.test(specifier.text.replace(/\.[cm]?[jt]sx?$/, '')) &&
    project.resolvedPath(specifier.text, from.fileName) === undefined;
  for (const call of calls) {
    const loads =
      ts.isCallExpression(call) &&
      (call.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(call.expression) && call.expression.text === 'require'));
    if (loads && unreadable(call.arguments[0], call.getSourceFile())) return call.arguments[0];
  }
  // `import './tracing'`: loaded for what it does, not for a binding (a type, a constant).
  for (const file of files)
    for (const statement of file.statements)
      if (ts.isImportDeclaration(statement) && !statement.importClause && unreadable(statement.moduleSpecifier, file))
        return statement.moduleSpecifier;
  return undefined;
}

/** Whether a package sets up tracing, and which clients its instrumentation covers. */
export function tracingFacts(
  calls: (ts.CallExpression | ts.NewExpression)[],
  files: readonly ts.SourceFile[],
  project: ProjectIndex,
  manifests: ManifestFacts,
): TracingFacts {
  const facts: TracingFacts = { instrumented: {}, ignoredHosts: [] };
  let legacyAgent: TracingFacts['legacy'];
  const bullmqObjects: ts.NewExpression[] = [];
  let setupRank = -1;
  // Where spans go: a console exporter, any other exporter, or an SDK that picks its exporter from
  // the environment (OTLP unless told otherwise).
  let consoleExporter: ts.NewExpression | undefined;
  let elsewhere = false;
  const cover = (clients: Client[], what: string): void => {
    for (const c of clients) facts.instrumented[c] ??= what;
  };
  // dd-trace instruments every client it has a plugin for, but those its set-up switches off.
  let ddTrace: ReturnType<typeof ddTraceSetup> | undefined;
  const coverDdTrace = (what: string, at?: ts.Node): void => {
    const release = ddTraceClients(DD_TRACE, manifests.dependencies);
    ddTrace ??= ddTraceSetup(files, release.clients);
    const setupAt = ddTrace.init ?? at;
    facts.setup ??= setupAt ? { what: 'dd-trace', loc: project.location(setupAt) } : { what: 'dd-trace' };
    for (const [client, { what: plugin, call }] of ddTrace.off)
      (facts.pluginsOff ??= {})[client] ??= { what: `dd-trace's ${plugin}`, loc: project.location(call) };
    cover(
      release.clients.filter((client) => !ddTrace!.off.has(client)),
      what,
    );
    for (const [client, since] of Object.entries(release.upgrade) as [Client, string][])
      if (!facts.instrumented[client]) (facts.upgrade ??= {})[client] ??= since;
  };
  // A release of the auto-instrumentations the package declares (its lockfile's, where there is
  // one) older than the one that added a part; one it does not declare is not assumed old, nor one
  // a manifest above it declares newer (the root's install may be the one that runs).
  const olderAuto = (since: string): boolean => {
    const ranges = [manifests.dependencies[AUTO_PACKAGE], manifests.inheritedDependencies()[AUTO_PACKAGE]].filter(
      (range): range is string => range !== undefined,
    );
    return ranges.length > 0 && ranges.every((range) => /\d/.test(range) && !releasedBy(range, since));
  };
  // `new NodeSDK({ instrumentations: [new WinstonInstrumentation()] })`, `registerInstrumentations({
  // instrumentations: [] })`: the instrumentations chosen by hand.
  let listed: { names: string[]; at: ts.Node } | undefined;
  for (const call of calls) {
    // `Tracing.init(config)` of opentelemetry-nestjs: a NodeSDK, started by the library.
    const nestjs = ts.isCallExpression(call) ? nestjsTracingStart(call) : undefined;
    const name = nestjs ? 'NodeSDK' : calleeName(skipOuter(call.expression));
    if (!name) continue;
    const openTracing =
      OPENTRACING_SETUPS[name] || name === 'globalTracer' ? openTracingModule(call, project) : undefined;
    if ((OPENTRACING_SETUPS[name] || name === 'globalTracer') && !openTracing) continue;
    // The setup named in messages: an SDK or provider before an instrumentation list before a tracer.
    const rank = SETUP_RANK.indexOf(name === 'globalTracer' ? 'getTracer' : name);
    if (rank >= 0 && (setupRank < 0 || rank < setupRank)) {
      setupRank = rank;
      const loc = project.location(call);
      facts.setup = openTracing
        ? {
            what: name === 'globalTracer' ? 'opentracing.globalTracer' : OPENTRACING_SETUPS[name],
            loc,
            api: 'opentracing',
          }
        : {
            what: nestjs ? nestjsSetup(call as ts.CallExpression) : name === 'getTracer' ? 'trace.getTracer' : name,
            loc,
          };
    }
    if (nestjs === 'auto') cover(AUTO, `${nestjsSetup(call as ts.CallExpression)} (its default instrumentations)`);
    if ((name === 'NodeSDK' && !nestjs) || name === 'registerInstrumentations') listed ??= instrumentationList(call);
    if (name === 'WebTracerProvider') facts.web = true;
    const instrumentation = INSTRUMENTATIONS[name];
    const options = call.arguments?.[0] && skipOuter(call.arguments[0]);
    const optionsLiteral = options && ts.isObjectLiteralExpression(options) ? options : undefined;
    if (ts.isNewExpression(call) && CONSOLE_EXPORTERS.has(name)) consoleExporter ??= call;
    else if (ts.isNewExpression(call) && /(?:Span|Trace)Exporter$/.test(name)) elsewhere = true;
    else if (
      EXPORTS_BY_ENVIRONMENT.has(name) &&
      !(
        optionsLiteral &&
        optionsLiteral.properties.some(
          (p) => p.name !== undefined && EXPORTER_OPTIONS.includes(propertyKey(p.name) ?? ''),
        )
      )
    )
      elsewhere = true;
    // A tracing wrapper (a company's `new Tracing({ autoInstrumentationsConfigMap: {…} })`) handed
    // the auto-instrumentations' config map starts them with it, as `getNodeAutoInstrumentations` would.
    const configMap = !instrumentation && optionsLiteral ? autoInstrumentationsConfig(optionsLiteral) : undefined;
    const autoRank = SETUP_RANK.indexOf('getNodeAutoInstrumentations');
    if (configMap && (setupRank < 0 || autoRank < setupRank)) {
      setupRank = autoRank;
      facts.setup = { what: name, loc: project.location(call) };
    }
    if (name === 'getNodeAutoInstrumentations' || configMap) {
      const autoConfig = configMap ?? optionsLiteral;
      // `{ '@opentelemetry/instrumentation-undici': { enabled: false } }` switches one part off.
      for (const [module, clients] of Object.entries(AUTO_PARTS)) {
        const part = autoConfig && objectProperty(autoConfig, module);
        if (part && module.endsWith('-http') && ignoresAllOutgoing(part))
          facts.outgoingOff ??= { what: `\`${module}\` ${outgoingSwitch(part)}`, loc: project.location(part) };
        if (part && (disabled(part) || (module.endsWith('-http') && ignoresAllOutgoing(part)))) continue;
        const since = AUTO_PART_SINCE[module];
        if (since && olderAuto(since)) {
          for (const client of clients) (facts.upgrade ??= {})[client] ??= `${AUTO_PACKAGE} ${since}`;
          continue;
        }
        cover(clients, INSTRUMENTATIONS.getNodeAutoInstrumentations.what);
        if (part) ignore(facts, ignoredHostsOf(part), clients);
      }
    } else if (instrumentation) {
      if (optionsLiteral && name === 'HttpInstrumentation' && ignoresAllOutgoing(optionsLiteral))
        facts.outgoingOff ??= {
          what: `\`HttpInstrumentation\` ${outgoingSwitch(optionsLiteral)}`,
          loc: project.location(call),
        };
      if (
        optionsLiteral &&
        (disabled(optionsLiteral) || (name === 'HttpInstrumentation' && ignoresAllOutgoing(optionsLiteral)))
      )
        continue;
      const covers = name === 'registerOTel' ? vercelOtelCovers(optionsLiteral) : instrumentation.covers;
      cover(covers, instrumentation.what);
      if (optionsLiteral) ignore(facts, ignoredHostsOf(optionsLiteral), covers);
    }
    // `axios.interceptors.request.use(inject)` on the default instance, wherever it is registered (a
    // shared SDK's set-up): every default-axios call of the process carries the context it injects.
    if (name === 'use' && ts.isCallExpression(call) && injectingAxiosInterceptor(call, project))
      cover(['axios'], 'an axios request interceptor that injects trace context');
    // `new PubSub({ enableOpenTelemetryTracing: true })`.
    if (ts.isNewExpression(call) && name === 'PubSub') {
      const options = [...(call.arguments ?? [])].map(skipOuter).find(ts.isObjectLiteralExpression);
      const keys = options?.properties.map((p) => (p.name ? propertyKey(p.name) : undefined)) ?? [];
      if (keys.includes('enableOpenTelemetryTracing')) cover(['pubsub'], 'enableOpenTelemetryTracing');
    }
    // BullMQ's `{ telemetry: … }` instruments the Queue or Worker made with it: the package's every
    // job when all of them are (else each call made on one, see `outboundCalls`).
    if (ts.isNewExpression(call) && (name === 'Queue' || name === 'Worker')) bullmqObjects.push(call);
  }
  if (bullmqObjects.length > 0 && bullmqObjects.every(madeWithTelemetry)) cover(['bullmq'], 'BullMQ telemetry');
  for (const file of files) {
    for (const statement of file.statements) {
      const module =
        ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)
          ? statement.moduleSpecifier.text
          : undefined;
      if (module === 'dd-trace' || module === 'dd-trace/init') {
        coverDdTrace('dd-trace', statement);
      }
    }
    if (/require\(\s*['"]dd-trace(\/init)?['"]\s*\)/.test(file.text)) {
      coverDdTrace('dd-trace');
    }
    for (const agent of AGENTS) {
      if (!loadsAgent(file, agent.module)) continue;
      cover(agent.covers, agent.what);
      facts.setup ??= { what: agent.what };
    }
    for (const agent of LEGACY_AGENTS)
      if (loadsAgent(file, agent.module)) legacyAgent ??= { what: agent.what, headers: agent.headers };
  }
  const preloaded = (module: string, from: string): void => {
    const distribution = PRELOADED_DISTRIBUTIONS.find((d) => module.startsWith(d));
    if (distribution) {
      cover(AUTO, `--require ${distribution} (${from})`);
      facts.setup ??= { what: distribution.replace(/^@opentelemetry\//, '') };
    }
    if (/^dd-trace\/init/.test(module)) {
      coverDdTrace(`dd-trace/init (${from})`);
    }
    for (const agent of AGENTS) {
      if (!agent.module.test(module)) continue;
      cover(agent.covers, `--require ${module} (${from})`);
      facts.setup ??= { what: agent.what };
    }
  };
  for (const script of manifests.scripts)
    for (const preload of script.matchAll(PRELOAD)) preloaded(preload[1], 'package.json');
  // A Dockerfile's `NODE_OPTIONS`, an operator or platform that injects the Node auto-instrumentations
  // into the pod: the process is traced before any of its code runs, however the code looks.
  for (const deployed of manifests.deployed) {
    if ('preload' in deployed) preloaded(deployed.preload, deployed.file);
    else {
      cover(AUTO, `${deployed.injected} (${deployed.file})`);
      facts.setup ??= { what: deployed.injected };
    }
  }
  // A tracer provider made and registered by hand, with no instrumentation registered anywhere: as
  // an empty list, it traces no request or message.
  const provider = calls.find((call) => PROVIDERS.has(calleeName(skipOuter(call.expression)) ?? ''));
  // (Spans printed and nowhere else are said below, whatever is instrumented.)
  if (
    !listed &&
    provider &&
    !(consoleExporter && !elsewhere) &&
    Object.keys(facts.instrumented).length === 0 &&
    !registersInstrumentation(calls)
  )
    listed = { names: [], at: provider };
  // A list of instrumentations none of which traces a request or a message (only the logger's, to
  // stamp trace ids on log lines): the service traces its own work, not its requests, by that choice.
  // With no instrumentation at all, spans made active by hand (`startActiveSpan`) are a trace that
  // outbound calls made inside them continue only if they carry it: those calls are still checked,
  // the others have no trace to carry.
  const byHand = listed?.names.length === 0 && files.some((file) => ACTIVATES_SPANS.test(file.text));
  if (listed && !HTTP_BASED.some((client) => facts.instrumented[client]) && !facts.outgoingOff) {
    const what =
      listed.names.length > 0
        ? `its \`instrumentations\` list (${listed.names.join(', ')}) traces no request or message`
        : listed.at === provider
          ? `its \`${calleeName(skipOuter(provider.expression))}\` registers no instrumentation: it traces no request or message`
          : ts.isArrayLiteralExpression(listed.at)
            ? 'its `instrumentations` list is empty: it traces no request or message'
            : 'its NodeSDK is given no `instrumentations` and registers none by default: it traces no request or message';
    if (byHand)
      facts.handSpansOnly = {
        what:
          listed.at === provider
            ? `its \`${calleeName(skipOuter(provider.expression))}\` is given none`
            : ts.isArrayLiteralExpression(listed.at)
              ? 'its `instrumentations` list is empty'
              : 'its NodeSDK is given no `instrumentations`',
        loc: project.location(listed.at),
      };
    else facts.outgoingOff = { what, loc: project.location(listed.at) };
  }
  // Spans printed and nowhere else: tracing to debug one process, no distributed trace to break.
  if (facts.setup && !facts.setup.api && consoleExporter && !elsewhere)
    facts.consoleOnly = {
      what: calleeName(skipOuter(consoleExporter.expression)) ?? 'ConsoleSpanExporter',
      loc: project.location(consoleExporter),
    };
  if (manifests.dependencies['@opentelemetry/sdk-trace-web'] !== undefined) facts.web = true;
  // Grafana Faro's TracingInstrumentation (or a subclass of it) runs OpenTelemetry's fetch and
  // XMLHttpRequest instrumentations in the page, with trace headers to its own origin.
  if (manifests.dependencies[FARO] !== undefined) {
    facts.web = true;
    facts.webInstrumented = { fetch: FARO, ky: FARO, axios: FARO, superagent: FARO };
  }
  // An application whose own manifest names no SDK but whose code starts one the repository's root
  // installs (an Nx workspace's `apps/api/src/instrument.ts` calling `Sentry.init`).
  const sentry = sentryIn(manifests.dependencies) ?? sentryStartedHere(calls, project, manifests.inheritedDependencies);
  // `Sentry.init({ skipOpenTelemetrySetup: true })`, `({ tracesSampleRate: 0 })` or `({ dsn })` captures errors only.
  if (sentry && !sentryErrorsOnly(files, calls, project)) {
    cover([...HTTP_BASED, ...FETCH_BASED, ...(SENTRY_SDK_CLIENTS[sentry] ?? [])], sentryCoverage(sentry));
    const range = manifests.dependencies[sentry] ?? manifests.inheritedDependencies()[sentry];
    for (const [client, since] of SENTRY_MESSAGING)
      if (releasedBy(range, since)) cover([client], sentryCoverage(sentry));
      else (facts.upgrade ??= {})[client] ??= `${sentry} ${since}`;
    facts.setup ??= { what: sentry };
  }
  // Sentry 7 samples traces of its own (`Sentry.init({ tracesSampleRate })`): no W3C context leaves them.
  const legacy = SENTRY_NODE_SDKS.find((sdk) => {
    const range = manifests.dependencies[sdk];
    return range !== undefined && !sentryTraces(range);
  });
  if (
    !facts.setup &&
    legacy &&
    calls.some((call) => ts.isCallExpression(call) && sentryInit(call, project) !== undefined) &&
    files.some((file) => SAMPLES_TRACES.test(file.text))
  )
    facts.legacy = { what: `\`${legacy}\` ${manifests.dependencies[legacy]}` };
  if (!facts.setup && legacyAgent) facts.legacy ??= legacyAgent;
  // (A tracer asked for by the code, `trace.getTracer`, is no set-up of the process's.)
  if ((!facts.setup || apiOnly(facts.setup)) && !facts.legacy) {
    const unreadSetups = calls
      .map((call) => ({ call, module: unreadSetupModule(call, project) }))
      .filter(({ module }) => module !== undefined);
    // A server's set-up before a browser one of the same company (`@acme/o11y-sdk-react`'s hook).
    const unread = unreadSetups.find(({ module }) => !BROWSER_SDK.test(module!)) ?? unreadSetups[0];
    const missing = unread ? undefined : missingTracingModule(calls, files, project);
    if (unread)
      facts.unreadSetup = {
        what: `\`${calleeName(skipOuter(unread.call.expression))}\` of \`${unread.module}\``,
        loc: project.location(unread.call),
      };
    else if (missing) facts.unreadSetup = { what: `\`${missing.text}\``, loc: project.location(missing) };
  }
  facts.ignoredHosts.sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
  return facts;
}

/**
 * A file that starts an agent by loading it: `import 'newrelic'`, `require('elastic-apm-node/start')`,
 * or `require('elastic-apm-node').start()` (Elastic's agent starts only when told to).
 */
function loadsAgent(file: ts.SourceFile, module: RegExp): boolean {
  for (const statement of file.statements) {
    const specifier =
      ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)
        ? statement.moduleSpecifier.text
        : undefined;
    if (specifier && module.test(specifier)) return true;
  }
  const required = [...file.text.matchAll(/require\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]);
  if (required.some((r) => module.test(r))) return true;
  // `apm.start()` on the agent imported as a whole.
  return (
    module.test('elastic-apm-node/start') &&
    /['"]elastic-apm-node['"]/.test(file.text) &&
    /\.start\s*\(/.test(file.text)
  );
}

/**
 * What `registerOTel(…)` of `@vercel/otel` instruments itself: its `fetch` instrumentation by
 * default; given an `instrumentations` list, only what the list names (`'fetch'`, `'auto'`); the
 * instrumentation objects in the list (`new HttpInstrumentation()`) count where they are made.
 */
function vercelOtelCovers(options: ts.ObjectLiteralExpression | undefined): Client[] {
  const defaults = INSTRUMENTATIONS.registerOTel.covers;
  const property = options?.properties.find(
    (p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && propertyKey(p.name) === 'instrumentations',
  );
  const list = property && skipOuter(property.initializer);
  if (!list || !ts.isArrayLiteralExpression(list)) return defaults;
  const named = list.elements.flatMap((e) => (ts.isStringLiteralLike(e) ? [e.text] : []));
  if (named.includes('auto')) return defaults;
  return named.includes('fetch') ? FETCH_BASED : [];
}

/** Tracer providers a set-up makes and registers itself, instrumenting nothing unless told to. */
const PROVIDERS = new Set(['NodeTracerProvider', 'BasicTracerProvider']);

/** Whether a package's calls register an instrumentation anywhere (`registerInstrumentations`, a NodeSDK, an instrumentation made). */
function registersInstrumentation(calls: readonly (ts.CallExpression | ts.NewExpression)[]): boolean {
  return calls.some((call) => {
    const name = calleeName(skipOuter(call.expression)) ?? '';
    return (
      name === 'registerInstrumentations' ||
      name === 'NodeSDK' ||
      name === 'getNodeAutoInstrumentations' ||
      INSTRUMENTATIONS[name] !== undefined ||
      /Instrumentation$/.test(name)
    );
  });
}

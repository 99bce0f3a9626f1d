import { ts } from 'ts-morph';
import type { Client, TracingFacts } from '../../types.js';
import { SENTRY_NODE_SDKS, sentryTraces } from '../libraries/sentry-sdks.js';
import { calleeName, type ProjectIndex } from '../syntax/project-index.js';
import { skipOuter } from '../syntax/scope.js';
import { moduleOfCallee } from './syntax-lookups.js';

const SKIPS_SENTRY_TRACING = /\bskipOpenTelemetrySetup\s*:\s*true\b/;
/** An import of Sentry's SDK for a browser framework. */
const BROWSER_SENTRY = /['"]@sentry\/(?:browser|vue|react|angular|svelte|solid|ember|gatsby)['"]/;
/** `tracesSampleRate: 0` (`0.0`): no trace is ever sampled, so none is carried. */
const SAMPLES_NO_TRACE = /\btracesSampleRate\s*:\s*0(?:\.0*)?\s*(?:[,}\n]|\/[/*]|$)/;
/**
 * A sample rate or sampler that may sample a trace: anything but a literal zero (a variable, `{
 * tracesSampleRate }`), `enableTracing: true`, or the environment variable the SDK reads the rate from.
 */
export const SAMPLES_TRACES =
  /\btracesSampleRate\s*(?::(?!\s*0(?:\.0*)?\s*(?:[,}\n]|\/[/*]|$))|[,}\n]|\/[/*])|\btracesSampler\b|\benableTracing\s*:\s*true\b|\bSENTRY_TRACES_SAMPLE_RATE\b/;

/**
 * Whether a package's Sentry set-up captures errors only: no OpenTelemetry set-up, or no trace ever
 * sampled (a rate of zero, or an `init` whose options, all written there, set no rate or sampler:
 * Sentry then records no span and its integrations for messaging clients stay off).
 */
export function sentryErrorsOnly(
  files: Iterable<ts.SourceFile>,
  calls: readonly (ts.CallExpression | ts.NewExpression)[] = [],
  project?: ProjectIndex,
): boolean {
  let zeroRate = false;
  let samples = false;
  for (const file of files) {
    if (SKIPS_SENTRY_TRACING.test(file.text)) return true;
    // A browser SDK's rate samples the page's traces, not the server's.
    samples ||= SAMPLES_TRACES.test(file.text) && !BROWSER_SENTRY.test(file.text);
    zeroRate ||= SAMPLES_NO_TRACE.test(file.text);
  }
  if (samples) return false;
  return zeroRate || (project !== undefined && calls.some((call) => initWithoutRate(call, project)));
}

/** `Sentry.init({ dsn, environment })`: options written out in place, none of them a spread. */
function initWithoutRate(call: ts.CallExpression | ts.NewExpression, project: ProjectIndex): boolean {
  if (!ts.isCallExpression(call) || sentryInit(call, project) === undefined) return false;
  const options = call.arguments[0] && skipOuter(call.arguments[0]);
  return (
    options !== undefined &&
    ts.isObjectLiteralExpression(options) &&
    options.properties.every((p) => !ts.isSpreadAssignment(p))
  );
}

/** The Sentry server SDK whose tracing a package's dependencies start (major 8 on), if any. */
export function sentryIn(dependencies: Readonly<Record<string, string>>): string | undefined {
  return SENTRY_NODE_SDKS.find((sdk) => sentryTraces(dependencies[sdk]));
}

/** The Sentry server SDK a package's own `Sentry.init` call starts, installed (a tracing major) by a package above it. */
export function sentryStartedHere(
  calls: readonly (ts.CallExpression | ts.NewExpression)[],
  project: ProjectIndex,
  inherited: () => Readonly<Record<string, string>>,
): string | undefined {
  for (const call of calls) {
    const sdk = ts.isCallExpression(call) ? sentryInit(call, project) : undefined;
    if (sdk && sentryTraces(inherited()[sdk])) return sdk;
  }
  return undefined;
}

/**
 * The messaging clients Sentry's Node SDK instruments by default once it traces (its kafkajs and
 * amqplib integrations, OpenTelemetry's instrumentations underneath), from the release that added each.
 */
export const SENTRY_MESSAGING: readonly (readonly [Client, string])[] = [
  ['kafkajs', '8.30.0'],
  ['amqplib', '8.32.0'],
];

/**
 * The clients a Sentry SDK instruments beside its Node SDK's: `@sentry/aws-serverless`'s default
 * integrations add `awsIntegration()` (OpenTelemetry's AWS SDK instrumentation, which carries the
 * context in SQS message attributes).
 */
export const SENTRY_SDK_CLIENTS: Readonly<Record<string, readonly Client[]>> = {
  '@sentry/aws-serverless': ['sqs'],
};

/** What a Sentry SDK's coverage is named by in `TracingFacts.instrumented`. */
export function sentryCoverage(sdk: string): string {
  return `${sdk} 8+`;
}

const SENTRY_COVERAGE = new Set(SENTRY_NODE_SDKS.map(sentryCoverage));

/** A related package's tracing without what a Sentry SDK would instrument. */
export function withoutSentry(facts: TracingFacts): TracingFacts {
  const instrumented = Object.fromEntries(
    Object.entries(facts.instrumented).filter(([, what]) => !SENTRY_COVERAGE.has(what)),
  );
  const kept: TracingFacts = { ...facts, instrumented };
  if (kept.setup && SENTRY_NODE_SDKS.includes(kept.setup.what)) delete kept.setup;
  return kept;
}

/**
 * The SDK of a `Sentry.init(…)` call of a Sentry server SDK (`import * as Sentry from '@sentry/nestjs'`,
 * or `init` imported by name): what its package's dependency on the SDK traces starts there, in the
 * processes that run it (`initializeSentry('backend')` of a shared library, called by a service
 * whose own manifest names no SDK).
 */
export function sentryInit(call: ts.CallExpression, project: ProjectIndex): string | undefined {
  const callee = skipOuter(call.expression);
  if (calleeName(callee) !== 'init') return undefined;
  // `Sentry.AWSLambda.init(…)`, `Sentry.GCPFunction.init(…)` of the serverless SDK up to major 7.
  const holder = ts.isPropertyAccessExpression(callee) ? skipOuter(callee.expression) : undefined;
  const platform =
    holder && ts.isPropertyAccessExpression(holder) && SERVERLESS_PLATFORMS.has(holder.name.text) ? holder : undefined;
  const module = moduleOfCallee(platform ?? callee, project);
  return module !== undefined && SENTRY_NODE_SDKS.includes(module) ? module : undefined;
}

const SERVERLESS_PLATFORMS = new Set(['AWSLambda', 'GCPFunction']);

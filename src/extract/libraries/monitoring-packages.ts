/**
 * A package that says it monitors or traces (`@snapshot-labs/snapshot-sentry`, `@acme/otel-setup`,
 * `@ogcio/o11y-sdk-node`).
 */
export const MONITORING_PACKAGE =
  /sentry|opentelemetry|otel|tracing|tracer|telemetry|\bapm\b|datadog|newrelic|honeycomb|instana|observability|o11y/i;

/** The SDKs obslint reads by what they are, and the vendors' own internal packages. */
const KNOWN_SDK = /^@(?:sentry|sentry-internal|opentelemetry)\/|^dd-trace$/;

/**
 * A company's own monitoring package (a set-up around an SDK, whose code obslint may not read), by
 * its package name (`h3/tracing` is a framework's module): not a module of the project (`./tracing`,
 * `#internal`), not an SDK obslint knows, not a bundler's placeholder.
 */
export function ownMonitoringPackage(specifier: string): boolean {
  const name = ownPackageName(specifier);
  return name !== undefined && MONITORING_PACKAGE.test(name);
}

/** A package's name from its specifier (`@acme/kit/tracing` → `@acme/kit`), unless it is an SDK obslint reads or no package. */
export function ownPackageName(specifier: string): string | undefined {
  if (!/^(?:@[\w.-]+\/)?[\w.-]+/.test(specifier) || /^(?:npm|node|virtual):|^__/.test(specifier)) return undefined;
  const name = (specifier.startsWith('@') ? specifier.split('/').slice(0, 2) : specifier.split('/').slice(0, 1)).join(
    '/',
  );
  return KNOWN_SDK.test(name) ? undefined : name;
}

const TRACING_SETUP =
  '(?:init(?:iali[sz]e)?|setup|start|configure|register|bootstrap)(?:Tracing|Tracer|Telemetry|OpenTelemetry|Otel|Apm)';

/** A set-up whose own name says it traces (`initTracing`, `setupTelemetry`), whatever package it comes from. */
export const TRACING_SETUP_NAME = new RegExp(`^${TRACING_SETUP}$`, 'i');

/** A call of such a set-up in a file's text (`initTracing(serviceName)`). */
export const TRACING_SETUP_CALLED = new RegExp(`\\b${TRACING_SETUP}\\s*\\(`, 'i');

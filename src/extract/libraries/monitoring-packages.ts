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
  if (!/^(?:@[\w.-]+\/)?[\w.-]+/.test(specifier) || /^(?:npm|node|virtual):|^__/.test(specifier)) return false;
  const name = (specifier.startsWith('@') ? specifier.split('/').slice(0, 2) : specifier.split('/').slice(0, 1)).join(
    '/',
  );
  return MONITORING_PACKAGE.test(name) && !KNOWN_SDK.test(name);
}

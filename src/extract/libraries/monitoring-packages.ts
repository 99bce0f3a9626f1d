/**
 * A package that says it monitors or traces (`@snapshot-labs/snapshot-sentry`, `@acme/otel-setup`,
 * `@ogcio/o11y-sdk-node`).
 */
export const MONITORING_PACKAGE =
  /sentry|opentelemetry|otel|tracing|tracer|telemetry|\bapm\b|datadog|newrelic|honeycomb|instana|observability|o11y/i;

/** The SDKs obslint reads by what they are. */
const KNOWN_SDK = /^@(?:sentry|opentelemetry)\/|^dd-trace(?:\/|$)/;

/**
 * A company's own monitoring package (a set-up around an SDK, whose code obslint may not read): not a
 * module of the project (`./tracing`), not an SDK obslint knows.
 */
export function ownMonitoringPackage(specifier: string): boolean {
  return !/^[./]/.test(specifier) && MONITORING_PACKAGE.test(specifier) && !KNOWN_SDK.test(specifier);
}

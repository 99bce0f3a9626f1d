/** Sentry's server SDKs: each is `@sentry/node` underneath, whose `init()` instruments http and fetch from major 8 on. */
export const SENTRY_NODE_SDKS = [
  '@sentry/node',
  '@sentry/nestjs',
  '@sentry/nextjs',
  '@sentry/remix',
  '@sentry/sveltekit',
  '@sentry/astro',
  '@sentry/nuxt',
  '@sentry/bun',
  '@sentry/aws-serverless',
  '@sentry/google-cloud-serverless',
  // Their name up to major 7 (`Sentry.AWSLambda.init`, `Sentry.GCPFunction.init`).
  '@sentry/serverless',
];

/**
 * Whether a Sentry dependency's range is major 8 or later: a range without a version (`latest`,
 * `workspace:*`, a catalog) counts as current.
 */
export function sentryTraces(range: string | undefined): boolean {
  if (range === undefined) return false;
  const major = /\d+/.exec(range.replace(/^(file|link|portal):.*$/, ''))?.[0];
  return major === undefined || Number(major) >= 8;
}

/** Whether a package's dependencies name a Sentry server SDK below major 8, which traces with headers of its own. */
export function dependsOnSentry7(dependencies: Readonly<Record<string, string>>): boolean {
  return SENTRY_NODE_SDKS.some((sdk) => dependencies[sdk] !== undefined && !sentryTraces(dependencies[sdk]));
}

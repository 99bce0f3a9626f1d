import { escapeRegExp } from '../../util/regexp.js';

/**
 * Metrics libraries obslint knows of but does not read: a project that records through one gets a
 * note saying so, rather than a clean report that looks like a project without metrics. (Apart from
 * unsupported.ts so that the prefilter, on every run's path, does not load TypeScript.)
 */
export const UNSUPPORTED_METRICS: Readonly<Record<string, string>> = {
  'datadog-lambda-js': "Datadog's Lambda metrics",
};

/** `from 'datadog-lambda-js'`, `require("datadog-lambda-js")`: an import of one of them, for the prefilter. */
export const UNSUPPORTED_METRICS_IMPORT = new RegExp(
  `(?:from\\s+|require\\s*\\(\\s*)['"](?:${Object.keys(UNSUPPORTED_METRICS).map(escapeRegExp).join('|')})['"]`,
);

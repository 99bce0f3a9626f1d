import { ts } from 'ts-morph';
import { requiredModule } from '../syntax/scope.js';

/**
 * Metrics libraries obslint knows of but does not read: a project that records through one gets a
 * note saying so, rather than a clean report that looks like a project without metrics.
 */
const UNSUPPORTED_METRICS: Readonly<Record<string, string>> = {
  'datadog-lambda-js': "Datadog's Lambda metrics",
};

/** `from 'datadog-lambda-js'`, `require("datadog-lambda-js")`: an import of one of them, for the prefilter. */
export const UNSUPPORTED_METRICS_IMPORT = new RegExp(
  `(?:from\\s+|require\\s*\\(\\s*)['"](?:${Object.keys(UNSUPPORTED_METRICS)
    .map((m) => m.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('|')})['"]`,
);

/** The unsupported metrics library a node imports or requires (`import … from 'datadog-lambda-js'`), if any. */
export function unsupportedMetricsImport(node: ts.Node): { module: string; what: string } | undefined {
  const module =
    ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)
      ? node.moduleSpecifier.text
      : ts.isCallExpression(node)
        ? requiredModule(node)
        : undefined;
  return module !== undefined && Object.hasOwn(UNSUPPORTED_METRICS, module)
    ? { module, what: UNSUPPORTED_METRICS[module] }
    : undefined;
}

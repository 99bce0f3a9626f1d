import { ts } from 'ts-morph';
import { requiredModule } from '../syntax/scope.js';

/**
 * Metrics libraries obslint knows of but does not read: a project that records through one gets a
 * note saying so, rather than a clean report that looks like a project without metrics.
 */
const UNSUPPORTED_METRICS: Readonly<Record<string, string>> = {
  'aws-embedded-metrics': "CloudWatch's embedded metric format",
  '@aws-lambda-powertools/metrics': "CloudWatch's embedded metric format (Powertools for AWS Lambda)",
};

/** The unsupported metrics library a node imports or requires (`import … from 'aws-embedded-metrics'`), if any. */
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

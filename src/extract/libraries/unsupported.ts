import { ts } from 'ts-morph';
import { requiredModule } from '../syntax/scope.js';
import { UNSUPPORTED_METRICS } from './unsupported-modules.js';

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

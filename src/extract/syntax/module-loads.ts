import { ts } from 'ts-morph';
import { requiredModule, skipOuter } from './scope.js';

/** What a top-level statement loads: an import or re-export (not of types only), or a `require`. */
export function loadedSpecifiers(statement: ts.Statement): string[] {
  if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier))
    return statement.importClause?.phaseModifier === ts.SyntaxKind.TypeKeyword ? [] : [statement.moduleSpecifier.text];
  if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier))
    return statement.isTypeOnly ? [] : [statement.moduleSpecifier.text];
  const calls = ts.isExpressionStatement(statement)
    ? [statement.expression]
    : ts.isVariableStatement(statement)
      ? statement.declarationList.declarations.flatMap((d) => (d.initializer ? [skipOuter(d.initializer)] : []))
      : [];
  return calls.flatMap((call) => {
    const required = ts.isCallExpression(call) ? requiredModule(call) : undefined;
    return required === undefined ? [] : [required];
  });
}

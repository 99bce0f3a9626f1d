import { ts } from 'ts-morph';
import { moduleOf } from '../libraries/clients.js';
import type { ProjectIndex } from '../syntax/project-index.js';
import { fieldHolders, skipOuter } from '../syntax/scope.js';

/** The package a called function, or the namespace it is called on (`Sentry.init`), is imported from. */
export function calleeModule(call: ts.CallExpression | ts.NewExpression, project: ProjectIndex): string | undefined {
  return moduleOfCallee(call.expression, project);
}

/** The package a function expression (`init`, `Sentry.init`, `Sentry.AWSLambda`) is imported from, by its root name. */
export function moduleOfCallee(expr: ts.Expression, project: ProjectIndex): string | undefined {
  const callee = skipOuter(expr);
  const id = ts.isIdentifier(callee)
    ? callee
    : ts.isPropertyAccessExpression(callee) && ts.isIdentifier(skipOuter(callee.expression))
      ? (skipOuter(callee.expression) as ts.Identifier)
      : undefined;
  return id && moduleOf(id, project);
}

/** `this.providerMap` of a class that declares `private providerMap = { … }`: the field's initializer. */
export function fieldInitializer(e: ts.Expression): ts.Expression | undefined {
  const init = ts.isPropertyAccessExpression(e)
    ? fieldHolders(e).find(ts.isPropertyDeclaration)?.initializer
    : undefined;
  return init && skipOuter(init);
}

import { ts } from 'ts-morph';
import type { ProjectIndex } from '../syntax/project-index.js';
import { enclosingClass, lookup, skipOuter } from '../syntax/scope.js';

/**
 * The project class an event emitter is an instance of, where the code names it: `this` in the
 * class, a parameter, variable or field typed with the class (`controller: SelfHealingController`),
 * a constant made with `new`. Undefined where it does not (any other value may be any emitter).
 */
export function emitterClass(
  receiver: ts.Expression | undefined,
  project: ProjectIndex,
): ts.ClassLikeDeclaration | undefined {
  const e = receiver && skipOuter(receiver);
  if (!e) return undefined;
  if (e.kind === ts.SyntaxKind.ThisKeyword) return enclosingClass(e);
  if (ts.isIdentifier(e)) {
    const decl = lookup(e.text, e);
    if (decl?.kind === 'parameter' && decl.path.length === 0) return classNamedBy(decl.node.type, project);
    if (decl?.kind === 'variable' && decl.path.length === 0)
      return (
        classNamedBy(decl.node.type, project) ??
        (decl.isConst ? classMadeBy(decl.node.initializer, project) : undefined)
      );
    return undefined;
  }
  if (ts.isPropertyAccessExpression(e) && skipOuter(e.expression).kind === ts.SyntaxKind.ThisKeyword) {
    const field = fieldOf(enclosingClass(e), e.name.text);
    if (field && ts.isPropertyDeclaration(field))
      return classNamedBy(field.type, project) ?? classMadeBy(field.initializer, project);
    return field && classNamedBy(field.type, project);
  }
  return undefined;
}

/** Whether an emit on an instance of `emitter` can reach a listener on an instance of `listener`. */
export function mayShareInstance(
  emitter: ts.ClassLikeDeclaration | undefined,
  listener: ts.ClassLikeDeclaration | undefined,
  project: ProjectIndex,
): boolean {
  if (!emitter || !listener) return true;
  return project.inheritsFrom(emitter, listener) || project.inheritsFrom(listener, emitter);
}

/** A class's field: a property declaration or a constructor parameter property (`private bus: Bus`). */
function fieldOf(
  cls: ts.ClassLikeDeclaration | undefined,
  name: string,
): ts.PropertyDeclaration | ts.ParameterDeclaration | undefined {
  for (const member of cls?.members ?? []) {
    if (ts.isPropertyDeclaration(member) && ts.isIdentifier(member.name) && member.name.text === name) return member;
    if (ts.isConstructorDeclaration(member))
      for (const param of member.parameters)
        if (ts.isIdentifier(param.name) && param.name.text === name && ts.getModifiers(param)?.length) return param;
  }
  return undefined;
}

function classNamedBy(type: ts.TypeNode | undefined, project: ProjectIndex): ts.ClassLikeDeclaration | undefined {
  if (!type || !ts.isTypeReferenceNode(type) || !ts.isIdentifier(type.typeName)) return undefined;
  const decl = project.declarationOf(type.typeName);
  return decl?.kind === 'class' ? decl.node : undefined;
}

function classMadeBy(init: ts.Expression | undefined, project: ProjectIndex): ts.ClassLikeDeclaration | undefined {
  const e = init && skipOuter(init);
  if (!e || !ts.isNewExpression(e) || !ts.isIdentifier(e.expression)) return undefined;
  const decl = project.declarationOf(e.expression);
  return decl?.kind === 'class' ? decl.node : undefined;
}

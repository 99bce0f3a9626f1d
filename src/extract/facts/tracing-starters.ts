import { ts } from 'ts-morph';
import { calledFunction } from '../syntax/functions.js';
import type { ProjectIndex } from '../syntax/project-index.js';
import { enclosingFunction } from '../syntax/scope.js';
import type { PackageIndex, PackageScope } from './workspace-packages.js';

/**
 * Which packages start the tracing a package sets up. A set-up at module level (or one obslint
 * cannot place) starts when its own package is loaded; a set-up inside a function
 * (`export function initTracing() { new NodeSDK(…).start() }` in a shared library) starts only in
 * the processes that call that function. Without this, every package that depends on the shared
 * library for anything else (an e2e harness, a CLI) would look traced.
 */
export function tracingStarters(
  setupCalls: readonly (ts.CallExpression | ts.NewExpression)[],
  everyCall: readonly (ts.CallExpression | ts.NewExpression)[],
  project: ProjectIndex,
  packages: PackageIndex,
): Map<string, Set<string>> {
  const wrappersOf = new Map<string, Set<ts.SignatureDeclaration>>();
  const startsOnLoad = new Set<string>();
  for (const call of setupCalls) {
    const key = packages.of(call.getSourceFile().fileName).key;
    const wrapper = outermostNamedFunction(call);
    if (!wrapper) startsOnLoad.add(key);
    else {
      let set = wrappersOf.get(key);
      if (!set) wrappersOf.set(key, (set = new Set()));
      set.add(wrapper);
    }
  }
  if (wrappersOf.size === 0) return new Map();
  const callersOf = new Map<ts.SignatureDeclaration, Set<string>>();
  for (const call of everyCall) {
    if (!ts.isCallExpression(call)) continue;
    const target = calledFunction(call.expression, project);
    if (!target) continue;
    const owner = [...wrappersOf.values()].some((s) => s.has(target));
    if (!owner) continue;
    let callers = callersOf.get(target);
    if (!callers) callersOf.set(target, (callers = new Set()));
    callers.add(packages.of(call.getSourceFile().fileName).key);
  }
  const starters = new Map<string, Set<string>>();
  for (const [key, wrappers] of wrappersOf) {
    const found = new Set<string>();
    let unplaced = startsOnLoad.has(key);
    for (const wrapper of wrappers) {
      const callers = callersOf.get(wrapper);
      // A set-up function nobody in the project calls is called by a framework (Next.js `register`)
      // or by code obslint does not see: it starts with its own package, as before.
      if (!callers) unplaced = true;
      else callers.forEach((c) => found.add(c));
    }
    if (unplaced) found.add(key);
    starters.set(key, found);
  }
  return starters;
}

/** Whether a package's tracing runs in the processes of `scope`: one of its starters is among them. */
export function startsWith(
  starters: ReadonlyMap<string, ReadonlySet<string>>,
  owner: PackageScope,
  related: readonly PackageScope[],
): boolean {
  const from = starters.get(owner.key);
  return !from || related.some((s) => from.has(s.key));
}

/** The outermost function declaration (or const-bound function) around a node, when every function on the way is one. */
function outermostNamedFunction(node: ts.Node): ts.SignatureDeclaration | undefined {
  let outer: ts.SignatureDeclaration | undefined;
  for (let fn = enclosingFunction(node); fn; fn = enclosingFunction(fn)) {
    const named =
      (ts.isFunctionDeclaration(fn) && fn.name !== undefined) ||
      ((ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) &&
        ts.isVariableDeclaration(fn.parent) &&
        ts.isIdentifier(fn.parent.name));
    // Inside a method, a callback or an anonymous function obslint cannot tell when it runs.
    if (!named) return undefined;
    outer = fn;
  }
  return outer;
}

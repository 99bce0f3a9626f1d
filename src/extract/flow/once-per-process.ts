import { ts } from 'ts-morph';
import { functionName, isStatic, skipOuter } from '../syntax/scope.js';
import { forEachDescendant } from '../syntax/walk.js';
import type { CallGraph } from './call-graph.js';

/** How many callers up a "runs once" answer may look: start-up code is a few calls from `main`. */
const MAX_HOPS = 8;

/**
 * Whether code runs at most once per process: at module level outside any loop, or in a function
 * whose every call site does (`main()` → `startWorker()` → `new Validator()`), an IIFE included.
 * A value computed there (`_.uniqueId('w_')`, `config.get('region')`) has one value per instance.
 */
export class OncePerProcess {
  private readonly memo = new Map<ts.Node, boolean>();
  private readonly inProgress = new Set<ts.Node>();

  constructor(private readonly calls: CallGraph) {}

  runsOnce(node: ts.Node, hops = 0): boolean {
    for (let n = node.parent; n; n = n.parent) {
      if (ts.isSourceFile(n)) return true;
      if (ts.isIterationStatement(n, false)) return false;
      // A field initializer runs with every `new`: the class's constructor.
      if (ts.isPropertyDeclaration(n) && !isStatic(n) && ts.isClassLike(n.parent))
        return this.constructed(n.parent, hops);
      if (ts.isClassStaticBlockDeclaration(n) || (ts.isPropertyDeclaration(n) && isStatic(n))) continue;
      if (ts.isFunctionLike(n)) return this.functionRunsOnce(n, hops);
    }
    return false;
  }

  private constructed(cls: ts.ClassLikeDeclaration, hops: number): boolean {
    const ctor = cls.members.find(ts.isConstructorDeclaration);
    return ctor !== undefined && this.functionRunsOnce(ctor, hops);
  }

  private functionRunsOnce(fn: ts.SignatureDeclaration, hops: number): boolean {
    if (hops >= MAX_HOPS) return false;
    const known = this.memo.get(fn);
    if (known !== undefined) return known;
    // Recursion (or a cycle of callers) may run it any number of times.
    if (this.inProgress.has(fn)) return false;
    this.inProgress.add(fn);
    let once: boolean;
    try {
      once = this.decide(fn, hops);
    } finally {
      this.inProgress.delete(fn);
    }
    this.memo.set(fn, once);
    return once;
  }

  private decide(fn: ts.SignatureDeclaration, hops: number): boolean {
    const outer = immediatelyInvoked(fn);
    if (outer) return this.runsOnce(outer, hops + 1);
    if (!ts.isConstructorDeclaration(fn) && (!functionName(fn) || referencedAsValue(fn))) return false;
    const callers = ts.isConstructorDeclaration(fn)
      ? this.calls.callersOf(fn)
      : this.calls.confirmedCallersOf(fn, true);
    return callers.length > 0 && callers.every((call) => this.runsOnce(call, hops + 1));
  }
}

/** `(async () => { … })()`: the call that runs the function right where it is written. */
function immediatelyInvoked(fn: ts.SignatureDeclaration): ts.CallExpression | undefined {
  if (!ts.isFunctionExpression(fn) && !ts.isArrowFunction(fn)) return undefined;
  let outer: ts.Node = fn.parent;
  while (ts.isParenthesizedExpression(outer)) outer = outer.parent;
  return ts.isCallExpression(outer) && skipOuter(outer.expression) === fn ? outer : undefined;
}

/**
 * Whether its file uses the function other than by calling it (`setInterval(tick)`,
 * `app.get('/', handler)`): then it runs as often as whatever holds it.
 */
function referencedAsValue(fn: ts.SignatureDeclaration): boolean {
  const name = functionName(fn);
  let found = false;
  forEachDescendant(fn.getSourceFile(), (node) => {
    if (found) return false;
    if (!ts.isIdentifier(node) || node.text !== name || node === fn.name) return;
    const parent = node.parent;
    if (ts.isPropertyAccessExpression(parent) && parent.name === node) {
      // `this.start()`, `Validator.create()`: a call; `emitter.on('x', this.start)`: a value.
      if (isCallee(parent)) return;
    } else if (isCallee(node)) return;
    if (ts.isVariableDeclaration(parent) && parent.name === node) return;
    if (ts.isMethodDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) return;
    if (ts.isImportSpecifier(parent) || ts.isExportSpecifier(parent) || ts.isImportClause(parent)) return;
    found = true;
  });
  return found;
}

function isCallee(node: ts.Node): boolean {
  let n = node;
  while (ts.isParenthesizedExpression(n.parent)) n = n.parent;
  return (ts.isCallExpression(n.parent) || ts.isNewExpression(n.parent)) && n.parent.expression === n;
}

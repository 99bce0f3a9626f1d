import { ts } from 'ts-morph';
import type { Caller } from './call-graph.js';
import type { ProjectIndex } from '../syntax/project-index.js';
import {
  enclosingClass,
  forEachThisAssignment,
  lookup,
  propertyKey,
  propertyName,
  skipOuter,
  type Declaration,
} from '../syntax/scope.js';
import type { TypeOracle } from './type-oracle.js';

/** A value an expression may hold: `expr`, then the members in `path` read from it. */
export interface Origin {
  expr: ts.Expression;
  path: string[];
}

const MAX_DEPTH = 14;
const MAX_ORIGINS = 64;
const MAX_STEPS = 400;

/**
 * Where an injected object comes from. A metrics object is created once and handed down through
 * constructors, options objects and fields (`new Client(urls, { metrics: m?.eth1 })`, then
 * `this.metrics = opts?.metrics ?? null`, then `this.metrics?.requestTime`); its type is often an
 * interface, which joins it to nothing. This follows the value instead: field assignments,
 * parameter properties, every call site of a constructor or function, destructuring, `??`/`||`,
 * spreads, and, where a type was inferred from the object that created it
 * (`ReturnType<typeof createMetrics>`), the checker's declaration.
 */
export class InjectionTracer {
  private readonly memo = new Map<ts.Node, Origin[]>();
  private readonly active = new Set<ts.Node>();
  /** Bumped whenever a walk is cut short: such a result depends on where it started, so is not kept. */
  private cuts = 0;
  private steps = 0;
  private readonly queryMemo = new Map<ts.Node, Origin[]>();

  constructor(
    private readonly project: ProjectIndex,
    private readonly types: TypeOracle,
    private readonly callersOf: (fn: ts.SignatureDeclaration) => Caller[],
  ) {}

  /** The values `expr` may evaluate to, each as far as obslint could follow it. */
  origins(expr: ts.Expression, depth = 0): Origin[] {
    const e = skipOuter(expr);
    if (depth === 0) {
      this.steps = 0;
      this.queryMemo.clear();
    }
    const cached = this.memo.get(e) ?? this.queryMemo.get(e);
    if (cached) return cached;
    // A cycle (a field assigned from itself, mutual constructors) adds nothing new; a query that
    // fans out over the whole project is given up rather than allowed to dominate the run.
    if (depth > MAX_DEPTH || this.active.has(e) || ++this.steps > MAX_STEPS) {
      this.cuts++;
      return [];
    }
    const cutsBefore = this.cuts;
    this.active.add(e);
    let found: Origin[];
    try {
      found = dedupe(this.uncached(e, depth)).slice(0, MAX_ORIGINS);
    } finally {
      this.active.delete(e);
    }
    // A result cut short depends on where the walk started: kept for this query only.
    (this.cuts === cutsBefore ? this.memo : this.queryMemo).set(e, found);
    return found;
  }

  private uncached(e: ts.Expression, depth: number): Origin[] {
    if (e.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(e) && e.text === 'undefined')) return [];
    if (ts.isBinaryExpression(e)) {
      const op = e.operatorToken.kind;
      if (op === ts.SyntaxKind.QuestionQuestionToken || op === ts.SyntaxKind.BarBarToken)
        return [...this.origins(e.left, depth + 1), ...this.origins(e.right, depth + 1)];
      if (op === ts.SyntaxKind.AmpersandAmpersandToken) return this.origins(e.right, depth + 1);
      return [];
    }
    if (ts.isConditionalExpression(e))
      return [...this.origins(e.whenTrue, depth + 1), ...this.origins(e.whenFalse, depth + 1)];
    if (ts.isIdentifier(e)) {
      const decl = lookup(e.text, e);
      return decl ? this.declared(decl, depth) : [];
    }
    const member = propertyName(e);
    if (member !== undefined && (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e))) {
      const base = skipOuter(e.expression);
      if (base.kind === ts.SyntaxKind.ThisKeyword) return this.field(e, member, depth);
      // The flow first: structurally equal types (`m.mesh` and `m.topics`) are one type to the
      // checker, which then names only one of them. The checker where the flow stops short.
      const flowed = this.members(this.origins(base, depth + 1), [member], depth);
      if (flowed.some((o) => o.path.length === 0)) return flowed;
      return this.declaredByChecker(e, depth) ?? flowed;
    }
    return [{ expr: e, path: [] }];
  }

  private declared(decl: Declaration, depth: number): Origin[] {
    switch (decl.kind) {
      case 'variable':
        return decl.node.initializer
          ? this.members(this.origins(decl.node.initializer, depth + 1), decl.path, depth)
          : [];
      case 'parameter':
        return this.passed(decl.fn, decl.index, decl.path, depth);
      case 'import': {
        const target = this.project.followImport(decl);
        return target ? this.declared(target, depth + 1) : [];
      }
      case 'expression':
        return this.origins(decl.node, depth + 1);
      case 'loop': {
        // `for (const { metrics } of [{ metrics: m.mesh }, { metrics: m.topic }])`: each element.
        const items = ts.isForOfStatement(decl.loop) ? skipOuter(decl.loop.expression) : undefined;
        if (!items || !ts.isArrayLiteralExpression(items)) return [];
        return items.elements.flatMap((item) =>
          ts.isSpreadElement(item) ? [] : this.members(this.origins(item, depth + 1), decl.path, depth + 1),
        );
      }
      default:
        return [];
    }
  }

  /** What every call site passes as parameter `index` of `fn` (`new Client(urls, { metrics })`). */
  private passed(fn: ts.SignatureDeclaration, index: number, path: string[], depth: number): Origin[] {
    const found: Origin[] = [];
    for (const call of [...this.callersOf(fn), ...this.superCalls(fn)]) {
      const arg = call.arguments?.[index];
      if (arg && !ts.isSpreadElement(arg)) found.push(...this.members(this.origins(arg, depth + 1), path, depth));
    }
    return found;
  }

  /** `super(opts, modules)` in the subclasses of a constructor's class. */
  private superCalls(fn: ts.SignatureDeclaration): ts.CallExpression[] {
    if (!ts.isConstructorDeclaration(fn)) return [];
    const calls = (this.project.callsByName.get('super') ?? []) as ts.CallExpression[];
    return calls.filter((call) => {
      const subclass = enclosingClass(call);
      return subclass !== undefined && this.project.baseClass(subclass) === fn.parent;
    });
  }

  /** `this.metrics`: its initializer, every `this.metrics = …` in the class, or a parameter property. */
  private field(e: ts.Expression, member: string, depth: number): Origin[] {
    const cls = enclosingClass(e);
    if (!cls) return [];
    const found: Origin[] = [];
    for (const element of cls.members) {
      if (ts.isPropertyDeclaration(element) && propertyKey(element.name) === member && element.initializer)
        found.push(...this.origins(element.initializer, depth + 1));
      if (ts.isConstructorDeclaration(element)) {
        element.parameters.forEach((param, i) => {
          if (ts.isIdentifier(param.name) && param.name.text === member && ts.getModifiers(param)?.length)
            found.push(...this.passed(element, i, [], depth));
        });
      }
    }
    forEachThisAssignment(cls, member, (value) => void found.push(...this.origins(value, depth + 1)));
    return found;
  }

  /**
   * `m?.eth1HttpClient` typed by `ReturnType<typeof createMetrics>`: the checker names the property
   * of the object that created it. Interface members declare no value, so they are left to the flow.
   */
  private declaredByChecker(
    e: ts.PropertyAccessExpression | ts.ElementAccessExpression,
    depth: number,
  ): Origin[] | undefined {
    if (!ts.isPropertyAccessExpression(e)) return undefined;
    const found: Origin[] = [];
    for (const decl of this.types.declarations(e)) {
      if ((ts.isPropertyAssignment(decl) || ts.isPropertyDeclaration(decl)) && decl.initializer)
        found.push(...this.origins(decl.initializer, depth + 1));
      else if (ts.isShorthandPropertyAssignment(decl)) found.push(...this.origins(decl.name, depth + 1));
    }
    return found.length > 0 ? found : undefined;
  }

  /** `path` read from each origin: into object literals and their spreads where the code shows them. */
  private members(origins: Origin[], path: string[], depth: number): Origin[] {
    if (path.length === 0) return origins;
    if (depth > MAX_DEPTH) {
      this.cuts++;
      return [];
    }
    const found: Origin[] = [];
    for (const origin of origins) {
      const object = skipOuter(origin.expr);
      if (origin.path.length > 0 || !ts.isObjectLiteralExpression(object)) {
        found.push({ expr: origin.expr, path: [...origin.path, ...path] });
        continue;
      }
      const [member, ...rest] = path as [string, ...string[]];
      for (const prop of object.properties) {
        if (ts.isPropertyAssignment(prop) && propertyKey(prop.name) === member)
          found.push(...this.members(this.origins(prop.initializer, depth + 1), rest, depth + 1));
        else if (ts.isShorthandPropertyAssignment(prop) && prop.name.text === member)
          found.push(...this.members(this.origins(prop.name, depth + 1), rest, depth + 1));
        else if (ts.isSpreadAssignment(prop))
          found.push(...this.members(this.origins(prop.expression, depth + 1), path, depth + 1));
      }
    }
    return found;
  }
}

function dedupe(origins: Origin[]): Origin[] {
  const seen = new Set<string>();
  return origins.filter((o) => {
    const key = `${o.expr.pos}:${o.expr.getSourceFile().fileName}:${o.path.join('.')}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

import { ts } from 'ts-morph';
import { letWrites, readBeforeAnyWrite, type LetWrite } from './variable-writes.js';
import type { ProjectIndex } from '../syntax/project-index.js';
import { calledFunction, objectLiteralHeld, returnedValues } from '../syntax/functions.js';
import { writesToObject } from '../syntax/object-writes.js';
import {
  commonJsExport,
  enclosingClassLike,
  enclosingFunction,
  encloses,
  forEachThisAssignment,
  isModuleLevel,
  isStatic,
  literalProperty,
  lookup,
  restSegmentOmits,
  parameterReassignedBefore,
  propertyKey,
  propertyName,
  skipOuter,
  type Declaration,
} from '../syntax/scope.js';

/** A value known at analysis time, or the reason it is not. */
export type Static =
  | { k: 'str'; v: string }
  | { k: 'num'; v: number }
  | { k: 'bool'; v: boolean }
  | { k: 'arr'; items: Static[] }
  | {
      k: 'obj';
      props: Map<string, Static>;
      spreadParam?: ts.ParameterDeclaration;
      /** A spread of something obslint cannot read (`{ ...loadDefaults(), name }`): other keys may be there. */
      openSpread?: true;
    }
  /**
   * Depends on a parameter of an enclosing function that no call site binds here, or on the
   * element a `for (const x of items)` loop binds (a `VariableDeclaration`).
   */
  | { k: 'param'; decl: Binding }
  | { k: 'unknown' };

/**
 * Of the parameters a value depends on, the one its callers bind first: `${scope}/${name}` in a
 * function nested in `make(scope)` depends on the inner function's `name` first (its callers pass
 * it), then on `scope` (bound where the object holding the inner function was made).
 */
function innermostParam(parts: readonly Static[]): Extract<Static, { k: 'param' }> | undefined {
  let found: Extract<Static, { k: 'param' }> | undefined;
  for (const part of parts) {
    if (part.k !== 'param') continue;
    const owner = found?.decl.parent;
    if (!found || (owner && owner !== part.decl.parent && encloses(owner, part.decl))) found = part;
  }
  return found;
}

/** What a wrapper call or a loop binds: a function parameter, or a `for…of` loop variable. */
export type Binding = ts.ParameterDeclaration | ts.VariableDeclaration;

/**
 * What a binding is bound to: an argument expression (read in its caller's env), or a value
 * computed here (an element of `Object.entries(KINDS)`, which no expression in the code is).
 */
export interface Bound {
  arg: ts.Expression | undefined;
  env: Env;
  value?: Static;
}

/** Arguments bound to the parameters of wrapper functions (and loop variables to elements), innermost first. */
export type Env = ReadonlyMap<Binding, Bound>;
export const EMPTY_ENV: Env = new Map();

export const UNKNOWN: Static = { k: 'unknown' };
const MAX_DEPTH = 18;

export function bindArguments(
  fn: ts.SignatureDeclaration,
  args: readonly ts.Expression[],
  callerEnv: Env,
  outer: Env = EMPTY_ENV,
): Env {
  const env = new Map(outer);
  fn.parameters.forEach((param, i) => env.set(param, { arg: args[i], env: callerEnv }));
  return env;
}

export class StaticEvaluator {
  constructor(private readonly project: ProjectIndex) {}

  eval(expr: ts.Expression, env: Env = EMPTY_ENV, depth = 0): Static {
    if (depth > MAX_DEPTH) return UNKNOWN;
    const e = skipOuter(expr);
    if (ts.isStringLiteralLike(e)) return { k: 'str', v: e.text };
    if (ts.isNumericLiteral(e)) return { k: 'num', v: Number(e.text) };
    if (e.kind === ts.SyntaxKind.TrueKeyword) return { k: 'bool', v: true };
    if (e.kind === ts.SyntaxKind.FalseKeyword) return { k: 'bool', v: false };
    if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.MinusToken) {
      const inner = this.eval(e.operand, env, depth + 1);
      return inner.k === 'num' ? { k: 'num', v: -inner.v } : inner.k === 'param' ? inner : UNKNOWN;
    }
    if (ts.isTemplateExpression(e)) {
      let text = e.head.text;
      const parts = e.templateSpans.map((span) => this.eval(span.expression, env, depth + 1));
      // A part a caller or a loop element decides makes the whole depend on it, whatever the rest.
      const symbolic = innermostParam(parts);
      if (symbolic) return symbolic;
      for (const [i, span] of e.templateSpans.entries()) {
        const part = parts[i];
        const str = scalarText(part);
        if (str === undefined) return UNKNOWN;
        text += str + span.literal.text;
      }
      return { k: 'str', v: text };
    }
    if (ts.isBinaryExpression(e)) return this.binary(e, env, depth);
    if (ts.isTypeOfExpression(e)) {
      const operand = this.eval(e.expression, env, depth + 1);
      if (operand.k === 'param') return operand;
      const type = { str: 'string', num: 'number', bool: 'boolean', obj: 'object', arr: 'object' }[operand.k as string];
      return type ? { k: 'str', v: type } : UNKNOWN;
    }
    if (ts.isConditionalExpression(e)) return this.conditional(e, env, depth);
    if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.ExclamationToken) {
      const operand = truthiness(this.eval(e.operand, env, depth + 1));
      return operand === undefined ? UNKNOWN : { k: 'bool', v: !operand };
    }
    if (ts.isArrayLiteralExpression(e)) {
      const items: Static[] = [];
      for (const element of e.elements) {
        if (ts.isSpreadElement(element)) {
          const spread = this.eval(element.expression, env, depth + 1);
          if (spread.k !== 'arr') return spread.k === 'param' ? spread : UNKNOWN;
          items.push(...spread.items);
        } else {
          items.push(this.eval(element, env, depth + 1));
        }
      }
      return { k: 'arr', items };
    }
    if (ts.isObjectLiteralExpression(e)) return this.object(e, env, depth);
    if (ts.isIdentifier(e)) return this.identifier(e, env, depth);
    if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
      // `SPECS[title]` where `title` is a constant here (a literal, or what this call passes); a
      // parameter not bound yet keeps the value symbolic, so each call site can bind it.
      let name = propertyName(e);
      if (name === undefined && ts.isElementAccessExpression(e)) {
        const key = this.eval(e.argumentExpression, env, depth + 1);
        if (key.k === 'param') return key;
        name = scalarText(key);
      }
      if (name === undefined) return UNKNOWN;
      // npm and yarn set it to the package.json name of the package whose script runs the process.
      if (name === 'npm_package_name' && skipOuter(e.expression).getText() === 'process.env') {
        const own = this.project.packageName(e.getSourceFile().fileName);
        return own === undefined ? UNKNOWN : { k: 'str', v: own };
      }
      if (name === 'length') {
        // `const found = []; … found.push(x); found.length`: not the literal's length.
        const holder = skipOuter(e.expression);
        const decl = ts.isIdentifier(holder) ? lookup(holder.text, holder) : undefined;
        if (decl?.kind === 'variable' && this.project.isAppendedTo(decl.node)) return UNKNOWN;
        const base = this.eval(e.expression, env, depth + 1);
        if (base.k === 'arr') return { k: 'num', v: base.items.length };
      }
      const enumValue = this.enumMember(e.expression, name);
      if (enumValue) return enumValue;
      const declaredName = name === 'name' ? this.declaredName(e.expression) : undefined;
      if (declaredName) return { k: 'str', v: declaredName };
      const staticValue = this.staticMember(e.expression, name, env, depth);
      if (staticValue) return staticValue;
      if (skipOuter(e.expression).kind === ts.SyntaxKind.ThisKeyword) return this.constantField(e, name, env, depth);
      const base = this.eval(e.expression, env, depth + 1);
      if (base.k === 'obj') return base.props.get(name) ?? spreadFrom(base);
      if (base.k === 'arr' && /^\d+$/.test(name)) return base.items[Number(name)] ?? UNKNOWN;
      return base.k === 'param' ? base : UNKNOWN;
    }
    if (ts.isCallExpression(e)) return this.call(e, env, depth);
    return UNKNOWN;
  }

  /**
   * A name as far as it can be read: constant parts as they are, the rest as `{expression}`
   * (`{APP_NAME}_build_info`). Undefined when nothing of it is constant.
   */
  /** A property's name, computed ones included when they are constants (`[NAMES.ERRORS]: new Counter(…)`). */
  keyOf(name: ts.PropertyName, env: Env = EMPTY_ENV, depth = 0): string | undefined {
    return (
      propertyKey(name) ??
      (ts.isComputedPropertyName(name) ? scalarText(this.eval(name.expression, env, depth)) : undefined)
    );
  }

  pattern(expr: ts.Expression, env: Env = EMPTY_ENV, depth = 0): string | undefined {
    const parts = this.patternParts(expr, env, depth);
    return parts.some((p) => !p.startsWith('{') && p.length > 0) ? parts.join('') : undefined;
  }

  private patternParts(expr: ts.Expression, env: Env, depth: number): string[] {
    const e = skipOuter(expr);
    const whole = scalarText(this.eval(e, env, depth));
    if (whole !== undefined) return [whole];
    if (depth > MAX_DEPTH) return [`{${e.getText()}}`];
    if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken)
      return [...this.patternParts(e.left, env, depth + 1), ...this.patternParts(e.right, env, depth + 1)];
    if (ts.isTemplateExpression(e))
      return [
        e.head.text,
        ...e.templateSpans.flatMap((s) => [...this.patternParts(s.expression, env, depth + 1), s.literal.text]),
      ];
    if (ts.isIdentifier(e)) {
      const decl = lookup(e.text, e);
      if (decl?.kind === 'variable' && decl.isConst && decl.path.length === 0 && decl.node.initializer)
        return this.patternParts(decl.node.initializer, env, depth + 1);
      if (decl?.kind === 'import') {
        const target = this.project.followImport(decl);
        if (target?.kind === 'variable' && target.isConst && target.node.initializer)
          return this.patternParts(target.node.initializer, EMPTY_ENV, depth + 1);
      }
      const reassigned =
        decl?.kind === 'parameter' && decl.path.length === 0 && parameterReassignedBefore(decl.node, e);
      if (reassigned && !ts.isCallExpression(skipOuter(reassigned)))
        return this.patternParts(reassigned, env, depth + 1);
      if ((decl?.kind === 'parameter' || decl?.kind === 'loop') && decl.path.length === 0) {
        const bound = env.get(decl.node);
        const known = bound?.value && scalarText(bound.value);
        if (known !== undefined) return [known];
        // As in `declaration`: a caller bound at the top level sees what is bound around it (a loop element).
        const callerEnv = bound && (bound.env.size === 0 ? env : new Map([...env, ...bound.env]));
        if (bound?.arg && callerEnv) return this.patternParts(bound.arg, callerEnv, depth + 1);
      }
    }
    if (ts.isConditionalExpression(e)) {
      const picked = truthiness(this.eval(e.condition, env, depth + 1)) ?? this.absentOption(e.condition, env, depth);
      if (picked !== undefined) return this.patternParts(picked ? e.whenTrue : e.whenFalse, env, depth + 1);
    }
    // `options.name` of a wrapper's options: what this instance's caller wrote there.
    if (ts.isPropertyAccessExpression(e) && ts.isIdentifier(skipOuter(e.expression))) {
      const base = skipOuter(e.expression) as ts.Identifier;
      const decl = lookup(base.text, base);
      const bound = decl?.kind === 'parameter' && decl.path.length === 0 ? env.get(decl.node) : undefined;
      // Passed as a literal, or as a constant holding one (`makeMetric(requestDuration)`).
      const options = bound?.arg && objectLiteralHeld(bound.arg, this.project);
      const written = options && literalProperty(options, [e.name.text]);
      if (bound && written)
        return this.patternParts(written, bound.env.size === 0 ? env : new Map([...env, ...bound.env]), depth + 1);
    }
    if (ts.isCallExpression(e)) {
      // `String(name).replace(/\W/g, '_')` of a name built at run time: the method applied to its constant parts.
      const callee = skipOuter(e.expression);
      if (ts.isIdentifier(callee) && callee.text === 'String' && e.arguments.length === 1)
        return this.patternParts(e.arguments[0], env, depth + 1);
      if (ts.isPropertyAccessExpression(callee) && STRING_METHODS.has(callee.name.text)) {
        const args = e.arguments.map((a) => this.eval(a, env, depth + 1));
        const parts = this.patternParts(callee.expression, env, depth + 1);
        // A pattern anchored at the ends (`/^_+|_+$/`) is about the whole string, not each part: left out.
        const anchored = e.arguments.some((a) => ts.isRegularExpressionLiteral(a) && /[\^$]/.test(a.text));
        const applied = anchored
          ? parts
          : parts.map((p) => (p.startsWith('{') ? p : stringMethod(p, callee.name.text, e.arguments, args)));
        if (applied.every((p) => p !== undefined)) return applied;
      }
      // `appendPrefix(metric.name)`: the function's one returned value, with this call's arguments.
      const returned = this.returnedByCall(e, env);
      if (returned) return this.patternParts(returned.value, returned.env, depth + 1);
    }
    if (ts.isPropertyAccessExpression(e) && skipOuter(e.expression).kind === ts.SyntaxKind.ThisKeyword) {
      const cls = enclosingClassLike(e);
      const field = cls?.members.find((m) => ts.isPropertyDeclaration(m) && propertyKey(m.name) === e.name.text);
      if (field && ts.isPropertyDeclaration(field) && field.initializer)
        return this.patternParts(field.initializer, env, depth + 1);
    }
    return [`{${e.getText().replace(/\s+/g, ' ')}}`];
  }

  /** `this.prefix` where the field is initialised once and never assigned again. */
  private constantField(e: ts.Expression, name: string, env: Env, depth: number): Static {
    const cls = enclosingClassLike(e);
    const field = cls?.members.find((m) => ts.isPropertyDeclaration(m) && propertyKey(m.name) === name);
    if (!cls) return UNKNOWN;
    if (!field || !ts.isPropertyDeclaration(field) || !field.initializer)
      return this.constructorField(cls, name, env, depth);
    let assigned = false;
    forEachThisAssignment(cls, name, () => (assigned = true));
    return assigned ? UNKNOWN : this.eval(field.initializer, env, depth + 1);
  }

  /** `this.key` set once in the constructor from its parameter: what the `new` expression passed. */
  private constructorField(cls: ts.ClassLikeDeclaration, name: string, env: Env, depth: number): Static {
    const param = constructorParameterField(cls, name);
    return param ? this.eval(param.name as ts.Identifier, env, depth + 1) : UNKNOWN;
  }

  /**
   * `options.prefix ? this.prefix + options.name : options.name`: the branch the condition picks;
   * when a branch depends on a caller, the whole does.
   */
  private conditional(e: ts.ConditionalExpression, env: Env, depth: number): Static {
    const condition = this.eval(e.condition, env, depth + 1);
    const picked = truthiness(condition) ?? this.absentOption(e.condition, env, depth);
    // Scalars only (a name, a kind): a list or an object picked by a condition (`labels ? Object.keys(labels)
    // : []`) would make label names appear whose values the overloads around them hide.
    if (picked !== undefined) {
      const value = this.eval(picked ? e.whenTrue : e.whenFalse, env, depth + 1);
      return value.k === 'arr' || value.k === 'obj' ? UNKNOWN : value;
    }
    // Two constants under a condition nobody passes (`isFX ? 'fx_quotes' : 'quotes'`) stay unknown here.
    // A name, renamed or not by the caller's choice: both branches a caller's or a string. Anything
    // else (`labels ? Object.keys(labels) : []`) stays unknown, as the shape it takes is not one.
    const branches = [this.eval(e.whenTrue, env, depth + 1), this.eval(e.whenFalse, env, depth + 1)];
    const symbolic = branches.find((b) => b.k === 'param');
    return symbolic && branches.every((b) => b.k === 'param' || b.k === 'str') ? symbolic : UNKNOWN;
  }

  /**
   * `options.prefix ? … : …` where the caller's options literal has no `prefix`: false. (A value
   * obslint cannot read stays undecided: only a key absent from a literal it reads whole is.)
   */
  private absentOption(condition: ts.Expression, env: Env, depth: number): false | undefined {
    const e = skipOuter(condition);
    if (!ts.isPropertyAccessExpression(e)) return undefined;
    const base = this.eval(e.expression, env, depth + 1);
    return base.k === 'obj' && !base.spreadParam && !base.openSpread && !base.props.has(e.name.text)
      ? false
      : undefined;
  }

  private binary(e: ts.BinaryExpression, env: Env, depth: number): Static {
    const op = e.operatorToken.kind;
    if (op === ts.SyntaxKind.QuestionQuestionToken || op === ts.SyntaxKind.BarBarToken) {
      const left = this.eval(e.left, env, depth + 1);
      if (left.k !== 'unknown' && left.k !== 'param') return left;
      // `metric.labels || []` for a table entry without `labels`: the fallback is what it takes.
      if (this.absentOption(e.left, env, depth) === false) return this.eval(e.right, env, depth + 1);
      // `noQuery || 'unknown'` of a value computed here: not the fallback alone (an absent option,
      // `process.env.PREFIX ?? 'app_'`, is one; a value obslint could not compute is not).
      if (left.k === 'unknown' && computedLocally(e.left)) return UNKNOWN;
      // `spec.labelNames || []`, `Object.keys(req.body?.types || {})`: the empty fallback says nothing
      // of what the unknown side (or the one a caller passes) holds.
      const fallback = skipOuter(e.right);
      if (
        (ts.isArrayLiteralExpression(fallback) && fallback.elements.length === 0) ||
        (ts.isObjectLiteralExpression(fallback) && fallback.properties.length === 0)
      )
        return UNKNOWN;
      return this.eval(e.right, env, depth + 1);
    }
    const left = this.eval(e.left, env, depth + 1);
    const right = this.eval(e.right, env, depth + 1);
    const symbolic = innermostParam([left, right]);
    if (symbolic) return symbolic;
    if (
      op === ts.SyntaxKind.EqualsEqualsEqualsToken ||
      op === ts.SyntaxKind.EqualsEqualsToken ||
      op === ts.SyntaxKind.ExclamationEqualsEqualsToken ||
      op === ts.SyntaxKind.ExclamationEqualsToken
    ) {
      const l = scalarText(left);
      const r = scalarText(right);
      if (l === undefined || r === undefined) return UNKNOWN;
      const equal = l === r;
      const negated = op === ts.SyntaxKind.ExclamationEqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsToken;
      return { k: 'bool', v: negated ? !equal : equal };
    }
    if (op === ts.SyntaxKind.PlusToken) {
      if (left.k === 'num' && right.k === 'num') return { k: 'num', v: left.v + right.v };
      const l = scalarText(left);
      const r = scalarText(right);
      return l !== undefined && r !== undefined ? { k: 'str', v: l + r } : UNKNOWN;
    }
    if (left.k === 'num' && right.k === 'num') {
      switch (op) {
        case ts.SyntaxKind.AsteriskToken:
          return { k: 'num', v: left.v * right.v };
        case ts.SyntaxKind.MinusToken:
          return { k: 'num', v: left.v - right.v };
        case ts.SyntaxKind.SlashToken:
          return { k: 'num', v: left.v / right.v };
        case ts.SyntaxKind.AsteriskAsteriskToken:
          return { k: 'num', v: left.v ** right.v };
      }
    }
    return UNKNOWN;
  }

  private object(e: ts.ObjectLiteralExpression, env: Env, depth: number): Static {
    const props = new Map<string, Static>();
    let spreadParam: ts.ParameterDeclaration | undefined;
    let openSpread = false;
    for (const prop of e.properties) {
      if (ts.isPropertyAssignment(prop)) {
        const key = this.keyOf(prop.name, env, depth + 1);
        if (key !== undefined) props.set(key, this.eval(prop.initializer, env, depth + 1));
      } else if (ts.isShorthandPropertyAssignment(prop)) {
        props.set(prop.name.text, this.identifier(prop.name, env, depth + 1));
      } else if (ts.isSpreadAssignment(prop)) {
        const spread = this.eval(prop.expression, env, depth + 1);
        if (spread.k === 'obj') spread.props.forEach((v, k) => props.set(k, v));
        // `{ ...config, registers }` in a wrapper: the keys come from whoever calls it (and from
        // whoever calls the wrapper that spread its own parameter into `config`).
        if (spread.k === 'param' && ts.isParameter(spread.decl)) spreadParam = spread.decl;
        else if (spread.k === 'obj' && spread.spreadParam) spreadParam = spread.spreadParam;
        if ((spread.k === 'obj' && spread.openSpread) || (spread.k !== 'obj' && spread.k !== 'param'))
          openSpread = true;
      }
    }
    return openSpread ? { k: 'obj', props, spreadParam, openSpread } : { k: 'obj', props, spreadParam };
  }

  private identifier(id: ts.Identifier, env: Env, depth: number): Static {
    if (id.text === 'undefined') return UNKNOWN;
    const decl = lookup(id.text, id);
    if (decl?.kind === 'variable' && !decl.isConst && !decl.node.initializer) {
      const written = this.writtenOnPath(decl, id, env, depth);
      if (written) return written;
    }
    const reassigned = decl?.kind === 'parameter' && decl.path.length === 0 && parameterReassignedBefore(decl.node, id);
    // `name = prefix + name` is what the name is, and so is `key = buildKey('timer_' + key)` where the
    // function can be read; `key = sanitize(key)` that cannot keeps the caller's key, near enough to
    // name the metric (and what callers pass stays comparable).
    if (reassigned) {
      const value = this.eval(reassigned, env, depth + 1);
      if (!ts.isCallExpression(skipOuter(reassigned)) || value.k === 'str') return value;
    }
    // A `let` read before it is first written still holds its initializer.
    const value =
      decl?.kind === 'variable' && !decl.isConst && readBeforeAnyWrite(decl, id)
        ? this.eval(decl.node.initializer!, env, depth + 1)
        : decl
          ? this.declaration(decl, env, depth)
          : UNKNOWN;
    // An imported object is the exporting module's variable, with the writes made to it anywhere.
    const held = decl?.kind === 'import' ? this.project.followImport(decl) : decl;
    return value.k === 'obj' && held?.kind === 'variable' && held.path.length === 0
      ? this.withAssignedKeys(value, held.node, id, env, depth)
      : value;
  }

  /**
   * A `let` declared without a value and written in the branches of `if`s before `use`, in the same
   * function: the value of the write whose conditions hold, where they can be decided (for a
   * caller's argument, `typeof name === 'string'`); symbolic where they depend on a parameter not
   * bound yet, so that each call site decides. Undefined when obslint cannot tell which write holds.
   */
  private writtenOnPath(
    decl: Extract<Declaration, { kind: 'variable' }>,
    use: ts.Identifier,
    env: Env,
    depth: number,
  ): Static | undefined {
    const writes = letWrites(decl);
    const fn = enclosingFunction(use);
    if (!writes || writes.length === 0) return undefined;
    let holding: LetWrite | undefined;
    for (const write of writes) {
      if (write.at.getEnd() > use.getStart() || enclosingFunction(write.at) !== fn) return undefined;
      const taken = this.branchTaken(write.at, decl.node, env, depth);
      if (taken === undefined) return undefined;
      if (taken !== true && taken !== false) return taken;
      if (taken) holding = write;
    }
    if (!holding) return undefined;
    if ('value' in holding) return this.eval(holding.value, env, depth + 1);
    const from = this.eval(holding.from, env, depth + 1);
    return from.k === 'obj' ? (from.props.get(holding.key) ?? UNKNOWN) : from.k === 'param' ? from : UNKNOWN;
  }

  /** Whether the `if`s between a write and its variable's declaration take the write's branch. */
  private branchTaken(write: ts.Node, declared: ts.Node, env: Env, depth: number): boolean | Static | undefined {
    const scope = declared.parent?.parent?.parent;
    for (let at: ts.Node = write; at.parent && at.parent !== scope; at = at.parent) {
      const parent = at.parent;
      if (ts.isConditionalExpression(parent) || ts.isSwitchStatement(parent) || ts.isCaseClause(parent))
        return undefined;
      if (ts.isBinaryExpression(parent) && parent.right === at) return undefined;
      if (!ts.isIfStatement(parent) || parent.expression === at) continue;
      const condition = this.eval(parent.expression, env, depth + 1);
      if (condition.k === 'param') return condition;
      const holds = truthiness(condition);
      if (holds === undefined) return undefined;
      if (holds !== (parent.thenStatement === at)) return false;
    }
    return true;
  }

  /**
   * `const config = { name, help }; if (labelNames) config.labelNames = [...labelNames]; new Histogram(config)`:
   * keys assigned to the object before `use` are part of it (unknown where the value is, since the
   * assignment may not run). A key computed at run time (`queues[accountId] = queue`) makes the keys
   * unknown wherever it is written: a function defined later may run before `use`.
   */
  private withAssignedKeys(
    value: Extract<Static, { k: 'obj' }>,
    node: ts.VariableDeclaration,
    use: ts.Identifier,
    env: Env,
    depth: number,
  ): Static {
    const { assignments } = writesToObject(node);
    const props = new Map(value.props);
    for (const a of assignments) {
      const target = skipOuter(a.left) as ts.PropertyAccessExpression | ts.ElementAccessExpression;
      const key = ts.isPropertyAccessExpression(target)
        ? target.name.text
        : scalarText(this.eval(target.argumentExpression, env, depth + 1));
      // `queues[installationId] = queue`, wherever it runs: keys obslint cannot list.
      if (key === undefined) return UNKNOWN;
      // `const state = { phase: 'idle' }` at module level, `state.phase = 'settling'` in a function:
      // that function may run before the read, whatever their order in the file.
      if (a.getEnd() > use.getStart()) {
        if (enclosingFunction(a) !== undefined && enclosingFunction(a) !== enclosingFunction(use))
          props.set(key, UNKNOWN);
        continue;
      }
      const assigned = this.eval(a.right, env, depth + 1);
      const conditional = !isStatementOf(a, node);
      props.set(key, conditional && assigned.k !== 'arr' && assigned.k !== 'str' ? UNKNOWN : assigned);
    }
    // Written from another module that imports it (`keeperState.phase = 'settling'`).
    if (isModuleLevel(node))
      for (const key of [...props.keys()])
        if (props.get(key)?.k !== 'unknown' && this.writtenElsewhere(node, key)) props.set(key, UNKNOWN);
    return { ...value, props };
  }

  /** Whether a module other than the declaring one assigns `<holder>.key` to the exported object. */
  private writtenElsewhere(holder: ts.VariableDeclaration, key: string): boolean {
    const file = holder.getSourceFile();
    return this.project.memberWritesOf(holder, key).some((write) => write.getSourceFile() !== file);
  }

  declaration(decl: Declaration, env: Env, depth: number): Static {
    switch (decl.kind) {
      case 'variable': {
        if (!decl.isConst || !decl.node.initializer) return UNKNOWN;
        // `const labelNames = ['server']; if (client) labelNames.push('client')`: the literal is
        // only where the array starts.
        if (decl.path.length === 0 && this.project.isAppendedTo(decl.node)) return UNKNOWN;
        // `const { prefix = '' } = opts`: the default where `opts` has no `prefix`.
        return this.withDefault(this.eval(decl.node.initializer, env, depth + 1), decl, env, depth);
      }
      case 'expression':
        return this.eval(decl.node, env, depth + 1);
      case 'parameter': {
        const bound = env.get(decl.node);
        if (bound?.value) return this.withDefault(bound.value, decl, env, depth);
        if (bound) {
          // Arguments of an inner wrapper call may use the outer wrapper's parameters, bound later.
          const callerEnv = bound.env === env || bound.env.size === 0 ? env : new Map([...env, ...bound.env]);
          const value = bound.arg
            ? this.eval(bound.arg, callerEnv, depth + 1)
            : decl.node.initializer
              ? this.eval(decl.node.initializer, env, depth + 1)
              : UNKNOWN;
          return this.withDefault(value, decl, env, depth);
        }
        return { k: 'param', decl: decl.node };
      }
      case 'import': {
        const namespace = this.project.namespaceFile(decl);
        if (namespace) return this.moduleObject(namespace, depth);
        const target = this.project.followImport(decl);
        // A namespace re-exported by name (`export * as metrics from …`) is its module object.
        if (target?.kind === 'import' && target.imported === '*') {
          const file = this.project.importedFile(target);
          return file ? this.moduleObject(file, depth) : UNKNOWN;
        }
        if (target) return this.declaration(target, EMPTY_ENV, depth + 1);
        return UNKNOWN;
      }
      case 'enum': {
        // `Object.values(GossipType)`, `for (const t of Object.values(Kind))`: an enum is an object of its members.
        const props = new Map<string, Static>();
        enumValues(decl.node).forEach((v, k) =>
          props.set(k, typeof v === 'number' ? { k: 'num', v } : { k: 'str', v }),
        );
        return { k: 'obj', props };
      }
      case 'loop': {
        // `for (const metric of METRICS)`: the element this instance is bound to, else symbolic.
        const bound = env.get(decl.node);
        if (bound?.value) return this.path(bound.value, decl.path);
        if (bound?.arg) return this.path(this.eval(bound.arg, bound.env, depth + 1), decl.path);
        return ts.isForOfStatement(decl.loop) ? { k: 'param', decl: decl.node } : UNKNOWN;
      }
      default:
        return UNKNOWN;
    }
  }

  private moduleObject(file: ts.SourceFile, depth: number): Static {
    const props = new Map<string, Static>();
    for (const statement of file.statements) {
      const exported = ts.canHaveModifiers(statement)
        ? ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
        : false;
      // `export enum Types { … }` read as `metrics.Types.ACCOUNT_CREATED` through a namespace.
      if (exported && ts.isEnumDeclaration(statement)) {
        props.set(statement.name.text, this.declaration({ kind: 'enum', node: statement }, EMPTY_ENV, depth + 1));
        continue;
      }
      // CommonJS: `module.exports = { … }` (or what a call returns), `exports.KIND = 'audio'`.
      if (ts.isExpressionStatement(statement)) {
        const assigned = commonJsExport(statement);
        if (!assigned) continue;
        const value = this.eval(assigned.value, EMPTY_ENV, depth + 1);
        if (assigned.member !== undefined) props.set(assigned.member, value);
        else if (value.k === 'obj') value.props.forEach((v, k) => props.set(k, v));
        continue;
      }
      if (!ts.isVariableStatement(statement) || !exported) continue;
      for (const d of statement.declarationList.declarations) {
        if (ts.isIdentifier(d.name) && d.initializer)
          props.set(d.name.text, this.eval(d.initializer, EMPTY_ENV, depth + 1));
      }
    }
    return { k: 'obj', props };
  }

  /** The values an iterated array's elements take at a destructuring path (`[key, value]`, `{ name }`). */
  elementsAt(iterated: Static, path: readonly string[]): Static | undefined {
    return iterated.k === 'arr' ? { k: 'arr', items: iterated.items.map((item) => this.path(item, path)) } : undefined;
  }

  /**
   * The part of an argument a parameter destructures; `{ prefix = PROM_PREFIX }` from an object
   * literal without `prefix` is the default (a `prefix` obslint cannot evaluate stays unknown).
   */
  private withDefault(
    argument: Static,
    decl: Extract<Declaration, { kind: 'parameter' | 'variable' }>,
    env: Env,
    depth: number,
  ): Static {
    const value = this.path(argument, decl.path);
    const element = decl.name.parent;
    if (value.k !== 'unknown' || decl.path.length === 0 || !ts.isBindingElement(element) || !element.initializer)
      return value;
    const holder = this.path(argument, decl.path.slice(0, -1));
    const absent = holder.k === 'obj' && !holder.spreadParam && !holder.props.has(decl.path[decl.path.length - 1]);
    return absent ? this.eval(element.initializer, env, depth + 1) : value;
  }

  private path(value: Static, path: readonly string[]): Static {
    let v = value;
    for (const key of path) {
      const omits = restSegmentOmits(key);
      if (omits && v.k === 'obj') {
        const props = new Map([...v.props].filter(([k]) => !omits.includes(k)));
        v = { k: 'obj', props, spreadParam: v.spreadParam };
      } else if (v.k === 'obj') v = v.props.get(key) ?? spreadFrom(v);
      else if (v.k === 'arr' && /^\d+$/.test(key)) v = v.items[Number(key)] ?? UNKNOWN;
      else return v.k === 'param' ? v : UNKNOWN;
    }
    return v;
  }

  /** `MXApiService.name`: the name a project class or function is declared with (no static `name` of its own). */
  private declaredName(base: ts.Expression): string | undefined {
    const e = skipOuter(base);
    // `this.getTokenData.name`: the name of a method of the class (a function's `name` is its own).
    if (ts.isPropertyAccessExpression(e) && skipOuter(e.expression).kind === ts.SyntaxKind.ThisKeyword) {
      const method = calledFunction(e, this.project);
      return method && ts.isMethodDeclaration(method) ? e.name.text : undefined;
    }
    if (!ts.isIdentifier(e)) return undefined;
    const decl = this.project.declarationOf(e);
    if (decl?.kind === 'class') {
      const ownName = decl.node.members.some((m) => m.name && propertyKey(m.name) === 'name');
      return ownName ? undefined : decl.node.name?.text;
    }
    return decl?.kind === 'function' ? decl.node.name?.text : undefined;
  }

  private enumMember(base: ts.Expression, name: string): Static | undefined {
    if (!ts.isIdentifier(base)) return undefined;
    const decl = this.project.declarationOf(base);
    if (decl?.kind !== 'enum') return undefined;
    const members = enumValues(decl.node);
    const value = members.get(name);
    return value === undefined
      ? undefined
      : typeof value === 'number'
        ? { k: 'num', v: value }
        : { k: 'str', v: value };
  }

  /** `EthImpl.ethCall` where `static ethCall = 'eth_call'` and nothing assigns the field again. */
  private staticMember(base: ts.Expression, name: string, env: Env, depth: number): Static | undefined {
    if (!ts.isIdentifier(base)) return undefined;
    const decl = this.project.declarationOf(base);
    if (decl?.kind !== 'class') return undefined;
    const field = decl.node.members.find(
      (m): m is ts.PropertyDeclaration =>
        ts.isPropertyDeclaration(m) && propertyKey(m.name) === name && m.initializer !== undefined,
    );
    if (!field || !isStatic(field)) return undefined;
    const readonly = ts.getModifiers(field)?.some((m) => m.kind === ts.SyntaxKind.ReadonlyKeyword) ?? false;
    return readonly || this.project.memberAssignments(name).length === 0
      ? this.eval(field.initializer!, env, depth + 1)
      : undefined;
  }

  private call(e: ts.CallExpression, env: Env, depth: number): Static {
    const callee = e.expression;
    const name = ts.isIdentifier(callee)
      ? callee.text
      : ts.isPropertyAccessExpression(callee)
        ? callee.name.text
        : undefined;
    const args = e.arguments.map((a) => this.eval(a, env, depth + 1));
    const nums = args.map((a) => (a.k === 'num' ? a.v : undefined));
    if (name === 'linearBuckets' && nums.length >= 3 && nums.every((n) => n !== undefined)) {
      const [start, width, count] = nums;
      return {
        k: 'arr',
        items: Array.from({ length: Math.max(0, count) }, (_, i) => ({ k: 'num', v: start + i * width })),
      };
    }
    if (name === 'exponentialBuckets' && nums.length >= 3 && nums.every((n) => n !== undefined)) {
      const [start, factor, count] = nums;
      return {
        k: 'arr',
        items: Array.from({ length: Math.max(0, count) }, (_, i) => ({ k: 'num', v: start * factor ** i })),
      };
    }
    if (
      ts.isPropertyAccessExpression(callee) &&
      ts.isIdentifier(callee.expression) &&
      callee.expression.text === 'Object' &&
      args[0]?.k === 'obj'
    ) {
      const obj = args[0];
      if (name === 'values') return { k: 'arr', items: [...obj.props.values()] };
      if (name === 'keys') return { k: 'arr', items: [...obj.props.keys()].map((v) => ({ k: 'str', v })) };
      if (name === 'entries')
        return { k: 'arr', items: [...obj.props].map(([k, v]) => ({ k: 'arr', items: [{ k: 'str', v: k }, v] })) };
    }
    // `JSON.parse(JSON.stringify(config))`: a deep copy, the same value.
    const copied = deepCopied(e);
    if (copied) return this.eval(copied, env, depth + 1);
    // `String(name)`, `name.replace(/\W/g, '_').toLowerCase()`: a helper normalising a constant name.
    if (ts.isIdentifier(callee) && name === 'String' && args.length === 1) {
      const value = scalarText(args[0]);
      if (value !== undefined) return { k: 'str', v: value };
    }
    if (ts.isPropertyAccessExpression(callee) && name !== undefined && STRING_METHODS.has(name)) {
      const base = this.eval(callee.expression, env, depth + 1);
      const result = base.k === 'str' ? stringMethod(base.v, name, e.arguments, args) : undefined;
      if (result !== undefined) return { k: 'str', v: result };
    }
    // `name.includes(PREFIX)`, `startsWith`, `endsWith` of constants.
    if (ts.isPropertyAccessExpression(callee) && name !== undefined && STRING_TESTS.has(name) && args[0]?.k === 'str') {
      const base = this.eval(callee.expression, env, depth + 1);
      if (base.k === 'str') return { k: 'bool', v: stringTest(base.v, name, args[0].v) };
    }
    // `[opts.namespace || 'bridge', opts.name].join('_')`: joined as `+` would (a caller's parameter stays one).
    if (ts.isPropertyAccessExpression(callee) && name === 'join' && args.length <= 1) {
      const base = this.eval(callee.expression, env, depth + 1);
      if (base.k === 'arr') {
        const symbolic = innermostParam(base.items);
        if (symbolic) return symbolic;
        const texts = base.items.map(scalarText);
        const separator = args[0] ? scalarText(args[0]) : ',';
        if (separator !== undefined && texts.every((t) => t !== undefined))
          return { k: 'str', v: texts.join(separator) };
      }
    }
    if (ts.isPropertyAccessExpression(callee) && (name === 'concat' || name === 'slice')) {
      const base = this.eval(callee.expression, env, depth + 1);
      if (base.k === 'arr' && name === 'concat' && args.every((a) => a.k === 'arr')) {
        return { k: 'arr', items: [...base.items, ...args.flatMap((a) => (a.k === 'arr' ? a.items : []))] };
      }
      if (base.k === 'arr' && name === 'slice' && nums.every((n) => n !== undefined))
        return { k: 'arr', items: base.items.slice(nums[0], nums[1]) };
    }
    // `appendPrefix(name)`: a project function with one returned value (not a promise or an
    // iterator of it), with this call's arguments.
    const returned = depth < MAX_DEPTH / 2 ? this.returnedByCall(e, env) : undefined;
    if (returned && !returned.deferred) {
      const value = this.eval(returned.value, returned.env, depth + 1);
      if (value.k !== 'unknown') return value;
    }
    // `if (!name.includes(PREFIX)) return PREFIX + name; return name;`: the return its guards pick.
    const guarded = depth < MAX_DEPTH / 2 && !returned ? this.guardedReturn(e, env, depth) : undefined;
    if (guarded) return guarded;
    return args.find((a) => a.k === 'param') ?? UNKNOWN;
  }

  /**
   * The value a function returns when its body is early returns under conditions obslint can
   * decide for this call, then a last `return`; undefined for any other shape.
   */
  private guardedReturn(call: ts.CallExpression, outer: Env, depth: number): Static | undefined {
    const fn = calledFunction(call.expression, this.project);
    const body = fn && (fn as ts.FunctionLikeDeclaration).body;
    if (!fn || !body || !ts.isBlock(body) || (fn as ts.FunctionLikeDeclaration).asteriskToken || isAsync(fn))
      return undefined;
    const env = bindArguments(fn, call.arguments, outer, outer);
    for (const statement of body.statements) {
      if (ts.isReturnStatement(statement))
        return statement.expression ? this.eval(statement.expression, env, depth + 1) : undefined;
      if (!ts.isIfStatement(statement) || statement.elseStatement) return undefined;
      const then = statement.thenStatement;
      const exit = ts.isBlock(then) && then.statements.length === 1 ? then.statements[0] : then;
      if (!ts.isReturnStatement(exit) || !exit.expression) return undefined;
      const taken = truthiness(this.eval(statement.expression, env, depth + 1));
      if (taken === undefined) return undefined;
      if (taken) return this.eval(exit.expression, env, depth + 1);
    }
    return undefined;
  }

  /**
   * The one value a project function a call names returns, with the call's arguments bound;
   * `deferred` when the function is async or a generator (the call gives a promise or an iterator).
   */
  private returnedByCall(
    call: ts.CallExpression,
    env: Env,
  ): { value: ts.Expression; env: Env; deferred: boolean } | undefined {
    const fn = calledFunction(call.expression, this.project);
    const returns = fn ? returnedValues(fn) : [];
    if (!fn || returns.length !== 1) return undefined;
    const deferred = (fn as ts.FunctionLikeDeclaration).asteriskToken !== undefined || isAsync(fn);
    return { value: returns[0], env: bindArguments(fn, call.arguments, env, env), deferred };
  }
}

/**
 * A local variable (not a parameter, not an option read off one): a value the code computes; also a
 * field of a record a function fetched (`product.sellerId` of `const product = products.find(…)`),
 * not of an object literal it wrote (whose missing option the fallback stands for).
 */
function computedLocally(expr: ts.Expression): boolean {
  let e = skipOuter(expr);
  let fields = 0;
  for (; ts.isPropertyAccessExpression(e); fields++) e = skipOuter(e.expression);
  if (!ts.isIdentifier(e)) return false;
  const decl = lookup(e.text, e);
  if (decl?.kind !== 'variable' || decl.path.length > 0) return false;
  if (fields === 0) return true;
  const init = decl.node.initializer && skipOuter(decl.node.initializer);
  return (
    enclosingFunction(decl.node) !== undefined &&
    init !== undefined &&
    (ts.isCallExpression(init) || ts.isAwaitExpression(init) || ts.isElementAccessExpression(init))
  );
}

/** A key missing from `{ ...config, registers }` comes from whoever passes `config`. */
function spreadFrom(obj: Extract<Static, { k: 'obj' }>): Static {
  return obj.spreadParam ? { k: 'param', decl: obj.spreadParam } : UNKNOWN;
}

/** The element expressions of a constant array literal, through `const` declarations and imports. */
export function constantArrayElements(expr: ts.Expression, project: ProjectIndex): ts.Expression[] | undefined {
  let e = skipOuter(expr);
  for (let i = 0; i < 4 && (ts.isIdentifier(e) || ts.isPropertyAccessExpression(e)); i++) {
    const next = ts.isIdentifier(e) ? constantInitializer(e, project) : namespaceMember(e, project);
    if (!next) return undefined;
    e = next;
  }
  if (!ts.isArrayLiteralExpression(e) || e.elements.some(ts.isSpreadElement)) return undefined;
  return [...e.elements];
}

/**
 * `Object.entries(TABLE[service])` where `service` is one of the table's keys obslint cannot tell
 * (`initCounters(serviceName ?? name)`): the entries of every member, each at the literal it is
 * written as, so each is a metric where it is named.
 */
function anyMemberEntries(
  collection: ts.Expression,
  evaluator: StaticEvaluator,
  project: ProjectIndex,
  env: Env,
): Iteration[] | undefined {
  const call = skipOuter(collection);
  if (!ts.isCallExpression(call) || !ts.isPropertyAccessExpression(call.expression)) return undefined;
  const method = call.expression.name.text;
  if (skipOuter(call.expression.expression).getText() !== 'Object' || (method !== 'entries' && method !== 'values'))
    return undefined;
  const arg = call.arguments.length > 0 ? skipOuter(call.arguments[0]) : undefined;
  const member = arg && ts.isIdentifier(arg) ? constantInitializer(arg, project) : arg;
  if (!member || !ts.isElementAccessExpression(member) || scalarText(evaluator.eval(member.argumentExpression, env)))
    return undefined;
  const table = skipOuter(member.expression);
  const literal = ts.isIdentifier(table) ? constantInitializer(table, project) : undefined;
  if (!literal || !ts.isObjectLiteralExpression(literal)) return undefined;
  const turns: Iteration[] = [];
  for (const group of literal.properties) {
    if (!ts.isPropertyAssignment(group)) continue;
    const entries = skipOuter(group.initializer);
    if (!ts.isObjectLiteralExpression(entries)) return undefined;
    for (const entry of entries.properties) {
      const key = ts.isPropertyAssignment(entry) ? propertyKey(entry.name) : undefined;
      if (!ts.isPropertyAssignment(entry) || key === undefined) return undefined;
      const value = evaluator.eval(entry.initializer, EMPTY_ENV);
      const item: Static = method === 'values' ? value : { k: 'arr', items: [{ k: 'str', v: key }, value] };
      const inGroup = { key: propertyKey(group.name), by: member.argumentExpression };
      turns.push({ bound: { arg: undefined, env: EMPTY_ENV, value: item }, node: entry.initializer, group: inGroup });
    }
  }
  return turns.length > 0 ? turns : undefined;
}

/**
 * `Object.keys(config).filter(…).map((key) => OPTIONS[key])`: whatever the keys are, each element is
 * one of the table's values (a key it lacks reads `undefined`, no value). The table, if so.
 */
export function mappedTable(collection: ts.Expression): ts.Expression | undefined {
  const call = skipOuter(collection);
  if (!ts.isCallExpression(call) || !ts.isPropertyAccessExpression(call.expression)) return undefined;
  if (call.expression.name.text !== 'map') return undefined;
  const callback = call.arguments[0] && skipOuter(call.arguments[0]);
  if (!callback || !ts.isArrowFunction(callback) || ts.isBlock(callback.body)) return undefined;
  const read = skipOuter(callback.body);
  const param = callback.parameters[0];
  if (!ts.isElementAccessExpression(read) || !param || !ts.isIdentifier(param.name)) return undefined;
  return skipOuter(read.argumentExpression).getText() === param.name.text ? read.expression : undefined;
}

/** An object's property values as an array (what iterating any of its keys reads); anything else as it is. */
export function tableValues(table: Static): Static {
  return table.k === 'obj' && table.spreadParam === undefined ? { k: 'arr', items: [...table.props.values()] } : table;
}

/** The initializer of the `const` an identifier names (through an import), if it has one. */
function constantInitializer(id: ts.Identifier, project: ProjectIndex): ts.Expression | undefined {
  const decl = project.declarationOf(id);
  if (decl?.kind !== 'variable' || decl.path.length > 0 || !decl.node.initializer) return undefined;
  return skipOuter(decl.node.initializer);
}

/**
 * `Object.values(METRICS)` of constant records, written where obslint reads them: each entry's value.
 * `Object.values(this.metricsSchema)` in a base class reads the record each subclass declares
 * (`protected metricsSchema = chatMetrics`), every one of them.
 */
function constantTableValues(collection: ts.Expression, project: ProjectIndex): ts.Expression[] | undefined {
  const call = skipOuter(collection);
  if (
    !ts.isCallExpression(call) ||
    !ts.isPropertyAccessExpression(call.expression) ||
    call.expression.name.text !== 'values' ||
    skipOuter(call.expression.expression).getText() !== 'Object' ||
    !call.arguments[0]
  )
    return undefined;
  const arg = skipOuter(call.arguments[0]);
  const held =
    ts.isPropertyAccessExpression(arg) && skipOuter(arg.expression).kind === ts.SyntaxKind.ThisKeyword
      ? fieldValuesInSubclasses(arg, project)
      : [arg];
  const tables = held.map((e) => objectLiteralHeld(e, project));
  if (tables.length === 0 || tables.some((t) => !t || t.properties.some((p) => !ts.isPropertyAssignment(p))))
    return undefined;
  return tables.flatMap((t) => t!.properties.map((p) => (p as ts.PropertyAssignment).initializer));
}

/** What a class and the classes extending it initialise a field with (`this.metricsSchema`). */
function fieldValuesInSubclasses(access: ts.PropertyAccessExpression, project: ProjectIndex): ts.Expression[] {
  const owner = enclosingClassLike(access);
  if (!owner) return [];
  return [owner, ...project.classesExtending(owner)].flatMap((cls) =>
    cls.members.flatMap((m) =>
      ts.isPropertyDeclaration(m) && propertyKey(m.name) === access.name.text && m.initializer ? [m.initializer] : [],
    ),
  );
}

/** `config.METRICS` where `config` is a module namespace (`import * as config`): the initializer of that export. */
export function namespaceMember(access: ts.PropertyAccessExpression, project: ProjectIndex): ts.Expression | undefined {
  const base = skipOuter(access.expression);
  let decl = ts.isIdentifier(base) ? lookup(base.text, base) : undefined;
  // `import { config } from '.'` where the index does `export * as config from './config'`.
  if (decl?.kind === 'import' && decl.imported !== '*') decl = project.followImport(decl);
  if (decl?.kind !== 'import' || decl.imported !== '*') return undefined;
  const file = project.importedFile(decl);
  const target = file && project.findExport(file, access.name.text);
  if (target?.kind !== 'variable' || target.path.length > 0 || !target.node.initializer) return undefined;
  return skipOuter(target.node.initializer);
}

/** Array methods whose callback's first parameter takes each element in turn. */
const ITERATING_METHODS = new Set(['forEach', 'map', 'flatMap', 'filter', 'some', 'every', 'find']);

/**
 * The collection whose elements a binding takes in turn: `for (const x of items)`, or the first
 * parameter of a callback passed to `items.forEach(…)` (`map`, `filter`, …).
 */
export function iteratedCollection(binding: Binding): ts.Expression | undefined {
  if (ts.isVariableDeclaration(binding)) {
    const loop = binding.parent.parent;
    return ts.isForOfStatement(loop) ? loop.expression : undefined;
  }
  const fn = binding.parent;
  const call = fn.parent;
  return fn.parameters[0] === binding &&
    ts.isCallExpression(call) &&
    call.arguments[0] === (fn as ts.Node) &&
    ts.isPropertyAccessExpression(call.expression) &&
    ITERATING_METHODS.has(call.expression.name.text)
    ? call.expression.expression
    : undefined;
}

/** One turn of a loop over a constant collection: what it binds, and the element's own expression if any. */
export interface Iteration {
  bound: Bound;
  /** The array literal's element (`{ name: 'jobs_total', … }`), when the element is written in the code. */
  node?: ts.Expression;
  /**
   * For a loop over one group of a table of groups (`Object.entries(TABLE[service])`, the service
   * not known): the group this turn's entry is in, and the key expression that chose the group.
   */
  group?: { key: string | undefined; by: ts.Expression };
}

/**
 * The turns of the loop a binding belongs to, when it iterates a constant collection:
 * `for (const m of METRICS)`, `for (const [k, v] of Object.entries(KINDS))`,
 * `Object.values(KINDS).forEach((kind) => …)`. Undefined when the collection is not constant.
 */
export function iterations(
  binding: Binding,
  evaluator: StaticEvaluator,
  project: ProjectIndex,
  env: Env = EMPTY_ENV,
): Iteration[] | undefined {
  const collection = iteratedCollection(binding);
  if (!collection) return undefined;
  const written = constantArrayElements(collection, project) ?? constantTableValues(collection, project);
  if (written) return written.map((node) => ({ bound: { arg: node, env: EMPTY_ENV }, node }));
  const value = evaluator.eval(collection, env);
  if (value.k !== 'arr') return anyMemberEntries(collection, evaluator, project, env);
  return value.items.map((item) => ({ bound: { arg: undefined, env: EMPTY_ENV, value: item } }));
}

function isAsync(fn: ts.SignatureDeclaration): boolean {
  return ts.getModifiers(fn as ts.FunctionLikeDeclaration)?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword) === true;
}

/** Whether a value is truthy, when that is known (`if (buckets)` with `buckets` bound). */
export function truthiness(v: Static): boolean | undefined {
  switch (v.k) {
    case 'bool':
      return v.v;
    case 'str':
      return v.v.length > 0;
    case 'num':
      return v.v !== 0;
    case 'arr':
    case 'obj':
      return true;
    default:
      return undefined;
  }
}

export function scalarText(v: Static): string | undefined {
  if (v.k === 'str') return v.v;
  if (v.k === 'num' || v.k === 'bool') return String(v.v);
  return undefined;
}

/** Values of an enum's members, numbering implicit members as TypeScript does. */
export function enumValues(node: ts.EnumDeclaration): Map<string, string | number> {
  const values = new Map<string, string | number>();
  let next = 0;
  for (const member of node.members) {
    const key = propertyKey(member.name);
    if (key === undefined) continue;
    const init = member.initializer && skipOuter(member.initializer);
    if (init && ts.isStringLiteralLike(init)) {
      values.set(key, init.text);
    } else if (init && ts.isNumericLiteral(init)) {
      next = Number(init.text);
      values.set(key, next++);
    } else if (!init) {
      values.set(key, next++);
    } else {
      values.set(key, `${node.name.text}.${key}`);
    }
  }
  return values;
}

export function staticStrings(v: Static): string[] | undefined {
  if (v.k !== 'arr') return undefined;
  const out: string[] = [];
  for (const item of v.items) {
    const text = scalarText(item);
    if (text === undefined) return undefined;
    out.push(text);
  }
  return out;
}

export function staticNumbers(v: Static): number[] | undefined {
  if (v.k !== 'arr') return undefined;
  const out: number[] = [];
  for (const item of v.items) {
    if (item.k !== 'num') return undefined;
    out.push(item.v);
  }
  return out;
}

/**
 * The constructor parameter a field holds, when that is the field's only assignment (`this.key =
 * key` in the constructor, or a parameter property): a name given to `new Timer(key)` reaches the
 * method that records under it.
 */
export function constructorParameterField(
  cls: ts.ClassLikeDeclaration,
  name: string,
): ts.ParameterDeclaration | undefined {
  const ctor = cls.members.find(ts.isConstructorDeclaration);
  if (!ctor) return undefined;
  const property = ctor.parameters.find(
    (p) =>
      ts.isIdentifier(p.name) &&
      p.name.text === name &&
      ts.canHaveModifiers(p) &&
      (ts.getModifiers(p)?.length ?? 0) > 0,
  );
  if (property) return property;
  const values: ts.Expression[] = [];
  forEachThisAssignment(cls, name, (value) => values.push(value));
  const value = values.length === 1 ? skipOuter(values[0]) : undefined;
  if (!value || !ts.isIdentifier(value) || enclosingFunction(value) !== ctor) return undefined;
  const decl = lookup(value.text, value);
  return decl?.kind === 'parameter' && decl.fn === ctor && decl.path.length === 0 ? decl.node : undefined;
}

/**
 * The constants an expression may be: one, or each branch of a conditional (directly or through a
 * `const`), as a key a caller passes (`observe(held ? NAMES.HOLD : NAMES.UNHOLD, s)`) or a lookup
 * reads (`timers[fromIrc ? 'remote' : 'matrix']`); empty when any of them is not a constant.
 */
export function constantKeys(arg: ts.Expression, evaluator: StaticEvaluator, depth = 0): string[] {
  const e = skipOuter(arg);
  const value = scalarText(evaluator.eval(e));
  if (value !== undefined) return [value];
  if (depth > 4) return [];
  if (ts.isConditionalExpression(e)) {
    const [yes, no] = [constantKeys(e.whenTrue, evaluator, depth + 1), constantKeys(e.whenFalse, evaluator, depth + 1)];
    return yes.length > 0 && no.length > 0 ? [...new Set([...yes, ...no])] : [];
  }
  const decl = ts.isIdentifier(e) ? lookup(e.text, e) : undefined;
  return decl?.kind === 'variable' && decl.isConst && decl.path.length === 0 && decl.node.initializer
    ? constantKeys(decl.node.initializer, evaluator, depth + 1)
    : [];
}

/** Whether an assignment is a statement of the block that declares `node` (it runs whenever the block does). */
function isStatementOf(assignment: ts.BinaryExpression, node: ts.VariableDeclaration): boolean {
  const statement = assignment.parent;
  return ts.isExpressionStatement(statement) && statement.parent === node.parent.parent.parent;
}

const STRING_METHODS = new Set(['replace', 'replaceAll', 'toLowerCase', 'toUpperCase', 'trim']);
const STRING_TESTS = new Set(['includes', 'startsWith', 'endsWith']);

function stringTest(value: string, method: string, searched: string): boolean {
  if (method === 'includes') return value.includes(searched);
  return method === 'startsWith' ? value.startsWith(searched) : value.endsWith(searched);
}

/** A string method applied to a constant, with constant arguments (a regular expression literal for a pattern). */
function stringMethod(
  value: string,
  method: string,
  argNodes: readonly ts.Expression[],
  args: readonly Static[],
): string | undefined {
  if (method === 'toLowerCase') return value.toLowerCase();
  if (method === 'toUpperCase') return value.toUpperCase();
  if (method === 'trim') return value.trim();
  const replacement = args[1]?.k === 'str' ? args[1].v : undefined;
  if (replacement === undefined || argNodes.length !== 2) return undefined;
  const pattern = skipOuter(argNodes[0]);
  if (args[0].k === 'str')
    return method === 'replace' ? value.replace(args[0].v, replacement) : value.replaceAll(args[0].v, replacement);
  if (!ts.isRegularExpressionLiteral(pattern)) return undefined;
  const literal = /^\/(.*)\/([a-z]*)$/s.exec(pattern.text);
  try {
    const regex = literal ? new RegExp(literal[1], literal[2]) : undefined;
    if (!regex || (method === 'replaceAll' && !regex.global)) return undefined;
    return value.replace(regex, replacement);
  } catch {
    return undefined;
  }
}

/** `JSON.parse(JSON.stringify(x))` and `structuredClone(x)`: `x`, copied. */
function deepCopied(call: ts.CallExpression): ts.Expression | undefined {
  const isJson = (e: ts.Expression, method: string): boolean =>
    ts.isPropertyAccessExpression(e) && e.name.text === method && skipOuter(e.expression).getText() === 'JSON';
  const callee = skipOuter(call.expression);
  if (ts.isIdentifier(callee) && callee.text === 'structuredClone') return call.arguments[0];
  const inner = call.arguments[0] && skipOuter(call.arguments[0]);
  return isJson(callee, 'parse') &&
    inner &&
    ts.isCallExpression(inner) &&
    isJson(skipOuter(inner.expression), 'stringify')
    ? inner.arguments[0]
    : undefined;
}

import { ts } from 'ts-morph';
import { calledFunction, returnedValues } from '../syntax/functions.js';
import { calleeName, type ProjectIndex } from '../syntax/project-index.js';
import { literalProperty, lookup, propertyKey, skipOuter } from '../syntax/scope.js';

/** What a zod schema lets through for one field, as far as its values go. */
export type ZodField =
  /** `z.enum([...])`, `z.literal('a')`, `z.boolean()`, a union of those: the values, to evaluate. */
  | { kind: 'values'; values: ts.Expression[]; booleans: boolean }
  /** `z.string()` and its checks: any text the client sends (`format`: `.uuid()`, `.email()`, …). */
  | { kind: 'string'; format?: string };

const PARSE_METHODS = new Set(['parse', 'parseAsync']);
/** What they return: `{ success, data, error }`, the parsed value under `data`. */
const SAFE_PARSE_METHODS = new Set(['safeParse', 'safeParseAsync']);
/** Methods that keep an object schema's fields as they are. */
const OBJECT_KEEPING = new Set([
  'strict',
  'strip',
  'passthrough',
  'refine',
  'superRefine',
  'partial',
  'required',
  'describe',
  'readonly',
  'catchall',
]);
/** Methods that keep a field schema's values as they are (or add `undefined`/`null`/a default). */
const FIELD_KEEPING = new Set([
  'optional',
  'nullable',
  'nullish',
  'default',
  'catch',
  'describe',
  'min',
  'max',
  'length',
  'nonempty',
  'trim',
  'refine',
  'superRefine',
  'readonly',
  'brand',
]);
const STRING_FORMATS = new Set(['uuid', 'cuid', 'cuid2', 'ulid', 'nanoid', 'email', 'url', 'datetime', 'ip']);

/**
 * `schema.parse(input)` (or `parseAsync`, or `safeParse` whose `data` is the parsed value) where
 * `schema` is a zod object schema of the project (`z.object({ … })`, through its constant, an
 * import, `.strict()`, `.superRefine(…)`, `.extend(…)`): the schema's object literal chain, the
 * input, and the property the parsed value is read under (`data`), if any.
 */
export function zodParse(
  call: ts.CallExpression,
  project: ProjectIndex,
): { shapes: ts.ObjectLiteralExpression[]; input: ts.Expression; under?: string; requestPart?: true } | undefined {
  const callee = skipOuter(call.expression);
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const validated = honoValidated(call, project);
  if (validated) return { shapes: validated, input: call, requestPart: true };
  const safe = SAFE_PARSE_METHODS.has(callee.name.text);
  if (!safe && !PARSE_METHODS.has(callee.name.text)) return undefined;
  const input = call.arguments[0];
  const shapes = input && objectShapes(callee.expression, project, 0);
  if (!shapes || shapes.length === 0) return undefined;
  return safe ? { shapes, input, under: 'data' } : { shapes, input };
}

/** What the schema says of field `key`, when obslint can read it. */
export function zodField(
  shapes: readonly ts.ObjectLiteralExpression[],
  key: string,
  project: ProjectIndex,
): ZodField | undefined {
  for (const shape of shapes) {
    const prop = shape.properties.find((p) => p.name !== undefined && propertyKey(p.name) === key);
    if (prop) return ts.isPropertyAssignment(prop) ? fieldOf(prop.initializer, project) : undefined;
  }
  return undefined;
}

/** The route schema's key for each part of the request a handler reads. */
const ROUTE_SCHEMA_PARTS: Readonly<Record<string, readonly string[]>> = {
  params: ['params'],
  body: ['body'],
  query: ['querystring', 'query'],
};

/**
 * `request.params` in a handler whose route declares a zod schema for it (Fastify with a zod type
 * provider: `{ schema: { params: z.object({ providerId: z.enum(IDS) }) }, handler(request) { … } }`,
 * or `app.get(path, { schema }, handler)`): the framework validates the part before the handler
 * runs, so its fields are what the schema lets through. The schema's object literals, or undefined.
 */
export function routeSchemaShapes(
  part: ts.Expression,
  project: ProjectIndex,
): ts.ObjectLiteralExpression[] | undefined {
  const e = skipOuter(part);
  if (!ts.isPropertyAccessExpression(e) || !Object.hasOwn(ROUTE_SCHEMA_PARTS, e.name.text)) return undefined;
  const request = skipOuter(e.expression);
  const decl = ts.isIdentifier(request) ? lookup(request.text, request) : undefined;
  if (decl?.kind !== 'parameter' || decl.index !== 0 || decl.path.length > 0) return undefined;
  const schema = routeSchemaOf(decl.fn);
  const keys = ROUTE_SCHEMA_PARTS[e.name.text];
  const declared = schema?.properties.find(
    (p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && keys.includes(propertyKey(p.name) ?? ''),
  );
  const shapes = declared && objectShapes(declared.initializer, project, 0);
  return shapes && shapes.length > 0 ? shapes : undefined;
}

/** The `schema` object of the route definition a handler belongs to. */
function routeSchemaOf(handler: ts.SignatureDeclaration): ts.ObjectLiteralExpression | undefined {
  const holder = handler.parent;
  let options: ts.Expression | undefined;
  if (
    (ts.isPropertyAssignment(holder) && propertyKey(holder.name) === 'handler') ||
    (ts.isMethodDeclaration(handler) && propertyKey(handler.name) === 'handler')
  )
    options = (ts.isMethodDeclaration(handler) ? handler : holder).parent as ts.Expression;
  else if ((ts.isCallExpression(holder) || ts.isNewExpression(holder)) && holder.arguments) {
    // `app.get('/x/:id', { schema }, async (request) => …)`: the options before the handler.
    const at = holder.arguments.indexOf(handler as unknown as ts.Expression);
    options = at > 0 ? holder.arguments[at - 1] : undefined;
  }
  const route = options && skipOuter(options);
  if (!route || !ts.isObjectLiteralExpression(route)) return undefined;
  const schema = route.properties.find(
    (p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && propertyKey(p.name) === 'schema',
  );
  const value = schema && skipOuter(schema.initializer);
  return value && ts.isObjectLiteralExpression(value) ? value : undefined;
}

/** Where each part Hono's `c.req.valid(part)` names sits in a `createRoute({ request })` of `@hono/zod-openapi`. */
const OPENAPI_REQUEST_PARTS: Readonly<Record<string, readonly string[]>> = {
  param: ['params'],
  query: ['query'],
  header: ['headers'],
  cookie: ['cookies'],
  json: ['body', 'content', 'application/json', 'schema'],
  form: ['body', 'content', 'application/x-www-form-urlencoded', 'schema'],
};

/**
 * Hono's `c.req.valid('param')` in a handler given after a validator of that part: `zValidator('param',
 * schema)` (`@hono/zod-validator`) among the route's middleware, or the `request` of the route
 * `app.openapi(route, handler)` declares (`createRoute({ request: { params: z.object({ … }) } })`).
 * Hono runs the validator before the handler: its fields are what the schema lets through.
 */
function honoValidated(call: ts.CallExpression, project: ProjectIndex): ts.ObjectLiteralExpression[] | undefined {
  const callee = skipOuter(call.expression) as ts.PropertyAccessExpression;
  const target = call.arguments[0] && skipOuter(call.arguments[0]);
  if (callee.name.text !== 'valid' || !target || !ts.isStringLiteralLike(target)) return undefined;
  const request = skipOuter(callee.expression);
  const context =
    ts.isPropertyAccessExpression(request) && request.name.text === 'req' && skipOuter(request.expression);
  const decl = context && ts.isIdentifier(context) ? lookup(context.text, context) : undefined;
  if (decl?.kind !== 'parameter' || decl.index !== 0 || decl.path.length > 0) return undefined;
  const route = decl.fn.parent;
  if (!ts.isCallExpression(route)) return undefined;
  const at = route.arguments.indexOf(decl.fn as unknown as ts.Expression);
  for (const before of route.arguments.slice(0, Math.max(at, 0))) {
    const arg = skipOuter(before);
    if (ts.isCallExpression(arg) && calleeName(skipOuter(arg.expression)) === 'zValidator') {
      const part = arg.arguments[0] && skipOuter(arg.arguments[0]);
      if (part && ts.isStringLiteralLike(part) && part.text === target.text && arg.arguments[1])
        return nonEmpty(objectShapes(arg.arguments[1], project, 0));
    }
  }
  const registrar = skipOuter(route.expression);
  if (at !== 1 || !ts.isPropertyAccessExpression(registrar) || registrar.name.text !== 'openapi') return undefined;
  const definition = constantValue(route.arguments[0], project);
  const options = definition && ts.isCallExpression(definition) ? definition.arguments[0] : undefined;
  const definedRoute = options && constantValue(options, project);
  const schema =
    definedRoute && literalProperty(definedRoute, ['request', ...(OPENAPI_REQUEST_PARTS[target.text] ?? [''])]);
  return schema ? nonEmpty(objectShapes(schema, project, 0)) : undefined;
}

function nonEmpty<T>(list: T[]): T[] | undefined {
  return list.length > 0 ? list : undefined;
}

/** What a constant names (`resolveRecordsRoute`, imported or not), or the expression itself. */
function constantValue(expr: ts.Expression, project: ProjectIndex, depth = 0): ts.Expression | undefined {
  const e = skipOuter(expr);
  if (!ts.isIdentifier(e)) return e;
  const decl = depth < 4 ? project.declarationOf(e) : undefined;
  const init = decl?.kind === 'variable' && decl.isConst && decl.path.length === 0 ? decl.node.initializer : undefined;
  return init && constantValue(init, project, depth + 1);
}

/** The object literals of an object schema, the latest extension first. */
function objectShapes(expr: ts.Expression, project: ProjectIndex, depth: number): ts.ObjectLiteralExpression[] {
  if (depth > 8) return [];
  const e = skipOuter(expr);
  if (ts.isIdentifier(e)) {
    const decl = project.declarationOf(e);
    const init =
      decl?.kind === 'variable' && decl.isConst && decl.path.length === 0 ? decl.node.initializer : undefined;
    return init ? objectShapes(init, project, depth + 1) : [];
  }
  if (!ts.isCallExpression(e)) return [];
  const callee = skipOuter(e.expression);
  if (!ts.isPropertyAccessExpression(callee)) return [];
  const method = callee.name.text;
  if (method === 'object' && isZod(callee.expression)) {
    const shape = e.arguments[0] && skipOuter(e.arguments[0]);
    return shape && ts.isObjectLiteralExpression(shape) ? [shape] : [];
  }
  if (method === 'extend') {
    const shape = e.arguments[0] && skipOuter(e.arguments[0]);
    const base = objectShapes(callee.expression, project, depth + 1);
    return shape && ts.isObjectLiteralExpression(shape) && base.length > 0 ? [shape, ...base] : [];
  }
  return OBJECT_KEEPING.has(method) ? objectShapes(callee.expression, project, depth + 1) : [];
}

function fieldOf(expr: ts.Expression, project: ProjectIndex, depth = 0): ZodField | undefined {
  let e = skipOuter(expr);
  // `providerId: providerIdSchema`, a schema kept in a constant (of this module or an imported one).
  if (ts.isIdentifier(e)) {
    const decl = depth < 4 ? project.declarationOf(e) : undefined;
    const init =
      decl?.kind === 'variable' && decl.isConst && decl.path.length === 0 ? decl.node.initializer : undefined;
    return init ? fieldOf(init, project, depth + 1) : undefined;
  }
  // `name: params.name`, a schema kept in a constant object of schemas (`const params = { name }`).
  if (ts.isPropertyAccessExpression(e) && depth < 4) {
    const holder = constantValue(e.expression, project);
    const value = holder && literalProperty(holder, [e.name.text]);
    return value ? fieldOf(value, project, depth + 1) : undefined;
  }
  // `address: makeAddressSchema()`: the schema a project function returns.
  if (ts.isCallExpression(e) && depth < 4) {
    const fn = calledFunction(e.expression, project);
    const returned = fn && returnedValues(fn);
    if (returned?.length === 1) return fieldOf(returned[0], project, depth + 1);
  }
  let format: string | undefined;
  const defaults: ts.Expression[] = [];
  for (;;) {
    if (!ts.isCallExpression(e)) return undefined;
    const callee = skipOuter(e.expression);
    if (!ts.isPropertyAccessExpression(callee)) return undefined;
    const method = callee.name.text;
    if (isZod(callee.expression)) {
      if (method === 'string') return { kind: 'string', ...(format ? { format } : {}) };
      if (method === 'boolean') return { kind: 'values', values: defaults, booleans: true };
      if ((method === 'enum' || method === 'literal') && e.arguments[0])
        return { kind: 'values', values: [e.arguments[0], ...defaults], booleans: false };
      if (method === 'union' && e.arguments[0]) {
        const options = skipOuter(e.arguments[0]);
        if (!ts.isArrayLiteralExpression(options)) return undefined;
        const parts = options.elements.map((o) => fieldOf(o, project, depth + 1));
        if (!parts.every((p): p is Extract<ZodField, { kind: 'values' }> => p?.kind === 'values')) return undefined;
        return {
          kind: 'values',
          values: [...parts.flatMap((p) => p.values), ...defaults],
          booleans: parts.some((p) => p.booleans),
        };
      }
      return undefined;
    }
    if (STRING_FORMATS.has(method)) format ??= method;
    else if (method === 'default' && e.arguments[0]) defaults.push(e.arguments[0]);
    else if (!FIELD_KEEPING.has(method) && !(method === 'transform' && returnsItsInput(e.arguments[0])))
      return undefined;
    e = skipOuter(callee.expression);
  }
}

/** `z` (or any name) imported from `zod`, or from `@hono/zod-openapi`, which re-exports it. */
function isZod(expr: ts.Expression): boolean {
  const e = skipOuter(expr);
  if (!ts.isIdentifier(e)) return false;
  const decl = lookup(e.text, e);
  return (
    decl?.kind === 'import' &&
    (decl.module === 'zod' || decl.module.startsWith('zod/') || decl.module === '@hono/zod-openapi')
  );
}

/** `.transform((val) => val as Name)`: a transform that hands its input on (a cast is no change). */
function returnsItsInput(fn: ts.Expression | undefined): boolean {
  const f = fn && skipOuter(fn);
  if (!f || !ts.isArrowFunction(f) || ts.isBlock(f.body) || !f.parameters[0]) return false;
  const param = f.parameters[0].name;
  const body = skipOuter(f.body);
  return ts.isIdentifier(param) && ts.isIdentifier(body) && body.text === param.text;
}

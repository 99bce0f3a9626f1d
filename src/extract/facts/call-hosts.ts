import { ts } from 'ts-morph';
import { calledFunction, callsTo, returnedValues } from '../syntax/functions.js';
import type { GrpcCall } from '../libraries/grpc.js';
import type { ProjectIndex } from '../syntax/project-index.js';
import {
  constInitializer,
  enclosingClassLike,
  forEachThisAssignment,
  functionName,
  lookup,
  propertyKey,
  propertyName,
  skipOuter,
  type Declaration,
} from '../syntax/scope.js';
import { forEachDescendant } from '../syntax/walk.js';
import { fieldInitializer } from './syntax-lookups.js';

/**
 * The host of a literal absolute URL the call sends to: among the arguments
 * (`https://api.stripe.com/v1/…`, `{ hostname: 'api.github.com' }`), the one its URL starts with,
 * followed through constants, imports, readonly fields and URL objects (`fetch(IMDS_URI)`,
 * `` fetch(`${this.apiUrl}?page=${page}`) ``, `fetch(url.toString())` of `new URL(path, 'https://api.vercel.com')`),
 * or the base URL of the instance called (`axios.create({ baseURL })`, `got.extend({ prefixUrl })`).
 */
export function hostOf(call: ts.CallExpression | ts.NewExpression, project: ProjectIndex): string | undefined {
  let host: string | undefined;
  for (const arg of call.arguments ?? []) {
    forEachDescendant(arg, (n) => {
      if (host) return false;
      host = literalHost(n);
      if (!host && ts.isPropertyAssignment(n) && ['host', 'hostname'].includes(propertyKey(n.name) ?? '')) {
        const value = skipOuter(n.initializer);
        if (ts.isStringLiteralLike(value) && /^[a-z0-9.-]+(:\d+)?$/i.test(value.text))
          host = value.text.replace(/:\d+$/, '').toLowerCase();
      }
    });
  }
  const first = call.arguments?.[0];
  return host ?? hostIn(first && urlStart(first, project, 0)) ?? instanceHost(call);
}

/** The literal text a URL expression starts with, where constants say it. */
function urlStart(expr: ts.Expression, project: ProjectIndex, depth: number): string | undefined {
  if (depth > 6) return undefined;
  const e = skipOuter(expr);
  if (ts.isStringLiteralLike(e)) return e.text;
  if (ts.isTemplateExpression(e))
    return e.head.text !== '' ? e.head.text : urlStart(e.templateSpans[0].expression, project, depth + 1);
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken)
    return urlStart(e.left, project, depth + 1);
  // `new URL(path, base)`: the path where it is absolute, else the base.
  if (ts.isNewExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'URL') {
    const [path, base] = e.arguments ?? [];
    const start = path && urlStart(path, project, depth + 1);
    return start !== undefined && hostIn(start) !== undefined ? start : base && urlStart(base, project, depth + 1);
  }
  // `url.toString()`, `url.href` of a URL built from constants.
  if (
    ts.isCallExpression(e) &&
    propertyName(e.expression) === 'toString' &&
    ts.isPropertyAccessExpression(e.expression)
  )
    return urlStart(e.expression.expression, project, depth + 1);
  if (ts.isPropertyAccessExpression(e) && e.name.text === 'href') return urlStart(e.expression, project, depth + 1);
  if (ts.isIdentifier(e)) {
    const decl = project.declarationOf(e);
    if (decl?.kind === 'parameter' && decl.path.length === 0) return parameterUrlStart(decl, project, depth);
    return decl?.kind === 'variable' && decl.isConst && decl.path.length === 0 && decl.node.initializer
      ? urlStart(decl.node.initializer, project, depth + 1)
      : undefined;
  }
  // `this.SO_API_URL`: a field the class initializes with a constant and never assigns again.
  if (ts.isPropertyAccessExpression(e) && skipOuter(e.expression).kind === ts.SyntaxKind.ThisKeyword) {
    const cls = enclosingClassLike(e);
    const field = cls?.members.find(
      (m): m is ts.PropertyDeclaration =>
        ts.isPropertyDeclaration(m) && ts.isIdentifier(m.name) && m.name.text === e.name.text,
    );
    const readonly = field?.modifiers?.some((m) => m.kind === ts.SyntaxKind.ReadonlyKeyword);
    if (field?.initializer) return readonly ? urlStart(field.initializer, project, depth + 1) : undefined;
    // `this.endpoint = \`https://builder.io/api/v1/write/${model}\`` in the constructor: the host
    // every assignment gives the field.
    const starts: (string | undefined)[] = [];
    if (cls)
      forEachThisAssignment(cls, e.name.text, (value) => {
        starts.push(urlStart(value, project, depth + 1));
      });
    return sameHost(starts);
  }
  // `cond ? 'https://sandbox.example.com/' : 'https://api.example.com/'`.
  if (ts.isConditionalExpression(e))
    return sameHost([urlStart(e.whenTrue, project, depth + 1), urlStart(e.whenFalse, project, depth + 1)], true);
  // `new URL('transactions', this.getBaseUrl())`: what the project function returns.
  if (ts.isCallExpression(e)) {
    const fn = calledFunction(e.expression, project);
    return fn
      ? sameHost(
          returnedValues(fn).map((r) => urlStart(r, project, depth + 1)),
          true,
        )
      : undefined;
  }
  return undefined;
}

/**
 * `downloadEmoji(url)` called with `https://cdn.discordapp.com/…` and `https://cdnjs.cloudflare.com/…`
 * URLs, and `url = \`https://cdnjs.cloudflare.com/…\`` in its `catch`: the hosts every caller passes
 * and every assignment gives the parameter, when each names one.
 */
function parameterUrlStart(
  decl: Extract<Declaration, { kind: 'parameter' }>,
  project: ProjectIndex,
  depth: number,
): string | undefined {
  const name = functionName(decl.fn);
  const calls = name ? callsTo(decl.fn, name, project) : [];
  if (calls.length === 0) return undefined;
  const values = calls.map((call) => call.arguments?.[decl.index]);
  const body = (decl.fn as ts.FunctionLikeDeclaration).body;
  if (body)
    forEachDescendant(body, (node) => {
      if (
        ts.isBinaryExpression(node) &&
        node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
        ts.isIdentifier(node.left) &&
        lookup(node.left.text, node.left)?.node === decl.node
      )
        values.push(node.right);
    });
  return sameHost(
    values.map((value) => value && urlStart(value, project, depth + 1)),
    true,
  );
}

/**
 * The URL start of several values where each is an absolute URL: with one host, or (`anyHost`, a
 * choice between environments such as a sandbox and production) whatever hosts they name.
 */
function sameHost(starts: readonly (string | undefined)[], anyHost = false): string | undefined {
  const hosts = new Set(starts.map(hostIn));
  if (starts.length === 0 || hosts.has(undefined) || (!anyHost && hosts.size > 1)) return undefined;
  return starts[0];
}

function literalHost(node: ts.Node | undefined): string | undefined {
  if (!node) return undefined;
  return hostIn(ts.isStringLiteralLike(node) ? node.text : ts.isTemplateExpression(node) ? node.head.text : undefined);
}

/** The host an absolute URL's text starts with. */
function hostIn(text: string | undefined): string | undefined {
  const match = text && /^https?:\/\/([^/:?#$]+)/i.exec(text);
  return match ? match[1].toLowerCase() : undefined;
}

const BASE_URL_OPTIONS = new Set(['baseURL', 'baseUrl', 'prefixUrl', 'prefixURL']);

/** `const github = axios.create({ baseURL: 'https://api.github.com' }); github.get(…)` (or a class field so made). */
function instanceHost(call: ts.CallExpression | ts.NewExpression): string | undefined {
  const callee = skipOuter(call.expression);
  const receiver = ts.isPropertyAccessExpression(callee) ? skipOuter(callee.expression) : undefined;
  // `const github = axios.create(…)`, or a class's `private axiosInstance = axios.create(…)`.
  const init = receiver && (ts.isIdentifier(receiver) ? constInitializer(receiver) : fieldInitializer(receiver));
  if (!init || !ts.isCallExpression(init) || !['create', 'extend'].includes(propertyName(init.expression) ?? ''))
    return undefined;
  const options = init.arguments[0] && skipOuter(init.arguments[0]);
  if (!options || !ts.isObjectLiteralExpression(options)) return undefined;
  for (const prop of options.properties)
    if (ts.isPropertyAssignment(prop) && BASE_URL_OPTIONS.has(propertyKey(prop.name) ?? ''))
      return literalHost(skipOuter(prop.initializer));
  return undefined;
}

/** The address of a client built with a literal one (`new InventoryClient('inventory:50051', creds)`). */
export function rpcHost(rpc: GrpcCall): string | undefined {
  const args =
    rpc.origin && (ts.isCallExpression(rpc.origin) || ts.isNewExpression(rpc.origin))
      ? rpc.origin.arguments
      : undefined;
  let host: string | undefined;
  for (const arg of args ?? [])
    forEachDescendant(arg, (n) => {
      if (host) return false;
      if (!ts.isStringLiteralLike(n)) return;
      const match = /^(?:dns:\/{0,3}|https?:\/\/)?([a-z0-9-]+(?:\.[a-z0-9-]+)*)(?::\d+)?\/?$/i.exec(n.text);
      if (match && (/:\d+\/?$/.test(n.text) || /^(?:dns|https?):/.test(n.text))) host = match[1].toLowerCase();
    });
  return host;
}

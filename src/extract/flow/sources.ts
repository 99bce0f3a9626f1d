import { ts } from 'ts-morph';
import type { Bound, BoundPart, FlowStep, UnboundedCategory } from '../../types.js';
import { bounded, boundedPart, finite, HTTP_METHODS, unbounded, unknown } from '../../model/bounds.js';
import { inMatchedNestRoute, ROUTE_METHODS } from '../libraries/web-frameworks.js';
import { ARRAY_ITERATORS, ELEMENT_KEEPING } from '../syntax/builtin-calls.js';
import type { ProjectIndex } from '../syntax/project-index.js';
import {
  leavesFunction,
  enclosingClass,
  enclosingFunction,
  isModuleLevel,
  isStatic,
  literalProperty,
  lookup,
  propertyName,
  skipOuter,
  type Declaration,
} from '../syntax/scope.js';
import { forEachDescendant } from '../syntax/walk.js';
import { calledFunction, classFunction } from '../syntax/functions.js';
import { runsOnlyOnSuccess } from './success-callbacks.js';

export const REQUEST_ROOTS = new Set([
  'req',
  'request',
  'ctx',
  'context',
  'c',
  'event',
  'incomingMessage',
  'httpRequest',
  // An Apollo Server plugin's hook argument: the GraphQL request and what it resolved to.
  'requestContext',
]);

const AMBIGUOUS_ROOTS = new Set(['c', 'context', 'ctx', 'event']);

/** `import { env } from 'node:process'`: `process.env` by another name. */
export function isProcessEnv(decl: Extract<Declaration, { kind: 'import' }>): boolean {
  return /^(?:node:)?process$/.test(decl.module) && decl.imported === 'env';
}

/** A response from upstream (a proxy's `proxyRes`, `upstreamResponse`): its `req` is the request this process sent. */
const UPSTREAM_RESPONSES = /^(?:proxy|upstream|backend)Res(?:ponse)?$/;

/**
 * Whether a parameter is taken for the request it is named after. `event` or `ctx` of a function
 * that is no handler (`report(event)`, a hook's `(ctx) => …`) is whatever its callers pass.
 */
export function namedAsRequest(decl: Extract<Declaration, { kind: 'parameter' }>): boolean {
  const name = decl.name.text;
  return REQUEST_ROOTS.has(name) && (!AMBIGUOUS_ROOTS.has(name) || isRequestHandler(decl.fn));
}

const RESPONSE_ROOTS = new Set(['res', 'response', 'reply', 'ctx', 'context', 'c']);
/** `gatewayRes`, `upstreamResponse`, `fetchResponse`: a response by its name. */
const RESPONSE_NAME = /^[a-z][a-zA-Z0-9]*(Res|Response)$/;
/** JavaScript's own error classes. */
const BUILTIN_ERRORS = [
  'Error',
  'TypeError',
  'RangeError',
  'SyntaxError',
  'ReferenceError',
  'EvalError',
  'URIError',
  'AggregateError',
];
/** What a caught error is called. */
const ERROR_ROOTS = /^(e|err|error|ex|exception|httpError)$/;

const RAW_URL_PROPS = new Set(['url', 'originalUrl', 'path', 'pathname', 'href', 'rawUrl']);
/** What an HTTP request's options are usually called (`options.method`, `init.method`). */
const REQUEST_OPTIONS = /^(?:options|opts|init|requestOptions|reqOptions|requestInit|httpOptions)$/;
/** OpenTelemetry semantic-convention attributes whose value is a raw URL, its path or its query. */
const RAW_URL_ATTRIBUTES = new Set(['http.target', 'http.url', 'url.full', 'url.path', 'url.query']);

/** What an API Gateway event (a Lambda handler's `event`) carries from the client. */
const API_GATEWAY_INPUT = [
  'headers',
  'multiValueHeaders',
  'queryStringParameters',
  'multiValueQueryStringParameters',
  'pathParameters',
  'body',
];

const REQUEST_INPUT_PROPS = new Set([
  'params',
  'query',
  'body',
  'headers',
  'cookies',
  'signedCookies',
  'ip',
  'ips',
  'hostname',
  'host',
  'search',
  'searchParams',
  'rawHeaders',
  'subdomains',
  'header',
  // multer's uploads (`req.file.mimetype`, `req.files[0].originalname`): what the client sent.
  'file',
  'files',
  // A GraphQL request (Apollo's `requestContext.request`): what the client sent.
  'operationName',
  'variables',
  // An API Gateway event handed to a Lambda handler (`event.queryStringParameters.pair`).
  ...API_GATEWAY_INPUT,
]);

/** Where an application keeps its own values beside a request: koa's `ctx.state`, express's `res.locals`. */
const APPLICATION_STATE = new Set(['state', 'locals']);

/** The operation types of a GraphQL document (`operation.operation` of Apollo's parsed operation). */
const GRAPHQL_OPERATION_TYPES = ['query', 'mutation', 'subscription'];

const ROUTE_TEMPLATE_SUFFIXES = [
  ['route', 'path'],
  // Hono: each of `c.req.matchedRoutes` is a route the request matched, with its pattern.
  ['matchedRoutes', '[]', 'path'],
  ['routeOptions', 'url'],
  ['routerPath'],
  ['routeConfig', 'url'],
  ['_matchedRoute'],
  ['routePath'],
  ['matchedRoute'],
];

/** `request.routeConfig.statsId`, `request.routeOptions.config.statsId` (not `…routeConfig.url`, a template). */
function isRouteConfigValue(names: readonly string[]): boolean {
  const at = names.findIndex(
    (n, i) => i > 0 && (n === 'routeConfig' || (n === 'config' && names[i - 1] === 'routeOptions')),
  );
  return at > 0 && names.length === at + 2;
}

/** `info.fieldName`, `info.parentType.name`, `gqlInfo.returnType.name` of a resolver's `GraphQLResolveInfo`. */
function isGraphqlFieldName(names: readonly string[]): boolean {
  const rest = afterResolveInfo(names);
  return rest === 'fieldName' || rest === 'parentType.name' || rest === 'returnType.name';
}

/**
 * `this.mongooseCollection.name` in a query hook, `this.model.collection.name`,
 * `doc.constructor.modelName`, `Model.modelName`, `model.collection.collectionName`: which of the
 * project's Mongoose models (and so collections) the value is.
 */
function isMongooseModelName(names: readonly string[]): boolean {
  const last = names[names.length - 1];
  const before = names[names.length - 2];
  return (
    (names.length >= 2 && last === 'modelName') ||
    (before === 'mongooseCollection' && (last === 'name' || last === 'collectionName')) ||
    (names.length >= 3 && names[names.length - 3] === 'model' && before === 'collection' && last === 'name') ||
    (before === 'collection' && last === 'collectionName')
  );
}

function isGraphqlResponseKey(names: readonly string[]): boolean {
  return afterResolveInfo(names) === 'path.key';
}

/** What is read from a resolver's info object (`info.path.key` → `path.key`). */
function afterResolveInfo(names: readonly string[]): string | undefined {
  const info = names.findIndex((n) => /info$/i.test(n) || n === 'getInfo()');
  return info < 0 ? undefined : names.slice(info + 1).join('.');
}

const UUID_CALLS = new Set([
  'randomUUID',
  'uuid',
  'uuidv4',
  'uuidv1',
  'uuidv7',
  'v4',
  'v1',
  'v7',
  'nanoid',
  'cuid',
  'createId',
  'ulid',
  'randomBytes',
  'objectId',
]);

const TIMESTAMP_CALLS = new Set([
  'now',
  'toISOString',
  'getTime',
  'toUTCString',
  'toLocaleString',
  'toDateString',
  'toLocaleDateString',
  'toLocaleTimeString',
  'hrtime',
]);

export const PASSTHROUGH_METHODS = new Set([
  'toString',
  'toLowerCase',
  'toUpperCase',
  'trim',
  'toLocaleLowerCase',
  'toLocaleUpperCase',
  'valueOf',
  'normalize',
]);

const REQUEST_INPUT_CALLS = new Set(['get', 'header', 'getHeader', 'param', 'cookie', 'query', 'queries']);
/** What a request's reader methods are called on below the request itself (`c.req`, `request.headers`). */
const REQUEST_PARTS = new Set(['req', 'request', 'headers', 'query', 'params', 'cookies', 'searchParams']);

/** String and number methods whose result is as unbounded as their receiver. */
export const DERIVING_METHODS = new Set([
  'split',
  'slice',
  'substring',
  'substr',
  'replace',
  'replaceAll',
  'concat',
  'at',
  'padStart',
  'padEnd',
  'trimStart',
  'trimEnd',
  'toFixed',
  'toPrecision',
  'join',
  'match',
  // A list in another order holds the same values (`topics.sort().join(',')`).
  'sort',
  'reverse',
  'toSorted',
  'toReversed',
  // `request.headers.get('origin')`, `url.searchParams.get('q')`: a value read out of request input.
  'get',
  'getAll',
]);

export const MATH_PASSTHROUGH = new Set(['floor', 'ceil', 'round', 'trunc', 'abs']);

/** Ids of things a service has few of: routes, operations, rules, types, regions, its own instances. */
const BOUNDED_ID_WORDS = new Set(
  'route operation op rule type kind schema region zone provider channel method status state error reason locale currency country plan tier feature flag metric model queue topic protocol worker thread shard partition core cpu bucket table collection category service cluster pool chain network net market pair template instance replica warehouse datacenter module'.split(
    ' ',
  ),
);

/** `chainId`, `ethChainId`, `source_chain_id`: an id whose last word names something a service has few of. */
function boundedIdName(name: string): boolean {
  const base = /^(.+?)(Id|ID|_id)$/.exec(name)?.[1];
  const last = base
    ?.split('_')
    .pop()
    ?.split(/(?=[A-Z])/)
    .pop()
    ?.toLowerCase();
  return last !== undefined && BOUNDED_ID_WORDS.has(last);
}

/** An API key, a secret or an auth token by name; `…Token` only where the word before says auth. */
const CREDENTIAL_NAME =
  /^(?:(?:api|write|access|secret|private|license|client|auth|app)_?key|(?:auth|access|refresh|bearer|id|api|session|csrf)_?token|password|passwd|client_?secret|api_?secret)$/i;
const CREDENTIAL_SUFFIX =
  /[a-z0-9](?:ApiKey|WriteKey|AccessKey|SecretKey|PrivateKey|AccessToken|AuthToken|RefreshToken|ApiToken|Password|ClientSecret)$/;

/** Names that promise one value per entity or event: ids, API keys, emails, timestamps, block heights and nonces. */
export function categoryOfName(name: string): UnboundedCategory | undefined {
  if (boundedIdName(name)) return undefined;
  if (
    // `cid`: a content id (IPFS), a correlation or client id: one per entity or request.
    /^(id|uuid|guid|ulid|cid)$/i.test(name) ||
    /[a-z0-9](Id|ID|Uuid|UUID|Guid)$/.test(name) ||
    /_(id|uuid|guid)$/i.test(name)
  )
    return 'id';
  if (/^(email|e_mail|emailAddress|email_address)$/i.test(name) || /Email$/.test(name) || /(^|_)email(_|$)/i.test(name))
    return 'email';
  // `username`, `authorUsername`, `nickname`: what a person calls themselves, one per user (not a
  // `displayName`: React components have one too).
  if (/^(user_?name|nick_?name)$/i.test(name) || /[a-z0-9](UserName|Username|Nickname)$/.test(name)) return 'user-name';
  // `writeKey`, `api_key`, `accessToken`: one per client, and a secret (not `token` alone: a coin's
  // symbol or a parser's token is no credential).
  if (CREDENTIAL_NAME.test(name) || CREDENTIAL_SUFFIX.test(name)) return 'credential';
  if (
    /^(timestamp|createdAt|updatedAt|deletedAt|created_at|updated_at|datetime|date|time)$/i.test(name) ||
    /[a-z0-9]Timestamp$/.test(name) ||
    /^(created|updated|deleted|started|ended|finished|sent|received)At$/.test(name)
  )
    return 'timestamp';
  // Numbers that only grow: `blockHeight`, `lastProcessedBlockNumber`, `nonce`, `sequenceNumber`.
  if (
    /^(nonce|seqNo|seq_no|sequenceNumber|sequence_number)$/.test(name) ||
    /[a-z0-9](BlockHeight|BlockNumber|CheckpointNumber|Nonce|SequenceNumber|SeqNo)$/.test(name) ||
    /^(block|checkpoint)(Height|Number|_height|_number)$/.test(name) ||
    /_(block_height|block_number|checkpoint_number|nonce|sequence_number)$/.test(name)
  )
    return 'sequence';
  return undefined;
}

/**
 * `blockHash`, `tx_hash`, `receipt.transactionHash`, and `hash` read from a block, a header or a
 * transaction (`latest.hash`, `block.header.hash`): a new value with every block or transaction.
 */
function chainHash(name: string, node: ts.Node): boolean {
  if (/^(block|parent|tx|transaction|receipt|log)_?hash$/i.test(name)) return true;
  if (name !== 'hash' || !ts.isPropertyAccessExpression(node)) return false;
  const owner = holderName(node);
  return (
    owner !== undefined && /^(latest|head|header|block|tx|transaction|receipt|parent)(Header|Block)?$/i.test(owner)
  );
}

/** `checkpoint.number`, `block.header.number`, `latestBlock.number`: what holds it comes one after another. */
function numberedInSequence(node: ts.Node): boolean {
  const owner = ts.isPropertyAccessExpression(node) ? holderName(node) : undefined;
  return owner !== undefined && /^(?:\w*(?:Block|Checkpoint)|block|checkpoint|header|head)$/.test(owner);
}

/** The name of what holds the property read: `region` of `region.id`, `header` of `block.header.hash`. */
function holderName(node: ts.PropertyAccessExpression): string | undefined {
  const held = skipOuter(node.expression);
  return ts.isIdentifier(held) ? held.text : propertyName(held);
}

/** How many controller handlers a NestJS service is assumed to have when obslint parsed none of its controllers. */
const ASSUMED_NEST_HANDLERS = 50;

/** Objects holding a deployment's configuration, read at start-up: one value per instance. */
const CONFIG_NAMES =
  /^(config|conf|cfg|configuration|appConfig|serviceConfig|globalConfig|settings|configService|nconf)$/;
const CONFIG_FIELD = /[a-z0-9](Config|Configuration|Settings)s?$|^(Config|Configuration|Settings)s?$/;
/** Zero-argument getters of the running build's version: `getVersion()`, `getGitHash()`, `readAppVersion()`. */
const VERSION_GETTERS =
  /^(get|read|load|fetch|resolve)?(App|Application|Build|Package|Service|Git|Node|Release)?(Version|GitHash|GitSha|CommitHash|CommitSha|Commit|Revision)$/;

/**
 * Whether `config.X` (`names`) reads the process's configuration: a module's `config` (imported or
 * declared at its top) or a service's `this.config`. A `config` that is a local or a parameter may be
 * one entity's record (`const config = await getProviderConfig(id)`): only its env-style
 * `SCREAMING_CASE` settings count. Never a `config` met later in the path (`error.config.url` is
 * the request an HTTP client sent).
 */
function holdsConfiguration(names: string[], node: ts.Node, key: string): boolean {
  // A service's own settings: `this.config`, `this.fillerConfig`, `this.crankConfigs`, `this.appSettings`.
  if (names[0] === 'this') return names.length > 2 && (CONFIG_NAMES.test(names[1]) || CONFIG_FIELD.test(names[1]));
  const decl = lookup(names[0], node);
  // What a constructor is configured with (`constructor(client, config: LiquidatorConfig)`): the
  // instance's settings, whoever builds it and however often it is retried.
  if (
    decl?.kind === 'parameter' &&
    decl.path.length === 0 &&
    ts.isConstructorDeclaration(decl.fn) &&
    configurationParameter(decl.node)
  )
    return true;
  // A function's parameter typed as the project's settings (`writeCsv(config: ClickHouseConfig, …)`).
  if (decl?.kind === 'parameter' && decl.path.length === 0 && typedAsSettings(decl.node)) return true;
  if (!CONFIG_NAMES.test(names[0])) return false;
  if (decl?.kind === 'import' || (decl?.kind === 'variable' && isModuleLevel(decl.node))) return true;
  return /^[A-Z][A-Z0-9_]{3,}$/.test(key);
}

/**
 * A parameter typed as settings (`ClickHouseConfig`, `WorkerSettings`), but not a request's own
 * options (`InternalAxiosRequestConfig`, `FetchConfig`): what a request carries is no setting.
 */
function typedAsSettings(param: ts.ParameterDeclaration): boolean {
  const type = param.type && ts.isTypeReferenceNode(param.type) ? param.type.typeName : undefined;
  const name = type && (ts.isIdentifier(type) ? type.text : type.right.text);
  return name !== undefined && CONFIG_FIELD.test(name) && !REQUEST_SETTINGS.test(name);
}

const REQUEST_SETTINGS = /Request|Axios|Fetch|Http|Call|Query|Job|Message|Event|Context/;

/** A parameter named or typed as configuration: `config`, `crankConfigs`, `settings: WorkerSettings`. */
function configurationParameter(param: ts.ParameterDeclaration): boolean {
  const name = ts.isIdentifier(param.name) ? param.name.text : '';
  const type =
    param.type && ts.isTypeReferenceNode(param.type) && ts.isIdentifier(param.type.typeName)
      ? param.type.typeName.text
      : '';
  return CONFIG_NAMES.test(name) || CONFIG_FIELD.test(name) || CONFIG_FIELD.test(type);
}

/** What the project's routes tell about route-template labels, and the configured status codes. */
export interface RouteFacts {
  /** The templates of the routes registered where `at` runs (see `routesInScope`). */
  routeTemplates: (at: ts.Node) => string[];
  /** The workspace packages whose routes those are. */
  routePackages: (at: ts.Node) => string[];
  mountedRoutes: (at: ts.Node) => number;
  routeRegistrations: (at: ts.Node) => number;
  /** Whether the processes where `at` runs mount a reverse proxy (`http-proxy-middleware`): its requests match no route. */
  proxied: (at: ts.Node) => boolean;
  /** The GraphQL fields the project declares (resolvers, SDL field lines): what `info.fieldName` takes. */
  graphqlFields: number;
  /** The Mongoose models the project declares: what a model's collection name takes. */
  mongooseModels: number;
  statusCodes: number;
}

/**
 * Values recognised by what they are, not by where they flow: request input, raw URLs, route
 * templates, HTTP methods and status codes, generated ids, timestamps, error text, names that
 * promise one value per entity.
 */
export class KnownSources {
  constructor(
    private readonly project: ProjectIndex,
    private readonly facts: RouteFacts,
  ) {}

  /** Whether the processes where `at` runs forward requests through a reverse proxy (see {@link RouteFacts.proxied}). */
  proxied(at: ts.Node): boolean {
    return this.facts.proxied(at);
  }

  /** `exception.getStatus()` of Nest's `HttpException`: the HTTP status the error carries. */
  statusOfError(name: string, receiver: ts.Expression | undefined): Bound | undefined {
    if (name !== 'getStatus' || !receiver) return undefined;
    const root = skipOuter(receiver);
    if (!ts.isIdentifier(root) || !ERROR_ROOTS.test(root.text)) return undefined;
    return boundedPart('status-code', this.facts.statusCodes, `HTTP status code (${this.facts.statusCodes})`, {
      pattern: '^[1-5][0-9][0-9]$',
    });
  }

  /** A call whose result is unbounded by nature: serialized JSON, random values, ids, timestamps, request input. */
  generatedBy(e: ts.CallExpression, name: string, receiver: ts.Expression | undefined): Bound | undefined {
    const receiverText = receiver ? text(receiver) : '';
    if (name === 'stringify' && receiverText === 'JSON')
      return unbounded('serialized', 'serialized JSON', text(e), [
        this.step(e, '`JSON.stringify` output is unbounded'),
      ]);
    if (name === 'random' && receiverText === 'Math')
      return unbounded('random', 'a random value', text(e), [this.step(e, '`Math.random()` is a random value')]);
    if (UUID_CALLS.has(name))
      return unbounded('uuid', 'a generated id', text(e), [this.step(e, `\`${name}()\` generates a unique id`)]);
    if (
      name &&
      TIMESTAMP_CALLS.has(name) &&
      (receiverText === 'Date' || receiverText === 'performance' || receiverText === 'process' || name !== 'now')
    ) {
      return unbounded('timestamp', 'a timestamp', text(e), [this.step(e, `\`${text(e)}\` is a timestamp`)]);
    }
    if (receiver && REQUEST_INPUT_CALLS.has(name)) {
      const root = chain(receiver);
      // `req.get('x')`, `ctx.get('x')`, `c.req.header('x')`, `request.headers.get('origin')`; not a
      // map the application keeps on a context object (`context.pendingLaunches.get(id)`).
      if (
        root &&
        REQUEST_ROOTS.has(root.names[0]) &&
        (root.names.length === 1 || (root.names.length === 2 && REQUEST_PARTS.has(root.names[1])))
      ) {
        return unbounded('request-input', 'request input', text(e), [this.step(e, `\`${text(e)}\` reads the request`)]);
      }
    }
    return undefined;
  }

  /**
   * `addResult(req: MonkeyRequest<undefined, AddResultRequest>)` where `type AddResultRequest =
   * z.infer<typeof AddResultRequestSchema>`: the handler's request is typed by a validation schema
   * (zod, yup, TypeBox, valibot, io-ts), the contract its router validates the input against before
   * the handler runs (ts-rest, tRPC, a validation middleware). As with `Schema.validate(req.body)`
   * in the handler, the value's type says what gets through. Only the body, query and params count
   * (headers and cookies are never typed so), and only the type's arguments (the input a request
   * type is given), read through type aliases a few steps deep; Express's `Request<P, ResBody,
   * ReqBody, Query>` by position, its response body (the second) never.
   */
  private typedBySchema(root: string, input: string, node: ts.Node): boolean {
    const position = EXPRESS_REQUEST_ARGUMENTS[input];
    if (position === undefined) return false;
    const decl = lookup(root, node);
    if (decl?.kind !== 'parameter' || !decl.node.type || !ts.isTypeReferenceNode(decl.node.type)) return false;
    let type = decl.node.type;
    // `req: SaveScoreRequest` where `type SaveScoreRequest = ApiRequest<undefined, SaveScore>`.
    const alias = !type.typeArguments && ts.isIdentifier(type.typeName) && this.typeAlias(type.typeName);
    if (alias && ts.isTypeReferenceNode(alias.type)) type = alias.type;
    const args = type.typeArguments ?? [];
    const express = (ts.isIdentifier(type.typeName) ? type.typeName.text : type.typeName.right.text) === 'Request';
    const candidates = express ? args.filter((_, i) => i === position) : args;
    return candidates.some((arg) => this.inferredFromSchema(arg, 0));
  }

  private inferredFromSchema(type: ts.TypeNode, depth: number): boolean {
    if (depth > 3) return false;
    let found = false;
    forEachDescendant(type, (n) => {
      if (found) return false;
      if (!ts.isTypeReferenceNode(n)) return;
      if (isSchemaInference(n)) found = true;
      else if (ts.isIdentifier(n.typeName)) {
        const alias = this.typeAlias(n.typeName);
        found = alias !== undefined && this.inferredFromSchema(alias.type, depth + 1);
      }
      if (found) return false;
    });
    return found;
  }

  /**
   * `const toolDef = getToolDefinition(toolName); if (!toolDef) return reply.status(404)…`: past the
   * check, the input is a key the project's table has, not anything a client sends.
   */
  private foundByLookup(node: ts.Node, input: readonly string[]): boolean {
    const want = input.join('.');
    const sameInput = (e: ts.Expression): boolean => {
      const c = chain(skipOuter(e));
      return c !== undefined && this.expandAliases(c.names, e).join('.') === want;
    };
    for (let fn = enclosingFunction(node); fn; fn = enclosingFunction(fn)) {
      const body = (fn as ts.FunctionLikeDeclaration).body;
      if (!body || !ts.isBlock(body)) continue;
      for (const [i, statement] of body.statements.entries()) {
        if (!ts.isVariableStatement(statement)) continue;
        for (const decl of statement.declarationList.declarations) {
          const init = decl.initializer && skipOuter(decl.initializer);
          const keys = !init
            ? []
            : ts.isCallExpression(init)
              ? [...init.arguments]
              : ts.isElementAccessExpression(init)
                ? [init.argumentExpression]
                : [];
          if (!ts.isIdentifier(decl.name) || !keys.some(sameInput)) continue;
          const found = decl.name.text;
          const checked = body.statements.slice(i + 1).some((next) => {
            if (!ts.isIfStatement(next) || !leavesFunction(next.thenStatement)) return false;
            const test = skipOuter(next.expression);
            return (
              ts.isPrefixUnaryExpression(test) &&
              test.operator === ts.SyntaxKind.ExclamationToken &&
              ts.isIdentifier(skipOuter(test.operand)) &&
              (skipOuter(test.operand) as ts.Identifier).text === found
            );
          });
          if (checked) return true;
        }
      }
    }
    return false;
  }

  /** The type alias a type name refers to, in the same file or through an import. */
  private typeAlias(name: ts.Identifier): ts.TypeAliasDeclaration | undefined {
    const decl = this.project.declarationOf(name);
    return decl?.kind === 'type' && ts.isTypeAliasDeclaration(decl.node) ? decl.node : undefined;
  }

  /**
   * `req.baseUrl + req.route.path` is still a template, but one per mount and route: the same
   * router-local path (`/`) under two mounts is two values, so every registration file counts.
   */
  routeWithMount(e: ts.BinaryExpression | ts.TemplateExpression): Bound | undefined {
    // `${req.baseUrl}${req.route.path}`: the same two parts, nothing between them.
    const parts = ts.isBinaryExpression(e)
      ? [e.left, e.right]
      : e.head.text === '' && e.templateSpans.length === 2 && e.templateSpans.every((s) => s.literal.text === '')
        ? e.templateSpans.map((s) => s.expression)
        : undefined;
    if (!parts) return undefined;
    // `${req.baseUrl ?? ''}${req.route?.path ?? ''}`: an empty fallback on either side adds no value of its own.
    const left = chain(withoutEmptyFallback(parts[0]));
    const right = chain(withoutEmptyFallback(parts[1]));
    // `req.baseUrl + req.path` in a handler of a path without parameters is that route's template too.
    const fixedPath = right?.names.at(-1) === 'path' && fixedRoutePaths(e) !== undefined;
    const mounted = left !== undefined && this.mountAndLayer(left.names, parts[1]);
    // `const matched = (req as Request & { route?: … }).route; `${baseUrl}${matched.path}``: the route read through a local.
    const template =
      right && (isRouteTemplate(right.names) || isRouteTemplate(this.expandAliases(right.names, parts[1])));
    if (!mounted && (left?.names.at(-1) !== 'baseUrl' || !right || !(template || fixedPath))) return undefined;
    const routes = this.facts.mountedRoutes(e);
    return this.perRoute(e, 'a mounted route template', {
      source: 'mounted-route-template',
      count: routes,
      reason: `mount + route template (${routes} registration${routes === 1 ? '' : 's'}, counted per router file)`,
      packages: this.facts.routePackages(e),
    });
  }

  /**
   * `route.path + layer.route.path.slice(1)` where `layer` is one of `route.router.stack` (express's
   * layers, walked to wrap each route's handlers): the path a router is mounted at and the template of
   * one of its routes.
   */
  private mountAndLayer(mount: readonly string[], layerPath: ts.Expression): boolean {
    let e = skipOuter(layerPath);
    // `.slice(1)`: the template without its leading `/`.
    if (ts.isCallExpression(e) && propertyName(skipOuter(e.expression)) === 'slice' && e.arguments.length <= 2)
      e = skipOuter((skipOuter(e.expression) as ts.PropertyAccessExpression).expression);
    const layer = chain(e);
    if (!layer || mount.at(-1) !== 'path' || mount.length < 2) return false;
    const names = this.expandAliases(layer.names, e);
    const prefix = mount.slice(0, -1);
    const rest = names.slice(prefix.length);
    return (
      prefix.every((n, i) => names[i] === n) &&
      rest.length === 5 &&
      ['router', 'stack', '[]', 'route', 'path'].every((n, i) => rest[i] === n)
    );
  }

  /**
   * `const { query } = req; query.sort` and `const body = req.body; body.facet`: the access path
   * with local aliases replaced by what they were read from, so request input is still recognised.
   */
  expandAliases(names: string[], node: ts.Node): string[] {
    let expanded = names;
    for (let i = 0; i < 3; i++) {
      const decl = lookup(expanded[0], node);
      // `app.get('/x', ({ query }, res) => …)`: destructured from the request.
      if (decl?.kind === 'parameter' && decl.index === 0 && decl.path.length > 0 && isRequestHandler(decl.fn))
        return ['req', ...decl.path, ...expanded.slice(1)];
      // `c.req.matchedRoutes.filter(…).map((r) => r.path)`: an element of the collection iterated.
      if (decl?.kind === 'parameter' && decl.index === 0) {
        const iterated = iteratedCollection(decl.fn);
        if (iterated) return [...iterated.names, '[]', ...decl.path, ...expanded.slice(1)];
      }
      // `import { env } from 'node:process'`: `env.PORT` is `process.env.PORT`.
      if (decl?.kind === 'import' && isProcessEnv(decl)) return ['process', 'env', ...expanded.slice(1)];
      if (decl?.kind !== 'variable' || !decl.isConst || !decl.node.initializer) return expanded;
      const source = chain(guardedAccess(withoutEmptyFallback(skipOuter(decl.node.initializer))));
      if (!source) return expanded;
      expanded = [...source.names, ...decl.path, ...expanded.slice(1)];
    }
    return expanded;
  }

  /**
   * Whether a request carries a property itself: input the client sends (`body`, `query`,
   * `headers`, …) or what the server sets on every request (`url`, `method`, `route`, `ip`, …).
   */
  requestCarries(name: string): boolean {
    return REQUEST_INPUT_PROPS.has(name) || NATIVE_REQUEST_PROPS.has(name);
  }

  /** What a socket.io client sent, read from a parameter of a handler of its packets (see {@link socketIoInput}). */
  socketIoSent(
    decl: Extract<Declaration, { kind: 'parameter' }>,
    read: readonly string[],
    node: ts.Node,
    source: string,
  ): Bound | undefined {
    return socketIoInput(decl, read)
      ? unbounded('request-input', 'what a socket.io client sends, event names included', source, [
          this.step(node, `\`${source}\` is what the client sent`),
        ])
      : undefined;
  }

  /** Request, response, error and environment properties recognised by their access path. */
  classifyChain(names: string[], node: ts.Expression, source: string, validatedHere = false): Bound | undefined {
    const root = names[0];
    const last = names[names.length - 1];
    // Short names (`c`, `context`, `event`) are a request only as a handler's parameter.
    // Short names (`c`, `ctx`, `event`) are a request only as a handler's parameter: the first one
    // (Hono, koa, Lambda) or any of a registered handler's; not a fetch middleware's `(next, ctx)`.
    if (AMBIGUOUS_ROOTS.has(root)) {
      const decl = lookup(root, node);
      if (decl?.kind !== 'parameter' || (decl.index !== 0 && !isRequestHandler(decl.fn))) return undefined;
    }
    if (root === 'process' && (names[1] === 'env' || PROCESS_CONSTANTS.has(names[1])))
      return boundedPart(`env:${source}`, 1, `\`${source}\` (one value per instance)`);
    if (isRouteTemplate(names)) return this.routeTemplate(node);
    // fastify's `request.routeConfig.statsId` (`routeOptions.config.x`): the matched route's own
    // configuration, written in the code beside the route, one value per route at most.
    if (isRouteConfigValue(names)) return this.routeTemplate(node);
    if (isGraphqlFieldName(names)) return this.graphqlField(node);
    // `info.path.key`: the response key the client chose (an alias: `a1: auction(id: 1)`).
    if (isGraphqlResponseKey(names))
      return unbounded('request-input', 'a GraphQL response key, which the client names', source, [
        this.step(node, `\`${source}\` is the alias the query gives the field`),
      ]);
    if (names.length === 3 && root === 'this' && names[1] === 'constructor' && last === 'name')
      return this.className(node);
    if (isMongooseModelName(names) && this.facts.mongooseModels > 0) return this.mongooseModel();
    // `operation.operation`, `requestContext.operation.operation`: the parsed operation's type.
    if (names.length >= 2 && names[names.length - 2] === 'operation' && last === 'operation')
      return finite(GRAPHQL_OPERATION_TYPES, 'GraphQL operation type');
    // `err.constructor.name` of a caught error: one of the error classes a program throws.
    if (names.length === 3 && ERROR_ROOTS.test(root) && names[1] === 'constructor' && last === 'name')
      return this.errorClassName();
    if (
      last === 'operationId' &&
      names.some((n) => n === 'routeSchema' || n === 'schema' || n === 'routeOptions' || n === 'routeConfig')
    )
      return this.routeOperation(node);
    // `proxyRes.req.host` (http-proxy's `proxyRes` event): the request this process sent upstream,
    // to a target of its own configuration, not the request it received.
    if (UPSTREAM_RESPONSES.test(root) && names[1] === 'req') return undefined;
    const rootDecl = lookup(root, node);
    const sent = rootDecl?.kind === 'parameter' ? this.socketIoSent(rootDecl, names.slice(1), node, source) : undefined;
    if (sent) return sent;
    const requestRoot =
      REQUEST_ROOTS.has(root) ||
      names.includes('req') ||
      names.includes('request') ||
      // `params.event.headers['x-app-version']`: an API Gateway event handed on inside an object.
      names.some((n, i) => n === 'event' && i > 0 && API_GATEWAY_INPUT.includes(names[i + 1]));
    if (requestRoot) {
      // What the application keeps beside the request (koa's `ctx.state`, express's `res.locals`) is its own.
      const appState = names.findIndex((n, i) => i > 0 && APPLICATION_STATE.has(n));
      const inputIndex = names.findIndex(
        (n, i) => i > 0 && REQUEST_INPUT_PROPS.has(n) && (appState < 0 || i < appState),
      );
      if (inputIndex > 0) {
        // `const { error } = Schema.validate(req.body); if (error) return res.status(400)…`: only
        // input the schema accepts gets past the handler's check, and the value's type says what that is.
        if (
          (!validatedHere && validatedIn(node, names.slice(0, inputIndex + 1))) ||
          this.validatedBeforeHandler(node, names[inputIndex], names[inputIndex + 1]) ||
          this.typedBySchema(root, names[inputIndex], node) ||
          this.foundByLookup(node, names)
        )
          return undefined;
        const allowed = routeSchemaValues(node, names[inputIndex], names[inputIndex + 1]);
        if (allowed) return finite(allowed, `values the route's schema allows for \`${source}\``);
        return unbounded('request-input', 'request input', source, [this.step(node, `\`${source}\` is request input`)]);
      }
      // `ctx.state.route.path`: what the application stored beside the request, its own value.
      if (appState > 0) return undefined;
      // `req.baseUrl` alone (express): the path the router serving the request is mounted at.
      if (last === 'baseUrl' && names.length === 2) {
        const mounts = this.mountPaths();
        if (mounts) return finite(mounts, `the paths the project mounts routers at (${mounts.join(', ')})`);
      }
      // `req.method`, `ctx.request.method` (but `req.params.method` is request input, above);
      // fastify's `request.routerMethod`, the method the matched route is registered for.
      if ((last === 'method' || last === 'routerMethod') && names.length <= 3) return httpMethod();
      // `req.path` in `app.get('/l3', (req, res) => …)`: the one path that handler serves (the query
      // string is not part of it; `req.url` keeps it, and stays raw).
      const fixed = last === 'path' ? fixedRoutePaths(node) : undefined;
      if (fixed) return finite(fixed, `the paths of the route it is handled under (${fixed.join(', ')})`);
      if (RAW_URL_PROPS.has(last)) {
        return unbounded('raw-url', 'raw URL', source, [this.step(node, `\`${source}\` is the raw request URL`)]);
      }
    }
    // `options.method` of an HTTP request's options (`fetch(url, init)`, a client's hook): an HTTP method.
    if (last === 'method' && names.length === 2 && REQUEST_OPTIONS.test(root)) return httpMethod();
    // `span.attributes['http.target']`: OpenTelemetry's attributes that hold the raw URL.
    if (names.length >= 2 && RAW_URL_ATTRIBUTES.has(last))
      return unbounded('raw-url', 'raw URL', source, [this.step(node, `\`${source}\` is a raw URL`)]);
    // `statusCode` is a status code whatever holds it (`reply`, `res`, `err`, `upstream`).
    if (
      last === 'statusCode' ||
      (last === 'status' && names.slice(0, -1).some((n) => RESPONSE_ROOTS.has(n) || RESPONSE_NAME.test(n))) ||
      // `error.status`: the HTTP status an HTTP error carries (http-errors, Nest's HttpException).
      (last === 'status' && names.length === 2 && ERROR_ROOTS.test(root))
    ) {
      return boundedPart('status-code', this.facts.statusCodes, `HTTP status code (${this.facts.statusCodes})`, {
        pattern: '^[1-5][0-9][0-9]$',
        ...(runsOnlyOnSuccess(node) && { successOnly: true }),
      });
    }
    if ((last === 'message' || last === 'stack') && names.length >= 2) {
      return unbounded('error-message', 'an error message', source, [this.step(node, `\`${source}\` is free text`)]);
    }
    return undefined;
  }

  /** The method a JSON-RPC message names: what the client sends, where the project serves HTTP. */
  jsonRpcMethod(node: ts.Node, source: string): Bound | undefined {
    if (this.facts.routeRegistrations(node) === 0) return undefined;
    return unbounded('request-input', 'request input', source, [
      this.step(node, `\`${source}\` is the method a JSON-RPC request names, which the client chooses`),
    ]);
  }

  /**
   * `router.post('/process', auth, validateProcessImageInput, processImage)`: a middleware registered
   * before the handler checks `req.body` against a schema and refuses what fails, so the handler
   * only sees what the schema accepts (its type, where obslint can read one, bounds it).
   */
  private validatedBeforeHandler(node: ts.Node, input: string, property: string | undefined): boolean {
    const handler = enclosingFunction(node);
    if (!handler) return false;
    let known = this.checkedBefore.get(handler);
    if (!known) this.checkedBefore.set(handler, (known = new Map<string, boolean>()));
    const key = `${input}.${property ?? ''}`;
    let answer = known.get(key);
    if (answer === undefined) known.set(key, (answer = this.checkedByMiddleware(handler, input, property)));
    return answer;
  }

  private readonly checkedBefore = new Map<ts.SignatureDeclaration, Map<string, boolean>>();

  private checkedByMiddleware(handler: ts.SignatureDeclaration, input: string, property: string | undefined): boolean {
    const inline = ts.isCallExpression(handler.parent) && handler.parent.arguments.includes(handler as ts.Expression);
    const registrations = inline ? [handler.parent] : (this.handlersRegistered().get(handler) ?? []);
    return registrations.some((call) => {
      if (!ROUTE_METHODS.has(propertyName(call.expression) ?? '')) return false;
      const handlers = call.arguments.map((a) => (a === handler ? handler : this.handlerOf(a)));
      return handlers.slice(0, Math.max(handlers.indexOf(handler), 0)).some((middleware) => {
        const request = middleware?.parameters[0]?.name;
        if (request === undefined || !ts.isIdentifier(request)) return false;
        return (
          validatesIn(middleware!, [request.text, input]) ||
          (property !== undefined && this.refusesUnless(middleware!, [request.text, input, property]))
        );
      });
    });
  }

  /**
   * A middleware that ends the request unless a check of the input holds: `if
   * (!validateDestination(ctx, ctx.params.destination)) return;` before `await next()`. The handler
   * after it only sees values the check accepts (how many, obslint cannot tell: it is no longer the
   * client's free choice).
   */
  private refusesUnless(middleware: ts.SignatureDeclaration, input: readonly string[]): boolean {
    const body = (middleware as ts.FunctionLikeDeclaration).body;
    if (!body || !ts.isBlock(body)) return false;
    // `ctx.params.destination`, `ctx.request.body.destType` (koa's `ctx.request`), through aliases.
    const [request, part, property] = input;
    const checks = (e: ts.Expression): boolean => {
      const names = chain(e)?.names;
      const path = names && this.expandAliases(names, e);
      return (
        path !== undefined &&
        path[0] === request &&
        path.length <= 4 &&
        path[path.length - 2] === part &&
        path[path.length - 1] === property
      );
    };
    return body.statements.some((st) => {
      if (!ts.isIfStatement(st) || st.elseStatement || !leavesFunction(st.thenStatement)) return false;
      const condition = skipOuter(st.expression);
      const call =
        ts.isPrefixUnaryExpression(condition) && condition.operator === ts.SyntaxKind.ExclamationToken
          ? skipOuter(condition.operand)
          : undefined;
      return call !== undefined && ts.isCallExpression(call) && call.arguments.some(checks);
    });
  }

  /** A route registration's argument as the function it names (`processImage`, `validators.body`). */
  private handlerOf(arg: ts.Expression): ts.SignatureDeclaration | undefined {
    if (!ts.isIdentifier(arg) && !ts.isPropertyAccessExpression(arg)) return undefined;
    return calledFunction(arg, this.project) ?? this.staticMethod(arg);
  }

  /** `DestinationValidationMiddleware.pathParam`: a static method of a project class, named through the class. */
  private staticMethod(arg: ts.Expression): ts.SignatureDeclaration | undefined {
    const access = skipOuter(arg);
    if (!ts.isPropertyAccessExpression(access) || !ts.isIdentifier(skipOuter(access.expression))) return undefined;
    const decl = this.project.declarationOf(skipOuter(access.expression) as ts.Identifier);
    return decl?.kind === 'class' ? classFunction(decl.node, access.name.text, isStatic) : undefined;
  }

  /**
   * Each named function registered on a route (`router.post('/x', validate, handler)`), with the
   * registrations: found once, over the calls whose first argument is a path.
   */
  private handlersRegistered(): Map<ts.SignatureDeclaration, ts.CallExpression[]> {
    if (this.registered) return this.registered;
    const registered = new Map<ts.SignatureDeclaration, ts.CallExpression[]>();
    for (const method of ROUTE_METHODS)
      for (const call of this.project.callsByName.get(method) ?? []) {
        const [path, ...rest] = call.arguments ?? [];
        if (!ts.isCallExpression(call) || !path || !ts.isStringLiteralLike(path) || !path.text.startsWith('/'))
          continue;
        for (const arg of rest) {
          const fn = this.handlerOf(arg);
          if (!fn) continue;
          const calls = registered.get(fn);
          if (calls) calls.push(call);
          else registered.set(fn, [call]);
        }
      }
    return (this.registered = registered);
  }

  private registered?: Map<ts.SignatureDeclaration, ts.CallExpression[]>;

  /** `this.constructor.name`: the name of the class, or of one of the project's classes extending it. */
  private className(node: ts.Node): Bound | undefined {
    const own = enclosingClass(node);
    if (!own?.name) return undefined;
    const names = new Set(this.project.classesExtending(own).map((cls) => cls.name!.text));
    return finite([...names].sort(), `the class name (\`${own.name.text}\` or a class extending it)`);
  }

  /**
   * `context.getClass().name`, `context.getHandler().name` of a NestJS `ExecutionContext` (in an
   * interceptor or a guard): a controller class or one of its handlers, which the code declares.
   * Counted over the controllers obslint parsed; a project where it parsed none is assumed to
   * have as many as a mid-sized service.
   */
  nestHandlerName(e: ts.Expression): Bound | undefined {
    const call = skipOuter(e);
    if (!ts.isCallExpression(call) || call.arguments.length > 0) return undefined;
    const method = propertyName(skipOuter(call.expression));
    if (method !== 'getClass' && method !== 'getHandler') return undefined;
    const handlers = this.project.nestHandlers();
    const seen = method === 'getClass' ? handlers.size : [...handlers.values()].reduce((n, h) => n + h.length, 0);
    const what = method === 'getClass' ? 'controller class' : 'controller handler';
    return seen > 0
      ? boundedPart(`nest-${method}`, seen, `a ${what} name (${seen} in the project)`)
      : boundedPart(
          `nest-${method}`,
          ASSUMED_NEST_HANDLERS,
          `a ${what} name (the code's own; ${ASSUMED_NEST_HANDLERS} assumed)`,
        );
  }

  /** An error's class name: the built-in errors, the project's own, and as many again for its libraries'. */
  private errorClassName(): Bound {
    const names = [...new Set([...BUILTIN_ERRORS, ...this.project.errorClassNames()])];
    return boundedPart(
      'error-class',
      names.length * 2,
      `an error class name (${names.length} in the language and the project, as many assumed for its libraries)`,
      {
        domain: names,
      },
    );
  }

  /**
   * The paths the project mounts routers at (`app.use('/api/orders', router)`), and `''` for routes
   * of the app itself: what `req.baseUrl` can be, unless a mount path has a parameter
   * (`/users/:id/posts` puts the id in it) or the project mounts none.
   */
  private mountPaths(): string[] | undefined {
    if (this.mounts === undefined) {
      const paths = new Set<string>(['']);
      let open = false;
      for (const call of this.project.callsByName.get('use') ?? []) {
        const first = call.arguments?.[0];
        if (!first || !ts.isStringLiteralLike(first) || !first.text.startsWith('/')) continue;
        if (/[:*(?]/.test(first.text)) open = true;
        paths.add(first.text.replace(/\/$/, ''));
      }
      this.mounts = open || paths.size === 1 ? null : [...paths].sort();
    }
    return this.mounts ?? undefined;
  }

  private mounts?: string[] | null;

  /** A matched route's template (`req.route.path`, or what Hono's `routePath(c)` returns). */
  routeTemplate(node: ts.Node): Bound {
    const routes = this.facts.routeTemplates(node);
    return this.perRoute(node, 'a matched route template', {
      source: 'route-template',
      count: routes.length,
      reason: `matched route template (${routes.length} route${routes.length === 1 ? '' : 's'} registered)`,
      domain: routes,
      packages: this.facts.routePackages(node),
    });
  }

  /**
   * A resolver's `info.fieldName` (or `info.parentType.name`): a field (type) of the project's
   * schema, one of those it declares, not what the client sent (an alias is `info.path.key`).
   */
  private graphqlField(node: ts.Node): Bound {
    const fields = this.facts.graphqlFields;
    if (fields === 0)
      return unknown('a GraphQL field name, but obslint found no schema or resolvers to count', text(node));
    return bounded([
      {
        source: 'graphql-field',
        count: fields,
        reason: `a GraphQL schema field or type (${fields} fields declared by the project's resolvers and SDL)`,
      },
    ]);
  }

  /** A Mongoose model's collection or model name: one per model the project declares. */
  private mongooseModel(): Bound {
    const models = this.facts.mongooseModels;
    return bounded([
      {
        source: 'mongoose-model',
        count: models,
        reason: `a Mongoose model's collection (${models} model${models === 1 ? '' : 's'} declared by the project)`,
      },
    ]);
  }

  /** fastify `request.routeOptions.schema.operationId`: at most one per registered route. */
  private routeOperation(node: ts.Node): Bound {
    const routes = this.facts.routeRegistrations(node);
    const part = {
      source: 'route-operation',
      count: routes,
      reason: `route operationId (at most one per registration, ${routes} registration${routes === 1 ? '' : 's'})`,
    };
    return this.perRoute(node, 'a route operationId', part, '1 for routes without one');
  }

  /** A bound counted from the project's route registrations, plus one value for requests none serves. */
  private perRoute(node: ts.Node, what: string, part: BoundPart, unmatched = '1 for requests no route matched'): Bound {
    if (part.count === 0) return unknown(`${what}, but obslint found no route registrations to count`, text(node));
    // In a Nest interceptor or guard the route always matched: no value for requests none serves.
    if (inMatchedNestRoute(node)) return bounded([part]);
    return bounded([part, { source: 'route-unmatched', count: 1, reason: unmatched, replaceable: true }]);
  }

  /**
   * A value obslint cannot follow but whose access says it is fixed per process: a property of the
   * configuration (`config.JOB_INTERVAL`, `this.settings.region`).
   */
  configured(names: string[], node: ts.Node, source: string): Bound | undefined {
    if (names.length < 2 || !holdsConfiguration(names, node, names[names.length - 1])) return undefined;
    return boundedPart(`config:${source}`, 1, `\`${source}\`, a configuration value (one value per instance)`);
  }

  /**
   * A call obslint cannot follow whose name says its result is fixed per process: a configuration
   * read with a constant key (`config.get('region')`, `configService.get('REGION')`) or a getter of
   * the running build's version (`appInfo.getVersion()`, `getGitHash()`).
   */
  fixedPerProcess(e: ts.CallExpression, name: string, receiver: ts.Expression | undefined): Bound | undefined {
    if (e.arguments.length === 0 && VERSION_GETTERS.test(name))
      return boundedPart(
        `version:${text(e)}`,
        1,
        `\`${text(e)}\`, the running build's version (one value per instance)`,
      );
    const key = e.arguments[0];
    const holder = receiver && chain(receiver)?.names;
    if (
      (name === 'get' || name === 'getOrThrow') &&
      key &&
      ts.isStringLiteralLike(key) &&
      holder &&
      holdsConfiguration([...holder, key.text], e, key.text)
    )
      return boundedPart(`config:${text(e)}`, 1, `\`${text(e)}\`, a configuration value (one value per instance)`);
    return undefined;
  }

  byName(name: string, node: ts.Node): Bound | undefined {
    // A GraphQL operation's name is written by the client, whatever carries it (graphql-ws's
    // `payload.operationName` in `onSubscribe`), where obslint cannot follow it to the request;
    // not what the application keeps beside the request (`ctx.state`, `res.locals`): its own value.
    const kept =
      ts.isPropertyAccessExpression(node) && chain(node)?.names.some((n, i) => i > 0 && APPLICATION_STATE.has(n));
    if (name === 'operationName' && ts.isPropertyAccessExpression(node) && !kept)
      return unbounded('request-input', 'a GraphQL operation name, which the client writes', text(node), [
        this.step(node, `\`${text(node)}\` is the name the client gave its operation`),
      ]);
    const hashed = chainHash(name, node);
    if (hashed)
      return unbounded('hash', 'a block or transaction hash', text(node), [
        this.step(node, `\`${text(node)}\` is a block or transaction hash, one per block or transaction`),
      ]);
    // `checkpoint.number`, `block.number`: the number of a block or a checkpoint, which only grows.
    const category =
      categoryOfName(name) ?? (name === 'number' && numberedInSequence(node) ? ('sequence' as const) : undefined);
    if (!category) return undefined;
    // `region.id`, `model.id`: the id of something a service has few of, as `regionId` is.
    if (category === 'id' && /^id$/i.test(name) && ts.isPropertyAccessExpression(node)) {
      const owner = holderName(node);
      if (owner !== undefined && boundedIdName(`${owner}Id`)) return undefined;
    }
    const what =
      category === 'id'
        ? 'an id'
        : category === 'email'
          ? 'an email address'
          : category === 'user-name'
            ? "a user's name"
            : category === 'credential'
              ? 'an API key or token'
              : category === 'sequence'
                ? 'a sequence number'
                : 'a timestamp';
    return unbounded(category, what, text(node), [this.step(node, `\`${text(node)}\` is ${what}`)]);
  }

  step(node: ts.Node, message: string): FlowStep {
    return { loc: this.project.location(node), message };
  }
}

const RESPONSE_PARAMS = new Set(['res', 'response', 'reply']);

/** Fixed for the life of a process: one value per instance, like its environment. */
const PROCESS_CONSTANTS = new Set([
  'version',
  'platform',
  'arch',
  'pid',
  'title',
  'execPath',
  'versions',
  'release',
  'argv0',
]);

/** A function registered as a route handler or middleware, or shaped like one (`(req, res)`). */
export function isRequestHandler(fn: ts.SignatureDeclaration): boolean {
  const second = fn.parameters[1];
  if (second && ts.isIdentifier(second.name) && RESPONSE_PARAMS.has(second.name.text)) return true;
  const parent = fn.parent;
  if (!parent || !ts.isCallExpression(parent)) return false;
  const method = propertyName(parent.expression);
  return method !== undefined && (ROUTE_METHODS.has(method) || method === 'use');
}

/**
 * The access path of the array a callback iterates (`rows.filter(…).map((r) => …)` → `rows`), for a
 * callback passed to an array method; chained `filter`/`slice`/`sort` keep the elements.
 */
function iteratedCollection(fn: ts.SignatureDeclaration): { names: string[] } | undefined {
  if (!(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) || !ts.isCallExpression(fn.parent)) return undefined;
  let callee = skipOuter(fn.parent.expression);
  if (!ts.isPropertyAccessExpression(callee) || !ARRAY_ITERATORS.has(callee.name.text)) return undefined;
  let base = skipOuter(callee.expression);
  while (ts.isCallExpression(base)) {
    callee = skipOuter(base.expression);
    if (!ts.isPropertyAccessExpression(callee) || !ELEMENT_KEEPING.has(callee.name.text)) return undefined;
    base = skipOuter(callee.expression);
  }
  return chain(base);
}

/**
 * socket.io's incoming packets: `socket.onevent = (packet) => …` (a hook on every event, `packet.data`
 * the event name and its arguments) and `socket.onAny((event, ...args) => …)`.
 */
function socketIoInput(decl: Extract<Declaration, { kind: 'parameter' }>, read: readonly string[]): boolean {
  const holder = decl.fn.parent;
  if (
    holder &&
    ts.isBinaryExpression(holder) &&
    holder.right === decl.fn &&
    propertyName(skipOuter(holder.left)) === 'onevent'
  )
    return decl.index === 0 && [...decl.path, ...read][0] === 'data';
  return (
    holder !== undefined &&
    ts.isCallExpression(holder) &&
    holder.arguments[0] === decl.fn &&
    SOCKET_IO_LISTENERS.has(propertyName(holder.expression) ?? '')
  );
}

const SOCKET_IO_LISTENERS = new Set(['onAny', 'prependAny']);

/** What a request carries by itself (express, fastify, koa, node), beside the client's input. */
const NATIVE_REQUEST_PROPS = new Set([
  'url',
  'originalUrl',
  'path',
  'method',
  'baseUrl',
  'route',
  'routeOptions',
  'routerPath',
  'ip',
  'ips',
  'hostname',
  'host',
  'protocol',
  'socket',
  'raw',
]);

function isRouteTemplate(names: string[]): boolean {
  return ROUTE_TEMPLATE_SUFFIXES.some(
    (suffix) =>
      suffix.length <= names.length - 1 && suffix.every((s, i) => names[names.length - suffix.length + i] === s),
  );
}

/** Schema libraries' checks (Joi, zod, yup, ajv-style `validate`) that throw on invalid input. */
const THROWING_CHECKS = new Set(['parse', 'parseAsync', 'validateSync', 'assert', 'attempt']);
/** Checks that return their verdict (`{ error }`, `{ success }`): the handler must act on it. */
const RETURNING_CHECKS = new Set(['validate', 'validateAsync', 'safeParse', 'safeParseAsync']);

/**
 * Whether the handler around `node` checks the request input `input` (`req.body`) against a schema
 * and returns or throws when the check fails: `Schema.validate(req.body)` followed by `if (error)
 * return …`, or a check that throws itself (`schema.parse(req.body)`, `Joi.attempt(req.body, schema)`).
 */
function validatedIn(node: ts.Node, input: readonly string[]): boolean {
  const fn = enclosingFunction(node);
  return fn !== undefined && validatesIn(fn, input);
}

/** Whether a function checks `input` against a schema and refuses (throws, returns) what fails. */
function validatesIn(fn: ts.SignatureDeclaration, input: readonly string[]): boolean {
  const body = (fn as ts.FunctionLikeDeclaration).body;
  if (!body) return false;
  const same = (e: ts.Expression): boolean => chain(e)?.names.join('.') === input.join('.');
  let validated = false;
  forEachDescendant(body, (n) => {
    if (validated) return false;
    if (n !== body && ts.isFunctionLike(n)) return false;
    // A schema's method (`Schema.validate(…)`, `Joi.attempt(…)`), not a bare `assert(req.body)`.
    if (!ts.isCallExpression(n) || !ts.isPropertyAccessExpression(skipOuter(n.expression))) return;
    const method = propertyName(n.expression) ?? '';
    if (!THROWING_CHECKS.has(method) && !RETURNING_CHECKS.has(method)) return;
    if (!n.arguments.some((a) => same(a))) return;
    validated = THROWING_CHECKS.has(method) || exitsOnFailure(n);
  });
  return validated;
}

/** Where a Fastify route schema describes each request input. */
const ROUTE_SCHEMA_PARTS: Record<string, readonly string[]> = {
  body: ['body'],
  query: ['querystring', 'query'],
  params: ['params'],
  headers: ['headers'],
};

/**
 * `server.post('/', { schema: { body: { properties: { reason: { enum: [...] } } } } }, handler)`:
 * Fastify checks the request against the route's JSON schema before the handler runs, so a property
 * the schema restricts to an `enum` (or a `const`) takes only those values.
 */
function routeSchemaValues(node: ts.Node, input: string, property: string | undefined): string[] | undefined {
  const parts = ROUTE_SCHEMA_PARTS[input];
  if (!parts || property === undefined) return undefined;
  let fn = enclosingFunction(node);
  while (fn && !(ts.isCallExpression(fn.parent) && ROUTE_METHODS.has(propertyName(fn.parent.expression) ?? '')))
    fn = enclosingFunction(fn);
  const registration = fn?.parent;
  if (!registration || !ts.isCallExpression(registration)) return undefined;
  for (const options of registration.arguments) {
    const schema = member(options, 'schema');
    const part = schema && parts.map((p) => member(schema, p)).find((x) => x !== undefined);
    const spec = part && member(member(part, 'properties'), property);
    const allowed = spec && member(spec, 'enum');
    if (allowed && ts.isArrayLiteralExpression(allowed) && allowed.elements.every(ts.isStringLiteralLike))
      return allowed.elements.map((e) => (e as ts.StringLiteralLike).text);
    const only = spec && member(spec, 'const');
    if (only && ts.isStringLiteralLike(only)) return [only.text];
  }
  return undefined;
}

/** A property of an object literal, written in place or held in a `const`. */
function member(holder: ts.Expression | undefined, key: string): ts.Expression | undefined {
  let object = holder && skipOuter(holder);
  if (object && ts.isIdentifier(object)) {
    const decl = lookup(object.text, object);
    object =
      decl?.kind === 'variable' && decl.isConst && decl.path.length === 0 && decl.node.initializer
        ? skipOuter(decl.node.initializer)
        : undefined;
  }
  return object && literalProperty(object, [key]);
}

/** The request input a schema may type, and its type argument in Express's `Request<P, ResBody, ReqBody, Query>`. */
const EXPRESS_REQUEST_ARGUMENTS: Record<string, number> = { params: 0, body: 2, query: 3 };

/** Names of the types a validation library infers from a schema: `z.infer`, `z.output`, `yup.InferType`, `Static`, `v.InferOutput`, `t.TypeOf`. */
const SCHEMA_INFERENCES = new Set([
  'infer',
  'input',
  'output',
  'Infer',
  'InferType',
  'InferOutput',
  'Static',
  'TypeOf',
]);

/** `z.infer<typeof Schema>` and its kin: a type computed from a schema value (`typeof` it). */
function isSchemaInference(type: ts.TypeReferenceNode): boolean {
  const name = ts.isQualifiedName(type.typeName) ? type.typeName.right.text : type.typeName.text;
  return SCHEMA_INFERENCES.has(name) && (type.typeArguments ?? []).some(ts.isTypeQueryNode);
}

/** `const { error } = check(…); if (error) return …` (or `if (!result.success) throw …`): the check's failure ends the handler. */
function exitsOnFailure(check: ts.CallExpression): boolean {
  let statement: ts.Node = check;
  while (statement.parent && !ts.isBlock(statement.parent) && !ts.isSourceFile(statement.parent))
    statement = statement.parent;
  const block = statement.parent;
  if (!block || !ts.isBlock(block)) return false;
  const next = block.statements[block.statements.indexOf(statement as ts.Statement) + 1];
  if (!next || !ts.isIfStatement(next)) return false;
  const then = next.thenStatement;
  const last = ts.isBlock(then) ? then.statements[then.statements.length - 1] : then;
  return last !== undefined && (ts.isReturnStatement(last) || ts.isThrowStatement(last));
}

/** `a.b.c` (optional chains and `!` included) as names; undefined for anything else. */
export function chain(expr: ts.Expression): { names: string[] } | undefined {
  const names: string[] = [];
  let e: ts.Expression = skipOuter(expr);
  for (;;) {
    if (ts.isPropertyAccessExpression(e)) {
      names.unshift(e.name.text);
      e = skipOuter(e.expression);
    } else if (ts.isElementAccessExpression(e)) {
      names.unshift(ts.isStringLiteralLike(e.argumentExpression) ? e.argumentExpression.text : '[]');
      e = skipOuter(e.expression);
    } else if (ts.isIdentifier(e)) {
      names.unshift(e.text);
      return { names };
    } else if (e.kind === ts.SyntaxKind.ThisKeyword) {
      names.unshift('this');
      return { names };
    } else {
      return undefined;
    }
  }
}

export function text(node: ts.Node): string {
  return shortened(node.getText().replace(/\s+/g, ' '));
}

/** Source text or a type as a message quotes it: at most 60 characters. */
export function shortened(t: string): string {
  return t.length > 60 ? `${t.slice(0, 57)}...` : t;
}

/**
 * The literal paths of the route whose handler `node` is in, when none has parameters or wildcards
 * (`app.get('/l3', (req, res) => …)`, `app.get(['/l2', '/l2Cache'], …)`); undefined anywhere else.
 */
function fixedRoutePaths(node: ts.Node): string[] | undefined {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if (!ts.isFunctionLike(n)) continue;
    // A callback inside the handler (`.then(…)`, a local helper) runs for the handler's requests too.
    const call = n.parent;
    if (!call || !ts.isCallExpression(call) || !call.arguments.includes(n as unknown as ts.Expression)) continue;
    const method = propertyName(skipOuter(call.expression));
    const path = call.arguments[0] && skipOuter(call.arguments[0]);
    if (method === undefined || !ROUTE_METHODS.has(method) || !path) continue;
    const literals = ts.isArrayLiteralExpression(path) ? path.elements.map(skipOuter) : [path];
    const paths = literals.map((p) => (ts.isStringLiteralLike(p) && /^\/[\w./-]*$/.test(p.text) ? p.text : undefined));
    return paths.length > 0 && paths.every((p) => p !== undefined) ? paths : undefined;
  }
  return undefined;
}

/**
 * `event.queryStringParameters || {}`, `req.baseUrl || ''`: the value read, when the fallback is an
 * empty object or string.
 */
/** `req && req.params`: the access the guard protects. */
function guardedAccess(e: ts.Expression): ts.Expression {
  if (!ts.isBinaryExpression(e) || e.operatorToken.kind !== ts.SyntaxKind.AmpersandAmpersandToken) return e;
  const guard = chain(e.left);
  const access = chain(e.right);
  return guard && access && guard.names.every((n, i) => access.names[i] === n) ? skipOuter(e.right) : e;
}

/** `x || []`, `x ?? ''`: `x`, whose empty fallback adds no value of its own. */
export function withoutEmptyFallback(expr: ts.Expression): ts.Expression {
  const e = skipOuter(expr);
  if (
    ts.isBinaryExpression(e) &&
    (e.operatorToken.kind === ts.SyntaxKind.BarBarToken || e.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken)
  ) {
    const fallback = skipOuter(e.right);
    if (ts.isObjectLiteralExpression(fallback) && fallback.properties.length === 0) return skipOuter(e.left);
    if (ts.isArrayLiteralExpression(fallback) && fallback.elements.length === 0) return skipOuter(e.left);
    if (ts.isStringLiteralLike(fallback) && fallback.text === '') return skipOuter(e.left);
  }
  return e;
}

/** One of the HTTP methods, in either case. */
function httpMethod(): Bound {
  return boundedPart('http-method', HTTP_METHODS.length, `HTTP method (${HTTP_METHODS.length})`, {
    domain: [...HTTP_METHODS, ...HTTP_METHODS.map((m) => m.toLowerCase())],
  });
}

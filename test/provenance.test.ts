import { describe, expect, it } from 'vitest';
import { analyze } from '../src/api.js';
import type { Bound } from '../src/types.js';
import { tempProject } from './helpers/cli.js';

/**
 * Each case is a service file whose `track(...)` call labels `checkout_requests_total{value}`;
 * the bound obslint gives that label is checked against what the code can really produce.
 */
async function boundOf(code: string, extraFiles: Record<string, string> = {}): Promise<Bound> {
  const dir = tempProject({
    'src/metrics.ts':
      "import { Counter } from 'prom-client';\nexport const checkouts = new Counter({ name: 'checkout_requests_total', help: 'Checkouts', labelNames: ['value'] });\n",
    'src/service.ts': `import { checkouts } from './metrics.js';\n${code}\n`,
    ...extraFiles,
  });
  const result = await analyze({ cwd: dir, paths: ['.'] });
  const uses = result.catalog.labelUses.filter((u) => u.label === 'value');
  expect(uses.length).toBeGreaterThan(0);
  const { union } = await import('../src/model/bounds.js');
  return union(uses.map((u) => u.bound))!;
}

const summary = (b: Bound): string => {
  switch (b.kind) {
    case 'finite':
      return `finite ${b.values.join(',')}`;
    case 'bounded':
      return `bounded ${b.count}`;
    case 'unbounded':
      return `unbounded ${b.category}`;
    case 'unknown':
      return 'unknown';
  }
};

describe('label value provenance', () => {
  const cases: [string, string, string][] = [
    ['string literal', "checkouts.inc({ value: 'card' });", 'finite card'],
    [
      'ternary of literals',
      "export function f(ok: boolean) { checkouts.inc({ value: ok ? 'ok' : 'failed' }); }",
      'finite failed,ok',
    ],
    [
      'literal union parameter type',
      "type Method = 'card' | 'paypal' | 'invoice';\nexport function f(m: Method) { checkouts.inc({ value: m }); }",
      'finite card,invoice,paypal',
    ],
    [
      'enum parameter',
      "enum Tier { Free = 'free', Pro = 'pro' }\nexport function f(t: Tier) { checkouts.inc({ value: t }); }",
      'finite free,pro',
    ],
    [
      'boolean parameter',
      'export function f(retry: boolean) { checkouts.inc({ value: String(retry) }); }',
      'finite false,true',
    ],
    [
      'as const tuple element type',
      "const REGIONS = ['eu', 'us', 'ap'] as const;\ntype Region = (typeof REGIONS)[number];\nexport function f(r: Region) { checkouts.inc({ value: r }); }",
      'finite ap,eu,us',
    ],
    [
      'keyof typeof object',
      'const PLANS = { free: 0, team: 10 };\nexport function f(p: keyof typeof PLANS) { checkouts.inc({ value: p }); }',
      'finite free,team',
    ],
    [
      'template literal type',
      "type Size = 'small' | 'large';\nexport function f(s: `${Size}-box`) { checkouts.inc({ value: s }); }",
      'finite large-box,small-box',
    ],
    [
      'for-of over const array',
      "const STEPS = ['cart', 'address', 'payment'];\nfor (const step of STEPS) checkouts.inc({ value: step });",
      'finite address,cart,payment',
    ],
    [
      'for-of over Object.values of an enum',
      "enum Channel { Email = 'email', Sms = 'sms' }\nfor (const channel of Object.values(Channel)) checkouts.inc({ value: channel }, 0);",
      'finite email,sms',
    ],
    [
      'forEach over a const array',
      "const QUEUES = ['mail', 'sms'] as const;\nQUEUES.forEach((queue) => checkouts.inc({ value: queue }, 0));",
      'finite mail,sms',
    ],
    [
      'for…of over Object.entries, destructured',
      "const QUEUES = { mail: 'mail-out', sms: 'sms-out' };\nfor (const [name, topic] of Object.entries(QUEUES)) checkouts.inc({ value: name }, topic.length);",
      'finite mail,sms',
    ],
    [
      'forEach over Object.entries, destructured',
      "const QUEUES = { mail: 'mail-out', sms: 'sms-out' };\nObject.entries(QUEUES).forEach(([, topic]) => checkouts.inc({ value: topic }, 0));",
      'finite mail-out,sms-out',
    ],
    [
      'for…of over constant records, destructured by name',
      "const STEPS = [{ id: 'cart' }, { id: 'pay' }];\nfor (const { id } of STEPS) checkouts.inc({ value: id });",
      'finite cart,pay',
    ],
    [
      'literals at every call site',
      "function record(step: string) { checkouts.inc({ value: step }); }\nrecord('cart');\nrecord('payment');",
      'finite cart,payment',
    ],
    [
      'function returning literals',
      "function bucket(ms: number) { if (ms < 100) return 'fast'; return ms < 1000 ? 'ok' : 'slow'; }\nexport function f(ms: number) { checkouts.inc({ value: bucket(ms) }); }",
      'finite fast,ok,slow',
    ],
    ['HTTP method', 'export function f(req: any) { checkouts.inc({ value: req.method }); }', 'bounded 9'],
    ['status code', 'export function f(res: any) { checkouts.inc({ value: res.statusCode }); }', 'bounded 20'],
    ['process.env', 'checkouts.inc({ value: process.env.REGION });', 'bounded 1'],
    [
      'request param',
      'export function f(req: any) { checkouts.inc({ value: req.params.cartId }); }',
      'unbounded request-input',
    ],
    [
      'a request parameter named method',
      'export function f(req: any) { checkouts.inc({ value: req.params.method }); }',
      'unbounded request-input',
    ],
    [
      'request header via get()',
      "export function f(req: any) { checkouts.inc({ value: req.get('user-agent') }); }",
      'unbounded request-input',
    ],
    ['raw url', 'export function f(req: any) { checkouts.inc({ value: req.originalUrl }); }', 'unbounded raw-url'],
    [
      'id by name',
      'export function f(order: { customerId: string }) { checkouts.inc({ value: order.customerId }); }',
      'unbounded id',
    ],
    [
      'email by name',
      'export function f(user: { email: string }) { checkouts.inc({ value: user.email }); }',
      'unbounded email',
    ],
    [
      'uuid',
      "import { randomUUID } from 'node:crypto';\nexport function f() { checkouts.inc({ value: randomUUID() }); }",
      'unbounded uuid',
    ],
    ['timestamp', 'export function f() { checkouts.inc({ value: new Date().toISOString() }); }', 'unbounded timestamp'],
    [
      'error message',
      'export function f(err: Error) { checkouts.inc({ value: err.message }); }',
      'unbounded error-message',
    ],
    [
      'caught error',
      "try { JSON.parse('x'); } catch (e) { checkouts.inc({ value: String(e) }); }",
      'unbounded error-message',
    ],
    [
      'JSON.stringify',
      'export function f(cart: object) { checkouts.inc({ value: JSON.stringify(cart) }); }',
      'unbounded serialized',
    ],
    [
      'path built from an id',
      'export function f(orderId: string) { checkouts.inc({ value: `/orders/${orderId}` }); }',
      'unbounded literal-path',
    ],
    [
      'open string parameter with no callers',
      'export function f(step: string) { checkouts.inc({ value: step }); }',
      'unknown',
    ],
    [
      'interface property type (type checker)',
      "interface Cart { channel: 'web' | 'app' }\nexport function f(cart: Cart) { checkouts.inc({ value: cart.channel }); }",
      'finite app,web',
    ],
    [
      'inferred union (type checker)',
      "export function f(express: boolean) { const speed = express ? 'express' : 'standard'; const label = speed; checkouts.inc({ value: label.valueOf() }); }",
      'finite express,standard',
    ],
    [
      'a constant whose path looks like an error message',
      "const KIND = { message: 'message' } as const;\ncheckouts.inc({ value: KIND.message });",
      'finite message',
    ],
    [
      'a constant object named like a request context',
      "const c = { host: 'db-primary' } as const;\ncheckouts.inc({ value: c.host });",
      'finite db-primary',
    ],
    [
      'a timestamp by name',
      'export function f(event: { eventTimestamp: number }) { checkouts.inc({ value: event.eventTimestamp }); }',
      'unbounded timestamp',
    ],
    [
      'logical and of booleans',
      'export function f(before: boolean, after: boolean) { checkouts.inc({ value: String(!before && after) }); }',
      'finite false,true',
    ],
    [
      'a function whose return type is a union maps anything onto it',
      "type Plan = 'free' | 'team';\nfunction toPlan(raw: string): Plan { return raw === 'team' ? raw : 'free'; }\nexport function f(req: any) { checkouts.inc({ value: toPlan(req.body.plan) }); }",
      'finite free,team',
    ],
    [
      'a let counter is not its initializer',
      'export function f(n: number) { for (let i = 0; i < n; i++) checkouts.inc({ value: `attempt-${i}` }); }',
      'unknown',
    ],
    [
      'lookup table indexed by request input',
      "const REASONS = { 1: 'shutdown', 2: 'fault' } as const;\nexport function f(req: any) { checkouts.inc({ value: REASONS[req.body.code] ?? 'other' }); }",
      'finite fault,other,shutdown,undefined',
    ],
    [
      'ids of bounded things are not ids',
      'export function f(job: { workerId: string }) { checkouts.inc({ value: job.workerId }); }',
      'unknown',
    ],
    [
      'property of an untyped object',
      'export function f(cart: any) { checkouts.inc({ value: cart.kind }); }',
      'unknown',
    ],
    [
      'property of an object built with a spread',
      "export function f(request: { path: string }, req: any) { const h = { ...req, type: 'http' }; checkouts.inc({ value: h.path }); }",
      'unbounded raw-url',
    ],
    [
      'property of a parameter, from its callers',
      "function f(job: { kind: string }) { checkouts.inc({ value: job.kind }); }\nf({ kind: 'sync' });\nf({ kind: 'async' });",
      'finite async,sync',
    ],
    [
      'literals passed outrank an id-like parameter name',
      "function failed(id: string) { checkouts.inc({ value: id }); }\nfailed('missingBlock');\nfailed('timeout');",
      'finite missingBlock,timeout',
    ],
    [
      'a module constant obslint cannot read is one value',
      "import { networks } from './networks.js';\nconst CHAIN_ID = networks.acala;\ncheckouts.inc({ value: CHAIN_ID });",
      'finite networks.acala',
    ],
    [
      'an id generated once per process is one value per instance',
      "import { randomUUID } from 'node:crypto';\nconst BOOT_ID = randomUUID();\nexport function f() { checkouts.inc({ value: BOOT_ID }); }",
      'bounded 1',
    ],
    [
      'an id generated in a function any request may call is not',
      "import { randomUUID } from 'node:crypto';\nfunction traceId() { return randomUUID(); }\nexport function f() { checkouts.inc({ value: traceId() }); }\nexport function g() { checkouts.inc({ value: traceId() }); }",
      'unbounded uuid',
    ],
    [
      'what the functions every caller passes for a function parameter return',
      "function timed(getStatus?: (r: number) => string) { checkouts.inc({ value: getStatus?.(1) || 'success' }); }\ntimed((r) => (r > 0 ? 'hit' : 'miss'));\ntimed();",
      'finite hit,miss,success',
    ],
    [
      "what the application keeps in koa's ctx.state is not request input",
      'export function f(ctx: any) { checkouts.inc({ value: ctx.state.graphql.operationName }); }',
      'unknown',
    ],
    [
      "a GraphQL request's operation name is request input",
      'export function f(request: { operationName?: string }) { checkouts.inc({ value: request.operationName }); }',
      'unbounded request-input',
    ],
    [
      "a GraphQL operation's name is the client's, whatever object carries it (graphql-ws's subscribe payload)",
      'export function f(payload: any) { checkouts.inc({ value: payload.operationName }); }',
      'unbounded request-input',
    ],
    [
      'statusCode is a status code whatever holds it',
      'export function f(upstream: any) { checkouts.inc({ value: upstream.statusCode }); }',
      'bounded 20',
    ],
    [
      'a listener parameter is not an id by its name',
      "import { EventEmitter } from 'node:events';\nconst bus = new EventEmitter();\nbus.on('failed', (id: string) => checkouts.inc({ value: id }));",
      'unknown',
    ],
    [
      'an id-like name with no caller is an id',
      'export function failed(id: string) { checkouts.inc({ value: id }); }',
      'unbounded id',
    ],
    [
      'process constants are one value per instance',
      'checkouts.inc({ value: `${process.platform}-${process.arch}-${process.version}` });',
      'bounded 1',
    ],
    [
      'counter of a loop with a constant limit',
      'const SHARDS = 4;\nfor (let shard = 0; shard < SHARDS; shard++) checkouts.inc({ value: String(shard) });',
      'finite 0,1,2,3',
    ],
    [
      'counter written in the loop body is not bounded by the header',
      'for (let i = 0; i < 4; i++) { i += Math.random() > 0.5 ? 1 : 0; checkouts.inc({ value: String(i) }); }',
      'unknown',
    ],
    [
      'listener parameter takes what the event is emitted with',
      "import { EventEmitter } from 'node:events';\nconst bus = new EventEmitter();\nbus.on('paid', (method: string) => checkouts.inc({ value: method }));\nbus.emit('paid', 'card');\nbus.emit('paid', 'sepa');",
      'finite card,sepa',
    ],
    [
      'listener of an event emitted through a helper that takes the event name, per event',
      "import { EventEmitter } from 'node:events';\nconst bus = new EventEmitter();\nfunction publish(event: string, payload: { method: string }) { bus.emit(event, payload); }\nbus.on('paid', (p: { method: string }) => checkouts.inc({ value: p.method }));\nexport const card = () => publish('paid', { method: 'card' });\nexport const sepa = () => publish('paid', { method: 'sepa' });\nexport const signup = (email: string) => publish('signup', { method: email });",
      'finite card,sepa',
    ],
    [
      'loop variable over an array literal passed down',
      "export function watch(methods: string[]) { for (const m of methods) checkouts.inc({ value: m }); }\nwatch(['card', 'sepa']);",
      'finite card,sepa',
    ],
    [
      'loop variable over an array the code appends to is not the literal',
      "export function watch(extra: string) { const methods = ['card']; methods.push(extra); for (const m of methods) checkouts.inc({ value: m }); }",
      'unknown',
    ],
    [
      'kafkajs eachMessage topic is a subscribed topic',
      "import { Kafka } from 'kafkajs';\nexport async function run(kafka: Kafka) { const consumer = kafka.consumer({ groupId: 'g' }); await consumer.subscribe({ topics: ['card', 'sepa'] }); await consumer.run({ eachMessage: async ({ topic }) => { checkouts.inc({ value: topic }); } }); }",
      'finite card,sepa',
    ],
    [
      'kafkajs topic of a consumer subscribed by pattern stays unknown',
      "import { Kafka } from 'kafkajs';\nexport async function run(kafka: Kafka) { const consumer = kafka.consumer({ groupId: 'g' }); await consumer.subscribe({ topics: [/^payments\\./] }); await consumer.run({ eachMessage: async ({ topic }) => { checkouts.inc({ value: topic }); } }); }",
      'unknown',
    ],
    [
      'a hook assigned to a property takes what the class calls it with',
      "class Gateway { onPaid: ((p: { method: string }) => void) | null = null; pay(method: string) { this.onPaid?.({ method }); } }\nconst g = new Gateway();\ng.onPaid = (p) => checkouts.inc({ value: p.method });\nexport const card = () => g.pay('card');\nexport const sepa = () => g.pay('sepa');",
      'finite card,sepa',
    ],
    [
      'a field set from the option each subclass passes to super()',
      "abstract class Method { readonly name: string; constructor(o: { name: string }) { this.name = o.name; } charge() { checkouts.inc({ value: this.name }); } }\nexport class Card extends Method { constructor() { super({ name: 'card' }); } }\nexport class Sepa extends Method { constructor() { super({ name: 'sepa' }); } }",
      'finite card,sepa',
    ],
    [
      'a field also set from request input is unbounded',
      "import type { Request } from 'express';\nexport class Method { name = 'card'; constructor(req: Request) { this.name = req.params.method; } charge() { checkouts.inc({ value: this.name }); } }",
      'unbounded request-input',
    ],
    [
      'an `event` parameter of a function that is no handler takes what its callers pass',
      "function record(event: { channel: string }) { checkouts.inc({ value: event.channel }); }\nexport const card = () => record({ channel: 'card' });",
      'finite card',
    ],
    [
      'the name of a numeric enum member, by reverse mapping',
      'enum Code { Ok = 0, Unimplemented = 12 }\nexport function f() { checkouts.inc({ value: Code[Code.Unimplemented] }); }',
      'finite Unimplemented',
    ],
    [
      'a static readonly table of literals read by key',
      "export class Cache { static readonly methods = { GET: 'get', SET: 'set' } as const; }\nexport function f() { checkouts.inc({ value: Cache.methods.GET }); }",
      'finite get',
    ],
    [
      'an `event` string parameter of a method that is no handler takes what its callers pass',
      "class Push { send(event: string) { checkouts.inc({ value: event }); } }\nconst push = new Push();\nexport const a = () => push.send('block');\nexport const b = () => push.send('mempool');",
      'finite block,mempool',
    ],
    [
      'a static field with a literal, never reassigned, passed by callers',
      "export class Eth { static ethCall = 'eth_call'; static ethGetBalance = 'eth_getBalance'; }\nfunction count(method: string) { checkouts.inc({ value: method }); }\nexport const a = () => count(Eth.ethCall);\nexport const b = () => count(Eth.ethGetBalance);",
      'finite eth_call,eth_getBalance',
    ],
    [
      'labels from a callback parameter whose default the callers leave in place',
      "const defaultLabels = (ok: boolean) => ({ value: ok ? 'ok' : 'failed' });\nexport function track(ok: boolean, labelsOf: (ok: boolean) => { value: string } = defaultLabels) { checkouts.inc(labelsOf(ok)); }\nexport function run() { track(true); track(false); }",
      'finite failed,ok',
    ],
    [
      'the status of a response named so (`gatewayRes?.status`)',
      'export async function f(call: () => Promise<{ status: number }>) { const gatewayRes = await call(); checkouts.inc({ value: String(gatewayRes?.status) }); }',
      'bounded 20',
    ],
    [
      'a block height named so',
      'export function f(block: { header: { height: number } }) { const blockHeight = block.header.height; checkouts.inc({ value: String(blockHeight) }); }',
      'unbounded sequence',
    ],
    [
      'a nonce reassigned from values obslint cannot bound',
      'export function f(tx: any) { let nonce = 0; nonce = tx.nonce; checkouts.inc({ value: String(nonce) }); }',
      'unbounded sequence',
    ],
    [
      'a header read with the Fetch API',
      "export function f(requestContext: any) { checkouts.inc({ value: requestContext.request.http?.headers.get('origin') ?? 'none' }); }",
      'unbounded request-input',
    ],
    [
      "a header read with Express's req.get()",
      "export function f(req: any, res: any) { checkouts.inc({ value: req.get('origin') }); res.end(); }",
      'unbounded request-input',
    ],
    [
      'a get() on something that is not a request stays open',
      "export function f(lookup: { get(key: string): string }) { checkouts.inc({ value: lookup.get('region') }); }",
      'unknown',
    ],
    [
      'an allow-list with an "other" bucket',
      "const CODECS = ['opus', 'vp8'];\nexport function f(codec: string) { checkouts.inc({ value: CODECS.includes(codec) ? codec : 'other' }); }",
      'finite opus,other,vp8',
    ],
    [
      'inside `if (ALLOWED.has(x))` of a Set of literals',
      "const PAYING = new Set(['card', 'sepa']);\nexport function f(method: string) { if (PAYING.has(method)) checkouts.inc({ value: method }); }",
      'finite card,sepa',
    ],
    [
      'past `if (!ALLOWED.includes(x)) return;` the value is one of the listed',
      "const PAYING = ['card', 'sepa'];\nexport function f(method: string) { if (!PAYING.includes(method)) return;\n checkouts.inc({ value: method }); }",
      'finite card,sepa',
    ],
    [
      'past an `if (!…) { …; throw }` block the value is one of the listed',
      "export function f(method: string) { if (!['card', 'sepa'].includes(method)) { console.warn(method); throw new Error('unsupported'); }\n checkouts.inc({ value: method }); }",
      'finite card,sepa',
    ],
    [
      'inside `if ([..].includes(x))` the value is one of the listed',
      "const PAYING = ['card', 'sepa'];\nexport function f(method: string) { if (PAYING.includes(method)) { checkouts.inc({ value: method }); } }",
      'finite card,sepa',
    ],
    [
      'inside `if (x === a || x === b)` the value is one of the two',
      "import type { Request } from 'express';\nexport function f(req: Request) { if (req.query.m === 'card' || req.query.m === 'sepa') checkouts.inc({ value: req.query.m }); }",
      'finite card,sepa',
    ],
    [
      'in a switch case the value is that case',
      "export function f(method: string) { switch (method) { case 'card': case 'sepa': checkouts.inc({ value: method }); break; default: break; } }",
      'finite card,sepa',
    ],
    [
      'outside the guarded branch the value is not narrowed',
      "import type { Request } from 'express';\nexport function f(req: Request) { if (req.query.m === 'card') return; checkouts.inc({ value: String(req.query.m) }); }",
      'unbounded request-input',
    ],
    [
      'a let reassigned only with literals takes each of them',
      "export function f(stream: boolean, client: boolean) { let kind = 'unary'; if (stream) kind = client ? 'bidi' : 'server'; checkouts.inc({ value: kind }); }",
      'finite bidi,server,unary',
    ],
    [
      'a let also reassigned from request input is unbounded',
      "import type { Request } from 'express';\nexport function f(req: Request) { let kind = 'unary'; if (req.query.k) kind = String(req.query.k); checkouts.inc({ value: kind }); }",
      'unbounded request-input',
    ],
    [
      'a let counted up stays what its type allows',
      'export function f() { let attempt = 0; attempt += 1; checkouts.inc({ value: String(attempt) }); }',
      'unknown',
    ],
    [
      'a property of a parameter nobody calls with, by its declared union type',
      "export function handle(job: { kind: 'card' | 'sepa'; ref: string }) { record(job.kind); }\nfunction record(method: string) { checkouts.inc({ value: method }); }",
      'finite card,sepa',
    ],
    [
      'set once when the module loads, an unknown value is one value per instance',
      "import { readFileSync } from 'node:fs';\nconst settings = JSON.parse(readFileSync('settings.json', 'utf8'));\ncheckouts.inc({ value: settings.region });",
      'bounded 1',
    ],
    [
      'set in a loop when the module loads, an unknown value stays unknown',
      "import { readFileSync } from 'node:fs';\nconst settings = JSON.parse(readFileSync('settings.json', 'utf8'));\nfor (const r of settings.regions) checkouts.inc({ value: r });",
      'unknown',
    ],
    [
      'a key of Object.entries over an object whose type declares its keys',
      'type Latency = { p50: number | null; p99: number | null };\nexport function f(byQueue: Record<string, Latency>, q: string) { Object.entries(byQueue[q]).forEach(([p, v]) => checkouts.inc({ value: p }, v ?? 0)); }',
      'finite p50,p99',
    ],
    [
      'a key of a for-of over Object.keys of a typed object',
      'export function f(totals: { card: number; sepa: number }) { for (const k of Object.keys(totals)) checkouts.inc({ value: k }); }',
      'finite card,sepa',
    ],
    [
      'a key of a for-in over a typed object',
      'export function f(totals: { card: number; sepa: number }) { for (const k in totals) checkouts.inc({ value: k }); }',
      'finite card,sepa',
    ],
    [
      'a key of a Record<string, …> stays unknown',
      'export function f(totals: Record<string, number>) { Object.keys(totals).forEach((k) => checkouts.inc({ value: k })); }',
      'unknown',
    ],
    [
      'a property narrowed by a type guard to a union of literal codes',
      "const Codes = { NOT_FOUND: 404 as const, CONFLICT: 409 as const };\ntype Code = (typeof Codes)[keyof typeof Codes];\nfunction hasCode(e: unknown): e is Error & { code: Code } { return typeof (e as any)?.code === 'number'; }\nexport function f(run: () => void) { try { run(); } catch (e) { if (hasCode(e)) checkouts.inc({ value: String(e.code) }); } }",
      'finite 404,409',
    ],
    [
      'a method called through an interface its class implements takes those callers',
      "interface Recorder { record(status: string): void }\nclass CheckoutRecorder implements Recorder { record(status: string) { checkouts.inc({ value: status }); } }\nexport function f(r: Recorder, ok: boolean) { r.record(ok ? '2xx' : '5xx'); }\nexport const recorder: Recorder = new CheckoutRecorder();",
      'finite 2xx,5xx',
    ],
    [
      'a same-named method of an interface the class does not implement is no caller',
      "interface Recorder { record(status: string): void }\ninterface Audit { record(status: string): void }\nclass CheckoutRecorder implements Recorder { record(status: string) { checkouts.inc({ value: status }); } }\nexport function f(r: Recorder, a: Audit, id: string) { r.record('2xx'); a.record(id); }\nexport const recorder: Recorder = new CheckoutRecorder();",
      'finite 2xx',
    ],
    [
      '_.uniqueId() in start-up code called once is one value per instance',
      "import _ from 'lodash';\nasync function runWorker() { const workerId = _.uniqueId('w_'); while (true) { checkouts.inc({ value: workerId }); await new Promise((r) => setTimeout(r, 1000)); } }\nif (require.main === module) { (async () => { await runWorker(); })(); }",
      'bounded 1',
    ],
    [
      '_.uniqueId() in a function a loop calls is a new id each time',
      "import _ from 'lodash';\nfunction track() { checkouts.inc({ value: _.uniqueId('job_') }); }\nfor (const _job of [1, 2, 3]) track();",
      'unbounded uuid',
    ],
    [
      '_.uniqueId() in a constructor of a class built once at start-up',
      "import _ from 'lodash';\nclass Validator { private readonly workerId: string; constructor() { this.workerId = _.uniqueId('v_'); } static create() { return new Validator(); } check() { checkouts.inc({ value: this.workerId }); } }\nfunction main() { const v = Validator.create(); v.check(); }\nmain();",
      'bounded 1',
    ],
    [
      '_.uniqueId() in a constructor of a class built per request is a new id each time',
      "import _ from 'lodash';\nclass Job { private readonly jobRef: string; constructor() { this.jobRef = _.uniqueId('j_'); } run() { checkouts.inc({ value: this.jobRef }); } }\nexport function handle(app: any) { app.post('/jobs', () => new Job().run()); }",
      'unbounded uuid',
    ],
    [
      'a value obslint cannot read, computed in start-up code, is one value per instance',
      "import { loadSettings } from './settings-loader';\nasync function start() { const zone = await loadSettings(); checkouts.inc({ value: zone }); }\nstart();",
      'bounded 1',
    ],
    [
      'a property of the configuration, read per job, is one value per instance',
      'export function makeJob({ config }: { config: { JOB_INTERVAL: number } }) { return () => checkouts.inc({ value: String(config.JOB_INTERVAL) }); }',
      'bounded 1',
    ],
    [
      'a configuration read with a constant key is one value per instance',
      "import config from 'config';\nexport function handle(app: any) { app.post('/pay', () => checkouts.inc({ value: config.get('region') })); }",
      'bounded 1',
    ],
    [
      'a configuration read with a key from the request is not',
      "import config from 'config';\nexport function handle(app: any) { app.post('/pay', (req: any) => checkouts.inc({ value: config.get(req.query.key) })); }",
      'unknown',
    ],
    [
      "an entity's record named config, read in a request, is not the process's configuration",
      "import { loadProviderConfig } from './providers';\nexport async function handle(id: string) { const config = await loadProviderConfig(id); checkouts.inc({ value: config.provider }); }",
      'unknown',
    ],
    [
      "an HTTP client's request config on an error is not the configuration",
      "export function onError(error: { config?: { baseURL?: string } }) { checkouts.inc({ value: error.config?.baseURL ?? 'none' }); }",
      'unknown',
    ],
    [
      "a setting of the service's own config field is one value per instance, whatever its name",
      'export class Bot { constructor(private readonly botConfig: { botId: string }) {} fill() { checkouts.inc({ value: this.botConfig.botId }); } }',
      'bounded 1',
    ],
    [
      'a property read in a constructor only start-up code calls is one value per instance, whatever its name',
      'class Bot { private readonly name: string; constructor(config: { botId: string }) { this.name = config.botId; } run() { checkouts.inc({ value: this.name }); } }\nasync function main() { new Bot(JSON.parse(process.argv[2])).run(); }\nmain();',
      'bounded 1',
    ],
    [
      'a property read in a constructor called per request is not',
      "class Job { private readonly name: string; constructor(config: { jobId: string }) { this.name = config.jobId; } run() { checkouts.inc({ value: this.name }); } }\nexport function handle(app: any) { app.post('/jobs', (req: any) => new Job(req.body).run()); }",
      'unbounded request-input',
    ],
    [
      'a property of the response every handler sets to a constant takes those constants',
      "export function setup(app: any) {\n  app.use((req: any, res: any, next: any) => { res.on('finish', () => checkouts.inc({ value: res.handlerName })); next(); });\n  app.get('/carts', (req: any, res: any) => { res.handlerName = 'listCarts'; res.json([]); });\n  app.post('/carts', (req: any, res: any) => { res.handlerName = 'createCart'; res.sendStatus(201); });\n}",
      'finite createCart,listCarts',
    ],
    [
      'one handler setting it from the request makes it request input again',
      "export function setup(app: any) {\n  app.use((req: any, res: any, next: any) => { res.on('finish', () => checkouts.inc({ value: res.handlerName })); next(); });\n  app.get('/carts', (req: any, res: any) => { res.handlerName = 'listCarts'; res.json([]); });\n  app.post('/carts/:kind', (req: any, res: any) => { res.handlerName = req.params.kind; res.sendStatus(201); });\n}",
      'unknown',
    ],
    [
      "the running build's version from a getter obslint cannot read is one value per instance",
      "import { appInfo } from './app-info';\nexport async function report() { const version = await appInfo.getVersion(); checkouts.inc({ value: version }); }",
      'bounded 1',
    ],
    [
      'a version getter given an argument (a document version) is not',
      "import { store } from './store';\nexport async function report(doc: string) { checkouts.inc({ value: await store.getVersion(doc) }); }",
      'unknown',
    ],
    [
      'a property of an object named settings holding an id is still an id',
      'export function handle(settings: { workspaceId: string }) { checkouts.inc({ value: settings.workspaceId }); }',
      'unbounded id',
    ],
    [
      'a function also handed on as a callback does not run once',
      "import { loadSettings } from './settings-loader';\nasync function tick() { const zone = await loadSettings(); checkouts.inc({ value: zone }); }\ntick();\nsetInterval(tick, 1000);",
      'unknown',
    ],
    [
      'the text before the separator of keys built with a literal prefix',
      "const userKey = (id: string) => 'user:' + id;\nconst teamKey = (id: string) => `team:${id}`;\nfunction timed(cacheKey: string) { const group = cacheKey.split(':')[0]; checkouts.inc({ value: group }); }\nexport function load(req: any) { timed(userKey(req.params.id)); timed(teamKey(req.params.team)); }",
      'finite team,user',
    ],
    [
      'the text before the separator of a key with no literal prefix stays unbounded',
      "function timed(cacheKey: string) { const group = cacheKey.split(':')[0]; checkouts.inc({ value: group }); }\nexport function load(req: any) { timed(req.params.id + ':x'); }",
      'unbounded request-input',
    ],
    [
      'a property of an object a class stores in a field and passes on',
      "class Store { get(key: string, opts?: { bucket: string }) { checkouts.inc({ value: opts?.bucket ?? 'none' }); return key; } }\nconst store = new Store();\nclass Repository { private readonly opts: { bucket: string }; constructor(bucket: string) { this.opts = { bucket }; } read(id: string) { return store.get(id, this.opts); } }\nexport const blocks = new Repository('blocks');\nexport const states = new Repository('states');",
      'finite blocks,none,states',
    ],
    [
      "a Map's get() is no call of a project method named get",
      "class KeyCache { get(cacheKey: string) { checkouts.inc({ value: cacheKey.split(':')[0] }); } }\nconst keyCache = new KeyCache();\nconst cachedTokens = new Map<string, string>();\nexport function load(req: any) { keyCache.get('user:' + req.params.id); return cachedTokens.get(req.params.token); }",
      'finite user',
    ],
    [
      'only the callers whose constant arguments pass the check guarding the use',
      "function record(system: string, func: string) { if (system === 'vm.query') checkouts.inc({ value: func }); }\nexport function f(req: any) { record('vm.query', 'getPairs'); record('vm.query', 'getTokens'); record('api', req.url); }",
      'finite getPairs,getTokens',
    ],
    [
      'a caller whose guarded argument is not constant still counts',
      "function record(system: string, func: string) { switch (system) { case 'vm.query': checkouts.inc({ value: func }); } }\nexport function f(req: any, system: string) { record('vm.query', 'getPairs'); record(system, req.url); }",
      'unbounded raw-url',
    ],
    [
      "a class's name is a constant, in a label and in a guarded caller's argument",
      "class ApiClient {}\nfunction record(system: string, func: string) { if (system === 'vm.query') checkouts.inc({ value: func }); checkouts.inc({ value: system }); }\nexport function f(req: any) { record('vm.query', 'getPairs'); record(ApiClient.name, req.url); }",
      'finite ApiClient,getPairs,vm.query',
    ],
  ];
  for (const [name, code, expected] of cases) {
    it(name, async () => {
      expect(summary(await boundOf(code))).toBe(expected);
    });
  }

  it('follows a value through a parameter across files, naming the source and each hop', async () => {
    const bound = await boundOf('export function recordStep(step: string) { checkouts.inc({ value: step }); }', {
      'src/routes.ts':
        "import { recordStep } from './service.js';\nexport function handler(req: any) { recordStep(req.query.step); }\n",
    });
    expect(bound.kind).toBe('unbounded');
    if (bound.kind !== 'unbounded') return;
    expect(bound.source).toBe('req.query.step');
    expect(bound.flow.map((s) => `${s.loc.file}:${s.loc.line} ${s.message}`)).toEqual([
      'src/routes.ts:2 `req.query.step` is request input',
      'src/service.ts:2 passed to `recordStep(step)`',
      'src/service.ts:2 label `value` of `checkout_requests_total`',
    ]);
  });

  it('links `this.set(...)` inside a collect() callback to its metric', async () => {
    const dir = tempProject({
      'src/queues.ts': [
        "import { Gauge } from 'prom-client';",
        "const QUEUES = ['email', 'sms'] as const;",
        'const depth = new Map<string, number>();',
        "new Gauge({ name: 'notify_queue_depth', help: 'Jobs waiting', labelNames: ['queue'], collect() {",
        '  for (const queue of QUEUES) this.set({ queue }, depth.get(queue) ?? 0);',
        '} });',
      ].join('\n'),
    });
    const result = await analyze({ cwd: dir, paths: ['.'] });
    expect(result.estimates.map((e) => [e.metric, e.series])).toEqual([['notify_queue_depth', 2]]);
  });

  it('follows a recursive function without losing the literals its outer callers pass', async () => {
    const bound = await boundOf(
      "function retry(op: string, attempt: number): void { checkouts.inc({ value: op }); if (attempt < 3) retry(op, attempt + 1); }\nretry('reserve', 0);\nretry('capture', 0);",
    );
    expect(summary(bound)).toBe('finite capture,reserve');
  });

  it("a getter returning `this[title]` hands out the field its caller's title names, not every field", async () => {
    const dir = tempProject({
      'src/registry.ts': [
        "import { Histogram } from 'prom-client';",
        'export class SocketMetrics {',
        '  private connection: Histogram<string>;',
        '  private message: Histogram<string>;',
        '  constructor() {',
        "    this.connection = new Histogram({ name: 'ws_connection_seconds', help: 'h', labelNames: ['server'] });",
        "    this.message = new Histogram({ name: 'ws_message_seconds', help: 'h', labelNames: ['method'] });",
        '  }',
        "  get(title: 'connection' | 'message'): Histogram<string> { return this[title]; }",
        '}',
        'export const metrics = new SocketMetrics();',
        "export const closed = (seconds: number) => metrics.get('connection').labels('main').observe(seconds);",
        "export const handled = (seconds: number) => metrics.get('message').labels('eth_call').observe(seconds);",
      ].join('\n'),
    });
    const result = await analyze({ cwd: dir, paths: ['.'] });
    const names = new Map(result.catalog.metrics.map((m) => [m.id, m.name]));
    expect(result.catalog.labelUses.map((u) => `${names.get(u.metricId)} ${u.label}`).sort()).toEqual([
      'ws_connection_seconds server',
      'ws_message_seconds method',
    ]);
  });

  it('a class whose constructor takes the metric name defines one metric per `new`', async () => {
    const dir = tempProject({
      'src/named.ts': [
        "import { Counter } from 'prom-client';",
        'export class NamedCounter {',
        '  private readonly counter: Counter;',
        "  constructor(name: string) { this.counter = new Counter({ name, help: `${name} events`, labelNames: ['outcome'] }); }",
        "  record(outcome: 'ok' | 'failed'): void { this.counter.inc({ outcome }); }",
        '}',
        "export const logins = new NamedCounter('logins_total');",
        "export const signups = new NamedCounter('signups_total');",
      ].join('\n'),
    });
    const result = await analyze({ cwd: dir, paths: ['.'] });
    expect(result.catalog.metrics.map((m) => `${m.name} ${m.loc.line}`)).toEqual(['logins_total 7', 'signups_total 8']);
    // The class's own `this.counter.inc(…)` is a use of every instance's metric, not of none.
    expect(result.findings.filter((f) => f.ruleId === 'unknown-label-bound')).toEqual([]);
    expect(result.estimates.map((e) => `${e.metric} ${e.series}`).sort()).toEqual([
      'logins_total 2',
      'signups_total 2',
    ]);
  });

  it('a factory returning several metrics defines each, and each keeps its own label uses', async () => {
    const dir = tempProject({
      'src/http.ts': [
        "import { Counter, Histogram } from 'prom-client';",
        'function httpMetrics(prefix: string) {',
        '  return {',
        "    requests: new Counter({ name: `${prefix}_requests_total`, help: 'Requests', labelNames: ['method'] }),",
        "    latency: new Histogram({ name: `${prefix}_duration_seconds`, help: 'Latency', labelNames: ['method', 'route'] }),",
        '  };',
        '}',
        "export const api = httpMetrics('api');",
        "api.requests.inc({ method: 'GET' });",
        "api.latency.observe({ method: 'GET', route: '/orders' }, 0.1);",
      ].join('\n'),
    });
    const result = await analyze({ cwd: dir, paths: ['.'] });
    expect(result.estimates.map((e) => `${e.metric} ${e.series}`)).toEqual([
      'api_requests_total 1',
      'api_duration_seconds 14',
    ]);
    expect(result.findings).toEqual([]);
  });

  it('follows a config spread through a registry method into a class that derives several gauges', async () => {
    const dir = tempProject({
      'src/stats.ts': [
        "import { Gauge, Registry, type GaugeConfiguration } from 'prom-client';",
        'export class MinMaxGauges {',
        '  readonly min: Gauge;',
        '  readonly max: Gauge;',
        '  constructor(config: GaugeConfiguration<string>) {',
        '    this.min = new Gauge({ ...config, name: `${config.name}_min` });',
        '    this.max = new Gauge({ ...config, name: `${config.name}_max` });',
        '  }',
        '}',
        'export class StatsRegistry extends Registry {',
        '  minMax(config: GaugeConfiguration<string>): MinMaxGauges {',
        '    return new MinMaxGauges({ ...config, registers: [this] });',
        '  }',
        '}',
        'const registry = new StatsRegistry();',
        "export const queueLatency = registry.minMax({ name: 'queue_latency_seconds', help: 'Queue latency' });",
      ].join('\n'),
    });
    const result = await analyze({ cwd: dir, paths: ['.'] });
    expect(result.catalog.metrics.map((m) => m.name)).toEqual([
      'queue_latency_seconds_min',
      'queue_latency_seconds_max',
    ]);
  });

  it("a method's `this.x()` callers are in its own class, not in another class with a method of the same name", async () => {
    const bound = await boundOf(
      [
        "export class Orders { protected run(query: string) { checkouts.inc({ value: query }); } list() { this.run('orders.list'); } get() { this.run('orders.get'); } }",
        'export class Connection { private run(statement: string, values: unknown[]) { return [statement, values]; } query(sql: string) { return this.run(sql, []); } }',
      ].join('\n'),
    );
    expect(summary(bound)).toBe('finite orders.get,orders.list');
  });

  it('counts mount + route per router file: the same local path under two mounts is two values', async () => {
    const bound = await boundOf(
      'export function f(req: any) { checkouts.inc({ value: req.baseUrl + req.route.path }); }',
      {
        'src/items.ts':
          "import { Router } from 'express';\nexport const items = Router();\nitems.get('/', (req, res) => res.end());\nitems.get('/:sku', (req, res) => res.end());\n",
        'src/orders.ts':
          "import { Router } from 'express';\nexport const orders = Router();\norders.get('/', (req, res) => res.end());\n",
      },
    );
    expect(summary(bound)).toBe('bounded 4');
  });

  it('a base-class method called as `this.x()` from a subclass takes the subclass call sites', async () => {
    const bound = await boundOf(
      "class Transport { send(method: string) { checkouts.inc({ value: method }); } }\nexport class Beacon extends Transport { status() { this.send('status'); } ping() { this.send('ping'); } }",
    );
    expect(summary(bound)).toBe('finite ping,status');
  });

  it("takes a method's callers by name only where the receiver can be that class", async () => {
    const bound = await boundOf(
      "class OrderRepository { find(state: string) { checkouts.inc({ value: state }); } }\ninterface Agent { find(q: unknown): void }\nexport function handle(orderRepo: any, agent: Agent, search: any, req: any) { orderRepo.find('open'); agent.find(req.body); search.find(req.query.q); }",
    );
    expect(summary(bound)).toBe('finite open');
  });

  it('a bare startTimer() whose every end() is bare never sets a label; a timer handed on may', async () => {
    const dir = tempProject({
      'src/loop.ts': [
        "import { Histogram } from 'prom-client';",
        "const loop = new Histogram({ name: 'loop_seconds', help: 'Loop', labelNames: ['worker'], buckets: [1, 2] });",
        "const step = new Histogram({ name: 'step_seconds', help: 'Step', labelNames: ['worker'], buckets: [1, 2] });",
        'export async function tick(run: (done: () => void) => Promise<void>) {',
        '  const end = loop.startTimer();',
        '  try { await run(() => undefined); } finally { end(); }',
        '  const stop = step.startTimer();',
        '  await run(stop);',
        '}',
      ].join('\n'),
    });
    const result = await analyze({ cwd: dir, paths: ['.'] });
    expect(result.estimates.map((e) => [e.metric, e.series]).sort()).toEqual([
      ['loop_seconds', 5],
      ['step_seconds', 500],
    ]);
  });

  it('a label named like an id on a metric nothing uses is left to unknown-label-bound', async () => {
    const dir = tempProject({
      'src/metrics.ts':
        "import { Counter } from 'prom-client';\nexport const dead = new Counter({ name: 'provisioning_requests_total', help: 'Requests', labelNames: ['path'] });\nexport const live = new Counter({ name: 'provisioning_calls_total', help: 'Calls', labelNames: ['path'] });\nexport function f(p: any) { live.inc({ path: p.path }); }\n",
    });
    const result = await analyze({ cwd: dir, paths: ['.'] });
    expect(result.findings.map((f) => `${f.ruleId} ${f.metric}`)).toEqual(['unbounded-label provisioning_calls_total']);
    // Nothing records into it, so it costs no series: a note, not a finding.
    expect(result.notices.map((n) => `${n.ruleId} ${n.message.split(',')[0]}`)).toEqual([
      'unknown-label-bound nothing in the project uses `provisioning_requests_total`',
    ]);
  });

  it('counts a server route registered on a receiver named like a client when it passes a handler, and not a Hono mount', async () => {
    const dir = tempProject({
      'src/routes.ts': [
        "import { Counter } from 'prom-client';",
        "const hits = new Counter({ name: 'api_hits_total', help: 'Hits', labelNames: ['route'] });",
        "export async function adminRoutes(api: any) { api.get('/admin/cache/:chainId', { schema: {} }, async (request: any) => { hits.inc({ route: request.routeOptions.url }); }); }",
        "export function mount(app: any, sub: any, client: any) { app.route('/api', sub); client.get('/remote', { timeout: 1 }); }",
      ].join('\n'),
    });
    const result = await analyze({ cwd: dir, paths: ['.'] });
    expect(result.catalog.routes.map((r) => r.template)).toEqual(['/admin/cache/:chainId']);
  });

  it('a `let` assigned a value obslint cannot bound gives that value as the reason, not "reassigned"', async () => {
    const bound = await boundOf(
      "export function f(account: any) { let tier = 'standard'; if (account.premium) tier = account.tierName; checkouts.inc({ value: tier }); }",
    );
    expect(bound.kind).toBe('unknown');
    expect(bound.reason).toContain('account.tierName');
    expect(bound.reason).not.toContain('reassigned');
  });

  it.each([
    ['the map itself', 'for (const [kind, n] of counts) checkouts.inc({ value: kind }, n);'],
    ['its entries()', 'for (const [kind, n] of counts.entries()) checkouts.inc({ value: kind }, n);'],
    ['its keys()', 'for (const kind of counts.keys()) checkouts.inc({ value: kind });'],
  ])('a key of a Map typed by a union, iterated over %s, takes the union', async (_, loop) => {
    const bound = await boundOf(
      `type Method = 'card' | 'paypal';\nexport function f(counts: Map<Method, number>) { ${loop} }`,
    );
    expect(summary(bound)).toBe('finite card,paypal');
  });

  it('counts a bounded source once however many call sites repeat it', async () => {
    const bound = await boundOf(
      'export function a(req: any) { checkouts.inc({ value: req.method }); }\nexport function b(request: any) { checkouts.inc({ value: request.method }); }',
    );
    expect(summary(bound)).toBe('bounded 9');
  });
});

import { ts } from 'ts-morph';
import { enclosingClassLike, lookup, propertyKey, skipOuter } from '../syntax/scope.js';

/**
 * The `opentelemetry-nestjs` family (overbit's, forked by Amplication and others): `Tracing.init(config)`
 * starts a `NodeSDK` with the Node auto-instrumentations, unless `config.instrumentations` replaces
 * them; `Tracing.initWithoutAutoInstrumentations(config)` starts it with `config`'s alone.
 */
const PACKAGES = new Set([
  '@overbit/opentelemetry-nestjs',
  '@amplication/opentelemetry-nestjs',
  '@zerosuxx/opentelemetry-nestjs',
]);
const STARTS = new Set(['init', 'initWithoutAutoInstrumentations']);

/**
 * Whether a call starts that library's SDK (`Tracing.init(…)`, or `super.init(…)` in a class of the
 * project extending its `Tracing`), and with what: `auto` where the auto-instrumentations run,
 * `listed` where only the instrumentations the configuration lists do.
 */
export function nestjsTracingStart(call: ts.CallExpression): 'auto' | 'listed' | undefined {
  const callee = skipOuter(call.expression);
  if (!ts.isPropertyAccessExpression(callee) || !STARTS.has(callee.name.text)) return undefined;
  const receiver = skipOuter(callee.expression);
  const library =
    receiver.kind === ts.SyntaxKind.SuperKeyword ? extendsLibraryTracing(receiver) : isLibraryTracing(receiver);
  if (!library) return undefined;
  if (callee.name.text !== 'init') return 'listed';
  const options = call.arguments[0] && skipOuter(call.arguments[0]);
  const lists =
    !options ||
    !ts.isObjectLiteralExpression(options) ||
    options.properties.some((p) => p.name !== undefined && propertyKey(p.name) === 'instrumentations');
  return lists ? 'listed' : 'auto';
}

function isLibraryTracing(e: ts.Expression): boolean {
  if (!ts.isIdentifier(e)) return false;
  const decl = lookup(e.text, e);
  return decl?.kind === 'import' && PACKAGES.has(decl.module) && decl.imported === 'Tracing';
}

function extendsLibraryTracing(node: ts.Node): boolean {
  const heritage = enclosingClassLike(node)?.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword);
  const base = heritage?.types[0]?.expression;
  return base !== undefined && isLibraryTracing(base);
}

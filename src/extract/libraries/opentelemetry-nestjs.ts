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
 * MetinSeylan's `@metinseylan/nestjs-opentelemetry`: `OpenTelemetryModule.forRoot(config)` (and
 * `forRootAsync`) starts a `NodeSDK` with `config` over defaults whose `instrumentations` are the
 * Node auto-instrumentations.
 */
const MODULE_PACKAGE = '@metinseylan/nestjs-opentelemetry';
const MODULE_STARTS = new Set(['forRoot', 'forRootAsync']);

/**
 * Whether a call starts that library's SDK (`Tracing.init(…)`, or `super.init(…)` in a class of the
 * project extending its `Tracing`), and with what: `auto` where the auto-instrumentations run,
 * `listed` where only the instrumentations the configuration lists do.
 */
export function nestjsTracingStart(call: ts.CallExpression): 'auto' | 'listed' | undefined {
  const callee = skipOuter(call.expression);
  if (ts.isPropertyAccessExpression(callee) && MODULE_STARTS.has(callee.name.text))
    return importedFrom(skipOuter(callee.expression), MODULE_PACKAGE, 'OpenTelemetryModule')
      ? configured(callee.name.text === 'forRoot' ? call.arguments[0] : undefined, true)
      : undefined;
  if (!ts.isPropertyAccessExpression(callee) || !STARTS.has(callee.name.text)) return undefined;
  const receiver = skipOuter(callee.expression);
  const library =
    receiver.kind === ts.SyntaxKind.SuperKeyword ? extendsLibraryTracing(receiver) : isLibraryTracing(receiver);
  if (!library) return undefined;
  if (callee.name.text !== 'init') return 'listed';
  return configured(call.arguments[0], false);
}

/**
 * `auto` where the configuration is an object literal without `instrumentations` (none given at all
 * too, where the defaults apply without one), else `listed`: what the project lists is what runs.
 */
function configured(argument: ts.Expression | undefined, defaultsWithout: boolean): 'auto' | 'listed' {
  const options = argument && skipOuter(argument);
  if (!options) return defaultsWithout ? 'auto' : 'listed';
  if (!ts.isObjectLiteralExpression(options)) return 'listed';
  return options.properties.some((p) => p.name !== undefined && propertyKey(p.name) === 'instrumentations')
    ? 'listed'
    : 'auto';
}

function isLibraryTracing(e: ts.Expression): boolean {
  return [...PACKAGES].some((module) => importedFrom(e, module, 'Tracing'));
}

function importedFrom(e: ts.Expression, module: string, name: string): boolean {
  if (!ts.isIdentifier(e)) return false;
  const decl = lookup(e.text, e);
  return decl?.kind === 'import' && decl.module === module && decl.imported === name;
}

function extendsLibraryTracing(node: ts.Node): boolean {
  const heritage = enclosingClassLike(node)?.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword);
  const base = heritage?.types[0]?.expression;
  return base !== undefined && isLibraryTracing(base);
}

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { CST, isMap, isScalar, isSeq, LineCounter, Parser, parseDocument, visit, type Node as YamlNode } from 'yaml';
import { ConfigError } from './errors.js';
import { nodeAt, unescapePointer } from './yaml-path.js';
import { CONFIG_SCHEMA_PATH } from '../util/package.js';
import { DEFAULTS, type BudgetFile, type ResolvedConfig } from './types.js';

export const CONFIG_FILE_NAMES = ['obslint.yaml', 'obslint.yml', '.obslint.yaml', '.obslint.yml'];

const schema = JSON.parse(readFileSync(CONFIG_SCHEMA_PATH, 'utf8')) as object;

/** Looks for a budget file from `start` upwards, stopping at the repository root (a `.git` entry). */
export function findConfigFile(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
    if (existsSync(join(dir, '.git'))) return undefined;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function loadConfig(file: string | undefined, displayPath: (abs: string) => string): ResolvedConfig {
  if (!file) return resolveConfig({}, undefined, {});
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `cannot read the budget file (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      displayPath(file),
    );
  }
  return { ...parseConfig(text, file, displayPath(file)), fileDisplay: displayPath(file) };
}

export function parseConfig(text: string, file: string | undefined, shownAs = file ?? 'obslint.yaml'): ResolvedConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const firstError = doc.errors[0];
  if (firstError) {
    // The parser notices an unclosed `{`, `[` or quote where the file ends; the user needs where it opened.
    const unclosed = unclosedConstruct(text, firstError.pos[0]);
    const pos = lineCounter.linePos(unclosed?.offset ?? firstError.pos[0]);
    throw new ConfigError(
      `invalid YAML: ${unclosed?.message ?? firstError.message.split('\n')[0]}`,
      shownAs,
      pos.line,
      pos.col,
    );
  }
  let data: unknown;
  try {
    data = (doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {}) as unknown;
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    // A "billion laughs" file: aliases that expand exponentially.
    let first: YamlNode | undefined;
    visit(doc, {
      Alias: (_, node) => {
        first = node;
        return visit.BREAK;
      },
    });
    const pos = first?.range ? lineCounter.linePos(first.range[0]) : { line: 1, col: 1 };
    throw new ConfigError(
      `invalid YAML: its aliases expand to more than ${String(MAX_ALIAS_COUNT)} copies (an alias bomb?); write the values out instead of \`*alias\` references`,
      shownAs,
      pos.line,
      pos.col,
    );
  }
  const infinite = nonFiniteNumber(doc.contents, [], lineCounter);
  if (infinite) throw new ConfigError(infinite.message, shownAs, infinite.line, infinite.col);
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(schema);
  if (!validate(data)) {
    const error = mostSpecific(validate.errors ?? []);
    const path = error.instancePath.split('/').slice(1).map(unescapePointer);
    const extra =
      error.keyword === 'additionalProperties'
        ? (error.params as { additionalProperty: string }).additionalProperty
        : undefined;
    const node = nodeAt(doc.contents, extra ? [...path, extra] : path, Boolean(extra));
    const pos = node?.range ? lineCounter.linePos(node.range[0]) : { line: 1, col: 1 };
    throw new ConfigError(describe(error, path), shownAs, pos.line, pos.col);
  }
  const positions: ResolvedConfig['positions'] = {};
  collectPositions(doc.contents, [], positions, lineCounter);
  return resolveConfig(data as BudgetFile, file, positions);
}

function resolveConfig(
  raw: BudgetFile,
  file: string | undefined,
  positions: ResolvedConfig['positions'],
): ResolvedConfig {
  const rules: ResolvedConfig['rules'] = {};
  for (const [id, setting] of Object.entries(raw.rules ?? {})) {
    rules[id] = Array.isArray(setting)
      ? { severity: setting[0], options: setting[1] ?? {} }
      : { severity: setting, options: {} };
  }
  return {
    file,
    defaults: { ...DEFAULTS, ...raw.defaults },
    totalMaxSeries: raw.total?.maxSeries,
    labels: { ...raw.labels },
    metrics: Object.fromEntries(
      Object.entries(raw.metrics ?? {}).map(([name, m]) => [name, { maxSeries: m.maxSeries, labels: { ...m.labels } }]),
    ),
    owners: (raw.owners ?? []).map((o, i) => ({
      name: o.name ?? `owners[${i}]`,
      paths: o.paths,
      maxSeries: o.maxSeries,
    })),
    rules,
    ignore: raw.ignore ?? [],
    conventions: raw.conventions ?? 'changed',
    propagation: {
      instrumented: raw.propagation?.instrumented ?? [],
      internalHosts: (raw.propagation?.internalHosts ?? []).map((h) => h.toLowerCase()),
      ignoreHosts: (raw.propagation?.ignoreHosts ?? []).map((h) => h.toLowerCase()),
    },
    wrappers: raw.wrappers ?? [],
    positions,
  };
}

/** The `yaml` package's own default: enough for any real budget file, far below what a bomb expands to. */
const MAX_ALIAS_COUNT = 100;

/**
 * A number YAML reads as infinite (`1e400`, `.inf`) or not a number (`.nan`) would silently switch a
 * budget off; every numeric field must be finite.
 */
function nonFiniteNumber(
  node: YamlNode | null,
  path: string[],
  lc: LineCounter,
): { message: string; line: number; col: number } | undefined {
  if (isScalar(node)) {
    if (typeof node.value !== 'number' || Number.isFinite(node.value)) return undefined;
    const pos = node.range ? lc.linePos(node.range[0]) : { line: 1, col: 1 };
    const where = path.length > 0 ? `\`${path.join('.')}\`` : 'the file';
    const written = `\`${node.source ?? String(node.value)}\``;
    const message = Number.isNaN(node.value)
      ? `${where}: ${written} is not a number; write a finite number`
      : `${where}: ${written} ${/inf/i.test(node.source ?? '') ? 'is infinite' : 'overflows (it reads as infinity, which would switch the check off)'}; write a finite number`;
    return { message, ...pos };
  }
  if (isSeq(node)) {
    for (const [i, item] of node.items.entries()) {
      const found = nonFiniteNumber(item as YamlNode, [...path, String(i)], lc);
      if (found) return found;
    }
  }
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '?';
      const found =
        nonFiniteNumber(pair.key as YamlNode, path, lc) ?? nonFiniteNumber(pair.value as YamlNode, [...path, key], lc);
      if (found) return found;
    }
  }
  return undefined;
}

const CLOSERS: Record<string, string> = { '{': '}', '[': ']' };

/**
 * The innermost flow collection (`{`, `[`) or quoted string that opens before `errorOffset` and is
 * never closed, from the parser's concrete syntax tree.
 */
function unclosedConstruct(text: string, errorOffset: number): { offset: number; message: string } | undefined {
  let found: { offset: number; message: string } | undefined;
  const consider = (token: CST.Token | undefined): void => {
    if (!token || token.offset > errorOffset || (found && found.offset >= token.offset)) return;
    if (token.type === 'flow-collection') {
      const open = token.start.source;
      const closer = CLOSERS[open];
      if (closer && !token.end.some((t) => t.source === closer))
        found = {
          offset: token.offset,
          message: `this \`${open}\` is never closed with \`${closer}\` (${open === '{' ? 'flow mapping' : 'flow sequence'})`,
        };
    } else if (token.type === 'double-quoted-scalar' || token.type === 'single-quoted-scalar') {
      const quote = token.source[0];
      const body = token.source.slice(1);
      const closed =
        quote === '"'
          ? /(^|[^\\])(\\\\)*"$/.test(body)
          : body.endsWith("'") && (body.length - body.replace(/'+$/, '').length) % 2 === 1;
      if (!closed) found = { offset: token.offset, message: `this \`${quote}\` string is never closed` };
    }
  };
  for (const token of new Parser().parse(text)) {
    if (token.type !== 'document') continue;
    consider(token.value);
    CST.visit(token, (item) => {
      consider(item.key ?? undefined);
      consider(item.value ?? undefined);
    });
  }
  return found;
}

/** Of ajv's errors, the deepest one says most about what to change. */
function mostSpecific(errors: ErrorObject[]): ErrorObject {
  const meaningful = errors.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'if');
  const pool = meaningful.length > 0 ? meaningful : errors;
  return pool.reduce((best, e) => (e.instancePath.length > best.instancePath.length ? e : best), pool[0]);
}

function describe(error: ErrorObject, path: string[]): string {
  const where =
    path[0] === 'rules' && path.length >= 4
      ? `option \`${path.slice(3).join('.')}\` of rule \`${path[1]}\``
      : path.length > 0
        ? `\`${path.join('.')}\``
        : 'the file';
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = (error.params as { additionalProperty: string }).additionalProperty;
      if (path.length === 1 && path[0] === 'rules')
        return `${where}: unknown rule id \`${key}\` (\`obslint rules\` lists them)`;
      if (path.length === 3 && path[0] === 'rules') return `unknown option \`${key}\` for rule \`${path[1]}\``;
      return `unknown key \`${[...path, key].join('.')}\``;
    }
    case 'enum':
      return `${where} must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `${where} must be ${JSON.stringify((error.params as { allowedValue: unknown }).allowedValue)}`;
    default:
      return `${where} ${error.message ?? 'is invalid'}`;
  }
}

function collectPositions(
  node: YamlNode | null,
  path: string[],
  out: ResolvedConfig['positions'],
  lc: LineCounter,
): void {
  if (path.length > 3) return;
  if (isSeq(node)) {
    node.items.forEach((item, i) => {
      const range = (item as YamlNode).range;
      if (!range) return;
      const pos = lc.linePos(range[0]);
      out[[...path, String(i)].join('.')] = { line: pos.line, column: pos.col };
      collectPositions(item as YamlNode, [...path, String(i)], out, lc);
    });
    return;
  }
  if (!isMap(node)) return;
  for (const pair of node.items) {
    if (!isScalar(pair.key) || !pair.key.range) continue;
    const keyPath = [...path, String(pair.key.value)];
    const pos = lc.linePos(pair.key.range[0]);
    out[keyPath.join('.')] = { line: pos.line, column: pos.col };
    collectPositions(pair.value as YamlNode, keyPath, out, lc);
  }
}

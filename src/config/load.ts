import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { ConfigError } from './errors.js';
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
    const pos = lineCounter.linePos(firstError.pos[0]);
    throw new ConfigError(`invalid YAML: ${firstError.message.split('\n')[0]}`, shownAs, pos.line, pos.col);
  }
  const data = (doc.toJS() ?? {}) as unknown;
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
    propagation: {
      instrumented: raw.propagation?.instrumented ?? [],
      ignoreHosts: (raw.propagation?.ignoreHosts ?? []).map((h) => h.toLowerCase()),
    },
    wrappers: raw.wrappers ?? [],
    positions,
  };
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

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

function nodeAt(root: YamlNode | null, path: string[], wantKey: boolean): YamlNode | undefined {
  let node: YamlNode | null | undefined = root;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === segment);
      if (!pair) return node;
      if (wantKey && i === path.length - 1) return pair.key as YamlNode;
      node = pair.value as YamlNode;
    } else if (isSeq(node)) {
      node = node.items[Number(segment)] as YamlNode;
    } else {
      return node ?? undefined;
    }
  }
  return node ?? undefined;
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

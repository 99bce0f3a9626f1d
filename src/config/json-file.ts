import { Ajv, type ErrorObject } from 'ajv';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError } from './errors.js';
import { nodeAt, unescapePointer } from './yaml-path.js';

/**
 * A JSON file obslint writes and reads back (the baseline, the catalog lockfile): parsed, checked
 * against its schema, and any problem reported as `file:line:col` with what to do.
 */
export function parseJsonFile(text: string, shownAs: string, schema: object, hint: string): unknown {
  let data: unknown;
  const lineCounter = new LineCounter();
  try {
    data = JSON.parse(text);
  } catch (error) {
    // JSON.parse says what is wrong but not where (in a stable form); YAML's parser, a superset, does.
    const doc = parseDocument(text, { lineCounter, prettyErrors: false });
    const offset = doc.errors[0]?.pos[0] ?? 0;
    const pos = lineCounter.linePos(offset);
    throw new ConfigError(
      `not valid JSON (${(error as Error).message.split('\n')[0]}); ${hint}`,
      shownAs,
      pos.line,
      pos.col,
    );
  }
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  if (validate(data)) return data;
  const error = deepest(validate.errors ?? []);
  const path = error.instancePath.split('/').slice(1).map(unescapePointer);
  const doc = parseDocument(text, { lineCounter });
  const node = nodeAt(doc.contents, path);
  const pos = node?.range ? lineCounter.linePos(node.range[0]) : { line: 1, col: 1 };
  const where = path.length > 0 ? `\`${path.join('.')}\`` : 'the file';
  const extra =
    error.keyword === 'additionalProperties'
      ? ` (\`${(error.params as { additionalProperty: string }).additionalProperty}\`)`
      : '';
  throw new ConfigError(`${where} ${error.message ?? 'is invalid'}${extra}; ${hint}`, shownAs, pos.line, pos.col);
}

function deepest(errors: ErrorObject[]): ErrorObject {
  return errors.reduce((best, e) => (e.instancePath.length > best.instancePath.length ? e : best), errors[0]);
}

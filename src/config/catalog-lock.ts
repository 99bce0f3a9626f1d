import { readFileSync, writeFileSync } from 'node:fs';
import type { CatalogLock } from '../types.js';
import { ConfigError, UsageError } from './errors.js';
import { parseJsonFile } from './json-file.js';

export const LOCKFILE_NAME = 'obslint-catalog.lock.json';

const LOCK_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['version', 'metrics'],
  properties: {
    version: { const: 1 },
    metrics: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['kind', 'labels', 'series'],
        properties: {
          kind: { enum: ['counter', 'gauge', 'histogram', 'summary', 'updowncounter'] },
          labels: { type: 'array', items: { type: 'string' } },
          labelsComplete: { const: false },
          buckets: { type: 'array', items: { type: 'number' } },
          bucketCount: { type: 'integer', minimum: 0 },
          quantiles: { type: 'integer', minimum: 0 },
          series: { type: 'string', pattern: '^(unbounded|[0-9]+-[0-9]+)$' },
        },
      },
    },
  },
};

export function readCatalogLock(file: string, shownAs: string): CatalogLock {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new UsageError(`no lockfile ${shownAs}: run \`obslint catalog --lock\` and commit it first`);
    throw new ConfigError(`cannot read the lockfile (${code ?? String(error)})`, shownAs);
  }
  return parseJsonFile(text, shownAs, LOCK_SCHEMA, 'fix it, or run `obslint catalog --lock` again') as CatalogLock;
}

export function writeCatalogLock(file: string, shownAs: string, lock: CatalogLock): void {
  try {
    writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
  } catch (error) {
    throw new ConfigError(
      `cannot write the lockfile (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      shownAs,
    );
  }
}

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Baseline } from '../types.js';
import { ConfigError } from './errors.js';
import { parseJsonFile } from './json-file.js';

export const BASELINE_FILE_NAME = 'obslint-baseline.json';

const ENTRY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['rule', 'count'],
  properties: {
    rule: { type: 'string', minLength: 1 },
    metric: { type: 'string' },
    label: { type: 'string' },
    count: { type: 'integer', minimum: 1 },
  },
};

const BASELINE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['version', 'files'],
  properties: {
    version: { const: 1 },
    files: { type: 'object', additionalProperties: { type: 'array', items: ENTRY_SCHEMA } },
  },
};

/** Looks for the baseline from `start` upwards, stopping at the repository root (a `.git` entry). */
export function findBaselineFile(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    const candidate = join(dir, BASELINE_FILE_NAME);
    if (existsSync(candidate)) return candidate;
    if (existsSync(join(dir, '.git'))) return undefined;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The baseline in `file`, or an empty one when there is none yet and `missingOk`. */
export function readBaseline(file: string, shownAs: string, missingOk = false): Baseline {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (missingOk && code === 'ENOENT') return { version: 1, files: {} };
    throw new ConfigError(`cannot read the baseline (${code ?? String(error)})`, shownAs);
  }
  const hint = 'fix it, or delete it and run `obslint baseline` again';
  return parseJsonFile(text, shownAs, BASELINE_SCHEMA, hint) as Baseline;
}

export function writeBaseline(file: string, shownAs: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (error) {
    throw new ConfigError(
      `cannot write the baseline (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      shownAs,
    );
  }
}

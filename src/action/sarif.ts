import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { gzipSync } from 'node:zlib';
import { renderSarif, type SarifOutput } from '../reporters/sarif.js';
import type { RunResult } from '../types.js';

/** upload-sarif sends the file gzipped; GitHub refuses one over 10 MB (HTTP 413). */
export const SARIF_GZIP_LIMIT_BYTES = 10 * 1024 * 1024;

/**
 * Writes the SARIF file within GitHub's limits: 25,000 results (the reporter's cap), then halving
 * the results kept, errors first, until the gzipped file is under 10 MB.
 */
export function writeSarif(result: RunResult, file: string): SarifOutput {
  let out = renderSarif(result, { quiet: false });
  while (out.written > 0 && gzipSync(out.text).length > SARIF_GZIP_LIMIT_BYTES)
    out = renderSarif(result, { quiet: false, maxResults: Math.floor(out.written / 2) });
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, out.text);
  return out;
}

import type { Reporter } from './types.js';

/**
 * Versioned machine output (`schemaVersion`). Paths are relative to the run's root and nothing
 * depends on the machine or the clock, so the same input gives byte-identical output.
 */
export const json: Reporter = (result, { quiet }) => {
  const { root: _root, ...portable } = result;
  const findings = quiet ? result.findings.filter((f) => f.severity === 'error') : result.findings;
  return `${JSON.stringify({ ...portable, findings }, null, 2)}\n`;
};

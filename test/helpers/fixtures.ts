import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../src/api.js';
import type { RunResult } from '../../src/types.js';

export const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');

/** What a fixture expects: every finding, as `file:line ruleId`, plus optional message fragments. */
export interface Expected {
  /** `severity` is checked when given. */
  findings: {
    file: string;
    line: number;
    rule: string;
    message?: string;
    severity?: 'error' | 'warn';
    /** The finding's related locations, as `file:line`, in order. */
    related?: string[];
  }[];
  /** Every note a rule makes on the run (what it did not check and why), as for findings. */
  notices?: { file: string; line: number; rule: string; message?: string }[];
  /** Series estimates to check, by metric name; a list where several metrics have the name, in catalog order. */
  estimates?: Record<string, number | 'unbounded' | (number | 'unbounded')[]>;
  /**
   * The fixture is established code, run as a whole repository with no change: conventions are
   * notes. Otherwise it is what a change adds, and conventions are findings.
   */
  established?: boolean;
}

/** Fixture directories (those holding an expected.json) under `dir`, sorted. */
export function fixtureDirs(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (!statSync(path).isDirectory()) continue;
    if (existsSync(join(path, 'expected.json'))) out.push(path);
    else out.push(...fixtureDirs(path));
  }
  return out;
}

export function readExpected(dir: string): Expected {
  return JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected;
}

export async function runFixture(dir: string, expected?: Expected): Promise<RunResult> {
  return analyze({ cwd: dir, paths: ['.'], conventions: expected?.established ? undefined : 'everywhere' });
}

export function findingKeys(result: RunResult): string[] {
  return result.findings.map((f) => `${f.loc.file}:${f.loc.line} ${f.ruleId}`);
}

/** The rules' notes on the run, as `file:line ruleId`. */
export function ruleNoticeKeys(result: RunResult): string[] {
  return result.notices.filter((n) => n.ruleId !== undefined).map((n) => `${n.file}:${n.line} ${n.ruleId}`);
}

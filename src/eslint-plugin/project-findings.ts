import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { provideCompilerStage, analyzeProject } from '../api.js';
import * as compilerStage from '../extraction-stage.js';
import type { Finding } from '../types.js';
import { displayPath } from '../util/paths.js';

// Everything is loaded up front here (an editor's long-lived process).
provideCompilerStage(compilerStage);

/**
 * The findings of one file, from an analysis of its whole project (cross-file facts: call sites,
 * routes, other files' metrics, the budget file). The analysis is memoised per project root and
 * reused while the files it read are unchanged on disk and the linted text is what it analysed:
 * one analysis serves every file of an `eslint .` run; an editor's unsaved buffer is analysed in
 * place of its file. Findings are those `obslint .` reports, run from the same directory, plus the
 * conventions (naming, summaries) that a run over a directory notes instead (ESLint names each file).
 */
interface Memo {
  findings: Map<string, Finding[]>;
  /** `mtime:size` of every file the analysis read, and of the budget file. */
  stamps: Map<string, string>;
  /** The unsaved text analysed instead of a file on disk. */
  buffer?: { file: string; text: string };
  builtAt: number;
  checkedAt: number;
  /** The last file and text found current: the other rules of the same file skip every check. */
  current?: { file: string; text: string };
}

/** How long a check that no file changed on disk holds: an `eslint .` run lints many files in that time. */
const DISK_CHECK_INTERVAL_MS = 1000;

const memos = new Map<string, Memo>();

export function findingsFor(root: string, file: string, text: string): Finding[] {
  const rel = relative(root, file);
  if (rel.startsWith('..') || isAbsolute(rel)) return [];
  let memo = memos.get(root);
  if (!memo || !isCurrent(memo, file, text)) {
    const known = memo?.stamps.has(file);
    if (memo && !known && !changedSince(file, memo.builtAt)) {
      // Not part of the project (a test file, an ignored path): the CLI would not report it either.
      return [];
    }
    memo = build(root, file, text);
    memos.set(root, memo);
  }
  memo.current = { file, text };
  return memo.findings.get(displayPath(root, file)) ?? [];
}

/** Forgets every analysis (tests; a long-lived process that wants a fresh start). */
export function clearProjectFindings(): void {
  memos.clear();
}

function isCurrent(memo: Memo, file: string, text: string): boolean {
  if (memo.current?.file === file && memo.current.text === text && !diskCheckDue(memo)) return true;
  if (diskCheckDue(memo)) {
    for (const [path, stamp] of memo.stamps) if (stampOf(path) !== stamp) return false;
    memo.checkedAt = Date.now();
  }
  if (memo.buffer?.file === file) return memo.buffer.text === text;
  if (!memo.stamps.has(file)) return false;
  return diskText(file) === text;
}

function build(root: string, file: string, text: string): Memo {
  const onDisk = diskText(file);
  const buffer = onDisk === text ? undefined : { file, text };
  const builtAt = Date.now();
  const { result, inputs } = analyzeProject({
    cwd: root,
    paths: ['.'],
    sourceTexts: buffer ? new Map([[file, text]]) : undefined,
    // ESLint lints each file as if named (`obslint <file>`): its conventions are findings.
    conventions: 'everywhere',
  });
  const findings = new Map<string, Finding[]>();
  for (const finding of result.findings) {
    const list = findings.get(finding.loc.file);
    if (list) list.push(finding);
    else findings.set(finding.loc.file, [finding]);
  }
  const stamps = new Map(inputs.map((input) => [input, stampOf(input)]));
  return { findings, stamps, buffer, builtAt, checkedAt: builtAt };
}

function diskCheckDue(memo: Memo): boolean {
  return Date.now() - memo.checkedAt > DISK_CHECK_INTERVAL_MS;
}

function stampOf(path: string): string {
  try {
    const stat = statSync(path);
    return `${stat.mtimeMs}:${stat.size}`;
  } catch {
    return 'missing';
  }
}

function changedSince(path: string, time: number): boolean {
  try {
    return statSync(path).mtimeMs >= time;
  } catch {
    return false;
  }
}

/** ESLint hands rules the text without its byte-order mark. */
function diskText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch {
    return undefined;
  }
}

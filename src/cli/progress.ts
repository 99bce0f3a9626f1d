import type { Phase } from '../util/phase-timer.js';

const SAYS: Record<Phase, string> = {
  discovery: 'finding files',
  read: 'reading files',
  cache: 'reading the cache',
  prefilter: 'selecting files',
  parse: 'parsing',
  index: 'indexing',
  checker: 'type checking',
  extract: 'following values',
  rules: 'applying the rules',
  report: 'writing the report',
};

/** A run shorter than this shows no progress at all. */
const PROGRESS_AFTER_MS = 2000;

/**
 * One self-overwriting line on stderr saying what a long run is doing, for a person at a terminal
 * (never in CI, never with a machine format); cleared before the report is written.
 */
export class ProgressLine {
  private readonly started: number;
  private shown = false;
  private done = false;

  constructor(
    private readonly write: (text: string) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
  }

  phase(phase: Phase): void {
    if (this.done) return;
    const seconds = (this.now() - this.started) / 1000;
    if (seconds * 1000 < PROGRESS_AFTER_MS) return;
    this.write(`\r\x1b[2Kobslint: ${SAYS[phase]}… (${seconds.toFixed(0)} s)`);
    this.shown = true;
  }

  /** Clears the line for good: the report follows. */
  clear(): void {
    if (this.shown) this.write('\r\x1b[2K');
    this.done = true;
  }
}

/** Whether a run shows progress: stderr is a terminal, not CI, a format for people. */
export function wantsProgress(stderrIsTTY: boolean, env: NodeJS.ProcessEnv, format: string): boolean {
  return stderrIsTTY && !env.CI && env.TERM !== 'dumb' && format === 'stylish';
}

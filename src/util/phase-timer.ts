/** The phases `--timing` reports, in pipeline order. */
export const PHASES = [
  'discovery',
  'read',
  'prefilter',
  'parse',
  'index',
  'checker',
  'extract',
  'rules',
  'report',
] as const;
export type Phase = (typeof PHASES)[number];

/**
 * Where a run's time went. Phases nest (the checker is built lazily in the middle of extraction):
 * time spent in an inner phase is charged to it alone, never to the phase around it, so the
 * phases add up to the whole run.
 */
export class PhaseTimer {
  private readonly spent = new Map<Phase, number>();
  private readonly stack: { phase: Phase; since: number }[] = [];
  /** How many files each candidate-selection reason admitted, for the same report. */
  readonly counts = new Map<string, number>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  time<T>(phase: Phase, step: () => T): T {
    this.start(phase);
    try {
      return step();
    } finally {
      this.stop();
    }
  }

  async timeAsync<T>(phase: Phase, step: () => Promise<T>): Promise<T> {
    this.start(phase);
    try {
      return await step();
    } finally {
      this.stop();
    }
  }

  count(what: string, n: number): void {
    this.counts.set(what, (this.counts.get(what) ?? 0) + n);
  }

  /** Milliseconds per phase, in pipeline order, phases never entered left out. */
  report(): { phase: Phase; ms: number }[] {
    return PHASES.filter((p) => this.spent.has(p)).map((phase) => ({ phase, ms: this.spent.get(phase)! }));
  }

  /** For a phase that does not fit a callback (a loop body); pair with `stop()`. */
  start(phase: Phase): void {
    const now = this.now();
    const outer = this.stack.at(-1);
    if (outer) this.charge(outer.phase, now - outer.since);
    this.stack.push({ phase, since: now });
  }

  stop(): void {
    const now = this.now();
    const inner = this.stack.pop()!;
    this.charge(inner.phase, now - inner.since);
    const outer = this.stack.at(-1);
    if (outer) outer.since = now;
  }

  private charge(phase: Phase, ms: number): void {
    this.spent.set(phase, (this.spent.get(phase) ?? 0) + ms);
  }
}

/** The `--timing` table: one line per phase with its milliseconds and share, then the total. */
export function formatTiming(timer: PhaseTimer): string {
  const rows = timer.report();
  const total = rows.reduce((sum, r) => sum + r.ms, 0);
  const width = Math.max(...PHASES.map((p) => p.length), 'total'.length);
  const line = (name: string, ms: number): string =>
    `  ${name.padEnd(width)}  ${ms.toFixed(0).padStart(7)} ms  ${total > 0 ? ((100 * ms) / total).toFixed(1).padStart(5) : '  0.0'} %`;
  const counts = [...timer.counts].map(([what, n]) => `  ${what}: ${n}`);
  return [
    'obslint timing:',
    ...rows.map((r) => line(r.phase, r.ms)),
    line('total', total),
    ...(counts.length > 0 ? ['files:', ...counts] : []),
    '',
  ].join('\n');
}

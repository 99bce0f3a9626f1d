/** The phases `--timing` reports, in pipeline order. */
export const PHASES = [
  'discovery',
  'read',
  'cache',
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
  private readonly spent = new Map<Phase, { ms: number; cpuMs: number }>();
  private readonly stack: { phase: Phase; since: number }[] = [];
  /** Wall time per phase within the current outermost phase, and the CPU clock when it began. */
  private readonly span = new Map<Phase, number>();
  private spanCpuSince = 0;
  /** How many files each candidate-selection reason admitted, for the same report. */
  readonly counts = new Map<string, number>();

  /** Wall and CPU clocks in milliseconds; CPU time stays meaningful on a machine shared with other work. */
  constructor(
    private readonly now: () => number = () => performance.now(),
    private readonly cpu: () => number = () => {
      const { user, system } = process.cpuUsage();
      return (user + system) / 1000;
    },
  ) {}

  /** A timer that measures nothing (reading the clocks costs time: `process.cpuUsage` per checker question was 9 % of a run). */
  static off(): PhaseTimer {
    const timer = new PhaseTimer();
    timer.enabled = false;
    return timer;
  }

  private enabled = true;
  private listener?: (phase: Phase) => void;
  private announced?: Phase;

  /** Calls `listener` as the run enters each outermost phase (for a progress line); costs no clock reading. */
  onPhase(listener: (phase: Phase) => void): this {
    this.listener = listener;
    return this;
  }

  private announce(phase: Phase): void {
    if (!this.listener || phase === this.announced || (phase === 'checker' && this.announced === 'extract')) return;
    this.announced = phase;
    this.listener(phase);
  }

  time<T>(phase: Phase, step: () => T): T {
    this.announce(phase);
    if (!this.enabled) return step();
    this.start(phase);
    try {
      return step();
    } finally {
      this.stop();
    }
  }

  async timeAsync<T>(phase: Phase, step: () => Promise<T>): Promise<T> {
    this.announce(phase);
    if (!this.enabled) return step();
    this.start(phase);
    try {
      return await step();
    } finally {
      this.stop();
    }
  }

  count(what: string, n: number): void {
    if (!this.enabled) return;
    this.counts.set(what, (this.counts.get(what) ?? 0) + n);
  }

  /** Milliseconds per phase, in pipeline order, phases never entered left out. */
  report(): { phase: Phase; ms: number; cpuMs: number }[] {
    return PHASES.filter((p) => this.spent.has(p)).map((phase) => ({ phase, ...this.spent.get(phase)! }));
  }

  /** For a phase that does not fit a callback (a loop body); pair with `stop()`. */
  start(phase: Phase): void {
    this.announce(phase);
    if (!this.enabled) return;
    const now = this.now();
    const outer = this.stack.at(-1);
    if (outer) this.charge(outer.phase, now - outer.since);
    // The CPU clock is read at the outermost phases only: `process.cpuUsage` at every nested switch
    // (each checker question) cost a tenth of a run. A span's CPU time is shared out by wall time.
    else this.spanCpuSince = this.cpu();
    this.stack.push({ phase, since: now });
  }

  stop(): void {
    if (!this.enabled) return;
    const now = this.now();
    const inner = this.stack.pop()!;
    this.charge(inner.phase, now - inner.since);
    const outer = this.stack.at(-1);
    if (outer) outer.since = now;
    else this.settleSpan(this.cpu() - this.spanCpuSince);
  }

  private charge(phase: Phase, ms: number): void {
    this.span.set(phase, (this.span.get(phase) ?? 0) + ms);
  }

  /** Books an outermost span: each phase's wall time, and the span's CPU time in proportion to it. */
  private settleSpan(cpuMs: number): void {
    const wall = [...this.span.values()].reduce((a, b) => a + b, 0);
    for (const [phase, ms] of this.span) {
      const spent = this.spent.get(phase) ?? { ms: 0, cpuMs: 0 };
      const share = wall > 0 ? (cpuMs * ms) / wall : cpuMs / this.span.size;
      this.spent.set(phase, { ms: spent.ms + ms, cpuMs: spent.cpuMs + share });
    }
    this.span.clear();
  }
}

/** The `--timing` table: one line per phase with its milliseconds and share, then the total. */
export function formatTiming(timer: PhaseTimer, peakRssKiB = process.resourceUsage().maxRSS): string {
  const rows = timer.report();
  const total = rows.reduce((sum, r) => sum + r.ms, 0);
  const totalCpu = rows.reduce((sum, r) => sum + r.cpuMs, 0);
  const width = Math.max(...PHASES.map((p) => p.length), 'total'.length);
  const line = (name: string, ms: number, cpuMs: number): string =>
    `  ${name.padEnd(width)}  ${ms.toFixed(0).padStart(7)} ms  ${total > 0 ? ((100 * ms) / total).toFixed(1).padStart(5) : '  0.0'} %  ${cpuMs.toFixed(0).padStart(7)} ms CPU`;
  const counts = [...timer.counts].map(([what, n]) => `  ${what}: ${n}`);
  return [
    'obslint timing:',
    ...rows.map((r) => line(r.phase, r.ms, r.cpuMs)),
    line('total', total, totalCpu),
    // The whole process's, start-up included: what a CI runner or a pre-commit machine must have free.
    `  peak memory  ${(peakRssKiB / 1024).toFixed(0).padStart(7)} MiB RSS`,
    ...(counts.length > 0 ? ['files:', ...counts] : []),
    '',
  ].join('\n');
}

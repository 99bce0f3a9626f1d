import { describe, expect, it } from 'vitest';
import { formatTiming, PhaseTimer } from '../src/util/phase-timer.js';
import { runCli } from './helpers/cli.js';

const SERVICE = 'fixtures/projects/inventory-service';

describe('--timing', () => {
  it('prints every phase of the run and the files parsed to stderr, and leaves the report alone', async () => {
    const plain = await runCli([SERVICE, '--format', 'json', '--no-cache']);
    const timed = await runCli([SERVICE, '--format', 'json', '--timing', '--no-cache']);
    expect(timed.code).toBe(plain.code);
    expect(timed.stdout).toBe(plain.stdout);
    expect(plain.stderr).toBe('');
    for (const phase of ['discovery', 'read', 'prefilter', 'parse', 'index', 'checker', 'extract', 'rules', 'report'])
      expect(timed.stderr).toMatch(new RegExp(`^ {2}${phase} +\\d+ ms +[\\d.]+ % +\\d+ ms CPU$`, 'm'));
    expect(timed.stderr).toMatch(/^ {2}total +\d+ ms +100\.0 % +\d+ ms CPU$/m);
    expect(timed.stderr).toMatch(/^ {2}peak memory +[1-9]\d* MiB RSS$/m);
    const { stats } = JSON.parse(plain.stdout) as { stats: { filesDiscovered: number; filesParsed: number } };
    expect(timed.stderr).toContain(`  discovered: ${stats.filesDiscovered}\n`);
    expect(timed.stderr).toContain(`  parsed: ${stats.filesParsed}\n`);
    // Every parsed file was admitted by exactly one reason; a deferred one is parsed only where an import leads.
    const admitted = [...timed.stderr.matchAll(/^ {2}admitted: .+: (\d+)$/gm)].map((m) => Number(m[1]));
    const count = (what: string): number =>
      Number(new RegExp(`^ {2}${what}: (\\d+)$`, 'm').exec(timed.stderr)?.[1] ?? 0);
    const deferred = count('deferred: declarations only, parsed where an import leads');
    expect(deferred).toBeGreaterThan(0);
    expect(admitted.reduce((a, b) => a + b, 0) - deferred + count('deferred, then parsed')).toBe(stats.filesParsed);
  });
});

describe('PhaseTimer', () => {
  it('charges time spent in a nested phase to it alone, so the phases add up to the run', () => {
    let clock = 0;
    const timer = new PhaseTimer(
      () => clock,
      () => clock / 2,
    );
    timer.time('extract', () => {
      clock += 10;
      timer.time('checker', () => {
        clock += 100;
      });
      clock += 5;
    });
    timer.time('parse', () => {
      clock += 1;
    });
    timer.time('parse', () => {
      clock += 2;
    });
    expect(timer.report()).toEqual([
      { phase: 'parse', ms: 3, cpuMs: 1.5 },
      { phase: 'checker', ms: 100, cpuMs: 50 },
      { phase: 'extract', ms: 15, cpuMs: 7.5 },
    ]);
    expect(formatTiming(timer)).toMatch(/^ {2}total +118 ms +100\.0 % +59 ms CPU$/m);
  });

  it('reads the CPU clock at the outermost phases only, and shares their CPU time out by wall time', () => {
    let clock = 0;
    let cpuReads = 0;
    const timer = new PhaseTimer(
      () => clock,
      () => (cpuReads++, clock),
    );
    timer.time('extract', () => {
      for (let i = 0; i < 3; i++) {
        clock += 10;
        timer.time('checker', () => (clock += 20));
      }
    });
    expect(cpuReads).toBe(2);
    expect(timer.report()).toEqual([
      { phase: 'checker', ms: 60, cpuMs: 60 },
      { phase: 'extract', ms: 30, cpuMs: 30 },
    ]);
  });

  it('stops a phase when its step throws', () => {
    let clock = 0;
    const timer = new PhaseTimer(
      () => clock,
      () => clock,
    );
    expect(() =>
      timer.time('rules', () => {
        clock += 4;
        throw new Error('boom');
      }),
    ).toThrow('boom');
    timer.time('report', () => (clock += 1));
    expect(timer.report()).toEqual([
      { phase: 'rules', ms: 4, cpuMs: 4 },
      { phase: 'report', ms: 1, cpuMs: 1 },
    ]);
  });
});

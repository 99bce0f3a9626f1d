import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { Extraction, ExtractOptions } from './extract/extract.js';
import type { ModuleResolver } from './extract/syntax/module-resolver.js';

/** What a worker needs to extract one process group: `ExtractOptions` without what cannot cross a thread. */
export type ExtractJob = Omit<ExtractOptions, 'modules' | 'timer'> & {
  modules: ConstructorParameters<typeof ModuleResolver>;
};

/** A job before its files' texts are read: they are read as it starts, so only one group's texts are held at a time. */
export type PendingJob = Omit<ExtractJob, 'texts'>;

export type ExtractReply = { extraction: Extraction; counts: [string, number][] } | { error: string };

/**
 * How many threads extract at most: `--concurrency` (`auto`: one per core); one by default. On 2
 * cores a second thread gained nothing (V8's own threads already use the second core: a run takes
 * 1.45 cores) and held a second group's syntax trees in memory (16k set: 12.5 s either way, 850 →
 * 1,120 MiB); where a machine has more cores, measure before making it the default.
 */
export function concurrencyOf(requested: number | 'auto' | undefined): number {
  if (requested === 'auto') return availableParallelism();
  return requested !== undefined && Number.isInteger(requested) && requested > 1 ? requested : 1;
}

/**
 * Extracts the process groups in parallel: the largest first, each to the thread with the least
 * work so far; this thread takes a share too. Blocks until every group is done (the pipeline is
 * synchronous: ESLint rules cannot wait), and returns the extractions in the jobs' order, so the
 * output is the same whatever thread ran what. Without a built worker script (the sources under
 * test, the Action's single-file bundle) or with one thread, everything runs here.
 */
export function extractInParallel(
  jobs: readonly PendingJob[],
  concurrency: number,
  textsOf: (job: PendingJob) => ReadonlyMap<string, string>,
  extractHere: (job: ExtractJob) => Extraction,
  counted: (what: string, n: number) => void,
): Extraction[] {
  const here = (job: PendingJob): Extraction => extractHere({ ...job, texts: textsOf(job) });
  const script = new URL('./extract-worker.js', import.meta.url);
  const threads = Math.min(concurrency, jobs.length);
  if (threads <= 1 || !existsSync(fileURLToPath(script))) return jobs.map(here);
  const weight = (job: PendingJob): number => job.candidates.files.length;
  const lanes = Array.from({ length: threads }, () => ({ load: 0, jobs: [] as number[] }));
  for (const index of jobs.map((_, i) => i).sort((a, b) => weight(jobs[b]) - weight(jobs[a]) || a - b)) {
    const lane = lanes.reduce((least, l) => (l.load < least.load ? l : least));
    lane.jobs.push(index);
    lane.load += weight(jobs[index]);
  }
  counted('extraction threads', threads);
  const results: (Extraction | undefined)[] = jobs.map(() => undefined);
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const workers: { worker: Worker; port: MessagePort; pending: Set<number> }[] = [];
  try {
    for (const lane of lanes.slice(1)) {
      const { port1, port2 } = new MessageChannel();
      // The main thread's stack (about 1 MB), so that nesting too deep here is too deep there too.
      const worker = new Worker(script, {
        workerData: { port: port2, signal },
        transferList: [port2],
        resourceLimits: { stackSizeMb: 1 },
      });
      workers.push({ worker, port: port1, pending: new Set(lane.jobs) });
      for (const index of lane.jobs) port1.postMessage({ index, job: { ...jobs[index], texts: textsOf(jobs[index]) } });
    }
    const started = performance.now();
    for (const index of lanes[0].jobs) results[index] = here(jobs[index]);
    // A worker that dies (out of memory, a chunk that fails to load) never replies, and its events
    // cannot be heard while this thread waits: past a deadline its groups are extracted here instead.
    const deadline = performance.now() + Math.max(60_000, 3 * (performance.now() - started));
    let seen = 0;
    while (workers.some((w) => w.pending.size > 0) && performance.now() < deadline) {
      // A worker adds one to the signal after each reply it posts: wait for the next, then read them all.
      Atomics.wait(signal, 0, seen, 1000);
      seen = Atomics.load(signal, 0);
      for (const w of workers) drain(w.port, w.pending);
    }
  } finally {
    for (const w of workers) {
      w.port.close();
      void w.worker.terminate();
    }
  }
  return results.map((extraction, i) => extraction ?? here(jobs[i]));

  function drain(port: MessagePort, pending: Set<number>): void {
    for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
      const { index, reply } = m.message as { index: number; reply: ExtractReply };
      pending.delete(index);
      // A group the worker could not extract is extracted here: its notices say what went wrong, as in one thread.
      if ('error' in reply) continue;
      results[index] = reply.extraction;
      for (const [what, n] of reply.counts) counted(what, n);
    }
  }
}

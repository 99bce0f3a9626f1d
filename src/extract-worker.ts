// A worker thread of `extraction-pool.ts`: extracts the process groups it is sent, one at a time.
import { workerData, type MessagePort } from 'node:worker_threads';
import type { ExtractJob, ExtractReply } from './extraction-pool.js';
import { extract } from './extract/extract.js';
import { ModuleResolver } from './extract/syntax/module-resolver.js';
import { PhaseTimer } from './util/phase-timer.js';

const { port, signal } = workerData as { port: MessagePort; signal: Int32Array };

port.on('message', ({ index, job }: { index: number; job: ExtractJob }) => {
  let reply: ExtractReply;
  try {
    const timer = new PhaseTimer();
    const extraction = extract({ ...job, modules: new ModuleResolver(...job.modules), timer });
    reply = { extraction, counts: [...timer.counts] };
  } catch (error) {
    reply = { error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage({ index, reply });
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
});

import { setFlagsFromString } from 'node:v8';

/**
 * How much V8 lets the heap grow past what the last full collection kept. By default it grows by up
 * to 4× while a program allocates fast, which a run does from start to end: on the 16k-file bench
 * set the live data peaks near 340 MiB and the process reached 790 MiB. At 25 % the same run peaks
 * under 500 MiB for 6–8 % more wall time, and, unlike a fixed heap limit, a larger project still
 * gets all the heap it needs.
 */
export const HEAP_GROWING_PERCENT = 25;

/**
 * Sets the growth for this process, unless whoever started Node chose its own (`node
 * --heap-growing-percent=…`; NODE_OPTIONS cannot carry it): for the CLI's process only, never for a
 * host that loads obslint as a library (an editor running the ESLint plugin).
 */
export function boundHeapGrowth(execArgv: readonly string[] = process.execArgv): boolean {
  if (execArgv.some((arg) => /^--heap[-_]growing[-_]percent\b/.test(arg))) return false;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return true;
}

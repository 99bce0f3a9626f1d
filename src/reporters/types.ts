import type { RunResult } from '../types.js';

export interface ReporterOptions {
  color: boolean;
  quiet: boolean;
}

export type Reporter = (result: RunResult, options: ReporterOptions) => string;

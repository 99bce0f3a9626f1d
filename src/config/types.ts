import type { Severity, WrapperSpec } from '../types.js';

export type RuleSetting = Severity | 'off';

/**
 * `changed`: a convention (a metric's name, a summary where a histogram aggregates) is a finding on
 * the lines a change adds, and one note per rule on established code, whose dashboards and alerts a
 * rename would break. `everywhere`: a finding wherever it is.
 */
export type ConventionScope = 'changed' | 'everywhere';

/** What the user wrote in obslint.yaml; every key optional. */
export interface BudgetFile {
  version?: 1;
  defaults?: {
    maxSeriesPerMetric?: number;
    unknownLabelBound?: number;
    replicas?: number;
    statusCodes?: number;
    statusCodesPerRoute?: number;
  };
  total?: { maxSeries?: number };
  labels?: Record<string, number>;
  metrics?: Record<string, { maxSeries?: number; labels?: Record<string, number> }>;
  owners?: { name?: string; paths: string[]; maxSeries: number }[];
  rules?: Record<string, RuleSetting | [RuleSetting, Record<string, unknown>?]>;
  ignore?: string[];
  conventions?: ConventionScope;
  propagation?: { instrumented?: string[]; internalHosts?: string[]; ignoreHosts?: string[] };
  wrappers?: WrapperSpec[];
}

/** Fully defaulted configuration: downstream code never applies defaults itself. */
export interface ResolvedConfig {
  /** Absolute path of the budget file, when one was found. */
  file?: string;
  /** The budget file's path as reports show it (relative to the run's root). */
  fileDisplay?: string;
  defaults: {
    maxSeriesPerMetric: number;
    unknownLabelBound: number;
    replicas: number;
    statusCodes: number;
    statusCodesPerRoute: number;
  };
  totalMaxSeries?: number;
  labels: Record<string, number>;
  metrics: Record<string, { maxSeries?: number; labels: Record<string, number> }>;
  owners: { name: string; paths: string[]; maxSeries: number }[];
  rules: Record<string, { severity: RuleSetting; options: Record<string, unknown> }>;
  ignore: string[];
  /** Where conventions (naming, summaries) are findings: on changed lines only, or on all code. */
  conventions: ConventionScope;
  propagation: { instrumented: string[]; internalHosts: string[]; ignoreHosts: string[] };
  /** Declared metric factories, in the budget file's order. */
  wrappers: WrapperSpec[];
  /** 1-based line of each top-level key path in the budget file, for locating budget findings. */
  positions: Record<string, { line: number; column: number }>;
}

export const DEFAULTS: ResolvedConfig['defaults'] = {
  maxSeriesPerMetric: 10_000,
  unknownLabelBound: 100,
  replicas: 1,
  statusCodes: 20,
  statusCodesPerRoute: 5,
};

import type { ResolvedConfig } from '../config/types.js';
import type {
  Catalog,
  Estimate,
  FlowStep,
  LabelCall,
  LabelUse,
  Location,
  MetricDef,
  RelatedLocation,
  Severity,
} from '../types.js';

export interface RuleMeta<MessageId extends string> {
  description: string;
  defaultSeverity: Severity;
  /** What the rule reads: a single file's facts, or the whole project (budgets, label unions). */
  scope: 'file' | 'project';
  messages: Record<MessageId, string>;
  /**
   * The messages that are conventions (a metric's name, a summary where a histogram would aggregate):
   * worth acting on where a change adds them, not on an established metric whose dashboards and
   * alerts a rename would break. Outside changed lines they make one note per rule.
   */
  conventions?: readonly NoInfer<MessageId>[];
  /**
   * Its findings on a metric cost something only once the metric records (series, buckets): a
   * finding about a metric every recording of which is in code nothing calls is a note.
   */
  harmsWhenRecorded?: boolean;
}

export interface Report<MessageId extends string> {
  messageId: MessageId;
  data?: Record<string, string | number>;
  loc: Location;
  metric?: string;
  label?: string;
  flow?: FlowStep[];
  /** Places the finding refers to besides its location (the definition of a metric reported at a use). */
  related?: RelatedLocation[];
  /** What makes two reports the same cause (besides rule, file, metric and label). */
  cause?: string;
  /**
   * The file that identifies the finding across runs, when it is not the location's: a budget
   * finding follows its largest factor from file to file, its metric's definition stays.
   */
  identityFile?: string;
  /** Lowers an error rule's finding to a warning (a duplicate obslint cannot be sure of). */
  downgrade?: boolean;
  /**
   * Not a finding but a note on the run: what obslint did not check and why (calls in a package
   * that traces nothing yet). It claims nothing about the code, so it fails nothing and sits beside
   * the run's other notes (SARIF `toolExecutionNotifications`), not among the findings.
   */
  note?: boolean;
}

export interface RuleContext<Options, MessageId extends string> {
  catalog: Catalog;
  options: Options;
  config: ResolvedConfig;
  metric(id: string): MetricDef;
  estimate(id: string): Estimate;
  /** The label uses and label-setting calls of one metric (indexed: rules need not scan the catalog). */
  usesOf(metricId: string): LabelUse[];
  callsOf(metricId: string): LabelCall[];
  /**
   * The function nothing in the project calls that a location is in (see `Catalog.unreached`):
   * a finding there is a note, so it must not speak for one in live code.
   */
  unreachedIn(loc: Location): string | undefined;
  report(report: Report<MessageId>): void;
}

export interface Rule<Options = Record<string, never>, MessageId extends string = string> {
  id: string;
  meta: RuleMeta<MessageId>;
  defaultOptions: Options;
  check(context: RuleContext<Options, MessageId>): void;
}

/** Identity helper that types a rule's options and message ids. */
export function defineRule<Options extends object, MessageId extends string>(
  rule: Rule<Options, MessageId>,
): Rule<Options, MessageId> {
  return rule;
}

// Rules of any option and message types, as the registry holds them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRule = Rule<any>;

/**
 * Where a hazard is reported: at the label, unless the value was passed in from another function
 * (`recordCancellation(req.body.feedback)`, `bus.emit('placed', order)`). Then it is reported where
 * it enters, the caller's line: that is what a pull request changes and a reviewer can fix.
 */
export function hazardLocation(site: { loc: Location; shared?: true }, flow: readonly FlowStep[]): Location {
  // A call shared by several metrics (one client class, two injected metric groups): which caller
  // feeds which metric is not known, so the finding stays at the label.
  return !site.shared && flow.some((step) => step.call) && flow[0] ? flow[0].loc : site.loc;
}

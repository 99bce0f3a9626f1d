import type { ViewFact } from '../types.js';
import { wildcardRegExp } from '../util/regexp.js';

/** `http.server.*` style instrument-name selectors, and the meter a view is limited to. */
export function viewMatches(
  view: ViewFact,
  instrument: string,
  meter: string | undefined,
  kind: string | undefined,
): boolean {
  if (view.meterName !== undefined && view.meterName !== meter) return false;
  if (view.instrumentType !== undefined && view.instrumentType !== INSTRUMENT_TYPES[kind ?? '']) return false;
  return wildcardRegExp(view.instrumentName).test(instrument);
}

/** sdk-metrics' InstrumentType names, by the creating call. */
const INSTRUMENT_TYPES: Record<string, string> = {
  createCounter: 'COUNTER',
  createUpDownCounter: 'UP_DOWN_COUNTER',
  createHistogram: 'HISTOGRAM',
  createGauge: 'GAUGE',
  createObservableCounter: 'OBSERVABLE_COUNTER',
  createObservableUpDownCounter: 'OBSERVABLE_UP_DOWN_COUNTER',
  createObservableGauge: 'OBSERVABLE_GAUGE',
};

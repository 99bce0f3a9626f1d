import { formatNumber } from './numbers.js';
/** What active series cost at a Prometheus-style backend: 1–4 KB each (index and head chunk). */
export const BYTES_PER_SERIES = { low: 1024, high: 4096 } as const;

/** `1.2 MB–4.8 MB` for a series count; a negative count gives a negative range (`-40 KB–160 KB`). */
export function memoryRange(series: number): string {
  const sign = series < 0 ? '-' : '';
  const n = Math.abs(series);
  return `${sign}${size(n * BYTES_PER_SERIES.low)}–${size(n * BYTES_PER_SERIES.high)}`;
}

function size(bytes: number): string {
  const kb = bytes / 1024;
  if (kb >= 1024 * 1024) return `${(kb / 1024 / 1024).toFixed(1)} GB`;
  if (kb >= 1024) return `${(kb / 1024).toFixed(1)} MB`;
  return `${Math.round(kb)} KB`;
}

/** `+1,234` / `-56` / `0`, for deltas. */
export function signed(n: number): string {
  if (n === 0) return '0';
  return `${n > 0 ? '+' : '-'}${formatNumber(Math.abs(n))}`;
}

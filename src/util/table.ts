/**
 * A lookup table keyed by names read from user code: no prototype, so `table['constructor']` or
 * `'toString' in table` is never true by accident.
 */
export function table<T>(entries: Record<string, T>): Readonly<Record<string, T>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, T>, entries));
}

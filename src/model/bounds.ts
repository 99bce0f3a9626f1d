import type { Bound, BoundPart, FlowStep, UnboundedCategory, UnboundedSource } from '../types.js';

/** Product sets larger than this are counted, not listed. */
const MAX_LISTED_VALUES = 1000;

export function finite(values: Iterable<string>, reason: string): Bound {
  return { kind: 'finite', values: [...new Set(values)].sort(), reason };
}

/**
 * One value per running instance: an environment variable, a configuration value, a value computed
 * once, a module's constant.
 */
export function isPerInstance(bound: Bound): bound is Extract<Bound, { kind: 'bounded' }> {
  return fromSettings(bound) && bound.count === 1;
}

/** Read from the environment, the configuration or start-up code only: set per deployment, a few values at most. */
export function fromSettings(bound: Bound): bound is Extract<Bound, { kind: 'bounded' }> {
  return bound.kind === 'bounded' && bound.parts.every((p) => /^(env|config|once|const):/.test(p.source));
}

/** What a configuration value holds (a member of it): set per deployment, one value per instance. */
export function configuredPart(source: string): Bound {
  return boundedPart(`config:${source}`, 1, `\`${source}\`, read from a configuration value (one value per instance)`);
}

export function boundedPart(source: string, count: number, reason: string, extra: Partial<BoundPart> = {}): Bound {
  return bounded([{ source, count, reason, ...extra }]);
}

export function bounded(parts: BoundPart[]): Bound {
  return {
    kind: 'bounded',
    count: parts.reduce((sum, p) => sum + p.count, 0),
    reason: parts.map((p) => p.reason).join(' + '),
    parts,
    values: [],
  };
}

export const HTTP_METHODS = ['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE'];

export function unbounded(category: UnboundedCategory, reason: string, source: string, flow: FlowStep[]): Bound {
  return { kind: 'unbounded', category, reason, source, flow };
}

export function unknown(reason: string, source: string, flow: FlowStep[] = []): Bound {
  return { kind: 'unknown', reason, source, flow };
}

/** An element of a list of settings (`config.chains`, `NODE_URLS.split(',')`): as many as the deployment lists. */
export function settingElements(reason: string, source: string, flow: FlowStep[] = []): Bound {
  return { kind: 'unknown', reason, source, flow, setting: true };
}

export function countOf(bound: Bound): number | undefined {
  if (bound.kind === 'finite') return bound.values.length;
  if (bound.kind === 'bounded') return bound.count;
  return undefined;
}

/** What a label takes over every use of it (the uses of one metric). */
export function labelBound(uses: readonly { label: string; bound: Bound }[], label: string): Bound | undefined {
  return union(uses.filter((u) => u.label === label).map((u) => u.bound));
}

/**
 * The bound of a value that is one of several expressions. Unbounded wins over unknown, unknown over
 * bounded; finite values merge as sets and each bounded source counts once, so two call sites that
 * both pass `req.method` still mean 9 methods.
 */
export function union(bounds: Bound[]): Bound | undefined {
  if (bounds.length === 0) return undefined;
  const unboundedOnes = bounds.flatMap((b) =>
    b.kind === 'unbounded' ? [b, ...(b.also ?? []).map((a) => ({ ...a, kind: 'unbounded' as const }))] : [],
  );
  if (unboundedOnes.length > 0) {
    const [first, ...rest] = unboundedOnes;
    const seen = new Set([first.source]);
    const also = rest
      .filter((b) => !seen.has(b.source) && seen.add(b.source))
      .map(({ category, reason, source, flow, origin }) => ({ category, reason, source, flow, origin }));
    return also.length > 0 ? { ...first, also } : { ...first, also: undefined };
  }
  const unknowns = bounds.filter((b) => b.kind === 'unknown');
  const worst = unknowns.find((b) => !b.setting) ?? unknowns[0];
  if (worst) return worst;
  const values = new Set<string>();
  const parts = new Map<string, BoundPart>();
  const reasons = new Set<string>();
  for (const b of bounds) {
    if (b.kind === 'finite') {
      b.values.forEach((v) => values.add(v));
      reasons.add(b.reason);
    } else if (b.kind === 'bounded') {
      b.values.forEach((v) => values.add(v));
      for (const p of b.parts) {
        // Status codes read where requests succeed and where they may fail: any of them.
        const met = parts.get(p.source);
        parts.set(
          p.source,
          met && Boolean(met.successOnly) !== Boolean(p.successOnly) ? { ...p, successOnly: undefined } : p,
        );
      }
    }
  }
  if (parts.size === 0) {
    const merged = finite(values, [...reasons].join('; '));
    // The same call sites' values, met twice (two uses of one label): still passed together.
    const [first, ...rest] = bounds.map((b) => (b.kind === 'finite' ? b.together : undefined));
    const same = first && rest.every((t) => t && t.by === first.by && JSON.stringify(t) === JSON.stringify(first));
    return same && merged.kind === 'finite' ? { ...merged, together: first } : merged;
  }
  // A status read where the request succeeded is one value per route: an error's literal beside it
  // (`errored ? 500 : res.statusCode`) is another; a success literal (`|| '200'`) may be that one.
  const absorbed = (v: string): boolean =>
    [...parts.values()].some(
      (p) =>
        p.domain?.includes(v) ||
        (p.pattern !== undefined && (!p.successOnly || /^2/.test(v)) && new RegExp(p.pattern).test(v)),
    );
  for (const v of [...values]) if (absorbed(v)) values.delete(v);
  if (values.size > 0) for (const [key, p] of parts) if (p.replaceable) parts.delete(key);
  const partList = [...parts.values()].sort((a, b) => (a.source < b.source ? -1 : 1));
  const count = values.size + partList.reduce((sum, p) => sum + p.count, 0);
  const reason = [
    ...partList.map((p) => p.reason),
    ...(values.size > 0 ? [`${values.size} literal value${values.size === 1 ? '' : 's'}`] : []),
  ].join(' + ');
  return { kind: 'bounded', count, reason, parts: partList, values: [...values].sort() };
}

/** The values of a template or concatenation whose parts are each bounded: the product. */
export function product(parts: Bound[], reason: string): Bound {
  let combos: string[] = [''];
  let count = 1;
  let listed = true;
  for (const part of parts) {
    const n = countOf(part);
    if (n === undefined) throw new Error('product() takes bounded parts only');
    count *= n;
    if (part.kind === 'finite' && listed && combos.length * part.values.length <= MAX_LISTED_VALUES) {
      combos = combos.flatMap((prefix) => part.values.map((v) => prefix + v));
    } else {
      listed = false;
    }
  }
  return listed
    ? finite(combos, reason)
    : { kind: 'bounded', count, reason, parts: [{ source: `product:${reason}`, count, reason }], values: [] };
}

export function withStep(bound: Bound, step: FlowStep): Bound {
  if (bound.kind === 'unbounded')
    return { ...bound, flow: [...bound.flow, step], also: bound.also?.map((a) => ({ ...a, flow: [...a.flow, step] })) };
  if (bound.kind === 'unknown') return { ...bound, flow: [...bound.flow, step] };
  return bound;
}

/** Every unbounded source of a value: the first and any others seen beside it. */
export function unboundedSources(bound: Bound): UnboundedSource[] {
  if (bound.kind !== 'unbounded') return [];
  const { category, reason, source, flow, origin, fallback } = bound;
  return [{ category, reason, source, flow, origin, ...(fallback ? { fallback } : {}) }, ...(bound.also ?? [])];
}

export const CATEGORY_TEXT: Record<UnboundedCategory, string> = {
  'raw-url': 'raw URL, unbounded',
  'request-input': 'request input, unbounded',
  id: 'an identifier, unbounded',
  email: 'an email address, unbounded',
  'user-name': "a user's name, unbounded",
  credential: 'an API key or token, unbounded',
  uuid: 'a generated unique id, unbounded',
  timestamp: 'a timestamp, unbounded',
  sequence: 'a sequence number (block height, nonce), unbounded',
  count: 'a running count or total, unbounded',
  hash: 'a block or transaction hash, unbounded',
  'error-message': 'an error message, unbounded',
  serialized: 'serialized data, unbounded',
  random: 'a random value, unbounded',
  'literal-path': 'a URL path built from values, unbounded',
};

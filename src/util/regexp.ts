/** `text` as a regular expression that matches it literally (`a.b` → `a\.b`). */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A pattern whose `*` stands for any characters (`http.server.*`, `*.svc.cluster.local`), matched whole. */
export function wildcardRegExp(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`);
}

/** Every place an identifier is written whole (`limit` in `limit(…)`, not in `rateLimit`), for `matchAll`. */
export function identifierRegExp(name: string): RegExp {
  return new RegExp(`(?<![\\w$])${escapeRegExp(name)}(?![\\w$])`, 'g');
}

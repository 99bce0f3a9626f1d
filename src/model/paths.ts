/** Numbers, uuids, long hex, and long tokens that mix letters and digits (slugs of words are not ids). */
const ID_SEGMENT =
  /^(\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,}|(?=[^/]*\d)(?=[^/]*[a-z])[0-9a-z_-]{16,})$/i;

/**
 * Words joined by `-` or `_`, each perhaps ending in a version (`agentflowv2-generator`,
 * `oauth2-credential`): a route's name, however long, not a generated token.
 */
const WORD_SLUG = /^[a-z]+\d{0,2}(?:[-_][a-z]+\d{0,2})+$/;

function isIdSegment(segment: string): boolean {
  return ID_SEGMENT.test(segment) && !WORD_SLUG.test(segment);
}

/** `/orders/8412/items` → `/orders/:id/items`, or undefined when no segment looks like an id. */
export function templatize(path: string): string | undefined {
  const [pathname = ''] = path.split('?');
  const segments = pathname.split('/');
  let changed = false;
  const templated = segments.map((s) => (s && isIdSegment(s) ? ((changed = true), ':id') : s)).join('/');
  return changed ? templated : undefined;
}

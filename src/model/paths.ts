/** Numbers, uuids, long hex, and long tokens that mix letters and digits (slugs of words are not ids). */
const ID_SEGMENT =
  /^(\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,}|(?=[^/]*\d)(?=[^/]*[a-z])[0-9a-z_-]{16,})$/i;

/** `/orders/8412/items` → `/orders/:id/items`, or undefined when no segment looks like an id. */
export function templatize(path: string): string | undefined {
  const [pathname = ''] = path.split('?');
  const segments = pathname.split('/');
  let changed = false;
  const templated = segments.map((s) => (s && ID_SEGMENT.test(s) ? ((changed = true), ':id') : s)).join('/');
  return changed ? templated : undefined;
}

import { HTTP_METHODS, labelBound } from '../model/bounds.js';
import type { Bound, Catalog, LabelEstimate, RouteFact } from '../types.js';

/**
 * An HTTP-method label beside a matched-route label (`{ method, route, status }`): each route is
 * registered for its own methods, so the two labels take the (method, route) pairs the project
 * registers (and any method for requests no route matched), not every method with every route.
 * Counted on the route label; the method label then counts 1. Unchanged where either label takes
 * anything else, or where the pairs are no fewer than the product.
 */
export function withMethodsPerRoute(
  byLabel: LabelEstimate[],
  uses: Catalog['labelUses'],
  routes: readonly RouteFact[],
): LabelEstimate[] {
  const method = byLabel.find((l) => l.kind === 'bounded' && onlyMethods(labelBound(uses, l.label)));
  const route = byLabel.find((l) => {
    const bound = labelBound(uses, l.label);
    return l.kind === 'bounded' && (routeTemplates(bound) !== undefined || mountedOnly(bound));
  });
  const methodCount = method?.count;
  const routeCount = route?.count;
  if (!method || !route || typeof methodCount !== 'number' || typeof routeCount !== 'number') return byLabel;
  // A literal fallback beside the request's method (`cleanLabel(req.method, 'unknown')`) comes with any route.
  const fallbacks = (labelBound(uses, method.label) as Extract<Bound, { kind: 'bounded' }>).values.filter(
    (v) => !HTTP_METHODS.includes(v.toUpperCase()),
  ).length;
  const httpMethods = methodCount - fallbacks;
  const bound = labelBound(uses, route.label) as Extract<Bound, { kind: 'bounded' }>;
  const templates = routeTemplates(bound);
  // The routes of the packages the label counts (its service's), not another service's with the same template.
  const scope = bound.parts.find(
    (p) => p.source === 'route-template' || p.source === 'mounted-route-template',
  )?.packages;
  // A mounted template (`req.baseUrl + req.route.path`) is one value per registration file and template.
  const keyOf = (r: RouteFact): string | undefined =>
    templates ? (templates.includes(r.template) ? r.template : undefined) : `${r.loc.file}\u0000${r.template}`;
  const methods = new Map<string, Set<string> | 'any'>();
  for (const r of routes) {
    if (scope && r.package !== undefined && !scope.includes(r.package)) continue;
    const key = keyOf(r);
    if (key === undefined) continue;
    const known = methods.get(key);
    // Express, koa-router, fastify and Hono answer HEAD with a GET route's handler.
    const served = r.method === 'GET' ? ['GET', 'HEAD'] : r.method === undefined ? [] : [r.method];
    if (r.method === undefined || known === 'any') methods.set(key, 'any');
    else if (known) served.forEach((m) => known.add(m));
    else methods.set(key, new Set(served));
  }
  const pairs = [...methods.values()].reduce((n, m) => n + (m === 'any' ? httpMethods : m.size), 0);
  const counted = templates
    ? templates.length
    : (bound.parts.find((p) => p.source === 'mounted-route-template')?.count ?? 0);
  // The route label's other values (none matched, a literal fallback, left unset) come with any method.
  const others = Math.max(0, routeCount - counted);
  const paired = pairs + others * methodCount + fallbacks * counted;
  if (methods.size !== counted || paired >= methodCount * routeCount) return byLabel;
  return byLabel.map((l): LabelEstimate => {
    if (l === method)
      return {
        ...l,
        count: 1,
        reason: `counted with \`${route.label}\`: each route serves the methods it is registered for`,
      };
    if (l === route)
      return {
        ...l,
        count: paired,
        reason: `${route.reason}, each route with the methods it is registered for: ${pairs} (method, route) pair${pairs === 1 ? '' : 's'}${others > 0 ? ` + ${others} other value${others === 1 ? '' : 's'} × ${methodCount} methods` : ''}${fallbacks > 0 ? ` + ${counted} routes × ${fallbacks} fallback method value${fallbacks === 1 ? '' : 's'}` : ''}`,
        values: undefined,
      };
    return l;
  });
}

function onlyMethods(bound: Bound | undefined): boolean {
  return bound?.kind === 'bounded' && bound.parts.length === 1 && bound.parts[0].source === 'http-method';
}

/** A mounted route template (and none matched, a literal fallback) is all the label takes. */
function mountedOnly(bound: Bound | undefined): boolean {
  return (
    bound?.kind === 'bounded' &&
    bound.parts.some((p) => p.source === 'mounted-route-template') &&
    bound.parts.every((p) => p.source === 'mounted-route-template' || p.source === 'route-unmatched')
  );
}

/** The route templates a label takes, when its other values are literals (a fallback) or none matched. */
function routeTemplates(bound: Bound | undefined): string[] | undefined {
  if (bound?.kind !== 'bounded') return undefined;
  const template = bound.parts.find((p) => p.source === 'route-template');
  if (!template?.domain || bound.parts.some((p) => p.source !== 'route-template' && p.source !== 'route-unmatched'))
    return undefined;
  return template.domain;
}

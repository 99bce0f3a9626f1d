import { labelBound } from '../model/bounds.js';
import type { Bound, Catalog, LabelEstimate } from '../types.js';

/** Label names that hold which endpoint served the request, when their values are bounded. */
const ROUTE_LABEL = /^(http_?)?(route|path|endpoint|handler|url|uri)$/i;

/**
 * An HTTP status-code label beside a route label (`{ route, status_code }`): a route answers a few of
 * the codes the service emits (its success, a redirect or not-modified, its client errors, a server
 * error), not every one of them, so the status label counts `statusCodesPerRoute` with each route.
 * Unchanged where the status label takes anything but status codes and literals, or without a route.
 */
export function withStatusesPerRoute(
  byLabel: LabelEstimate[],
  uses: Catalog['labelUses'],
  defaults: { statusCodes: number; statusCodesPerRoute: number },
): LabelEstimate[] {
  const perRoute = Math.min(defaults.statusCodes, defaults.statusCodesPerRoute);
  if (perRoute >= defaults.statusCodes) return byLabel;
  const route = byLabel.find(
    (l) => typeof l.count === 'number' && l.count > 1 && isRouteLabel(l, labelBound(uses, l.label)),
  );
  if (!route) return byLabel;
  return byLabel.map((l): LabelEstimate => {
    if (l === route || l.kind !== 'bounded' || typeof l.count !== 'number') return l;
    const bound = labelBound(uses, l.label);
    if (bound?.kind !== 'bounded' || !bound.parts.some((p) => p.source === 'status-code')) return l;
    if (!bound.parts.every((p) => p.source === 'status-code')) return l;
    // Read only where the request succeeded (an interceptor's `tap`): the handler's one success status.
    const successOnly = bound.parts.every((p) => p.successOnly);
    const count = l.count - defaults.statusCodes + (successOnly ? 1 : perRoute);
    if (count >= l.count) return l;
    return {
      ...l,
      count,
      reason: successOnly
        ? `${l.reason}, counted with \`${route.label}\`: read only where the request succeeded, each route's one success status`
        : `${l.reason}, counted with \`${route.label}\`: ${perRoute} status codes per route (defaults.statusCodesPerRoute)`,
    };
  });
}

function isRouteLabel(estimate: LabelEstimate, bound: Bound | undefined): boolean {
  if (bound?.kind === 'finite') return ROUTE_LABEL.test(estimate.label);
  if (bound?.kind !== 'bounded') return false;
  return (
    ROUTE_LABEL.test(estimate.label) ||
    bound.parts.some((p) => p.source === 'route-template' || p.source === 'mounted-route-template')
  );
}

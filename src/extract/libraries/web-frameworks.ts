/** Router methods that register a handler for a path (express, koa-router, fastify shorthands). */
export const ROUTE_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'all', 'head', 'options']);

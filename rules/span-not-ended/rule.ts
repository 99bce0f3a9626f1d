import { defineRule } from '../../src/engine/define-rule.js';

export default defineRule({
  id: 'span-not-ended',
  meta: {
    description: 'A span started with startSpan/startActiveSpan that is not ended on every path: it is never exported, and its children hang off nothing.',
    defaultSeverity: 'warn',
    scope: 'file',
    messages: {
      never: 'span `{{variable}}` is started here but never ended: it is never exported; call `{{variable}}.end()` in a `finally` block',
      discarded: 'the span started here is not kept, so it can never be ended: keep it (`const span = …`) and call `span.end()` in a `finally` block',
      earlyExit: 'span `{{variable}}` is not ended on the path that leaves at line {{line}}: end it in a `finally` block so every return and throw ends it',
      tryWithoutFinally: 'span `{{variable}}` is ended only inside `try`: when the try throws (line {{line}}) it leaks; move `{{variable}}.end()` into `finally`',
    },
  },
  defaultOptions: {},
  check(ctx) {
    for (const span of ctx.catalog.spans) {
      const life = span.lifecycle;
      if (!life || life.status === 'ended' || life.status === 'escapes') continue;
      const variable = life.variable ?? 'span';
      const line = String(life.loc?.line ?? span.loc.line);
      if (life.status === 'never') {
        ctx.report({ messageId: variable === '(discarded)' ? 'discarded' : 'never', data: { variable }, loc: span.loc, cause: variable });
      } else {
        ctx.report({ messageId: life.status === 'early-exit' ? 'earlyExit' : 'tryWithoutFinally', data: { variable, line }, loc: span.loc, cause: `${life.status}:${variable}` });
      }
    }
  },
});

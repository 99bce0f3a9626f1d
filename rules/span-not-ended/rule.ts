import { defineRule } from '../../src/engine/rule-api.js';
import type { Bound } from '../../src/types.js';

export default defineRule({
  id: 'span-not-ended',
  meta: {
    description:
      'A span started with startSpan/startActiveSpan that is not ended on every path: it is never exported, and its children hang off nothing.',
    defaultSeverity: 'warn',
    scope: 'file',
    messages: {
      never:
        'span `{{span}}` is started here but never ended: it is never exported; call `{{variable}}.end()` in a `finally` block',
      discarded:
        'span `{{span}}` is started here but not kept, so it can never be ended: keep it (`const span = …`) and call `span.end()` in a `finally` block',
      earlyExit:
        'span `{{span}}` is not ended on the `{{exit}}` at line {{line}}: end it in a `finally` block so every return and throw ends it',
      catchLeaks:
        'span `{{span}}` is ended only inside `try`: when the try throws, the `catch` at line {{line}} leaves it open; move `{{variable}}.end()` into `finally`',
      tryLeaks:
        'span `{{span}}` is ended only inside `try`: when the try (line {{line}}) throws, it leaks; move `{{variable}}.end()` into `finally`',
    },
  },
  defaultOptions: {},
  check(ctx) {
    for (const span of ctx.catalog.spans) {
      const life = span.lifecycle;
      if (!life || life.status === 'ended' || life.status === 'escapes') continue;
      const variable = life.variable ?? 'span';
      const data = {
        span: spanName(span.name, span.bound),
        variable,
        line: String(life.loc?.line ?? span.loc.line),
        exit: life.exit ?? 'return',
      };
      const messageId =
        life.status === 'never'
          ? variable === '(discarded)'
            ? 'discarded'
            : 'never'
          : life.status === 'early-exit'
            ? 'earlyExit'
            : life.exit === 'catch'
              ? 'catchLeaks'
              : 'tryLeaks';
      ctx.report({ messageId, data, loc: span.loc, cause: `${life.status}:${span.name}` });
    }
  },
});

/** A span's name as users know it: the literal's value, or the name expression's text. */
function spanName(text: string, bound: Bound): string {
  if (bound.kind === 'finite' && bound.values.length === 1) return bound.values[0];
  return text.startsWith('`') && text.endsWith('`') ? text.slice(1, -1) : text;
}

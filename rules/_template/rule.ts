// Copied by `npm run new-rule -- <id>`, with each {{rule-id}} replaced by the id.
import { defineRule } from '../../src/engine/rule-api.js';

export default defineRule({
  id: '{{rule-id}}',
  meta: {
    description: 'TODO: one sentence: what it finds, and what that costs in production.',
    defaultSeverity: 'warn',
    // 'file' when one file's facts decide a finding (the ESLint plugin can run it); else 'project'.
    scope: 'file',
    messages: {
      // Templates interpolate `data` with {{name}}; say what is wrong and how to fix it.
      found: 'metric `{{metric}}`: TODO say what is wrong and how to fix it',
    },
  },
  defaultOptions: {},
  check(ctx) {
    // Rules read catalog facts (ctx.catalog, ctx.usesOf, ctx.estimate), never the AST.
    for (const metric of ctx.catalog.metrics) {
      if (metric.name !== '{{rule-id}}') continue; // TODO: the condition this rule exists for
      ctx.report({ messageId: 'found', data: { metric: metric.name }, loc: metric.loc, metric: metric.id });
    }
  },
});

import { defineRule } from '../../src/engine/rule-api.js';

const WHERE = { loop: 'inside a loop or a repeated callback', callback: 'inside a request or event handler' } as const;

export default defineRule({
  id: 'metric-in-hot-path',
  meta: {
    description:
      'A metric constructed per request, per call or per loop iteration: prom-client throws on the second registration, and unregistered copies leak memory.',
    defaultSeverity: 'error',
    scope: 'file',
    messages: {
      hot: '`{{metric}}` is constructed {{where}}: the second construction throws "A metric with the name {{metric}} has already been registered"; create it once at module scope and use it here',
      hotInstrument:
        'instrument `{{metric}}` is created {{where}}: the SDK looks it up on every call (and warns when its description or unit differ); create it once at module scope and use it here',
    },
  },
  defaultOptions: {},
  check(ctx) {
    for (const def of ctx.catalog.metrics) {
      if (def.createdIn !== 'loop' && def.createdIn !== 'callback') continue;
      ctx.report({
        messageId: def.library === 'opentelemetry' ? 'hotInstrument' : 'hot',
        data: { metric: def.name, where: WHERE[def.createdIn] },
        loc: def.loc,
        metric: def.name,
      });
    }
  },
});

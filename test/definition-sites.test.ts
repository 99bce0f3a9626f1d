import { describe, expect, it } from 'vitest';
import { analyze } from '../src/api.js';
import { tempProject } from './helpers/cli.js';

/** Where a metric a helper call creates is defined: the line a pull request changes to add or rename it. */
describe('definition sites of helper calls', () => {
  const helper =
    "import { metrics } from '@opentelemetry/api';\n" +
    "const meter = metrics.getMeter('notes');\n" +
    'export const scoped = { sync: { counter: (name: string) => meter.createCounter(`sync.${name}`) } };\n';

  async function lineOf(call: string, metric: string): Promise<number | undefined> {
    const dir = tempProject({
      'src/metrics.ts': helper,
      'src/sync.ts': `import { scoped } from './metrics.js';\nexport function onSync(): void {\n${call}\n}\n`,
    });
    const result = await analyze({ cwd: dir, paths: ['.'] });
    return result.catalog.metrics.find((m) => m.name === metric)?.loc.line;
  }

  it('a call on one line is defined on that line', async () => {
    expect(await lineOf("  scoped.sync.counter('merges').add(1);", 'sync.merges')).toBe(3);
  });

  it('a chain broken over lines is defined on the line of the called method, where the name is', async () => {
    expect(await lineOf("  scoped.sync\n    .counter('conflicts')\n    .add(1);", 'sync.conflicts')).toBe(4);
  });
});

describe('a declared wrapper reached through a callback parameter', () => {
  it('`module#fn(=>).method` is what `fn` hands its callback; `library: cloudwatch` words labels as dimensions', async () => {
    const dir = tempProject({
      'package.json': '{ "name": "uploads", "dependencies": { "@acme/telemetry": "1.0.0" } }',
      'obslint.yaml': [
        'wrappers:',
        "  - { callee: '@acme/telemetry#withRecorder(=>).count', kind: counter, name: 0, labels: 'arg:1', getOrCreate: true, library: cloudwatch }",
      ].join('\n'),
      'src/uploads.ts': [
        "import { withRecorder } from '@acme/telemetry';",
        'export const onUpload = withRecorder((recorder) => (req: { params: { bucket: string } }) => {',
        "  recorder.count('UploadsReceived', { Bucket: req.params.bucket });",
        '});',
      ].join('\n'),
    });
    const result = await analyze({ cwd: dir, paths: ['.'] });
    expect(result.catalog.metrics.map((m) => `${m.name} ${m.library} ${m.via?.wrapper}`)).toEqual([
      'UploadsReceived cloudwatch @acme/telemetry#withRecorder(=>).count',
    ]);
    expect(result.findings.map((f) => f.message.split(':')[0])).toEqual([
      'dimension `Bucket` of `UploadsReceived` takes `req.params.bucket` (request input, unbounded)',
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { discover } from '../src/discovery/discover.js';
import { tempProject } from './helpers/cli.js';

const MANIFEST = JSON.stringify({ name: 'svc', dependencies: { '@opentelemetry/api': '^1.9.0' } });
const SOURCE = 'export const x = 1;\n';

/** What discovery attaches to each package from the deploy files beside it. */
async function deployed(files: Record<string, string>): Promise<Record<string, unknown>> {
  const dir = tempProject({ 'src/index.ts': SOURCE, ...files });
  const { packages } = await discover(['.'], dir, []);
  return Object.fromEntries(packages.map((p) => [p.name, p.deployed ?? []]));
}

describe('deploy files that start tracing', () => {
  it("reads a JSON-array CMD's preload and a shell NODE_OPTIONS, in any Dockerfile name", async () => {
    expect(
      await deployed({
        'package.json': MANIFEST,
        Dockerfile:
          'FROM node:22\nCMD ["node", "--require", "@opentelemetry/auto-instrumentations-node/register", "dist/main.js"]\n',
        'docker/api.Dockerfile': 'FROM node:22\nENV NODE_OPTIONS=--import=dd-trace/initialize.mjs\n',
      }),
    ).toEqual({
      svc: [
        { file: 'Dockerfile', preload: '@opentelemetry/auto-instrumentations-node/register' },
        { file: 'docker/api.Dockerfile', preload: 'dd-trace/initialize.mjs' },
      ],
    });
  });

  it('reads the operator annotation in a Helm template YAML cannot parse, and not one switched off', async () => {
    expect(
      await deployed({
        'package.json': MANIFEST,
        'helm/templates/deployment.yaml':
          'metadata:\n  annotations:\n    {{- if .Values.tracing }}\n    instrumentation.opentelemetry.io/inject-nodejs: "otel/node"\n    {{- end }}\n',
        'k8s/worker.yaml': 'metadata:\n  annotations:\n    instrumentation.opentelemetry.io/inject-nodejs: "false"\n',
      }),
    ).toEqual({
      svc: [{ file: 'helm/templates/deployment.yaml', injected: 'the OpenTelemetry Operator (inject-nodejs)' }],
    });
  });

  it('takes a NAIS application only for the Node runtime, and survives broken and hostile YAML', async () => {
    const nais = (runtime: string): string =>
      `apiVersion: nais.io/v1alpha1\nkind: Application\nspec:\n  observability:\n    autoInstrumentation:\n      enabled: true\n      runtime: ${runtime}\n`;
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`),
    ].join('\n');
    expect(
      await deployed({
        'package.json': MANIFEST,
        '.nais/prod.yaml': nais('nodejs'),
        '.nais/java.yaml': nais('java'),
        '.nais/broken.yaml': 'spec: [unclosed\n  autoInstrumentation: {',
        '.nais/bomb.yaml': `${bomb}\nspec:\n  observability:\n    autoInstrumentation: *h\n`,
      }),
    ).toEqual({ svc: [{ file: '.nais/prod.yaml', injected: 'NAIS autoInstrumentation (nodejs)' }] });
  });

  it('gives a deploy file to the nearest package above it', async () => {
    expect(
      await deployed({
        'package.json': JSON.stringify({ name: 'root', workspaces: ['services/*'] }),
        'services/api/package.json': MANIFEST.replace('"svc"', '"api"'),
        'services/api/src/main.ts': SOURCE,
        'services/api/.nais/app.yml':
          'spec:\n  observability:\n    autoInstrumentation:\n      enabled: true\n      runtime: nodejs\n',
      }),
    ).toEqual({
      root: [],
      api: [{ file: 'services/api/.nais/app.yml', injected: 'NAIS autoInstrumentation (nodejs)' }],
    });
  });
});

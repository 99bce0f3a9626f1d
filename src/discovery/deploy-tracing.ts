import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { DeployedTracing } from '../extract/syntax/module-resolver.js';

/**
 * Where a deployment can start tracing outside the code: a Dockerfile's `NODE_OPTIONS` or `CMD`,
 * a NAIS application manifest (`.nais/`), a Kubernetes manifest or Helm chart annotated for the
 * OpenTelemetry Operator. Globs for the one walk of the tree that finds package.json files too.
 */
export const DEPLOY_FILES = [
  '**/Dockerfile',
  '**/Dockerfile.*',
  '**/*.Dockerfile',
  '**/.nais/**/*.{yml,yaml}',
  '**/{k8s,kubernetes,deploy,deployment,deployments,helm,charts,manifests}/**/*.{yml,yaml}',
];

/** Larger files are generated (a rendered chart of every service): not a deploy file to read. */
const MAX_BYTES = 512 * 1024;

/** The OpenTelemetry Operator injects its Node auto-instrumentation into pods with this annotation. */
const OPERATOR_ANNOTATION = /instrumentation\.opentelemetry\.io\/inject-nodejs['"]?\s*:\s*['"]?([^\s'"#]+)/;

/** `node --require x`, `--import=x`, `-r x`, in a shell line or a JSON-array `CMD`/`ENTRYPOINT`. */
const PRELOAD = /(?:--require|--import|-r)(?:[ =]+|"\s*,\s*")['"]?([^\s'",\]]+)/g;

/** What a deploy file starts (an auto-instrumentation it injects, a module it preloads); empty when nothing. */
export function deployedTracing(file: string, display: string): DeployedTracing[] {
  let text: string;
  try {
    if (statSync(file).size > MAX_BYTES) return [];
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  if (/dockerfile/i.test(basename(file)))
    return [...text.matchAll(PRELOAD)].map((m) => ({ file: display, preload: m[1] }));
  const found: DeployedTracing[] = [];
  const operator = OPERATOR_ANNOTATION.exec(text);
  if (operator && operator[1] !== 'false')
    found.push({ file: display, injected: 'the OpenTelemetry Operator (inject-nodejs)' });
  if (/\bautoInstrumentation\b/.test(text) && naisNodeAutoInstrumentation(text))
    found.push({ file: display, injected: 'NAIS autoInstrumentation (nodejs)' });
  return found;
}

/** A NAIS Application whose `spec.observability.autoInstrumentation` is enabled for the Node runtime. */
function naisNodeAutoInstrumentation(text: string): boolean {
  try {
    const documents = parseAllDocuments(untemplated(text));
    if (!Array.isArray(documents)) return false;
    return documents.some((document) => {
      if (document.errors.length > 0) return false;
      // An alias bomb in a deploy file costs this file its answer, never the run.
      const json: unknown = document.toJS({ maxAliasCount: 50 });
      const auto = (json as { spec?: { observability?: { autoInstrumentation?: unknown } } } | null)?.spec
        ?.observability?.autoInstrumentation;
      if (!auto || typeof auto !== 'object') return false;
      const { enabled, runtime } = auto as { enabled?: unknown; runtime?: unknown };
      return enabled === true && (runtime === undefined || runtime === 'nodejs');
    });
  } catch {
    return false;
  }
}

/**
 * A manifest filled in by a template engine at deploy time (`image: {{image}}`, `{{#each ingresses}}`
 * lines): each block tag's line dropped and each value a placeholder, so the rest parses as YAML.
 */
function untemplated(text: string): string {
  return text.replace(/^[ \t-]*\{\{[#/^!>][^}]*\}\}[ \t]*$/gm, '').replace(/\{\{[^}]*\}\}/g, 'templated');
}

import type { Reporter } from './types.js';

export const FORMATS = ['stylish', 'json', 'sarif', 'github', 'markdown'] as const;
export type Format = (typeof FORMATS)[number];

/** Reporters are loaded on demand: a run pays only for the format it prints. */
const loaders: Record<Format, () => Promise<Reporter>> = {
  stylish: async () => (await import('./stylish.js')).stylish,
  json: async () => (await import('./json.js')).json,
  sarif: async () => (await import('./sarif.js')).sarif,
  github: async () => (await import('./github.js')).github,
  markdown: async () => (await import('./markdown.js')).markdown,
};

export function loadReporter(format: Format): Promise<Reporter> {
  return loaders[format]();
}

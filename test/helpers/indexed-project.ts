import { ts } from 'ts-morph';
import { ModuleResolver } from '../../src/extract/syntax/module-resolver.js';
import { ProjectIndex } from '../../src/extract/syntax/project-index.js';
import { forEachDescendant } from '../../src/extract/syntax/walk.js';

/**
 * A project index over files written in the test (`{ '/graph/app.ts': '…' }`, absolute paths under
 * `root`), every node indexed as extraction indexes it; the script kind follows each extension.
 */
export function indexedProject(
  root: string,
  files: Record<string, string>,
): { index: ProjectIndex; modules: ModuleResolver; sources: ts.SourceFile[] } {
  const modules = new ModuleResolver();
  const index = new ProjectIndex(root, modules);
  const sources = Object.entries(files).map(([path, text]) => {
    const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
    index.add(source);
    forEachDescendant(source, (node) => {
      index.indexNode(node);
    });
    return source;
  });
  return { index, modules, sources };
}

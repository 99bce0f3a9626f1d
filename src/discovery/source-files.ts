/** The extensions of the source files obslint reads. */
export const SOURCE_EXTENSIONS = ['ts', 'tsx', 'mts', 'cts', 'js', 'jsx', 'mjs', 'cjs'];

export function isSourceFile(path: string): boolean {
  return SOURCE_EXTENSIONS.some((e) => path.endsWith(`.${e}`));
}

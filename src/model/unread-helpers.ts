import type { Notice, UnreadHelper } from '../types.js';

/** One note for a run that met helpers it cannot read: why their metrics are missing, and what to do. */
export function unreadHelpersNotice(helpers: readonly UnreadHelper[]): Notice | undefined {
  const [first] = helpers;
  if (!first) return undefined;
  const more = helpers.length > 1 ? ` and ${helpers.length - 1} more` : '';
  return {
    level: 'note',
    file: first.loc.file,
    line: first.loc.line,
    column: first.loc.column,
    message: `metrics defined through \`${first.callee}\`${more} are not counted: obslint cannot read that module (an installed package, or one it cannot resolve); declare it under \`wrappers:\` in obslint.yaml (\`obslint init\` writes the stubs)`,
  };
}

import { join, resolve } from 'node:path';
import { git, GitError, gitOrThrow } from './git.js';
import { comparisonBase, parseUnifiedDiff, resolveCommit } from './revision.js';

/** What a branch changed since a revision: `--changed-since`. */
export interface ChangedFiles {
  /** The revision as the user named it. */
  ref: string;
  /** The commit compared with: the merge base of `ref` and HEAD. */
  base: string;
  /** Changed files, absolute, spelled from the working directory the caller passed. */
  files: Set<string>;
  /** The lines added or changed in each file `git diff` shows; a file without an entry (untracked) is new throughout. */
  lines: Map<string, Set<number>>;
}

/**
 * The files changed since the branch left `ref`: what `git diff <merge base>` shows against the
 * work tree (committed since the branch point, staged, not yet staged), plus untracked files that
 * are not ignored. Deleted files are left out: there is nothing to report in them.
 */
export async function filesChangedSince(cwd: string, ref: string): Promise<ChangedFiles> {
  // The top level as a path from `cwd`, not `--show-toplevel`: that one resolves symlinks, and the
  // paths must match the ones discovery spells from the working directory (macOS's /var → /private/var).
  const cdup = await git(['rev-parse', '--show-cdup'], cwd);
  if (!cdup.ok) throw new GitError(`not a git repository: ${cwd}`);
  const top = resolve(cwd, cdup.stdout.replace(/\n$/, ''));
  const base = await comparisonBase(top, await resolveCommit(top, ref));
  // -z: paths with spaces, quotes or non-ASCII characters come out as they are, unquoted.
  const [diffed, untracked, hunks] = await Promise.all([
    gitOrThrow(
      // No rename detection: a renamed file is reported under its new name either way, and finding
      // renames costs time on a large diff.
      [
        'diff',
        '--name-only',
        '-z',
        '--no-renames',
        '--no-ext-diff',
        '--diff-filter=ACMR',
        '--end-of-options',
        base,
        '--',
      ],
      top,
      `cannot diff against ${ref}`,
    ),
    gitOrThrow(['ls-files', '--others', '--exclude-standard', '-z'], top, 'cannot list untracked files'),
    gitOrThrow(
      [
        'diff',
        '--unified=0',
        '--no-color',
        '--no-ext-diff',
        '--no-textconv',
        '--no-renames',
        '--end-of-options',
        base,
        '--',
      ],
      top,
      `cannot diff against ${ref}`,
    ),
  ]);
  const files = new Set<string>();
  for (const path of [...diffed.split('\0'), ...untracked.split('\0')])
    if (path) files.add(join(top, ...path.split('/')));
  const lines = new Map<string, Set<number>>();
  for (const [path, added] of parseUnifiedDiff(hunks)) lines.set(join(top, ...path.split('/')), added);
  return { ref, base, files, lines };
}

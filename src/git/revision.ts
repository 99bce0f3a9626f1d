import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { SOURCE_EXTENSIONS } from '../discovery/source-files.js';
import { catFileBatch, git, GitError, gitOrThrow } from './git.js';

/** The top of the work tree that contains `cwd`. */
export async function repositoryRoot(cwd: string): Promise<string> {
  const run = await git(['rev-parse', '--show-toplevel'], cwd);
  if (!run.ok) throw new GitError(`not a git repository: ${cwd} (\`obslint diff\` compares git revisions)`);
  return resolve(run.stdout.trim());
}

/**
 * The commit `ref` names, or a GitError that says what to do. In CI the usual cause is a shallow
 * clone: actions/checkout fetches one commit unless told `fetch-depth: 0`.
 */
export async function resolveCommit(root: string, ref: string): Promise<string> {
  if (ref.trim() === '') throw new GitError('the base revision is empty');
  const run = await git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], root);
  if (run.ok) return run.stdout.trim();
  const shallow = await git(['rev-parse', '--is-shallow-repository'], root);
  if (shallow.ok && shallow.stdout.trim() === 'true')
    throw new GitError(
      `the base revision \`${ref}\` is not in this clone: it is a shallow clone. Fetch the history first (with actions/checkout, set \`fetch-depth: 0\`; elsewhere, \`git fetch --unshallow\`)`,
    );
  throw new GitError(
    `unknown revision \`${ref}\`: no such commit, branch or tag here (fetch it first; with actions/checkout, set \`fetch-depth: 0\`)`,
  );
}

/**
 * The commit to compare with: the merge base of `base` and HEAD, as `git diff base...` does, so
 * that what `base` gained since the branch started does not show up as this branch's removals.
 * Without a merge base in reach (unrelated histories, history cut by a shallow fetch), `base` itself.
 */
export async function comparisonBase(root: string, base: string): Promise<string> {
  const run = await git(['merge-base', '--end-of-options', base, 'HEAD'], root);
  return run.ok && run.stdout.trim() ? run.stdout.trim() : base;
}

/** Files `obslint` reads: sources, manifests and tsconfigs, `.gitignore`s, budget files. */
function isAnalysisInput(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const ext = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1) : '';
  return SOURCE_EXTENSIONS.includes(ext) || ['json', 'yaml', 'yml'].includes(ext) || name === '.gitignore';
}

/** Files over this size are skipped by discovery anyway; they are not read out of git either. */
const MAX_FILE_BYTES = 5 * 1024 * 1024;

/**
 * Writes the files of `commit` that analysis reads into `dir`, straight from git's object store:
 * the work tree, the index and HEAD are never touched (no checkout, no worktree, no stash).
 */
export async function materializeTree(root: string, commit: string, dir: string): Promise<number> {
  const listing = await gitOrThrow(
    ['ls-tree', '-r', '-z', '-l', '--full-tree', '--end-of-options', commit],
    root,
    `cannot list the files of ${commit}`,
  );
  const wanted = new Map<string, { path: string; link: boolean }[]>();
  let files = 0;
  for (const entry of listing.split('\0')) {
    const tab = entry.indexOf('\t');
    if (tab < 0) continue;
    const [mode, type, id, size] = entry.slice(0, tab).split(/ +/);
    const path = entry.slice(tab + 1);
    // Submodules (type commit) have no content here; neither do paths that would leave `dir`.
    if (type !== 'blob' || !id || !isAnalysisInput(path) || !isSafeRelative(path)) continue;
    if (Number(size) > MAX_FILE_BYTES) continue;
    let list = wanted.get(id);
    if (!list) wanted.set(id, (list = []));
    list.push({ path, link: mode === '120000' });
    files++;
  }
  mkdirSync(dir, { recursive: true });
  await catFileBatch(root, [...wanted.keys()], ({ id, content }) => {
    for (const { path, link } of wanted.get(id) ?? []) {
      const target = join(dir, ...path.split('/'));
      mkdirSync(dirname(target), { recursive: true });
      if (!link) {
        writeFileSync(target, content);
        continue;
      }
      try {
        symlinkSync(content.toString('utf8'), target);
      } catch {
        // No symlinks here (Windows without the privilege): the link's file is analysed where it lives.
      }
    }
  });
  return files;
}

function isSafeRelative(path: string): boolean {
  return !path.split('/').some((part) => part === '..' || part === '' || part === '.git');
}

/** Lines added or changed per file (1-based), between `base` and the work tree. */
export type ChangedLines = Map<string, Set<number>>;

/**
 * What the pull request changed: `git diff base` against the work tree (renames followed, so a
 * moved file counts only its edited lines). Paths are relative to the repository root.
 */
export async function changedLines(root: string, base: string): Promise<ChangedLines> {
  const out = await gitOrThrow(
    [
      'diff',
      '--unified=0',
      '--no-color',
      '--no-ext-diff',
      '--no-textconv',
      '--find-renames',
      '--diff-filter=AMRC',
      '--src-prefix=a/',
      '--dst-prefix=b/',
      '--end-of-options',
      base,
      '--',
    ],
    root,
    `cannot diff against ${base}`,
  );
  return parseUnifiedDiff(out);
}

/** Parses `git diff --unified=0` output into the added lines of each file. */
export function parseUnifiedDiff(text: string): ChangedLines {
  const changed: ChangedLines = new Map();
  let current: Set<number> | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('+++ ')) {
      const name = line.slice(4);
      if (name === '/dev/null') {
        current = undefined;
        continue;
      }
      const path = unquote(name).replace(/^b\//, '');
      current = changed.get(path) ?? new Set();
      changed.set(path, current);
      continue;
    }
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (hunk && current) {
      const start = Number(hunk[1]);
      const count = hunk[2] === undefined ? 1 : Number(hunk[2]);
      for (let n = start; n < start + count; n++) current.add(n);
    }
  }
  return changed;
}

/** git C-quotes paths with control characters, quotes or backslashes: `"b/tab\there.ts"`. */
function unquote(name: string): string {
  if (!name.startsWith('"') || !name.endsWith('"')) return name;
  const bytes: number[] = [];
  const body = name.slice(1, -1);
  const escapes: Record<string, number> = { n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, '"': 34, '\\': 92 };
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const next = body[i + 1] ?? '';
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(body.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(escapes[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

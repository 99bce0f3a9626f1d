import { execFile, spawn } from 'node:child_process';
import { UserError } from '../config/errors.js';

/** A git failure the user can act on (not a repository, unknown revision, shallow clone). */
export class GitError extends UserError {
  override name = 'GitError';
}

/**
 * Runs git with an argument array, never through a shell: refs and paths from users and workflow
 * inputs reach git as single arguments. Output is read in the C locale so messages can be parsed.
 */
export function git(args: string[], cwd: string): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      ['-c', 'core.quotepath=off', ...args],
      { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: gitEnv() },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(error.code === 'ENOENT' ? new GitError('git is not installed (or not on PATH)') : (error as Error));
          return;
        }
        resolve({ ok: !error, stdout, stderr });
      },
    );
  });
}

/** Like `git`, but a failure is a GitError carrying git's own first line. */
export async function gitOrThrow(args: string[], cwd: string, what: string): Promise<string> {
  const run = await git(args, cwd);
  if (!run.ok) throw new GitError(`${what}: ${firstLine(run.stderr) || `git ${args[0]} failed`}`);
  return run.stdout;
}

/** One object of `git cat-file --batch`, in the order the ids were written. */
export interface CatFileObject {
  id: string;
  type: string;
  content: Buffer;
}

/**
 * Streams objects out of one `git cat-file --batch` process (one process for the whole tree, not
 * one per file), calling `onObject` as each arrives.
 */
export function catFileBatch(cwd: string, ids: string[], onObject: (object: CatFileObject) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd, env: gitEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    let pending: Buffer = Buffer.alloc(0);
    let stderr = '';
    let failed = false;
    const fail = (error: Error): void => {
      if (failed) return;
      failed = true;
      child.kill();
      reject(error);
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      fail(error.code === 'ENOENT' ? new GitError('git is not installed (or not on PATH)') : error);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdout.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      for (;;) {
        const eol = pending.indexOf(0x0a);
        if (eol < 0) return;
        const header = pending.subarray(0, eol).toString('utf8');
        const [id = '', type = '', size] = header.split(' ');
        if (type === 'missing' || size === undefined) {
          fail(new GitError(`cannot read git object ${id}: ${header}`));
          return;
        }
        const length = Number(size);
        // header, content, and the newline git writes after each object
        if (pending.length < eol + 1 + length + 1) return;
        const content = Buffer.from(pending.subarray(eol + 1, eol + 1 + length));
        pending = pending.subarray(eol + 1 + length + 1);
        try {
          onObject({ id, type, content });
        } catch (error) {
          fail(error as Error);
          return;
        }
      }
    });
    child.on('close', (code) => {
      if (failed) return;
      if (code !== 0) reject(new GitError(`git cat-file failed: ${firstLine(stderr)}`));
      else resolve();
    });
    child.stdin.on('error', () => undefined); // a dead child is reported by 'close'
    child.stdin.end(ids.map((id) => `${id}\n`).join(''));
  });
}

function gitEnv(): NodeJS.ProcessEnv {
  // Never prompt for credentials in CI; messages in English, so that they can be recognised.
  return { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', LANGUAGE: 'C' };
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .find(Boolean) ?? ''
  );
}

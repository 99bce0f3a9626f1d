import { readFileSync } from 'node:fs';

/** What the action needs from the workflow run: the repository, the pull request, where to link. */
export interface RunContext {
  eventName: string;
  /** `owner/name`. */
  repository?: string;
  serverUrl: string;
  apiUrl: string;
  /** The commit the workspace holds (for a pull request, its merge commit). */
  sha?: string;
  runUrl?: string;
  workspace: string;
  tempDir?: string;
  pullRequest?: PullRequest;
}

export interface PullRequest {
  number: number;
  baseSha?: string;
  /** The base branch's name (`main`), for display. */
  baseRef?: string;
  headSha?: string;
  /** The head lives in another repository: the workflow's token is read-only. */
  fromFork: boolean;
}

interface PullRequestEvent {
  number?: number;
  pull_request?: {
    number?: number;
    base?: { sha?: string; ref?: string; repo?: { full_name?: string } };
    head?: { sha?: string; ref?: string; repo?: { full_name?: string } | null };
  };
}

/** Reads the run's environment (GITHUB_*, RUNNER_TEMP) and the event payload at GITHUB_EVENT_PATH. */
export function readContext(env: NodeJS.ProcessEnv, cwd: string): RunContext {
  const serverUrl = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
  const repository = env.GITHUB_REPOSITORY || undefined;
  const context: RunContext = {
    eventName: env.GITHUB_EVENT_NAME ?? '',
    repository,
    serverUrl,
    apiUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, ''),
    sha: env.GITHUB_SHA || undefined,
    workspace: env.GITHUB_WORKSPACE || cwd,
    tempDir: env.RUNNER_TEMP || undefined,
    runUrl:
      repository && env.GITHUB_RUN_ID
        ? `${serverUrl}/${repository}/actions/runs/${env.GITHUB_RUN_ID}${env.GITHUB_RUN_ATTEMPT && env.GITHUB_RUN_ATTEMPT !== '1' ? `/attempts/${env.GITHUB_RUN_ATTEMPT}` : ''}`
        : undefined,
  };
  const event = readEvent(env.GITHUB_EVENT_PATH);
  const pr = event?.pull_request;
  const number = pr?.number ?? event?.number;
  if (pr && typeof number === 'number') {
    const headRepo = pr.head?.repo?.full_name;
    const baseRepo = pr.base?.repo?.full_name ?? repository;
    context.pullRequest = {
      number,
      baseSha: pr.base?.sha,
      baseRef: pr.base?.ref,
      headSha: pr.head?.sha,
      // A deleted fork has no head repository: still not this repository.
      fromFork: pr.head?.repo === null || (headRepo !== undefined && baseRepo !== undefined && headRepo !== baseRepo),
    };
  }
  return context;
}

function readEvent(path: string | undefined): PullRequestEvent | undefined {
  if (!path) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as PullRequestEvent;
  } catch {
    return undefined;
  }
}

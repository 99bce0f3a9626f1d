/** The few GitHub REST calls the action makes, with fetch against GITHUB_API_URL. */

export class GitHubApiError extends Error {
  override name = 'GitHubApiError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface GitHubClient {
  request<T>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<T>;
}

export function gitHubClient(apiUrl: string, token: string): GitHubClient {
  return {
    async request<T>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<T> {
      let response: Response;
      try {
        // obslint-disable-next-line missing-trace-propagation -- GitHub's API is a third party: trace context stops here
        response = await fetch(`${apiUrl}${path}`, {
          method,
          headers: {
            accept: 'application/vnd.github+json',
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'user-agent': 'obslint-action',
            'x-github-api-version': '2022-11-28',
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(30_000),
        });
      } catch (error) {
        throw new GitHubApiError(0, `${method} ${path}: ${(error as Error).message}`);
      }
      const text = await response.text();
      if (!response.ok) {
        let message = text.slice(0, 300);
        try {
          message = (JSON.parse(text) as { message?: string }).message ?? message;
        } catch {
          // not JSON: keep the text
        }
        throw new GitHubApiError(response.status, `${method} ${path}: HTTP ${response.status} ${message}`.trim());
      }
      return (text ? JSON.parse(text) : undefined) as T;
    },
  };
}

interface IssueComment {
  id: number;
  body?: string;
  html_url?: string;
}

export interface StickyResult {
  action: 'created' | 'updated' | 'unchanged' | 'skipped';
  url?: string;
}

const PER_PAGE = 100;
/** GitHub lists at most 3,000 comments this way; a pull request with more is not looked through further. */
const MAX_PAGES = 30;

/**
 * One comment per pull request, found by the hidden marker its body starts with: updated in place
 * on later runs, created only when `create` says there is something to say.
 */
export async function upsertStickyComment(
  client: GitHubClient,
  target: { repository: string; issue: number; marker: string; body: string; create: boolean },
): Promise<StickyResult> {
  const repo = target.repository.split('/').map(encodeURIComponent).join('/');
  let existing: IssueComment | undefined;
  for (let page = 1; page <= MAX_PAGES && !existing; page++) {
    const comments = await client.request<IssueComment[]>(
      'GET',
      `/repos/${repo}/issues/${target.issue}/comments?per_page=${PER_PAGE}&page=${page}`,
    );
    existing = comments.find((c) => c.body?.startsWith(target.marker));
    if (comments.length < PER_PAGE) break;
  }
  if (existing) {
    if (existing.body === target.body) return { action: 'unchanged', url: existing.html_url };
    const updated = await client.request<IssueComment>('PATCH', `/repos/${repo}/issues/comments/${existing.id}`, {
      body: target.body,
    });
    return { action: 'updated', url: updated.html_url };
  }
  if (!target.create) return { action: 'skipped' };
  const created = await client.request<IssueComment>('POST', `/repos/${repo}/issues/${target.issue}/comments`, {
    body: target.body,
  });
  return { action: 'created', url: created.html_url };
}

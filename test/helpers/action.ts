import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT, tempDir } from './cli.js';

export const BUNDLE = join(REPO_ROOT, 'action', 'dist', 'index.js');
export const TOKEN = 'ghs_test_token_for_the_fake_api';
export const REPOSITORY = 'acme/checkout-service';

interface FakeComment {
  id: number;
  body: string;
  user: { login: string; type: string };
  html_url: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  body?: { body?: string };
}

/**
 * The part of GitHub's REST API the action uses, on 127.0.0.1: issue comments listed (paginated),
 * created and updated. `readOnly` answers writes the way GitHub answers a fork's token.
 */
export class FakeGitHub {
  readonly requests: RecordedRequest[] = [];
  readonly comments = new Map<number, FakeComment[]>();
  readOnly = false;
  private nextId = 1000;
  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeGitHub> {
    const server = createServer();
    const api = new FakeGitHub(server);
    server.on('request', (req, res) => void api.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return api;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
  }

  /** Seeds a comment someone else wrote. */
  addComment(issue: number, body: string, login = 'octocat'): void {
    const list = this.comments.get(issue) ?? [];
    list.push({
      id: this.nextId++,
      body,
      user: { login, type: 'User' },
      html_url: `https://github.com/${REPOSITORY}/pull/${issue}#issuecomment-${this.nextId}`,
    });
    this.comments.set(issue, list);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let text = '';
    for await (const chunk of req) text += String(chunk);
    const url = new URL(req.url ?? '/', this.url);
    const body = text ? (JSON.parse(text) as { body?: string }) : undefined;
    const method = req.method ?? '';
    this.requests.push({ method, path: `${url.pathname}${url.search}`, body });
    const [status, payload] =
      req.headers.authorization === `Bearer ${TOKEN}`
        ? this.route(method, url, body)
        : [401, { message: 'Bad credentials' }];
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(payload));
  }

  private route(method: string, url: URL, body: { body?: string } | undefined): [number, unknown] {
    const list = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(url.pathname);
    const one = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(url.pathname);
    if (list && `${list[1]}/${list[2]}` !== REPOSITORY) return [404, { message: 'Not Found' }];
    if (list && method === 'GET') {
      const perPage = Number(url.searchParams.get('per_page') ?? 30);
      const page = Number(url.searchParams.get('page') ?? 1);
      const all = this.comments.get(Number(list[3])) ?? [];
      return [200, all.slice((page - 1) * perPage, page * perPage)];
    }
    const write = (list && method === 'POST') || (one && method === 'PATCH');
    if (write && this.readOnly) return [403, { message: 'Resource not accessible by integration' }];
    if (write && !body?.body) return [422, { message: 'Validation Failed' }];
    if (write && body!.body!.length > 65_536)
      return [422, { message: 'Body is too long (maximum is 65536 characters)' }];
    if (list && method === 'POST') {
      const issue = Number(list[3]);
      const comment: FakeComment = {
        id: this.nextId++,
        body: body!.body!,
        user: { login: 'github-actions[bot]', type: 'Bot' },
        html_url: `https://github.com/${REPOSITORY}/pull/${issue}#issuecomment-${this.nextId}`,
      };
      this.comments.set(issue, [...(this.comments.get(issue) ?? []), comment]);
      return [201, comment];
    }
    if (one && method === 'PATCH') {
      const comment = [...this.comments.values()].flat().find((c) => c.id === Number(one[3]));
      if (!comment) return [404, { message: 'Not Found' }];
      comment.body = body!.body!;
      return [200, comment];
    }
    return [404, { message: 'Not Found' }];
  }
}

export interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  /** The workflow commands that make annotations: `::error …`, `::warning …`, `::notice …`. */
  annotations: string[];
}

/** The inputs a runner passes when the workflow sets none: action.yml's defaults. */
function defaultInputs(): Record<string, string> {
  const action = parse(readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>;
  };
  return Object.fromEntries(
    Object.entries(action.inputs)
      .filter((entry): entry is [string, { default: string }] => entry[1].default !== undefined)
      .filter(([, spec]) => !spec.default.includes('${{'))
      .map(([name, spec]) => [name, spec.default]),
  );
}

export interface PullRequestEvent {
  number: number;
  baseSha: string;
  headSha: string;
  headRepository?: string;
}

export function pullRequestEvent(pr: PullRequestEvent): object {
  return {
    action: 'synchronize',
    number: pr.number,
    pull_request: {
      number: pr.number,
      base: { ref: 'main', sha: pr.baseSha, repo: { full_name: REPOSITORY } },
      head: { ref: 'feature', sha: pr.headSha, repo: { full_name: pr.headRepository ?? REPOSITORY } },
    },
    repository: { full_name: REPOSITORY },
  };
}

/**
 * Runs the committed bundle the way a runner does: `node action/dist/index.js` with INPUT_*
 * variables (action.yml's defaults, then `inputs`), the event file, GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY files, and the API at `api`. Only PATH and HOME come from this process.
 */
export async function runAction(options: {
  node: string;
  workspace: string;
  inputs?: Record<string, string>;
  event?: object;
  eventName?: string;
  api?: FakeGitHub;
  runId?: string;
  sha?: string;
  /** Replaces any of the variables set here. */
  env?: Record<string, string>;
}): Promise<ActionRun> {
  const dir = tempDir('obslint-runner-');
  const eventPath = join(dir, 'event.json');
  writeFileSync(eventPath, JSON.stringify(options.event ?? {}));
  const outputFile = join(dir, 'output');
  const summaryFile = join(dir, 'step_summary');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const inputs = { ...defaultInputs(), 'github-token': TOKEN, ...options.inputs };
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_EVENT_NAME: options.eventName ?? 'pull_request',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_REPOSITORY: REPOSITORY,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: options.api?.url ?? 'http://127.0.0.1:9',
    GITHUB_RUN_ID: options.runId ?? '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SHA: options.sha ?? '',
    RUNNER_TEMP: tempDir('obslint-runner-temp-'),
    ...Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value])),
    ...options.env,
  };
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      options.node,
      [BUNDLE],
      { cwd: options.workspace, env, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputs(readFileSync(outputFile, 'utf8')),
    summary: existsSync(summaryFile) ? readFileSync(summaryFile, 'utf8') : '',
    annotations: stdout.split('\n').filter((l) => /^::(error|warning|notice)[ :]/.test(l)),
  };
}

/** `name<<DELIMITER\nvalue\nDELIMITER` blocks, as @actions/core writes GITHUB_OUTPUT. */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const re = /^([^<\n]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const m of text.matchAll(re)) outputs[m[1]] = m[3]!;
  return outputs;
}

// A small stand-in for GitHub's REST API: the three issue-comment endpoints, an in-memory store,
// real Link-header pagination, GitHub's error bodies. Listens on 127.0.0.1, port chosen by the OS.
// Point the real client at it: getOctokit('token', { baseUrl: fake.url }).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeUser {
  login: string;
  id: number;
  type: 'Bot' | 'User';
}

export interface FakeComment {
  id: number;
  body: string;
  user: FakeUser;
  created_at: string;
  updated_at: string;
}

export interface RecordedRequest {
  method: string;
  /** Path with its query string, as sent. */
  path: string;
  auth: string | undefined;
  body?: unknown;
}

export interface RestFake {
  url: string;
  comments(owner: string, repo: string, n: number): FakeComment[];
  /** Add comments to an issue: a count (bodies "comment i") or the bodies themselves. */
  seed(
    owner: string,
    repo: string,
    n: number,
    items: number | Array<string | { body: string; user?: FakeUser }>,
  ): FakeComment[];
  /** While on, POST and PATCH answer 403 "Resource not accessible by integration" (a fork's read-only token). */
  forbid(on: boolean): void;
  /**
   * Make `token` a personal access token of `user`: GET /user answers with it and its comments are
   * written as it. Any other token is an installation token like GITHUB_TOKEN: GET /user answers 403
   * and comments are written as github-actions[bot].
   */
  personalToken(token: string, user: FakeUser): void;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export const BOT: FakeUser = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' };
export const HUMAN: FakeUser = { login: 'octocat', id: 583231, type: 'User' };

const MAX_BODY = 65_536;

export async function startRestFake(): Promise<RestFake> {
  const store = new Map<string, FakeComment[]>();
  const requests: RecordedRequest[] = [];
  let nextId = 1000;
  let forbidden = false;
  const pats = new Map<string, FakeUser>();
  const userOf = (auth: string | undefined) => pats.get((auth ?? '').replace(/^(token|bearer)\s+/i, ''));
  let url = '';
  let clock = Date.parse('2026-11-23T10:00:00Z');
  const now = () => new Date((clock += 1000)).toISOString();
  const key = (owner: string, repo: string, n: number) => `${owner.toLowerCase()}/${repo.toLowerCase()}#${n}`;
  const list = (owner: string, repo: string, n: number) => {
    const k = key(owner, repo, n);
    let l = store.get(k);
    if (!l) store.set(k, (l = []));
    return l;
  };

  const toJson = (c: FakeComment, owner: string, repo: string, n: number) => ({
    id: c.id,
    node_id: `IC_${c.id}`,
    url: `${url}/repos/${owner}/${repo}/issues/comments/${c.id}`,
    html_url: `https://github.com/${owner}/${repo}/pull/${n}#issuecomment-${c.id}`,
    issue_url: `${url}/repos/${owner}/${repo}/issues/${n}`,
    body: c.body,
    user: { ...c.user, node_id: `U_${c.user.id}`, site_admin: false },
    created_at: c.created_at,
    updated_at: c.updated_at,
    author_association: c.user.type === 'Bot' ? 'NONE' : 'MEMBER',
  });

  const send = (res: ServerResponse, status: number, data: unknown, headers: Record<string, string> = {}) => {
    const text = JSON.stringify(data);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(text)),
      ...headers,
    });
    res.end(text);
  };
  const error = (
    res: ServerResponse,
    status: number,
    message: string,
    doc: string,
    extra: Record<string, unknown> = {},
  ) => send(res, status, { message, documentation_url: doc, status: String(status), ...extra });

  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });

  const findComment = (owner: string, repo: string, id: number) => {
    const prefix = `${owner.toLowerCase()}/${repo.toLowerCase()}#`;
    for (const [k, l] of store) {
      if (!k.startsWith(prefix)) continue;
      const c = l.find((x) => x.id === id);
      if (c) return { c, n: Number(k.slice(prefix.length)) };
    }
    return undefined;
  };

  const server = createServer(async (req, res) => {
    try {
      const u = new URL(req.url ?? '/', url);
      const raw = await readBody(req);
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        body = raw;
      }
      const method = req.method ?? 'GET';
      const auth = req.headers.authorization;
      requests.push({ method, path: u.pathname + u.search, auth, ...(body !== undefined ? { body } : {}) });
      if (!auth) return error(res, 401, 'Requires authentication', 'https://docs.github.com/rest');

      if (u.pathname === '/user' && method === 'GET') {
        const user = userOf(auth);
        if (!user)
          return error(
            res,
            403,
            'Resource not accessible by integration',
            'https://docs.github.com/rest/users/users#get-the-authenticated-user',
          );
        return send(res, 200, { ...user, node_id: `U_${user.id}`, site_admin: false });
      }

      const listMatch = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(u.pathname);
      const oneMatch = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(u.pathname);

      if (listMatch && method === 'GET') {
        const [, owner, repo, n] = listMatch as unknown as [string, string, string, string];
        const all = list(owner, repo, Number(n));
        const perPage = Math.min(100, Math.max(1, Number(u.searchParams.get('per_page') ?? 30) || 30));
        const page = Math.max(1, Number(u.searchParams.get('page') ?? 1) || 1);
        const last = Math.max(1, Math.ceil(all.length / perPage));
        const slice = all.slice((page - 1) * perPage, page * perPage);
        const pageUrl = (p: number) => {
          const q = new URL(u.pathname, url);
          q.searchParams.set('per_page', String(perPage));
          q.searchParams.set('page', String(p));
          return q.href;
        };
        const links: string[] = [];
        if (page < last) links.push(`<${pageUrl(page + 1)}>; rel="next"`, `<${pageUrl(last)}>; rel="last"`);
        if (page > 1) links.push(`<${pageUrl(1)}>; rel="first"`, `<${pageUrl(page - 1)}>; rel="prev"`);
        return send(
          res,
          200,
          slice.map((c) => toJson(c, owner, repo, Number(n))),
          links.length ? { link: links.join(', ') } : {},
        );
      }

      if (listMatch && method === 'POST') {
        const [, owner, repo, n] = listMatch as unknown as [string, string, string, string];
        if (forbidden)
          return error(
            res,
            403,
            'Resource not accessible by integration',
            'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
          );
        const text = (body as { body?: unknown } | undefined)?.body;
        if (typeof text !== 'string')
          return error(
            res,
            422,
            'Invalid request.\n\n"body" wasn\'t supplied.',
            'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
          );
        if (text.length > MAX_BODY) return tooLong(res);
        const t = now();
        const c: FakeComment = { id: nextId++, body: text, user: userOf(auth) ?? BOT, created_at: t, updated_at: t };
        list(owner, repo, Number(n)).push(c);
        return send(res, 201, toJson(c, owner, repo, Number(n)), {
          location: `${url}/repos/${owner}/${repo}/issues/comments/${c.id}`,
        });
      }

      if (oneMatch && method === 'PATCH') {
        const [, owner, repo, id] = oneMatch as unknown as [string, string, string, string];
        if (forbidden)
          return error(
            res,
            403,
            'Resource not accessible by integration',
            'https://docs.github.com/rest/issues/comments#update-an-issue-comment',
          );
        const found = findComment(owner, repo, Number(id));
        if (!found)
          return error(res, 404, 'Not Found', 'https://docs.github.com/rest/issues/comments#update-an-issue-comment');
        const text = (body as { body?: unknown } | undefined)?.body;
        if (typeof text !== 'string')
          return error(
            res,
            422,
            'Invalid request.\n\n"body" wasn\'t supplied.',
            'https://docs.github.com/rest/issues/comments#update-an-issue-comment',
          );
        if (text.length > MAX_BODY) return tooLong(res);
        const { c, n } = found;
        c.body = text;
        c.updated_at = now();
        return send(res, 200, toJson(c, owner, repo, n));
      }

      return error(res, 404, 'Not Found', 'https://docs.github.com/rest');
    } catch (err) {
      send(res, 500, { message: String(err) });
    }
  });

  const tooLong = (res: ServerResponse) =>
    send(res, 422, {
      message: 'Validation Failed',
      errors: [
        {
          resource: 'IssueComment',
          code: 'custom',
          field: 'body',
          message: 'body is too long (maximum is 65536 characters)',
        },
      ],
      documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
      status: '422',
    });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    comments: (owner, repo, n) => list(owner, repo, n).map((c) => ({ ...c })),
    seed(owner, repo, n, items) {
      const bodies = typeof items === 'number' ? Array.from({ length: items }, (_, i) => `comment ${i + 1}`) : items;
      const l = list(owner, repo, n);
      const made: FakeComment[] = [];
      for (const b of bodies) {
        const t = now();
        const c: FakeComment =
          typeof b === 'string'
            ? { id: nextId++, body: b, user: HUMAN, created_at: t, updated_at: t }
            : { id: nextId++, body: b.body, user: b.user ?? HUMAN, created_at: t, updated_at: t };
        l.push(c);
        made.push({ ...c });
      }
      return made;
    },
    forbid(on) {
      forbidden = on;
    },
    personalToken(token, user) {
      pats.set(token, user);
    },
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

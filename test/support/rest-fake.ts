// A small stand-in for GitHub's REST API: the three issue-comment endpoints, an in-memory store,
// real Link-header pagination, GitHub's error bodies; and the git data endpoints preview-branch uses
// (blobs, trees with base_tree, commits, refs) over a real in-memory object store with git's
// fast-forward rule. Listens on 127.0.0.1, port chosen by the OS.
// Point the real client at it: getOctokit('token', { baseUrl: fake.url }).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';

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
  /** Make `token` a GitHub App's installation token: GET /user answers 403, comments are written as `bot`. */
  appToken(token: string, bot: FakeUser): void;
  /** While on, git data writes (blobs, trees, commits, refs) answer 403 (a token without contents: write). */
  forbidGit(on: boolean): void;
  /** The commit a branch points at, or undefined. */
  branchHead(owner: string, repo: string, branch: string): FakeCommit | undefined;
  /** Every file of a tree, recursively: path → bytes. */
  treeFiles(owner: string, repo: string, treeSha: string): Map<string, Buffer>;
  /** Move a branch behind the client's back (a concurrent run). */
  setBranch(owner: string, repo: string, branch: string, sha: string): void;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export interface FakeCommit {
  sha: string;
  tree: string;
  parents: string[];
  message: string;
}

type GitObject =
  | { type: 'blob'; content: Buffer }
  | { type: 'tree'; entries: Array<{ path: string; mode: string; type: 'blob' | 'tree'; sha: string }> }
  | { type: 'commit'; tree: string; parents: string[]; message: string };

export const BOT: FakeUser = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' };
export const HUMAN: FakeUser = { login: 'octocat', id: 583231, type: 'User' };

const MAX_BODY = 65_536;

export async function startRestFake(): Promise<RestFake> {
  const store = new Map<string, FakeComment[]>();
  const requests: RecordedRequest[] = [];
  let nextId = 1000;
  let forbidden = false;
  const pats = new Map<string, FakeUser>();
  const apps = new Map<string, FakeUser>();
  const tokenOf = (auth: string | undefined) => (auth ?? '').replace(/^(token|bearer)\s+/i, '');
  const userOf = (auth: string | undefined) => pats.get(tokenOf(auth));
  /** Who a comment written with this token is by: the PAT's user, the App's bot, else GITHUB_TOKEN's bot. */
  const authorOf = (auth: string | undefined) => userOf(auth) ?? apps.get(tokenOf(auth)) ?? BOT;
  let gitForbidden = false;
  // Git objects and refs, per repository.
  const repos = new Map<string, { objects: Map<string, GitObject>; refs: Map<string, string> }>();
  const git = (owner: string, repo: string) => {
    const k = `${owner.toLowerCase()}/${repo.toLowerCase()}`;
    let g = repos.get(k);
    if (!g) repos.set(k, (g = { objects: new Map(), refs: new Map() }));
    return g;
  };
  const put = (g: ReturnType<typeof git>, o: GitObject): string => {
    const bytes = o.type === 'blob' ? o.content : Buffer.from(JSON.stringify(o));
    const sha = createHash('sha1').update(`${o.type} ${bytes.length}\0`).update(bytes).digest('hex');
    g.objects.set(sha, o);
    return sha;
  };
  const isAncestor = (g: ReturnType<typeof git>, anc: string, of: string): boolean => {
    const todo = [of];
    const seen = new Set<string>();
    while (todo.length) {
      const s = todo.pop()!;
      if (s === anc) return true;
      if (seen.has(s)) continue;
      seen.add(s);
      const c = g.objects.get(s);
      if (c?.type === 'commit') todo.push(...c.parents);
    }
    return false;
  };
  const filesOf = (g: ReturnType<typeof git>, treeSha: string, prefix = '', out = new Map<string, Buffer>()) => {
    const t = g.objects.get(treeSha);
    if (t?.type !== 'tree') throw new Error(`no tree ${treeSha}`);
    for (const e of t.entries) {
      const o = g.objects.get(e.sha)!;
      if (o.type === 'tree') filesOf(g, e.sha, `${prefix}${e.path}/`, out);
      else if (o.type === 'blob') out.set(`${prefix}${e.path}`, o.content);
    }
    return out;
  };
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
        const c: FakeComment = { id: nextId++, body: text, user: authorOf(auth), created_at: t, updated_at: t };
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

      const gitMatch = /^\/repos\/([^/]+)\/([^/]+)\/git\/(blobs|trees|commits|refs?)(?:\/(.+))?$/.exec(u.pathname);
      if (gitMatch) return gitRoute(res, method, gitMatch as unknown as string[], body);

      return error(res, 404, 'Not Found', 'https://docs.github.com/rest');
    } catch (err) {
      send(res, 500, { message: String(err) });
    }
  });

  const GIT_DOC = 'https://docs.github.com/rest/git';
  const gitRoute = (res: ServerResponse, method: string, m: string[], body: unknown) => {
    const [, owner, repo, kind, rest] = m as [string, string, string, string, string | undefined];
    const g = git(owner, repo);
    const b = (body ?? {}) as Record<string, unknown>;
    const arg = rest === undefined ? undefined : decodeURIComponent(rest);
    if (method !== 'GET' && gitForbidden) return error(res, 403, 'Resource not accessible by integration', GIT_DOC);
    const invalid = (msg: string) => error(res, 422, msg, GIT_DOC);

    if (kind === 'blobs' && method === 'POST' && arg === undefined) {
      if (typeof b['content'] !== 'string') return invalid('Invalid request.\n\n"content" wasn\'t supplied.');
      const enc = b['encoding'] ?? 'utf-8';
      if (enc !== 'base64' && enc !== 'utf-8') return invalid(`encoding must be utf-8 or base64`);
      const sha = put(g, { type: 'blob', content: Buffer.from(b['content'], enc === 'base64' ? 'base64' : 'utf8') });
      return send(res, 201, { sha, url: `${url}/repos/${owner}/${repo}/git/blobs/${sha}` });
    }
    if (kind === 'blobs' && method === 'GET' && arg) {
      const o = g.objects.get(arg);
      if (o?.type !== 'blob') return error(res, 404, 'Not Found', GIT_DOC);
      return send(res, 200, {
        sha: arg,
        size: o.content.length,
        encoding: 'base64',
        content: o.content.toString('base64'),
      });
    }
    if (kind === 'trees' && method === 'POST' && arg === undefined) {
      if (!Array.isArray(b['tree'])) return invalid('Invalid request.\n\n"tree" wasn\'t supplied.');
      const entries = new Map<string, { path: string; mode: string; type: 'blob' | 'tree'; sha: string }>();
      if (b['base_tree'] !== undefined) {
        const base = g.objects.get(String(b['base_tree']));
        if (base?.type !== 'tree') return invalid('Invalid request.\n\nbase_tree is not a valid tree');
        for (const e of base.entries) entries.set(e.path, e);
      }
      for (const raw of b['tree'] as Array<Record<string, unknown>>) {
        const p = raw['path'];
        // GitHub makes the folders of a nested path; this fake does not (the action never sends one).
        if (typeof p !== 'string' || !p || p.includes('/'))
          return invalid(`tree.path "${String(p)}" is not supported here`);
        const type = raw['type'];
        if (type !== 'blob' && type !== 'tree') return invalid(`tree.type must be blob or tree`);
        if (raw['mode'] !== (type === 'tree' ? '040000' : '100644')) return invalid(`tree.mode does not fit tree.type`);
        if (raw['sha'] === null) {
          entries.delete(p);
          continue;
        }
        let sha: string;
        if (typeof raw['content'] === 'string') {
          if (type !== 'blob') return invalid('content is only for blobs');
          sha = put(g, { type: 'blob', content: Buffer.from(raw['content'], 'utf8') });
        } else {
          sha = String(raw['sha']);
          if (g.objects.get(sha)?.type !== type)
            return invalid(`Invalid request.\n\ntree.sha ${sha} is not a valid ${type}`);
        }
        entries.set(p, { path: p, mode: raw['mode'] as string, type, sha });
      }
      const list = [...entries.values()].sort((x, y) => (x.path < y.path ? -1 : 1));
      const sha = put(g, { type: 'tree', entries: list });
      return send(res, 201, { sha, tree: list, truncated: false });
    }
    if (kind === 'trees' && method === 'GET' && arg) {
      const o = g.objects.get(arg);
      if (o?.type !== 'tree') return error(res, 404, 'Not Found', GIT_DOC);
      return send(res, 200, { sha: arg, tree: o.entries, truncated: false });
    }
    if (kind === 'commits' && method === 'POST' && arg === undefined) {
      const tree = String(b['tree']);
      const parents = (b['parents'] ?? []) as unknown[];
      if (g.objects.get(tree)?.type !== 'tree') return invalid('Invalid request.\n\ntree is not a valid tree');
      if (!Array.isArray(parents) || parents.some((p) => g.objects.get(String(p))?.type !== 'commit'))
        return invalid('Invalid request.\n\nparents are not valid commits');
      if (typeof b['message'] !== 'string') return invalid('Invalid request.\n\n"message" wasn\'t supplied.');
      const c = { type: 'commit' as const, tree, parents: parents.map(String), message: b['message'] };
      const sha = put(g, c);
      return send(res, 201, {
        sha,
        tree: { sha: tree },
        parents: c.parents.map((p) => ({ sha: p })),
        message: c.message,
      });
    }
    if (kind === 'commits' && method === 'GET' && arg) {
      const c = g.objects.get(arg);
      if (c?.type !== 'commit') return error(res, 404, 'Not Found', GIT_DOC);
      return send(res, 200, {
        sha: arg,
        tree: { sha: c.tree },
        parents: c.parents.map((p) => ({ sha: p })),
        message: c.message,
      });
    }
    if (kind === 'ref' && method === 'GET' && arg) {
      const sha = g.refs.get(`refs/${arg}`);
      if (!sha) return error(res, 404, 'Not Found', GIT_DOC);
      return send(res, 200, { ref: `refs/${arg}`, object: { sha, type: 'commit' } });
    }
    if (kind === 'refs' && method === 'POST' && arg === undefined) {
      const ref = String(b['ref']);
      const sha = String(b['sha']);
      if (!/^refs\/heads\/./.test(ref)) return invalid('Reference name must start with refs/heads/');
      if (g.objects.get(sha)?.type !== 'commit') return invalid('Object does not exist');
      if (g.refs.has(ref)) return invalid('Reference already exists');
      g.refs.set(ref, sha);
      return send(res, 201, { ref, object: { sha, type: 'commit' } });
    }
    if (kind === 'refs' && method === 'PATCH' && arg) {
      const ref = `refs/${arg}`;
      const sha = String(b['sha']);
      const cur = g.refs.get(ref);
      if (!cur) return invalid('Reference does not exist');
      if (g.objects.get(sha)?.type !== 'commit') return invalid('Object does not exist');
      if (b['force'] !== true && !isAncestor(g, cur, sha)) return invalid('Update is not a fast forward');
      g.refs.set(ref, sha);
      return send(res, 200, { ref, object: { sha, type: 'commit' } });
    }
    return error(res, 404, 'Not Found', GIT_DOC);
  };

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
    appToken(token, bot) {
      apps.set(token, bot);
    },
    forbidGit(on) {
      gitForbidden = on;
    },
    branchHead(owner, repo, branch) {
      const g = git(owner, repo);
      const sha = g.refs.get(`refs/heads/${branch}`);
      const c = sha ? g.objects.get(sha) : undefined;
      return sha && c?.type === 'commit' ? { sha, tree: c.tree, parents: c.parents, message: c.message } : undefined;
    },
    treeFiles: (owner, repo, treeSha) => filesOf(git(owner, repo), treeSha),
    setBranch(owner, repo, branch, sha) {
      git(owner, repo).refs.set(`refs/heads/${branch}`, sha);
    },
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

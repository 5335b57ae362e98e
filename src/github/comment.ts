// The sticky pull-request comment: found by its hidden marker in a comment the token itself wrote,
// updated in place, created once.
// A comment is never worth failing the step for: every error becomes a warning.
import type { getOctokit } from '@actions/github';
import type { Log } from '../shared/log.js';
import { COMMENT_MAX_CHARS, commentMarker } from '../report/comment.js';

export type Octokit = ReturnType<typeof getOctokit>;

export interface UpsertOptions {
  octokit: Octokit;
  owner: string;
  repo: string;
  issueNumber: number;
  tag: string;
  /** Already contains commentMarker(tag); the marker is added at the top if it does not. */
  body: string;
  log: Log;
}

interface IssueComment {
  id: number;
  body?: string | null;
  user?: { login?: string; type?: string } | null;
}

/** Who writes with the workflow's GITHUB_TOKEN. */
export const ACTIONS_BOT_LOGIN = 'github-actions[bot]';

/** The subset of @actions/github's context this module reads. */
export interface EventContext {
  eventName: string;
  payload: {
    pull_request?: { number?: unknown } | null;
    issue?: { number?: unknown; pull_request?: unknown } | null;
    [key: string]: unknown;
  };
}

const PR_EVENTS = new Set([
  'pull_request',
  'pull_request_target',
  'pull_request_review',
  'pull_request_review_comment',
]);

function asNumber(n: unknown): number | undefined {
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : undefined;
}

/** The pull request the event is about: pull_request(_target) and their reviews, or a comment on a PR. */
export function pullRequestNumber(context: EventContext): number | undefined {
  const p = context.payload ?? {};
  if (PR_EVENTS.has(context.eventName)) return asNumber(p.pull_request?.number);
  if (context.eventName === 'issue_comment') return p.issue?.pull_request ? asNumber(p.issue.number) : undefined;
  return undefined;
}

/**
 * auto: on pull_request and pull_request_target events that carry a PR number; always: yes, even
 * without a PR number (the caller then warns that there is nothing to comment on); never: no.
 */
export function shouldComment(mode: 'auto' | 'always' | 'never', eventName: string, prNumber?: number): boolean {
  if (mode === 'never') return false;
  if (mode === 'always') return true;
  return prNumber !== undefined && (eventName === 'pull_request' || eventName === 'pull_request_target');
}

function statusOf(err: unknown): number | undefined {
  const s = (err as { status?: unknown } | null)?.status;
  return typeof s === 'number' ? s : undefined;
}

function messageOf(err: unknown): string {
  const e = err as { message?: unknown; response?: { data?: { message?: unknown } } } | null;
  const fromBody = e?.response?.data?.message;
  if (typeof fromBody === 'string' && fromBody) return fromBody;
  return typeof e?.message === 'string' ? e.message : String(err);
}

/**
 * The login our comments are written as, or undefined for an installation token. A personal access
 * token may read GET /user and writes as that user; an installation token may not (403 "Resource not
 * accessible by integration") and writes as a bot: github-actions[bot] for GITHUB_TOKEN, the App's own
 * bot for a GitHub App's token (whose name the token cannot ask for).
 */
async function ownLogin(o: UpsertOptions): Promise<string | undefined> {
  try {
    const { data } = await o.octokit.request('GET /user');
    if (typeof data.login === 'string' && data.login) return data.login;
  } catch (err) {
    const status = statusOf(err);
    if (status !== 401 && status !== 403 && status !== 404) throw err;
  }
  return undefined;
}

/**
 * Ours among the comments carrying the marker. With an installation token: GITHUB_TOKEN's bot's,
 * else a bot's comment that starts with the marker (as ours do; a GitHub App's bot). A person's
 * comment is never taken, whatever it quotes: only bots are installed by the repository's admins.
 */
function ownComment(marked: IssueComment[], login: string | undefined, marker: string): IssueComment | undefined {
  if (login !== undefined) return marked.find((c) => c.user?.login === login);
  return (
    marked.find((c) => c.user?.login === ACTIONS_BOT_LOGIN) ??
    marked.find((c) => c.user?.type === 'Bot' && (c.body ?? '').startsWith(marker))
  );
}

/**
 * Finds our comment carrying `marker`, stopping at the page where it is. Only comments the token
 * itself (or, for an installation token, a bot) wrote count: anyone can quote the marker, and their
 * comment must never be edited. The login is asked for only once a comment carries the marker.
 */
async function findComment(o: UpsertOptions, marker: string): Promise<IssueComment | undefined> {
  let login: { value: string | undefined } | undefined;
  const pages = o.octokit.paginate.iterator('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
    owner: o.owner,
    repo: o.repo,
    issue_number: o.issueNumber,
    per_page: 100,
  });
  for await (const response of pages) {
    const marked = (response.data as IssueComment[]).filter(
      (c) => typeof c.body === 'string' && c.body.includes(marker),
    );
    if (marked.length === 0) continue;
    login ??= { value: await ownLogin(o) };
    const hit = ownComment(marked, login.value, marker);
    if (hit) return hit;
  }
  return undefined;
}

function withMarker(body: string, marker: string, log: Log): string {
  let b = body.includes(marker) ? body : `${marker}\n${body}`;
  if (b.length > COMMENT_MAX_CHARS) {
    log.warning(`The PR comment was ${b.length} characters, over GitHub's ${COMMENT_MAX_CHARS}: it was cut.`);
    const note = "\n\n… cut to fit GitHub's comment limit: see the job summary.";
    b = b.slice(0, COMMENT_MAX_CHARS - note.length - marker.length - 1);
    const last = b.charCodeAt(b.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) b = b.slice(0, -1);
    if (!b.includes(marker)) b = `${marker}\n${b}`;
    b += note;
  }
  return b;
}

/**
 * Creates or updates our comment on the issue/PR. Returns what it did, or undefined when it could
 * not (after a warning saying why). Never throws.
 */
export async function upsertStickyComment(
  o: UpsertOptions,
): Promise<{ id: number; action: 'created' | 'updated' } | undefined> {
  const where = `${o.owner}/${o.repo}#${o.issueNumber}`;
  try {
    const marker = commentMarker(o.tag);
    const body = withMarker(o.body, marker, o.log);
    const existing = await findComment(o, marker);
    const updated = existing ? await updateComment(o, existing.id, body, where) : undefined;
    if (updated) return updated;
    const { data } = await o.octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      owner: o.owner,
      repo: o.repo,
      issue_number: o.issueNumber,
      body,
    });
    o.log.info(`Created the PR comment ${data.id} on ${where}.`);
    return { id: Number(data.id), action: 'created' };
  } catch (err) {
    warnNotWritten(o.log, where, err);
    return undefined;
  }
}

/** Update comment `id` in place; undefined when it was deleted meanwhile (for the caller to make a new one). */
async function updateComment(
  o: UpsertOptions,
  id: number,
  body: string,
  where: string,
): Promise<{ id: number; action: 'updated' } | undefined> {
  try {
    const { data } = await o.octokit.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', {
      owner: o.owner,
      repo: o.repo,
      comment_id: id,
      body,
    });
    o.log.info(`Updated the PR comment ${data.id} on ${where}.`);
    return { id: Number(data.id), action: 'updated' };
  } catch (err) {
    // Deleted between the listing and the update: make a new one.
    if (statusOf(err) !== 404) throw err;
    o.log.debug(`Comment ${id} vanished before it could be updated; creating a new one.`);
    return undefined;
  }
}

/** The warning for a comment that could not be written: what the token needs, by status. */
function warnNotWritten(log: Log, where: string, err: unknown): void {
  const status = statusOf(err);
  const msg = messageOf(err);
  if (status === 403) {
    log.warning(
      `Could not write the PR comment on ${where} (403: ${msg}). The token needs \`permissions: pull-requests: write\` ` +
        `in the workflow; pull requests from forks get a read-only token whatever the workflow asks, so the results are ` +
        `only in the job summary there. Turn the PR comment off to stop trying.`,
    );
  } else if (status === 404) {
    log.warning(
      `Could not write the PR comment on ${where} (404: ${msg}): the issue does not exist or the token cannot see it. ` +
        `The token needs \`permissions: pull-requests: write\` (and read access to the repository).`,
    );
  } else {
    log.warning(
      `Could not write the PR comment on ${where}${status ? ` (HTTP ${status})` : ''}: ${msg}. The results are in the job summary.`,
    );
  }
}

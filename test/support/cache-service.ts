// A node:http fake of GitHub's Actions cache service v2 (the three Twirp methods @actions/cache 6
// calls on ACTIONS_RESULTS_URL when ACTIONS_CACHE_SERVICE_V2 is set), signing SAS URLs for an
// Azurite blob store so the real client uploads and downloads real archives.
// Behaves like GitHub where tests care: an entry is found only for the same `version` (a hash of
// the paths and compression); the primary key matches exactly, each restore key exactly and then as
// a prefix, newest entry first; a second entry with the same key and version is refused (409);
// errors are non-2xx with {code, msg}. Branch scopes are not modelled (one scope).
import { randomUUID } from 'node:crypto';
import { startTwirpServer, TwirpError, type TwirpMethods } from './twirp.js';
import {
  BlobSASPermissions,
  BlobServiceClient,
  SASProtocol,
  StorageSharedKeyCredential,
  generateBlobSASQueryParameters,
} from '@azure/storage-blob';
import { runtimeTokenFor } from './results-service.js';

export interface FakeCacheEntry {
  id: number;
  key: string;
  version: string;
  blobName: string;
  size: number;
  createdAt: number;
  finalized: boolean;
}

export interface CacheCall {
  method: string;
  status: number;
  body: Record<string, unknown>;
  /** The response body (without signed URLs' query). */
  out: Record<string, unknown>;
}

export interface CacheService {
  /** ACTIONS_RESULTS_URL */
  url: string;
  /** ACTIONS_RUNTIME_TOKEN */
  runtimeToken: string;
  /** The environment the real client needs, plus what would send it elsewhere removed. */
  env(): Record<string, string | undefined>;
  /** Finalized entries, oldest first. */
  entries(): FakeCacheEntry[];
  calls(): CacheCall[];
  /** The next call of `method` answers `status` with a Twirp error body. */
  failNext(method: string, status: number): void;
  /** Forget every entry (blobs stay in Azurite). */
  clear(): void;
  close(): Promise<void>;
}

const PREFIX = '/twirp/github.actions.results.api.v1.CacheService/';

export async function startCacheService(opts: {
  blobEndpoint: string;
  account: string;
  key: string;
}): Promise<CacheService> {
  const runtimeToken = runtimeTokenFor(randomUUID(), randomUUID());
  const containerName = 'actions-cache';
  const cred = new StorageSharedKeyCredential(opts.account, opts.key);
  const container = new BlobServiceClient(opts.blobEndpoint, cred).getContainerClient(containerName);
  await container.createIfNotExists();

  let nextId = 1;
  let clock = 0;
  let all: FakeCacheEntry[] = [];

  const sign = (blobName: string, permissions: string) => {
    const sas = generateBlobSASQueryParameters(
      {
        containerName,
        blobName,
        permissions: BlobSASPermissions.parse(permissions),
        startsOn: new Date(Date.now() - 5 * 60_000),
        expiresOn: new Date(Date.now() + 60 * 60_000),
        protocol: SASProtocol.HttpsAndHttp,
      },
      cred,
    );
    return `${container.getBlobClient(blobName).url}?${sas.toString()}`;
  };

  const str = (v: unknown, name: string): string => {
    if (typeof v !== 'string' || v === '') throw new TwirpError(400, 'invalid_argument', `${name} is required`);
    return v;
  };
  const newestFirst = (a: FakeCacheEntry, b: FakeCacheEntry) => b.createdAt - a.createdAt || b.id - a.id;

  const methods: TwirpMethods = {
    async CreateCacheEntry(b) {
      const key = str(b.key, 'key');
      const version = str(b.version, 'version');
      if (all.some((e) => e.key === key && e.version === version)) {
        throw new TwirpError(
          409,
          'already_exists',
          `cache entry with the same key, version, and scope already exists: ${key}`,
        );
      }
      const id = nextId++;
      const e: FakeCacheEntry = {
        id,
        key,
        version,
        blobName: `${id}/${encodeURIComponent(key)}`,
        size: 0,
        createdAt: ++clock,
        finalized: false,
      };
      all.push(e);
      return { ok: true, signed_upload_url: sign(e.blobName, 'cw') };
    },
    async FinalizeCacheEntryUpload(b) {
      const key = str(b.key, 'key');
      const version = str(b.version, 'version');
      const e = all.find((x) => x.key === key && x.version === version && !x.finalized);
      if (!e) throw new TwirpError(404, 'not_found', `no cache upload in progress for ${key}`);
      const props = await container
        .getBlobClient(e.blobName)
        .getProperties()
        .catch(() => undefined);
      if (!props) throw new TwirpError(400, 'failed_precondition', 'the cache archive was never uploaded');
      e.size = Number(b.size_bytes ?? props.contentLength ?? 0);
      e.finalized = true;
      return { ok: true, entry_id: String(e.id) };
    },
    async GetCacheEntryDownloadURL(b) {
      const key = str(b.key, 'key');
      const version = str(b.version, 'version');
      const restoreKeys = Array.isArray(b.restore_keys) ? b.restore_keys.map(String) : [];
      const candidates = all.filter((e) => e.finalized && e.version === version).sort(newestFirst);
      let found = candidates.find((e) => e.key === key);
      for (const rk of restoreKeys) {
        if (found) break;
        found = candidates.find((e) => e.key === rk) ?? candidates.find((e) => e.key.startsWith(rk));
      }
      if (!found) return { ok: false };
      return { ok: true, signed_download_url: sign(found.blobName, 'r'), matched_key: found.key };
    },
  };

  const twirp = await startTwirpServer({ prefix: PREFIX, runtimeToken, methods });
  const url = twirp.url;

  return {
    url,
    runtimeToken,
    env: () => ({
      ACTIONS_RUNTIME_TOKEN: runtimeToken,
      ACTIONS_RESULTS_URL: url,
      ACTIONS_CACHE_SERVICE_V2: 'true',
      ACTIONS_CACHE_URL: undefined,
      ACTIONS_CACHE_MODE: undefined,
      // v2 is refused on GHES; github.com (or unset) keeps it.
      GITHUB_SERVER_URL: 'https://github.com',
    }),
    entries: () => all.filter((e) => e.finalized).map((e) => ({ ...e })),
    calls: () => twirp.calls(),
    failNext: (method, status) => twirp.failNext(method, status),
    clear() {
      all = [];
    },
    close: () => twirp.close(),
  };
}

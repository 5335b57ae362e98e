// A node:http fake of GitHub's Actions "results" service (the five Twirp methods @actions/artifact 6
// calls), signing SAS URLs for an Azurite blob store so the real client uploads and downloads real bytes.
// Behaves like GitHub where tests care: a second finalized artifact of the same name in a run is a 409,
// expires_at is recorded, errors are non-2xx with {code, msg}. The client finds it through test/support/github-env.ts.
import { randomUUID } from 'node:crypto';
import { startTwirpServer, TwirpError, type TwirpMethods } from './twirp.js';
import {
  BlobSASPermissions,
  BlobServiceClient,
  SASProtocol,
  StorageSharedKeyCredential,
  generateBlobSASQueryParameters,
} from '@azure/storage-blob';

export interface FakeArtifact {
  name: string;
  id: number;
  size: number;
  digest: string | undefined;
  blobName: string;
  mimeType: string | undefined;
  createdAt: string;
  expiresAt?: string;
  /** Whole days between creation and expires_at, rounded. */
  retentionDays?: number;
}

export interface ResultsService {
  /** ACTIONS_RESULTS_URL */
  url: string;
  /** ACTIONS_RUNTIME_TOKEN */
  runtimeToken: string;
  runBackendId: string;
  jobBackendId: string;
  containerName: string;
  /** Finalized artifacts of the run, oldest first. */
  artifacts(): FakeArtifact[];
  /** Every Twirp call received, with its status. */
  calls(): Array<{ method: string; status: number; body: Record<string, unknown> }>;
  /** The next call of `method` answers `status` with a Twirp error body. */
  failNext(method: string, status: number): void;
  close(): Promise<void>;
}

const PREFIX = '/twirp/github.actions.results.api.v1.ArtifactService/';
const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** A JWT the client accepts: it only decodes the payload and reads the `scp` claim. */
export function runtimeTokenFor(run: string, job: string): string {
  const payload = {
    scp: `Actions.ExampleScope Actions.Results:${run}:${job}`,
    exp: Math.floor(Date.now() / 1000) + 3600,
  };
  return `${b64url({ typ: 'JWT', alg: 'HS256' })}.${b64url(payload)}.${Buffer.from('fake-signature').toString('base64url')}`;
}

export async function startResultsService(opts: {
  blobEndpoint: string;
  account: string;
  key: string;
}): Promise<ResultsService> {
  const runBackendId = randomUUID();
  const jobBackendId = randomUUID();
  const runtimeToken = runtimeTokenFor(runBackendId, jobBackendId);
  const containerName = 'actions-results';
  const cred = new StorageSharedKeyCredential(opts.account, opts.key);
  const blobService = new BlobServiceClient(opts.blobEndpoint, cred);
  const container = blobService.getContainerClient(containerName);
  await container.createIfNotExists();

  let nextId = 1000;
  const pending = new Map<string, FakeArtifact>(); // by name: created, not finalized
  const finalized: FakeArtifact[] = [];

  const sign = (blobName: string, permissions: string, extra: { contentDisposition?: string } = {}) => {
    const sas = generateBlobSASQueryParameters(
      {
        containerName,
        blobName,
        permissions: BlobSASPermissions.parse(permissions),
        startsOn: new Date(Date.now() - 5 * 60_000),
        expiresOn: new Date(Date.now() + 60 * 60_000),
        protocol: SASProtocol.HttpsAndHttp,
        ...extra,
      },
      cred,
    );
    return `${container.getBlobClient(blobName).url}?${sas.toString()}`;
  };

  const ownRun = (b: Record<string, unknown>) => {
    if (b.workflow_run_backend_id !== runBackendId || b.workflow_job_run_backend_id !== jobBackendId) {
      throw new TwirpError(403, 'permission_denied', 'backend ids do not match the token');
    }
  };
  const wire = (a: FakeArtifact) => ({
    workflow_run_backend_id: runBackendId,
    workflow_job_run_backend_id: jobBackendId,
    database_id: String(a.id),
    name: a.name,
    size: String(a.size),
    created_at: a.createdAt,
    ...(a.digest ? { digest: a.digest } : {}),
  });

  const methods: TwirpMethods = {
    async CreateArtifact(b) {
      ownRun(b);
      const name = String(b.name ?? '');
      if (!name) throw new TwirpError(400, 'invalid_argument', 'name is required');
      if (b.version !== 7) throw new TwirpError(400, 'invalid_argument', `unsupported version ${String(b.version)}`);
      if (finalized.some((a) => a.name === name)) {
        throw new TwirpError(
          409,
          'already_exists',
          `an artifact with this name already exists on the workflow run: ${name}`,
        );
      }
      const id = nextId++;
      const createdAt = new Date().toISOString();
      const a: FakeArtifact = {
        name,
        id,
        size: 0,
        digest: undefined,
        blobName: `${runBackendId}/${jobBackendId}/${id}/${name}`,
        mimeType: typeof b.mime_type === 'string' ? b.mime_type : undefined,
        createdAt,
      };
      if (typeof b.expires_at === 'string') {
        a.expiresAt = b.expires_at;
        a.retentionDays = Math.round((Date.parse(b.expires_at) - Date.parse(createdAt)) / 86_400_000);
      }
      pending.set(name, a);
      return { ok: true, signed_upload_url: sign(a.blobName, 'cw') };
    },
    async FinalizeArtifact(b) {
      ownRun(b);
      const a = pending.get(String(b.name));
      if (!a) throw new TwirpError(404, 'not_found', `no artifact upload in progress named ${String(b.name)}`);
      const props = await container
        .getBlobClient(a.blobName)
        .getProperties()
        .catch(() => undefined);
      if (!props) throw new TwirpError(400, 'failed_precondition', 'the artifact blob was never uploaded');
      pending.delete(a.name);
      a.size = Number(b.size ?? props.contentLength ?? 0);
      a.digest = typeof b.hash === 'string' ? b.hash : undefined;
      finalized.push(a);
      return { ok: true, artifact_id: String(a.id) };
    },
    async ListArtifacts(b) {
      ownRun(b);
      const nameFilter = typeof b.name_filter === 'string' ? b.name_filter : undefined;
      const idFilter = b.id_filter !== undefined && b.id_filter !== null ? String(b.id_filter) : undefined;
      const list = finalized.filter(
        (a) =>
          (nameFilter === undefined || a.name === nameFilter) && (idFilter === undefined || String(a.id) === idFilter),
      );
      return { artifacts: list.map(wire) };
    },
    async GetSignedArtifactURL(b) {
      ownRun(b);
      const a = finalized.find((x) => x.name === b.name);
      if (!a) throw new TwirpError(404, 'not_found', `artifact not found: ${String(b.name)}`);
      const zip = a.mimeType === 'application/zip';
      const file = zip ? `${a.name}.zip` : a.name;
      const ascii = file.replace(/[^\x20-\x7e]|["\\]/g, '_');
      const contentDisposition = `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file)}`;
      return { signed_url: sign(a.blobName, 'r', { contentDisposition }) };
    },
    async DeleteArtifact(b) {
      ownRun(b);
      const i = finalized.findIndex((x) => x.name === b.name);
      if (i < 0) throw new TwirpError(404, 'not_found', `artifact not found: ${String(b.name)}`);
      const [a] = finalized.splice(i, 1);
      await container.getBlobClient(a!.blobName).deleteIfExists();
      return { ok: true, artifact_id: String(a!.id) };
    },
  };

  const twirp = await startTwirpServer({ prefix: PREFIX, runtimeToken, methods });

  return {
    url: twirp.url,
    runtimeToken,
    runBackendId,
    jobBackendId,
    containerName,
    artifacts: () => finalized.map((a) => ({ ...a })),
    calls: () => twirp.calls(),
    failNext: (method, status) => twirp.failNext(method, status),
    close: () => twirp.close(),
  };
}

// The request loop both GitHub "results" fakes share (artifacts and cache speak the same Twirp over
// JSON): route by method name, check the bearer token, fire injected failures, answer GitHub-style
// errors, record every call.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export class TwirpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    msg: string,
  ) {
    super(msg);
  }
}

export type TwirpMethods = Record<
  string,
  (body: Record<string, unknown>) => Promise<Record<string, unknown>> | Record<string, unknown>
>;

export interface TwirpCall {
  method: string;
  status: number;
  body: Record<string, unknown>;
  /** The reply, with signed URLs cut at their query so a log never carries a SAS. */
  out: Record<string, unknown>;
}

export interface TwirpServer {
  url: string;
  calls(): TwirpCall[];
  failNext(method: string, status: number): void;
  close(): Promise<void>;
}

export async function startTwirpServer(opts: {
  prefix: string;
  runtimeToken: string;
  methods: TwirpMethods;
}): Promise<TwirpServer> {
  const failures = new Map<string, number[]>();
  const callLog: TwirpCall[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const method = req.url?.startsWith(opts.prefix) ? req.url.slice(opts.prefix.length) : '';
        let body: Record<string, unknown> = {};
        let status = 200;
        let out: Record<string, unknown>;
        try {
          body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>) : {};
          const handler = req.method === 'POST' ? opts.methods[method] : undefined;
          if (!handler) throw new TwirpError(404, 'bad_route', `no such method: ${req.method} ${req.url}`);
          if (req.headers.authorization !== `Bearer ${opts.runtimeToken}`)
            throw new TwirpError(401, 'unauthenticated', 'bad bearer token');
          const injected = failures.get(method)?.shift();
          if (injected !== undefined)
            throw new TwirpError(
              injected,
              injected === 409 ? 'already_exists' : 'internal',
              `injected failure ${injected}`,
            );
          out = await handler(body);
        } catch (e) {
          const te = e instanceof TwirpError ? e : new TwirpError(500, 'internal', String(e));
          status = te.status;
          out = { code: te.code, msg: te.message };
        }
        const shown = Object.fromEntries(
          Object.entries(out).map(([k, v]) => [
            k,
            typeof v === 'string' && k.startsWith('signed_') ? v.replace(/\?.*$/, '?…') : v,
          ]),
        );
        callLog.push({ method, status, body, out: shown });
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(out));
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    calls: () => callLog.slice(),
    failNext(method, status) {
      const q = failures.get(method) ?? [];
      q.push(status);
      failures.set(method, q);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}

// No SSRF, no downgrade (src/download/egress.ts). The decisions are pure functions, tested with
// fake addresses; the connect-time check is tested for real on 127.0.0.1 through an injected DNS
// lookup that names a public-looking host, since a test can only reach loopback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LookupAddress } from 'node:dns';
import { readdir, readFile, rm } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import path from 'node:path';
import {
  addressClass,
  apiIsPrivate,
  checkedLookup,
  egressAgent,
  refuseAddress,
  refuseRedirect,
  type EgressPolicy,
} from '../../src/download/egress.js';
import { downloadOutput } from '../../src/download/download.js';
import { cleartextWarning } from '../../src/pipeline.js';
import { startServer, type TestServer } from '../download/server.js';
import { makePng } from '../emulator/media.js';
import { runCli, tempDir, writeJobFile } from '../support/run-cli.js';
import { jobFile } from '../faults/invariants.js';

/** A dns.lookup that answers from a table (a name absent from it does not exist). */
function fakeLookup(table: Record<string, string[]>): NonNullable<EgressPolicy['lookup']> {
  return ((host: string, _opts: unknown, cb: (e: Error | null, a: LookupAddress[]) => void) => {
    const list = table[host];
    if (!list) return cb(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }), []);
    cb(
      null,
      list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
  }) as unknown as NonNullable<EgressPolicy['lookup']>;
}

describe('the address policy', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['::1', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['febf::1', 'link-local'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['100.127.255.255', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['0:0:0:0:0:ffff:7f00:1', 'loopback'],
    ['::127.0.0.1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['fe80::1%eth0', 'link-local'],
    ['::ffff:8.8.8.8', 'public'],
    ['0.0.0.0', 'unspecified'],
    ['172.32.0.1', 'public'],
    ['100.128.0.1', 'public'],
    ['8.8.8.8', 'public'],
    ['2606:4700::1111', 'public'],
    ['fec0::1', 'public'],
  ])('%s is %s', (ip, cls) => {
    expect(addressClass(ip)).toBe(cls);
    expect(refuseAddress(ip, { allowPrivate: false }) === undefined).toBe(cls === 'public');
    expect(refuseAddress(ip, { allowPrivate: true })).toBeUndefined();
  });

  it('a redirect keeps https once it started there, and only goes to http(s)', () => {
    const u = (s: string) => new URL(s);
    expect(refuseRedirect(u('https://cdn.example/a'), u('http://cdn.example/a'))).toMatch(/https to plain http/);
    expect(refuseRedirect(u('https://cdn.example/a'), u('https://other.example/b'))).toBeUndefined();
    expect(refuseRedirect(u('http://cdn.example/a'), u('https://cdn.example/a'))).toBeUndefined();
    expect(refuseRedirect(u('http://cdn.example/a'), u('http://cdn.example/b'))).toBeUndefined();
    expect(refuseRedirect(u('https://cdn.example/a'), u('file:///etc/passwd'))).toMatch(/file:/);
  });

  it('private outputs are allowed when base-url is on a loopback or private address, not when it is public', async () => {
    const lookup = fakeLookup({ 'api.atlascloud.ai': ['104.18.1.1'], 'gateway.corp': ['10.0.0.5'] });
    expect(await apiIsPrivate('http://127.0.0.1:8787/api/v1', lookup)).toBe(true);
    expect(await apiIsPrivate('http://[::1]:8787/api/v1', lookup)).toBe(true);
    expect(await apiIsPrivate('http://localhost:8787/api/v1', lookup)).toBe(true);
    expect(await apiIsPrivate('https://gateway.corp/api/v1', lookup)).toBe(true);
    expect(await apiIsPrivate('https://api.atlascloud.ai/api/v1', lookup)).toBe(false);
    expect(await apiIsPrivate('https://unknown.example/api/v1', lookup)).toBe(false);
  });

  it('the CLI warns once about a plain-http base-url off loopback (a dry run, nothing sent)', async () => {
    const dir = await tempDir('atlas-cleartext-');
    try {
      const config = await writeJobFile(dir, jobFile([{ name: 'a', prompt: 'a cat' }]));
      const warned = await runCli(['run', '--config', config, '--dry-run'], {
        baseUrl: 'http://gateway.example.test/api/v1',
        outputDir: path.join(dir, 'out'),
      });
      expect(warned.code).toBe(0);
      expect(warned.output.match(/plain http: the API key travels unencrypted/g)).toHaveLength(1);
      const quiet = await runCli(['run', '--config', config, '--dry-run'], {
        baseUrl: 'http://127.0.0.1:9/api/v1',
        outputDir: path.join(dir, 'out'),
      });
      expect(quiet.output).not.toContain('plain http');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a plain-http base-url is said only when it is not loopback', () => {
    expect(cleartextWarning('http://127.0.0.1:8787/api/v1')).toBeUndefined();
    expect(cleartextWarning('http://localhost:8787/api/v1')).toBeUndefined();
    expect(cleartextWarning('https://api.atlascloud.ai/api/v1')).toBeUndefined();
    expect(cleartextWarning('http://gateway.corp/api/v1')).toMatch(/plain http: the API key travels unencrypted/);
    expect(cleartextWarning('http://10.0.0.5/api/v1')).toMatch(/plain http/);
  });
});

describe('downloads under the policy (a real server on 127.0.0.1)', () => {
  let server: TestServer;
  let dir: string;
  const body = makePng('egress', 8);
  beforeAll(async () => {
    server = await startServer();
    dir = await tempDir('atlas-egress-');
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function fetchWith(url: string, policy: EgressPolicy, name: string) {
    const dispatcher = egressAgent(policy, 2);
    try {
      return await downloadOutput(url, path.join(dir, name), {
        userAgent: 'test',
        dispatcher,
        egress: policy,
        maxAttempts: 1,
      });
    } finally {
      await dispatcher.close();
    }
  }

  it('an output URL on the cloud metadata address is refused before any connection', async () => {
    // 169.254.169.254 written as one number: the URL parser normalises it, the check sees the address.
    await expect(
      fetchWith('http://2852039166/latest/meta-data', { allowPrivate: false }, 'meta10'),
    ).rejects.toMatchObject({
      kind: 'refused',
    });
    // The URL parser writes [::ffff:169.254.169.254] as [::ffff:a9fe:a9fe]: the mapped form is caught too.
    await expect(
      fetchWith('http://[::ffff:169.254.169.254]/latest/meta-data/iam', { allowPrivate: false }, 'meta6'),
    ).rejects.toMatchObject({ kind: 'refused', message: expect.stringMatching(/link-local/) });
    await expect(
      fetchWith('http://169.254.169.254/latest/meta-data/iam', { allowPrivate: false }, 'meta'),
    ).rejects.toMatchObject({ kind: 'refused', message: expect.stringMatching(/link-local/) });
  });

  it('a public-looking name that resolves to loopback is refused at connect; allowed with the escape hatch', async () => {
    server.handle((_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(body));
    const port = new URL(server.origin).port;
    const url = `http://cdn.example.test:${port}/out.png`;
    const rebinding = fakeLookup({ 'cdn.example.test': ['203.0.113.7', '127.0.0.1'] });
    await expect(fetchWith(url, { allowPrivate: false, lookup: rebinding }, 'a')).rejects.toMatchObject({
      kind: 'refused',
      message: expect.stringMatching(/127\.0\.0\.1 is a loopback address/),
    });
    expect(server.requests).toHaveLength(0);
    const loopback = fakeLookup({ 'cdn.example.test': ['127.0.0.1'] });
    const got = await fetchWith(url, { allowPrivate: true, lookup: loopback }, 'b');
    expect(got).toMatchObject({ ext: 'png', bytes: body.length });
    expect(server.requests).toHaveLength(1);
    expect((await readdir(dir)).sort()).toEqual(['b.png']);
  });
});

// A real https host on 127.0.0.1 (a self-signed certificate made for the test by openssl, trusted by
// this client only) redirecting to plain http: the API is on loopback, so the address is allowed, but
// the downgrade is not.
const openssl = spawnSync('openssl', ['version']).status === 0;
describe.skipIf(!openssl)('a redirect from https to http (needs openssl to make a test certificate)', () => {
  it('is refused even where private addresses are allowed; the http host is never asked', async () => {
    const dir = await tempDir('atlas-tls-');
    try {
      const [key, cert] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')];
      const made = spawnSync('openssl', [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        key,
        '-out',
        cert,
      ]);
      expect(made.status, String(made.stderr)).toBe(0);
      const plain = await startServer();
      plain.handle((_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(makePng('plain', 4)));
      const tls = https.createServer({ key: await readFile(key), cert: await readFile(cert) }, (_req, res) =>
        res.writeHead(302, { location: `${plain.origin}/out.png` }).end(),
      );
      await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
      const policy: EgressPolicy = { allowPrivate: true };
      const dispatcher = new Agent({ connect: { ca: await readFile(cert), lookup: checkedLookup(policy) } });
      try {
        const url = `https://127.0.0.1:${(tls.address() as AddressInfo).port}/out.png`;
        await expect(
          downloadOutput(url, path.join(dir, 'x'), { userAgent: 'test', dispatcher, egress: policy, maxAttempts: 1 }),
        ).rejects.toMatchObject({ kind: 'refused', message: expect.stringMatching(/from https to plain http/) });
        expect(plain.requests).toHaveLength(0);
      } finally {
        await dispatcher.close();
        tls.closeAllConnections();
        await new Promise((resolve) => tls.close(resolve));
        await plain.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

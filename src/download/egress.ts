// Where an output download may go (README "Reliability", no SSRF). An output URL and every redirect
// it takes come from hosts we do not control: they must not lead the runner to its own loopback,
// the cloud metadata service (link-local) or the private network, unless the API itself lives
// there (the emulator, a self-hosted gateway) or `allow-private-outputs` says so; and a download
// that started on https stays on https. The decisions are pure functions of addresses and URLs;
// `checkedLookup` applies them to every address DNS returns, at connect time, so a name that
// resolves to a public address for the check and a private one for the connection cannot pass.
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import { Agent } from 'undici';

export interface EgressPolicy {
  /** Loopback, link-local and private addresses allowed. */
  allowPrivate: boolean;
  /** Name resolution (tests inject one); default node:dns lookup. */
  lookup?: typeof dnsLookup;
}

export type AddressClass = 'public' | 'loopback' | 'link-local' | 'private' | 'unspecified';

function ipv4Class(ip: string): AddressClass {
  const [a = 0, b = 0] = ip.split('.').map(Number);
  if (a === 127) return 'loopback';
  if (a === 0) return 'unspecified';
  if (a === 169 && b === 254) return 'link-local';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private';
  if (a === 100 && b >= 64 && b <= 127) return 'private';
  return 'public';
}

/** The class of an IP address (v4, v6, v4-mapped v6); a name that is not an address is 'public' here. */
export function addressClass(address: string): AddressClass {
  const ip = address.replace(/^\[|\]$/g, '').toLowerCase();
  const v = isIP(ip);
  if (v === 4) return ipv4Class(ip);
  if (v !== 6) return 'public';
  const g = ipv6Groups(ip);
  const zeros = (n: number) => g.slice(0, n).every((x) => x === 0);
  // IPv4-mapped (::ffff:a.b.c.d, which URLs write as ::ffff:a9fe:a9fe) and IPv4-compatible (::a.b.c.d).
  if (zeros(5) && (g[5] === 0xffff || (g[5] === 0 && g[6] !== 0))) {
    return ipv4Class(`${g[6]! >> 8}.${g[6]! & 0xff}.${g[7]! >> 8}.${g[7]! & 0xff}`);
  }
  if (zeros(7) && g[7] === 1) return 'loopback';
  if (zeros(8)) return 'unspecified';
  if ((g[0]! & 0xffc0) === 0xfe80) return 'link-local';
  if ((g[0]! & 0xfe00) === 0xfc00) return 'private';
  return 'public';
}

/** The eight 16-bit groups of a valid IPv6 address (a trailing dotted IPv4 part and a zone allowed). */
function ipv6Groups(ip: string): number[] {
  let text = ip.split('%')[0]!;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const part = (s: string) => (s === '' ? [] : s.split(':').map((x) => parseInt(x, 16)));
  const h = part(head);
  const t = tail === undefined ? [] : part(tail);
  return [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
}

/** Why a connection to this address is refused, or undefined when it is allowed. */
export function refuseAddress(address: string, policy: Pick<EgressPolicy, 'allowPrivate'>): string | undefined {
  const cls = addressClass(address);
  if (cls === 'public' || policy.allowPrivate) return undefined;
  return `${address} is a ${cls} address (outputs may go there only when base-url does, or with allow-private-outputs: true)`;
}

/** Why following a redirect from `from` to `to` is refused (a downgrade, a non-http scheme), or undefined. */
export function refuseRedirect(from: URL, to: URL): string | undefined {
  if (to.protocol !== 'https:' && to.protocol !== 'http:') return `a redirect to the ${to.protocol} scheme`;
  if (from.protocol === 'https:' && to.protocol === 'http:') return 'a redirect from https to plain http';
  return undefined;
}

/** Why a URL's host, when it is an IP literal (no lookup happens for those), is refused. */
export function refuseUrlHost(url: URL, policy: Pick<EgressPolicy, 'allowPrivate'>): string | undefined {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return refuseAddress(host, policy);
  if (host.toLowerCase() === 'localhost' || host.toLowerCase().endsWith('.localhost'))
    return refuseAddress('127.0.0.1', policy);
  return undefined;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A dns.lookup for net.connect that fails when any resolved address is refused (so DNS rebinding cannot pass). */
export function checkedLookup(policy: EgressPolicy) {
  const resolve = policy.lookup ?? dnsLookup;
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    resolve(hostname, { ...options, all: true } as LookupAllOptions, (err, addresses) => {
      if (err) return callback(err, []);
      const list = addresses as LookupAddress[];
      for (const a of list) {
        const why = refuseAddress(a.address, policy);
        if (why) {
          const e: NodeJS.ErrnoException = new Error(`connection to ${hostname} refused: ${why}`);
          e.code = 'EGRESS_REFUSED';
          return callback(e, []);
        }
      }
      if (options.all) return callback(null, list);
      const first = list[0];
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
      callback(null, first.address, first.family);
    });
  };
}

/** The Agent downloads use: every connection's resolved addresses pass refuseAddress. */
export function egressAgent(policy: EgressPolicy, connections: number): Agent {
  return new Agent({ connections, keepAliveTimeout: 10_000, connect: { lookup: checkedLookup(policy) } });
}

/** True when base-url's host is (or resolves to) a loopback, link-local or private address. */
export async function apiIsPrivate(baseUrl: string, lookup: typeof dnsLookup = dnsLookup): Promise<boolean> {
  let host: string;
  try {
    host = new URL(baseUrl).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return false;
  }
  if (refuseUrlHost(new URL(baseUrl), { allowPrivate: false })) return true;
  if (isIP(host)) return false;
  const addresses = await new Promise<LookupAddress[]>((resolve) =>
    lookup(host, { all: true }, (err, list) => resolve(err ? [] : list)),
  );
  return addresses.some((a) => addressClass(a.address) !== 'public');
}

// Start the emulator from a shell:
//   npx tsx test/emulator/cli.ts --port 8787 --time-scale 10
// Prints its base URL (what the action's base-url input gets) as the only line on stdout, so a
// script can capture it; everything else goes to stderr. Ctrl-C prints the stats and exits.
import { parseArgs } from 'node:util';
import { startEmulator, type Dialect, type EmulatorOptions, type FaultRule } from './server.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'time-scale': { type: 'string' },
    seed: { type: 'string' },
    'api-key': { type: 'string' },
    'no-auth': { type: 'boolean', default: false },
    jitter: { type: 'string' },
    'failure-rate': { type: 'string' },
    dialect: { type: 'string' },
    'not-found-grace': { type: 'string' },
    'account-concurrency': { type: 'string' },
    'account-retry-after': { type: 'string' },
    'output-ttl': { type: 'string' },
    'image-size': { type: 'string' },
    'video-bytes': { type: 'string' },
    faults: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  process.stderr.write(
    'usage: tsx test/emulator/cli.ts [--port N] [--time-scale N] [--seed N] [--api-key K | --no-auth]\n' +
      '  [--jitter S] [--failure-rate F] [--dialect NAME|rotate] [--not-found-grace S]\n' +
      '  [--account-concurrency N] [--account-retry-after S] [--output-ttl S] [--image-size PX]\n' +
      "  [--video-bytes N] [--faults '<JSON array of FaultRule>']\nSee test/emulator/README.md.\n",
  );
  process.exit(0);
}

const num = (v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`not a number: ${v}`);
  return n;
};

const opts: EmulatorOptions = {
  port: num(values.port),
  timeScale: num(values['time-scale']),
  seed: num(values.seed),
  apiKey: values['no-auth'] ? null : values['api-key'],
  jitter: num(values.jitter),
  failureRate: num(values['failure-rate']),
  dialect: values.dialect as Dialect | 'rotate' | undefined,
  notFoundGraceSeconds: num(values['not-found-grace']),
  accountConcurrency: num(values['account-concurrency']),
  accountRetryAfter: num(values['account-retry-after']),
  outputTtlSeconds: num(values['output-ttl']),
  imageSize: num(values['image-size']),
  videoBytes: num(values['video-bytes']),
  // JSON has no Infinity: `"times": null` means always.
  faults: values.faults
    ? (JSON.parse(values.faults) as FaultRule[]).map((f) => (f.times === null ? { ...f, times: Infinity } : f))
    : undefined,
};

const emulator = await startEmulator(opts);
process.stdout.write(`${emulator.url}\n`);
process.stderr.write(
  `atlas emulator listening; api key: ${opts.apiKey === null ? '(any)' : (opts.apiKey ?? 'test-key')}\n`,
);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  const { predictions: _predictions, ...summary } = emulator.stats();
  process.stderr.write(`${JSON.stringify(summary, null, 2)}\n`);
  await emulator.close();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());

// Azurite's blob service on a free loopback port, for tests that run the real @actions/artifact
// client. In-memory only; the child is killed on stop() and, as a last resort, when this process exits.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';

export interface Azurite {
  /** http://127.0.0.1:PORT/devstoreaccount1 */
  blobEndpoint: string;
  account: string;
  /** Base64 account key (Azurite's well-known devstoreaccount1 key). */
  key: string;
  stop(): Promise<void>;
}

const ACCOUNT = 'devstoreaccount1';

function wellKnownKey(require: NodeJS.Require): string {
  try {
    const constants = require('azurite/dist/src/common/utils/constants.js') as { EMULATOR_ACCOUNT_KEY: Buffer };
    return Buffer.from(constants.EMULATOR_ACCOUNT_KEY).toString('base64');
  } catch {
    return 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
  }
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

export async function startAzurite(opts: { timeoutMs?: number } = {}): Promise<Azurite> {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('azurite/dist/src/blob/main.js');
  // A tiny wrapper runs Azurite's entry and exits when our end of its stdin closes, so even a test
  // worker that dies without running hooks (SIGKILL, crash) does not leave Azurite behind.
  const wrapper = [
    "process.stdin.on('end', () => process.exit(0)); process.stdin.on('error', () => process.exit(0)); process.stdin.resume();",
    "process.argv.splice(1, 0, 'azurite-blob');",
    `require(${JSON.stringify(entry)});`,
  ].join(' ');
  const child = spawn(
    process.execPath,
    [
      '-e',
      wrapper,
      '--',
      '--inMemoryPersistence',
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      '0',
      '--skipApiVersionCheck',
      '--disableTelemetry',
    ],
    { cwd: os.tmpdir(), stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, AZURITE_ACCOUNTS: '' } },
  );
  live.add(child);
  installExitHook();
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      live.delete(child);
      resolve();
    }),
  );

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return exited;
    // Closing stdin makes the wrapper exit at once (Azurite's own SIGTERM path waits for the event loop,
    // which the stdin watch keeps alive); signals are the fallback.
    child.stdin?.end();
    const term = setTimeout(() => child.kill('SIGTERM'), 1000);
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    term.unref();
    timer.unref();
    await exited;
    clearTimeout(term);
    clearTimeout(timer);
  };

  let output = '';
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`Azurite did not start within ${opts.timeoutMs ?? 20_000} ms:\n${output}`)),
        opts.timeoutMs ?? 20_000,
      );
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const m = /successfully listens on https?:\/\/[^:\s]+:(\d+)/.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', (c: Buffer) => {
        output += c.toString();
      });
      child.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`Azurite exited early (${code ?? signal}):\n${output}`));
      });
    });
    // Keep draining the pipes so the child never blocks on a full buffer.
    child.stdout!.resume();
    child.stderr!.resume();
    return { blobEndpoint: `http://127.0.0.1:${port}/${ACCOUNT}`, account: ACCOUNT, key: wellKnownKey(require), stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

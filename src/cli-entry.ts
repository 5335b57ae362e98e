// Entry point of the bundled CLI (dist/cli/index.js). A usage error is exit 2 with one line (cli.ts);
// anything unexpected is exit 1 with one line, and the stack only with --verbose.
import { cli } from './cli.js';

try {
  process.exitCode = await cli(process.argv.slice(2), process.env);
} catch (e) {
  const err = e instanceof Error ? e : new Error(String(e));
  process.stderr.write(`atlas-media: ${err.message}\n`);
  if (process.argv.includes('--verbose') && err.stack) process.stderr.write(err.stack + '\n');
  process.exitCode = 1;
}

// `npm run demo`: the whole pipeline on the bundled Atlas emulator — no key, no network.
// Starts the emulator on 127.0.0.1 (time scaled 20× so videos take seconds), runs the example
// job file through the CLI, and says where the files went.
import { resolve } from 'node:path';
import { startEmulator } from '../test/emulator/server.js';
import { cli } from '../src/cli.js';

const root = resolve(import.meta.dirname, '..');
const config = process.argv[2] ?? resolve(root, 'examples/atlas-media.yml');
const outputDir = resolve(root, 'demo-output');

const emu = await startEmulator({ timeScale: 20, apiKey: null, imageSize: 256 });
process.stderr.write(`Atlas emulator on ${emu.url} (20× faster than real time)\nRunning ${config}\n\n`);
try {
  process.exitCode = await cli(
    [
      'run',
      '--config',
      config,
      '--output-dir',
      outputDir,
      '--base-url',
      emu.url,
      '--api-key',
      'demo-no-key-needed',
      '--poll-interval',
      '0.05',
      '--max-poll-interval',
      '1.5',
    ],
    process.env,
  );
  const s = emu.stats();
  process.stderr.write(
    `\nThe emulator saw ${s.predictionsCreated} predictions, ${s.polls} polls and ${s.downloads} downloads.\nOpen ${outputDir}/index.html to see what was made.\n`,
  );
} finally {
  await emu.close();
}

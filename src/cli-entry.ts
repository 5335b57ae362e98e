// Entry point of the bundled CLI (dist/cli/index.js).
import { cli } from './cli.js';

process.exitCode = await cli(process.argv.slice(2), process.env);

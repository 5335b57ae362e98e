#!/usr/bin/env node
// The CLI ships bundled, like the action, so it runs from a clone or from npm without a build step.
// Source maps on before the bundle loads: a stack trace names src/ lines.
process.setSourceMapsEnabled(true);
await import('../dist/cli/index.js');

#!/usr/bin/env node
// The CLI ships bundled, like the action, so it runs from a clone without a build step.
import '../dist/cli/index.js';

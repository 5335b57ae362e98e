// Headless Chromium for tests that need a real browser (the gallery). The system Chromium
// (scripts/install-test-deps.sh installs it) or $CHROMIUM_PATH; playwright-core never downloads one.
// The flags keep Chromium from reaching for the network, which is closed here.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

export function chromiumPath(): string {
  return process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
}

/** Whether a Chromium binary is where launchChromium() will look. */
export function chromiumAvailable(): boolean {
  return existsSync(chromiumPath());
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_FLAGS] });
}

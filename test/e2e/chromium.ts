/** Debian's Chromium, headless, driven by playwright-core, for the HTML report's browser test. The machine's network
 *  is closed: the flags keep Chromium from reaching out (background networking, component updates, sync). */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env.PGSAFE_CHROMIUM ?? '/usr/bin/chromium';

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Fails with what to install when Chromium is missing: the browser test is never skipped without a word. */
export function assertChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`the HTML report's browser test needs Chromium at ${CHROMIUM}: apt-get install -y chromium (Debian), or set PGSAFE_CHROMIUM to its path. .ci/run installs it.`);
  }
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A fresh profile in a temporary directory, removed on close. */
export async function launchChromium(): Promise<Browser> {
  assertChromium();
  const profile = mkdtempSync(join(tmpdir(), 'pgsafe-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1280, height: 900 } });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** Debian's chromium (no browser download: Playwright only drives it). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface Chromium {
  context: BrowserContext;
  /** Every request the pages made to a host other than the gateway's (the console must need none). */
  foreignRequests: string[];
  close(): Promise<void>;
}

/**
 * Headless Chromium with a fresh profile, nothing it does on its own (updates, sync, background fetches),
 * and every request outside `allowedOrigin` refused and recorded. `httpCredentials` are what a user types
 * into the browser's login prompt: given only when a page answers 401 with a Basic challenge.
 */
export async function launchChromium(
  allowedOrigin: string,
  options: { httpCredentials?: { username: string; password: string } } = {},
): Promise<Chromium> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}; the console test drives it headless. ` +
        'Install it with: apt-get update && apt-get install -y chromium (or set CHROMIUM_PATH)',
    );
  }
  const profile = await mkdtemp(join(tmpdir(), 'shelfwise-chromium-'));
  // launchPersistentContext: Playwright's way to give Chromium a --user-data-dir of our own.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1400, height: 1000 },
    ...options,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const foreignRequests: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(allowedOrigin) || url.startsWith('data:') || url.startsWith('blob:')) {
      return route.continue();
    }
    foreignRequests.push(url);
    return route.abort();
  });
  return {
    context,
    foreignRequests,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

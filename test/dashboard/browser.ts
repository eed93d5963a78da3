import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's chromium package, as `.ci/run` installs it. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Starts headless chromium, or explains why it cannot: in CI that is a failure (the browser tests must
 * run there), elsewhere the tests are skipped with the reason printed.
 */
export async function launchChromium(): Promise<{ browser?: Browser; reason?: string }> {
  try {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found (apt-get install -y chromium)`);
    const root = typeof process.getuid === 'function' && process.getuid() === 0;
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: root ? ['--no-sandbox'] : [],
    });
    return { browser };
  } catch (err) {
    const reason = `chromium cannot start: ${(err as Error).message.split('\n')[0]}`;
    if (process.env.CI) throw new Error(`${reason} (CI must run the dashboard's browser tests)`);
    console.warn(`[dashboard tests skipped] ${reason}`);
    return { reason };
  }
}

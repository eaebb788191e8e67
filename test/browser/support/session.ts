import type { Browser } from 'playwright-core';
import type { Sandbox } from '../../../sandbox/start';
import { launchChromium } from './chromium';
import { connectByResolvers } from './site-rest';
import { ensureUiBuilt } from './ui-build';
import { startUiSandbox } from './ui-sandbox';

/**
 * The sandbox with the built pages, and a Chromium, for the tests of one file: started before
 * them, closed after. `connected`: the two sites connected through their resolvers (else left
 * for the test to connect, as an admin would).
 */
export function browserSession(options: { connected: boolean }): { sandbox: () => Sandbox; browser: () => Browser } {
  let sandbox: Sandbox | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    ensureUiBuilt();
    sandbox = await startUiSandbox({ connect: false });
    if (options.connected) await connectByResolvers(sandbox);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await sandbox?.close();
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} did not start`);
    return value;
  };
  return { sandbox: () => started(sandbox, 'the sandbox'), browser: () => started(browser, 'Chromium') };
}

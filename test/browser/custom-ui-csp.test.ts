import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { parseDocument } from 'yaml';
import { createCustomUiHost } from '../../sandbox/forge/custom-ui/custom-ui-host';
import { REPO_ROOT, type Sandbox } from '../../sandbox/start';
import { editor, openAdmin, openTab, waitForOrAlert } from './support/admin-page';
import { launchChromium, openPage, screenshot } from './support/chromium';
import { connectByResolvers } from './support/site-rest';
import { ensureUiBuilt } from './support/ui-build';
import { startUiSandbox } from './support/ui-sandbox';

/*
 * The admin page under the Content-Security-Policy Forge derives from manifest.yml. The app's
 * manifest declares `permissions.content.styles: [unsafe-inline]` because CodeMirror (the rules
 * editor) injects <style> elements. The internal site serves the page as `npm start` does, from
 * the app's own manifest; the external site serves the same built page from a copy of the app
 * whose manifest lacks `content.styles`, and there the editor must come out unstyled, with the
 * browser reporting the refused styles.
 */

jest.setTimeout(180_000);

const STRIPPED_MOUNT = '/_sandbox/ui-no-inline-styles/';

let sandbox: Sandbox;
let browser: Browser;
let strippedRoot: string;
const reports: unknown[] = [];

/** A copy of the app (manifest.yml without `permissions.content`, the built pages linked in). */
function appWithoutContentPermissions(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'twin-sync-no-content-csp-'));
  const manifest = parseDocument(readFileSync(path.join(REPO_ROOT, 'manifest.yml'), 'utf8'));
  if (!manifest.hasIn(['permissions', 'content', 'styles'])) throw new Error('manifest.yml no longer declares permissions.content.styles: this test checks what it is for');
  manifest.deleteIn(['permissions', 'content']);
  writeFileSync(path.join(root, 'manifest.yml'), manifest.toString());
  for (const page of ['admin', 'panel']) {
    mkdirSync(path.join(root, 'static', page), { recursive: true });
    symlinkSync(path.join(REPO_ROOT, 'static', page, 'build'), path.join(root, 'static', page, 'build'), 'dir');
  }
  return root;
}

beforeAll(async () => {
  ensureUiBuilt();
  sandbox = await startUiSandbox({ connect: false });
  await connectByResolvers(sandbox);
  strippedRoot = appWithoutContentPermissions();
  // the external site shows its admin page from the stripped app (resolvers still run the real app)
  const external = sandbox.sites.external;
  const host = createCustomUiHost({
    appRoot: strippedRoot,
    mountPath: STRIPPED_MOUNT,
    siteContext: () => ({ cloudId: sandbox.installations.external.cloudId, accountId: external.admin.accountId }),
    onCspReport: (report) => reports.push(report),
  });
  external.mount(STRIPPED_MOUNT, host.handler);
  external.setUiExtensions(host.extensions(external.name));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await sandbox?.close();
  if (strippedRoot !== undefined) rmSync(strippedRoot, { recursive: true, force: true });
});

interface Violation {
  directive: string;
  blockedURI: string;
  url: string;
}

/**
 * Records every CSP violation (`securitypolicyviolation`) of every frame from before its first
 * script on. (Chromium's "Refused to apply inline style…" lines are browser log entries, not
 * console API calls, so Playwright's `console` event never sees them: the event is the check.)
 */
async function watchCsp(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const seen: Violation[] = [];
    Object.defineProperty(window, '__cspViolations', { value: seen });
    document.addEventListener('securitypolicyviolation', (e) => {
      seen.push({ directive: e.effectiveDirective, blockedURI: e.blockedURI, url: e.documentURI });
    });
  });
}

function adminFrame(page: Page): Frame {
  const frame = page.frames().find((f) => f.url().includes('/twin-sync-admin/'));
  if (frame === undefined) throw new Error('no admin page frame');
  return frame;
}

async function violations(frame: Frame): Promise<Violation[]> {
  return frame.evaluate(() => (Reflect.get(window, '__cspViolations') as Violation[] | undefined) ?? []);
}

/** Styles CodeMirror's injected stylesheet gives the editor (none of them comes from the app's CSS). */
async function editorStyles(frame: Frame) {
  return frame.evaluate(() => {
    const style = (selector: string) => {
      const el = document.querySelector(selector);
      if (el === null) throw new Error(`no ${selector}`);
      return getComputedStyle(el);
    };
    return {
      editorDisplay: style('.cm-editor').display,
      scrollerAlignItems: style('.cm-scroller').alignItems,
      contentWhiteSpace: style('.cm-content').whiteSpace,
      guttersDisplay: style('.cm-gutters').display,
      guttersBackground: style('.cm-gutters').backgroundColor,
    };
  });
}

async function openRules(page: Page, siteUrl: string) {
  const admin = await openAdmin(page, siteUrl);
  await openTab(admin, 'Rules');
  await waitForOrAlert(admin, editor(admin, 'outgoing'));
  return adminFrame(page);
}

describe('the admin page under the CSP derived from manifest.yml', () => {
  it("styles the rules editor with content.styles: ['unsafe-inline'], and nothing is refused", async () => {
    const { page, pageErrors } = await openPage(browser);
    await watchCsp(page);
    const response = page.waitForResponse((r) => r.url().includes('/_sandbox/ui/internal/twin-sync-admin/'));
    const frame = await openRules(page, sandbox.urls.internal);
    const header = (await response).headers()['content-security-policy'] ?? '';
    expect(header).toMatch(/(^|; )style-src [^;]*'unsafe-inline'/);
    expect(header).not.toMatch(/(^|; )script-src [^;]*'unsafe-/);

    expect(await editorStyles(frame)).toEqual({
      editorDisplay: 'flex',
      scrollerAlignItems: 'flex-start',
      contentWhiteSpace: 'pre',
      guttersDisplay: 'flex',
      guttersBackground: 'rgb(245, 245, 245)',
    });
    await screenshot(page, 'admin-rules-csp-styled');
    expect(await violations(frame)).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('leaves the editor unstyled, and reports the refused inline styles, when the manifest lacks content.styles', async () => {
    const { page, pageErrors } = await openPage(browser);
    await watchCsp(page);
    const response = page.waitForResponse((r) => r.url().includes(`${STRIPPED_MOUNT}external/twin-sync-admin/`));
    const frame = await openRules(page, sandbox.urls.external);
    const header = (await response).headers()['content-security-policy'] ?? '';
    expect(header).toMatch(/(^|; )style-src /);
    expect(header).not.toContain("'unsafe-inline'");

    const styles = await editorStyles(frame);
    expect(styles.editorDisplay).toBe('block');
    expect(styles.scrollerAlignItems).not.toBe('flex-start');
    expect(styles.contentWhiteSpace).toBe('normal');
    expect(styles.guttersDisplay).toBe('block');
    await screenshot(page, 'admin-rules-csp-unstyled');

    const refused = await violations(frame);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((v) => v.directive.startsWith('style-src') && v.blockedURI === 'inline')).toBe(true);
    // the browser also posted its reports to the page's report-uri, the sandbox's route
    for (let i = 0; i < 100 && reports.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(JSON.stringify(reports)).toMatch(/"(violated|effective)-directive":"style-src/);
    // the page itself still works: its scripts are from 'self'
    expect(pageErrors).toEqual([]);
  });
});

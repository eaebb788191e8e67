import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/* A tiny app folder for the host's tests: manifest.yml with the two Custom UI modules, and
 * "built" pages, so the tests do not depend on `npm run build:ui`. */

const MANIFEST = `
modules:
  jira:adminPage:
    - key: twin-sync-admin
      resource: admin
      resolver: { function: admin-resolver }
      title: Twin Sync
  jira:issuePanel:
    - key: twin-sync-panel
      resource: panel
      resolver: { function: panel-resolver }
      title: Twin Sync panel
      icon: resource:panel;icon.svg
  function:
    - key: admin-resolver
      handler: index.adminResolver
resources:
  - key: admin
    path: static/admin/build
  - key: panel
    path: static/panel/build
`;

export const FIXTURE_PAGE = '<!doctype html><html><head><meta charset="UTF-8"><script type="module" src="./assets/main.js"></script></head><body><div id="root"></div></body></html>';

/**
 * Creates the app folder in a temporary directory (with a file outside the resources).
 * `manifestTail` is YAML appended to the manifest (a `permissions:` or `remotes:` section);
 * `page` replaces the pages' index.html.
 */
export function makeFixtureApp(opts: { manifestTail?: string; page?: string } = {}): string {
  const appRoot = mkdtempSync(path.join(tmpdir(), 'custom-ui-host-'));
  writeFileSync(path.join(appRoot, 'manifest.yml'), MANIFEST + (opts.manifestTail ?? ''));
  for (const page of ['admin', 'panel']) {
    mkdirSync(path.join(appRoot, 'static', page, 'build', 'assets'), { recursive: true });
    writeFileSync(path.join(appRoot, 'static', page, 'build', 'index.html'), opts.page ?? FIXTURE_PAGE);
    writeFileSync(path.join(appRoot, 'static', page, 'build', 'assets', 'main.js'), `console.log(${JSON.stringify(page)});`);
  }
  writeFileSync(path.join(appRoot, 'static', 'panel', 'build', 'icon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(path.join(appRoot, 'secret.txt'), 'not for the browser');
  return appRoot;
}

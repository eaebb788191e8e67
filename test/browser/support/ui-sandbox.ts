import { createCustomUiHost } from '../../../sandbox/forge/custom-ui/custom-ui-host';
import { REPO_ROOT, startSandbox, type Sandbox } from '../../../sandbox/start';

export const ADMIN_PAGE = '/jira/settings/apps/twin-sync';

/**
 * The full sandbox (both sites, the Forge platform, the app) with the app's Custom UI pages
 * hosted on both sites: admin page at /jira/settings/apps/twin-sync, issue panel on /browse/KEY.
 */
export async function startUiSandbox(opts: { connect: boolean }): Promise<Sandbox> {
  const sandbox = await startSandbox({ portBase: 0, memory: true, connect: opts.connect });
  const host = createCustomUiHost({
    appRoot: REPO_ROOT,
    siteContext: (name) => {
      const inst = name === 'internal' ? sandbox.installations.internal : name === 'external' ? sandbox.installations.external : undefined;
      const site = name === 'internal' ? sandbox.sites.internal : name === 'external' ? sandbox.sites.external : undefined;
      return inst === undefined || site === undefined ? undefined : { cloudId: inst.cloudId, accountId: site.admin.accountId };
    },
  });
  for (const site of [sandbox.sites.internal, sandbox.sites.external]) {
    site.mount('/_sandbox/ui/', host.handler);
    site.setUiExtensions(host.extensions(site.name));
  }
  return sandbox;
}

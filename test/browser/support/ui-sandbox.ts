import { mountCustomUi } from '../../../sandbox/forge/custom-ui/mount-custom-ui';
import { REPO_ROOT, startSandbox, type Sandbox } from '../../../sandbox/start';

export const ADMIN_PAGE = '/jira/settings/apps/twin-sync';

/**
 * The full sandbox (both sites, the Forge platform, the app) with the app's Custom UI pages
 * hosted on both sites: admin page at /jira/settings/apps/twin-sync, issue panel on /browse/KEY.
 */
export async function startUiSandbox(opts: { connect: boolean }): Promise<Sandbox> {
  const sandbox = await startSandbox({ portBase: 0, memory: true, connect: opts.connect });
  mountCustomUi(REPO_ROOT, [
    { site: sandbox.sites.internal, cloudId: sandbox.installations.internal.cloudId },
    { site: sandbox.sites.external, cloudId: sandbox.installations.external.cloudId },
  ]);
  return sandbox;
}

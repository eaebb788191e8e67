import { startSandbox, type Sandbox } from '../../../sandbox/start';

export const ADMIN_PAGE = '/jira/settings/apps/twin-sync';

/**
 * The full sandbox (both sites, the Forge platform, the app) with the app's Custom UI pages
 * hosted on both sites by startSandbox (sandbox/forge/custom-ui): the admin page at
 * /jira/settings/apps/twin-sync, the issue panel on /browse/KEY.
 */
export function startUiSandbox(opts: { connect: boolean }): Promise<Sandbox> {
  return startSandbox({ portBase: 0, memory: true, connect: opts.connect, customUi: true });
}

import type { JiraSiteApi } from '../../jira/contract';
import { createCustomUiHost, type CustomUiHost, type CustomUiInvoke } from './custom-ui-host';

export interface CustomUiSite {
  site: JiraSiteApi;
  /** the installation's cloud id, reported by `view.getContext()` */
  cloudId?: string;
}

/**
 * Hosts the app's Custom UI on each site: mounts the host under `/_sandbox/ui/` and gives the
 * site its admin page and issue panel. The viewer is the site's admin user. Resolver calls go to
 * the site's `/_sandbox/invoke` (the Forge platform's route) unless `invoke` is given.
 */
export function mountCustomUi(appRoot: string, sites: readonly CustomUiSite[], invoke?: CustomUiInvoke): CustomUiHost {
  const byName = new Map(sites.map((s) => [s.site.name, s]));
  const host = createCustomUiHost({
    appRoot,
    ...(invoke === undefined ? {} : { invoke }),
    siteContext: (name) => {
      const found = byName.get(name);
      if (found === undefined) return undefined;
      return { accountId: found.site.admin.accountId, ...(found.cloudId === undefined ? {} : { cloudId: found.cloudId }) };
    },
  });
  for (const { site } of sites) {
    site.mount('/_sandbox/ui/', host.handler);
    site.setUiExtensions(host.extensions(site.name));
  }
  return host;
}

import { __getRuntime, getAppContext, webTrigger } from '@forge/api';
import type { SiteIdentity } from '../../ports/site';
import type { ForgeJira } from './forge-jira';

export const INBOX_TRIGGER = 'replica-inbox';

/** The cloud id of the current installation, from the invocation's context ARI (…/site/<cloudId>). */
export function currentCloudId(fallback?: string): string {
  try {
    const ari = __getRuntime().contextAri;
    const id = ari.split('/').pop();
    if (id) return id;
  } catch {
    // outside an invocation
  }
  if (fallback !== undefined) return fallback;
  throw new Error('no Forge invocation context: cannot tell which site this is');
}

/** The installation this invocation runs for (its ARI; the cloud id outside Forge's app context). */
export function currentInstallation(cloudIdHint?: string): string {
  let id: string | undefined;
  try {
    id = getAppContext().installationAri.installationId;
  } catch (error) {
    // a runtime without an app context (outside an invocation, older runtimes): the site's cloud id
    // identifies the installation then; currentCloudId throws when there is none either
    if (!(error instanceof TypeError)) throw error;
  }
  return id !== undefined ? `installation:${id}` : `site:${currentCloudId(cloudIdHint)}`;
}

export function forgeSite(jira: ForgeJira, cloudIdHint?: string): SiteIdentity {
  let inbox: string | undefined;
  return {
    cloudId: currentCloudId(cloudIdHint),
    siteName: async () => (await jira.siteInfo()).siteTitle,
    inboxUrl: async () => (inbox ??= await webTrigger.getUrl(INBOX_TRIGGER)),
  };
}

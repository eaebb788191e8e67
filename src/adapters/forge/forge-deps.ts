import type { RulesProvider } from '../../ports/rules-provider';
import type { StorePort } from '../../ports/store';
import { systemClock } from '../../ports/clock';
import { cryptoIds } from '../../ports/ids';
import { DEFAULT_SETTINGS, type EngineDeps } from '../../sync/deps';
import { ConfigCachingStore } from './config-cache';
import { ForgeJira } from './forge-jira';
import { ForgeKvsStore } from './forge-kvs';
import { ForgeQueue } from './forge-queue';
import { currentInstallation, forgeSite } from './forge-site';
import { ForgeTransport } from './forge-transport';

/** The engine wired to Forge: one set per invocation (the metadata memo lives per invocation). */
export function forgeDeps(rulesFor: (store: StorePort) => RulesProvider, cloudIdHint?: string): EngineDeps {
  // configuration is read once per warm process and installation, checked by one version read per invocation
  const store = new ConfigCachingStore(new ForgeKvsStore(), currentInstallation(cloudIdHint));
  const jira = new ForgeJira(store);
  return {
    jira, store, rules: rulesFor(store),
    queue: new ForgeQueue(),
    transport: new ForgeTransport(),
    clock: systemClock,
    ids: cryptoIds,
    site: forgeSite(jira, cloudIdHint),
    settings: DEFAULT_SETTINGS,
  };
}

import { lazy, Suspense, useEffect, useState, type ComponentType } from 'react';
import type { AdminApi, Connection } from '../../shared/src/api/admin-api';
import { LinkHostProvider, type LinkHost } from '../../shared/src/ui/issue-link';
import { SectionMessage } from '../../shared/src/ui/section-message';
import { SelectField } from '../../shared/src/ui/select-field';
import type { TabMemory } from '../../shared/src/ui/tab-memory';
import { Tabs } from '../../shared/src/ui/tabs';
import { useResource } from '../../shared/src/ui/use-resource';
import { ActivityView } from './activity/activity-view';
import { BulkSyncView } from './bulk/bulk-sync-view';
import { ConnectionsView } from './connections/connections-view';
import type { MappingsViewProps } from './mappings/mappings-view-props';
import type { RulesViewProps } from './rules/rules-view-props';

// The rules editor (CodeMirror) is the heaviest part: it loads when the Rules tab is opened.
const LazyRulesView = lazy(() => import('./rules/rules-view.js').then((m) => ({ default: m.RulesView })));
const LazyMappingsView = lazy(() => import('./mappings/mappings-view.js').then((m) => ({ default: m.MappingsView })));

const tabs = [
  { id: 'connections', label: 'Connections' },
  { id: 'rules', label: 'Rules' },
  { id: 'mappings', label: 'Mappings' },
  { id: 'activity', label: 'Activity and errors' },
  { id: 'bulk', label: 'Bulk sync' },
] as const;
type TabId = (typeof tabs)[number]['id'];

function isTab(id: string): id is TabId {
  return tabs.some((t) => t.id === id);
}

export interface AdminAppOptions {
  /** how often lists refresh on their own, in ms */
  pollMs?: number;
  /** the tab shown first, unless `tabMemory` remembers another */
  initialTab?: TabId;
  /** keeps the selected tab over a reload of the page (the entry file gives the frame's sessionStorage) */
  tabMemory?: TabMemory;
  /** how issue links are opened: this site's URL and the host's router (the entry file gives them) */
  links?: LinkHost;
  /** the Rules tab's view; loaded on demand unless given (component tests give it directly) */
  rulesView?: ComponentType<RulesViewProps>;
  /** the Mappings tab's view; loaded on demand unless given */
  mappingsView?: ComponentType<MappingsViewProps>;
}

const NO_LINK_HOST: LinkHost = { siteUrl: null };

/** The Twin Sync admin page. All data comes through `api` (the typed `twin-sync-admin` client). */
export function AdminApp({ api, pollMs = 5000, initialTab = 'connections', tabMemory, links = NO_LINK_HOST, rulesView: RulesView = LazyRulesView, mappingsView: MappingsView = LazyMappingsView }: { api: AdminApi } & AdminAppOptions) {
  const [tab, setTab] = useState<TabId>(() => {
    const remembered = tabMemory?.read() ?? null;
    return remembered !== null && isTab(remembered) ? remembered : initialTab;
  });
  const selectTab = (id: string) => {
    if (!isTab(id)) return;
    setTab(id);
    tabMemory?.write(id);
  };
  const connections = useResource(() => api.listConnections(), [api], pollMs);
  const errors = useResource(() => api.listErrors(), [api], pollMs);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const list = connections.data ?? [];
  const selected: Connection | null = list.find((c) => c.id === selectedId) ?? list[0] ?? null;

  useEffect(() => {
    if (selected !== null && selected.id !== selectedId) setSelectedId(selected.id);
  }, [selected, selectedId]);

  const needsConnection = tab === 'rules' || tab === 'mappings' || tab === 'bulk';
  return (
    <LinkHostProvider host={links}>
      <main className="ts-page">
        <h1 className="ts-visually-hidden">Twin Sync</h1>
        <Tabs tabs={tabs} selected={tab} onSelect={selectTab} label="Twin Sync settings">
          {needsConnection && list.length > 1 && selected !== null ? (
            <div style={{ maxWidth: 360, marginBottom: 16 }}>
              <SelectField
                label="Connection"
                value={selected.id}
                options={list.map((c) => ({ value: c.id, label: c.remoteSiteName === null ? c.name : `${c.name} (${c.remoteSiteName})` }))}
                onChange={setSelectedId}
              />
            </div>
          ) : null}
          {needsConnection && selected === null ? (
            connections.data === null
              ? <p className="ts-subtle">Loading connections…</p>
              : <SectionMessage appearance="information" title="No connection yet">Connect another site on the Connections tab first.</SectionMessage>
          ) : null}
          {tab === 'connections' ? <ConnectionsView api={api} connections={connections} errors={errors} /> : null}
          {tab === 'rules' && selected !== null ? (
            <Suspense fallback={<p className="ts-subtle">Loading the rules editor…</p>}>
              <RulesView key={selected.id} api={api} connection={selected} />
            </Suspense>
          ) : null}
          {tab === 'mappings' && selected !== null ? (
            <Suspense fallback={<p className="ts-subtle">Loading the mappings…</p>}>
              <MappingsView key={selected.id} api={api} connection={selected} />
            </Suspense>
          ) : null}
          {tab === 'activity' ? <ActivityView api={api} connections={list} errors={errors} pollMs={pollMs} /> : null}
          {tab === 'bulk' && selected !== null ? <BulkSyncView key={selected.id} api={api} connection={selected} /> : null}
        </Tabs>
      </main>
    </LinkHostProvider>
  );
}

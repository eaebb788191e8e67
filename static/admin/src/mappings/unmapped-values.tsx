import type { UnmappedValue } from '../../../shared/src/api/admin-api';
import { Button } from '../../../shared/src/ui/button';
import { IssueLink } from '../../../shared/src/ui/issue-link';
import { TimeText } from '../../../shared/src/ui/time-text';
import type { Resource } from '../../../shared/src/ui/use-resource';

export const TABLE_NAMES: Record<UnmappedValue['table'], string> = {
  project: 'Project', issueType: 'Issue type', status: 'Status', priority: 'Priority', resolution: 'Resolution', users: 'Person', fields: 'Custom field', options: 'Option',
};

/** "Unmapped values": what replicas carried that no row maps and this site lacks, with "Map…" to start a row for it. */
export function UnmappedValues({ values, onMap }: { values: Resource<{ values: UnmappedValue[] }>; onMap: (value: UnmappedValue) => void }) {
  const list = values.data?.values ?? [];
  return (
    <section className="ts-card ts-stack" aria-labelledby="unmapped-title">
      <div className="ts-row" style={{ justifyContent: 'space-between' }}>
        <h3 id="unmapped-title" style={{ margin: 0 }}>Unmapped values</h3>
        <Button appearance="subtle" onClick={() => void values.reload()} isLoading={values.loading && values.data !== null}>Refresh unmapped values</Button>
      </div>
      <p className="ts-subtle" style={{ margin: 0 }}>Values the other site sent that no row maps and that do not exist here: the issues kept their own value and carry a warning.</p>
      {values.error === null ? null : <p className="ts-row-error" style={{ margin: 0 }}>Could not load the unmapped values: {values.error}</p>}
      {values.data === null ? (values.error === null ? <p className="ts-subtle" style={{ margin: 0 }}>Loading…</p> : null) : list.length === 0 ? (
        <p className="ts-subtle" style={{ margin: 0 }}>None: every value the other site sent has a place here.</p>
      ) : (
        <div className="ts-table-wrap">
          <table className="ts-table" aria-label="Unmapped values">
            <thead>
              <tr>
                <th scope="col">Table</th><th scope="col">Field</th><th scope="col">Value</th><th scope="col">Count</th>
                <th scope="col">Last issue</th><th scope="col">Last seen</th><th scope="col"><span className="ts-visually-hidden">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {list.map((v) => (
                <tr key={`${v.table}:${v.field ?? ''}:${v.value}`}>
                  <td>{TABLE_NAMES[v.table]}</td>
                  <td>{v.field ?? '—'}</td>
                  <td>{v.label === null ? v.value : <>{v.label} <span className="ts-subtlest">({v.value})</span></>}</td>
                  <td>{v.count}</td>
                  <td>{v.lastIssueKey === null ? '—' : <IssueLink issueKey={v.lastIssueKey} />}</td>
                  <td><TimeText at={v.lastAt} /></td>
                  <td><Button appearance="subtle" aria-label={`Map ${TABLE_NAMES[v.table].toLowerCase()} ${v.label ?? v.value}`} onClick={() => onMap(v)}>Map…</Button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

import { useId, type ReactNode } from 'react';
import type { MappingProblem } from '../../../shared/src/api/admin-api';
import { Button } from '../../../shared/src/ui/button';
import { DIRECTION_LABELS, emptyRow, problemKey, rowLabelOf, symmetricRows, type Direction, type DraftRow, type TableRef } from './mappings-draft';
import { LocalValueField, RemoteValueField, type Choice } from './remote-value-field';

export interface LocalCellProps {
  label: string;
  row: DraftRow;
  index: number;
  describedBy: string | undefined;
  invalid: boolean;
  onChange: (local: string) => void;
}

/**
 * One mapping table: per row this site's value, the other site's, the direction(s) it applies
 * and Remove; "Add row" and "Make symmetric" under it; each problem shown under its row.
 */
export function MappingTable({ tableRef, title, help, rows, localChoices, remoteChoices, problems, onChange, renderLocal, localNone, remoteNone, actions }: {
  tableRef: TableRef;
  title: string;
  help: string;
  rows: readonly DraftRow[];
  localChoices: readonly Choice[];
  remoteChoices: readonly Choice[];
  problems: ReadonlyMap<string, MappingProblem[]>;
  onChange: (rows: DraftRow[]) => void;
  /** this site's side, when it is not a select of `localChoices` (people) */
  renderLocal?: (props: LocalCellProps) => ReactNode;
  localNone?: string;
  remoteNone?: string;
  /** more buttons beside "Add row" */
  actions?: ReactNode;
}) {
  const id = useId();
  const label = rowLabelOf(tableRef);
  const update = (index: number, change: Partial<DraftRow>) => onChange(rows.map((r, i) => (i === index ? { ...r, ...change } : r)));
  const tableProblems = problems.get(problemKey(tableRef, -1)) ?? [];
  return (
    <section className="ts-card ts-stack" aria-labelledby={`${id}-title`} data-table={tableRef.table} data-field={tableRef.field ?? undefined}>
      <div className="ts-stack" style={{ gap: 4 }}>
        <h3 id={`${id}-title`} style={{ margin: 0 }}>{title}</h3>
        <p className="ts-subtle" style={{ margin: 0 }}>{help}</p>
      </div>
      {tableProblems.map((p, i) => <p key={i} className="ts-row-error" style={{ margin: 0 }}>{p.message}</p>)}
      {rows.length === 0 ? <p className="ts-subtle" style={{ margin: 0 }}>No rows: values of the same name are matched.</p> : (
        <div className="ts-table-wrap">
          <table className="ts-table ts-mapping-table" aria-label={`${title} mappings`}>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Here</th>
                <th scope="col">Other site</th>
                <th scope="col">Direction</th>
                <th scope="col"><span className="ts-visually-hidden">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row, i) => {
                const n = i + 1;
                const found = problems.get(problemKey(tableRef, i)) ?? [];
                const errorId = found.length > 0 ? `${id}-row-${i}-error` : undefined;
                const bad = (side: 'local' | 'remote') => found.some((p) => p.side === side || p.side === null);
                return [
                  <tr key={`row-${i}`}>
                    <td>{n}</td>
                    <td>
                      {renderLocal === undefined ? (
                        <LocalValueField label={`${label} row ${n} local value`} value={row.local} choices={localChoices} onChange={(local) => update(i, { local })} describedBy={errorId} invalid={bad('local')} {...(localNone === undefined ? {} : { noneLabel: localNone })} />
                      ) : renderLocal({ label: `${label} row ${n} local value`, row, index: i, describedBy: errorId, invalid: bad('local'), onChange: (local) => update(i, { local }) })}
                    </td>
                    <td>
                      <RemoteValueField label={`${label} row ${n} remote value`} value={row.remote} choices={remoteChoices} onChange={(remote) => update(i, { remote })} describedBy={errorId} invalid={bad('remote')} {...(remoteNone === undefined ? {} : { noneLabel: remoteNone })} />
                    </td>
                    <td>
                      <select className="ts-input" aria-label={`${label} row ${n} direction`} value={row.direction} onChange={(e) => update(i, { direction: e.target.value as Direction })}>
                        {(Object.keys(DIRECTION_LABELS) as Direction[]).map((d) => <option key={d} value={d}>{DIRECTION_LABELS[d]}</option>)}
                      </select>
                    </td>
                    <td>
                      <Button appearance="subtle" aria-label={`Remove ${label} row ${n}`} onClick={() => onChange(rows.filter((_, k) => k !== i))}>Remove</Button>
                    </td>
                  </tr>,
                  found.length === 0 ? null : (
                    <tr key={`error-${i}`}>
                      <td />
                      <td colSpan={4} id={errorId} className="ts-row-error" data-testid={`problem-${tableRef.table}-${i}`}>
                        {found.map((p) => p.message).join('; ')}
                      </td>
                    </tr>
                  ),
                ];
              })}
            </tbody>
          </table>
        </div>
      )}
      <div className="ts-row">
        <Button aria-label={`Add ${label} row`} onClick={() => onChange([...rows, emptyRow()])}>Add row</Button>
        <Button appearance="subtle" aria-label={`Make ${label} symmetric`} disabled={rows.every((r) => r.direction === 'both')} onClick={() => onChange(symmetricRows(rows))}>Make symmetric</Button>
        {actions}
      </div>
    </section>
  );
}


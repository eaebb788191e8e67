import type { FieldChange } from '../../../shared/src/api/admin-api';
import { formatValue } from './format-value';

/** Changes as a readable list, one per field: "field: before → after". */
export function FieldChangeList({ changes, label, empty = 'No changes.' }: { changes: readonly FieldChange[]; label: string; empty?: string }) {
  if (changes.length === 0) return <p className="ts-subtle" style={{ margin: 0 }}>{empty}</p>;
  return (
    <ul className="ts-change-list" aria-label={label}>
      {changes.map((c, i) => (
        <li key={`${c.field}:${i}`}>
          <span className="ts-change-field">{c.field}</span>: <ChangeValues change={c} />
        </li>
      ))}
    </ul>
  );
}

/** "before → after" with each value readable. */
export function ChangeValues({ change }: { change: FieldChange }) {
  return (
    <>
      <span className="ts-change-from">{formatValue(change.from)}</span>
      {' → '}
      <span className="ts-change-to">{formatValue(change.to)}</span>
    </>
  );
}

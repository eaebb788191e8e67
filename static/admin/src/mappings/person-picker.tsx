import { useState } from 'react';
import type { UserRef } from '../../../shared/src/api/admin-api';
import { readableMessage } from '../../../shared/src/api/resolver-error';
import { Button } from '../../../shared/src/ui/button';
import type { LocalCellProps } from './mapping-table';

/**
 * The people table's local side: a person of this site found by name (searchPeople), shown by
 * display name; the account id is what the row keeps.
 */
export function PersonPicker({ cell, people, search, onFound }: {
  cell: LocalCellProps;
  /** the people known so far: the table's, and those found */
  people: readonly UserRef[];
  search: (query: string) => Promise<UserRef[]>;
  onFound: (users: UserRef[]) => void;
}) {
  const n = cell.index + 1;
  const [query, setQuery] = useState('');
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const known = people.some((p) => p.accountId === cell.row.local);

  const find = async () => {
    if (query.trim() === '') return;
    setBusy(true);
    setNote(null);
    try {
      const users = await search(query.trim());
      onFound(users);
      const first = users[0];
      if (first === undefined) setNote(`Nobody here is called “${query.trim()}”.`);
      else if (cell.row.local === '') cell.onChange(first.accountId);
    } catch (e) {
      setNote(readableMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="ts-stack" style={{ gap: 4 }}>
      <select className="ts-input" aria-label={cell.label} value={cell.row.local} onChange={(e) => cell.onChange(e.target.value)} aria-describedby={cell.describedBy} aria-invalid={cell.invalid ? true : undefined}>
        <option value="">Choose…</option>
        {cell.row.local !== '' && !known ? <option value={cell.row.local}>{cell.row.local}</option> : null}
        {people.map((p) => <option key={p.accountId} value={p.accountId}>{p.displayName || p.accountId}</option>)}
      </select>
      <form className="ts-row" style={{ flexWrap: 'nowrap' }} onSubmit={(e) => { e.preventDefault(); void find(); }}>
        <input className="ts-input" aria-label={`People row ${n} find by name`} value={query} placeholder="Find by name" onChange={(e) => setQuery(e.target.value)} />
        <Button type="submit" aria-label={`Find people for row ${n}`} isLoading={busy}>Find</Button>
      </form>
      {note === null ? null : <span className="ts-helper">{note}</span>}
    </div>
  );
}

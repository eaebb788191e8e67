import { useState } from 'react';

export interface Choice {
  value: string;
  label: string;
}

const OTHER = '\u0000other';

/**
 * The other site's side of a row: a select of the values replicas carried, plus "Other…" to type
 * one not seen yet; a text box alone while nothing was seen.
 */
export function RemoteValueField({ label, value, choices, onChange, describedBy, invalid, noneLabel }: {
  label: string;
  /** the empty choice's text when empty is a valid choice (a custom field row's "not sent") */
  noneLabel?: string;
  value: string;
  choices: readonly Choice[];
  onChange: (value: string) => void;
  describedBy?: string | undefined;
  invalid?: boolean;
}) {
  const known = choices.some((c) => c.value.toLowerCase() === value.toLowerCase());
  const [typing, setTyping] = useState(value !== '' && !known);
  const aria = { 'aria-describedby': describedBy, 'aria-invalid': invalid ? true : undefined };
  if (choices.length === 0) {
    return <input className="ts-input" aria-label={label} value={value} placeholder={noneLabel ?? 'Type the other site’s value'} onChange={(e) => onChange(e.target.value)} {...aria} />;
  }
  const selected = typing ? OTHER : known ? choices.find((c) => c.value.toLowerCase() === value.toLowerCase())?.value ?? '' : '';
  return (
    <div className="ts-row" style={{ flexWrap: 'nowrap' }}>
      <select
        className="ts-input"
        aria-label={label}
        value={selected}
        onChange={(e) => {
          if (e.target.value === OTHER) {
            setTyping(true);
            return;
          }
          setTyping(false);
          onChange(e.target.value);
        }}
        {...aria}
      >
        <option value="">{noneLabel ?? 'Choose…'}</option>
        {choices.map((c) => <option key={c.value} value={c.value}>{c.label}</option>)}
        <option value={OTHER}>Other…</option>
      </select>
      {typing ? (
        <input className="ts-input" aria-label={`${label} (other)`} value={value} placeholder="Not seen yet: type it" onChange={(e) => onChange(e.target.value)} {...aria} />
      ) : null}
    </div>
  );
}

/** This site's side of a row: a select of this site's values (a saved value this site lacks stays, marked). */
export function LocalValueField({ label, value, choices, onChange, describedBy, invalid, noneLabel }: {
  label: string;
  value: string;
  choices: readonly Choice[];
  onChange: (value: string) => void;
  describedBy?: string | undefined;
  invalid?: boolean;
  /** the empty choice's text when empty is a valid choice (a custom field row's "not synced here") */
  noneLabel?: string;
}) {
  const known = choices.some((c) => c.value === value);
  return (
    <select className="ts-input" aria-label={label} value={value} onChange={(e) => onChange(e.target.value)} aria-describedby={describedBy} aria-invalid={invalid ? true : undefined}>
      <option value="">{noneLabel ?? 'Choose…'}</option>
      {value !== '' && !known ? <option value={value}>{value} (not here)</option> : null}
      {choices.map((c) => <option key={c.value} value={c.value}>{c.label}</option>)}
    </select>
  );
}

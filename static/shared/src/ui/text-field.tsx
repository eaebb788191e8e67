import { useId, type InputHTMLAttributes } from 'react';

interface TextFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'value' | 'id'> {
  label: string;
  value: string;
  onChange: (value: string) => void;
  helper?: string;
  error?: string | null;
  /** marks the field invalid when the message is shown elsewhere (e.g. in a section message) */
  invalid?: boolean;
  multiline?: boolean;
}

/** A labelled text input (or textarea) with helper text and an error message tied to it. */
export function TextField({ label, value, onChange, helper, error, invalid = false, multiline = false, ...rest }: TextFieldProps) {
  const id = useId();
  const helperId = `${id}-helper`;
  const errorId = `${id}-error`;
  const describedBy = [helper === undefined ? '' : helperId, error ? errorId : ''].filter((s) => s !== '').join(' ');
  const common = {
    id,
    className: 'ts-input',
    value,
    'aria-invalid': error || invalid ? true : undefined,
    'aria-describedby': describedBy === '' ? undefined : describedBy,
  };
  return (
    <div className="ts-field">
      <label className="ts-label" htmlFor={id}>{label}</label>
      {multiline ? (
        <textarea {...common} onChange={(e) => onChange(e.target.value)} placeholder={rest.placeholder} />
      ) : (
        <input {...rest} {...common} onChange={(e) => onChange(e.target.value)} />
      )}
      {helper === undefined ? null : <span id={helperId} className="ts-helper">{helper}</span>}
      {error ? <span id={errorId} className="ts-field-error">{error}</span> : null}
    </div>
  );
}

import type { ReactElement, ReactNode } from 'react';
import type { FieldErrors } from './draft.ts';

/** The messages about one field (the schema's own words), or nothing. */
export function FieldErrorList({ errors, field, id }: { errors: FieldErrors; field: string; id?: string }): ReactElement | null {
  const list = errors.get(field);
  if (!list || list.length === 0) return null;
  return (
    <div id={id} className="field-errors" data-field={field}>
      {list.map((message) => (
        <p key={message} className="field-error">
          {message}
        </p>
      ))}
    </div>
  );
}

export function hasError(errors: FieldErrors, field: string): boolean {
  return (errors.get(field)?.length ?? 0) > 0;
}

/** A switch with its label and explanation, on one line. */
export function SwitchField({
  id,
  label,
  help,
  checked,
  onChange,
  children,
}: {
  id: string;
  label: string;
  help?: ReactNode;
  checked: boolean;
  onChange: (checked: boolean) => void;
  children?: ReactNode;
}): ReactElement {
  return (
    <div className="field field-inline limit-switch">
      <div>
        <label htmlFor={id}>{label}</label>
        {help && <p className="muted small">{help}</p>}
        {children}
      </div>
      <input id={id} type="checkbox" role="switch" className="switch" checked={checked} onChange={(event) => onChange(event.target.checked)} />
    </div>
  );
}

/**
 * A typed value with its unit: the explanation below it, or the problems
 * with it (in the schema's words) instead.
 */
export function TextField({
  id,
  label,
  help,
  value,
  onChange,
  unit,
  placeholder,
  errors,
  field,
  dimmed = false,
  inputMode = 'decimal',
  width = 'narrow',
}: {
  id: string;
  label: string;
  help?: ReactNode;
  value: string;
  onChange: (value: string) => void;
  unit?: string;
  placeholder?: string;
  errors: FieldErrors;
  field: string;
  /** The limit is off: still editable (its value is kept and checked), shown quieter. */
  dimmed?: boolean;
  inputMode?: 'decimal' | 'numeric';
  width?: 'narrow' | 'medium';
}): ReactElement {
  const invalid = hasError(errors, field);
  const describedBy = `${id}-help`;
  return (
    <div className={`form-field limit-field${dimmed ? ' is-off' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <div className={`input-unit ${width === 'narrow' ? 'input-unit-narrow' : 'input-unit-medium'}`}>
        <input
          id={id}
          type="text"
          inputMode={inputMode}
          className="mono"
          value={value}
          placeholder={placeholder}
          maxLength={100}
          autoComplete="off"
          spellCheck={false}
          aria-invalid={invalid}
          aria-describedby={describedBy}
          onChange={(event) => onChange(event.target.value)}
        />
        {unit && <span className="unit">{unit}</span>}
      </div>
      {invalid ? <FieldErrorList errors={errors} field={field} id={describedBy} /> : help ? <p id={describedBy} className="muted small">{help}</p> : null}
    </div>
  );
}

import { useState, type ReactElement } from 'react';

/** A passphrase field with a show/hide toggle; never autofilled into or spell-checked. */
export function PassphraseInput({
  id,
  value,
  onChange,
  autoComplete,
  invalid = false,
  describedBy,
  autoFocus = false,
  disabled = false,
  placeholder,
}: {
  id: string;
  value: string;
  onChange: (value: string) => void;
  autoComplete: 'current-password' | 'new-password' | 'off';
  invalid?: boolean;
  describedBy?: string;
  autoFocus?: boolean;
  disabled?: boolean;
  placeholder?: string;
}): ReactElement {
  const [shown, setShown] = useState(false);
  return (
    <div className="passphrase-input">
      <input
        id={id}
        type={shown ? 'text' : 'password'}
        value={value}
        maxLength={1024}
        autoComplete={autoComplete}
        spellCheck={false}
        autoCapitalize="off"
        autoCorrect="off"
        aria-invalid={invalid}
        aria-describedby={describedBy}
        autoFocus={autoFocus}
        disabled={disabled}
        placeholder={placeholder}
        onChange={(event) => onChange(event.target.value)}
      />
      <button type="button" className="reveal" aria-pressed={shown} aria-label={shown ? 'Hide passphrase' : 'Show passphrase'} onClick={() => setShown(!shown)} disabled={disabled}>
        {shown ? 'Hide' : 'Show'}
      </button>
    </div>
  );
}

import { useEffect, useState, type ReactElement, type ReactNode } from 'react';
import { formatBaseUnits } from '../../../shared/money.ts';
import { addressGroups } from '../address.ts';
import { Icon } from './Icons.tsx';

/** Copies text: the async clipboard where allowed, else a hidden selection (the desktop app denies web permissions). */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // fall back below
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.className = 'offscreen';
  document.body.append(area);
  area.select();
  let copied: boolean;
  try {
    copied = document.execCommand('copy');
  } catch {
    copied = false;
  }
  area.remove();
  return copied;
}

export function CopyButton({ text, label, compact = false }: { text: string; label: string; compact?: boolean }): ReactElement {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = window.setTimeout(() => setState('idle'), 2_000);
    return () => window.clearTimeout(timer);
  }, [state]);
  const text_ = state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : 'Copy';
  return (
    <button
      type="button"
      className={`button ${compact ? 'icon-button' : 'small-button'}`}
      aria-label={label}
      title={compact ? `${label}: ${text_}` : label}
      onClick={() => void copyText(text).then((ok) => setState(ok ? 'copied' : 'failed'))}
    >
      {state === 'copied' ? <Icon.check /> : <Icon.copy />}
      {compact ? (state === 'idle' ? null : <span className="copy-feedback">{text_}</span>) : text_}
    </button>
  );
}

/** A checksummed address in groups of four, monospace; copying the selection gives the address unchanged. */
export function AddressText({ address, className }: { address: string; className?: string }): ReactElement {
  return (
    <span className={`address mono${className ? ` ${className}` : ''}`} title={address} data-address={address}>
      {addressGroups(address).map((group, index) => (
        <span key={index}>{group}</span>
      ))}
    </span>
  );
}

/** An exact amount: base units formatted by the asset's decimals, with its symbol. */
export function Amount({ value, decimals, symbol, className }: { value: bigint; decimals: number; symbol: string; className?: string }): ReactElement {
  return (
    <span className={`amount${className ? ` ${className}` : ''}`}>
      {formatBaseUnits(value, decimals)}
      <span className="unit"> {symbol}</span>
    </span>
  );
}

export function Callout({
  tone,
  title,
  children,
  icon,
  onDismiss,
}: {
  tone: 'warn' | 'danger' | 'info' | 'ok';
  title?: string;
  children: ReactNode;
  icon?: ReactNode;
  onDismiss?: () => void;
}): ReactElement {
  return (
    <div className={`callout callout-${tone}`} role={tone === 'danger' || tone === 'warn' ? 'note' : undefined}>
      <span className="callout-icon">{icon ?? (tone === 'ok' ? <Icon.check size={18} /> : tone === 'info' ? <Icon.shield /> : <Icon.alert />)}</span>
      <div>
        {title && <strong className="callout-title">{title}</strong>}
        <div className="callout-body">{children}</div>
      </div>
      {onDismiss && (
        <button type="button" className="button small-button callout-dismiss" onClick={onDismiss}>
          Dismiss
        </button>
      )}
    </div>
  );
}

/** The recovery phrase, numbered, in reading order (row by row). Never copyable with one click: it belongs on paper. */
export function PhraseGrid({ words }: { words: readonly string[] }): ReactElement {
  return (
    <ol className="phrase-grid" aria-label="Recovery phrase" data-testid="phrase-grid">
      {words.map((word, index) => (
        <li key={index}>
          <span className="phrase-index">{index + 1}</span>
          <span className="phrase-word" data-testid="phrase-word">
            {word}
          </span>
        </li>
      ))}
    </ol>
  );
}

/** Splits a phrase as the node returned it: words separated by whitespace. */
export function phraseWords(phrase: string): string[] {
  return phrase.trim().split(/\s+/u);
}

import { useState, type FormEvent, type ReactElement } from 'react';
import type { Settings } from '../../../../shared/settings.ts';
import type { ChainPreset } from '../../../../shared/wallet.ts';
import { parseDecimalAmount, toDecimalInput } from '../../money-input.ts';
import { useWalletStore } from '../../stores/wallet.ts';
import { checkNetworkDraft, type NetworkDraft } from './network-draft.ts';
import { SaveMessage, useSave } from './save.tsx';

export const chainLabels: Record<ChainPreset, string> = {
  local: 'Hearth local — built-in test chain',
  base: 'Base',
  'base-sepolia': 'Base Sepolia (testnet)',
  arbitrum: 'Arbitrum One',
  'arbitrum-sepolia': 'Arbitrum Sepolia (testnet)',
  polygon: 'Polygon PoS',
  'polygon-amoy': 'Polygon Amoy (testnet)',
  custom: 'Custom — your own RPC and chain ID',
};
const chainOrder: ChainPreset[] = ['local', 'base', 'base-sepolia', 'arbitrum', 'arbitrum-sepolia', 'polygon', 'polygon-amoy', 'custom'];
const testnets = new Set<ChainPreset>(['base-sepolia', 'arbitrum-sepolia', 'polygon-amoy']);

function draftOf(settings: Settings): NetworkDraft {
  return { chain: settings.chain, rpcUrl: settings.rpcUrl ?? '', chainId: settings.customChainId === null ? '' : String(settings.customChainId) };
}

export function NetworkFields({ settings }: { settings: Settings }): ReactElement {
  const [draft, setDraft] = useState<NetworkDraft>(() => draftOf(settings));
  const [stored, setStored] = useState(() => draftOf(settings));
  const [state, save] = useSave();
  const current = draftOf(settings);
  // Changed elsewhere (another window, the API): the stored values replace the draft.
  if (JSON.stringify(current) !== JSON.stringify(stored)) {
    setStored(current);
    setDraft(current);
  }
  const check = checkNetworkDraft(draft);
  const dirty =
    draft.chain !== settings.chain ||
    (draft.rpcUrl.trim() || null) !== settings.rpcUrl ||
    (draft.chain === 'custom' && draft.chainId.trim() !== (settings.customChainId === null ? '' : String(settings.customChainId)));
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (dirty && check.patch) void save(check.patch);
  };
  const update = (patch: Partial<NetworkDraft>): void => setDraft({ ...draft, ...patch });

  return (
    <form className="field" onSubmit={submit} aria-label="Payment chain" noValidate>
      <label htmlFor="chain">Chain</label>
      <p className="muted small">The chain your wallet is paid on and withdraws from. Your address is the same on every chain; money stays on the chain it was sent on.</p>
      <select id="chain" value={draft.chain} onChange={(event) => update({ chain: event.target.value as ChainPreset })}>
        {chainOrder.map((preset) => (
          <option key={preset} value={preset}>
            {chainLabels[preset]}
          </option>
        ))}
      </select>
      {draft.chain === 'local' && (
        <p className="muted small">Runs inside Hearth with test tokens and free gas: for trying things out. Nothing on it is real money.</p>
      )}
      {testnets.has(draft.chain) && <p className="muted small">A public test network: its tokens have no value.</p>}
      {draft.chain !== 'local' && (
        <div className="subfield">
          <label htmlFor="rpc-url">RPC URL{draft.chain === 'custom' ? '' : ' (optional)'}</label>
          <input
            id="rpc-url"
            type="text"
            className="mono input-wide"
            value={draft.rpcUrl}
            placeholder={draft.chain === 'custom' ? 'https://…' : `Empty: ${chainLabels[draft.chain]}'s public endpoint`}
            maxLength={2100}
            spellCheck={false}
            autoComplete="off"
            aria-invalid={check.rpcUrl !== undefined}
            aria-describedby="rpc-url-help"
            onChange={(event) => update({ rpcUrl: event.target.value })}
          />
          <p id="rpc-url-help" className={check.rpcUrl ? 'field-error' : check.rpcWarning ? 'field-warn' : 'muted small'}>
            {check.rpcUrl ??
              check.rpcWarning ??
              'Your own endpoint (for example from your RPC provider) is faster and more private than the public one. Only its host is shown in the app, since URLs often carry an API key.'}
          </p>
        </div>
      )}
      {draft.chain === 'custom' && (
        <div className="subfield">
          <label htmlFor="chain-id">Chain ID</label>
          <input
            id="chain-id"
            type="text"
            inputMode="numeric"
            className="mono input-narrow"
            value={draft.chainId}
            maxLength={20}
            autoComplete="off"
            aria-invalid={check.chainId !== undefined}
            aria-describedby="chain-id-help"
            onChange={(event) => update({ chainId: event.target.value })}
          />
          <p id="chain-id-help" className={check.chainId ? 'field-error' : 'muted small'}>
            {check.chainId ?? "The chain's number, as its documentation lists it (Base is 8453, Arbitrum One 42161)."}
          </p>
        </div>
      )}
      <div className="field-row">
        <button className="button primary" type="submit" disabled={!dirty || check.patch === undefined || state.kind === 'saving'}>
          Save chain
        </button>
        {dirty && (
          <button className="button" type="button" onClick={() => setDraft(current)}>
            Discard
          </button>
        )}
      </div>
      {dirty && check.patch && <p className="muted small">Saving reconnects the wallet to the new chain; transactions on the old one are kept.</p>}
      <SaveMessage state={state} />
    </form>
  );
}

export function AutoClaimField({ settings }: { settings: Settings }): ReactElement {
  const [state, save] = useSave();
  return (
    <div className="field field-inline">
      <div>
        <label htmlFor="auto-claim">Claim automatically</label>
        <p className="muted small">
          Claim your earnings from the escrow by itself once they reach the amount below (while the wallet is unlocked). Whatever this says, Hearth
          claims before a payer's announced withdrawal.
        </p>
        <SaveMessage state={state} />
      </div>
      <input
        id="auto-claim"
        type="checkbox"
        role="switch"
        className="switch"
        checked={settings.autoClaim}
        disabled={state.kind === 'saving'}
        onChange={(event) => void save({ autoClaim: event.target.checked })}
      />
    </div>
  );
}

/** The threshold is typed in token units and stored in base units: converted exactly, by the token's decimals. */
export function AutoClaimThresholdField({ settings }: { settings: Settings }): ReactElement {
  const token = useWalletStore((state) => state.status?.network?.token ?? null);
  const decimals = token?.decimals ?? 6;
  const symbol = token?.symbol ?? 'tokens';
  const shown = toDecimalInput(BigInt(settings.autoClaimThreshold), decimals);
  const [value, setValue] = useState(shown);
  const [stored, setStored] = useState(shown);
  const [state, save] = useSave();
  if (shown !== stored) {
    setStored(shown);
    setValue(shown);
  }
  const parsed = parseDecimalAmount(value, decimals, symbol);
  const problem =
    parsed.kind === 'error'
      ? parsed.message
      : parsed.kind === 'empty'
        ? 'Enter an amount.'
        : parsed.value === 0n
          ? 'The amount must be more than zero (turn automatic claims off instead).'
          : undefined;
  const baseUnits = parsed.kind === 'ok' ? parsed.value.toString() : undefined;
  const dirty = baseUnits !== undefined ? baseUnits !== settings.autoClaimThreshold : value !== shown;
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (dirty && problem === undefined && baseUnits !== undefined) void save({ autoClaimThreshold: baseUnits });
  };
  return (
    <form className="field" onSubmit={submit} aria-label="Auto-claim threshold">
      <label htmlFor="auto-claim-threshold">Claim when unclaimed earnings reach</label>
      <p className="muted small">
        Each claim costs a network fee, so claiming larger amounts less often keeps more of what you earn.
        {token ? '' : ' The payment token is not known yet on this chain; 6 decimal places are assumed (like USDC).'}
      </p>
      <div className="field-row">
        <div className="input-unit">
          <input
            id="auto-claim-threshold"
            type="text"
            inputMode="decimal"
            className="mono"
            value={value}
            maxLength={90}
            autoComplete="off"
            aria-invalid={problem !== undefined && value !== shown}
            onChange={(event) => setValue(event.target.value)}
          />
          <span className="unit">{symbol}</span>
        </div>
        <button className="button primary" type="submit" disabled={!dirty || problem !== undefined || state.kind === 'saving'}>
          Save amount
        </button>
      </div>
      {problem && value !== shown ? <p className="field-error">{problem}</p> : <SaveMessage state={state} />}
      {!settings.autoClaim && <p className="muted small">Automatic claims are off: this amount applies when you turn them on.</p>}
    </form>
  );
}

import { useState, type FormEvent, type ReactElement } from 'react';
import { ApiError } from '../../../../shared/api.ts';
import type { Limits as LimitsShape } from '../../../../shared/limits.ts';
import type { PolicyStatus } from '../../../../shared/policy.ts';
import { Card, PageHeader } from '../../components/Layout.tsx';
import { policyHeadline, PolicyReasons } from '../../components/Policy.tsx';
import { Callout } from '../../components/Wallet.tsx';
import { describeError } from '../../errors.ts';
import { formatWhen } from '../../format.ts';
import { useClient, useNow } from '../../hooks.ts';
import { usePolicyStore } from '../../stores/policy.ts';
import { useWalletStore } from '../../stores/wallet.ts';
import { checkDraft, draftOf, draftText, fieldIds, mibToGibText, repriceDraft, sameLimits, serverErrors, type FieldErrors, type LimitsDraft } from './draft.ts';
import { FieldErrorList, SwitchField, TextField } from './fields.tsx';
import { GamingCard } from './Gaming.tsx';
import { ScheduleCard } from './Schedule.tsx';

const SUBTITLE = 'When Hearth may use this computer, and how much of it. Hearth runs only when no limit says otherwise.';

/** Until the wallet's chain names its token, amounts are read with 6 decimals (like USDC), and the page says so. */
const FALLBACK_DECIMALS = 6;

export function Limits(): ReactElement {
  const stored = usePolicyStore((state) => state.limits);
  const policy = usePolicyStore((state) => state.policy);
  return (
    <>
      <PageHeader title="Limits" subtitle={SUBTITLE} />
      <DecisionCard policy={policy} />
      {stored ? (
        <LimitsForm stored={stored} policy={policy} />
      ) : (
        <Card>
          <p className="muted">Reading your limits…</p>
        </Card>
      )}
    </>
  );
}

/** What the engine decided right now, and why — the effect of the limits below. */
function DecisionCard({ policy }: { policy: PolicyStatus | undefined }): ReactElement {
  const now = useNow(15_000);
  if (!policy) {
    return (
      <Card className="decision-card">
        <p className="muted">Asking your node what it may do right now…</p>
      </Card>
    );
  }
  const running = policy.action === 'run';
  const { budget } = policy;
  return (
    <Card className="decision-card">
      <div className="decision-head">
        <span className={`badge badge-large ${running ? 'badge-running' : 'badge-paused'}`} data-testid="policy-action">
          <span className="badge-dot" />
          {running ? 'Running' : 'Paused'}
        </span>
        <p className="decision-headline" data-testid="policy-headline">
          {policyHeadline(policy)}
        </p>
      </div>
      <PolicyReasons policy={policy} testId="limits-policy-reasons" />
      <p className="muted small decision-foot">
        {running
          ? `Worker budget now: ${budget.threads} ${budget.threads === 1 ? 'thread' : 'threads'} · up to ${budget.cpuPercent} % of the CPU · ${
              budget.gpu.enabled ? (budget.gpu.deviceIndex === null ? 'the best GPU' : `GPU ${budget.gpu.deviceIndex}`) : 'no GPU'
            }${budget.ramCapMiB === null ? '' : ` · RAM up to ${mibToGibText(budget.ramCapMiB)} GiB`}`
          : 'While paused, the worker unloads its models and releases memory.'}
        {policy.nextCheckAt !== null && ` · the clock changes this at ${formatWhen(policy.nextCheckAt, now)} at the latest`}
      </p>
    </Card>
  );
}

type SaveState = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved' } | { kind: 'error'; message: string };

function LimitsForm({ stored, policy }: { stored: LimitsShape; policy: PolicyStatus | undefined }): ReactElement {
  const client = useClient();
  const token = useWalletStore((state) => state.status?.network?.token ?? null);
  const decimals = token?.decimals ?? FALLBACK_DECIMALS;
  const symbol = token?.symbol ?? 'tokens';

  /** The stored limits the draft was made from (or last saved). */
  const [base, setBase] = useState(stored);
  const [draft, setDraft] = useState<LimitsDraft>(() => draftOf(stored, decimals));
  const [draftDecimals, setDraftDecimals] = useState(decimals);
  /** Limits saved elsewhere while this draft had changes: offered, never forced over the user's edits. */
  const [elsewhere, setElsewhere] = useState<LimitsShape | undefined>();
  const [attempted, setAttempted] = useState(false);
  const [save, setSave] = useState<SaveState>({ kind: 'idle' });
  /** The node's own answer to the draft it was sent: shown while that draft is unchanged. */
  const [rejected, setRejected] = useState<{ draft: LimitsDraft; errors: FieldErrors } | undefined>();

  const dirty = draftText(draft) !== draftText(draftOf(base, decimals));
  // The token became known (or changed): the same base units, written in its decimals.
  if (decimals !== draftDecimals) {
    setDraftDecimals(decimals);
    setDraft(repriceDraft(draft, draftDecimals, decimals));
  }
  // Saved elsewhere (another window, the tray, the API).
  if (!sameLimits(stored, base) && !(elsewhere && sameLimits(stored, elsewhere))) {
    if (dirty) setElsewhere(stored);
    else {
      setBase(stored);
      setDraft(draftOf(stored, decimals));
    }
  }

  const check = checkDraft(draft, decimals, symbol);
  const serverSide = rejected && rejected.draft === draft ? rejected.errors : undefined;
  const errors: FieldErrors = serverSide ? merge(check.errors, serverSide) : check.errors;
  const problems = [...errors.values()].reduce((sum, list) => sum + list.length, 0);

  const update = (change: (d: LimitsDraft) => LimitsDraft): void => {
    setDraft((current) => change(current));
    if (save.kind !== 'saving') setSave({ kind: 'idle' });
  };

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setAttempted(true);
    if (save.kind === 'saving') return;
    if (!check.limits) {
      setSave({ kind: 'error', message: `Nothing saved: fix the ${problems === 1 ? 'problem' : `${problems} problems`} marked above.` });
      document.querySelector<HTMLElement>('.limits-form [aria-invalid="true"]')?.focus();
      return;
    }
    const sent = draft;
    setSave({ kind: 'saving' });
    try {
      const saved = await client.call('limits.update', check.limits);
      setBase(saved);
      setElsewhere(undefined);
      setRejected(undefined);
      setAttempted(false);
      setDraft(draftOf(saved, decimals));
      usePolicyStore.getState().setLimits(saved);
      setSave({ kind: 'saved' });
    } catch (error) {
      // The draft stays as typed: nothing the user entered is lost.
      if (error instanceof ApiError && error.code === 'invalid_input' && error.issues && error.issues.length > 0) {
        setRejected({ draft: sent, errors: serverErrors(error.issues, sent) });
        setSave({ kind: 'error', message: 'Nothing saved: your node found the problems marked above.' });
      } else {
        setSave({ kind: 'error', message: `Nothing saved: ${describeError(error)}` });
      }
    }
  };

  const discard = (): void => {
    const latest = elsewhere ?? base;
    setBase(latest);
    setElsewhere(undefined);
    setDraft(draftOf(latest, decimals));
    setRejected(undefined);
    setAttempted(false);
    setSave({ kind: 'idle' });
  };

  const systemZone = stored.schedule.timeZone === 'system' ? policy?.timeZone : undefined;

  return (
    <form className="limits-form stack" onSubmit={(event) => void submit(event)} noValidate aria-label="Contribution limits">
      {elsewhere && (
        <Callout tone="warn" title="These limits were changed elsewhere while you edited them">
          <p>Save to replace them with yours, or discard your changes to see them.</p>
        </Callout>
      )}
      <ScheduleCard draft={draft} update={update} errors={errors} systemZone={systemZone} />
      <GamingCard draft={draft} update={update} errors={errors} attempted={attempted} />
      <Card title="Only when I'm away" className="limits-card">
        <SwitchField
          id="idle-enabled"
          label="Idle-only mode"
          help="Run only after this long without keyboard or mouse input; stop the moment you are back. A locked screen counts as away."
          checked={draft.idleOnly.enabled}
          onChange={(enabled) => update((d) => ({ ...d, idleOnly: { ...d.idleOnly, enabled } }))}
        />
        <TextField
          id="idle-minutes"
          label="Wait after the last input"
          value={draft.idleOnly.minutes}
          onChange={(minutes) => update((d) => ({ ...d, idleOnly: { ...d.idleOnly, minutes } }))}
          unit="min"
          inputMode="numeric"
          errors={errors}
          field={fieldIds.idleMinutes}
          dimmed={!draft.idleOnly.enabled}
          help="1 to 240 minutes."
        />
      </Card>
      <Card title="How much of the machine" className="limits-card">
        <div className="limit-grid">
          <TextField
            id="cpu-percent"
            label="CPU share"
            value={draft.maxPercent}
            onChange={(maxPercent) => update((d) => ({ ...d, maxPercent }))}
            unit="%"
            inputMode="numeric"
            errors={errors}
            field={fieldIds.maxPercent}
            help="Of the whole machine's CPU time, 10 to 100 %."
          />
          <TextField
            id="cpu-threads"
            label="Threads"
            value={draft.maxThreads}
            onChange={(maxThreads) => update((d) => ({ ...d, maxThreads }))}
            unit="threads"
            placeholder="All but one"
            inputMode="numeric"
            errors={errors}
            field={fieldIds.maxThreads}
            help="Empty: all cores but one. Never more than the share above keeps busy."
          />
        </div>
        <SwitchField
          id="gpu-enabled"
          label="Use the GPU"
          help="Off: Hearth computes on the CPU only, and your GPU stays yours."
          checked={draft.gpu.enabled}
          onChange={(enabled) => update((d) => ({ ...d, gpu: { ...d.gpu, enabled } }))}
        />
        <div className="limit-grid">
          <TextField
            id="gpu-device"
            label="Which GPU"
            value={draft.gpu.deviceIndex}
            onChange={(deviceIndex) => update((d) => ({ ...d, gpu: { ...d.gpu, deviceIndex } }))}
            placeholder="Best found"
            inputMode="numeric"
            errors={errors}
            field={fieldIds.deviceIndex}
            dimmed={!draft.gpu.enabled}
            help="Empty: the best one found. Otherwise its number, counted from 0 as the driver lists them."
          />
          <TextField
            id="vram-cap"
            label="VRAM cap"
            value={draft.vramCapGiB}
            onChange={(vramCapGiB) => update((d) => ({ ...d, vramCapGiB }))}
            unit="GiB"
            placeholder="No cap"
            errors={errors}
            field={fieldIds.vramCap}
            dimmed={!draft.gpu.enabled}
            help="Kept with your limits, but not enforced yet: ONNX Runtime for Node gives the GPU providers no memory limit. Hearth says so on the Overview when a GPU is in use."
          />
          <TextField
            id="ram-cap"
            label="RAM cap"
            value={draft.ramCapGiB}
            onChange={(ramCapGiB) => update((d) => ({ ...d, ramCapGiB }))}
            unit="GiB"
            placeholder="Half the RAM"
            errors={errors}
            field={fieldIds.ramCap}
            help="Empty: half of this computer's memory. At least 1 GiB."
          />
          <TextField
            id="disk-quota"
            label="Disk space for models"
            value={draft.modelDiskQuotaGiB}
            onChange={(modelDiskQuotaGiB) => update((d) => ({ ...d, modelDiskQuotaGiB }))}
            unit="GiB"
            errors={errors}
            field={fieldIds.diskQuota}
            help="Downloaded models are kept within this; the least used go first."
          />
        </div>
      </Card>
      <Card title="Power and heat" className="limits-card">
        <div className="field">
          <span className="label" id="battery-label">
            On battery
          </span>
          <p className="muted small">Where the computer tells whether it runs on battery.</p>
          <div className="segmented" role="radiogroup" aria-labelledby="battery-label">
            {(
              [
                ['pause', 'Pause'],
                ['continue', 'Keep running'],
              ] as const
            ).map(([value, label]) => (
              <button
                key={value}
                type="button"
                role="radio"
                aria-checked={draft.onBattery === value}
                className={draft.onBattery === value ? 'selected' : undefined}
                onClick={() => update((d) => ({ ...d, onBattery: value }))}
              >
                {label}
              </button>
            ))}
          </div>
          <FieldErrorList errors={errors} field={fieldIds.onBattery} />
        </div>
        <SwitchField
          id="thermal-enabled"
          label="Temperature limit"
          help="Pause while the CPU or GPU is hotter than this, and resume 5 °C below it — where a sensor is readable."
          checked={draft.thermal.enabled}
          onChange={(enabled) => update((d) => ({ ...d, thermal: { ...d.thermal, enabled } }))}
        />
        <TextField
          id="thermal-max"
          label="At most"
          value={draft.thermal.maxCelsius}
          onChange={(maxCelsius) => update((d) => ({ ...d, thermal: { ...d.thermal, maxCelsius } }))}
          unit="°C"
          inputMode="numeric"
          errors={errors}
          field={fieldIds.maxCelsius}
          dimmed={!draft.thermal.enabled}
          help="50 to 110 °C."
        />
      </Card>
      <Card title="Time and price" className="limits-card">
        <div className="limit-grid">
          <TextField
            id="daily-cap"
            label="Daily cap"
            value={draft.dailyHoursCap}
            onChange={(dailyHoursCap) => update((d) => ({ ...d, dailyHoursCap }))}
            unit="h / day"
            placeholder="No cap"
            errors={errors}
            field={fieldIds.dailyHoursCap}
            help="Hours of work per day (in the schedule's time zone). Empty: no cap."
          />
          <TextField
            id="min-price"
            label="Minimum price per hour"
            value={draft.minPrice}
            onChange={(minPrice) => update((d) => ({ ...d, minPrice }))}
            unit={`${symbol} / h`}
            placeholder="Any price"
            errors={errors}
            field={fieldIds.minPrice}
            width="medium"
            help={`Jobs paying less are declined. Empty: any price.${token ? '' : ` The payment token is not known yet; ${FALLBACK_DECIMALS} decimal places are assumed (like USDC).`}`}
          />
        </div>
      </Card>
      <div className={`save-bar${dirty ? ' is-dirty' : ''}`} role="region" aria-label="Save limits">
        <div className="save-bar-text">
          {save.kind === 'saved' && !dirty ? (
            <p className="field-ok" role="status">
              Saved — the node decides with the new limits.
            </p>
          ) : save.kind === 'error' ? (
            <p className="field-error" role="alert">
              {save.message}
            </p>
          ) : dirty ? (
            <p className="muted">{problems > 0 ? `Unsaved changes · ${problems === 1 ? '1 problem' : `${problems} problems`} to fix` : 'Unsaved changes'}</p>
          ) : (
            <p className="muted">No changes.</p>
          )}
          <FieldErrorList errors={errors} field={fieldIds.general} />
        </div>
        <div className="save-bar-actions">
          <button type="button" className="button" onClick={discard} disabled={(!dirty && !elsewhere) || save.kind === 'saving'}>
            Discard changes
          </button>
          <button type="submit" className="button primary" disabled={!dirty || save.kind === 'saving'}>
            {save.kind === 'saving' ? 'Saving…' : 'Save limits'}
          </button>
        </div>
      </div>
    </form>
  );
}

function merge(a: FieldErrors, b: FieldErrors): FieldErrors {
  const merged = new Map<string, string[]>();
  for (const source of [a, b]) {
    for (const [field, list] of source) merged.set(field, [...new Set([...(merged.get(field) ?? []), ...list])]);
  }
  return merged;
}

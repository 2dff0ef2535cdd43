import { useState, type FormEvent, type ReactElement } from 'react';
import { nodeNameSchema, type Settings as SettingsShape } from '../../../shared/settings.ts';
import { Card, PageHeader } from '../components/Layout.tsx';
import { SaveMessage, useSave } from './settings/save.tsx';
import { NetworkFields, AutoClaimField, AutoClaimThresholdField } from './settings/Payments.tsx';
import { NetworkSection } from './settings/Network.tsx';
import { useNodeStore } from '../stores/node.ts';

export function Settings(): ReactElement {
  const settings = useNodeStore((state) => state.settings);
  return (
    <>
      <PageHeader title="Settings" subtitle="Stored on this machine; changes apply at once." />
      {settings ? (
        <>
          <Card title="This node">
            <NodeNameField settings={settings} />
            <StartPausedField settings={settings} />
          </Card>
          <NetworkSection settings={settings} />
          <Card title="Payments">
            <NetworkFields settings={settings} />
            <AutoClaimField settings={settings} />
            <AutoClaimThresholdField settings={settings} />
          </Card>
          <Card title="Appearance">
            <ThemeField settings={settings} />
          </Card>
        </>
      ) : (
        <Card>
          <p className="muted">Loading settings…</p>
        </Card>
      )}
    </>
  );
}

function NodeNameField({ settings }: { settings: SettingsShape }): ReactElement {
  const [value, setValue] = useState(settings.nodeName);
  const [stored, setStored] = useState(settings.nodeName);
  const [state, save] = useSave();
  // A name changed elsewhere (another window, the API) replaces the draft.
  if (settings.nodeName !== stored) {
    setStored(settings.nodeName);
    setValue(settings.nodeName);
  }

  const local = nodeNameSchema.safeParse(value);
  const problem = local.success ? undefined : local.error.issues[0]?.message;
  const dirty = value.trim() !== settings.nodeName;
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (dirty && !problem) void save({ nodeName: value });
  };

  return (
    <form className="field" onSubmit={submit}>
      <label htmlFor="node-name">Node name</label>
      <p className="muted small">Shown here and announced to the network you join.</p>
      <div className="field-row">
        <input
          id="node-name"
          value={value}
          maxLength={80}
          autoComplete="off"
          aria-invalid={problem !== undefined}
          onChange={(event) => setValue(event.target.value)}
        />
        <button className="button primary" type="submit" disabled={!dirty || problem !== undefined || state.kind === 'saving'}>
          Save
        </button>
      </div>
      {problem && dirty ? <p className="field-error">Name {problem}.</p> : <SaveMessage state={state} />}
    </form>
  );
}

function StartPausedField({ settings }: { settings: SettingsShape }): ReactElement {
  const [state, save] = useSave();
  return (
    <div className="field field-inline">
      <div>
        <label htmlFor="start-paused">Start paused</label>
        <p className="muted small">When Hearth starts, wait for you to press Resume instead of taking work right away.</p>
        <SaveMessage state={state} />
      </div>
      <input
        id="start-paused"
        type="checkbox"
        role="switch"
        className="switch"
        checked={settings.startPaused}
        disabled={state.kind === 'saving'}
        onChange={(event) => void save({ startPaused: event.target.checked })}
      />
    </div>
  );
}

const themes: { value: SettingsShape['theme']; label: string }[] = [
  { value: 'system', label: 'System' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

function ThemeField({ settings }: { settings: SettingsShape }): ReactElement {
  const [state, save] = useSave();
  return (
    <div className="field">
      <span className="label" id="theme-label">
        Theme
      </span>
      <p className="muted small">System follows your operating system's light or dark mode.</p>
      <div className="segmented" role="radiogroup" aria-labelledby="theme-label">
        {themes.map((theme) => (
          <button
            key={theme.value}
            role="radio"
            aria-checked={settings.theme === theme.value}
            className={settings.theme === theme.value ? 'selected' : undefined}
            onClick={() => void save({ theme: theme.value })}
          >
            {theme.label}
          </button>
        ))}
      </div>
      <SaveMessage state={state} />
    </div>
  );
}

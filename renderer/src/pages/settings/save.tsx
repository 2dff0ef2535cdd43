import { useState, type ReactElement } from 'react';
import { ApiError } from '../../../../shared/api.ts';
import type { SettingsPatch } from '../../../../shared/settings.ts';
import { useClient } from '../../hooks.ts';
import { useNodeStore } from '../../stores/node.ts';

export type SaveState = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved' } | { kind: 'error'; message: string };

export function useSave(): [SaveState, (patch: SettingsPatch) => Promise<boolean>] {
  const client = useClient();
  const [state, setState] = useState<SaveState>({ kind: 'idle' });
  const save = async (patch: SettingsPatch): Promise<boolean> => {
    setState({ kind: 'saving' });
    try {
      useNodeStore.getState().setSettings(await client.call('settings.update', patch));
      setState({ kind: 'saved' });
      return true;
    } catch (error) {
      const message = error instanceof ApiError ? (error.issues?.join('; ') ?? error.message) : String(error);
      setState({ kind: 'error', message });
      return false;
    }
  };
  return [state, save];
}

export function SaveMessage({ state }: { state: SaveState }): ReactElement | null {
  if (state.kind === 'saved') return <p className="field-ok" role="status">Saved</p>;
  if (state.kind === 'error') return <p className="field-error" role="alert">{state.message}</p>;
  return null;
}

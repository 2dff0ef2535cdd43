import { afterEach, describe, expect, it } from 'vitest';
import { clockOnlySignals } from '../../../main/node/policy.ts';
import { ProviderNode } from '../../../main/node/provider-node.ts';
import type { OsSignalsSnapshot, SignalSource } from '../../../main/policy/signals.ts';
import { defaultLimits, type Limits } from '../../../shared/limits.ts';
import type { PolicyStatus } from '../../../shared/policy.ts';
import { tempDir } from '../../helpers/temp.ts';
import { until } from '../../helpers/worker.ts';

/** A machine whose processes the test decides. */
function fakeMachine(): { source: SignalSource; processes: string[]; changed: () => void } {
  let notify = (): void => undefined;
  const state = {
    processes: [] as string[],
    source: {
      read: (): Promise<OsSignalsSnapshot> =>
        Promise.resolve({ ...clockOnlySignals(Date.now()), interactiveSession: false, onBattery: false, processes: [...state.processes], gpuUsers: [] }),
      subscribe: (onChange: () => void) => {
        notify = onChange;
        return () => undefined;
      },
    } satisfies SignalSource,
    changed: () => notify(),
  };
  return state;
}


describe('the node follows its contribution limits', () => {
  let node: ProviderNode | undefined;
  afterEach(() => node?.close());

  it('pauses when a game starts, says which, records it, and pushes the decision', async () => {
    node = ProviderNode.start({ dataDir: tempDir() });
    const machine = fakeMachine();
    const decisions: PolicyStatus[] = [];
    node.on('policy.changed', (status) => decisions.push(status));
    node.attachSignals(machine.source);
    await until(() => node?.policyStatus().reasons.some((r) => r.code === 'ready') === true);
    expect(node.status().state).toBe('running');

    machine.processes.push('/home/me/.steam/steamapps/common/ELDEN RING/Game/eldenring.exe');
    machine.changed();
    await until(() => node?.status().state === 'paused');
    expect(node.status().reason).toBe('Paused: Elden Ring is running (eldenring.exe)');
    expect(node.policyStatus().action).toBe('pause');
    expect(node.policyStatus().reasons[0]).toMatchObject({ code: 'game-running', kind: 'pause' });
    expect(decisions.at(-1)?.action).toBe('pause');
    expect(node.store.policyEvents.recent(1)[0]).toMatchObject({ decision: 'pause', source: 'gaming', reason: 'Paused: Elden Ring is running (eldenring.exe)' });
  });

  it('keeps the limits across a restart, and decides with them at once', () => {
    const dir = tempDir();
    node = ProviderNode.start({ dataDir: dir });
    // One window, two days from now: whatever the time, the node is outside it.
    const day = (['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const)[(new Date().getUTCDay() + 2) % 7] ?? 'mon';
    const limits: Limits = {
      ...defaultLimits,
      schedule: { enabled: true, timeZone: 'UTC', days: { [day]: [{ start: '10:00', end: '11:00' }] } },
    };
    node.updateLimits(limits);
    expect(node.status().state).toBe('paused');
    expect(node.policyStatus().reasons[0]?.code).toBe('outside-schedule');
    node.close();
    node = ProviderNode.start({ dataDir: dir });
    expect(node.limits().schedule.enabled).toBe(true);
    expect(node.status().state).toBe('paused');
  });

  it('a manual pause beats the other limits, and resuming leaves the others in force', async () => {
    node = ProviderNode.start({ dataDir: tempDir() });
    const machine = fakeMachine();
    machine.processes.push('cs2.exe');
    node.attachSignals(machine.source);
    await until(() => node?.status().state === 'paused');
    node.pause();
    expect(node.status().reason).toBe('Paused by you until you resume');
    node.resume();
    expect(node.status()).toMatchObject({ state: 'paused', reason: expect.stringContaining('cs2.exe') as string });
  });

  it('pauses until the start of the next day in the limits’ time zone', () => {
    node = ProviderNode.start({ dataDir: tempDir() });
    node.updateLimits({ ...defaultLimits, schedule: { ...defaultLimits.schedule, timeZone: 'UTC' } });
    const status = node.pause({ until: 'tomorrow' });
    const tomorrow = new Date();
    tomorrow.setUTCHours(24, 0, 0, 0);
    expect(status.pausedUntil).toBe(tomorrow.getTime());
  });
});

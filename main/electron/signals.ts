import { powerMonitor } from 'electron';
import { clockOnlySignals } from '../node/policy.ts';
import type { OsSignalsSnapshot, SignalSource } from '../policy/signals.ts';
import { createLinuxSignalSource } from '../policy/sources/linux.ts';

/**
 * The desktop app's OS signals: Electron's powerMonitor for what the user is
 * doing (idle time, screen lock, battery) — on every OS — over the Linux
 * source (processes, temperatures, GPU users) where there is one. On Windows
 * and macOS the process list, fullscreen app, GPU users and temperatures are
 * 'unknown' for now, and the Limits page says so.
 */
export function electronSignalSource(ownPids: () => number[]): SignalSource {
  const base: SignalSource =
    process.platform === 'linux' ? createLinuxSignalSource({ ownPids, session: false }) : { read: () => Promise.resolve(clockOnlySignals(Date.now())) };
  let screenLocked = false;
  powerMonitor.on('lock-screen', () => (screenLocked = true));
  powerMonitor.on('unlock-screen', () => (screenLocked = false));
  return {
    async read(): Promise<OsSignalsSnapshot> {
      const snapshot = await base.read();
      return {
        ...snapshot,
        interactiveSession: true,
        screenLocked,
        idleSeconds: powerMonitor.getSystemIdleTime(),
        onBattery: powerMonitor.isOnBatteryPower(),
      };
    },
    subscribe(onChange) {
      const events = ['on-ac', 'on-battery', 'lock-screen', 'unlock-screen', 'resume', 'suspend'] as const;
      for (const event of events) powerMonitor.on(event as 'on-ac', onChange);
      return () => {
        for (const event of events) powerMonitor.off(event as 'on-ac', onChange);
      };
    },
  };
}

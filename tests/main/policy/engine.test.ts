import { describe, expect, it } from 'vitest';
import { defaultLimits, type Limits } from '../../../shared/limits.ts';
import { decide } from '../../../main/policy/engine.ts';
import { decisionSource, isDecisionChange, type ReasonCode } from '../../../main/policy/decision.ts';
import type { OsSignalsSnapshot } from '../../../main/policy/signals.ts';
import { at, freshState, limitsWith, simulate, snapshot } from './simulate.ts';

// Mon 23 Mar 2026 in Berlin is CET (+01:00); the examples read in local time.

describe('policy engine: a calm machine', () => {
  it('runs with the default limits, and says so', () => {
    const decision = decide(defaultLimits, snapshot(), freshState());
    expect(decision.action).toBe('run');
    expect(decision.reasons).toEqual([{ code: 'ready', text: 'Ready to take work' }]);
    expect(decision.nextCheckAt).toBeNull();
    expect(decision.timeZone).toBe('Europe/Berlin');
    expect(decision.budget).toEqual({ threads: 7, cpuPercent: 80, gpu: { enabled: true, deviceIndex: null }, vramCapMiB: null, ramCapMiB: null, modelDiskQuotaMiB: 20480 });
  });

  it('is deterministic: same inputs, same decision', () => {
    const limits = limitsWith({ idleOnly: { enabled: true, minutes: 10 }, dailyHoursCap: 6, schedule: { ...defaultLimits.schedule, enabled: true } });
    const signals = snapshot({ idleSeconds: 100, processes: ['cs2.exe'] });
    const state = freshState({ usage: { day: '2026-03-23', ms: 3_600_000 } });
    expect(decide(limits, signals, state)).toEqual(decide(limits, signals, state));
  });
});

describe('pause while gaming: game start and stop', () => {
  it('pauses the moment a game starts, and resumes a minute after it closes', () => {
    simulate(defaultLimits, [
      { at: '2026-03-23T20:00:00+01:00', action: 'run', code: 'ready' },
      {
        at: '2026-03-23T20:00:01+01:00',
        signals: { processes: ['explorer.exe', 'C:\\Program Files (x86)\\Steam\\steamapps\\common\\ELDEN RING\\Game\\eldenring.exe'] },
        action: 'pause',
        headline: 'Paused: Elden Ring is running (eldenring.exe)',
        nextCheckAt: null,
      },
      { at: '2026-03-23T21:30:00+01:00', action: 'pause', code: 'game-running' },
      {
        at: '2026-03-23T21:30:02+01:00',
        signals: { processes: ['explorer.exe'] },
        action: 'pause',
        headline: 'Paused: Elden Ring just closed — resuming at 21:31',
        nextCheckAt: '2026-03-23T21:31:00+01:00',
      },
      // The game restarts itself during the wait: paused again, the wait starts over.
      { at: '2026-03-23T21:30:20+01:00', signals: { processes: ['eldenring.exe'] }, action: 'pause', code: 'game-running' },
      { at: '2026-03-23T21:30:30+01:00', signals: { processes: [] }, action: 'pause', code: 'game-cooldown', nextCheckAt: '2026-03-23T21:31:20+01:00' },
      { at: '2026-03-23T21:31:20+01:00', action: 'run', code: 'ready' },
    ]);
  });

  it('runs at once when the user takes a still-running program off the list (it did not close: no wait)', () => {
    const limits = limitsWith({ gaming: { programs: defaultLimits.gaming.programs.filter((program) => program !== 'eldenring.exe') } });
    const signals = snapshot({ processes: ['explorer.exe', 'eldenring.exe'] });
    const state = { ...freshState(), memory: { gaming: { code: 'game-running' as const, subject: 'Elden Ring', seenAt: signals.now - 1000 }, thermalTripped: false } };
    expect(decide(limits, signals, state)).toMatchObject({ action: 'run' });
    // Closed for real: the usual wait.
    expect(decide(defaultLimits, snapshot({ processes: ['explorer.exe'] }), state).reasons[0]?.code).toBe('game-cooldown');
  });

  it('names a Linux-native game and a program the user added', () => {
    const limits = limitsWith({ gaming: { programs: [...defaultLimits.gaming.programs, 'MyIndieGame.exe'] } });
    expect(decide(limits, snapshot({ processes: ['bash', 'cs2'] }), freshState()).reasons[0]?.text).toBe('Paused: Counter-Strike 2 is running (cs2)');
    expect(decide(limits, snapshot({ processes: ['myindiegame.exe'] }), freshState()).reasons[0]?.text).toBe('Paused: myindiegame.exe is running');
  });

  it('pauses for another program computing on the GPU, but not for its own worker', () => {
    const state = freshState({ ownPids: [4242] });
    expect(decide(defaultLimits, snapshot({ gpuUsers: [{ pid: 4242, name: 'node' }] }), state).action).toBe('run');
    const busy = decide(defaultLimits, snapshot({ gpuUsers: [{ pid: 4242, name: 'node' }, { pid: 77, name: 'blender.exe' }] }), state);
    expect(busy.reasons[0]).toEqual({ code: 'gpu-busy', text: 'Paused: blender.exe is using the GPU' });
  });

  it('pauses for a fullscreen app', () => {
    expect(decide(defaultLimits, snapshot({ fullscreenApp: { name: 'vlc.exe' } }), freshState()).reasons[0]).toEqual({ code: 'fullscreen', text: 'Paused: vlc.exe is fullscreen' });
    expect(decide(defaultLimits, snapshot({ fullscreenApp: { name: 'RocketLeague.exe' } }), freshState()).reasons[0]?.text).toBe('Paused: Rocket League is fullscreen (RocketLeague.exe)');
  });

  it('ignores games, fullscreen and GPU users when pause-while-gaming is off', () => {
    const limits = limitsWith({ gaming: { enabled: false } });
    const decision = decide(limits, snapshot({ processes: ['eldenring.exe'], fullscreenApp: { name: 'x' }, gpuUsers: [{ pid: 1, name: 'y' }] }), freshState());
    expect(decision.action).toBe('run');
  });

  it('a clock set back does not stretch the wait after a game', () => {
    const decisions = simulate(defaultLimits, [
      { at: '2026-03-23T20:00:00+01:00', signals: { processes: ['eldenring.exe'] }, action: 'pause', code: 'game-running' },
      { at: '2026-03-23T19:00:00+01:00', signals: { processes: [] }, action: 'pause', code: 'game-cooldown', nextCheckAt: '2026-03-23T19:01:00+01:00' },
      { at: '2026-03-23T19:00:30+01:00', action: 'pause', code: 'game-cooldown', nextCheckAt: '2026-03-23T19:01:00+01:00' },
      { at: '2026-03-23T19:01:00+01:00', action: 'run' },
    ]);
    expect(decisions.at(-1)?.memory.gaming).toBeNull();
  });
});

describe('idle-only mode: thresholds', () => {
  const limits = limitsWith({ idleOnly: { enabled: true, minutes: 10 } });

  it('waits for ten idle minutes and stops on input', () => {
    simulate(limits, [
      {
        at: '2026-03-23T14:00:00+01:00',
        signals: { idleSeconds: 185 },
        action: 'pause',
        headline: 'Paused: you are using the computer (idle-only mode: 3 of 10 minutes idle)',
        nextCheckAt: '2026-03-23T14:06:55+01:00',
      },
      { at: '2026-03-23T14:06:54+01:00', signals: { idleSeconds: 599 }, action: 'pause', code: 'user-active', nextCheckAt: '2026-03-23T14:06:55+01:00' },
      { at: '2026-03-23T14:06:55+01:00', signals: { idleSeconds: 600 }, action: 'run', code: 'ready' },
      { at: '2026-03-23T14:30:00+01:00', signals: { idleSeconds: 0 }, action: 'pause', code: 'user-active', nextCheckAt: '2026-03-23T14:40:00+01:00' },
    ]);
  });

  it('counts a locked screen as idle', () => {
    const decision = decide(limits, snapshot({ idleSeconds: 30, screenLocked: true }), freshState());
    expect(decision.action).toBe('run');
    expect(decision.reasons).toContainEqual({ code: 'screen-locked', text: 'Screen locked: counts as idle' });
  });
});

describe('battery and thermal', () => {
  it('pauses on battery by default, runs when told to continue', () => {
    simulate(defaultLimits, [
      { at: '2026-03-23T10:00:00+01:00', action: 'run' },
      { at: '2026-03-23T10:05:00+01:00', signals: { onBattery: true }, action: 'pause', headline: 'Paused: on battery', nextCheckAt: null },
      { at: '2026-03-23T10:20:00+01:00', signals: { onBattery: false }, action: 'run' },
    ]);
    const decision = decide(limitsWith({ onBattery: 'continue' }), snapshot({ onBattery: true }), freshState());
    expect(decision.action).toBe('run');
    expect(decision.reasons.map((r) => r.code)).toContain('on-battery-allowed');
  });

  it('pauses above the limit and resumes 5 °C under it', () => {
    const limits = limitsWith({ thermal: { enabled: true, maxCelsius: 85 } });
    simulate(limits, [
      { at: '2026-03-23T10:00:00+01:00', signals: { temperatures: { cpu: 85, gpu: 70 } }, action: 'run' },
      { at: '2026-03-23T10:00:05+01:00', signals: { temperatures: { cpu: 92.4, gpu: 70 } }, action: 'pause', headline: 'Paused: CPU at 92 °C (limit 85 °C)' },
      { at: '2026-03-23T10:00:10+01:00', signals: { temperatures: { cpu: 83, gpu: 88 } }, action: 'pause', headline: 'Paused: GPU at 88 °C (limit 85 °C)' },
      { at: '2026-03-23T10:00:15+01:00', signals: { temperatures: { cpu: 83, gpu: 81 } }, action: 'pause', headline: 'Paused: CPU cooling down (83 °C; resumes at 80 °C)' },
      { at: '2026-03-23T10:00:20+01:00', signals: { temperatures: { cpu: 80, gpu: 79 } }, action: 'run' },
      // Back under the limit without a trip: no hysteresis.
      { at: '2026-03-23T10:00:25+01:00', signals: { temperatures: { cpu: 84, gpu: 79 } }, action: 'run' },
    ]);
  });

  it('checks the GPU only when Hearth may use it', () => {
    const limits = limitsWith({ gpu: { enabled: false }, thermal: { enabled: true, maxCelsius: 85 } });
    const decision = decide(limits, snapshot({ temperatures: { cpu: 60, gpu: 95 } }), freshState());
    expect(decision.action).toBe('run');
    expect(decision.budget.gpu.enabled).toBe(false);
  });
});

describe('manual pause: expiry', () => {
  it('lasts until its end, then the other limits decide', () => {
    const until = at('2026-03-23T14:30:00+01:00');
    simulate(defaultLimits, [
      { at: '2026-03-23T14:00:00+01:00', state: { manualPause: { since: at('2026-03-23T14:00:00+01:00'), until } }, action: 'pause', headline: 'Paused by you until 14:30', nextCheckAt: '2026-03-23T14:30:00+01:00' },
      { at: '2026-03-23T14:29:59+01:00', action: 'pause', code: 'manual-pause' },
      { at: '2026-03-23T14:30:00+01:00', action: 'run', code: 'ready', nextCheckAt: null },
    ]);
  });

  it('names the day of a pause ending more than a day away, and pauses without end until resumed', () => {
    const now = at('2026-03-23T14:00:00+01:00');
    const long = decide(defaultLimits, snapshot({ now }), freshState({ manualPause: { since: now, until: at('2026-03-25T09:00:00+01:00') } }));
    expect(long.reasons[0]?.text).toBe('Paused by you until Wed 09:00');
    const open = decide(defaultLimits, snapshot({ now }), freshState({ manualPause: { since: now, until: null } }));
    expect(open.reasons[0]).toEqual({ code: 'manual-pause', text: 'Paused by you until you resume' });
    expect(open.nextCheckAt).toBeNull();
    expect(decisionSource(open)).toBe('manual');
  });

  it('is the headline over everything else, which still follows', () => {
    const now = at('2026-03-23T14:00:00+01:00');
    const decision = decide(defaultLimits, snapshot({ now, onBattery: true, processes: ['GTA5.exe'] }), freshState({ manualPause: { since: now, until: null } }));
    expect(decision.reasons.map((r) => r.code)).toEqual(['manual-pause', 'game-running', 'battery']);
  });
});

describe('schedule through the engine', () => {
  const limits = limitsWith({ schedule: { ...defaultLimits.schedule, enabled: true, timeZone: 'Europe/Berlin' } });

  it('waits for the next window, and runs inside one', () => {
    simulate(limits, [
      // Sunday is all day, until Monday 00:00; Monday's window starts at 01:00.
      { at: '2026-03-22T23:30:00+01:00', action: 'run', includes: ['schedule-window'], nextCheckAt: '2026-03-23T00:00:00+01:00' },
      { at: '2026-03-23T00:00:00+01:00', action: 'pause', headline: 'Waiting for the 01:00 window (Mon 01:00–08:00)', nextCheckAt: '2026-03-23T01:00:00+01:00' },
      { at: '2026-03-23T01:00:00+01:00', action: 'run', nextCheckAt: '2026-03-23T08:00:00+01:00' },
      { at: '2026-03-23T08:00:00+01:00', action: 'pause', headline: 'Waiting for the 01:00 window (Tue 01:00–08:00)', nextCheckAt: '2026-03-24T01:00:00+01:00' },
      { at: '2026-03-27T09:00:00+01:00', action: 'pause', headline: 'Waiting for the 00:00 window (Sat all day)', nextCheckAt: '2026-03-28T00:00:00+01:00' },
    ]);
  });

  it('names the day of a window more than a day away', () => {
    const weekends = limitsWith({ schedule: { enabled: true, timeZone: 'Europe/Berlin', days: { sat: [{ start: '09:00', end: '24:00' }] } } });
    const decision = decide(weekends, snapshot({ now: at('2026-03-23T12:00:00+01:00') }), freshState());
    expect(decision.reasons[0]).toEqual({ code: 'outside-schedule', text: 'Waiting for the Sat 09:00 window (Sat 09:00–24:00)' });
    expect(decisionSource(decision)).toBe('schedule');
  });

  it('uses the system zone for "system", and UTC (said) when the system zone is unknown', () => {
    const systemLimits = limitsWith({ schedule: { ...limits.schedule, timeZone: 'system' } });
    const now = at('2026-03-23T00:30:00Z'); // 01:30 in Berlin, 20:30 the day before in New York
    expect(decide(systemLimits, snapshot({ now, timeZone: 'Europe/Berlin' }), freshState()).action).toBe('run');
    const ny = decide(systemLimits, snapshot({ now, timeZone: 'America/New_York' }), freshState());
    expect(ny.action).toBe('run');
    expect(ny.reasons[1]).toEqual({ code: 'schedule-window', text: 'Schedule: running until 00:00 (Sun all day)' });
    expect(ny.timeZone).toBe('America/New_York');
    const bogus = decide(systemLimits, snapshot({ now, timeZone: 'Mars/Olympus' }), freshState());
    expect(bogus.timeZone).toBe('UTC');
    expect(bogus.reasons).toContainEqual({ code: 'time-zone-unknown', text: 'This computer\'s time zone is unknown ("Mars/Olympus"): schedule and daily cap use UTC' });
    expect(bogus.action).toBe('pause'); // 00:30 UTC Monday: before the 01:00 window
  });
});

describe('daily cap: rollover at local midnight', () => {
  const limits = limitsWith({ dailyHoursCap: 6 });

  it('stops after six hours and starts again at 00:00 in the limits’ zone', () => {
    simulate(limits, [
      { at: '2026-03-23T16:00:00+01:00', action: 'run', includes: ['daily-cap-left'], nextCheckAt: '2026-03-23T22:00:00+01:00' },
      { at: '2026-03-23T19:00:00+01:00', action: 'run', nextCheckAt: '2026-03-23T22:00:00+01:00' },
      { at: '2026-03-23T22:00:00+01:00', action: 'pause', headline: "Paused: today's 6 h cap reached — resumes at 00:00", nextCheckAt: '2026-03-24T00:00:00+01:00' },
      { at: '2026-03-23T23:59:59+01:00', action: 'pause', code: 'daily-cap' },
      { at: '2026-03-24T00:00:00+01:00', action: 'run', nextCheckAt: '2026-03-24T06:00:00+01:00' },
    ]);
  });

  it('counts only the part after midnight toward the new day', () => {
    const decisions = simulate(limitsWith({ dailyHoursCap: 1.5 }), [
      { at: '2026-03-23T23:00:00+01:00', action: 'run' },
      { at: '2026-03-24T00:30:00+01:00', action: 'run', nextCheckAt: '2026-03-24T01:30:00+01:00' },
      { at: '2026-03-24T01:30:00+01:00', action: 'pause', headline: "Paused: today's 1 h 30 min cap reached — resumes at 00:00", nextCheckAt: '2026-03-25T00:00:00+01:00' },
    ]);
    expect(decisions[1]?.reasons).toContainEqual({ code: 'daily-cap-left', text: 'Daily cap: 1 h of 1 h 30 min left today' });
  });

  it('rolls over at the day’s first instant where DST skips midnight (Santiago, 6 Sep 2026)', () => {
    const santiago = limitsWith({ dailyHoursCap: 1, schedule: { ...defaultLimits.schedule, timeZone: 'America/Santiago' } });
    const decision = decide(santiago, snapshot({ now: at('2026-09-05T23:00:00-04:00') }), freshState({ usage: { day: '2026-09-05', ms: 3_600_000 } }));
    expect(decision.reasons[0]?.text).toBe("Paused: today's 1 h cap reached — resumes at 01:00");
    expect(decision.nextCheckAt).toBe(at('2026-09-06T01:00:00-03:00'));
  });

  it('uses the fall-back day’s 25 hours in full (Berlin, 25 Oct 2026)', () => {
    const decisions = simulate(limitsWith({ dailyHoursCap: 24 }), [
      { at: '2026-10-25T00:00:00+02:00', action: 'run' },
      { at: '2026-10-25T23:00:00+01:00', action: 'pause', code: 'daily-cap' },
    ]);
    expect(decisions[1]?.nextCheckAt).toBe(at('2026-10-26T00:00:00+01:00'));
  });
});

describe('unknown signals: each has a rule, none is a silent "run"', () => {
  const everything = limitsWith({ idleOnly: { enabled: true, minutes: 5 } });
  const cases: Array<[string, 'run' | 'pause', ReasonCode, Limits, Partial<OsSignalsSnapshot>]> = [
    ['idle unknown, idle-only on', 'pause', 'idle-unknown', everything, { idleSeconds: 'unknown' }],
    ['idle unknown but screen locked', 'run', 'screen-locked', everything, { idleSeconds: 'unknown', screenLocked: true }],
    ['idle unknown on a headless rig', 'run', 'no-desktop', everything, { idleSeconds: 'unknown', interactiveSession: false }],
    ['process list unknown', 'run', 'processes-unknown', defaultLimits, { processes: 'unknown' }],
    ['GPU users unknown', 'run', 'gpu-users-unknown', defaultLimits, { gpuUsers: 'unknown' }],
    ['fullscreen unknown', 'run', 'fullscreen-unknown', defaultLimits, { fullscreenApp: 'unknown' }],
    ['power source unknown', 'run', 'power-unknown', defaultLimits, { onBattery: 'unknown' }],
    ['temperatures unknown', 'run', 'temperature-unknown', defaultLimits, { temperatures: 'unknown' }],
    ['GPU temperature missing', 'run', 'temperature-unknown', defaultLimits, { temperatures: { cpu: 60 } }],
    ['system zone unknown', 'run', 'time-zone-unknown', defaultLimits, { timeZone: '' }],
  ];
  it.each(cases)('%s → %s, saying %s', (_name, action, code, limits, signals) => {
    const decision = decide(limits, snapshot(signals), freshState());
    expect(decision.action).toBe(action);
    expect(decision.reasons.map((r) => r.code)).toContain(code);
  });

  it('reports what cannot be checked before context, with the headline first', () => {
    const headless = snapshot({ interactiveSession: false, screenLocked: 'unknown', idleSeconds: 'unknown', onBattery: 'unknown', processes: 'unknown', fullscreenApp: 'unknown', gpuUsers: 'unknown', temperatures: 'unknown' });
    const decision = decide(limitsWith({ dailyHoursCap: 8 }), headless, freshState());
    expect(decision.action).toBe('run');
    expect(decision.reasons.map((r) => r.code)).toEqual(['ready', 'processes-unknown', 'gpu-users-unknown', 'temperature-unknown', 'power-unknown', 'daily-cap-left']);
    expect(decision.reasons.find((r) => r.code === 'processes-unknown')?.text).toBe('Game detection unavailable: the list of running programs cannot be read here');
  });

  it('still pauses for what it can see when other signals are unknown', () => {
    const decision = decide(defaultLimits, snapshot({ processes: 'unknown', gpuUsers: [{ pid: 9, name: 'python3' }] }), freshState());
    expect(decision.reasons[0]?.code).toBe('gpu-busy');
    expect(decision.reasons.map((r) => r.code)).toContain('processes-unknown');
  });
});

describe('next check and events', () => {
  it('takes the earliest clock change of all limits', () => {
    const limits = limitsWith({ idleOnly: { enabled: true, minutes: 10 }, schedule: { ...defaultLimits.schedule, enabled: true, timeZone: 'Europe/Berlin' } });
    // 07:55 on Monday: the window ends at 08:00, the idle threshold is reached at 08:02.
    const decision = decide(limits, snapshot({ now: at('2026-03-23T07:55:00+01:00'), idleSeconds: 180 }), freshState());
    expect(decision.nextCheckAt).toBe(at('2026-03-23T08:00:00+01:00'));
    expect(decision.reasons.map((r) => r.code)).toEqual(['user-active', 'schedule-window']);
  });

  it('calls a change of action or of headline a change, not a changed number', () => {
    const limits = limitsWith({ idleOnly: { enabled: true, minutes: 10 } });
    const a = decide(limits, snapshot({ idleSeconds: 60 }), freshState());
    const b = decide(limits, snapshot({ idleSeconds: 120 }), freshState());
    const c = decide(limits, snapshot({ idleSeconds: 120, onBattery: true }), freshState());
    expect(isDecisionChange(null, a)).toBe(true);
    expect(isDecisionChange(a, b)).toBe(false);
    expect(isDecisionChange(b, c)).toBe(true);
    expect(decisionSource(c)).toBe('battery');
  });
});

import type { Limits } from '../../../shared/limits.ts';
import type { Reason } from '../decision.ts';
import type { OsSignalsSnapshot } from '../signals.ts';
import type { RuleInput, RuleOutcome } from './rule.ts';

/** After a thermal pause, resume only this far under the limit: a sensor hovering at the line must not toggle the GPU every second. */
export const THERMAL_HYSTERESIS_CELSIUS = 5;

type Sensor = 'CPU' | 'GPU';

/** The sensors that matter (the GPU only when Hearth may use it): read ones, hottest first, and missing ones. */
function readSensors(limits: Limits, signals: OsSignalsSnapshot): { read: Array<{ sensor: Sensor; celsius: number }>; missing: Sensor[] } {
  const temps = signals.temperatures === 'unknown' ? {} : signals.temperatures;
  const wanted: Array<[Sensor, number | undefined]> = [['CPU', temps.cpu]];
  if (limits.gpu.enabled) wanted.push(['GPU', temps.gpu]);
  const read: Array<{ sensor: Sensor; celsius: number }> = [];
  const missing: Sensor[] = [];
  for (const [sensor, celsius] of wanted) {
    if (typeof celsius === 'number' && Number.isFinite(celsius)) read.push({ sensor, celsius });
    else missing.push(sensor);
  }
  return { read: read.sort((a, b) => b.celsius - a.celsius), missing };
}

/**
 * Thermal limit, on the hottest readable sensor. No readable sensor does not
 * pause (the hardware protects itself, and most machines would never run) but
 * is shown; so is one sensor missing while the other is read.
 */
export function thermalRule({ limits, signals, state }: RuleInput): RuleOutcome {
  const { thermal } = limits;
  if (!thermal.enabled) return { memory: { thermalTripped: false } };
  const { read, missing } = readSensors(limits, signals);
  const notes: Reason[] = [];
  if (read.length === 0) notes.push({ code: 'temperature-unknown', text: `No temperature sensor readable here: the ${thermal.maxCelsius} °C limit cannot be checked` });
  else if (missing.length > 0) notes.push({ code: 'temperature-unknown', text: `${missing.join(' and ')} temperature not readable here: only the ${read.map((r) => r.sensor).join(' and ')} is checked` });

  const hottest = read[0];
  if (!hottest) return { notes, memory: { thermalTripped: false } };
  const shown = Math.round(hottest.celsius);
  if (hottest.celsius > thermal.maxCelsius) {
    return { pause: { code: 'thermal', text: `Paused: ${hottest.sensor} at ${shown} °C (limit ${thermal.maxCelsius} °C)` }, notes, memory: { thermalTripped: true } };
  }
  const resumeAt = thermal.maxCelsius - THERMAL_HYSTERESIS_CELSIUS;
  if (state.memory.thermalTripped && hottest.celsius > resumeAt) {
    return { pause: { code: 'thermal', text: `Paused: ${hottest.sensor} cooling down (${shown} °C; resumes at ${resumeAt} °C)` }, notes, memory: { thermalTripped: true } };
  }
  return { notes, memory: { thermalTripped: false } };
}

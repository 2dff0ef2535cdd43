import { startOfNextDay } from './zone.ts';

/** "Pause for…": the choices the tray and the Overview offer. */
export const pauseOptions = ['30m', '1h', 'tomorrow', 'until-resumed'] as const;
export type PauseOption = (typeof pauseOptions)[number];

/** A pause by the user, as the node keeps it: ends at `until`, or when resumed (null). */
export interface ManualPause {
  since: number;
  until: number | null;
}

/**
 * When a pause chosen at `now` ends. "Until tomorrow" ends at the start of
 * the next local day in the limits' zone (00:00, or 01:00 where DST skips
 * midnight), not at the next schedule window: after it the other limits
 * apply as always, so a night schedule still waits for its window, and the
 * tray can show the exact time ("until 00:00") before the user picks it.
 */
export function pauseUntil(option: PauseOption, now: number, zone: string): number | null {
  switch (option) {
    case '30m':
      return now + 30 * 60_000;
    case '1h':
      return now + 60 * 60_000;
    case 'tomorrow':
      return startOfNextDay(now, zone);
    case 'until-resumed':
      return null;
  }
}

export function manualPause(option: PauseOption, now: number, zone: string): ManualPause {
  return { since: now, until: pauseUntil(option, now, zone) };
}

/** Still in force at `now`: an expired pause is over even before the node deletes it. */
export function isManualPauseActive(pause: ManualPause | null, now: number): pause is ManualPause {
  return pause !== null && (pause.until === null || pause.until > now);
}

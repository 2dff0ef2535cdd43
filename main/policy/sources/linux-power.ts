import type { Unknown } from '../signals.ts';
import { listDir, readInteger, readValue, rooted } from './linux-files.ts';

/**
 * On battery or not, from /sys/class/power_supply (what upower reads too).
 * Each entry has a `type`: "Battery", or a power line ("Mains", "USB",
 * "Wireless"…) with `online` 0/1; batteries have a `status` ("Charging",
 * "Discharging", "Full", "Not charging", "Unknown"). Batteries with
 * `scope` "Device" belong to a mouse or a headset, not to the computer.
 */

export interface PowerSupply {
  name: string;
  /** Null when unreadable. */
  type: string | null;
  online: number | null;
  status: string | null;
  scope: string | null;
  present: number | null;
}

/** The verdict over what the entries say; 'unknown' when they do not tell. */
export function onBatteryFrom(supplies: readonly PowerSupply[]): boolean | Unknown {
  const own = supplies.filter((supply) => supply.scope !== 'Device');
  const batteries = own.filter((supply) => supply.type === 'Battery' && supply.present !== 0);
  if (batteries.length === 0) {
    // No battery of the computer's own: a desktop, never on battery. Unless an entry could not even say what it is.
    return own.some((supply) => supply.type === null) ? 'unknown' : false;
  }
  const lines = own.filter((supply) => supply.type !== null && supply.type !== 'Battery');
  // A plugged-in charger wins: under heavy load a laptop may draw on its battery while plugged in, and that is not "on battery".
  if (lines.some((line) => line.online === 1)) return false;
  const statuses = batteries.map((battery) => battery.status);
  if (statuses.includes('Discharging')) return true;
  if (statuses.some((status) => status === 'Charging' || status === 'Full' || status === 'Not charging')) return false;
  // Status "Unknown" or unreadable: readable power lines, all unplugged, still tell.
  if (lines.length > 0 && lines.every((line) => line.online === 0)) return true;
  return 'unknown';
}

/** Reads one entry's files. */
export function readSupply(dir: string, name: string): PowerSupply {
  const path = `${dir}/${name}`;
  return {
    name,
    type: readValue(`${path}/type`),
    online: readInteger(`${path}/online`),
    status: readValue(`${path}/status`),
    scope: readValue(`${path}/scope`),
    present: readInteger(`${path}/present`),
  };
}

/**
 * Whether the computer runs on battery. No battery at all → false (a desktop);
 * /sys unreadable or entries that do not tell → 'unknown'.
 */
export function readOnBattery(root: string): boolean | Unknown {
  const dir = rooted(root, 'sys/class/power_supply');
  const listing = listDir(dir);
  if (!listing.ok) {
    // A kernel without the power-supply class has no battery driver; but /sys itself unreadable tells nothing.
    return listing.code === 'ENOENT' && listDir(rooted(root, 'sys/class')).ok ? false : 'unknown';
  }
  return onBatteryFrom(listing.names.filter((name) => !name.startsWith('.')).map((name) => readSupply(dir, name)));
}

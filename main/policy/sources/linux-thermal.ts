import type { Temperatures, Unknown } from '../signals.ts';
import { listDir, listOrEmpty, readInteger, readValue, rooted } from './linux-files.ts';

/**
 * CPU and GPU temperatures from /sys/class/hwmon (drivers named k10temp,
 * coretemp, zenpower… for the CPU; amdgpu, radeon, nouveau for the GPU),
 * with /sys/class/thermal zones (x86_pkg_temp, cpu-thermal…) for a kind that
 * hwmon lacks. NVIDIA's own driver has no hwmon: its temperature comes from
 * nvidia-smi (linux-gpu.ts) and is merged in by the source.
 *
 * Per device the value the vendor's tools call "the temperature" is taken:
 * amdgpu's "edge" rather than its "junction" hotspot (which runs 15–25 °C
 * above and is throttled by the card itself near 110 °C; NVIDIA's
 * temperature.gpu is the comparable reading), k10temp's "Tdie" rather than
 * "Tctl" where both exist (Tctl carries a fan-curve offset of up to 20 °C on
 * some Ryzens). Across devices, the hottest. Which sensors to read is found
 * once a minute; a pass reads only their values.
 */

const CPU_HWMON: ReadonlySet<string> = new Set(['k10temp', 'coretemp', 'zenpower', 'cpu_thermal', 'cpu-thermal', 'soc_thermal', 'via_cputemp']);
const GPU_HWMON: ReadonlySet<string> = new Set(['amdgpu', 'radeon', 'nouveau']);
const CPU_ZONE = /^x86_pkg_temp$|cpu|^soc/i;
const GPU_ZONE = /gpu/i;
/** Readings outside this range (°C) are a sensor's error codes, not temperatures. */
const PLAUSIBLE = { min: 0, max: 150 };
const DISCOVERY_MS = 60_000;
const RETRY_MS = 5_000;

interface Sensor {
  kind: 'cpu' | 'gpu';
  /** The millidegree file. */
  path: string;
  /**
   * The device's runtime power state file: a discrete GPU asleep is not
   * read (on older kernels, reading amdgpu's or nouveau's sensor wakes the
   * card, and a laptop's battery drains for a number nobody needs).
   */
  runtimeStatus: string | null;
}

/** Which of a hwmon device's temp inputs count, by their labels. */
function pickInputs(driver: string, inputs: Array<{ path: string; label: string | null }>): string[] {
  const labels = new Set(inputs.map((input) => input.label));
  if ((driver === 'k10temp' || driver === 'zenpower') && labels.has('Tdie')) return inputs.filter((input) => input.label !== 'Tctl').map((input) => input.path);
  if ((driver === 'amdgpu' || driver === 'radeon') && labels.has('edge')) return inputs.filter((input) => input.label === 'edge').map((input) => input.path);
  return inputs.map((input) => input.path);
}

function hwmonSensors(root: string): { listed: boolean; sensors: Sensor[] } {
  const dir = rooted(root, 'sys/class/hwmon');
  const listing = listDir(dir);
  if (!listing.ok) return { listed: false, sensors: [] };
  const sensors: Sensor[] = [];
  for (const device of listing.names) {
    const base = `${dir}/${device}`;
    const driver = readValue(`${base}/name`) ?? readValue(`${base}/device/name`);
    const kind = driver === null ? null : CPU_HWMON.has(driver) ? 'cpu' : GPU_HWMON.has(driver) ? 'gpu' : null;
    if (driver === null || kind === null) continue;
    // Old kernels kept the attributes under device/.
    let home = base;
    let files = listOrEmpty(home).filter((file) => /^temp\d+_input$/.test(file));
    if (files.length === 0) {
      home = `${base}/device`;
      files = listOrEmpty(home).filter((file) => /^temp\d+_input$/.test(file));
    }
    const inputs = files.map((file) => ({ path: `${home}/${file}`, label: readValue(`${home}/${file.replace('_input', '_label')}`) }));
    const runtimeStatus = kind === 'gpu' ? `${base}/device/power/runtime_status` : null;
    for (const path of pickInputs(driver, inputs)) sensors.push({ kind, path, runtimeStatus });
  }
  return { listed: true, sensors };
}

function zoneSensors(root: string, kinds: ReadonlySet<'cpu' | 'gpu'>): { listed: boolean; sensors: Sensor[] } {
  const dir = rooted(root, 'sys/class/thermal');
  const listing = listDir(dir);
  if (!listing.ok) return { listed: false, sensors: [] };
  const sensors: Sensor[] = [];
  for (const zone of listing.names) {
    if (!zone.startsWith('thermal_zone')) continue;
    const type = readValue(`${dir}/${zone}/type`);
    if (type === null) continue;
    const kind = CPU_ZONE.test(type) ? 'cpu' : GPU_ZONE.test(type) ? 'gpu' : null;
    if (kind !== null && kinds.has(kind)) sensors.push({ kind, path: `${dir}/${zone}/temp`, runtimeStatus: null });
  }
  return { listed: true, sensors };
}

export class TemperatureReader {
  readonly #root: string;
  #sensors: Sensor[] = [];
  #listed = false;
  #foundAt = Number.NEGATIVE_INFINITY;

  constructor(root: string) {
    this.#root = root;
  }

  #discover(now: number): void {
    const hwmon = hwmonSensors(this.#root);
    const missing = new Set<'cpu' | 'gpu'>(['cpu', 'gpu']);
    for (const sensor of hwmon.sensors) missing.delete(sensor.kind);
    const zones = missing.size > 0 ? zoneSensors(this.#root, missing) : { listed: true, sensors: [] };
    this.#sensors = [...hwmon.sensors, ...zones.sensors];
    this.#listed = hwmon.listed || zones.listed;
    this.#foundAt = now;
  }

  /**
   * The hottest CPU and GPU reading; a kind without a readable sensor is
   * absent. 'unknown' when neither /sys/class/hwmon nor /sys/class/thermal
   * can be listed.
   */
  read(now: number): Temperatures | Unknown {
    if (now - this.#foundAt >= DISCOVERY_MS || now < this.#foundAt) this.#discover(now);
    if (!this.#listed) return 'unknown';
    const temps: Temperatures = {};
    let failed = false;
    for (const sensor of this.#sensors) {
      if (sensor.runtimeStatus !== null && readValue(sensor.runtimeStatus) === 'suspended') continue;
      const milli = readInteger(sensor.path);
      if (milli === null) {
        failed = true;
        continue;
      }
      const celsius = milli / 1000;
      if (!(celsius > PLAUSIBLE.min && celsius < PLAUSIBLE.max)) continue;
      const before = temps[sensor.kind];
      if (before === undefined || celsius > before) temps[sensor.kind] = celsius;
    }
    // A sensor that vanished (driver reloaded, GPU unplugged): look again soon, not every pass (some sensors always fail).
    if (failed) this.#foundAt = Math.min(this.#foundAt, now - DISCOVERY_MS + RETRY_MS);
    return temps;
  }
}

import type { GpuUser, Unknown } from '../signals.ts';
import { Throttled, type CommandFinder, type CommandRunner } from './commands.ts';
import { baseName, listDir, listOrEmpty, readLink, readSmall, readValue, rooted } from './linux-files.ts';
import { parseStat, type ProcessEntry, type ProcessTable } from './linux-processes.ts';

/**
 * Processes computing on a GPU, as the interface wants them: compute
 * (CUDA, ROCm, OpenCL/Level Zero on a compute engine), not every window that
 * draws: the compositor and every browser hold the GPU open all day.
 *
 * - NVIDIA: `nvidia-smi --query-compute-apps` (the driver's own list), when an
 *   NVIDIA GPU is present (/proc/driver/nvidia/gpus) and nvidia-smi is on
 *   PATH; at most every `intervalMs`, with a timeout. An NVIDIA GPU that is
 *   runtime-suspended (a laptop's sleeping dGPU) has no compute process and
 *   is not woken by asking.
 * - AMD ROCm: /sys/class/kfd/kfd/proc/PID, one entry per process that
 *   opened the compute driver (KFD).
 * - amdgpu, i915, xe through DRM fdinfo: /proc/PID/fd links to /dev/dri/*,
 *   and the client's compute-engine time in /proc/PID/fdinfo/FD
 *   ("drm-engine-compute", xe's "drm-cycles-ccs"). A client counts while
 *   that counter grows between two probes (a counter that is merely non-zero
 *   may be a browser that ran one compute shader an hour ago), so a new DRM
 *   compute user shows after two probes. Intel iGPUs have no compute engine:
 *   compute there runs on the render engine, among the games and the
 *   desktop, and cannot be told apart.
 *
 * A found user is reported even if another GPU is blind (it is there); an
 * empty list only when every GPU could be looked at; otherwise 'unknown'.
 * Only processes whose /proc/PID/fd is readable are seen (Hearth's user's,
 * all of them as root).
 */

/** DRM drivers whose fdinfo shows compute-engine time. */
const FDINFO_DRIVERS: ReadonlySet<string> = new Set(['amdgpu', 'i915', 'xe']);
const NVIDIA_DRIVERS: ReadonlySet<string> = new Set(['nvidia', 'nvidia-drm']);
/** Display controllers and virtual framebuffers: no compute to watch. */
const DISPLAY_ONLY: ReadonlySet<string> = new Set([
  'simple-framebuffer',
  'simpledrm',
  'efi-framebuffer',
  'efidrm',
  'vesa-framebuffer',
  'vesadrm',
  'ofdrm',
  'bochs-drm',
  'bochs',
  'cirrus',
  'cirrus-qemu',
  'ast',
  'mgag200',
  'hyperv_drm',
  'hyperv_fb',
  'udl',
  'gm12u320',
  'vkms',
  'qxl',
  'vboxvideo',
  'gud',
]);

export const NVIDIA_SMI_APPS_ARGS = ['--query-compute-apps=pid,process_name', '--format=csv,noheader'] as const;
export const NVIDIA_SMI_TEMP_ARGS = ['--query-gpu=temperature.gpu', '--format=csv,noheader,nounits'] as const;

/** `nvidia-smi --query-compute-apps=pid,process_name --format=csv,noheader` → pid and name per line (other lines, such as "No running processes found", skipped). */
export function parseComputeApps(csv: string): Array<{ pid: number; name: string }> {
  const apps: Array<{ pid: number; name: string }> = [];
  for (const line of csv.split('\n')) {
    const match = /^\s*(\d+)\s*,\s*(.*?)\s*$/.exec(line);
    if (!match) continue;
    const pid = Number(match[1]);
    if (Number.isSafeInteger(pid) && pid > 0) apps.push({ pid, name: match[2] ?? '' });
  }
  return apps;
}

/** `nvidia-smi --query-gpu=temperature.gpu --format=csv,noheader,nounits` → the hottest GPU, °C; null when none reports ("[N/A]"). */
export function parseNvidiaTemperatures(csv: string): number | null {
  let hottest: number | null = null;
  for (const line of csv.split('\n')) {
    const text = line.trim();
    if (!/^\d+(\.\d+)?$/.test(text)) continue;
    const celsius = Number(text);
    if (hottest === null || celsius > hottest) hottest = celsius;
  }
  return hottest;
}

export interface DrmFdinfo {
  /** "amdgpu", "i915", "xe"…; null on kernels without DRM fdinfo. */
  driver: string | null;
  clientId: string | null;
  /** Compute-engine time (ns) or cycles; null when the driver reports no compute engine. */
  compute: number | null;
}

/** One /proc/PID/fdinfo/FD of a DRM file (keys per the kernel's drm-usage-stats). */
export function parseDrmFdinfo(text: string): DrmFdinfo {
  const info: DrmFdinfo = { driver: null, clientId: null, compute: null };
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon);
    if (!key.startsWith('drm-')) continue;
    const value = line.slice(colon + 1).trim();
    if (key === 'drm-driver') info.driver = value;
    else if (key === 'drm-client-id') info.clientId = value;
    else if (key === 'drm-engine-compute' || key === 'drm-cycles-ccs') {
      const amount = Number.parseInt(value, 10);
      if (Number.isFinite(amount)) info.compute = (info.compute ?? 0) + amount;
    }
  }
  return info;
}

/** A DRM client's compute counter, or 'blind' when it cannot be read. amdgpu may leave out engines not used yet: a missing line is zero there. */
function computeCounter(driver: string, info: DrmFdinfo): number | 'blind' {
  if (info.driver === null) return 'blind';
  if (driver === 'amdgpu') return info.compute ?? 0;
  return info.compute ?? 'blind';
}

interface Inventory {
  /** DRM node ("card0", "renderD128") → the driver of its device; null when unreadable. */
  nodes: Map<string, string | null>;
  /** PCI addresses of NVIDIA GPUs, from /proc/driver/nvidia/gpus. */
  nvidia: string[];
}

/** The GPUs present; null when /sys cannot be read at all. */
function inventory(root: string): Inventory | null {
  const dir = rooted(root, 'sys/class/drm');
  const listing = listDir(dir);
  if (!listing.ok && !(listing.code === 'ENOENT' && listDir(rooted(root, 'sys/class')).ok)) return null;
  const nodes = new Map<string, string | null>();
  for (const node of listing.ok ? listing.names : []) {
    if (!/^(card|renderD)\d+$/.test(node)) continue;
    const driver = readLink(`${dir}/${node}/device/driver`);
    nodes.set(node, driver === null ? null : baseName(driver));
  }
  return { nodes, nvidia: listOrEmpty(rooted(root, 'proc/driver/nvidia/gpus')) };
}

interface FdScan {
  start: string;
  at: number;
  /** Fd numbers that pointed into /dev/dri. */
  fds: string[];
}

export interface GpuProbeOptions {
  root: string;
  run: CommandRunner;
  find: CommandFinder;
  clock: () => number;
  /** Between two probes (nvidia-smi runs, fd scans). Default 5 s. */
  intervalMs?: number;
  /** Between two nvidia-smi temperature queries. Default 15 s. */
  temperatureIntervalMs?: number;
  timeoutMs?: number;
  /** Processes younger than this have their fds listed at every probe. Default 2 min. */
  fdRecentMs?: number;
  /** Older ones about this often (known DRM fds are read at every probe). Default 5 min. */
  fdRescanMs?: number;
}

export interface GpuReading {
  users: readonly GpuUser[] | Unknown;
  /** The hottest NVIDIA GPU (nvidia-smi), °C; null when none or unreadable. */
  nvidiaCelsius: number | null;
}

export class GpuProbe {
  readonly #root: string;
  readonly #proc: string;
  readonly #run: CommandRunner;
  readonly #find: CommandFinder;
  readonly #clock: () => number;
  readonly #timeoutMs: number;
  readonly #fdRecentMs: number;
  readonly #fdRescanMs: number;
  readonly #users: Throttled<readonly GpuUser[] | Unknown>;
  readonly #temperature: Throttled<number | null>;
  #scans = new Map<number, FdScan>();
  #counters = new Map<string, number>();
  /** NVIDIA present and awake at the last probe: whether the temperature is worth asking for. */
  #nvidiaAwake = false;

  constructor(options: GpuProbeOptions) {
    this.#root = options.root;
    this.#proc = rooted(options.root, 'proc');
    this.#run = options.run;
    this.#find = options.find;
    this.#clock = options.clock;
    this.#timeoutMs = options.timeoutMs ?? 2_000;
    this.#fdRecentMs = options.fdRecentMs ?? 120_000;
    this.#fdRescanMs = options.fdRescanMs ?? 300_000;
    this.#users = new Throttled(options.intervalMs ?? 5_000);
    this.#temperature = new Throttled(options.temperatureIntervalMs ?? 15_000);
  }

  /** `table` must hold this pass's processes (its names name the users; its pids are the ones whose fds are looked at). */
  async read(now: number, table: ProcessTable): Promise<GpuReading> {
    const users = await this.#users.get(now, () => this.#probe(now, table), this.#clock);
    const nvidiaCelsius = this.#nvidiaAwake ? await this.#temperature.get(now, () => this.#queryTemperature(), this.#clock) : null;
    return { users, nvidiaCelsius };
  }

  async #queryTemperature(): Promise<number | null> {
    const smi = this.#find('nvidia-smi');
    if (smi === null) return null;
    try {
      return parseNvidiaTemperatures(await this.#run(smi, NVIDIA_SMI_TEMP_ARGS, this.#timeoutMs));
    } catch {
      return null;
    }
  }

  async #probe(now: number, table: ProcessTable): Promise<readonly GpuUser[] | Unknown> {
    try {
      const gpus = inventory(this.#root);
      if (gpus === null) return 'unknown';
      const found = new Map<number, GpuUser>();
      const add = (pid: number, reported: string | null): void => {
        if (!found.has(pid)) found.set(pid, { pid, name: this.#nameOf(pid, table, reported) });
      };
      let complete = true;
      const drivers = new Set(gpus.nodes.values());

      // NVIDIA: the driver's list.
      this.#nvidiaAwake = false;
      if (gpus.nvidia.length > 0 || [...drivers].some((driver) => driver !== null && NVIDIA_DRIVERS.has(driver))) {
        const asleep =
          gpus.nvidia.length > 0 && gpus.nvidia.every((bus) => readValue(rooted(this.#root, `sys/bus/pci/devices/${bus}/power/runtime_status`)) === 'suspended');
        if (!asleep) {
          this.#nvidiaAwake = true;
          const smi = this.#find('nvidia-smi');
          if (smi === null) complete = false;
          else {
            try {
              for (const app of parseComputeApps(await this.#run(smi, NVIDIA_SMI_APPS_ARGS, this.#timeoutMs))) add(app.pid, app.name);
            } catch {
              complete = false;
            }
          }
        }
      }

      // ROCm: KFD's process list.
      for (const entry of listOrEmpty(rooted(this.#root, 'sys/class/kfd/kfd/proc'))) {
        const pid = Number(entry);
        if (Number.isSafeInteger(pid) && pid > 0) add(pid, null);
      }

      // amdgpu, i915, xe: compute-engine time in fdinfo.
      const blind = new Set<string>();
      if ([...drivers].some((driver) => driver !== null && FDINFO_DRIVERS.has(driver))) {
        for (const pid of this.#drmComputeUsers(now, table, gpus, blind)) add(pid, null);
      }

      for (const driver of drivers) {
        if (driver === null || blind.has(driver)) complete = false;
        else if (!NVIDIA_DRIVERS.has(driver) && !FDINFO_DRIVERS.has(driver) && !DISPLAY_ONLY.has(driver)) complete = false;
      }
      if (found.size > 0) return [...found.values()];
      return complete ? [] : 'unknown';
    } catch {
      return 'unknown';
    }
  }

  #nameOf(pid: number, table: ProcessTable, reported: string | null): string {
    const known = table.nameOf(pid);
    if (known !== null) return known;
    const stat = readSmall(`${this.#proc}/${pid}/stat`);
    const comm = stat === null ? null : (parseStat(stat)?.comm ?? null);
    if (comm !== null && comm !== '') return comm;
    if (reported !== null && reported !== '' && !reported.startsWith('[')) return baseName(reported);
    return `process ${pid}`;
  }

  /** Pids whose DRM compute counter grew since the previous probe; drivers whose counters cannot be read go into `blind`. */
  #drmComputeUsers(now: number, table: ProcessTable, gpus: Inventory, blind: Set<string>): Set<number> {
    const users = new Set<number>();
    const scans = new Map<number, FdScan>();
    const counters = new Map<string, number>();
    for (const entry of table.entries.values()) {
      if (entry.kernel || entry.name === null) continue;
      let scan = this.#scans.get(entry.pid);
      if (scan === undefined || scan.start !== entry.start || this.#rescanDue(scan, entry, now)) {
        scan = { start: entry.start, at: now, fds: this.#drmFds(entry.pid) };
      }
      scans.set(entry.pid, scan);
      for (const fd of scan.fds) {
        const target = readLink(`${this.#proc}/${entry.pid}/fd/${fd}`);
        if (target === null || !target.startsWith('/dev/dri/')) continue;
        const text = readSmall(`${this.#proc}/${entry.pid}/fdinfo/${fd}`);
        if (text === null) continue;
        const info = parseDrmFdinfo(text);
        const driver = info.driver ?? gpus.nodes.get(baseName(target)) ?? null;
        if (driver === null || !FDINFO_DRIVERS.has(driver)) continue;
        const counter = computeCounter(driver, info);
        if (counter === 'blind') {
          blind.add(driver);
          continue;
        }
        // Several fds of one client (dup) share its counter.
        const key = `${entry.pid}:${entry.start}:${info.clientId ?? `fd${fd}`}`;
        if (counters.has(key)) continue;
        counters.set(key, counter);
        const before = this.#counters.get(key);
        if (before !== undefined && counter > before) users.add(entry.pid);
      }
    }
    this.#scans = scans;
    this.#counters = counters;
    return users;
  }

  /**
   * Listing a process's fds costs a readlink per fd (a browser holds
   * hundreds): done at every probe only for programs started (or exec'd)
   * lately, when GPU programs open the device; for the others rarely. Fds
   * already found are read at every probe regardless.
   */
  #rescanDue(scan: FdScan, entry: ProcessEntry, now: number): boolean {
    if (now < scan.at || now < entry.watchUntil || now - entry.startedAt < this.#fdRecentMs) return true;
    return now - scan.at >= this.#fdRescanMs * (0.5 + (entry.pid % 16) / 32);
  }

  /** The fds of a process that point into /dev/dri ([] when its fd directory is unreadable). */
  #drmFds(pid: number): string[] {
    const dir = `${this.#proc}/${pid}/fd`;
    const fds: string[] = [];
    for (const fd of listOrEmpty(dir)) {
      if (readLink(`${dir}/${fd}`)?.startsWith('/dev/dri/')) fds.push(fd);
    }
    return fds;
  }
}

/**
 * What the policy engine is fed: one snapshot of what the OS tells about the
 * machine and its user. Electron builds it from powerMonitor and friends,
 * headless mode from what Linux offers; tests build it by hand.
 *
 * Every sensed field may be 'unknown': a missing sensor, an unsupported OS, a
 * read that failed. A source never guesses a harmless value instead (no
 * "idle 0 s" when it cannot tell, no empty process list when it cannot read
 * one): the engine has a rule for each unknown, and says it (engine.ts).
 */

export type Unknown = 'unknown';

export interface GpuUser {
  pid: number;
  /** Executable name, as the driver reports it. */
  name: string;
}

export interface Temperatures {
  /** Hottest CPU package sensor, °C; absent when there is none. */
  cpu?: number;
  /** Hottest GPU sensor (of the GPU Hearth uses), °C; absent when there is none. */
  gpu?: number;
}

export interface OsSignalsSnapshot {
  /** Wall clock, ms since the epoch. */
  now: number;
  /** The computer's IANA time zone (for limits in zone "system"); a name Intl rejects counts as unknown. */
  timeZone: string;
  /** Logical CPUs (os.availableParallelism()): the base of the thread budget. */
  logicalCpus: number;
  /**
   * Whether someone can sit at this machine's desktop. False on a headless
   * rig with no graphical session: idle-only and fullscreen checks do not
   * apply there (nobody to give the machine back to).
   */
  interactiveSession: boolean | Unknown;
  /** The screen is locked: the user is away, whatever the idle counter says. */
  screenLocked: boolean | Unknown;
  /** Seconds since the last keyboard/mouse input (powerMonitor.getSystemIdleTime()). */
  idleSeconds: number | Unknown;
  onBattery: boolean | Unknown;
  /**
   * Executable names of running processes (paths allowed). On Linux take the
   * executable's basename (or argv[0]), not /proc/PID/comm alone: comm is cut
   * to 15 characters ("FortniteClient-"); the matcher copes, but less exactly.
   */
  processes: readonly string[] | Unknown;
  /**
   * The app that fills the screen, by executable name; null when none does.
   * (An object, so that an app called "unknown" is not the unknown signal.)
   */
  fullscreenApp: { name: string } | null | Unknown;
  /** Why `fullscreenApp` is 'unknown', in words ("Wayland does not let one app see…"), where the source can tell. */
  fullscreenUnknownReason?: string;
  /**
   * Processes computing on the GPU (CUDA, ROCm, DirectML…), as NVIDIA's
   * `nvidia-smi --query-compute-apps` lists them: not every window that draws
   * with the GPU, or every browser tab would pause Hearth. Hearth's own
   * worker may be among them: the engine skips `PolicyState.ownPids`.
   */
  gpuUsers: readonly GpuUser[] | Unknown;
  temperatures: Temperatures | Unknown;
}

export interface SignalSource {
  /** A fresh snapshot. Cheap enough to call every second; never rejects for a missing sensor (that is 'unknown'). */
  read(): Promise<OsSignalsSnapshot>;
  /**
   * Push, don't poll: `onChange` is called when the OS announces a change
   * (power source, screen lock, resume from sleep) so the node reads and
   * decides at once instead of at the next tick. Returns the unsubscribe.
   */
  subscribe?(onChange: () => void): () => void;
}

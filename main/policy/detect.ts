import { programKey, starterGames } from '../../shared/limits.ts';

/**
 * Matching running processes against the gaming list. It runs on every
 * policy tick over a few hundred process names, so the list is turned once
 * into a Map of keys (programKey: path stripped, any case, ".exe" optional),
 * and each process name's verdict is remembered: a pass over an unchanged
 * list is one Map lookup per process, as cheap as a bare Set.has.
 */

export interface ProgramMatch {
  /** The process as the OS named it: "eldenring.exe". */
  process: string;
  /** What the user reads: "Elden Ring", or the listed name for programs the user added. */
  name: string;
}

export interface ProgramMatcher {
  /** The first listed program among `processes`, or null. */
  match(processes: readonly string[]): ProgramMatch | null;
}

/** Linux keeps only the first 15 bytes of a process name in /proc/PID/comm. */
const COMM_LENGTH = 15;
/** Distinct process names remembered per matcher: a few times a busy machine's list, so memory stays bounded. */
const VERDICT_CACHE_LIMIT = 8192;

/** Display names of the starter list, by key. */
export const knownProgramNames: ReadonlyMap<string, string> = new Map(starterGames.map((game) => [programKey(game.exe), game.name]));

/** The human name of a process: the starter list's, or the executable's own. */
export function programDisplayName(process: string): string {
  return knownProgramNames.get(programKey(process)) ?? baseName(process);
}

function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1).trim();
}

export function createProgramMatcher(programs: readonly string[]): ProgramMatcher {
  const names = new Map<string, string>();
  const truncated = new Map<string, string>();
  for (const program of programs) {
    const key = programKey(program);
    if (key === '' || names.has(key)) continue;
    const name = knownProgramNames.get(key) ?? baseName(program);
    names.set(key, name);
    const base = baseName(program).toLowerCase();
    if (base.length > COMM_LENGTH) truncated.set(base.slice(0, COMM_LENGTH), name);
  }
  const lookup = (process: string): string | null =>
    names.get(programKey(process)) ?? (process.length === COMM_LENGTH ? truncated.get(process.toLowerCase()) : undefined) ?? null;
  // The process list barely changes between passes: remember each name's verdict
  // rather than normalise it again (several times cheaper: detect.bench-helper.ts).
  const verdicts = new Map<string, string | null>();
  return {
    match(processes) {
      for (const process of processes) {
        let name = verdicts.get(process);
        if (name === undefined) {
          if (verdicts.size >= VERDICT_CACHE_LIMIT) verdicts.clear();
          name = lookup(process);
          verdicts.set(process, name);
        }
        if (name !== null) return { process: baseName(process), name };
      }
      return null;
    },
  };
}

// The engine is handed the same programs array (limits are replaced, never
// mutated in place) every tick: build its matcher once.
const matchers = new WeakMap<readonly string[], ProgramMatcher>();

export function matcherFor(programs: readonly string[]): ProgramMatcher {
  let matcher = matchers.get(programs);
  if (!matcher) matchers.set(programs, (matcher = createProgramMatcher(programs)));
  return matcher;
}

import type { Reason } from '../decision.ts';
import { matcherFor, programDisplayName } from '../detect.ts';
import { formatWhen } from '../format.ts';
import type { RuleInput, RuleOutcome } from './rule.ts';

/**
 * After the game (or fullscreen app, or other GPU program) goes, wait this
 * long before taking the GPU back: games restart themselves after an update
 * or a crash, and a model loading onto the GPU right then would stutter the
 * next launch. Pausing stays instant.
 */
export const GAMING_RESUME_DELAY_MS = 60_000;

type Sighting = { code: 'game-running' | 'gpu-busy' | 'fullscreen'; subject: string; text: string };

/** "Paused: Elden Ring is running (eldenring.exe)"; just "Paused: mygame.exe is running" when the name is the executable's. */
function paused(name: string, process: string, what: string): string {
  return name.toLowerCase() === process.toLowerCase() ? `Paused: ${process} ${what}` : `Paused: ${name} ${what} (${process})`;
}

function sight({ limits, signals, state }: RuleInput): Sighting | null {
  const { gaming } = limits;
  if (signals.processes !== 'unknown') {
    const match = matcherFor(gaming.programs).match(signals.processes);
    if (match) return { code: 'game-running', subject: match.name, text: paused(match.name, match.process, 'is running') };
  }
  if (gaming.pauseOnOtherGpuUsers && signals.gpuUsers !== 'unknown') {
    const other = signals.gpuUsers.find((user) => !state.ownPids.includes(user.pid));
    if (other) {
      const name = programDisplayName(other.name);
      return { code: 'gpu-busy', subject: name, text: paused(name, other.name, 'is using the GPU') };
    }
  }
  if (gaming.pauseOnFullscreen && signals.fullscreenApp !== null && signals.fullscreenApp !== 'unknown') {
    const app = signals.fullscreenApp.name;
    const name = programDisplayName(app);
    return { code: 'fullscreen', subject: name, text: paused(name, app, 'is fullscreen') };
  }
  return null;
}

/**
 * What cannot be detected here is said, never assumed absent. It does not
 * pause: on a rig without a desktop, or an OS that hides its process list,
 * Hearth would never run; the user sees that this protection is off.
 */
function unknowns({ limits, signals }: RuleInput): Reason[] {
  const notes: Reason[] = [];
  if (signals.processes === 'unknown') notes.push({ code: 'processes-unknown', text: 'Game detection unavailable: the list of running programs cannot be read here' });
  if (limits.gaming.pauseOnOtherGpuUsers && signals.gpuUsers === 'unknown') {
    notes.push({ code: 'gpu-users-unknown', text: 'Cannot see other programs using the GPU here (the driver does not list them)' });
  }
  if (limits.gaming.pauseOnFullscreen && signals.fullscreenApp === 'unknown' && signals.interactiveSession !== false) {
    const why = signals.fullscreenUnknownReason;
    notes.push({ code: 'fullscreen-unknown', text: why ? `Fullscreen detection unavailable here: ${why}` : 'Fullscreen detection unavailable here' });
  }
  return notes;
}

const gone: Record<Sighting['code'], string> = {
  'game-running': 'just closed',
  'gpu-busy': 'just stopped using the GPU',
  fullscreen: 'just left fullscreen',
};

export function gamingRule(input: RuleInput): RuleOutcome {
  if (!input.limits.gaming.enabled) return { memory: { gaming: null } };
  const { now, zone } = input;
  const notes = unknowns(input);
  const sighting = sight(input);
  if (sighting) {
    return { pause: { code: sighting.code, text: sighting.text }, notes, memory: { gaming: { code: sighting.code, subject: sighting.subject, seenAt: now } } };
  }
  const last = input.state.memory.gaming;
  // Still running but no longer matched: the user took it off the list, it did not close — no wait.
  const removedByUser =
    last?.code === 'game-running' &&
    input.signals.processes !== 'unknown' &&
    input.signals.processes.some((process) => programDisplayName(process) === last.subject);
  if (last && !removedByUser) {
    // A clock set back must not stretch the wait: count from now at the latest.
    const seenAt = Math.min(last.seenAt, now);
    const resumeAt = seenAt + GAMING_RESUME_DELAY_MS;
    if (now < resumeAt) {
      return {
        pause: { code: 'game-cooldown', text: `Paused: ${last.subject} ${gone[last.code]} — resuming at ${formatWhen(resumeAt, now, zone)}` },
        notes,
        wakeAt: resumeAt,
        memory: { gaming: { ...last, seenAt } },
      };
    }
  }
  return { notes, memory: { gaming: null } };
}

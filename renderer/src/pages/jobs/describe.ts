/** How a job reads to people: its task in words, its state, how long it ran, why it failed. */
import type { Job, JobState, TaskKind } from '../../../../shared/jobs.ts';

export const taskNames: Record<TaskKind, string> = {
  ocr: 'Text recognition (OCR)',
  embedding: 'Text embedding',
  tensor: 'Tensor computation',
};

/** For narrow places (the Overview's recent jobs). */
export const shortTaskNames: Record<TaskKind, string> = {
  ocr: 'Text recognition',
  embedding: 'Embedding',
  tensor: 'Tensor',
};

export type JobTone = 'muted' | 'running' | 'ok' | 'paid' | 'err';

export const jobStates: Record<JobState, { label: string; tone: JobTone; hint: string }> = {
  accepted: { label: 'Accepted', tone: 'muted', hint: 'Accepted from the network; waiting for the worker.' },
  running: { label: 'Running', tone: 'running', hint: 'Running on this computer now.' },
  succeeded: { label: 'Completed', tone: 'ok', hint: 'Result delivered and credited; a voucher covers it soon.' },
  paid: { label: 'Paid', tone: 'paid', hint: "Covered by a voucher: the payer's signed promise, stored on this computer." },
  failed: { label: 'Failed', tone: 'err', hint: 'No result: not paid.' },
};

/** The failure codes people meet most often, in words; any other code is shown as it is. */
const failureWords: Record<string, string> = {
  paused: 'paused mid-job',
  preempted: 'paused mid-job',
  interrupted: 'Hearth stopped mid-job',
  deadline: 'ran past its deadline',
  out_of_memory: 'out of memory',
  worker_crashed: 'the worker crashed',
  worker_unavailable: 'no worker available',
  model_unavailable: 'model could not be fetched',
  hash_mismatch: "model's hash did not match",
  invalid_input: 'inputs were invalid',
  bad_result: 'the network refused the result',
  job_expired: 'reported after the deadline',
};

export function failureText(code: string): string {
  return failureWords[code] ?? code.replaceAll('_', ' ');
}

/** How long the worker took: finished − started; null until both are known. */
export function jobDuration(job: Pick<Job, 'startedAt' | 'finishedAt'>): number | null {
  return job.startedAt !== null && job.finishedAt !== null ? Math.max(0, job.finishedAt - job.startedAt) : null;
}

/** Short, for a table cell: "85 ms", "1.4 s", "12 s", "2 min 5 s", "1 h 3 min". */
export function formatElapsed(ms: number): string {
  const value = Math.max(0, Math.round(ms));
  if (value < 1000) return `${value} ms`;
  if (value < 10_000) return `${(Math.floor(value / 100) / 10).toFixed(1)} s`;
  const seconds = Math.floor(value / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min${seconds % 60 ? ` ${seconds % 60} s` : ''}`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
}

const providerNames: Record<string, string> = { cpu: 'CPU', cuda: 'CUDA (NVIDIA)', dml: 'DirectML', coreml: 'Core ML', webgpu: 'WebGPU' };

/** An execution provider by its usual name ("cuda" → "CUDA (NVIDIA)"); unknown ones as they are. */
export function providerName(provider: string): string {
  return providerNames[provider] ?? provider;
}

/** A job's time to the second: today as a time of day, else with the date. */
export function formatClock(ms: number, now = Date.now()): string {
  const date = new Date(ms);
  const time: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', second: '2-digit' };
  return new Date(now).toDateString() === date.toDateString()
    ? new Intl.DateTimeFormat(undefined, time).format(date)
    : new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', ...time }).format(date);
}

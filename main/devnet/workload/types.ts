/**
 * The demo workload's shape, shared by the workload (what jobs to send and how
 * to check their results) and the reference coordinator (who sends them).
 */
import type { TaskKind } from '../../../shared/jobs.ts';
import type { JobInputs, JobOutputs } from '../../../shared/protocol/payloads.ts';

/** A model the local network's registry serves: bytes named by their sha256. */
export interface DemoModel {
  /** Stable id, e.g. `hearth/scale-v1`, `paddleocr/ppocr-v4`. */
  id: string;
  task: TaskKind;
  /** Lowercase hex sha256 of `bytes`. */
  sha256: string;
  bytes: Uint8Array;
}

/** One job the workload wants done, with what it needs to check the answer. */
export interface DemoJob {
  task: TaskKind;
  model: DemoModel;
  inputs: JobInputs;
  /** Base units of the payment token. */
  price: bigint;
  /** How long the node has, from the offer. */
  deadlineMs: number;
  /** Opaque to the coordinator: what `check` compares the outputs with. */
  expected: unknown;
}

export type CheckResult = { ok: true } | { ok: false; reason: string };

export interface Workload {
  /** Every model its jobs use (the registry serves these). */
  readonly models: readonly DemoModel[];
  /** The next job of the mix. */
  next(): DemoJob;
  /** Whether `outputs` is a right answer to `job`: never throws. */
  check(job: DemoJob, outputs: JobOutputs): CheckResult;
}

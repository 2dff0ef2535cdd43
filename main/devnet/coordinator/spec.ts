/**
 * A job's check material as the ledger keeps it while the job is open, so a
 * result that arrives after a restart can still be checked: the workload's
 * DemoJob without the model bytes (the registry has them, by sha256).
 *
 * V8's serializer rather than JSON: `expected` is the workload's own data
 * (typed arrays, bigints) and must come back as it went in. The bytes are
 * only ever read by this coordinator's own code, from its own ledger.
 */
import { deserialize, serialize } from 'node:v8';
import type { TaskKind } from '../../../shared/jobs.ts';
import type { JobInputs } from '../../../shared/protocol/payloads.ts';
import type { DemoJob, DemoModel } from '../workload/types.ts';

interface StoredSpec {
  task: TaskKind;
  modelId: string;
  modelSha256: string;
  inputs: JobInputs;
  price: bigint;
  deadlineMs: number;
  expected: unknown;
}

/** The job's spec; an empty one (a late result cannot be checked) if `expected` is not serializable data. */
export function encodeSpec(job: DemoJob): Uint8Array {
  const spec: StoredSpec = {
    task: job.task,
    modelId: job.model.id,
    modelSha256: job.model.sha256,
    inputs: job.inputs,
    price: job.price,
    deadlineMs: job.deadlineMs,
    expected: job.expected,
  };
  try {
    return serialize(spec);
  } catch {
    return new Uint8Array(0);
  }
}

/** The DemoJob again, with its model from `models` (or an entry without bytes if the workload no longer has it); undefined if unreadable. */
export function decodeSpec(bytes: Uint8Array | undefined, models: readonly DemoModel[]): DemoJob | undefined {
  if (!bytes || bytes.length === 0) return undefined;
  let spec: StoredSpec;
  try {
    spec = deserialize(bytes) as StoredSpec;
  } catch {
    return undefined;
  }
  if (typeof spec !== 'object' || spec === null || typeof spec.modelSha256 !== 'string') return undefined;
  const model = models.find((candidate) => candidate.sha256 === spec.modelSha256) ?? {
    id: spec.modelId,
    task: spec.task,
    sha256: spec.modelSha256,
    bytes: new Uint8Array(0),
  };
  return { task: spec.task, model, inputs: spec.inputs, price: spec.price, deadlineMs: spec.deadlineMs, expected: spec.expected };
}

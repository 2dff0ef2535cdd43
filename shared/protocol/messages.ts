/**
 * The coordinator protocol's messages, one JSON object per WebSocket frame,
 * each a zod schema: `{ v: 1, type, id, ...fields }`. Objects are strict
 * (unknown keys refused), strings and arrays bounded, frames at most
 * MAX_FRAME_BYTES. Money is base units as decimal strings on the wire and
 * `bigint` once decoded (shared/money.ts); job ids and hashes are 0x-bytes32.
 *
 * A session (issue 5): coordinator `hello` (nonce, network summary) → node
 * `login` (EIP-712 Login signature) → coordinator `ack` (or `error`) → node
 * `capabilities` and `availability` → coordinator `offer` → node `accept` or
 * `decline` → node `result` or `failed` → coordinator `ack`, later `voucher`
 * → node `ack` once the voucher is stored. Heartbeats both ways. `ack.ref`
 * and `error.ref` name the message id they answer.
 */
import { z } from 'zod';
import { baseUnits } from '../money.ts';
import { sha256HexSchema, taskKindSchema } from '../jobs.ts';
import { addressSchema, signatureSchema, voucherSchema } from '../voucher.ts';
import { workerErrorCodes, type ExecutionProviderName } from '../worker-protocol.ts';
import { httpUrlSchema, coordinatorUrlSchema, networkSummarySchema } from './manifest.ts';
import { bytes32Schema, jobInputsSchema, jobOutputsSchema } from './payloads.ts';
import { PROTOCOL_VERSION } from './version.ts';

export { PROTOCOL_VERSION } from './version.ts';

/** Largest frame either side accepts, in bytes of UTF-8 JSON. */
export const MAX_FRAME_BYTES = 8 * 1024 * 1024;
export const MAX_MESSAGE_ID_CHARS = 64;
export const MAX_MODELS = 1024;
export const MAX_VOUCHER_JOBS = 4096;
export const MAX_TEXT_CHARS = 1024;
/** Parse failures list at most this many issues (a hostile frame must not make a huge log line). */
export const MAX_ISSUES = 10;

// ---- building blocks ---------------------------------------------------------------

/** A message id: uuid-ish, 1–64 of [A-Za-z0-9._:-]. */
export const messageIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,64}$/, 'must be 1–64 characters of letters, digits and . _ : -');

/** Milliseconds since the epoch. */
export const epochMsSchema = z.number().int('must be whole milliseconds').nonnegative().max(Number.MAX_SAFE_INTEGER);

const nonceSchema = z.string().regex(/^[A-Za-z0-9_-]{16,128}$/, 'must be 16–128 characters of letters, digits, _ and -');

export const modelIdSchema = z.string().regex(/^[\x21-\x7e]{1,256}$/, 'must be 1–256 printable ASCII characters without spaces');

const text = (max = MAX_TEXT_CHARS) => z.string().max(max, `must be at most ${max} characters`);

export const executionProviders = ['cpu', 'cuda', 'dml', 'coreml', 'webgpu'] as const satisfies readonly ExecutionProviderName[];
export const executionProviderSchema = z.enum(executionProviders);

function unique<T extends z.ZodType>(item: T, max: number) {
  return z
    .array(item)
    .max(max, `must hold at most ${max} items`)
    .refine((items) => new Set(items).size === items.length, 'must not repeat an item');
}

function message<const T extends string, S extends z.core.$ZodLooseShape>(type: T, shape: S) {
  return z.strictObject({ v: z.literal(PROTOCOL_VERSION), type: z.literal(type), id: messageIdSchema, ...shape });
}

// ---- the offer ----------------------------------------------------------------------

export const offerModelSchema = z.strictObject({
  id: modelIdSchema,
  sha256: sha256HexSchema,
  url: httpUrlSchema,
  sizeBytes: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
});

/** A job, as the payer signs it (eip712.ts `Offer`; `signature` over `offerDigest`). */
export const offerSchema = z
  .strictObject({
    jobId: bytes32Schema,
    task: taskKindSchema,
    model: offerModelSchema,
    inputs: jobInputsSchema,
    price: baseUnits,
    deadlineAt: epochMsSchema,
    payer: addressSchema,
    signature: signatureSchema,
  })
  .superRefine((offer, ctx) => {
    if (offer.inputs.task !== offer.task) {
      ctx.addIssue({ code: 'custom', path: ['inputs', 'task'], message: `must be the offer's task (${offer.task})` });
    }
  });
export type Offer = z.output<typeof offerSchema>;
export type OfferWire = z.input<typeof offerSchema>;

// ---- coordinator → node ---------------------------------------------------------------

export const coordinatorErrorCodes = [
  'frame_too_large',
  'malformed_json',
  'unknown_type',
  'unsupported_version',
  'schema',
  'not_logged_in',
  'bad_login',
  'unknown_job',
  /** A result or failure for a job whose deadline (plus grace) has passed: it is not paid. */
  'job_expired',
  'bad_result',
  'rate_limited',
  'shutting_down',
  'internal',
] as const;
export type CoordinatorErrorCode = (typeof coordinatorErrorCodes)[number];

export const coordinatorMessageSchema = z.discriminatedUnion('type', [
  message('hello', {
    /** What the node signs in its Login. */
    nonce: nonceSchema,
    serverTime: epochMsSchema,
    /** How often the coordinator expects a heartbeat. */
    heartbeatMs: z.number().int().min(1000).max(600_000),
    network: networkSummarySchema,
  }),
  message('offer', { offer: offerSchema }),
  message('voucher', {
    voucher: voucherSchema,
    /**
     * The jobs this voucher pays that the node has not yet acknowledged as
     * paid (the coordinator re-sends the latest voucher at login with the
     * jobs of every voucher the node never acked; empty when it acked them all).
     */
    jobIds: unique(bytes32Schema, MAX_VOUCHER_JOBS),
  }),
  message('heartbeat', { at: epochMsSchema }),
  message('error', {
    code: z.enum(coordinatorErrorCodes),
    message: text(),
    /** The message this answers, when there is one. */
    ref: messageIdSchema.nullable(),
    /** The coordinator closes the connection after this. */
    fatal: z.boolean(),
  }),
  message('ack', { ref: messageIdSchema }),
]);
export type CoordinatorMessage = z.output<typeof coordinatorMessageSchema>;
export type CoordinatorMessageWire = z.input<typeof coordinatorMessageSchema>;
export type CoordinatorMessageType = CoordinatorMessage['type'];
export type CoordinatorMessageOf<T extends CoordinatorMessageType> = Extract<CoordinatorMessage, { type: T }>;

// ---- node → coordinator -----------------------------------------------------------------

export const declineReasons = [
  'paused',
  'over_budget',
  'price_too_low',
  'unknown_task',
  'model_unavailable',
  'deadline_passed',
  'busy',
  'bad_signature',
  'payer_mismatch',
  'inputs_invalid',
  'duplicate',
  'shutting_down',
] as const;
export type DeclineReason = (typeof declineReasons)[number];

/** Why a job the node accepted did not produce a result: the worker's codes, plus the node's own. */
export const failureCodes = [...workerErrorCodes, 'interrupted', 'model_unavailable', 'internal'] as const;
export type FailureCode = (typeof failureCodes)[number];

const mebibytes = z.number().int().nonnegative().max(2 ** 30);

export const nodeMessageSchema = z.discriminatedUnion('type', [
  message('login', {
    /** The node key's address: who signs the login and every result. */
    address: addressSchema,
    /** The wallet address vouchers are made out to; null while the node has no wallet (it earns credit until it names one). */
    payee: addressSchema.nullable(),
    /** The `hello`'s nonce, echoed. */
    nonce: nonceSchema,
    issuedAt: epochMsSchema,
    /** The coordinator URL the node signed for. */
    coordinator: coordinatorUrlSchema,
    /** EIP-712 Login (eip712.ts) by `address`. */
    signature: signatureSchema,
  }),
  message('capabilities', {
    tasks: unique(taskKindSchema, 3),
    models: z.array(z.strictObject({ id: modelIdSchema, sha256: sha256HexSchema })).max(MAX_MODELS, `must hold at most ${MAX_MODELS} models`),
    executionProviders: unique(executionProviderSchema, executionProviders.length),
    ramMiB: mebibytes,
    vramMiB: mebibytes.nullable(),
    /** The least the node takes for an hour of work, or null for no floor. */
    priceFloorPerHour: baseUnits.nullable(),
    /** Jobs the node runs at once: the coordinator keeps no more than this in flight. */
    maxConcurrentJobs: z.number().int().min(1).max(64),
  }),
  message('availability', {
    state: z.enum(['running', 'paused']),
    /** Why paused (the policy's reason); null while running. */
    reason: text(256).nullable(),
  }).refine((m) => (m.state === 'paused') === (m.reason !== null), { message: 'a pause needs a reason, and running has none', path: ['reason'] }),
  message('accept', { jobId: bytes32Schema }),
  message('decline', { jobId: bytes32Schema, reason: z.enum(declineReasons), message: text().nullable() }),
  message('result', {
    jobId: bytes32Schema,
    outputs: jobOutputsSchema,
    /** `hashOutputs(outputs)`. */
    resultHash: bytes32Schema,
    completedAt: epochMsSchema,
    /** EIP-712 JobResult (eip712.ts) by the logged-in node. */
    signature: signatureSchema,
    metrics: z.strictObject({
      durationMs: z.number().nonnegative().max(7 * 24 * 3600 * 1000),
      executionProvider: executionProviderSchema,
    }),
  }),
  message('failed', { jobId: bytes32Schema, code: z.enum(failureCodes), message: text() }),
  message('heartbeat', { at: epochMsSchema }),
  /** Of a voucher (once stored) or an offer (once seen). */
  message('ack', { ref: messageIdSchema }),
]);
export type NodeMessage = z.output<typeof nodeMessageSchema>;
export type NodeMessageWire = z.input<typeof nodeMessageSchema>;
export type NodeMessageType = NodeMessage['type'];
export type NodeMessageOf<T extends NodeMessageType> = Extract<NodeMessage, { type: T }>;

export const coordinatorMessageTypes: readonly CoordinatorMessageType[] = ['hello', 'offer', 'voucher', 'heartbeat', 'error', 'ack'];
export const nodeMessageTypes: readonly NodeMessageType[] = [
  'login',
  'capabilities',
  'availability',
  'accept',
  'decline',
  'result',
  'failed',
  'heartbeat',
  'ack',
];

// ---- parsing --------------------------------------------------------------------------

export const parseFailureReasons = ['frame_too_large', 'malformed_json', 'unsupported_version', 'unknown_type', 'schema'] as const;
export type ParseFailureReason = (typeof parseFailureReasons)[number];

export type ParseResult<M> =
  | { ok: true; message: M }
  | {
      ok: false;
      reason: ParseFailureReason;
      /** "path: message", at most MAX_ISSUES. */
      issues: string[];
      /** The frame's message id when it had a well-formed one, to answer with `error.ref`. */
      ref: string | null;
    };

/** UTF-8 length of a string, stopping early past `limit`. */
function utf8Length(text: string, limit: number): number {
  return text.length > limit ? text.length : utf8Exact(text);
}
function utf8Exact(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

const fail = (reason: ParseFailureReason, issues: string[], ref: string | null = null) => ({ ok: false as const, reason, issues, ref });

function summarise(error: z.ZodError): string[] {
  const lines = error.issues.slice(0, MAX_ISSUES).map((issue) => {
    const path = issue.path.map(String).join('.');
    return path ? `${path}: ${issue.message}` : issue.message;
  });
  if (error.issues.length > MAX_ISSUES) lines.push(`… and ${error.issues.length - MAX_ISSUES} more`);
  return lines;
}

/**
 * One frame → one message of a direction. `frame` is the JSON text (a string,
 * or UTF-8 bytes as a Uint8Array/ArrayBuffer); any other value is taken as
 * JSON already parsed (no frame size then). Never throws.
 */
function parseFrame<S extends z.ZodType>(frame: unknown, schema: S, types: readonly string[]): ParseResult<z.output<S>> {
  try {
    return parseUnsafe(frame, schema, types);
  } catch {
    // Only a value that is not plain JSON data (a throwing getter, a proxy) gets here: a frame's JSON.parse output never does.
    return fail('schema', ['the message is not plain JSON data']);
  }
}

function parseUnsafe<S extends z.ZodType>(frame: unknown, schema: S, types: readonly string[]): ParseResult<z.output<S>> {
  let value: unknown = frame;
  if (typeof frame === 'string' || frame instanceof Uint8Array || frame instanceof ArrayBuffer) {
    let textFrame: string;
    if (typeof frame === 'string') {
      if (utf8Length(frame, MAX_FRAME_BYTES) > MAX_FRAME_BYTES) return fail('frame_too_large', [`the frame exceeds ${MAX_FRAME_BYTES} bytes`]);
      textFrame = frame;
    } else {
      if (frame.byteLength > MAX_FRAME_BYTES) return fail('frame_too_large', [`the frame exceeds ${MAX_FRAME_BYTES} bytes`]);
      try {
        textFrame = new TextDecoder('utf-8', { fatal: true }).decode(frame);
      } catch {
        return fail('malformed_json', ['the frame is not UTF-8']);
      }
    }
    try {
      value = JSON.parse(textFrame);
    } catch (error) {
      return fail('malformed_json', [error instanceof Error ? error.message.slice(0, 200) : 'not JSON']);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('schema', ['the message must be a JSON object']);
  const record = value as Record<string, unknown>;
  const id = record['id'];
  const ref = messageIdSchema.safeParse(id).success ? (id as string) : null;
  const v = record['v'];
  if (typeof v !== 'number') return fail('schema', ['v: must be the protocol version (a number)'], ref);
  if (v !== PROTOCOL_VERSION) return fail('unsupported_version', [`v: ${String(v).slice(0, 20)} is not supported; this side speaks ${PROTOCOL_VERSION}`], ref);
  const type = record['type'];
  if (typeof type !== 'string') return fail('schema', ['type: must be a string'], ref);
  if (!types.includes(type)) return fail('unknown_type', [`type: ${JSON.stringify(type.slice(0, 64))} is not a message this side receives`], ref);
  const result = schema.safeParse(value);
  if (!result.success) return fail('schema', summarise(result.error), ref);
  return { ok: true, message: result.data };
}

/** A frame from the coordinator, as the node reads it. */
export function parseCoordinatorMessage(frame: unknown): ParseResult<CoordinatorMessage> {
  return parseFrame(frame, coordinatorMessageSchema, coordinatorMessageTypes);
}

/** A frame from a node, as the coordinator reads it. */
export function parseNodeMessage(frame: unknown): ParseResult<NodeMessage> {
  return parseFrame(frame, nodeMessageSchema, nodeMessageTypes);
}

// ---- encoding ---------------------------------------------------------------------------

export class FrameTooLargeError extends Error {
  override name = 'FrameTooLargeError';
}

function encodeFrame<S extends z.ZodType>(schema: S, message: z.output<S>): string {
  const textFrame = JSON.stringify(z.encode(schema, message));
  if (utf8Length(textFrame, MAX_FRAME_BYTES) > MAX_FRAME_BYTES) throw new FrameTooLargeError(`the message exceeds ${MAX_FRAME_BYTES} bytes`);
  return textFrame;
}

/** The frame for a coordinator message: validated (throws a ZodError if invalid) and size-checked (`FrameTooLargeError`). */
export function encodeCoordinatorMessage(message: CoordinatorMessage): string {
  return encodeFrame(coordinatorMessageSchema, message);
}

/** The frame for a node message: validated and size-checked, like `encodeCoordinatorMessage`. */
export function encodeNodeMessage(message: NodeMessage): string {
  return encodeFrame(nodeMessageSchema, message);
}

/** A fresh message id (a random UUID). */
export function newMessageId(): string {
  return globalThis.crypto.randomUUID();
}

/**
 * The one contract between the UI and the node. Every method the renderer may
 * call is a name with a zod input schema and a zod output schema; every pushed
 * event is a name with a zod payload. The Electron IPC binding, the preload
 * keyhole, the headless HTTP/WebSocket server and both renderer transports are
 * generic over these two maps: adding a method touches this file and its
 * handler, nothing else.
 *
 * On the wire values are in their *encoded* form (JSON-safe: bigint money as
 * decimal strings); each side decodes with the same schema.
 */
import { z } from 'zod';
import { nodeStatusSchema, pauseInputSchema } from './node.ts';
import { settingsPatchSchema, settingsSchema } from './settings.ts';
import { workerStatusSchema } from './worker.ts';
import { limitsSchema } from './limits.ts';
import { policyStatusSchema } from './policy.ts';
import { jobSchema, jobsListInputSchema, jobsSummarySchema } from './jobs.ts';
import { networkStatusSchema } from './network.ts';
import {
  balancesSchema,
  chainTxSchema,
  earningsSchema,
  walletInputs,
  walletStatusSchema,
  withdrawalQuoteSchema,
} from './wallet.ts';

/** Methods that take no input accept nothing, or an empty object. */
const noInput = z.object({}).strict().optional();

export const methods = {
  'node.status': { input: noInput, output: nodeStatusSchema },
  'node.pause': { input: pauseInputSchema.optional(), output: nodeStatusSchema },
  'node.resume': { input: noInput, output: nodeStatusSchema },
  'settings.get': { input: noInput, output: settingsSchema },
  'settings.update': { input: settingsPatchSchema, output: settingsSchema },
  'worker.status': { input: noInput, output: workerStatusSchema },
  'limits.get': { input: noInput, output: limitsSchema },
  /** The whole limits object: validated as one (overlapping windows, duplicate programs…); nothing is saved on any problem. */
  'limits.update': { input: limitsSchema, output: limitsSchema },
  'policy.status': { input: noInput, output: policyStatusSchema },
  'network.status': { input: noInput, output: networkStatusSchema },
  /** Accepts the payer (chain, escrow, token) the network now announces, after it changed from the pinned one. */
  'network.acceptPayer': { input: noInput, output: networkStatusSchema },
  'jobs.list': { input: jobsListInputSchema, output: z.array(jobSchema) },
  'jobs.summary': { input: noInput, output: jobsSummarySchema },
  'wallet.status': { input: noInput, output: walletStatusSchema },
  'wallet.create': { input: walletInputs.create, output: walletStatusSchema },
  'wallet.importPhrase': { input: walletInputs.importPhrase, output: walletStatusSchema },
  'wallet.importKey': { input: walletInputs.importKey, output: walletStatusSchema },
  'wallet.unlock': { input: walletInputs.unlock, output: walletStatusSchema },
  'wallet.lock': { input: noInput, output: walletStatusSchema },
  'wallet.changePassphrase': { input: walletInputs.changePassphrase, output: walletStatusSchema },
  /** The one answer that carries a secret: the recovery phrase, after the passphrase. */
  'wallet.exportPhrase': { input: walletInputs.exportPhrase, output: z.object({ phrase: z.string() }) },
  'wallet.balances': { input: noInput, output: balancesSchema },
  'wallet.earnings': { input: noInput, output: earningsSchema },
  'wallet.transactions': { input: walletInputs.transactions, output: z.array(chainTxSchema) },
  'wallet.claim': { input: walletInputs.claim, output: chainTxSchema },
  'wallet.quoteWithdrawal': { input: walletInputs.quoteWithdrawal, output: withdrawalQuoteSchema },
  'wallet.withdraw': { input: walletInputs.withdraw, output: chainTxSchema },
} as const satisfies Record<string, { input: z.ZodType; output: z.ZodType }>;

export const events = {
  'node.statusChanged': nodeStatusSchema,
  'settings.changed': settingsSchema,
  'worker.statusChanged': workerStatusSchema,
  'limits.changed': limitsSchema,
  'policy.changed': policyStatusSchema,
  'network.changed': networkStatusSchema,
  /** Jobs changed (accepted, finished, paid): at most a few times a second, re-read with jobs.list / jobs.summary. */
  'jobs.changed': z.object({ at: z.number().int() }),
  'wallet.changed': walletStatusSchema,
  'wallet.transactionChanged': chainTxSchema,
  /** A voucher was stored: earnings changed. */
  'wallet.earningsChanged': z.object({ at: z.number().int() }),
} as const satisfies Record<string, z.ZodType>;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodInput<M extends MethodName> = z.output<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;
/** The input as it travels (before decoding). */
export type WireInput<M extends MethodName> = z.input<Methods[M]['input']>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export const methodNames = Object.keys(methods) as MethodName[];
export const eventNames = Object.keys(events) as EventName[];

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.hasOwn(methods, name);
}
export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}

/** Arguments of a call: the input may be left out where the schema allows it. */
export type InvokeArgs<M extends MethodName> =
  undefined extends MethodInput<M> ? [input?: MethodInput<M>] : [input: MethodInput<M>];

// ---- errors and the reply envelope --------------------------------------

/**
 * `refused`: a valid request the node turned down for a reason the user can act
 * on (wrong passphrase, balance too low, nothing to claim); `reason` names it.
 */
export const apiErrorCodes = ['invalid_input', 'unknown_method', 'unauthorized', 'internal', 'unavailable', 'refused'] as const;
export type ApiErrorCode = (typeof apiErrorCodes)[number];

export const apiErrorSchema = z.object({
  code: z.enum(apiErrorCodes),
  message: z.string(),
  /** For `invalid_input`: one line per problem, "path: message". */
  issues: z.array(z.string()).optional(),
  /** For `refused`: a machine-readable reason, e.g. `wrong_passphrase`. */
  reason: z.string().optional(),
});
export type ApiErrorShape = z.infer<typeof apiErrorSchema>;

export const replySchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: apiErrorSchema }),
]);
export type Reply = z.infer<typeof replySchema>;

/** A failed call, as both sides see it. */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly code: ApiErrorCode;
  readonly issues: readonly string[] | undefined;
  readonly reason: string | undefined;

  constructor(code: ApiErrorCode, message: string, issues?: readonly string[], reason?: string) {
    super(message);
    this.code = code;
    this.issues = issues;
    this.reason = reason;
  }

  toShape(): ApiErrorShape {
    return {
      code: this.code,
      message: this.message,
      ...(this.issues ? { issues: [...this.issues] } : {}),
      ...(this.reason === undefined ? {} : { reason: this.reason }),
    };
  }

  static fromShape(shape: ApiErrorShape): ApiError {
    return new ApiError(shape.code, shape.message, shape.issues, shape.reason);
  }
}

/** One line per zod issue: "durationMs: must be at least one minute". */
export function summariseIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return path ? `${path}: ${issue.message}` : issue.message;
  });
}

export function encodeEvent<E extends EventName>(name: E, payload: EventPayload<E>): unknown {
  return z.encode(events[name] as z.ZodType, payload);
}

export function decodeEvent<E extends EventName>(name: E, payload: unknown): EventPayload<E> {
  return z.decode(events[name] as z.ZodType, payload) as EventPayload<E>;
}

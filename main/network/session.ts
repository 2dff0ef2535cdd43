/**
 * One logged-in conversation over one socket: what the node said at login
 * (its payee, the tasks it announced) and which of its messages still wait
 * for the coordinator's `ack` or `error`. Everything sent goes through here,
 * encoded and checked by the protocol schemas.
 */
import type { TaskKind } from '../../shared/jobs.ts';
import { encodeNodeMessage, MAX_TEXT_CHARS, newMessageId, PROTOCOL_VERSION, type NodeMessage, type NodeMessageType } from '../../shared/protocol/messages.ts';
import type { Address } from '../../shared/voucher.ts';
import type { CoordinatorSocket } from './connection.ts';

/** What is about to go on the wire: a test seam to check the store at that instant. */
export interface OutgoingFrame {
  type: NodeMessageType;
  id: string;
  jobId: string | null;
}

/** A message waiting for its answer: a job's result or failure. */
export interface AwaitingAnswer {
  kind: 'result' | 'failed';
  jobId: string;
}

type WithoutEnvelope<M> = M extends unknown ? Omit<M, 'v' | 'id'> : never;
export type OutgoingMessage = WithoutEnvelope<NodeMessage>;

/** How many of its latest message ids a session remembers: what a coordinator's `error` may answer. */
const REMEMBERED_IDS = 1024;

export class Session {
  readonly socket: CoordinatorSocket;
  readonly openedAt = performance.now();
  readonly #beforeSend: ((frame: OutgoingFrame) => void) | undefined;
  /** The login's message id while it waits for `ack`; then null. */
  loginId: string | null = null;
  loggedIn = false;
  helloSeen = false;
  /** Why we ended this session, when we did: shown as the status's error. */
  endReason: string | null = null;
  /** The payee this session logged in with. */
  payee: Address | null = null;
  /** What the node announced in `capabilities`: offers for other tasks are declined. */
  tasks: readonly TaskKind[] = [];
  readonly awaiting = new Map<string, AwaitingAnswer>();
  readonly #sent = new Set<string>();

  constructor(socket: CoordinatorSocket, beforeSend?: (frame: OutgoingFrame) => void) {
    this.socket = socket;
    this.#beforeSend = beforeSend;
  }

  /** Encodes and sends one message; returns its id, or null when the socket had closed. Throws if the message breaks the schema. */
  send(message: OutgoingMessage): string | null {
    const id = newMessageId();
    const full = { ...message, v: PROTOCOL_VERSION, id } as NodeMessage;
    const frame = encodeNodeMessage(full);
    return this.sendFrame(frame, { type: full.type, id, jobId: 'jobId' in full ? full.jobId : null }) ? id : null;
  }

  /** Sends an already encoded frame (a stored result); `answer` registers what its ack settles. */
  sendFrame(frame: string, meta: OutgoingFrame, answer?: AwaitingAnswer): boolean {
    if (!this.socket.isOpen) return false;
    this.#beforeSend?.(meta);
    if (answer) this.awaiting.set(meta.id, answer);
    if (!this.socket.send(frame)) return false;
    this.#sent.add(meta.id);
    if (this.#sent.size > REMEMBERED_IDS) this.#sent.delete(this.#sent.values().next().value as string);
    return true;
  }

  /** Whether a result or failure of `jobId` sent on this connection waits for its answer. */
  awaitingJob(jobId: string): boolean {
    for (const answer of this.awaiting.values()) if (answer.jobId === jobId) return true;
    return false;
  }

  /** Whether `id` is one of the latest messages sent on this connection. */
  sentRecently(id: string): boolean {
    return this.#sent.has(id);
  }

  /** Sends a job's `failed` and remembers it until answered. */
  sendFailure(jobId: string, code: Extract<NodeMessage, { type: 'failed' }>['code'], message: string): boolean {
    const id = newMessageId();
    const full: NodeMessage = { v: PROTOCOL_VERSION, id, type: 'failed', jobId: jobId as `0x${string}`, code, message: message.slice(0, MAX_TEXT_CHARS) };
    return this.sendFrame(encodeNodeMessage(full), { type: 'failed', id, jobId }, { kind: 'failed', jobId });
  }
}

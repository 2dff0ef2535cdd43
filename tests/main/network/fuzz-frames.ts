/**
 * Hostile coordinator frames from a seeded PRNG, each with what the protocol
 * says the node must do with it: drop it and count it, decline the offer it
 * names, answer a repeat as before, or lose the connection (a frame the
 * socket itself refuses). The categories follow issue 5's "Bad input" list;
 * the schema mutations walk every field of every coordinator message.
 */
import type { LocalAccount } from 'viem';
import type { Random } from '../../../main/devnet/workload/random.ts';
import type { VoucherRejection } from '../../../main/wallet/vouchers.ts';
import {
  encodeCoordinatorMessage,
  MAX_FRAME_BYTES,
  parseCoordinatorMessage,
  PROTOCOL_VERSION,
  type DeclineReason,
  type Offer,
} from '../../../shared/protocol/messages.ts';
import type { Address, Hex, Voucher } from '../../../shared/voucher.ts';
import { randomHex, type FuzzCoordinator, type Unsent } from './fuzz-coordinator.ts';
import { DEEP, frameText, isObject, malleable, mutate, offCurveSignature, pick, type Json, type JsonObject } from './fuzz-mutations.ts';

export type Expectation =
  /** Refused and counted as one rejection; nothing is answered. */
  | { kind: 'dropped' }
  /** Answered with a decline for `jobId` (with `reason` when the frame fixes it); `counted`: also a rejection. */
  | { kind: 'declined'; jobId: string; reason: DeclineReason | null; counted: boolean }
  /** A repeat of an offer the node holds: accepted again, nothing runs again. */
  | { kind: 'accepted'; jobId: string }
  /** A repeat of a voucher the node holds: acknowledged, nothing stored; `counted` when it names jobs the node cannot pay with it. */
  | { kind: 'acked'; ref: string; counted: boolean }
  /** Valid, and nothing to answer (a heartbeat). */
  | { kind: 'ignored' }
  /** Refused by the socket: the connection ends (and the client dials again); `counted` as one rejection. */
  | { kind: 'closes'; counted: boolean };

export interface Frame {
  category: string;
  data: string | Buffer;
  binary: boolean;
  expect: Expectation;
}

/** What the generator builds frames from: signed material made once, and what the node holds. */
export interface FuzzWorld {
  random: Random;
  coordinator: FuzzCoordinator;
  /** The node's payee. */
  payee: Address;
  stranger: LocalAccount;
  /** Valid wire messages of every coordinator type: mutated field by field. */
  templates: JsonObject[];
  offers: {
    expired: Offer[];
    otherPayer: Offer[];
    /** For a task the node did not announce. */
    unknownTask: Offer[];
    signedByStranger: Offer[];
    /** Valid and in time: only ever sent changed after signing. */
    fresh: Offer[];
  };
  vouchers: {
    /** Refused by the verifier, each for its own reason. */
    refused: { voucher: Voucher; reason: VoucherRejection }[];
    /** The highest voucher the node holds. */
    held: Voucher;
    /** Valid and higher than the held one: only ever sent with a malleable signature. */
    higher: Voucher;
  };
  /** An offer the node ran (a repeat is accepted again) and the job it paid. */
  heldOffer: Offer;
  paidJobId: Hex;
  /** A job the node completed that no voucher pays yet. */
  unpaidJobId: Hex;
  /** Ids of coordinator messages: no node message has them. */
  coordinatorIds: string[];
}

/** Ids the node sent on other connections than the current one: they answer nothing on this one. */
function otherConnectionsIds(world: FuzzWorld): string[] {
  const { coordinator } = world;
  return [...coordinator.nodeIds].flatMap(([connection, ids]) => (connection === coordinator.ready ? [] : ids.slice(0, 50)));
}

/** A ref that answers nothing on the current connection: made up, a coordinator id, or a node id of an earlier connection. */
function unknownRef(world: FuzzWorld): string {
  const { random } = world;
  const roll = random.next();
  const earlier = otherConnectionsIds(world);
  if (roll < 0.3 && earlier.length > 0) return pick(random, earlier);
  if (roll < 0.6) return pick(random, world.coordinatorIds);
  return messageId(random);
}

const messageId = (random: Random): string => `fz-${randomHex(random, 8).slice(2)}`;

/** A coordinator message in wire form (checked by the protocol's encoder, so the template itself is valid). */
export function wire(message: Unsent, random: Random): JsonObject {
  return JSON.parse(encodeCoordinatorMessage({ ...message, v: PROTOCOL_VERSION, id: messageId(random) })) as JsonObject;
}

function offerFrame(offer: Offer, random: Random): JsonObject {
  return wire({ type: 'offer', offer }, random);
}

function voucherFrame(voucher: Voucher, jobIds: Hex[], random: Random): JsonObject {
  return wire({ type: 'voucher', voucher, jobIds }, random);
}

// ---- what the protocol says about a frame that fails to parse ------------------------------------

const BYTES32 = /^0x[0-9a-f]{64}$/;

/**
 * A frame the node's parser refuses: an `offer` (of this protocol version,
 * or with no readable version) that names a readable job id is declined;
 * anything else is dropped and counted.
 */
function refused(text: string): Expectation {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { kind: 'dropped' };
  }
  if (!isObject(raw) || raw['type'] !== 'offer' || (typeof raw['v'] === 'number' && raw['v'] !== PROTOCOL_VERSION)) return { kind: 'dropped' };
  const offer = Object.hasOwn(raw, 'offer') ? raw['offer'] : undefined;
  const jobId = isObject(offer) && Object.hasOwn(offer, 'jobId') ? offer['jobId'] : undefined;
  return typeof jobId === 'string' && BYTES32.test(jobId) ? { kind: 'declined', jobId, reason: null, counted: true } : { kind: 'dropped' };
}

/** `text` if the node's parser refuses it (with what must happen to it), else null: the caller makes another. */
function invalidFrame(category: string, text: string, binary = false): Frame | null {
  if (parseCoordinatorMessage(text).ok) return null;
  return { category, data: binary ? Buffer.from(text, 'utf8') : text, binary, expect: refused(text) };
}

// ---- the generator ----------------------------------------------------------------------------------

/** Frames of one category: each returns null when it made a frame the node would accept (another is made). */
type Maker = (world: FuzzWorld) => Frame | null;

const declined = (category: string, frame: JsonObject, jobId: string, reason: DeclineReason, binary = false): Frame => ({
  category,
  data: binary ? Buffer.from(JSON.stringify(frame)) : JSON.stringify(frame),
  binary,
  expect: { kind: 'declined', jobId, reason, counted: true },
});

/** One of the world's offers of a kind the node must decline, for `reason`. */
const declinedOffer =
  (kind: Exclude<keyof FuzzWorld['offers'], 'fresh'>, category: string, reason: DeclineReason): Maker =>
  ({ random, offers }) => {
    const offer = pick(random, offers[kind]);
    return declined(category, offerFrame(offer, random), offer.jobId, reason);
  };

const dropped = (category: string, frame: JsonObject): Frame => ({ category, data: JSON.stringify(frame), binary: false, expect: { kind: 'dropped' } });

/** Changes one signed field of a valid offer after it was signed: the signature no longer covers it. */
function tampered(world: FuzzWorld): Frame {
  const { random } = world;
  const base = pick(random, world.offers.fresh);
  const offer: Offer = structuredClone(base);
  let reason: DeclineReason = 'bad_signature';
  switch (random.int(0, 9)) {
    case 0: {
      // Inputs that no longer hash to what was signed.
      if (offer.inputs.task !== 'tensor') throw new Error('fresh offers are tensor jobs');
      const [x] = offer.inputs.tensors;
      if (!x) throw new Error('no input');
      const bytes = Buffer.from(x.data, 'base64');
      const at = random.int(0, bytes.length - 1);
      bytes[at] = (bytes[at] ?? 0) ^ (1 + random.int(0, 254));
      offer.inputs.tensors = [{ ...x, data: bytes.toString('base64') }];
      break;
    }
    case 1:
      offer.model.sha256 = randomHex(random, 32).slice(2); // a model other than the one signed for
      break;
    case 2:
      offer.price += BigInt(random.int(1, 1_000_000));
      break;
    case 3:
      offer.deadlineAt += random.int(1, 60_000);
      break;
    case 4:
      offer.jobId = randomHex(random, 32);
      break;
    case 5:
      offer.payer = world.stranger.address; // checked before the signature
      reason = 'payer_mismatch';
      break;
    case 6:
      offer.signature = malleable(offer.signature);
      break;
    case 7:
      offer.signature = random.next() < 0.5 ? `${randomHex(random, 64)}${pick(random, ['1b', '1c'])}` : offCurveSignature(random);
      break;
    case 8:
      offer.signature = `${offer.signature.slice(0, 130)}${pick(random, ['00', '01', '1d', 'ff'])}` as Hex;
      break;
    default:
      offer.signature = `0x${'0'.repeat(64)}${offer.signature.slice(66)}` as Hex; // r = 0
  }
  return declined('offer: changed after signing', offerFrame(offer, random), offer.jobId, reason, random.next() < 0.1);
}

const MAKERS: [weight: number, make: Maker][] = [
  // Malformed JSON: cut short, garbage, trailing junk, not an object, a BOM, empty.
  [
    8,
    ({ random, templates }) => {
      const text = JSON.stringify(pick(random, templates));
      switch (random.int(0, 6)) {
        case 0:
          return invalidFrame('json: cut short', text.slice(0, random.int(0, text.length - 1)));
        case 1:
          return invalidFrame('json: garbage', Array.from({ length: random.int(1, 300) }, () => String.fromCharCode(random.int(32, 126))).join(''));
        case 2:
          return invalidFrame('json: trailing junk', `${text}${pick(random, ['}', ',', ' x', '{}', '\u0000'])}`);
        case 3:
          return invalidFrame('json: not an object', pick(random, ['null', '[]', '42', '"offer"', 'true', '[{"v":1,"type":"ack"}]', '-0', '1e999']));
        case 4:
          return invalidFrame('json: byte order mark', `\ufeff${text}`);
        case 5:
          return invalidFrame('json: empty', pick(random, ['', ' ', '\n', '\t\r']));
        default:
          return invalidFrame('json: deep nesting', frameText(`${DEEP}${random.int(1_000, 20_000)}`));
      }
    },
  ],
  // Binary frames: random bytes (mostly not UTF-8), or JSON sent as binary.
  [
    6,
    ({ random, templates }) => {
      if (random.next() < 0.7) {
        const bytes = Buffer.from(Array.from({ length: random.int(1, 512) }, () => random.int(0, 255)));
        return { category: 'binary: random bytes', data: bytes, binary: true, expect: refused(bytes.toString('utf8')) };
      }
      return invalidFrame('binary: mutated JSON', frameText(mutate(pick(random, templates), random)), true);
    },
  ],
  // Unknown message types.
  [
    5,
    ({ random, templates }) => {
      const frame = structuredClone(pick(random, templates));
      frame['type'] = pick(random, ['login', 'result', 'accept', 'capabilities', 'OFFER', 'offers', '', ' hello', '__proto__', 'constructor', 'toString', 'x'.repeat(5000), 'ack\u0000']);
      return invalidFrame('unknown type', JSON.stringify(frame));
    },
  ],
  // Another protocol version, or none readable.
  [
    5,
    ({ random, templates }) => {
      const frame = structuredClone(pick(random, templates));
      const v = pick<Json | undefined>(random, [0, 2, -1, 1.5, 1e308, 2 ** 53, '1', null, true, [], {}, undefined]);
      if (v === undefined) delete frame['v'];
      else frame['v'] = v;
      return invalidFrame('version', JSON.stringify(frame));
    },
  ],
  // Schema violations: every field of every message type, mutated.
  [36, ({ random, templates }) => invalidFrame('schema', frameText(mutate(pick(random, templates), random)))],
  // Offers that parse but must be declined for what they are.
  [4, declinedOffer('expired', 'offer: deadline passed', 'deadline_passed')],
  [2, declinedOffer('otherPayer', 'offer: another payer', 'payer_mismatch')],
  [2, declinedOffer('unknownTask', 'offer: unknown task', 'unknown_task')],
  [2, declinedOffer('signedByStranger', 'offer: signed by a stranger', 'bad_signature')],
  [6, tampered],
  // The same job id again: with other terms it is a duplicate; as it was, it is a repeat.
  [
    1,
    ({ random, heldOffer }) =>
      random.next() < 0.5
        ? { category: 'offer: repeat', data: JSON.stringify(offerFrame(heldOffer, random)), binary: false, expect: { kind: 'accepted', jobId: heldOffer.jobId } }
        : {
            category: 'offer: same id, other terms',
            data: JSON.stringify(offerFrame({ ...heldOffer, deadlineAt: heldOffer.deadlineAt + 1 }, random)),
            binary: false,
            expect: { kind: 'declined', jobId: heldOffer.jobId, reason: 'duplicate', counted: false },
          },
  ],
  // Vouchers that do not verify, for another chain, escrow, payer or payee, or backwards.
  [
    6,
    ({ random, vouchers }) => {
      const { voucher } = pick(random, vouchers.refused);
      return dropped('voucher: refused', voucherFrame(voucher, random.next() < 0.5 ? [] : [randomHex(random, 32)], random));
    },
  ],
  [
    1,
    ({ random, vouchers }) => {
      const { higher } = vouchers;
      return dropped('voucher: malleable signature', voucherFrame({ ...higher, signature: malleable(higher.signature) }, [], random));
    },
  ],
  // The voucher the node holds, again: naming nothing new, jobs it never ran, or a job it holds unpaid (which it does not cover).
  [
    2,
    (world) => {
      const { random, vouchers } = world;
      const variant = random.int(0, 3);
      const jobIds: Hex[] = [[], [world.paidJobId], [randomHex(random, 32), randomHex(random, 32)], [world.unpaidJobId]][variant] ?? [];
      const frame = voucherFrame(vouchers.held, jobIds, random);
      const ref = frame['id'];
      if (typeof ref !== 'string') throw new Error('a wire message has a string id');
      return { category: 'voucher: repeat', data: JSON.stringify(frame), binary: false, expect: { kind: 'acked', ref, counted: variant >= 2 } };
    },
  ],
  // Acks that answer nothing: made up, or for node messages no ack is due for (answered long ago, or never answered by acks).
  [
    3,
    (world) => {
      const { random, coordinator } = world;
      const current = coordinator.nodeIds.get(coordinator.ready) ?? [];
      const ref = random.next() < 0.4 && current.length > 0 ? pick(random, current) : unknownRef(world);
      return dropped('ack: unknown ref', wire({ type: 'ack', ref }, random));
    },
  ],
  // Errors that answer nothing on this connection (counted), or complain about a message it did send (logged once per code).
  [
    3,
    (world) => {
      const { random, coordinator } = world;
      const code = pick(random, ['bad_result', 'job_expired', 'unknown_job', 'internal', 'schema', 'unsupported_version', 'rate_limited', 'bad_login'] as const);
      const message = 'x'.repeat(random.int(0, 1024));
      const latest = coordinator.nodeIds.get(coordinator.ready)?.at(-1);
      if (random.next() < 0.25 && latest !== undefined) {
        return { category: 'error: for a message sent', data: JSON.stringify(wire({ type: 'error', code, message, ref: latest, fatal: false }, random)), binary: false, expect: { kind: 'ignored' } };
      }
      return dropped('error: unknown ref', wire({ type: 'error', code, message, ref: unknownRef(world), fatal: false }, random));
    },
  ],
  // Heartbeats with absurd values (refused), or odd but valid ones (nothing to do).
  [
    2,
    ({ random }) => {
      if (random.next() < 0.15) {
        return { category: 'heartbeat: valid', data: JSON.stringify(wire({ type: 'heartbeat', at: pick(random, [0, Number.MAX_SAFE_INTEGER]) }, random)), binary: false, expect: { kind: 'ignored' } };
      }
      const at = pick<Json>(random, [-1, 1.5, 1e300, 2 ** 53 + 2, '1700000000000', null, true, [], {}, -0.5]);
      return invalidFrame('heartbeat: absurd', JSON.stringify({ v: 1, type: 'heartbeat', id: messageId(random), at }));
    },
  ],
  // A second hello on a logged-in connection.
  [1, ({ random, templates }) => dropped('hello: again', { ...(templates[0] ?? {}), id: messageId(random) })],
];

const TOTAL_WEIGHT = MAKERS.reduce((sum, [weight]) => sum + weight, 0);

/** The next hostile frame the connection survives. */
export function nextFrame(world: FuzzWorld): Frame {
  for (let attempt = 0; attempt < 1000; attempt++) {
    let roll = world.random.next() * TOTAL_WEIGHT;
    const maker = MAKERS.find(([weight]) => (roll -= weight) < 0)?.[1] ?? MAKERS[0]?.[1];
    const frame = maker?.(world);
    if (frame) return frame;
  }
  throw new Error('no hostile frame could be made');
}

/** Frames the socket itself refuses: the node's WebSocket closes, and the client must dial again. */
export function socketFrame(world: FuzzWorld, kind: 'oversized' | 'invalid_utf8' | 'fatal_error'): Frame {
  const { random } = world;
  switch (kind) {
    case 'oversized': {
      // Over the limit by a little or a lot, as text or binary.
      const size = MAX_FRAME_BYTES + pick(random, [1, 1024, 1024 * 1024]);
      return { category: 'socket: oversized', data: Buffer.alloc(size, 0x20), binary: random.next() < 0.5, expect: { kind: 'closes', counted: true } };
    }
    case 'invalid_utf8':
      return { category: 'socket: text frame of invalid UTF-8', data: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0xc0, 0x80, 0x22, 0x7d]), binary: false, expect: { kind: 'closes', counted: true } };
    case 'fatal_error':
      return {
        category: 'socket: fatal error for nothing',
        data: JSON.stringify(wire({ type: 'error', code: 'internal', message: 'goodbye', ref: messageId(random), fatal: true }, random)),
        binary: false,
        expect: { kind: 'closes', counted: true },
      };
  }
}

/** An offer frame just under the size limit, whose model id breaks the schema: read whole, then declined. */
export function nearLimitFrame(world: FuzzWorld): Frame {
  const offer = pick(world.random, world.offers.expired);
  const frame = offerFrame(offer, world.random);
  const inner = frame['offer'] as JsonObject;
  inner['model'] = { ...(inner['model'] as JsonObject), id: 'm'.repeat(MAX_FRAME_BYTES - 4096) };
  const text = JSON.stringify(frame);
  return { category: 'offer: near the size limit', data: text, binary: false, expect: refused(text) };
}

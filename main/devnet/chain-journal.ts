import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';

/**
 * The embedded chain's state on disk: a journal of the requests that changed
 * it, one JSON line each, replayed at start-up. EDR has no way to save or load
 * its state, and a restarted empty chain would be a new chain with the same id
 * and addresses (a fresh escrow there would pay yesterday's vouchers again),
 * so the journal is the chain.
 *
 * Line 1 is a header naming the chain (id, hardfork, genesis time and hash);
 * every other line is an entry: a request as it was executed, what it returned
 * (for sends) and the blocks it mined (first timestamp, last hash). Replay pins
 * each block's timestamp, the one input that comes from the wall clock, and
 * checks the hash of the last block an entry mined: equal hashes mean equal
 * state roots, so a replay that diverged in any way is caught at the entry
 * where it did.
 */

export const JOURNAL_VERSION = 1;

/** How the chain treats a request while it is journaled. */
export type MethodPolicy = 'read' | 'journal' | 'refuse';

/**
 * Requests that change the chain and replay exactly: given the same prior
 * state, the same request does the same thing, except for the wall clock,
 * which replay pins (block timestamps) or restores (the clock's offset).
 */
const JOURNALED_METHODS: ReadonlySet<string> = new Set([
  'eth_sendRawTransaction',
  'eth_sendTransaction',
  'evm_mine',
  'hardhat_mine',
  'evm_increaseTime',
  'evm_setNextBlockTimestamp',
  'evm_setAutomine',
  'evm_setBlockGasLimit',
  'hardhat_setBalance',
  'hardhat_setNonce',
  'hardhat_setCode',
  'hardhat_setStorageAt',
  'hardhat_setCoinbase',
  'hardhat_setMinGasPrice',
  'hardhat_setNextBlockBaseFeePerGas',
  'hardhat_setPrevRandao',
  'hardhat_dropTransaction',
  'hardhat_impersonateAccount',
  'hardhat_stopImpersonatingAccount',
]);

/** Test-namespace methods that change nothing a restart must keep. */
const HARMLESS_TEST_METHODS: ReadonlySet<string> = new Set(['hardhat_getAutomine', 'hardhat_metadata', 'hardhat_setLoggingEnabled']);

/** Namespaces of the standard (node) API: reads, signing, filters; their sends are journaled or refused. */
const STANDARD_NAMESPACES = ['eth_', 'net_', 'web3_', 'debug_', 'personal_'];

/**
 * An allowlist both ways: the standard namespaces are served (except sends we
 * do not journal, e.g. a future eth_sendRawTransactionSync), test methods only
 * if they are journaled or harmless. So evm_snapshot/evm_revert (would throw
 * away blocks the journal holds), hardhat_reset, interval mining (blocks mined
 * by a timer, not by a request) and any method added in a later Hardhat are
 * refused rather than silently lost on restart.
 */
export function methodPolicy(method: string): MethodPolicy {
  if (JOURNALED_METHODS.has(method)) return 'journal';
  if (HARMLESS_TEST_METHODS.has(method)) return 'read';
  if (method.startsWith('eth_send')) return 'refuse';
  return STANDARD_NAMESPACES.some((prefix) => method.startsWith(prefix)) ? 'read' : 'refuse';
}

/** Methods whose result (a transaction hash) must come out the same on replay. */
export const SEND_METHODS: ReadonlySet<string> = new Set(['eth_sendRawTransaction', 'eth_sendTransaction']);

// Block numbers and timestamps stay far below 2^53 (hardhat_mine of 2^53 blocks is not a thing), so plain JSON numbers.
const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const hash32 = z.string().regex(/^0x[0-9a-f]{64}$/);

export const journalHeaderSchema = z.strictObject({
  hearthChainJournal: z.literal(JOURNAL_VERSION),
  chainId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  hardfork: z.string().min(1),
  genesis: z.strictObject({ timestamp: count, hash: hash32 }),
});
export type JournalHeader = z.infer<typeof journalHeaderSchema>;

export const journalEntrySchema = z
  .strictObject({
    method: z.string().refine((method) => JOURNALED_METHODS.has(method), { error: 'not a journaled method' }),
    params: z.union([z.array(z.json()), z.record(z.string(), z.json())]),
    /** What a send returned: the transaction hash. */
    result: z.string().optional(),
    /** The blocks this request mined: numbers from..to, the first one's timestamp, the last one's hash. */
    mined: z.strictObject({ from: count, to: count, timestamp: count, hash: hash32 }).optional(),
    /** The chain clock's offset from the wall clock afterwards (s), so time keeps passing across restarts. */
    offset: z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER),
  })
  .refine((entry) => entry.mined === undefined || entry.mined.from <= entry.mined.to, { error: 'mined.from > mined.to' });
export type JournalEntry = z.infer<typeof journalEntrySchema>;

/** A journal that cannot be replayed: names the file (and line), never left to become an empty chain. */
export class ChainJournalError extends Error {
  override name = 'ChainJournalError';
  readonly file: string;
  readonly line: number | undefined;

  constructor(file: string, line: number | undefined, reason: string) {
    super(`The local chain's journal ${file}${line === undefined ? '' : ` (line ${line})`}: ${reason}`);
    this.file = file;
    this.line = line;
  }
}

const CHUNK_BYTES = 1 << 20;

interface Line {
  text: string;
  number: number;
}

/**
 * Reads a journal line by line (bounded memory: a long-lived chain's journal
 * can be larger than a string may be). A last line without its newline is a
 * write the process was killed in the middle of; its request was never
 * answered (an entry is answered after its newline is on disk), so it is cut
 * off the file before anything is appended after it.
 */
export class JournalReader {
  readonly file: string;
  /** Undefined for a new (absent or empty) journal. */
  header: JournalHeader | undefined;
  /** Bytes of a torn last line that were cut off; known once the entries have been read. */
  tornBytes = 0;
  #handle: FileHandle | undefined;
  #lines: AsyncGenerator<Line> | undefined;

  private constructor(file: string) {
    this.file = file;
  }

  /** Opens the journal and reads its header. Iterate entries() (or close()) afterwards. */
  static async open(file: string): Promise<JournalReader> {
    const reader = new JournalReader(file);
    try {
      reader.#handle = await open(file, 'r+');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return reader;
      throw error;
    }
    try {
      reader.#lines = reader.#readLines(reader.#handle);
      const first = await reader.#lines.next();
      if (!first.done) reader.header = parseLine(file, first.value, journalHeaderSchema, 'header');
    } catch (error) {
      await reader.close();
      throw error;
    }
    return reader;
  }

  async *entries(): AsyncGenerator<{ line: number; entry: JournalEntry }> {
    try {
      if (!this.#lines) return;
      for await (const line of this.#lines) yield { line: line.number, entry: parseLine(this.file, line, journalEntrySchema, 'entry') };
    } finally {
      await this.close();
    }
  }

  async close(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    await handle?.close();
  }

  async *#readLines(handle: FileHandle): AsyncGenerator<Line> {
    const chunk = Buffer.alloc(CHUNK_BYTES);
    let partial: Buffer[] = [];
    let partialBytes = 0;
    let position = 0;
    let number = 0;
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      const view = chunk.subarray(0, bytesRead);
      let start = 0;
      for (let newline = view.indexOf(0x0a, start); newline !== -1; newline = view.indexOf(0x0a, start)) {
        const piece = view.subarray(start, newline);
        const bytes = partialBytes > 0 ? Buffer.concat([...partial, piece]) : piece;
        partial = [];
        partialBytes = 0;
        start = newline + 1;
        number += 1;
        yield { text: bytes.toString('utf8'), number };
      }
      if (start < bytesRead) {
        // Copied: the chunk is reused for the next read.
        partial.push(Buffer.from(view.subarray(start)));
        partialBytes += bytesRead - start;
      }
    }
    if (partialBytes > 0) {
      await handle.truncate(position - partialBytes);
      await handle.sync();
      this.tornBytes = partialBytes;
    }
  }
}

function parseLine<T>(file: string, line: Line, schema: z.ZodType<T>, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(line.text);
  } catch {
    throw new ChainJournalError(file, line.number, `not a JSON line; the file is damaged. Refusing to start the chain from it`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw new ChainJournalError(file, line.number, `not a valid ${what} (${issue?.message ?? 'invalid'}${where}); the file is damaged. Refusing to start the chain from it`);
  }
  return parsed.data;
}

/** Appends entries, each on disk before append() resolves. */
export class JournalWriter {
  readonly file: string;
  #handle: FileHandle;

  private constructor(file: string, handle: FileHandle) {
    this.file = file;
    this.#handle = handle;
  }

  /** Opens for appending; a new journal gets its header first (and its folder entry is made durable). */
  static async open(file: string, header?: JournalHeader): Promise<JournalWriter> {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    const handle = await open(file, 'a', 0o600);
    const writer = new JournalWriter(file, handle);
    if (header) {
      try {
        await writer.#write(header);
        await syncDir(dirname(file));
      } catch (error) {
        await handle.close();
        throw error;
      }
    }
    return writer;
  }

  append(entry: JournalEntry): Promise<void> {
    return this.#write(entry);
  }

  /**
   * One write of the whole line (with its newline), then fdatasync: the line
   * and the file's new length are on disk. (On macOS fsync reaches the drive
   * but not through its cache; Node has no F_FULLFSYNC. A kill, the case that
   * matters here, loses nothing either way: written data is in the OS.)
   */
  async #write(record: JournalHeader | JournalEntry): Promise<void> {
    await this.#handle.appendFile(`${JSON.stringify(record)}\n`, 'utf8');
    await this.#handle.datasync();
  }

  close(): Promise<void> {
    return this.#handle.close();
  }
}

/** Makes a new file's name durable. Windows cannot open a folder: there the rename/create is journaled by NTFS. */
async function syncDir(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Best effort, see above.
  } finally {
    await handle?.close();
  }
}

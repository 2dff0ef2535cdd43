import { resolve } from 'node:path';
import { createHardhatRuntimeEnvironment } from 'hardhat/hre';
import { custom, defineChain, numberToHex, type Chain, type CustomTransport } from 'viem';
import type { Address, Hex } from '../../shared/voucher.ts';
import { appRoot } from '../worker/entry.ts';
import { ChainJournalError, JOURNAL_VERSION, JournalReader, JournalWriter, methodPolicy, SEND_METHODS, type JournalEntry, type JournalHeader } from './chain-journal.ts';

/**
 * The embedded EVM of the local network and the tests: Hardhat 3's EDR, in
 * this process (no sockets, nothing downloaded). EDR keeps no state across
 * restarts; given a journal file (chain-journal.ts) the chain is replayed from
 * it at start and every change is appended to it, so it survives restarts and
 * kills. Without one, a restarted chain is a new chain with the same id.
 */

/** The EIP-1193 `request` that viem's custom() transport and the JSON-RPC server need. */
export interface Eip1193Provider {
  request(args: { method: string; params?: readonly unknown[] | object }): Promise<unknown>;
}

/** An account funded at genesis. EDR also signs for it on eth_sendTransaction. */
export interface GenesisAccount {
  privateKey: Hex;
  balance: bigint;
}

export interface EmbeddedChainOptions {
  chainId?: number;
  /**
   * Default none: every account then signs locally and sends raw transactions,
   * exactly as against a real chain; fund them with setNativeBalance.
   */
  accounts?: readonly GenesisAccount[];
  /**
   * A file that holds the chain (created if absent): replayed at start, every
   * state change appended and on disk before its request is answered. Requests
   * whose effect a replay could not reproduce (evm_snapshot, evm_revert,
   * hardhat_reset, interval mining) are refused. Start with the same chainId
   * and accounts as the journal was made with.
   */
  journal?: string;
}

/** What start-up restored from a journal. */
export interface JournalReplay {
  file: string;
  /** Entries replayed (not counting the header). */
  entries: number;
  /** Bytes of a torn last line (a kill mid-append) that were cut off; 0 normally. */
  tornBytes: number;
  replayMs: number;
}

export interface EmbeddedChain {
  chainId: number;
  provider: Eip1193Provider;
  transport: CustomTransport;
  viemChain: Chain;
  /** Present when the chain is journaled. */
  journal?: JournalReplay;
  close(): Promise<void>;
}

export const DEFAULT_CHAIN_ID = 31337;
/** Pinned so a Hardhat upgrade does not change the local network under us; the contracts target cancun. */
const HARDFORK = 'osaka';
/** Hardhat's default, pinned: it is in every block header, so a changed default would change every block hash. */
const COINBASE = '0xc014ba5ec014ba5ec014ba5ec014ba5ec014ba5e';

/** EIP-1474 "method not supported". */
const METHOD_NOT_SUPPORTED = -32004;
const INVALID_PARAMS = -32602;
const INTERNAL_ERROR = -32603;

/** An error the way a JSON-RPC node reports it, so viem maps it (code 3 + data = revert, decoded by ABI). */
export class ChainRpcError extends Error {
  override name = 'ChainRpcError';
  code: number;
  data: unknown;

  constructor(code: number, message: string, data?: unknown) {
    super(message);
    this.code = code;
    this.data = data;
  }
}

/** Errors raised in-process may lack the RPC code a node would send; revert data without a code is a revert. */
function asRpcError(error: unknown): unknown {
  if (typeof error !== 'object' || error === null) return error;
  const { code, data, message } = error as { code?: unknown; data?: unknown; message?: unknown };
  if (typeof code === 'number') return error;
  if (typeof data === 'string' && data.startsWith('0x')) return new ChainRpcError(3, String(message), data);
  return error;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

type Request = (method: string, params?: readonly unknown[] | object) => Promise<unknown>;

interface Connection {
  request: Request;
  close(): Promise<void>;
}

async function connect(chainId: number, accounts: readonly GenesisAccount[], initialDate?: Date): Promise<Connection> {
  const hre = await createHardhatRuntimeEnvironment(
    {
      networks: {
        hearth: {
          type: 'edr-simulated',
          chainId,
          hardfork: HARDFORK,
          coinbase: COINBASE,
          // The genesis block's timestamp: a journaled chain is restarted with its original one, so its genesis
          // block (and hence every block after it) hashes the same.
          ...(initialDate ? { initialDate } : {}),
          accounts: accounts.map((account) => ({ privateKey: account.privateKey, balance: account.balance })),
          // Automine: each transaction is mined in its own block as it arrives, so a receipt is there as soon as
          // the send returns, with no interval timer keeping the process alive or making tests wait or flake.
          // The local network has a single user; tests that need confirmations mine blocks (mineBlocks).
          mining: { auto: true, interval: 0 },
          // Like a real node: a reverting transaction is mined with status "reverted" instead of the send
          // throwing, so the app's transaction handling sees what it will see on a real chain.
          throwOnTransactionFailures: false,
          throwOnCallFailures: true,
        },
      },
    },
    {},
    appRoot(),
  );
  const connection = await hre.network.create({ network: 'hearth' });
  return {
    request: async (method, params) => (await connection.provider.request(params === undefined ? { method } : { method, params })) as unknown,
    close: () => connection.close(),
  };
}

export async function startEmbeddedChain(options: EmbeddedChainOptions = {}): Promise<EmbeddedChain> {
  const chainId = options.chainId ?? DEFAULT_CHAIN_ID;
  const accounts = options.accounts ?? [];
  if (options.journal !== undefined) return startJournaledChain(chainId, accounts, options.journal);

  const connection = await connect(chainId, accounts);
  let closed = false;
  return embeddedChain(
    chainId,
    async (args) => {
      if (closed) throw new ChainRpcError(4900, 'the embedded chain is closed');
      return connection.request(args.method, args.params);
    },
    async () => {
      if (closed) return;
      closed = true;
      await connection.close();
    },
  );
}

function embeddedChain(chainId: number, request: Eip1193Provider['request'], close: () => Promise<void>, journal?: JournalReplay): EmbeddedChain {
  const provider: Eip1193Provider = {
    async request(args) {
      try {
        return await request(args);
      } catch (error) {
        throw asRpcError(error);
      }
    },
  };
  return {
    chainId,
    provider,
    // In-process calls do not fail transiently: retries only turn a revert into seconds of waiting.
    transport: custom(provider, { retryCount: 0 }),
    viemChain: defineChain({
      id: chainId,
      name: 'Hearth local',
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: [] } },
      testnet: true,
    }),
    ...(journal ? { journal } : {}),
    close,
  };
}

interface BlockHead {
  number: number;
  timestamp: number;
  hash: string;
}

async function blockHead(request: Request, tag: number | 'latest'): Promise<BlockHead> {
  const block = (await request('eth_getBlockByNumber', [tag === 'latest' ? tag : numberToHex(tag), false])) as {
    number?: unknown;
    timestamp?: unknown;
    hash?: unknown;
  } | null;
  if (!block || typeof block.number !== 'string' || typeof block.timestamp !== 'string' || typeof block.hash !== 'string') {
    throw new Error(`the chain returned no block ${tag}`);
  }
  return { number: Number(block.number), timestamp: Number(block.timestamp), hash: block.hash };
}

/** The chain clock's offset from the wall clock, in seconds (evm_increaseTime answers the new total, in decimal). */
async function clockOffset(request: Request): Promise<number> {
  const answer = await request('evm_increaseTime', [0]);
  const offset = typeof answer === 'string' && /^-?\d+$/.test(answer) ? Number(answer) : Number.NaN;
  if (!Number.isSafeInteger(offset)) throw new Error(`evm_increaseTime answered ${String(answer)}`);
  return offset;
}

/** Journals opened in this process: two chains appending to one file would interleave two histories. */
const openJournals = new Set<string>();

async function startJournaledChain(chainId: number, accounts: readonly GenesisAccount[], journalFile: string): Promise<EmbeddedChain> {
  const file = resolve(journalFile);
  if (openJournals.has(file)) throw new ChainJournalError(file, undefined, 'already in use by another chain in this process');
  openJournals.add(file);
  try {
    return await openJournaledChain(chainId, accounts, file);
  } catch (error) {
    openJournals.delete(file);
    throw error;
  }
}

async function openJournaledChain(chainId: number, accounts: readonly GenesisAccount[], file: string): Promise<EmbeddedChain> {
  const reader = await JournalReader.open(file);
  const { header } = reader;
  let connection: Connection | undefined;
  let writer: JournalWriter | undefined;
  try {
    if (header && header.chainId !== chainId) throw new ChainJournalError(file, 1, `it holds chain ${header.chainId}, not ${chainId}`);
    if (header && header.hardfork !== HARDFORK) throw new ChainJournalError(file, 1, `it holds a ${header.hardfork} chain, not ${HARDFORK}`);
    // Whole seconds, as block timestamps are.
    const genesisTime = header ? header.genesis.timestamp : Math.floor(Date.now() / 1000);
    connection = await connect(chainId, accounts, new Date(genesisTime * 1000));
    const request = connection.request;
    const genesis = await blockHead(request, 0);
    if (header && genesis.hash !== header.genesis.hash) {
      throw new ChainJournalError(file, 1, `its genesis block is ${header.genesis.hash} but this chain's is ${genesis.hash} (other genesis accounts, or another Hardhat version)`);
    }

    const started = performance.now();
    let entries = 0;
    let offset = 0;
    let head = 0;
    for await (const { line, entry } of reader.entries()) {
      head = await replayEntry(request, entry, head).catch((error: unknown) => {
        throw new ChainJournalError(file, line, `replaying ${entry.method} failed: ${messageOf(error)}`);
      });
      entries += 1;
      offset = entry.offset;
    }
    // Block timestamps were pinned, which moved the clock's offset; set it back to where it was (plus nothing: EDR
    // cannot move it back), so the chain's time has kept running while it was stopped, as a real chain's does.
    const drift = offset - (await clockOffset(request));
    if (drift > 0) await request('evm_increaseTime', [drift]);
    const replay: JournalReplay = { file, entries, tornBytes: reader.tornBytes, replayMs: performance.now() - started };

    const newHeader: JournalHeader | undefined = header
      ? undefined
      : { hearthChainJournal: JOURNAL_VERSION, chainId, hardfork: HARDFORK, genesis: { timestamp: genesis.timestamp, hash: genesis.hash } };
    writer = await JournalWriter.open(file, newHeader);
    return journaledChain(chainId, file, connection, writer, await blockHead(request, 'latest'), replay);
  } catch (error) {
    await reader.close();
    await writer?.close();
    await connection?.close();
    throw error;
  }
}

/** Replays one entry on a chain whose last block is `head`; answers the new last block's number. */
async function replayEntry(request: Request, entry: JournalEntry, head: number): Promise<number> {
  // The one input that is not in the journal: the wall clock. evm_mine with a timestamp, or one set before, pins it anyway.
  if (entry.mined) await request('evm_setNextBlockTimestamp', [entry.mined.timestamp]);
  const result = await request(entry.method, entry.params);
  if (entry.result !== undefined && result !== entry.result) throw new Error(`it returned ${String(result)}, the journal says ${entry.result}`);
  const tip = await blockHead(request, 'latest');
  if (!entry.mined) {
    if (tip.number !== head) throw new Error(`it mined block ${tip.number}, the journal says it mined none`);
  } else if (entry.mined.from !== head + 1 || tip.number !== entry.mined.to || tip.hash !== entry.mined.hash) {
    throw new Error(`it made blocks ${head + 1}..${tip.number} ending in ${tip.hash}, the journal says ${entry.mined.from}..${entry.mined.to} ending in ${entry.mined.hash}`);
  }
  return tip.number;
}

function journaledChain(chainId: number, file: string, connection: Connection, writer: JournalWriter, tip: BlockHead, replay: JournalReplay): EmbeddedChain {
  const { request } = connection;
  let closed = false;
  /** Set when the chain got ahead of its journal: answering anything then could hand out state a restart loses. */
  let broken: ChainRpcError | undefined;
  // One request at a time: the journal's order is the order things happened in, and nothing (not even a read)
  // sees a change before it is on disk.
  let queue: Promise<unknown> = Promise.resolve();
  const serialized = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task);
    queue = run.catch(() => undefined);
    return run;
  };
  const breakWith = (reason: string): ChainRpcError => {
    broken = new ChainRpcError(INTERNAL_ERROR, `the local chain stopped: ${reason}. Restart to continue from ${file}`);
    return broken;
  };

  const journaled = async (method: string, rawParams: readonly unknown[] | object | undefined): Promise<unknown> => {
    // Executed exactly as it will be replayed: what JSON keeps of it.
    let params: unknown;
    try {
      params = JSON.parse(JSON.stringify(rawParams ?? [])) as unknown;
    } catch (error) {
      throw new ChainRpcError(INVALID_PARAMS, `${method}: params must be JSON (${messageOf(error)})`);
    }
    if (typeof params !== 'object' || params === null) throw new ChainRpcError(INVALID_PARAMS, `${method}: params must be an array or object`);
    let result: unknown;
    try {
      result = await request(method, params);
    } catch (error) {
      // A request that failed changed nothing; should one have mined anyway, the journal no longer describes the chain.
      const now = await blockHead(request, 'latest').catch(() => undefined);
      if (now?.number !== tip.number) throw breakWith(`${method} failed, and the chain is no longer at block ${tip.number}`);
      throw error;
    }
    try {
      const now = await blockHead(request, 'latest');
      if (now.number < tip.number) throw new Error(`the chain went back from block ${tip.number} to ${now.number}`);
      const entry: JournalEntry = { method, params: params as JournalEntry['params'], offset: await clockOffset(request) };
      if (SEND_METHODS.has(method) && typeof result === 'string') entry.result = result;
      if (now.number > tip.number) {
        const first = now.number === tip.number + 1 ? now : await blockHead(request, tip.number + 1);
        entry.mined = { from: tip.number + 1, to: now.number, timestamp: first.timestamp, hash: now.hash };
      }
      await writer.append(entry);
      tip = now;
    } catch (error) {
      throw breakWith(`could not journal ${method} (${messageOf(error)})`);
    }
    return result;
  };

  return embeddedChain(
    chainId,
    (args) =>
      serialized(async () => {
        if (closed) throw new ChainRpcError(4900, 'the embedded chain is closed');
        if (broken) throw broken;
        const policy = methodPolicy(args.method);
        if (policy === 'refuse') {
          throw new ChainRpcError(METHOD_NOT_SUPPORTED, `${args.method} is not available on the local chain: it keeps its state in ${file}, and a restart could not replay this`);
        }
        return policy === 'journal' ? journaled(args.method, args.params) : request(args.method, args.params);
      }),
    async () => {
      if (closed) return;
      closed = true;
      await queue;
      try {
        await writer.close();
        await connection.close();
      } finally {
        openJournals.delete(file);
      }
    },
    replay,
  );
}

/** Sets an address's native-coin balance (wei), to pay gas. */
export async function setNativeBalance(chain: EmbeddedChain, address: Address, wei: bigint): Promise<void> {
  await chain.provider.request({ method: 'hardhat_setBalance', params: [address, numberToHex(wei)] });
}

/** Moves the chain's clock forward and mines a block at the new time. */
export async function increaseTime(chain: EmbeddedChain, seconds: number): Promise<void> {
  await chain.provider.request({ method: 'evm_increaseTime', params: [seconds] });
  await chain.provider.request({ method: 'evm_mine', params: [] });
}

/** Mines empty blocks, e.g. to give a transaction confirmations. */
export async function mineBlocks(chain: EmbeddedChain, count: number): Promise<void> {
  await chain.provider.request({ method: 'hardhat_mine', params: [numberToHex(count)] });
}

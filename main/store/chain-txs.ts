import type { Database, Statement } from 'better-sqlite3';
import { baseUnitsToString, parseBaseUnits } from '../../shared/money.ts';

export type ChainTxState = 'signed' | 'sent' | 'mined' | 'confirmed' | 'failed' | 'replaced';
export type ChainTxKind = 'claim' | 'withdrawal';

export interface ChainTx {
  id: number;
  chainId: number;
  kind: ChainTxKind;
  from: `0x${string}`;
  to: `0x${string}`;
  amount: bigint;
  nonce: number;
  hash: `0x${string}`;
  raw: `0x${string}`;
  state: ChainTxState;
  blockNumber: number | null;
  blockHash: `0x${string}` | null;
  error: string | null;
  createdAt: number;
  updatedAt: number;
}

interface ChainTxRow {
  id: number;
  chain_id: number;
  kind: ChainTxKind;
  from_address: `0x${string}`;
  to_address: `0x${string}`;
  amount: string;
  nonce: number;
  hash: `0x${string}`;
  raw: `0x${string}`;
  state: ChainTxState;
  block_number: number | null;
  block_hash: `0x${string}` | null;
  error: string | null;
  created_at: number;
  updated_at: number;
}

export type NewChainTx = Pick<ChainTx, 'chainId' | 'kind' | 'from' | 'to' | 'amount' | 'nonce' | 'hash' | 'raw'>;

/** Transactions are stored as "signed" before they are broadcast, so a crash can never send one twice. */
export class ChainTxsRepository {
  readonly #insert: Statement<Record<string, unknown>>;
  readonly #byHash: Statement<[string], ChainTxRow>;
  readonly #open: Statement<[], ChainTxRow>;
  readonly #update: Statement<Record<string, unknown>>;

  constructor(db: Database) {
    this.#insert = db.prepare(
      `INSERT INTO chain_txs (chain_id, kind, from_address, to_address, amount, nonce, hash, raw, state, created_at, updated_at)
       VALUES (@chainId, @kind, @from, @to, @amount, @nonce, @hash, @raw, 'signed', @now, @now)
       ON CONFLICT (hash) DO NOTHING`,
    );
    this.#byHash = db.prepare('SELECT * FROM chain_txs WHERE hash = ?');
    this.#open = db.prepare("SELECT * FROM chain_txs WHERE state IN ('signed', 'sent', 'mined') ORDER BY id");
    this.#update = db.prepare(
      `UPDATE chain_txs SET state = @state, block_number = @blockNumber, block_hash = @blockHash, error = @error, updated_at = @now
       WHERE hash = @hash`,
    );
  }

  insertSigned(tx: NewChainTx, now = Date.now()): ChainTx {
    this.#insert.run({ ...tx, amount: baseUnitsToString(tx.amount), now });
    const row = this.#byHash.get(tx.hash);
    if (!row) throw new Error('transaction insert did not persist');
    return toTx(row);
  }

  get(hash: string): ChainTx | undefined {
    const row = this.#byHash.get(hash);
    return row && toTx(row);
  }

  /** Transactions not yet final: resumed at start-up. */
  open(): ChainTx[] {
    return this.#open.all().map(toTx);
  }

  setState(
    hash: string,
    state: ChainTxState,
    details: { blockNumber?: number | null; blockHash?: string | null; error?: string | null } = {},
    now = Date.now(),
  ): boolean {
    const { blockNumber = null, blockHash = null, error = null } = details;
    return this.#update.run({ hash, state, blockNumber, blockHash, error, now }).changes === 1;
  }
}

function toTx(row: ChainTxRow): ChainTx {
  return {
    id: row.id,
    chainId: row.chain_id,
    kind: row.kind,
    from: row.from_address,
    to: row.to_address,
    amount: parseBaseUnits(row.amount),
    nonce: row.nonce,
    hash: row.hash,
    raw: row.raw,
    state: row.state,
    blockNumber: row.block_number,
    blockHash: row.block_hash,
    error: row.error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

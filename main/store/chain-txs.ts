import type { Database, Statement } from 'better-sqlite3';
import type { ChainTx, ChainTxKind, ChainTxState, NewChainTx } from '../../shared/chain-tx.ts';
import { baseUnitsToString, parseBaseUnits } from '../../shared/money.ts';

export type { ChainTx, ChainTxKind, ChainTxState, NewChainTx } from '../../shared/chain-tx.ts';

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
  detail: string;
  max_fee: string | null;
  created_at: number;
  updated_at: number;
}


/** Transactions are stored as "signed" before they are broadcast, so a crash can never send one twice. */
export class ChainTxsRepository {
  readonly #insert: Statement<Record<string, unknown>>;
  readonly #byHash: Statement<[string], ChainTxRow>;
  readonly #open: Statement<[], ChainTxRow>;
  readonly #update: Statement<Record<string, unknown>>;
  readonly #recent: Statement<[number], ChainTxRow>;
  readonly #highestNonce: Statement<[number, string], { nonce: number | null }>;
  readonly #confirmedTotal: Statement<[string], { total: string | null }>;

  constructor(db: Database) {
    this.#insert = db.prepare(
      `INSERT INTO chain_txs (chain_id, kind, from_address, to_address, amount, nonce, hash, raw, state, detail, max_fee, created_at, updated_at)
       VALUES (@chainId, @kind, @from, @to, @amount, @nonce, @hash, @raw, 'signed', @detail, @maxFee, @now, @now)
       ON CONFLICT (hash) DO NOTHING`,
    );
    this.#byHash = db.prepare('SELECT * FROM chain_txs WHERE hash = ?');
    this.#open = db.prepare("SELECT * FROM chain_txs WHERE state IN ('signed', 'sent', 'mined') ORDER BY id");
    this.#update = db.prepare(
      `UPDATE chain_txs SET state = @state, block_number = @blockNumber, block_hash = @blockHash, error = @error, updated_at = @now
       WHERE hash = @hash`,
    );
    this.#recent = db.prepare('SELECT * FROM chain_txs ORDER BY id DESC LIMIT ?');
    // Final transactions are either on chain (the chain's nonce covers them) or never used their nonce.
    this.#highestNonce = db.prepare(
      "SELECT max(nonce) AS nonce FROM chain_txs WHERE chain_id = ? AND from_address = ? AND state IN ('signed', 'sent', 'mined')",
    );
    this.#confirmedTotal = db.prepare("SELECT money_sum(amount) AS total FROM chain_txs WHERE kind = ? AND state = 'confirmed'");
  }

  /** The exact sum of confirmed transactions of a kind (claims: what the escrow paid out), across chains. */
  confirmedTotal(kind: ChainTx['kind']): bigint {
    return parseBaseUnits(this.#confirmedTotal.get(kind)?.total ?? '0');
  }

  insertSigned(tx: NewChainTx, now = Date.now()): ChainTx {
    this.#insert.run({
      ...tx,
      amount: baseUnitsToString(tx.amount),
      maxFee: tx.maxFee === null ? null : baseUnitsToString(tx.maxFee),
      detail: JSON.stringify(tx.detail),
      now,
    });
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

  recent(limit: number): ChainTx[] {
    return this.#recent.all(limit).map(toTx);
  }

  /** The highest nonce held by a transaction of ours from `from` that is not final yet. */
  highestNonce(chainId: number, from: string): number | undefined {
    return this.#highestNonce.get(chainId, from)?.nonce ?? undefined;
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
    detail: parseDetail(row.detail),
    maxFee: row.max_fee === null ? null : parseBaseUnits(row.max_fee),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function parseDetail(text: string): Record<string, unknown> {
  const value: unknown = JSON.parse(text);
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

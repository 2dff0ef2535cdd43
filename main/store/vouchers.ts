import type { Database, Statement } from 'better-sqlite3';
import { baseUnitsToString, parseBaseUnits } from '../../shared/money.ts';

type Address = `0x${string}`;

/** The parties a voucher is between: the highest cumulative amount per channel is what can be claimed. */
export interface VoucherChannel {
  chainId: number;
  escrow: Address;
  payer: Address;
  payee: Address;
  token: Address;
}

export interface StoredVoucher extends VoucherChannel {
  id: number;
  cumulativeAmount: bigint;
  signature: `0x${string}`;
  receivedAt: number;
}

interface VoucherRow {
  id: number;
  chain_id: number;
  escrow: Address;
  payer: Address;
  payee: Address;
  token: Address;
  cumulative_amount: string;
  signature: `0x${string}`;
  received_at: number;
}

/**
 * Verified vouchers (the caller verifies signatures; this stores). Amounts are
 * canonical decimal TEXT, so ordering by (length, text) is numeric ordering.
 */
export class VouchersRepository {
  readonly #insert: Statement<Record<string, unknown>>;
  readonly #bySignature: Statement<[string], VoucherRow>;
  readonly #highest: Statement<Record<string, unknown>, VoucherRow>;
  readonly #list: Statement<[number], VoucherRow>;
  readonly #count: Statement<Record<string, unknown>, { n: number }>;
  readonly #channels: Statement<[], Omit<VoucherRow, 'id' | 'cumulative_amount' | 'signature' | 'received_at'>>;

  constructor(db: Database) {
    this.#insert = db.prepare(
      `INSERT INTO vouchers (chain_id, escrow, payer, payee, token, cumulative_amount, signature, received_at)
       VALUES (@chainId, @escrow, @payer, @payee, @token, @cumulativeAmount, @signature, @receivedAt)
       ON CONFLICT (signature) DO NOTHING`,
    );
    this.#bySignature = db.prepare('SELECT * FROM vouchers WHERE signature = ?');
    this.#highest = db.prepare(
      `SELECT * FROM vouchers WHERE chain_id = @chainId AND escrow = @escrow AND payer = @payer AND payee = @payee AND token = @token
       ORDER BY length(cumulative_amount) DESC, cumulative_amount DESC LIMIT 1`,
    );
    this.#list = db.prepare('SELECT * FROM vouchers ORDER BY id DESC LIMIT ?');
    this.#channels = db.prepare('SELECT DISTINCT chain_id, escrow, payer, payee, token FROM vouchers');
    this.#count = db.prepare(
      'SELECT count(*) AS n FROM vouchers WHERE chain_id = @chainId AND escrow = @escrow AND payer = @payer AND payee = @payee AND token = @token',
    );
  }

  /** Stores a voucher once; the same signature again returns the stored row. */
  insert(voucher: Omit<StoredVoucher, 'id'>): StoredVoucher {
    this.#insert.run({ ...voucher, cumulativeAmount: baseUnitsToString(voucher.cumulativeAmount) });
    const row = this.#bySignature.get(voucher.signature);
    if (!row) throw new Error('voucher insert did not persist');
    return toVoucher(row);
  }

  bySignature(signature: string): StoredVoucher | undefined {
    const row = this.#bySignature.get(signature);
    return row && toVoucher(row);
  }

  /** The highest voucher of every channel: what each payer owes in total (for metrics). */
  highestPerChannel(): StoredVoucher[] {
    return this.#channels.all().flatMap((row) => {
      const highest = this.highest({ chainId: row.chain_id, escrow: row.escrow, payer: row.payer, payee: row.payee, token: row.token });
      return highest ? [highest] : [];
    });
  }

  highest(channel: VoucherChannel): StoredVoucher | undefined {
    const row = this.#highest.get({ ...channel });
    return row && toVoucher(row);
  }

  count(channel: VoucherChannel): number {
    return this.#count.get({ ...channel })?.n ?? 0;
  }

  recent(limit: number): StoredVoucher[] {
    return this.#list.all(limit).map(toVoucher);
  }
}

function toVoucher(row: VoucherRow): StoredVoucher {
  return {
    id: row.id,
    chainId: row.chain_id,
    escrow: row.escrow,
    payer: row.payer,
    payee: row.payee,
    token: row.token,
    cumulativeAmount: parseBaseUnits(row.cumulative_amount),
    signature: row.signature,
    receivedAt: row.received_at,
  };
}

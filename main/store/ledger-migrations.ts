/**
 * The reference coordinator's ledger schema (its own SQLite file, apart from
 * the node's hearth.db): the nodes it knows, every job it offered with its
 * outcome, and every voucher it signed with the jobs each one pays. Numbered
 * like migrations.ts and applied by the same openDatabase(); never edit one
 * that has shipped, add the next number.
 *
 * Money is canonical decimal TEXT (shared/money.ts), added with money_sum().
 * Addresses are stored lowercase, so equality in SQL is address equality.
 */
import { money, type Migration } from './migrations.ts';

// Same rule as migrations.ts's money columns (it does not export its helper; the node's schema is another helper's to change).
const address = (column: string, nullable = false): string =>
  `${column} TEXT ${nullable ? '' : 'NOT NULL '}CHECK (${nullable ? `${column} IS NULL OR ` : ''}(length(${column}) = 42 AND ${column} GLOB '0x*' AND substr(${column}, 3) NOT GLOB '*[^0-9a-f]*'))`;

export const ledgerMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'coordinator ledger: nodes, jobs, vouchers and the jobs each voucher pays',
    sql: `
      -- A node is its node key (it signs logins and results); the payee is where its vouchers go.
      CREATE TABLE nodes (
        ${address('address')} PRIMARY KEY,
        ${address('last_payee', true)},
        first_login_at INTEGER NOT NULL,
        last_login_at  INTEGER NOT NULL
      ) STRICT;

      -- Every voucher signed, in the order signed. Per channel (chain, escrow, payer, payee)
      -- cumulative = the previous voucher's cumulative + amount, and amount = the sum of its jobs' prices.
      -- Stored before it is sent; acked_at once the node said it stored it.
      CREATE TABLE vouchers (
        id          INTEGER PRIMARY KEY,
        chain_id    INTEGER NOT NULL CHECK (chain_id > 0),
        ${address('escrow')},
        ${address('payer')},
        ${address('payee')},
        -- The node whose jobs it pays (a payee may have several nodes).
        ${address('node')} REFERENCES nodes (address),
        ${money('cumulative')},
        ${money('amount')},
        signature   TEXT NOT NULL UNIQUE CHECK (length(signature) = 132),
        issued_at   INTEGER NOT NULL,
        acked_at    INTEGER,
        UNIQUE (chain_id, escrow, payer, payee, cumulative)
      ) STRICT;
      CREATE INDEX vouchers_channel ON vouchers (chain_id, escrow, payer, payee, id);
      CREATE INDEX vouchers_unacked ON vouchers (node, id) WHERE acked_at IS NULL;

      -- Every job offered, from offer to outcome. credited: a right result the payer owes for
      -- (only 'succeeded' jobs); voucher_id: the voucher that pays it. spec: while the job is open,
      -- what checking a late result needs (the coordinator's encoding), so a restart can still check one.
      CREATE TABLE jobs (
        id           TEXT PRIMARY KEY CHECK (length(id) = 66 AND id GLOB '0x*' AND substr(id, 3) NOT GLOB '*[^0-9a-f]*'),
        ${address('node')} REFERENCES nodes (address),
        task         TEXT NOT NULL CHECK (task IN ('tensor', 'ocr', 'embedding')),
        model_sha256 TEXT NOT NULL CHECK (length(model_sha256) = 64 AND model_sha256 NOT GLOB '*[^0-9a-f]*'),
        ${money('price')},
        state        TEXT NOT NULL CHECK (state IN ('offered', 'accepted', 'declined', 'withdrawn', 'succeeded', 'failed', 'rejected', 'expired')),
        offered_at   INTEGER NOT NULL,
        deadline_at  INTEGER NOT NULL,
        answered_at  INTEGER,
        finished_at  INTEGER,
        -- Decline reason, failure code or rejection reason.
        detail       TEXT,
        result_hash  TEXT CHECK (result_hash IS NULL OR length(result_hash) = 66),
        -- The payee the result was signed for (NULL: none yet; the next payee the node names gets it).
        ${address('payee', true)},
        credited     INTEGER NOT NULL DEFAULT 0 CHECK (credited IN (0, 1)),
        voucher_id   INTEGER REFERENCES vouchers (id),
        spec         BLOB,
        CHECK (credited = (state = 'succeeded')),
        CHECK (voucher_id IS NULL OR credited = 1)
      ) STRICT;
      CREATE INDEX jobs_node_state ON jobs (node, state);
      CREATE INDEX jobs_unvouchered ON jobs (node, offered_at) WHERE credited = 1 AND voucher_id IS NULL;
      CREATE INDEX jobs_open ON jobs (deadline_at) WHERE spec IS NOT NULL OR state IN ('offered', 'accepted');
      CREATE INDEX jobs_voucher ON jobs (voucher_id) WHERE voucher_id IS NOT NULL;

      -- What each voucher message carried: the jobs it pays. One row per (job, voucher); the
      -- ledger's invariant check compares it with jobs.voucher_id and finds any job paid twice.
      CREATE TABLE voucher_jobs (
        voucher_id INTEGER NOT NULL REFERENCES vouchers (id),
        job_id     TEXT NOT NULL REFERENCES jobs (id),
        PRIMARY KEY (job_id, voucher_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX voucher_jobs_voucher ON voucher_jobs (voucher_id);
    `,
  },
];

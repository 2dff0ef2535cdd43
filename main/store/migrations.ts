/**
 * Numbered schema migrations, applied in order at start-up, each in its own
 * transaction; `PRAGMA user_version` records the last one applied. Never edit
 * a migration that has shipped: add the next number.
 *
 * Money columns are TEXT holding canonical decimal base units (see
 * shared/money.ts): SQLite integers stop at 2^63 - 1 and token amounts do not.
 * The CHECK keeps every value canonical, so `ORDER BY length(x), x` orders
 * amounts numerically and `money_sum()` (store/money.ts) adds them exactly.
 */
export const money = (column: string): string =>
  `${column} TEXT NOT NULL CHECK (length(${column}) BETWEEN 1 AND 78 AND ${column} NOT GLOB '*[^0-9]*' ` +
  `AND (${column} = '0' OR ${column} NOT GLOB '0*'))`;

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema: settings, node state, jobs, vouchers, chain transactions, policy events',
    sql: `
      CREATE TABLE settings (
        key        TEXT PRIMARY KEY,
        value      TEXT NOT NULL CHECK (json_valid(value)),
        updated_at INTEGER NOT NULL
      ) STRICT;

      -- The node's own small state that must survive a restart (a timed
      -- manual pause, for one), kept apart from what the user edits.
      CREATE TABLE node_state (
        key        TEXT PRIMARY KEY,
        value      TEXT NOT NULL CHECK (json_valid(value)),
        updated_at INTEGER NOT NULL
      ) STRICT;

      -- Payment vouchers: EIP-712 signatures over the provider's cumulative
      -- earnings from one payer. Every voucher is kept (audit trail); the
      -- highest per (chain, escrow, payer, payee, token) is the one that counts.
      CREATE TABLE vouchers (
        id                INTEGER PRIMARY KEY,
        chain_id          INTEGER NOT NULL CHECK (chain_id > 0),
        escrow            TEXT NOT NULL CHECK (length(escrow) = 42),
        payer             TEXT NOT NULL CHECK (length(payer) = 42),
        payee             TEXT NOT NULL CHECK (length(payee) = 42),
        token             TEXT NOT NULL CHECK (length(token) = 42),
        ${money('cumulative_amount')},
        signature         TEXT NOT NULL UNIQUE,
        received_at       INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX vouchers_channel ON vouchers (chain_id, escrow, payer, payee, token);

      -- Jobs offered by a coordinator, from acceptance to payment.
      CREATE TABLE jobs (
        id                 TEXT PRIMARY KEY,
        coordinator        TEXT NOT NULL,
        task               TEXT NOT NULL CHECK (task IN ('tensor', 'ocr', 'embedding')),
        model_id           TEXT NOT NULL,
        model_sha256       TEXT NOT NULL CHECK (length(model_sha256) = 64 AND model_sha256 NOT GLOB '*[^0-9a-f]*'),
        state              TEXT NOT NULL CHECK (state IN ('accepted', 'running', 'succeeded', 'failed', 'paid')),
        ${money('price')},
        accepted_at        INTEGER NOT NULL,
        deadline_at        INTEGER NOT NULL,
        started_at         INTEGER,
        finished_at        INTEGER,
        execution_provider TEXT,
        result_hash        TEXT,
        error_code         TEXT,
        error_message      TEXT,
        voucher_id         INTEGER REFERENCES vouchers (id),
        CHECK ((state = 'failed') = (error_code IS NOT NULL))
      ) STRICT;
      CREATE INDEX jobs_state ON jobs (state);
      CREATE INDEX jobs_accepted_at ON jobs (accepted_at);

      -- On-chain transactions (claims, withdrawals) from "signed" to final.
      -- The raw signed transaction is kept so one sent before a crash can be
      -- found again by hash and never signed twice.
      CREATE TABLE chain_txs (
        id            INTEGER PRIMARY KEY,
        chain_id      INTEGER NOT NULL CHECK (chain_id > 0),
        kind          TEXT NOT NULL CHECK (kind IN ('claim', 'withdrawal')),
        from_address  TEXT NOT NULL CHECK (length(from_address) = 42),
        to_address    TEXT NOT NULL CHECK (length(to_address) = 42),
        ${money('amount')},
        nonce         INTEGER NOT NULL CHECK (nonce >= 0),
        hash          TEXT NOT NULL UNIQUE CHECK (length(hash) = 66),
        raw           TEXT NOT NULL,
        state         TEXT NOT NULL CHECK (state IN ('signed', 'sent', 'mined', 'confirmed', 'failed', 'replaced')),
        block_number  INTEGER,
        block_hash    TEXT,
        error         TEXT,
        created_at    INTEGER NOT NULL,
        updated_at    INTEGER NOT NULL,
        UNIQUE (chain_id, from_address, nonce, hash)
      ) STRICT;
      CREATE INDEX chain_txs_open ON chain_txs (state) WHERE state IN ('signed', 'sent', 'mined');

      -- Every run/pause decision, with who made it and why.
      CREATE TABLE policy_events (
        id       INTEGER PRIMARY KEY,
        at       INTEGER NOT NULL,
        decision TEXT NOT NULL CHECK (decision IN ('run', 'pause')),
        source   TEXT NOT NULL,
        reason   TEXT NOT NULL,
        budget   TEXT CHECK (budget IS NULL OR json_valid(budget))
      ) STRICT;
      CREATE INDEX policy_events_at ON policy_events (at);
    `,
  },
  {
    version: 2,
    name: 'worker events: every start, crash, kill and restart of the inference worker',
    sql: `
      CREATE TABLE worker_events (
        id     INTEGER PRIMARY KEY,
        at     INTEGER NOT NULL,
        kind   TEXT NOT NULL CHECK (kind IN ('started', 'crashed', 'killed', 'restarting', 'gave_up', 'provider_fallback')),
        pid    INTEGER,
        detail TEXT NOT NULL CHECK (json_valid(detail))
      ) STRICT;
      CREATE INDEX worker_events_at ON worker_events (at);
    `,
  },
  {
    version: 3,
    name: 'chain transactions: what each one is for (escrow, payer, voucher, asset) and the fee it may cost',
    sql: `
      -- claim: {"escrow","payer","cumulativeAmount","voucherId"}; withdrawal: {"asset":"native"|"token","token"?}
      ALTER TABLE chain_txs ADD COLUMN detail TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail));
      -- The most the transaction may cost in native base units (gas limit x max fee per gas).
      ALTER TABLE chain_txs ADD COLUMN max_fee TEXT CHECK (max_fee IS NULL OR (length(max_fee) BETWEEN 1 AND 78 AND max_fee NOT GLOB '*[^0-9]*'));
      CREATE INDEX chain_txs_created ON chain_txs (created_at);
    `,
  },
  {
    version: 4,
    name: 'contribution limits: one validated JSON document the user edits as a whole',
    sql: `
      CREATE TABLE limits (
        id         INTEGER PRIMARY KEY CHECK (id = 1),
        value      TEXT NOT NULL CHECK (json_valid(value)),
        updated_at INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 5,
    name: 'exactly-once job accounting: who offered each job, when its outcome was acknowledged, results kept until then',
    sql: `
      -- The payer that signed the offer: results still to report go back to that network only.
      ALTER TABLE jobs ADD COLUMN payer TEXT CHECK (payer IS NULL OR length(payer) = 42);
      -- The offer message's id, to match the job with the coordinator's logs.
      ALTER TABLE jobs ADD COLUMN offer_id TEXT;
      -- When the coordinator acknowledged the result or failure (or refused it for good); NULL: still to report.
      ALTER TABLE jobs ADD COLUMN reported_at INTEGER;
      -- What the worker measured for the run.
      ALTER TABLE jobs ADD COLUMN duration_ms REAL CHECK (duration_ms IS NULL OR duration_ms >= 0);
      -- Jobs that ended before this version had no coordinator to tell.
      UPDATE jobs SET reported_at = coalesce(finished_at, accepted_at) WHERE state IN ('succeeded', 'failed', 'paid');
      CREATE INDEX jobs_unreported ON jobs (payer, finished_at) WHERE reported_at IS NULL AND state IN ('succeeded', 'failed');

      -- The encoded result message of a succeeded job, written in the same
      -- transaction as its hash and before it is sent, deleted once the
      -- coordinator acknowledged it: a result the coordinator never confirmed is
      -- sent again, byte for byte, after a crash or a lost connection.
      CREATE TABLE result_frames (
        job_id     TEXT PRIMARY KEY REFERENCES jobs (id),
        message_id TEXT NOT NULL,
        frame      TEXT NOT NULL CHECK (json_valid(frame)),
        created_at INTEGER NOT NULL
      ) STRICT;

      -- The highest voucher of a channel is read for every voucher that arrives:
      -- amounts order numerically by (length, text), so this index answers it without a scan.
      CREATE INDEX vouchers_highest ON vouchers (chain_id, escrow, payer, payee, token, length(cumulative_amount), cumulative_amount);
    `,
  },
  {
    version: 6,
    name: 'the network each job came from (chain and escrow beside its payer), and the payee each stored result was signed for',
    sql: `
      -- One payer key may pay on several networks: a job's network is its chain,
      -- escrow and payer, as its vouchers name them. Its results go back to that
      -- network only, and only that network's vouchers pay it.
      ALTER TABLE jobs ADD COLUMN chain_id INTEGER CHECK (chain_id IS NULL OR chain_id > 0);
      ALTER TABLE jobs ADD COLUMN escrow TEXT CHECK (escrow IS NULL OR length(escrow) = 42);
      -- Paid jobs: their voucher's network.
      UPDATE jobs SET chain_id = v.chain_id, escrow = v.escrow FROM vouchers AS v WHERE v.id = jobs.voucher_id;
      -- The others: the network pinned with their payer, when exactly one is. Where none or
      -- several are, the job keeps no network and is matched by its payer alone, as before.
      UPDATE jobs SET (chain_id, escrow) = (
          SELECT json_extract(pin.value, '$.chainId'), json_extract(pin.value, '$.escrow') FROM node_state AS pin
          WHERE pin.key GLOB 'network.pin:*' AND json_extract(pin.value, '$.payer') = jobs.payer COLLATE NOCASE LIMIT 1)
        WHERE chain_id IS NULL AND payer IS NOT NULL AND (
          SELECT count(DISTINCT json_extract(pin.value, '$.chainId') || ':' || lower(json_extract(pin.value, '$.escrow'))) FROM node_state AS pin
          WHERE pin.key GLOB 'network.pin:*' AND json_extract(pin.value, '$.payer') = jobs.payer COLLATE NOCASE) = 1;

      -- The payee a stored result's signature names (the zero address: no wallet yet). A
      -- result still to report on a session with another payee is signed again for it.
      -- NULL: stored before this version, not known (signed again, to be sure).
      ALTER TABLE result_frames ADD COLUMN payee TEXT CHECK (payee IS NULL OR length(payee) = 42);
    `,
  },
];

export const LATEST_SCHEMA_VERSION = migrations.at(-1)?.version ?? 0;

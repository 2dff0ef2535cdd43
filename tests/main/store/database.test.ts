import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase, PAGE_CACHE_KIB, schemaVersion } from '../../../main/store/database.ts';
import { StoreError } from '../../../main/store/errors.ts';
import { LATEST_SCHEMA_VERSION, migrations } from '../../../main/store/migrations.ts';
import { tempDir } from '../../helpers/temp.ts';

const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

function expectStoreError(fn: () => unknown, kind: StoreError['kind'], file: string, message: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(StoreError);
  const error = caught as StoreError;
  expect(error.kind).toBe(kind);
  expect(error.file).toBe(file);
  expect(error.message).toContain(file);
  expect(error.message).toMatch(message);
}

describe('openDatabase', () => {
  it('creates the schema in WAL mode at the latest version', () => {
    const db = openDatabase(join(tempDir(), 'hearth.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    // A 2 MiB page cache, not better-sqlite3's 16 MiB: the node's memory stays flat as its tables grow.
    expect(db.pragma('cache_size', { simple: true })).toBe(-PAGE_CACHE_KIB);
    expect(PAGE_CACHE_KIB).toBeLessThanOrEqual(2048);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(['chain_txs', 'jobs', 'limits', 'node_state', 'policy_events', 'result_frames', 'settings', 'vouchers', 'worker_events']);
    db.close();
  });

  it('applies only pending migrations, in order, each once', () => {
    const file = join(tempDir(), 'hearth.db');
    openDatabase(file).close();
    const next = [...migrations, { version: LATEST_SCHEMA_VERSION + 1, name: 'add a column', sql: 'ALTER TABLE jobs ADD COLUMN note TEXT;' }];
    const db = openDatabase(file, { migrations: next });
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION + 1);
    db.close();
    // Opening again must not re-run the ALTER (it would fail on a duplicate column).
    openDatabase(file, { migrations: next }).close();
  });

  it('rolls back a failing migration completely', () => {
    const file = join(tempDir(), 'hearth.db');
    openDatabase(file).close();
    const broken = [...migrations, { version: LATEST_SCHEMA_VERSION + 1, name: 'broken', sql: 'CREATE TABLE half (x); SELECT * FROM missing_table;' }];
    expect(() => openDatabase(file, { migrations: broken })).toThrow(StoreError);
    const db = new BetterSqlite3(file, { readonly: true });
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'half'").pluck().get()).toBe(0);
    db.close();
  });

  it('refuses a database from a newer Hearth with a clear message and leaves it untouched', () => {
    const file = join(tempDir(), 'hearth.db');
    const db = openDatabase(file);
    db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 5}`);
    db.pragma('journal_mode = DELETE'); // one self-contained file to hash
    db.close();
    const before = sha(file);
    expectStoreError(() => openDatabase(file), 'newer', file, /newer version of Hearth.*schema \d+.*update Hearth/i);
    expect(sha(file)).toBe(before);
  });

  it('refuses a file that is not SQLite and leaves it untouched', () => {
    const file = join(tempDir(), 'hearth.db');
    writeFileSync(file, 'these are my holiday notes, not a database\n'.repeat(50));
    const before = sha(file);
    expectStoreError(() => openDatabase(file), 'corrupt', file, /not an SQLite database.*left untouched/);
    expect(sha(file)).toBe(before);
  });

  it('refuses a damaged SQLite file (valid header, garbage pages) and leaves it untouched', () => {
    const file = join(tempDir(), 'hearth.db');
    const db = openDatabase(file);
    db.pragma('journal_mode = DELETE');
    db.close();
    const bytes = readFileSync(file);
    bytes.fill(0xa5, 100); // keep the 100-byte header, wreck every page
    writeFileSync(file, bytes);
    const before = sha(file);
    expectStoreError(() => openDatabase(file), 'corrupt', file, /damaged|not a database|malformed/i);
    expect(sha(file)).toBe(before);
  });

  it('refuses a database damaged beyond its first pages, before anything writes to it', () => {
    const file = join(tempDir(), 'hearth.db');
    const db = openDatabase(file);
    const insert = db.prepare(
      "INSERT INTO jobs (id, coordinator, task, model_id, model_sha256, state, price, accepted_at, deadline_at) VALUES (?, 'c', 'ocr', 'm', ?, 'accepted', '1', 1, 2)",
    );
    db.transaction(() => {
      for (let i = 0; i < 3000; i++) insert.run(`job-${i}-${'x'.repeat(40)}`, 'a'.repeat(64));
    })();
    db.pragma('journal_mode = DELETE');
    db.close();
    const bytes = readFileSync(file);
    const pageSize = bytes.readUInt16BE(16);
    expect(bytes.length / pageSize).toBeGreaterThan(60);
    bytes.fill(0x33, 20 * pageSize, 40 * pageSize); // wreck pages 20–40, far from the header and schema
    writeFileSync(file, bytes);
    const before = sha(file);
    expectStoreError(() => openDatabase(file), 'corrupt', file, /is damaged .*left untouched/);
    expect(sha(file)).toBe(before);
  });

  it('refuses a path that is a directory', () => {
    const file = join(tempDir(), 'hearth.db');
    mkdirSync(file);
    expectStoreError(() => openDatabase(file), 'unreadable', file, /not a file/);
  });

  it('treats an empty file as an empty database', () => {
    const file = join(tempDir(), 'hearth.db');
    writeFileSync(file, '');
    const db = openDatabase(file);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    db.close();
  });
});

import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { StoreError } from './errors.ts';
import { LATEST_SCHEMA_VERSION, migrations, type Migration } from './migrations.ts';
import { registerMoneyFunctions } from './money.ts';
import { errorMessage } from '../../shared/errors.ts';

/** Each connection's SQLite page cache, KiB (see openDatabase). */
export const PAGE_CACHE_KIB = 2000;
const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Opens (creating if need be) Hearth's database at `file`, refusing — without
 * writing a byte — a file that is not SQLite, cannot be read, or was written by
 * a newer Hearth. Then switches to WAL and applies pending migrations.
 */
export function openDatabase(file: string, options: { migrations?: readonly Migration[] } = {}): Database {
  const plan = options.migrations ?? migrations;
  const latest = plan.at(-1)?.version ?? 0;
  if (existsSync(file)) inspectExisting(file, latest);

  let db: Database;
  try {
    db = new BetterSqlite3(file);
  } catch (cause) {
    throw new StoreError('unreadable', file, `Cannot open the database ${file}: ${errorMessage(cause)}`, { cause });
  }
  try {
    db.pragma('journal_mode = WAL');
    // FULL: a committed payment record survives power loss, not only a crash.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // better-sqlite3 builds SQLite with a 16 MiB page cache per connection; filled by a growing
    // jobs table, it was most of the node's memory growth over 50,000 jobs. 2 MiB holds every
    // hot index page; the rest comes from the OS's file cache, a syscall away (npm run bench).
    db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
    registerMoneyFunctions(db);
    migrate(db, plan);
    return db;
  } catch (cause) {
    db.close();
    if (cause instanceof StoreError) throw cause;
    throw new StoreError('corrupt', file, `The database ${file} could not be prepared: ${errorMessage(cause)}`, { cause });
  }
}

export function schemaVersion(db: Database): number {
  return Number(db.pragma('user_version', { simple: true }));
}

function migrate(db: Database, plan: readonly Migration[]): void {
  const current = schemaVersion(db);
  for (const migration of plan) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
}

/** Read-only look at an existing file before anything may write to it. */
function inspectExisting(file: string, latest: number): void {
  let header: Buffer;
  try {
    if (!statSync(file).isFile()) {
      throw new StoreError('unreadable', file, `The database path ${file} is not a file.`);
    }
    header = readHeader(file);
  } catch (cause) {
    if (cause instanceof StoreError) throw cause;
    throw new StoreError('unreadable', file, `Cannot read the database ${file}: ${errorMessage(cause)}`, { cause });
  }
  if (header.length === 0) return; // an empty file is an empty database
  if (header.length < SQLITE_MAGIC.length || !header.subarray(0, SQLITE_MAGIC.length).equals(SQLITE_MAGIC)) {
    throw new StoreError(
      'corrupt',
      file,
      `${file} is not an SQLite database (damaged or a different file). It was left untouched: ` +
        'move it aside to start with a fresh database, or restore it from a backup.',
    );
  }

  let db: Database | undefined;
  try {
    db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    const version = schemaVersion(db);
    if (version > latest) {
      throw new StoreError(
        'newer',
        file,
        `${file} was written by a newer version of Hearth (database schema ${version}; this version knows up to ${latest}). ` +
          'It was left untouched: update Hearth, or use another data directory.',
      );
    }
    // Reads every page, still read-only: damage anywhere is found before anything writes.
    // O(size of the database): a few milliseconds per megabyte.
    const problems = db.pragma('quick_check(5)', { simple: false }) as { quick_check: string }[];
    const verdict = problems.map((row) => row.quick_check);
    if (verdict.length !== 1 || verdict[0] !== 'ok') {
      throw new StoreError(
        'corrupt',
        file,
        `The database ${file} is damaged (${verdict.join('; ').replace(/\s+/g, ' ').slice(0, 300)}). It was left untouched: move it aside to start fresh, or restore it from a backup.`,
      );
    }
  } catch (cause) {
    if (cause instanceof StoreError) throw cause;
    const busy = cause instanceof Error && 'code' in cause && String(cause.code).startsWith('SQLITE_BUSY');
    throw new StoreError(
      busy ? 'locked' : 'corrupt',
      file,
      busy
        ? `The database ${file} is locked by another program.`
        : `The database ${file} is damaged (${errorMessage(cause)}). It was left untouched: move it aside to start fresh, or restore it from a backup.`,
      { cause },
    );
  } finally {
    db?.close();
  }
}

function readHeader(file: string): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(100);
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}


export { LATEST_SCHEMA_VERSION };

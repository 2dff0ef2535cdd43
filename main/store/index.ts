import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { ChainTxsRepository } from './chain-txs.ts';
import { openDatabase } from './database.ts';
import { JobsRepository } from './jobs.ts';
import { JobSummaryQueries } from './job-summary.ts';
import { LimitsRepository } from './limits.ts';
import { NodeStateRepository } from './node-state.ts';
import { PolicyEventsRepository } from './policy-events.ts';
import { SettingsRepository } from './settings.ts';
import { VouchersRepository } from './vouchers.ts';
import { WorkerEventsRepository } from './worker-events.ts';

export const DATABASE_FILE = 'hearth.db';

/** The database and one repository per table group. */
export class Store {
  readonly db: Database;
  readonly file: string;
  readonly settings: SettingsRepository;
  readonly nodeState: NodeStateRepository;
  readonly jobs: JobsRepository;
  readonly jobSummary: JobSummaryQueries;
  readonly vouchers: VouchersRepository;
  readonly chainTxs: ChainTxsRepository;
  readonly policyEvents: PolicyEventsRepository;
  readonly workerEvents: WorkerEventsRepository;
  readonly limits: LimitsRepository;

  private constructor(db: Database, file: string) {
    this.db = db;
    this.file = file;
    this.settings = new SettingsRepository(db);
    this.nodeState = new NodeStateRepository(db);
    this.jobs = new JobsRepository(db);
    this.jobSummary = new JobSummaryQueries(db);
    this.vouchers = new VouchersRepository(db);
    this.chainTxs = new ChainTxsRepository(db);
    this.policyEvents = new PolicyEventsRepository(db);
    this.workerEvents = new WorkerEventsRepository(db);
    this.limits = new LimitsRepository(db);
  }

  static open(file: string): Store {
    return new Store(openDatabase(file), file);
  }

  static openInDir(dataDir: string): Store {
    return Store.open(join(dataDir, DATABASE_FILE));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

export { StoreError } from './errors.ts';

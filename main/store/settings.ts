import type { Database, Statement } from 'better-sqlite3';
import { defaultSettings, settingsSchema, type Settings, type SettingsPatch } from '../../shared/settings.ts';

export interface SettingsProblem {
  key: string;
  problem: string;
}

/**
 * User settings, one row per key holding its JSON value. A stored value that
 * no longer validates (edited by hand, or from an older schema) reads as the
 * default and is reported, but its row is kept until the user saves a new one.
 */
export class SettingsRepository {
  readonly #db: Database;
  readonly #all: Statement<[], { key: string; value: string }>;
  readonly #upsert: Statement<{ key: string; value: string; now: number }>;

  constructor(db: Database) {
    this.#db = db;
    this.#all = db.prepare('SELECT key, value FROM settings');
    this.#upsert = db.prepare(
      'INSERT INTO settings (key, value, updated_at) VALUES (@key, @value, @now) ' +
        'ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
    );
  }

  read(): { settings: Settings; problems: SettingsProblem[] } {
    const settings: Record<string, unknown> = { ...defaultSettings };
    const problems: SettingsProblem[] = [];
    const shape = settingsSchema.shape;
    for (const row of this.#all.all()) {
      if (!Object.hasOwn(shape, row.key)) continue; // a key from another version: kept, ignored
      const field = shape[row.key as keyof typeof shape];
      let parsed: unknown;
      try {
        parsed = JSON.parse(row.value);
      } catch {
        problems.push({ key: row.key, problem: 'stored value is not JSON' });
        continue;
      }
      const result = field.safeParse(parsed);
      if (result.success) settings[row.key] = result.data;
      else problems.push({ key: row.key, problem: result.error.issues.map((i) => i.message).join('; ') });
    }
    return { settings: settingsSchema.parse(settings), problems };
  }

  get(): Settings {
    return this.read().settings;
  }

  /** Writes a validated patch in one transaction and returns the new settings. */
  update(patch: SettingsPatch, now = Date.now()): Settings {
    return this.#db
      .transaction(() => {
        for (const [key, value] of Object.entries(patch)) {
          if (value === undefined) continue;
          this.#upsert.run({ key, value: JSON.stringify(value), now });
        }
        return this.get();
      })
      .immediate();
  }
}

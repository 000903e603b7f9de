import type { AppConfig } from '../config.ts';
import type { Database } from './database.ts';
import { openEmbeddedDatabaseInThread } from './embedded-thread.ts';
import { openNativeDatabase } from './native.ts';
import { detectCapabilities, ensurePostgis } from './capabilities.ts';
import { migrate } from './migrate.ts';

export interface OpenedDatabase {
  db: Database;
  /** True when this start created the database (embedded: an empty data folder). */
  created: boolean;
  appliedMigrations: string[];
}

/** Opens the configured driver, makes sure PostGIS is there, migrates, and detects capabilities. */
export async function openDatabase(
  config: Pick<AppConfig, 'dataDir' | 'databaseUrl'>,
  options: { owner?: string; migrate?: boolean } = {},
): Promise<OpenedDatabase> {
  const db: Database = config.databaseUrl
    ? await openNativeDatabase({ connectionString: config.databaseUrl })
    : // PGlite in its own thread: heavy SQL there never stops the HTTP thread
      await openEmbeddedDatabaseInThread({ dataDir: config.dataDir, owner: options.owner });
  try {
    await ensurePostgis(db);
    const existed = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'schema_migrations'",
    );
    const appliedMigrations = options.migrate === false ? [] : await migrate(db);
    db.capabilities = await detectCapabilities(db);
    return { db, created: existed.rows[0].n === 0, appliedMigrations };
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
}

import type { AppConfig } from './config.ts';
import type { Database } from './db/database.ts';
import type { ReadRouting } from './db/read-routing.ts';
import type { Logger } from './logger.ts';

/** What every domain router receives. Holds no per-user state, so app instances stay interchangeable. */
export interface AppContext {
  /** The primary: every write, and every read of a signed-in user. */
  db: Database;
  /** Where public reads run (the primary, or a hot standby with DATABASE_READ_URL); see server/db/read-routing.ts. */
  reads: ReadRouting;
  config: AppConfig;
  logger: Logger;
}

/** createApp's input: without `reads`, every read runs on `db`. */
export type AppContextInput = Omit<AppContext, 'reads'> & { reads?: ReadRouting };

import type { AppConfig } from './config.ts';
import type { Database } from './db/database.ts';
import type { Logger } from './logger.ts';

/** What every domain router receives. Holds no per-user state, so app instances stay interchangeable. */
export interface AppContext {
  db: Database;
  config: AppConfig;
  logger: Logger;
}

import type { Server } from 'node:http';
import { loadConfig, ConfigError } from './config.ts';
import { createLogger } from './logger.ts';
import { openDatabase } from './db/open.ts';
import { seed } from './db/seed.ts';
import { createApp } from './app.ts';
import type { Database } from './db/database.ts';
import { ReadRouting } from './db/read-routing.ts';
import { removeStaleTempFiles } from './exchange/temp-files.ts';

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  let db: Database | undefined;
  let reads: ReadRouting | undefined;
  let server: Server | undefined;

  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    const forceExit = setTimeout(() => process.exit(1), 10_000).unref();
    if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    server?.closeAllConnections?.();
    await reads?.close();
    if (db) await db.close();
    clearTimeout(forceExit);
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  try {
    const started = Date.now();
    const staleTempFiles = await removeStaleTempFiles();
    if (staleTempFiles) logger.info({ removed: staleTempFiles }, 'removed temporary files left by an earlier run');
    const opened = await openDatabase(config, { owner: 'server' });
    db = opened.db;
    const seeded = await seed(db, {
      // native databases never get demo accounts implicitly
      demoUsers: db.driver === 'embedded' && opened.created,
      demoPassword: config.demoPassword,
    });
    logger.info(
      { driver: db.driver, capabilities: db.capabilities, migrations: opened.appliedMigrations, seeded, ms: Date.now() - started },
      'database ready',
    );
    reads = new ReadRouting(db, { logger, replicaUrl: config.databaseReadUrl });
    if (config.databaseReadUrl) logger.info({ replica: await reads.replicaHealth() }, 'public reads routed to the read replica (DATABASE_READ_URL)');
    const app = createApp({ db, config, logger, reads });
    server = app.listen(config.port, config.host, () => {
      logger.info({ url: `http://localhost:${config.port}`, driver: db!.driver }, 'Cluster Atlas is listening');
    });
    server.on('error', (err) => {
      logger.fatal({ err: err.message }, 'HTTP server failed');
      void db?.close().finally(() => process.exit(1));
    });
  } catch (err) {
    logger.fatal({ err: (err as Error).message }, 'start-up failed');
    console.error(`Cluster Atlas could not start: ${(err as Error).message}`);
    await reads?.close().catch(() => undefined);
    await db?.close().catch(() => undefined);
    process.exit(1);
  }
}

void main();

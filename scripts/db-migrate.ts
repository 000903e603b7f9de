// npm run db:migrate: applies pending sql/ migrations (start-up does the same).
import { withDatabase } from './cli.ts';
import { listMigrations } from '../server/db/migrate.ts';

await withDatabase('db:migrate', async (db) => {
  const recorded = await db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name');
  const files = await listMigrations();
  console.log(`${recorded.rowCount} of ${files.length} migrations applied; database is up to date (${db.driver}).`);
});

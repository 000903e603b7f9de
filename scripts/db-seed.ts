// npm run db:seed [-- --demo]: loads gis-data (once) and, with --demo, the demo accounts.
import { parseArgs, withDatabase } from './cli.ts';
import { seed } from '../server/db/seed.ts';
import { loadConfig } from '../server/config.ts';

const args = parseArgs(process.argv.slice(2));
await withDatabase('db:seed', async (db) => {
  const result = await seed(db, { demoUsers: args.demo === true, demoPassword: loadConfig().demoPassword });
  console.log(
    `administrative geography: ${result.adminGeography ? 'loaded' : 'already present'}; demo users created: ${result.demoUsers.join(', ') || 'none'}`,
  );
});

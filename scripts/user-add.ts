// npm run user:add -- --username U --password P --role R [--province CODE] [--name "Display name"]
// --province is a 2025 provincial unit (the 34-unit division), e.g. 15 Lào Cai, 24 Bắc Ninh
import { parseArgs, withDatabase } from './cli.ts';
import { AuthService } from '../server/auth/auth.service.ts';

const args = parseArgs(process.argv.slice(2));
await withDatabase('user:add', async (db) => {
  const user = await new AuthService(db).createUser(
    { username: args.username, password: args.password, role: args.role, province_code: args.province, display_name: args.name },
    { id: null, username: 'cli', ip: null },
  );
  console.log(`created ${user.username} (${user.role}${user.province_code ? `, province ${user.province_code}` : ''})`);
});

import { loadConfig } from '../server/config.ts';
import { openDatabase } from '../server/db/open.ts';
import type { Database } from '../server/db/database.ts';

/** Parses `--name value` and bare `--flag` arguments. */
export function parseArgs(argv: string[]): Record<string, string | true> {
  const args: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) continue;
    const next = argv[i + 1];
    if (next !== undefined && !next.startsWith('--')) {
      args[arg.slice(2)] = next;
      i++;
    } else args[arg.slice(2)] = true;
  }
  return args;
}

/** Runs a CLI task against the configured database (embedded: takes the data-folder lock, so it refuses while the server runs). */
export async function withDatabase<T>(owner: string, task: (db: Database, created: boolean) => Promise<T>): Promise<T> {
  const config = loadConfig();
  let opened;
  try {
    opened = await openDatabase(config, { owner });
  } catch (err) {
    console.error(`${owner}: ${(err as Error).message}`);
    process.exit(1);
  }
  try {
    return await task(opened.db, opened.created);
  } catch (err) {
    console.error(`${owner}: ${(err as Error).message}`);
    const details = (err as { details?: unknown }).details;
    if (details) console.error(JSON.stringify(details, null, 2));
    process.exitCode = 1;
    return undefined as T;
  } finally {
    await opened.db.close();
  }
}

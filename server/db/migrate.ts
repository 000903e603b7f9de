import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { Database } from './database.ts';
import { projectRoot } from '../paths.ts';

export const MIGRATIONS_DIR = path.join(projectRoot, 'sql');
const MIGRATION_FILE = /^(\d{3})_[a-z0-9_-]+\.sql$/;
// any constant works; it only has to be the same for every app instance
const MIGRATION_LOCK_KEY = 7_201_009;

export class MigrationError extends Error {
  constructor(
    readonly file: string,
    readonly databaseMessage: string,
  ) {
    super(`Migration ${file} failed and was rolled back: ${databaseMessage}`);
    this.name = 'MigrationError';
  }
}

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export async function listMigrations(dir = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const names = (await readdir(dir)).filter((n) => MIGRATION_FILE.test(n)).sort();
  const seen = new Set<string>();
  const files: MigrationFile[] = [];
  for (const name of names) {
    const prefix = name.slice(0, 3);
    if (seen.has(prefix)) throw new MigrationError(name, `two migrations share the number ${prefix}`);
    seen.add(prefix);
    const sql = await readFile(path.join(dir, name), 'utf8');
    files.push({ name, sql, checksum: createHash('sha256').update(sql).digest('hex') });
  }
  return files;
}

/**
 * Applies pending migrations in order, each in its own transaction with its bookkeeping row,
 * so a failure leaves the database exactly as the previous migration left it.
 */
export async function migrate(db: Database, dir = MIGRATIONS_DIR): Promise<string[]> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    name       text PRIMARY KEY,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const files = await listMigrations(dir);
  const applied: string[] = [];
  for (const file of files) {
    const didApply = await db
      .transaction(async (tx) => {
        // serialises concurrent instances starting against one database
        await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
        const done = await tx.query('SELECT 1 FROM schema_migrations WHERE name = $1', [file.name]);
        if (done.rowCount > 0) return false;
        await tx.exec(file.sql);
        await tx.query('INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)', [file.name, file.checksum]);
        return true;
      })
      .catch((err: Error) => {
        throw new MigrationError(file.name, err.message);
      });
    if (didApply) applied.push(file.name);
  }
  return applied;
}

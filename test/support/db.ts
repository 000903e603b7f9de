import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, inject, beforeAll, afterAll } from 'vitest';
import type { Database, DriverName } from '../../server/db/database.ts';
import { openEmbeddedDatabaseInThread } from '../../server/db/embedded-thread.ts';
import { openNativeDatabase } from '../../server/db/native.ts';
import { detectCapabilities } from '../../server/db/capabilities.ts';

/** Every database suite runs on PGlite, and also on native PostGIS when TEST_DATABASE_URL is set. */
export function testDrivers(): DriverName[] {
  return inject('nativeTemplateUrl') ? ['embedded', 'native'] : ['embedded'];
}

let embeddedTemplate: Blob | undefined;

export interface TestDatabase {
  db: Database;
  /** native only: the connection string of the suite's own database */
  url?: string;
  drop(): Promise<void>;
}

/** A fresh, migrated and seeded database for one suite, cloned from the run's template. */
export async function createTestDatabase(driver: DriverName): Promise<TestDatabase> {
  if (driver === 'embedded') {
    embeddedTemplate ??= new Blob([await readFile(inject('embeddedTemplatePath'))]);
    // the server's own embedded driver: PGlite in a worker thread
    const db = await openEmbeddedDatabaseInThread({ loadDataDir: embeddedTemplate });
    db.capabilities = await detectCapabilities(db);
    return { db, drop: () => db.close() };
  }
  const templateUrl = inject('nativeTemplateUrl');
  if (!templateUrl) throw new Error('native driver requested but TEST_DATABASE_URL is not set');
  const template = new URL(templateUrl);
  const templateName = template.pathname.slice(1);
  const name = `cluster_atlas_suite_${randomBytes(6).toString('hex')}`;
  const adminUrl = new URL(templateUrl);
  adminUrl.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)} TEMPLATE ${admin.escapeIdentifier(templateName)}`);
  } finally {
    await admin.end();
  }
  const suiteUrl = new URL(templateUrl);
  suiteUrl.pathname = `/${name}`;
  const db = await openNativeDatabase({ connectionString: suiteUrl.toString() });
  db.capabilities = await detectCapabilities(db);
  return {
    db,
    url: suiteUrl.toString(),
    async drop() {
      await db.close();
      const cleanup = new pg.Client({ connectionString: adminUrl.toString() });
      await cleanup.connect();
      try {
        await cleanup.query(`DROP DATABASE IF EXISTS ${cleanup.escapeIdentifier(name)} WITH (FORCE)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}

/**
 * describe() once per driver with a suite-scoped database: `describeEachDriver('x', (t) => { it(..., () => t.db.query(...)) })`.
 * `t.db` is valid inside tests and hooks.
 */
export function describeEachDriver(name: string, body: (t: { readonly db: Database; readonly driver: DriverName }) => void) {
  for (const driver of testDrivers()) {
    describe(`${name} [${driver}]`, () => {
      let handle: TestDatabase | undefined;
      const t = {
        driver,
        get db(): Database {
          if (!handle) throw new Error('database not ready: use t.db inside tests or hooks');
          return handle.db;
        },
      };
      beforeAll(async () => {
        handle = await createTestDatabase(driver);
      });
      afterAll(async () => {
        await handle?.drop();
      });
      body(t);
    });
  }
}

/** Materialises the template into a data folder, so a spawned server starts warm (no migration, no seed). */
export async function prepareEmbeddedDataDir(dataDir: string): Promise<void> {
  embeddedTemplate ??= new Blob([await readFile(inject('embeddedTemplatePath'))]);
  const { mkdir } = await import('node:fs/promises');
  await mkdir(dataDir, { recursive: true });
  const { PGlite } = await import('@electric-sql/pglite');
  const { postgis } = await import('@electric-sql/pglite-postgis');
  const pg = await PGlite.create({ dataDir: `${dataDir}/pglite`, loadDataDir: embeddedTemplate, extensions: { postgis } });
  await pg.close();
}

import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { projectRoot } from '../../server/paths.ts';
import { openEmbeddedDatabase } from '../../server/db/embedded.ts';
import { openNativeDatabase } from '../../server/db/native.ts';
import { ensurePostgis } from '../../server/db/capabilities.ts';
import { migrate } from '../../server/db/migrate.ts';
import { seed } from '../../server/db/seed.ts';
import { templateFingerprint, TEST_DEMO_PASSWORD } from './template.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    embeddedTemplatePath: string;
    nativeTemplateUrl: string | null;
  }
}

export const TMP_DIR = path.join(projectRoot, '.test-tmp');

/** The one line `npm test` prints when only the embedded driver runs. */
export const NATIVE_SKIPPED_NOTICE =
  'vitest: TEST_DATABASE_URL is not set, so the native PostGIS suites are skipped and every database suite runs on the embedded PGlite driver only ' +
  '(set TEST_DATABASE_URL=postgres://…/cluster_atlas_test to run them on both drivers).';

/** Migrates and seeds ONE embedded template per fingerprint; suites clone it (~2 s) instead of migrating (~15 s). */
async function buildEmbeddedTemplate(fingerprint: string): Promise<string> {
  const file = path.join(TMP_DIR, `embedded-template-${fingerprint}.tar.gz`);
  if (existsSync(file)) return file;
  // another run may still be cloning an older template: only remove ones untouched for a day
  for (const old of await readdir(TMP_DIR)) {
    const oldPath = path.join(TMP_DIR, old);
    if (old.startsWith('embedded-template-') && Date.now() - (await stat(oldPath)).mtimeMs > 86_400_000) await rm(oldPath, { force: true });
  }
  const db = await openEmbeddedDatabase();
  await ensurePostgis(db);
  await migrate(db);
  await seed(db, { demoUsers: true, demoPassword: TEST_DEMO_PASSWORD });
  const dump = await db.dumpDataDir();
  // write then rename, so a concurrent run never reads a half-written template
  const partial = `${file}.${process.pid}.partial`;
  await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
  await rename(partial, file);
  await db.close();
  return file;
}

/** On native PostGIS the template is a real template database; suites CREATE DATABASE … TEMPLATE it. */
async function buildNativeTemplate(baseUrl: string, fingerprint: string): Promise<string> {
  const templateName = `cluster_atlas_tpl_${fingerprint}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [templateName]);
    if (exists.rowCount) return templateUrl(baseUrl, templateName);
    // templates of older schemas; suite databases are dropped by their own suites
    const stale = await admin.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'cluster_atlas_tpl_%' AND datname NOT LIKE '%_building%'",
    );
    for (const row of stale.rows) {
      await admin.query(`ALTER DATABASE ${admin.escapeIdentifier(row.datname)} IS_TEMPLATE false`).catch(() => undefined);
      // without FORCE: a template another run is cloning right now stays
      await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(row.datname)}`).catch(() => undefined);
    }
    const building = `${templateName}_building_${process.pid}`;
    await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(building)} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(building)}`);
    const db = await openNativeDatabase({ connectionString: templateUrl(baseUrl, building) });
    await ensurePostgis(db);
    await migrate(db);
    await seed(db, { demoUsers: true, demoPassword: TEST_DEMO_PASSWORD });
    await db.close();
    try {
      await admin.query(`ALTER DATABASE ${admin.escapeIdentifier(building)} RENAME TO ${admin.escapeIdentifier(templateName)}`);
      await admin.query(`ALTER DATABASE ${admin.escapeIdentifier(templateName)} IS_TEMPLATE true`);
    } catch (err) {
      // a concurrent run built the same template first; use theirs
      await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(building)} WITH (FORCE)`);
      const again = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [templateName]);
      if (!again.rowCount) throw err;
    }
    return templateUrl(baseUrl, templateName);
  } finally {
    await admin.end();
  }
}

export function templateUrl(baseUrl: string, database: string): string {
  const url = new URL(baseUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export default async function setup(project: TestProject) {
  await mkdir(TMP_DIR, { recursive: true });
  const fingerprint = await templateFingerprint();
  const nativeUrl = process.env.TEST_DATABASE_URL?.trim() || null;
  if (!nativeUrl) process.stdout.write(`${NATIVE_SKIPPED_NOTICE}\n`);
  const [embeddedTemplatePath, nativeTemplateUrl] = await Promise.all([
    buildEmbeddedTemplate(fingerprint),
    nativeUrl ? buildNativeTemplate(nativeUrl, fingerprint) : Promise.resolve(null),
  ]);
  project.provide('embeddedTemplatePath', embeddedTemplatePath);
  project.provide('nativeTemplateUrl', nativeTemplateUrl);
}

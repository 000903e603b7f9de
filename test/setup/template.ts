import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { projectRoot } from '../../server/paths.ts';

/** Hash of everything that shapes the template database, so a cached template is rebuilt when any of it changes. */
export async function templateFingerprint(): Promise<string> {
  const hash = createHash('sha256');
  const sqlDir = path.join(projectRoot, 'sql');
  for (const name of (await readdir(sqlDir)).sort()) hash.update(name).update(await readFile(path.join(sqlDir, name)));
  const adminDir = path.join(projectRoot, 'gis-data', 'admin');
  for (const name of (await readdir(adminDir)).sort()) {
    const s = await stat(path.join(adminDir, name));
    hash.update(`${name}:${s.size}:${s.mtimeMs}`);
  }
  for (const file of ['server/db/seed.ts', 'server/geography/admin-seed.ts', 'test/setup/template.ts', 'test/setup/global-setup.ts']) {
    hash.update(await readFile(path.join(projectRoot, file)));
  }
  return hash.digest('hex').slice(0, 16);
}

export const TEST_DEMO_PASSWORD = 'demo-password';

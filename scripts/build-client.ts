/**
 * `npm start` builds the client only when its inputs changed: a warm start skips the 10 s `vite build`.
 * The inputs are the client sources, the shared rules it imports (server/domain), the Vite config and the
 * lock file; their digest is kept beside the build in dist/client/.build-inputs.
 *
 *   node --import tsx scripts/build-client.ts [--force]
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { clientDistDir, projectRoot } from '../server/paths.ts';

const INPUTS = ['client', 'server/domain', 'vite.config.ts', 'package-lock.json', 'tsconfig.json'];
export const DIGEST_FILE = '.build-inputs';

function listFiles(entry: string): string[] {
  if (!existsSync(entry)) return [];
  if (statSync(entry).isFile()) return [entry];
  return readdirSync(entry, { withFileTypes: true })
    .filter((d) => d.name !== 'node_modules' && !d.name.startsWith('.'))
    .flatMap((d) => listFiles(path.join(entry, d.name)));
}

/** A digest of every input file's path and bytes. */
export function clientInputsDigest(root = projectRoot): string {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap((i) => listFiles(path.join(root, i))).sort()) {
    hash.update(path.relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

export function buildIsCurrent(digest: string, distDir = clientDistDir): boolean {
  const file = path.join(distDir, DIGEST_FILE);
  return existsSync(path.join(distDir, 'index.html')) && existsSync(file) && readFileSync(file, 'utf8').trim() === digest;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const digest = clientInputsDigest();
  if (!process.argv.includes('--force') && buildIsCurrent(digest)) {
    console.log('client build is current (inputs unchanged): skipping vite build');
  } else {
    const run = spawnSync(process.execPath, [path.join(projectRoot, 'node_modules/vite/bin/vite.js'), 'build'], { cwd: projectRoot, stdio: 'inherit' });
    if (run.status !== 0) process.exit(run.status ?? 1);
    writeFileSync(path.join(clientDistDir, DIGEST_FILE), `${digest}\n`);
  }
}

/**
 * The temporary files of uploads and conversions, in one place, so that what a crash left behind is found
 * and removed at the next start. Only entries older than an hour go: another instance on the same host
 * may be mid-upload.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OGR_TMP_PREFIX } from './formats/ogr.ts';

export const UPLOAD_DIR_NAME = 'cluster-atlas-uploads';
export const IMPORT_TMP_PREFIX = 'ca-import-';

export function uploadDir(root = tmpdir()): string {
  return path.join(root, UPLOAD_DIR_NAME);
}

/** Removes stale uploads and extraction folders; returns how many entries went. */
export async function removeStaleTempFiles(options: { root?: string; olderThanMs?: number; now?: number } = {}): Promise<number> {
  const root = options.root ?? tmpdir();
  const cutoff = (options.now ?? Date.now()) - (options.olderThanMs ?? 60 * 60 * 1000);
  let removed = 0;
  const sweep = async (dir: string, match: (name: string) => boolean) => {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return;
    }
    for (const name of names.filter(match)) {
      const full = path.join(dir, name);
      try {
        if ((await stat(full)).mtimeMs < cutoff) {
          await rm(full, { recursive: true, force: true });
          removed++;
        }
      } catch {
        // gone meanwhile
      }
    }
  };
  await sweep(uploadDir(root), () => true);
  await sweep(root, (n) => n.startsWith(IMPORT_TMP_PREFIX) || n.startsWith(OGR_TMP_PREFIX));
  return removed;
}

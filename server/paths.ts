import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, so data and SQL resolve the same from the server, scripts and tests. */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const gisDataDir = path.join(projectRoot, 'gis-data');
export const clientDistDir = path.join(projectRoot, 'dist', 'client');

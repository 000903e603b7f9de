/**
 * GeoPackage and FlatGeobuf, written by GDAL's ogr2ogr (Debian gdal-bin) from the GeoJSON export: no home-made
 * writer for formats GDAL maintains. The GeoJSON may come as text or as a stream of chunks (so a streamed export can
 * feed it); it goes through a private temporary folder that is removed whatever happens.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { HttpException } from '../../errors.ts';

const run = promisify(execFile);

export const OGR_FORMATS = {
  gpkg: { driver: 'GPKG', mime: 'application/geopackage+sqlite3', options: ['-lco', 'SPATIAL_INDEX=YES'] },
  fgb: { driver: 'FlatGeobuf', mime: 'application/flatgeobuf', options: ['-lco', 'SPATIAL_INDEX=YES'] },
} as const;
export type OgrFormat = keyof typeof OGR_FORMATS;

/** Prefix of the temporary folders (tests check that none is left behind). */
export const OGR_TMP_PREFIX = 'ca-export-';

/** 503 when GDAL is not installed; 500 (with GDAL's message) when it failed on our own GeoJSON. */
export class ConversionFailedException extends HttpException {
  constructor(status: 500 | 503, message: string, details?: unknown) {
    super(status, status === 503 ? 'export-unavailable' : 'export-failed', message, details);
  }
}

/**
 * Converts GeoJSON (a FeatureCollection whose coordinates are in EPSG:srid) into one layer of the format.
 * `ogr2ogr` is the binary to run (a parameter so tests can exercise the failure path).
 */
export async function convertGeoJson(
  geojson: string | AsyncIterable<string | Uint8Array>,
  format: OgrFormat,
  opts: { layer: string; srid: number; ogr2ogr?: string },
): Promise<Buffer> {
  const { driver, options } = OGR_FORMATS[format];
  const dir = await mkdtemp(path.join(tmpdir(), OGR_TMP_PREFIX));
  try {
    const input = path.join(dir, 'in.geojson');
    const output = path.join(dir, `out.${format}`);
    await writeFile(input, geojson);
    // -a_srs: the GeoJSON says its CRS too, but only in the deprecated "crs" member that RFC 7946 dropped
    await run(opts.ogr2ogr ?? 'ogr2ogr', ['-f', driver, ...options, '-nln', opts.layer, '-a_srs', `EPSG:${opts.srid}`, output, input], {
      timeout: 300_000,
      maxBuffer: 4 * 1024 * 1024,
      // large features (national layers) past GDAL's default 200 MB object limit
      env: { ...process.env, OGR_GEOJSON_MAX_OBJ_SIZE: '0' },
    });
    return await readFile(output);
  } catch (err) {
    const e = err as { code?: string; stderr?: string; message?: string };
    if (e.code === 'ENOENT') throw new ConversionFailedException(503, `${driver} export needs GDAL's ogr2ogr (Debian: apt-get install gdal-bin)`);
    throw new ConversionFailedException(500, `ogr2ogr could not write ${driver}`, { stderr: String(e.stderr ?? e.message ?? '').slice(0, 500) });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

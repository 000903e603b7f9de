import type { Database, PostgisCapabilities } from './database.ts';
import { DatabaseStartupError } from './errors.ts';

/** Makes sure PostGIS is there (creating it if we may), with a message an operator can act on. */
export async function ensurePostgis(db: Database): Promise<void> {
  const installed = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_extension WHERE extname = 'postgis'");
  if (installed.rows[0].n > 0) return;
  try {
    await db.exec('CREATE EXTENSION IF NOT EXISTS postgis');
  } catch (err) {
    const available = await db
      .query<{ n: number }>("SELECT count(*)::int AS n FROM pg_available_extensions WHERE name = 'postgis'")
      .then((r) => r.rows[0].n > 0)
      .catch(() => false);
    throw new DatabaseStartupError(
      available
        ? `PostGIS is not enabled in this database and could not be enabled (${(err as Error).message}). ` +
            'Ask a superuser to run: CREATE EXTENSION postgis;'
        : 'PostGIS is not installed on this PostgreSQL server. Install it (Debian: apt-get install postgresql-15-postgis-3), ' +
            'then run in the database: CREATE EXTENSION postgis;',
      err,
    );
  }
}

/** ST_AsMVT exists in the embedded build but fails at run time (no protobuf), so it is called, not looked up. */
export async function detectCapabilities(db: Database): Promise<PostgisCapabilities> {
  const version = await db.query<{ v: string }>('SELECT PostGIS_Lib_Version() AS v');
  let mvt: boolean;
  try {
    await db.query(
      `SELECT ST_AsMVT(t, 'probe') AS tile FROM (
         SELECT 1 AS id, ST_AsMVTGeom(ST_SetSRID(ST_MakePoint(0, 0), 3857), ST_MakeEnvelope(-10, -10, 10, 10, 3857)) AS geom
       ) t`,
    );
    mvt = true;
  } catch {
    mvt = false;
  }
  return { postgis: version.rows[0].v, mvt };
}

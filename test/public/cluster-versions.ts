import type { Polygon, MultiPolygon } from 'geojson';
import type { Queryable } from '../../server/db/database.ts';

/**
 * Adds version n+1 to a cluster straight in the tables, the way the registry's review workflow records it:
 * an immutable version row, its review events (with an author comment) and, when approved, the moved
 * published pointer. Used to prove public endpoints follow approvals and never show anything else.
 */
export async function addClusterVersion(
  db: Queryable,
  clusterId: string,
  v: { name: string; geometry: Polygon | MultiPolygon; state: 'draft' | 'submitted' | 'approved'; comment?: string; properties?: Record<string, unknown>; authorId?: number | null; status?: string },
): Promise<number> {
  const head = await db.query<{ head_version: number; province_code: string }>('SELECT head_version, province_code FROM clusters WHERE id = $1', [clusterId]);
  const version = head.rows[0].head_version + 1;
  const province = head.rows[0].province_code;
  const prev = await db.query<{ properties: Record<string, unknown> }>('SELECT properties FROM cluster_versions WHERE cluster_id = $1 AND version = $2', [clusterId, version - 1]);
  const properties = { ...prev.rows[0].properties, ...v.properties, name: v.name, status: v.status ?? prev.rows[0].properties.status };
  await db.query(
    `WITH g AS (SELECT ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($5), 4326)) AS geom)
     INSERT INTO cluster_versions (cluster_id, version, author_id, comment, properties, name, status, province_code, geom, area_ha)
     SELECT $1, $2, $6, $7, $3, $4, $8, $9, g.geom, ST_Area(g.geom::geography) / 10000 FROM g`,
    [clusterId, version, JSON.stringify(properties), v.name, JSON.stringify(v.geometry), v.authorId ?? null, v.comment ?? null, properties.status, province],
  );
  await db.query('UPDATE clusters SET head_version = $2 WHERE id = $1', [clusterId, version]);
  const states = v.state === 'draft' ? ['draft'] : v.state === 'submitted' ? ['draft', 'submitted'] : ['draft', 'submitted', 'approved'];
  for (const state of states) {
    await db.query('INSERT INTO cluster_review_events (cluster_id, version, state, actor_id, comment) VALUES ($1, $2, $3, $4, $5)', [clusterId, version, state, v.authorId ?? null, v.comment ?? null]);
  }
  if (v.state === 'approved') await db.query('UPDATE clusters SET published_version = $2 WHERE id = $1', [clusterId, version]);
  return version;
}

export async function insertResidentialZone(
  db: Queryable,
  z: { kind?: string; name: string; population?: number | null; province_code?: string | null; geometry: Polygon | MultiPolygon },
): Promise<number> {
  const r = await db.query<{ id: number }>(
    `INSERT INTO residential_zones (kind, name, population, source, province_code, geom)
     VALUES ($1, $2, $3, 'test', $4, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($5), 4326))) RETURNING id`,
    [z.kind ?? 'urban', z.name, z.population ?? null, z.province_code ?? null, JSON.stringify(z.geometry)],
  );
  return r.rows[0].id;
}

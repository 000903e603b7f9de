import type { Queryable } from '../../server/db/database.ts';
import type { TestClient } from '../support/client.ts';

/**
 * A residential zone whose westernmost vertex lies exactly `distanceM` east of (lon, lat) (geodesic,
 * PostGIS ST_Project); its other vertices are further east, so that vertex is the nearest point.
 */
export async function zoneEastOf(db: Queryable, lon: number, lat: number, distanceM: number, options: { name?: string; population?: number | null } = {}): Promise<string> {
  const r = await db.query<{ id: string }>(
    `WITH p AS (SELECT ST_Project(ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography, $3::float8, radians(90))::geometry AS v)
     INSERT INTO residential_zones (kind, name, population, source, geom)
     SELECT 'rural-settlement', $4, $5, 'test',
            ST_Multi(ST_MakePolygon(ST_MakeLine(ARRAY[v, ST_Translate(v, 0.004, 0.002), ST_Translate(v, 0.004, -0.002), v])))
     FROM p RETURNING id::text`,
    [lon, lat, distanceM, options.name ?? 'Khu dân cư thử nghiệm', options.population ?? null],
  );
  return r.rows[0]!.id;
}

/** A residential zone from GeoJSON (Polygon). */
export async function zoneFromGeoJSON(db: Queryable, geometry: GeoJSON.Polygon, options: { name?: string; population?: number | null } = {}): Promise<string> {
  const r = await db.query<{ id: string }>(
    `INSERT INTO residential_zones (kind, name, population, source, geom)
     VALUES ('urban', $2, $3, 'test', ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($1), 4326))) RETURNING id::text`,
    [JSON.stringify(geometry), options.name ?? 'Khu dân cư', options.population ?? null],
  );
  return r.rows[0]!.id;
}

/** Longitude `m` metres east of lon at latitude lat (local approximation, good to ~0.3%). */
export function lonEast(lon: number, lat: number, m: number): number {
  return lon + m / (111_320 * Math.cos((lat * Math.PI) / 180));
}

export interface FacilityInput {
  name?: string;
  owner?: string | null;
  industry?: string | null;
  hazard_class?: string | null;
  pollution_types?: string[];
  land_need_ha?: number | null;
  workers?: number | null;
  province_code?: string;
  district_code?: string | null;
  commune?: string | null;
  status?: string;
}

export function facilityFeature(geometry: GeoJSON.Geometry, p: FacilityInput = {}) {
  return {
    type: 'Feature',
    geometry,
    properties: {
      name: 'Cơ sở sản xuất thử nghiệm',
      owner: 'Công ty TNHH Thử Nghiệm',
      industry: 'Dệt may',
      hazard_class: 'III',
      pollution_types: ['wastewater'],
      land_need_ha: 5,
      workers: 120,
      province_code: '10',
      district_code: null,
      commune: 'Xã Thử Nghiệm',
      status: 'in-place',
      ...p,
    },
  };
}

export async function createFacility(client: TestClient, geometry: GeoJSON.Geometry, p: FacilityInput = {}): Promise<string> {
  const res = await client.post('/api/facilities', facilityFeature(geometry, p));
  if (res.status !== 201) throw new Error(`create facility: ${res.status} ${res.text}`);
  return res.body.id as string;
}

export const point = (lon: number, lat: number): GeoJSON.Point => ({ type: 'Point', coordinates: [lon, lat] });

/**
 * Ends a slow beforeAll with a fresh request: Node's fetch reuses keep-alive sockets, and one left idle past the
 * server's keepAliveTimeout (5 s) while fixtures load can be reset under the next request (ECONNRESET).
 * A GET is safe to retry; after it the pool holds a live socket for the tests that follow.
 */
export async function refreshConnection(client: TestClient): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await client.get('/api/health');
      return;
    } catch (err) {
      if (attempt >= 2) throw err;
    }
  }
}

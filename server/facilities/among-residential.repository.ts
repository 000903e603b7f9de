import type { Queryable } from '../db/database.ts';
import type { FacilityViewer } from './facilities.repository.ts';

export interface AmongResidentialRow {
  facility_id: string;
  name: string;
  owner: string | null;
  industry: string | null;
  hazard_class: string | null;
  status: string;
  province_code: string;
  district_code: string | null;
  required_distance_m: number;
  inside: boolean;
  zone_count: number;
  nearest_distance_m: number;
  /** sum over the zones that have a population; null when none has one */
  population: number | null;
  zones_with_population: number;
  zones: { id: string; kind: string; name: string | null; distance_m: number; population: number | null }[];
  lon: number;
  lat: number;
}

/**
 * Facilities inside a residential zone or closer to one than their class's isolation distance.
 * Distances are geodesic (geography) rounded to 0.1 m, the precision of decisions, and compared
 * strictly: a zone exactly at the distance is compliant. The GiST index is used through a bounding
 * box expanded by the distance (5% safety margin in degrees); the exact test follows on the spheroid.
 * Relocated facilities have left their site and are not listed. Each facility is judged at the version the
 * viewer may see (head for staff of its province, ministry, admin; published otherwise; none → not listed).
 */
export class AmongResidentialRepository {
  constructor(private readonly db: Queryable) {}

  async find(input: { province: string | null; classes: string[]; distances: number[]; unknownDistance: number; limit: number; viewer: FacilityViewer }): Promise<AmongResidentialRow[]> {
    const r = await this.db.query<AmongResidentialRow>(
      `WITH dist AS (SELECT * FROM unnest($2::text[], $3::float8[]) AS d(hazard_class, distance_m)),
       fac AS (
         SELECT f.id, v.name, v.properties, v.hazard_class, v.status, v.province_code, v.district_code, v.geom,
                COALESCE(d.distance_m, $4::float8) AS required_m,
                ST_PointOnSurface(v.geom) AS pt, radians(ST_Y(ST_PointOnSurface(v.geom))) AS phi
         FROM facilities f
         JOIN facility_versions v ON v.facility_id = f.id
          AND v.version = CASE WHEN $6::boolean OR province_unit_2025(f.province_code) = $7::text THEN f.head_version ELSE f.published_version END
         LEFT JOIN dist d ON d.hazard_class = v.hazard_class
         WHERE ($1::text IS NULL OR province_unit_2025(f.province_code) = $1) AND v.status <> 'relocated'
       ),
       -- metres per degree at the site, for a cheap planar pre-filter (error ≈ 0.1 % at these distances)
       fs AS (
         SELECT k.*, ST_Scale(k.geom, k.kx, k.ky) AS scaled
         FROM (SELECT fac.*, 111412.84 * cos(phi) - 93.5 * cos(3 * phi) AS kx, 111132.92 - 559.82 * cos(2 * phi) AS ky FROM fac) k
       )
       SELECT fac.id AS facility_id, fac.name, fac.properties->>'owner' AS owner, fac.properties->>'industry' AS industry,
              fac.hazard_class, fac.status, fac.province_code, fac.district_code, fac.required_m AS required_distance_m,
              z.inside, z.zone_count, z.nearest_distance_m, z.population, z.zones_with_population, z.zones,
              ST_X(fac.pt) AS lon, ST_Y(fac.pt) AS lat
       FROM fs fac
       CROSS JOIN LATERAL (
         SELECT bool_or(h.d = 0) AS inside, count(*)::int AS zone_count, min(h.d) AS nearest_distance_m,
                sum(h.population)::float8 AS population, count(h.population)::int AS zones_with_population,
                to_json((array_agg(json_build_object('id', h.id, 'kind', h.kind, 'name', h.name, 'distance_m', h.d, 'population', h.population)
                                   ORDER BY h.d, h.id))[1:10]) AS zones
         FROM (
           SELECT near.id, near.kind, near.name, near.population,
                  round(ST_Distance(near.geom::geography, fac.geom::geography)::numeric, 1)::float8 AS d
           FROM (
             -- the exact (spheroid) distance only for zones the planar estimate puts within reach (+1 % + 1 m)
             SELECT r.id::text AS id, r.kind, r.name, r.population, r.geom
             FROM residential_zones r
             WHERE r.geom && ST_Expand(fac.geom, fac.required_m * 1.05 / fac.kx, fac.required_m * 1.05 / fac.ky)
               AND ST_DWithin(ST_Scale(r.geom, fac.kx, fac.ky), fac.scaled, fac.required_m * 1.01 + 1)
           ) near
         ) h
         WHERE h.d < fac.required_m
       ) z
       WHERE z.zone_count > 0
       ORDER BY CASE fac.hazard_class WHEN 'I' THEN 1 WHEN 'II' THEN 2 WHEN 'III' THEN 3 WHEN 'IV' THEN 4 WHEN 'V' THEN 5 ELSE 1 END,
                z.nearest_distance_m, z.population DESC NULLS LAST, fac.id
       LIMIT $5`,
      [input.province, input.classes, input.distances, input.unknownDistance, input.limit, input.viewer.seeAllUnpublished, input.viewer.ownProvince],
    );
    return r.rows;
  }
}

import { expect, it } from 'vitest';
import * as turf from '@turf/turf';
import type { MultiPolygon, Polygon } from 'geojson';
import { describeEachDriver } from '../support/db.ts';
import { AnalysisRepository } from '../../server/analysis/analysis.repository.ts';
import { metresToDLon, multi, rect } from './geo.ts';

const A = 6378137;
const F = 1 / 298.257223563;
const B = A * (1 - F);
const E = Math.sqrt(F * (2 - F));

/** Exact ellipsoidal area (m²) of a lon/lat rectangle (authalic formula), independent of PostGIS and turf. */
function rectAreaM2(p: Polygon): number {
  const xs = p.coordinates[0]!.map((c) => c[0]!);
  const ys = p.coordinates[0]!.map((c) => c[1]!);
  const q = (latDeg: number) => {
    const s = Math.sin((latDeg * Math.PI) / 180);
    return s / (1 - E * E * s * s) + (1 / (2 * E)) * Math.log((1 + E * s) / (1 - E * s));
  };
  const dLon = ((Math.max(...xs) - Math.min(...xs)) * Math.PI) / 180;
  return ((B * B) / 2) * dLon * (q(Math.max(...ys)) - q(Math.min(...ys)));
}

describeEachDriver('areas (geodesic and VN-2000)', (t) => {
  const measure = async (geometry: Polygon | MultiPolygon, province: string) => {
    const [row] = await new AnalysisRepository(t.db).conformityFacts(
      [{ key: 'x', geojson: JSON.stringify(geometry), isolation_m: 0, province_code: province }],
      { all: true, province: null },
      50,
    );
    return row!;
  };
  const cases: { name: string; geometry: Polygon | MultiPolygon; province: string; expectHa: number; exact?: number }[] = [
    { name: 'a small polygon (50 m × 50 m)', geometry: rect(104.17, 22.06, 50, 50), province: '10', expectHa: 0.25 },
    { name: 'a 75 ha polygon', geometry: rect(104.17, 22.06, 866.0254, 866.0254), province: '10', expectHa: 75 },
    // straddles 108°E, the edge between UTM zones 48 and 49 and between the 107°45′ and 108°00′ VN-2000 3° zones
    { name: 'a polygon crossing a zone edge (108°E)', geometry: rect(108 - metresToDLon(400, 15.51), 15.51, 800, 500), province: '49', expectHa: 40 },
    { name: 'a MultiPolygon', geometry: multi(rect(106.05, 21.17, 300, 300), rect(106.06, 21.17, 400, 250)), province: '27', expectHa: 19 },
  ];

  for (const c of cases) {
    it(`${c.name}: area_ha geodesic, agrees with the exact formula, turf (≤ 0.5 %) and VN-2000 (≤ 0.1 %)`, async () => {
      const row = await measure(c.geometry, c.province);
      const exact = (c.geometry.type === 'Polygon' ? rectAreaM2(c.geometry) : c.geometry.coordinates.reduce((s, p) => s + rectAreaM2({ type: 'Polygon', coordinates: p }), 0)) / 10_000;
      expect(Math.abs(exact - c.expectHa) / c.expectHa).toBeLessThan(0.001);
      expect(Math.abs(row.area_ha - exact) / exact).toBeLessThan(1e-5);
      const turfHa = turf.area(turf.feature(c.geometry)) / 10_000;
      expect(Math.abs(turfHa - row.area_ha) / row.area_ha).toBeLessThan(0.005);
      expect(row.vn2000_epsg).toBeGreaterThan(0);
      expect(Math.abs(row.area_ha_vn2000! - row.area_ha) / row.area_ha).toBeLessThan(0.001);
    });
  }

  it('uses the province zone: Lào Cai 9208 (104°45′), Quảng Nam 5899 (107°45′), Bắc Ninh 9209 (105°30′)', async () => {
    expect((await measure(cases[0]!.geometry, '10')).vn2000_epsg).toBe(9208);
    expect((await measure(cases[2]!.geometry, '49')).vn2000_epsg).toBe(5899);
    expect((await measure(cases[3]!.geometry, '27')).vn2000_epsg).toBe(9209);
    // across the 108°E edge, both neighbouring zones give the same area to 0.01 %
    const r = await t.db.query<{ a: number; b: number }>(
      `SELECT ST_Area(ST_Transform(g, 5899)) AS a, ST_Area(ST_Transform(g, 5898)) AS b FROM (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) AS g) s`,
      [JSON.stringify(cases[2]!.geometry)],
    );
    expect(Math.abs(r.rows[0]!.a - r.rows[0]!.b) / r.rows[0]!.a).toBeLessThan(1e-4);
  });
});

describeEachDriver('VN-2000 3° zones 9205–9218 against the shipped 3405/5897', (t) => {
  it('each zone equals a TM built from the datum of EPSG:3405 (same EPSG:6960 parameters) to the millimetre', async () => {
    const zones = await t.db.query<{ srid: number; lon0: number }>(
      `SELECT srid, substring(proj4text from '\\+lon_0=([0-9.]+)')::float8 AS lon0 FROM spatial_ref_sys WHERE srid BETWEEN 9205 AND 9218 ORDER BY srid`,
    );
    expect(zones.rows).toHaveLength(14);
    const datum = (await t.db.query<{ d: string }>(
      `SELECT substring(proj4text from '\\+ellps=[^ ]+ \\+towgs84=[^ ]+') AS d FROM spatial_ref_sys WHERE srid = 3405`,
    )).rows[0]!.d;
    expect(datum).toMatch(/^\+ellps=WGS84 \+towgs84=-191\.90441429,-39\.30318279,-111\.45032835,0\.00928836,-0\.01975479,0\.00427372,0\.252906278$/);
    for (const z of zones.rows) {
      const proj = `+proj=tmerc +lat_0=0 +lon_0=${z.lon0} +k=0.9999 +x_0=500000 +y_0=0 ${datum} +units=m +no_defs`;
      const r = await t.db.query<{ x1: number; y1: number; x2: number; y2: number }>(
        `SELECT ST_X(a) AS x1, ST_Y(a) AS y1, ST_X(b) AS x2, ST_Y(b) AS y2
         FROM (SELECT ST_Transform(p, $2::int) AS a, ST_Transform(p, $3::text) AS b
               FROM (SELECT ST_SetSRID(ST_Point($1::float8 + 0.4, 16.5), 4326) AS p) s) q`,
        [z.lon0, z.srid, proj],
      );
      const row = r.rows[0]!;
      expect(Math.hypot(row.x1 - row.x2, row.y1 - row.y2), `EPSG:${z.srid}`).toBeLessThan(0.001);
    }
  });

  it('on its central meridian each zone has easting 500 000 m and the 3405 northing scaled by 0.9999/0.9996 (same as 5897)', async () => {
    const ref = await t.db.query<{ x: number; y: number; x5897: number; y5897: number }>(
      `SELECT ST_X(a) AS x, ST_Y(a) AS y, ST_X(b) AS x5897, ST_Y(b) AS y5897
       FROM (SELECT ST_Transform(p, 3405) AS a, ST_Transform(p, 5897) AS b FROM (SELECT ST_SetSRID(ST_Point(105, 21), 4756) AS p) s) q`,
    );
    const { x, y, x5897, y5897 } = ref.rows[0]!;
    expect(Math.abs(x - 500_000)).toBeLessThan(0.001);
    expect(Math.abs(x5897 - 500_000)).toBeLessThan(0.001);
    expect(Math.abs(y5897 - (y * 0.9999) / 0.9996)).toBeLessThan(0.001);
    const zones = await t.db.query<{ srid: number; x: number; y: number }>(
      `SELECT srid, ST_X(ST_Transform(ST_SetSRID(ST_Point(substring(proj4text from '\\+lon_0=([0-9.]+)')::float8, 21), 4756), srid)) AS x,
                    ST_Y(ST_Transform(ST_SetSRID(ST_Point(substring(proj4text from '\\+lon_0=([0-9.]+)')::float8, 21), 4756), srid)) AS y
       FROM spatial_ref_sys WHERE srid BETWEEN 9205 AND 9218`,
    );
    for (const z of zones.rows) {
      expect(Math.abs(z.x - 500_000), `EPSG:${z.srid}`).toBeLessThan(0.001);
      expect(Math.abs(z.y - y5897), `EPSG:${z.srid}`).toBeLessThan(0.001);
    }
  });
});

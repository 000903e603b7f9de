import { it, expect, beforeAll } from 'vitest';
import type { Polygon } from 'geojson';
import { describeEachServer } from '../support/server.ts';
import type { TestClient } from '../support/client.ts';
import { squareAround } from '../support/fixtures.ts';
import { LAOCAI, BACNINH, clusterFeature, ifMatch, slotOffset, square } from './helpers.ts';

const VN2000_9208 =
  '+proj=tmerc +lat_0=0 +lon_0=104.75 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 ' +
  '+towgs84=-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278 +units=m +no_defs';

describeEachServer('cluster validation', (t) => {
  let planner: TestClient;

  beforeAll(async () => {
    planner = await t.server.client().login('planner.laocai');
  });

  const counts = async () => {
    const r = await t.server.db.query<{ c: number; v: number; e: number; refused: number }>(
      `SELECT (SELECT count(*)::int FROM clusters) AS c, (SELECT count(*)::int FROM cluster_versions) AS v,
              (SELECT count(*)::int FROM cluster_review_events) AS e,
              (SELECT count(*)::int FROM audit_log WHERE outcome = 'refused' AND entity_type = 'cluster') AS refused`,
    );
    return r.rows[0];
  };

  /** POSTs a bad Feature: 422 with the given error code, nothing stored, one refused audit entry. */
  const rejects = async (feature: unknown, code: string, status = 422) => {
    const before = await counts();
    const res = await planner.post('/api/clusters', feature);
    expect(res.status, res.text).toBe(status);
    const after = await counts();
    expect({ c: after.c, v: after.v, e: after.e }).toEqual({ c: before.c, v: before.v, e: before.e });
    expect(after.refused).toBe(before.refused + 1);
    if (status === 422) {
      expect(res.body.error.details.ok).toBe(false);
      expect(res.body.error.details.errors.map((e: any) => e.code)).toContain(code);
    } else expect(res.body.error.code).toBe(code);
    return res.body.error;
  };

  const ring = (coords: number[][]): Polygon => ({ type: 'Polygon', coordinates: [coords] });
  const [x, y] = LAOCAI;

  it('malformed JSON → 400, body over 5 MB → 413, not a Feature → 400', async () => {
    const bad = await planner.request('POST', '/api/clusters', { raw: '{"type":"Feature",', headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('malformed-json');
    const huge = JSON.stringify(clusterFeature({ name: 'x'.repeat(5.5 * 1024 * 1024) }, square(LAOCAI, 0)));
    const big = await planner.request('POST', '/api/clusters', { raw: huge, headers: { 'content-type': 'application/json' } });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('payload-too-large');
    await rejects(square(LAOCAI, 0), 'invalid-feature', 400);
    await rejects({ type: 'FeatureCollection', features: [] }, 'invalid-feature', 400);
  });

  it('geometry type, unclosed ring, short ring, outside Vietnam, swapped lat/lon → 422 naming the problem', async () => {
    // a Point is a cluster without a boundary (test/clusters/boundary-status.test.ts); lines are never clusters
    await rejects(clusterFeature({}, { type: 'LineString', coordinates: [[x, y], [x + 0.01, y]] }), 'unsupported-geometry-type');
    await rejects(clusterFeature({}, ring([[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01]])), 'ring-not-closed');
    await rejects(clusterFeature({}, ring([[x, y], [x + 0.01, y], [x, y]])), 'ring-too-short');
    await rejects(clusterFeature({}, squareAround(100.5, 13.7, 400)), 'outside-vietnam');
    const swapped = square(LAOCAI, 0).coordinates[0]!.map(([a, b]) => [b!, a!]);
    const err = await rejects(clusterFeature({}, ring(swapped)), 'swapped-coordinates');
    expect(err.code).toBe('invalid-geometry');
    expect(err.details.errors[0].message_en).toMatch(/swapped/i);
  });

  it('self-intersection → 422 with ST_IsValidReason, its location and an ST_MakeValid preview; /validate returns the same report', async () => {
    const bowtie = clusterFeature({}, ring([[x, y], [x + 0.004, y + 0.004], [x + 0.004, y], [x, y + 0.004], [x, y]]));
    const err = await rejects(bowtie, 'self-intersection');
    const issue = err.details.errors.find((e: any) => e.code === 'self-intersection');
    expect(issue.location[0]).toBeCloseTo(x + 0.002, 6);
    expect(issue.location[1]).toBeCloseTo(y + 0.002, 6);
    expect(issue.postgis_reason).toMatch(/Self-intersection/i);
    expect(err.details.postgis.valid).toBe(false);
    expect(err.details.postgis.location[0]).toBeCloseTo(x + 0.002, 6);
    expect(err.details.make_valid_preview.type).toBe('MultiPolygon');
    expect(err.details.make_valid_preview.coordinates).toHaveLength(2);
    const report = await planner.post('/api/clusters/validate', bowtie);
    expect(report.status).toBe(200);
    expect(report.body).toEqual(err.details);
  });

  it('problems only PostGIS sees (a hole outside its shell) → 422 postgis-invalid with the reason', async () => {
    const shell = square(LAOCAI, 0).coordinates[0]!;
    const hole = square(LAOCAI, 1, 100).coordinates[0]!;
    const err = await rejects(clusterFeature({}, { type: 'Polygon', coordinates: [shell, hole] }), 'postgis-invalid');
    expect(err.details.errors.find((e: any) => e.code === 'postgis-invalid').reason).toMatch(/Hole lies outside shell/i);
    expect(err.details.make_valid_preview).toBeTruthy();
  });

  /** A piece of unit `inside` (2025) of `radius` m at its shared edge with unit `other`, grown outward by `grow` m. */
  const edgePiece = async (inside: string, other: string, radius: number, grow: number) => {
    const r = await t.server.db.query<{ g: any }>(
      `WITH a AS (SELECT geom FROM provinces_2025 WHERE code = $1), b AS (SELECT geom FROM provinces_2025 WHERE code = $2),
            edge AS (SELECT ST_CollectionExtract(ST_Intersection(a.geom, b.geom), 2) AS g FROM a, b),
            pt AS (SELECT ST_ClosestPoint(edge.g, ST_Centroid(edge.g)) AS g FROM edge),
            piece AS (SELECT ST_Intersection(a.geom, ST_Buffer(pt.g::geography, $3)::geometry) AS g FROM a, pt)
       SELECT ST_AsGeoJSON(ST_Buffer(piece.g::geography, $4)::geometry, 7)::json AS g FROM piece`,
      [inside, other, radius, grow],
    );
    return r.rows[0].g;
  };

  it('province edge, warning: a real cluster 200 m outside the generalised edge of unit 15 is accepted, with the outside area and the neighbour named', async () => {
    const geometry = await edgePiece('15', '12', 600, 200);
    const report = (await planner.post('/api/clusters/validate', clusterFeature({}, geometry))).body;
    expect(report.ok).toBe(true);
    expect(report.errors).toEqual([]);
    const warning = report.warnings.find((w: any) => w.code === 'province-edge');
    expect(warning).toMatchObject({ level: 'warning', province_code: '15', tolerance_m: 500, neighbour: { province_code: '12' } });
    expect(warning.outside_ha).toBeGreaterThan(1);
    expect(warning.outside_max_m).toBeGreaterThan(150);
    expect(warning.outside_max_m).toBeLessThanOrEqual(500);
    expect(report.province_edge).toMatchObject({ level: 'warning', province_code: '15', neighbour: { province_code: '12', name: 'Tỉnh Lai Châu' } });
    expect(report.province_edge.outside.type).toBe('MultiPolygon');
    const saved = await planner.post('/api/clusters', clusterFeature({}, geometry));
    expect(saved.status, saved.text).toBe(201);
    expect(saved.body.properties).toMatchObject({ province_code: '15' });
  });

  it('province edge, neighbour: beyond the 500 m tolerance into a neighbouring unit → 422 naming that unit', async () => {
    const err = await rejects(clusterFeature({}, await edgePiece('15', '12', 3000, 900)), 'province-neighbour');
    const issue = err.details.errors.find((e: any) => e.code === 'province-neighbour');
    expect(issue).toMatchObject({ level: 'neighbour', province_code: '15', neighbour: { province_code: '12', name: 'Tỉnh Lai Châu' } });
    expect(issue.message_en).toContain('Lai Châu');
  });

  it('province edge, error: a boundary lying mostly in the neighbour is refused, naming the neighbour; far away too', async () => {
    const mostly = await rejects(clusterFeature({}, await edgePiece('12', '15', 600, 100)), 'province-mostly-outside');
    const issue = mostly.details.errors.find((e: any) => e.code === 'province-mostly-outside');
    expect(issue).toMatchObject({ level: 'error', province_code: '15', neighbour: { province_code: '12', name: 'Tỉnh Lai Châu' } });
    expect(issue.inside_share).toBeLessThan(0.5);
    // a Bắc Ninh square sent as unit 15: entirely in unit 24
    const far = await rejects(clusterFeature({ province_code: '15' }, squareAround(BACNINH[0], BACNINH[1], 400)), 'province-mostly-outside');
    expect(far.details.errors.find((e: any) => e.code === 'province-mostly-outside')).toMatchObject({ inside_share: 0, neighbour: { province_code: '24' } });
    // a 63-province code is not read as a 2025 unit: old 10 names its unit instead
    const old = await rejects(clusterFeature({ province_code: '10' }, square(LAOCAI, 77)), 'unknown-province');
    expect(old.details.errors.find((e: any) => e.code === 'unknown-province')).toMatchObject({ era: '2025', province_code_2009: '10', absorbed_by: '15' });
  });

  it('overlap with another active cluster → 422 with its id and the overlap area in ha; touching is fine', async () => {
    const a = await planner.post('/api/clusters', clusterFeature({}, square(LAOCAI, 30, 400)));
    expect(a.status, a.text).toBe(201);
    const [dx, dy] = slotOffset(30);
    const cx = x + dx;
    const cy = y + dy;
    const shift = 200 / (111_320 * Math.cos((cy * Math.PI) / 180));
    const err = await rejects(clusterFeature({}, squareAround(cx + shift, cy, 400)), 'overlap');
    const issue = err.details.errors.find((e: any) => e.code === 'overlap');
    expect(issue.cluster_id).toBe(a.body.id);
    expect(issue.other_code).toBe(a.body.properties.code);
    expect(issue.overlap_ha).toBeGreaterThan(7.8);
    expect(issue.overlap_ha).toBeLessThan(8.2);
    const touching = await planner.post('/api/clusters', clusterFeature({}, squareAround(cx + 2 * shift, cy, 400)));
    expect(touching.status, touching.text).toBe(201);
    // editing A itself never overlaps with A
    expect((await planner.put(`/api/clusters/${a.body.id}`, clusterFeature({}, square(LAOCAI, 30, 400)), ifMatch(1))).status).toBe(200);
  });

  it('duplicate consecutive vertices are removed before saving (warning in the report)', async () => {
    const [dx, dy] = slotOffset(50);
    const sq = squareAround(x + dx, y + dy, 300).coordinates[0]!;
    const dup = [sq[0]!, sq[0]!, sq[1]!, sq[2]!, sq[2]!, sq[2]!, sq[3]!, sq[4]!];
    const res = await planner.post('/api/clusters', clusterFeature({}, ring(dup)));
    expect(res.status, res.text).toBe(201);
    expect(res.body.geometry.coordinates[0][0]).toHaveLength(5);
    const report = await planner.post('/api/clusters/validate', clusterFeature({}, ring(dup)));
    expect(report.body.warnings.map((w: any) => w.code)).toContain('duplicate-vertices');
    expect(report.body.geometry.coordinates[0]).toHaveLength(5);
  });

  it('bad attributes → 422 invalid-attributes with the field; unknown district or district of another province', async () => {
    const err = await rejects(clusterFeature({ status: 'flying', leased_ha: 5, industrial_land_ha: 2 }, square(LAOCAI, 60)), 'invalid-enum');
    expect(err.code).toBe('invalid-attributes');
    expect(err.details.errors.map((e: any) => e.field).sort()).toEqual(['leased_ha', 'status']);
    await rejects(clusterFeature({ district_code: '999' }, square(LAOCAI, 60)), 'unknown-district');
    await rejects(clusterFeature({ district_code: '256' }, square(LAOCAI, 60)), 'district-not-in-province');
    await rejects(clusterFeature({ province_code: undefined }, square(LAOCAI, 60)), 'required');
  });

  it('area_ha_vn2000 equals an independent PROJ computation (vertices projected one by one, shoelace area)', async () => {
    const [dx, dy] = slotOffset(70);
    const poly: Polygon = ring([[x + dx, y + dy], [x + dx + 0.005, y + dy + 0.001], [x + dx + 0.004, y + dy + 0.006], [x + dx - 0.001, y + dy + 0.004], [x + dx, y + dy]]);
    const res = await planner.post('/api/clusters', clusterFeature({}, poly));
    expect(res.status, res.text).toBe(201);
    expect(res.body.properties.vn2000_epsg).toBe(9208);
    const projected: [number, number][] = [];
    for (const [lon, lat] of poly.coordinates[0]!) {
      const r = await t.server.db.query<{ x: number; y: number }>(
        'SELECT ST_X(p) AS x, ST_Y(p) AS y FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), 4326), $3::text) AS p) q',
        [lon, lat, VN2000_9208],
      );
      projected.push([r.rows[0].x, r.rows[0].y]);
    }
    let twice = 0;
    for (let i = 0; i < projected.length - 1; i++) twice += projected[i]![0] * projected[i + 1]![1] - projected[i + 1]![0] * projected[i]![1];
    const handHa = Math.abs(twice) / 2 / 10_000;
    expect(res.body.properties.area_ha_vn2000).toBeCloseTo(handHa, 6);
    // and the planar VN-2000 area stays within 0.2 % of the geodesic one this close to the zone's meridian
    expect(Math.abs(res.body.properties.area_ha_vn2000 / res.body.properties.area_ha - 1)).toBeLessThan(0.002);
  });
});

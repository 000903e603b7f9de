import { it, expect, beforeAll } from 'vitest';
import type { Polygon } from 'geojson';
import { describeEachServer } from '../support/server.ts';
import type { TestClient } from '../support/client.ts';
import { LAOCAI, clusterFeature, ifMatch, slotOffset, square } from './helpers.ts';

const point = (slot: number) => {
  const [dx, dy] = slotOffset(slot);
  return { type: 'Point', coordinates: [LAOCAI[0] + dx, LAOCAI[1] + dy] };
};

/** A bow-tie: the classic self-intersecting ring, around a slot. */
function bowTie(slot: number): Polygon {
  const [dx, dy] = slotOffset(slot);
  const [x, y] = [LAOCAI[0] + dx, LAOCAI[1] + dy];
  const d = 0.002;
  return { type: 'Polygon', coordinates: [[[x - d, y - d], [x + d, y + d], [x + d, y - d], [x - d, y + d], [x - d, y - d]]] };
}

describeEachServer('point-only and provisional clusters in the registry', (t) => {
  let planner: TestClient;
  let reviewer: TestClient;
  let pub: TestClient;

  beforeAll(async () => {
    planner = await t.server.client().login('planner.laocai');
    reviewer = await t.server.client().login('reviewer.laocai');
    pub = t.server.client();
  });

  it('POST a Point with declared_area_ha → boundary_status none, the Point stored, GET and the public list after approval', async () => {
    const created = await planner.post('/api/clusters', clusterFeature({ name: 'Cụm công nghiệp Bản Phiệt', declared_area_ha: 42.5 }, point(1)));
    expect(created.status, created.text).toBe(201);
    const f = created.body;
    expect(f.geometry.type).toBe('Point');
    f.geometry.coordinates.forEach((c: number, i: number) => expect(c).toBeCloseTo(point(1).coordinates[i]!, 8));
    expect(f.properties).toMatchObject({ boundary_status: 'none', declared_area_ha: 42.5, area_ha: 0, review_state: 'draft' });

    const got = await planner.get(`/api/clusters/${f.id}`);
    expect(got.status).toBe(200);
    expect(got.body.geometry.type).toBe('Point');
    expect(got.body.properties.boundary_status).toBe('none');

    expect((await planner.post(`/api/clusters/${f.id}/submit`, {})).status).toBe(200);
    const approved = await reviewer.post(`/api/clusters/${f.id}/approve`, {});
    expect(approved.status, approved.text).toBe(200);
    const list = await pub.get('/api/clusters?province=15');
    const mine = list.body.features.find((x: any) => x.id === f.id);
    expect(mine.geometry.type).toBe('Point');
    expect(mine.properties.boundary_status).toBe('none');
    // bbox filters find the point too
    const [x, y] = point(1).coordinates as [number, number];
    const inBox = await pub.get(`/api/clusters?bbox=${x - 0.01},${y - 0.01},${x + 0.01},${y + 0.01}`);
    expect(inBox.body.features.map((x: any) => x.id)).toContain(f.id);
  });

  it('polygons are surveyed by default; every cluster in the list carries boundary_status', async () => {
    const created = await planner.post('/api/clusters', clusterFeature({}, square(LAOCAI, 2)));
    expect(created.status, created.text).toBe(201);
    expect(created.body.properties.boundary_status).toBe('surveyed');
    const list = await planner.get('/api/clusters?province=15');
    expect(list.body.features.length).toBeGreaterThan(0);
    for (const x of list.body.features) expect(['none', 'provisional', 'surveyed']).toContain(x.properties.boundary_status);
  });

  it('a Point cannot claim a boundary, a polygon cannot claim none; a point outside Vietnam or swapped is refused', async () => {
    const a = await planner.post('/api/clusters', clusterFeature({ boundary_status: 'surveyed', declared_area_ha: 10 }, point(3)));
    expect(a.status).toBe(422);
    expect(a.body.error.details.errors.map((e: any) => e.code)).toContain('boundary-status-mismatch');
    const b = await planner.post('/api/clusters', clusterFeature({ boundary_status: 'none' }, square(LAOCAI, 4)));
    expect(b.status).toBe(422);
    expect(b.body.error.details.errors.map((e: any) => e.code)).toContain('boundary-status-mismatch');
    const c = await planner.post('/api/clusters', clusterFeature({ declared_area_ha: 10 }, { type: 'Point', coordinates: [LAOCAI[1], LAOCAI[0]] }));
    expect(c.status).toBe(422);
    expect(c.body.error.details.errors.map((e: any) => e.code)).toContain('swapped-coordinates');
    const d = await planner.post('/api/clusters', clusterFeature({ boundary_status: 'invented', declared_area_ha: 10 }, point(5)));
    expect(d.status).toBe(422);
  });

  it('a point without a declared area is accepted with a warning', async () => {
    const v = await planner.post('/api/clusters/validate', clusterFeature({}, point(6)));
    expect(v.status).toBe(200);
    expect(v.body.ok).toBe(true);
    expect(v.body.warnings.map((w: any) => w.code)).toContain('missing-declared-area');
  });

  it('provisional: self-intersection and overlap are warnings (stored repaired); surveyed they are errors', async () => {
    const surveyed = await planner.post('/api/clusters', clusterFeature({}, bowTie(10)));
    expect(surveyed.status).toBe(422);
    const report = await planner.post('/api/clusters/validate', clusterFeature({ boundary_status: 'provisional' }, bowTie(10)));
    expect(report.body.ok, JSON.stringify(report.body.errors)).toBe(true);
    expect(report.body.warnings.map((w: any) => w.code)).toEqual(expect.arrayContaining(['self-intersection', 'postgis-invalid']));
    const created = await planner.post('/api/clusters', clusterFeature({ boundary_status: 'provisional' }, bowTie(10)));
    expect(created.status, created.text).toBe(201);
    expect(created.body.properties.boundary_status).toBe('provisional');
    expect(created.body.geometry.type).toBe('MultiPolygon');
    expect(created.body.properties.area_ha).toBeGreaterThan(0);

    // overlapping an existing cluster: refused when surveyed, a warning when provisional
    const base = await planner.post('/api/clusters', clusterFeature({}, square(LAOCAI, 12)));
    expect(base.status).toBe(201);
    const overlapping = square(LAOCAI, 12, 300);
    expect((await planner.post('/api/clusters', clusterFeature({}, overlapping))).status).toBe(422);
    const prov = await planner.post('/api/clusters/validate', clusterFeature({ boundary_status: 'provisional' }, overlapping));
    expect(prov.body.ok).toBe(true);
    expect(prov.body.warnings.find((w: any) => w.code === 'overlap')).toMatchObject({ provisional: true });
    const stored = await planner.post('/api/clusters', clusterFeature({ boundary_status: 'provisional' }, overlapping));
    expect(stored.status, stored.text).toBe(201);
  });

  it('the declared-vs-drawn flag: raised for a surveyed boundary, not for a provisional one', async () => {
    // a 400 m square is 16 ha
    const surveyed = await planner.post('/api/clusters/validate', clusterFeature({ declared_area_ha: 30 }, square(LAOCAI, 20)));
    expect(surveyed.body.ok).toBe(true);
    expect(surveyed.body.warnings.find((w: any) => w.code === 'declared-area-mismatch')).toMatchObject({ declared_ha: 30 });
    const close = await planner.post('/api/clusters/validate', clusterFeature({ declared_area_ha: 16 }, square(LAOCAI, 20)));
    expect(close.body.warnings.map((w: any) => w.code)).not.toContain('declared-area-mismatch');
    const provisional = await planner.post('/api/clusters/validate', clusterFeature({ declared_area_ha: 30, boundary_status: 'provisional' }, square(LAOCAI, 20)));
    expect(provisional.body.warnings.map((w: any) => w.code)).not.toContain('declared-area-mismatch');
  });

  it('a planner marks a provisional boundary surveyed, and a point gets its boundary, through the normal edit path', async () => {
    const created = await planner.post('/api/clusters', clusterFeature({ name: 'Cụm công nghiệp Tạm', boundary_status: 'provisional' }, square(LAOCAI, 30)));
    expect(created.status).toBe(201);
    const edited = await planner.put(`/api/clusters/${created.body.id}`, clusterFeature({ name: 'Cụm công nghiệp Tạm', boundary_status: 'surveyed' }, square(LAOCAI, 30)), ifMatch(1));
    expect(edited.status, edited.text).toBe(200);
    expect(edited.body.properties).toMatchObject({ boundary_status: 'surveyed', version: 2 });
    const diff = await planner.get(`/api/clusters/${created.body.id}/diff?from=1&to=2`);
    expect(diff.body.attributes.map((a: any) => a.field)).toContain('boundary_status');

    const dot = await planner.post('/api/clusters', clusterFeature({ name: 'Cụm công nghiệp Điểm', declared_area_ha: 16 }, point(40)));
    expect(dot.status).toBe(201);
    const drawn = await planner.put(`/api/clusters/${dot.body.id}`, clusterFeature({ name: 'Cụm công nghiệp Điểm', declared_area_ha: 16 }, square(LAOCAI, 40)), ifMatch(1));
    expect(drawn.status, drawn.text).toBe(200);
    expect(drawn.body.properties.boundary_status).toBe('surveyed');
    expect(drawn.body.geometry.type).toBe('MultiPolygon');
    const d2 = await planner.get(`/api/clusters/${dot.body.id}/diff?from=1&to=2`);
    expect(d2.status, d2.text).toBe(200);
  });
});

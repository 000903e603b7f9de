import { expect, it } from 'vitest';
import type { Polygon } from 'geojson';
import { describeEachServer } from '../support/server.ts';
import type { TestClient } from '../support/client.ts';
import { rect } from './geo.ts';

const feature = (geometry: unknown, properties: Record<string, unknown>) => ({ type: 'Feature', properties, geometry });
const upload = (client: TestClient, name: string, content: string, query = '', fields: Record<string, string> = {}, field = 'file') => {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  form.set(field, new Blob([content], { type: name.endsWith('.kml') ? 'application/vnd.google-earth.kml+xml' : 'application/geo+json' }), name);
  return client.request('POST', `/api/residential-zones/import${query}`, { raw: form });
};
const count = async (db: { query: (s: string) => Promise<{ rows: { n: number }[] }> }) => (await db.query(`SELECT count(*)::int AS n FROM residential_zones`)).rows[0]!.n;

describeEachServer('residential zones', (t) => {
  const good = [
    feature(rect(104.17, 22.06, 200, 200), { kind: 'urban', name: 'Khu dân cư Khánh Yên', population: 3200 }),
    feature(rect(104.18, 22.06, 100, 80), { loai: 'làng nghề', ten: 'Làng nghề Dệt' }),
    feature({ type: 'MultiPolygon', coordinates: [rect(104.19, 22.06, 60, 60).coordinates, rect(104.191, 22.061, 60, 60).coordinates] }, { kind: 'sensitive', name: 'Trường tiểu học' }),
  ];

  it('imports a valid GeoJSON file in full and lists it by bbox (public)', async () => {
    const planner = await t.server.client().login('planner.laocai');
    const res = await upload(planner, 'zones.geojson', JSON.stringify({ type: 'FeatureCollection', features: good }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'done', total: 3, stored: 3 });
    const job = await planner.get(`/api/residential-zones/imports/${res.body.import_id}`);
    expect(job.body).toMatchObject({ status: 'done', phase: 'finished', total: 3, processed: 3, stored: 3, errors: [] });
    const list = await t.server.client().get('/api/residential-zones?bbox=104.16,22.05,104.2,22.07');
    expect(list.status).toBe(200);
    expect(list.headers.get('content-type')).toMatch(/geo\+json/);
    expect(list.body.type).toBe('FeatureCollection');
    const props = list.body.features.map((f: { properties: Record<string, unknown> }) => f.properties);
    expect(props.map((p: { kind: string }) => p.kind).sort()).toEqual(['craft-village', 'sensitive', 'urban']);
    expect(props.find((p: { kind: string }) => p.kind === 'urban')).toMatchObject({ name: 'Khu dân cư Khánh Yên', population: 3200, source: 'import', province_code: '10' });
    expect(list.body.features.find((f: { properties: { kind: string } }) => f.properties.kind === 'sensitive').geometry.type).toBe('MultiPolygon');
    const none = await t.server.client().get('/api/residential-zones?bbox=106,21,106.1,21.1');
    expect(none.body.features).toEqual([]);
    expect((await t.server.client().get('/api/residential-zones?bbox=1,2,3')).status).toBe(400);
  });

  it('rejects the whole file when one feature is bad, listing every bad feature with its reason', async () => {
    const planner = await t.server.client().login('planner.laocai');
    const before = await count(t.server.db);
    const bowtie: Polygon = { type: 'Polygon', coordinates: [[[104.2, 22.1], [104.21, 22.11], [104.21, 22.1], [104.2, 22.11], [104.2, 22.1]]] };
    const features = [good[0], feature(bowtie, { kind: 'urban', name: 'Nơ' }), good[1], feature(rect(104.22, 22.06, 50, 50), { kind: 'factory', name: 'Sai loại' }), feature(rect(104.23, 22.06, 50, 50), { name: 'Thiếu loại' })];
    const res = await upload(planner, 'bad.geojson', JSON.stringify({ type: 'FeatureCollection', features }));
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('invalid-features');
    const errors = res.body.error.details.errors as { index: number; name: string; errors: { code: string }[] }[];
    expect(errors.map((e) => e.index)).toEqual([1, 3, 4]);
    expect(errors[0]!.errors[0]!.code).toBe('self-intersection');
    expect(errors[1]!.errors[0]!.code).toBe('invalid-kind');
    expect(errors[2]!.errors[0]!.code).toBe('missing-kind');
    expect(res.body.error.details).toMatchObject({ total: 5, invalid: 3 });
    expect(await count(t.server.db)).toBe(before);
    const job = await planner.get(`/api/residential-zones/imports/${res.body.error.details.import_id}`);
    expect(job.body).toMatchObject({ status: 'rejected', stored: 0 });
    expect(job.body.errors).toHaveLength(3);
    // a form-level default kind fills the missing one, but not the wrong one
    const withDefault = await upload(planner, 'bad2.geojson', JSON.stringify({ type: 'FeatureCollection', features: [features[4], features[3]] }), '', { kind: 'rural-settlement' });
    expect(withDefault.status).toBe(422);
    expect(withDefault.body.error.details.errors.map((e: { index: number }) => e.index)).toEqual([1]);
    expect(await count(t.server.db)).toBe(before);
  });

  it('keeps planners to their own province and the ministry out', async () => {
    const planner = await t.server.client().login('planner.laocai');
    const before = await count(t.server.db);
    const res = await upload(planner, 'bn.geojson', JSON.stringify({ type: 'FeatureCollection', features: [feature(rect(106.05, 21.17, 100, 100), { kind: 'urban' })] }));
    expect(res.status).toBe(422);
    expect(res.body.error.details.errors[0].errors[0].code).toBe('outside-user-province');
    expect(await count(t.server.db)).toBe(before);
    const ministry = await t.server.client().login('ministry');
    expect((await upload(ministry, 'z.geojson', JSON.stringify({ type: 'FeatureCollection', features: [good[0]] }))).status).toBe(403);
    expect((await upload(t.server.client(), 'z.geojson', '{}')).status).toBe(401);
    const admin = await t.server.client().login('admin');
    const wrongField = await upload(admin, 'z.geojson', JSON.stringify(good[0]), '', {}, 'upload');
    expect(wrongField.status).toBe(400);
    const garbage = await upload(admin, 'z.geojson', 'not json at all');
    expect(garbage.status).toBe(422);
    expect(garbage.body.error.code).toBe('unreadable-file');
  });

  it('imports KML with ExtendedData', async () => {
    const admin = await t.server.client().login('admin');
    const ring = rect(104.3, 22.2, 150, 150).coordinates[0]!.map(([x, y]) => `${x},${y},0`).join(' ');
    const kml = `<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
 <Placemark><name>Thôn Bản Phố</name><ExtendedData><Data name="kind"><value>nông thôn</value></Data><Data name="population"><value>640</value></Data></ExtendedData>
  <Polygon><outerBoundaryIs><LinearRing><coordinates>${ring}</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>
</Document></kml>`;
    const res = await upload(admin, 'zones.kml', kml);
    expect(res.status).toBe(201);
    expect(res.body.stored).toBe(1);
    const list = await t.server.client().get('/api/residential-zones?bbox=104.29,22.19,104.32,22.21');
    expect(list.body.features[0].properties).toMatchObject({ kind: 'rural-settlement', name: 'Thôn Bản Phố', population: 640 });
  });

  it('reports progress of an asynchronous import from the database', async () => {
    const admin = await t.server.client().login('admin');
    const features = Array.from({ length: 1200 }, (_, i) => feature(rect(104.4 + (i % 40) * 0.002, 22.3 + Math.floor(i / 40) * 0.002, 100, 100), { kind: 'rural-settlement', name: `Xóm ${i}` }));
    const res = await upload(admin, 'many.geojson', JSON.stringify({ type: 'FeatureCollection', features }), '?async=true');
    expect(res.status).toBe(202);
    expect(res.body.progress_url).toBe(`/api/residential-zones/imports/${res.body.import_id}`);
    let job;
    const seen = new Set<string>();
    for (let i = 0; i < 600; i++) {
      job = (await admin.get(res.body.progress_url)).body;
      seen.add(job.phase);
      expect(job.processed).toBeLessThanOrEqual(job.total === 0 ? 0 : job.total);
      if (job.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(job).toMatchObject({ status: 'done', total: 1200, processed: 1200, stored: 1200 });
    expect(seen.has('finished')).toBe(true);
  });

  it('deletes a zone (admin only) and audits it', async () => {
    const list = await t.server.client().get('/api/residential-zones?bbox=104.16,22.05,104.2,22.07');
    const id = list.body.features[0].id;
    const planner = await t.server.client().login('planner.laocai');
    expect((await planner.delete(`/api/residential-zones/${id}`)).status).toBe(403);
    const admin = await t.server.client().login('admin');
    expect((await admin.delete(`/api/residential-zones/${id}`)).status).toBe(204);
    expect((await admin.delete(`/api/residential-zones/${id}`)).status).toBe(404);
    const audit = await t.server.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'residential.delete' AND entity_id = $1`, [String(id)]);
    expect(audit.rows[0]!.n).toBe(1);
  });
});

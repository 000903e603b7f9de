/**
 * Public endpoints (OGC items, tiles, downloads, opportunities) show approved data only: no draft or submitted
 * version (name, geometry, attributes), no comment, no author — and the downloads/opportunities contracts.
 */
import { parse } from 'csv-parse/sync';
import { beforeAll, expect, it } from 'vitest';
import type { Queryable } from '../../server/db/database.ts';
import { describeEachServer } from '../support/server.ts';
import { insertCluster, squareAround } from '../support/fixtures.ts';
import { addClusterVersion } from './cluster-versions.ts';
import { tileOf } from '../tiles/decode.ts';

const BN = [106.07, 21.18] as const;
// where only unpublished geometry lives
const SECRET_PLACES = [
  [106.35, 21.05],
  [106.2, 21.3],
  [106.25, 21.32],
] as const;
const SECRETS = [
  'Bí Mật Đã Nộp',
  'Nháp Bí Mật',
  'Chờ Duyệt Bí Mật',
  'Ghi chú nội bộ XYZ',
  'Bình luận bí mật ABC',
  'Quy hoạch nháp bí mật',
  'Hạng mục nháp bí mật',
  'planner.bacninh',
  'Nhà đầu tư bí mật',
];

async function insertPlanItem(
  db: Queryable,
  p: { planStatus: 'approved' | 'draft'; planName: string; name: string; state: 'approved' | 'draft'; status?: string; geometry: object },
): Promise<string> {
  const plan = await db.query<{ id: number }>(`INSERT INTO plans (name, level, status) VALUES ($1, 'national', $2) RETURNING id`, [p.planName, p.planStatus]);
  const item = await db.query<{ id: string }>(
    `INSERT INTO plan_items (plan_id, province_code, head_version, published_version) VALUES ($1, '27', 1, $2) RETURNING id`,
    [plan.rows[0].id, p.state === 'approved' ? 1 : null],
  );
  const id = item.rows[0].id;
  await db.query(
    `INSERT INTO plan_item_versions (item_id, version, name, province_code, phase, planned_area_ha, geom, status)
     VALUES ($1, 1, $2, '27', '2016-2020', 45, ST_SetSRID(ST_GeomFromGeoJSON($3), 4326), $4)`,
    [id, p.name, JSON.stringify(p.geometry), p.status ?? 'in-plan'],
  );
  await db.query(`INSERT INTO plan_item_review_events (item_id, version, state) VALUES ($1, 1, 'draft')`, [id]);
  if (p.state === 'approved') await db.query(`INSERT INTO plan_item_review_events (item_id, version, state) VALUES ($1, 1, 'approved')`, [id]);
  return id;
}

describeEachServer('public data: no leaks, downloads, opportunities', (t) => {
  let publicId = '';
  let draftId = '';
  let submittedId = '';
  let plannedId = '';
  let planItemId = '';

  beforeAll(async () => {
    const db = t.server.db;
    const author = await db.query<{ id: number }>(`SELECT id FROM users WHERE username = 'planner.bacninh'`);
    const authorId = author.rows[0].id;
    await db.query(`UPDATE users SET display_name = 'Nguyễn Văn Bí Mật' WHERE id = $1`, [authorId]);
    SECRETS.push('Nguyễn Văn Bí Mật');

    publicId = (
      await insertCluster(db, {
        name: 'Cụm công nghiệp Công Khai',
        province_code_2009: '27',
        status: 'operating',
        geometry: squareAround(BN[0], BN[1], 800),
        properties: { industrial_land_ha: 50, leased_ha: 20, investor: 'Công ty Hạ tầng Kinh Bắc', industries: ['cơ khí', 'điện tử'], wastewater: 'operating' },
      })
    ).id;
    // a submitted v2 that renames, moves and re-attributes the cluster, with an author and a comment
    await addClusterVersion(db, publicId, {
      name: 'Cụm công nghiệp Bí Mật Đã Nộp',
      geometry: squareAround(SECRET_PLACES[0][0], SECRET_PLACES[0][1], 900),
      state: 'submitted',
      comment: 'Ghi chú nội bộ XYZ',
      authorId,
      properties: { investor: 'Nhà đầu tư bí mật', industrial_land_ha: 99, leased_ha: 0 },
    });
    await db.query(`INSERT INTO cluster_comments (cluster_id, version, author_id, body) VALUES ($1, 2, $2, 'Bình luận bí mật ABC')`, [publicId, authorId]);
    draftId = (await insertCluster(db, { name: 'Cụm công nghiệp Nháp Bí Mật', province_code_2009: '27', review_state: 'draft', geometry: squareAround(SECRET_PLACES[1][0], SECRET_PLACES[1][1], 700) })).id;
    submittedId = (await insertCluster(db, { name: 'Cụm công nghiệp Chờ Duyệt Bí Mật', province_code_2009: '27', review_state: 'submitted', geometry: squareAround(SECRET_PLACES[2][0], SECRET_PLACES[2][1], 700) })).id;
    plannedId = (await insertCluster(db, { name: 'Cụm công nghiệp Quy Hoạch Mới', province_code_2009: '27', status: 'planned', geometry: squareAround(106.1, 21.1, 600), properties: { planned_area_ha: 40 } })).id;
    planItemId = await insertPlanItem(db, { planStatus: 'approved', planName: 'Quy hoạch phát triển CCN đến 2020', name: 'CCN Quy hoạch Yên Phong 2', state: 'approved', geometry: squareAround(105.98, 21.2, 700) });
    await insertPlanItem(db, { planStatus: 'draft', planName: 'Quy hoạch nháp bí mật', name: 'Hạng mục nháp bí mật 1', state: 'approved', geometry: squareAround(SECRET_PLACES[1][0], SECRET_PLACES[1][1], 300) });
    await insertPlanItem(db, { planStatus: 'approved', planName: 'Quy hoạch phát triển CCN đến 2020 (b)', name: 'Hạng mục nháp bí mật 2', state: 'draft', geometry: squareAround(SECRET_PLACES[2][0], SECRET_PLACES[2][1], 300) });
  });

  function expectNoSecrets(text: string, where: string) {
    for (const secret of SECRETS) expect(text.includes(secret), `${where} leaks "${secret}"`).toBe(false);
  }

  it('OGC items, features and HTML pages never show unpublished versions, comments or authors', async () => {
    const c = t.server.client();
    const paths = [
      '/ogc/collections/clusters/items?limit=10000',
      '/ogc/collections/clusters/items?f=html&limit=10000',
      `/ogc/collections/clusters/items/${publicId}`,
      `/ogc/collections/clusters/items/${publicId}?f=html`,
      '/ogc/collections/plan-items/items',
      '/ogc/collections/plan-items/items?f=html',
      '/ogc/collections',
      '/ogc/api',
    ];
    for (const path of paths) {
      const res = await c.get(path);
      expect(res.status, path).toBe(200);
      expectNoSecrets(res.text, path);
    }
    const items = await c.get('/ogc/collections/clusters/items');
    const ids = items.body.features.map((f: { id: string }) => f.id);
    expect(ids).toContain(publicId);
    expect(ids).not.toContain(draftId);
    expect(ids).not.toContain(submittedId);
    const pub = items.body.features.find((f: { id: string }) => f.id === publicId);
    expect(pub.properties).toMatchObject({ name: 'Cụm công nghiệp Công Khai', version: 1, investor: 'Công ty Hạ tầng Kinh Bắc', industrial_land_ha: 50 });
    // the published geometry, not the submitted one
    const lons = pub.geometry.coordinates[0][0].map((p: number[]) => p[0]);
    expect(Math.min(...lons)).toBeGreaterThan(BN[0] - 0.01);
    expect(Math.max(...lons)).toBeLessThan(BN[0] + 0.01);
    for (const fid of [draftId, submittedId]) expect((await c.get(`/ogc/collections/clusters/items/${fid}`)).status).toBe(404);
    for (const [lon, lat] of SECRET_PLACES) {
      for (const coll of ['clusters', 'plan-items']) {
        const r = await c.get(`/ogc/collections/${coll}/items?bbox=${lon - 0.01},${lat - 0.01},${lon + 0.01},${lat + 0.01}`);
        expect(r.body.numberMatched, `${coll} at ${lon},${lat}`).toBe(0);
      }
    }
    const plan = await c.get('/ogc/collections/plan-items/items');
    expect(plan.body.features.map((f: { id: string }) => f.id)).toEqual([planItemId]);
    expect(plan.body.features[0].properties).toMatchObject({ name: 'CCN Quy hoạch Yên Phong 2', phase: '2016-2020', planned_area_ha: 45, status: 'in-plan' });
  });

  it('tiles never contain unpublished geometry or attributes', async () => {
    for (const [lon, lat] of SECRET_PLACES) {
      for (const layer of ['clusters', 'plan-items']) {
        const tile = tileOf(lon, lat, 14);
        const res = await fetch(`${t.server.baseUrl}/tiles/${layer}/${tile.z}/${tile.x}/${tile.y}.pbf`);
        expect(res.status, `${layer} at ${lon},${lat}`).toBe(204);
      }
    }
    for (const z of [8, 10, 12]) {
      for (const layer of ['clusters', 'plan-items']) {
        const tile = tileOf(BN[0], BN[1], z);
        const res = await fetch(`${t.server.baseUrl}/tiles/${layer}/${tile.z}/${tile.x}/${tile.y}.pbf`);
        const bytes = Buffer.from(await res.arrayBuffer());
        expectNoSecrets(bytes.toString('utf8'), `${layer} z${z}`);
        if (z === 8 && layer === 'clusters') expect(bytes.toString('utf8')).toContain('Cụm công nghiệp Công Khai');
      }
    }
  });

  it('downloads list every public layer with licence and date', async () => {
    const res = await t.server.client().get('/api/public/downloads');
    expect(res.status).toBe(200);
    const layers = res.body.downloads.map((d: { layer: string }) => d.layer);
    expect(layers).toEqual(['clusters', 'plan-items', 'provinces', 'regions', 'residential-zones']);
    for (const d of res.body.downloads) {
      expect(d.licence.name).toMatch(/^CC BY/);
      expect(d.formats.geojson).toMatch(new RegExp(`/api/public/downloads/${d.layer}\\.geojson$`));
    }
    expect(res.body.downloads.find((d: { layer: string }) => d.layer === 'clusters').data_date).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('downloads clusters as GeoJSON with licence and date, published versions only', async () => {
    const res = await t.server.client().get('/api/public/downloads/clusters.geojson');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/geo\+json/);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="clusters-\d{4}-\d{2}-\d{2}\.geojson"/);
    expect(res.headers.get('link')).toMatch(/rel="license"/);
    expectNoSecrets(res.text, 'clusters.geojson');
    const body = JSON.parse(res.text);
    expect(body.license).toBe('CC BY 4.0');
    expect(body.data_date).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(body.features.map((f: { id: string }) => f.id).sort()).toEqual([publicId, plannedId].sort());
  });

  it('downloads CSV with a header, one row per feature, a point and WKT', async () => {
    const res = await t.server.client().get('/api/public/downloads/clusters.csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('x-data-license')).toBe('CC BY 4.0');
    expectNoSecrets(res.text, 'clusters.csv');
    const rows = parse(res.text, { columns: true, bom: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(2);
    const pub = rows.find((r) => r.id === publicId)!;
    expect(pub.name).toBe('Cụm công nghiệp Công Khai');
    expect(pub.industries).toBe('cơ khí; điện tử');
    expect(Number(pub.lon)).toBeCloseTo(BN[0], 2);
    expect(pub.wkt).toMatch(/^MULTIPOLYGON/);
    const provinces = parse((await t.server.client().get('/api/public/downloads/provinces.csv')).text, { columns: true, bom: true });
    expect(provinces).toHaveLength(63);
    const regions = JSON.parse((await t.server.client().get('/api/public/downloads/regions.geojson')).text);
    expect(regions.features).toHaveLength(6);
    expect(regions.license).toBe('CC BY-SA 4.0');
    const plan = await t.server.client().get('/api/public/downloads/plan-items.geojson');
    expectNoSecrets(plan.text, 'plan-items.geojson');
    expect(JSON.parse(plan.text).features).toHaveLength(1);
    for (const bad of ['nope.geojson', 'clusters.shp', 'clusters']) expect((await t.server.client().get(`/api/public/downloads/${bad}`)).status, bad).toBe(404);
  });

  it('lists investment opportunities: free industrial land and planned clusters without an investor', async () => {
    const c = t.server.client();
    const res = await c.get('/api/public/opportunities?province=24');
    expect(res.status).toBe(200);
    expectNoSecrets(res.text, 'opportunities');
    const free = res.body.clusters_with_free_land;
    expect(free.map((x: { id: string }) => x.id)).toEqual([publicId]);
    expect(free[0]).toMatchObject({ name: 'Cụm công nghiệp Công Khai', industrial_land_ha: 50, leased_ha: 20, free_ha: 30, occupancy_pct: 40, investor: 'Công ty Hạ tầng Kinh Bắc', wastewater: 'operating' });
    expect(free[0].infrastructure).toEqual({ investor: 'Công ty Hạ tầng Kinh Bắc', wastewater: 'operating' });
    expect(free[0].contact.office).toBe('Sở Công Thương Bắc Ninh');
    const planned = res.body.planned_without_investor.map((p: { source: string; name: string }) => `${p.source}:${p.name}`).sort();
    expect(planned).toEqual(['plan:CCN Quy hoạch Yên Phong 2', 'registry:Cụm công nghiệp Quy Hoạch Mới']);
    const byIndustry = await c.get(`/api/public/opportunities?industry=${encodeURIComponent('điện tử')}`);
    expect(byIndustry.body.clusters_with_free_land.map((x: { id: string }) => x.id)).toEqual([publicId]);
    const otherIndustry = await c.get(`/api/public/opportunities?industry=${encodeURIComponent('dệt may')}`);
    expect(otherIndustry.body.clusters_with_free_land).toEqual([]);
    const otherProvince = await c.get('/api/public/opportunities?province=15');
    expect(otherProvince.body.clusters_with_free_land).toEqual([]);
    expect((await c.get('/api/public/opportunities?province=x1')).status).toBe(400);
    expect((await c.get('/api/public/opportunities?province=99')).status).toBe(404);
  });

  it('shows the same public data to a logged-in planner (public endpoints do not widen with a session)', async () => {
    const planner = await t.server.client().login('planner.bacninh');
    const res = await planner.get('/ogc/collections/clusters/items');
    expectNoSecrets(res.text, 'OGC as planner');
    expect(res.body.features.map((f: { id: string }) => f.id)).not.toContain(draftId);
    const dl = await planner.get('/api/public/downloads/clusters.geojson');
    expectNoSecrets(dl.text, 'download as planner');
  });
});

/**
 * OGC API – Features `datetime` (Part 1, 7.15.4): clusters by establishment decision date, plan items by plan phase,
 * provinces and regions by the validity of the 63-province set; residential zones have no time. Filtering happens in
 * SQL, so numberMatched, paging links, bbox and attribute filters combine with it — and only published data counts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Queryable } from '../../server/db/database.ts';
import { parseDatetime } from '../../server/ogc/ogc.service.ts';
import { describeEachServer } from '../support/server.ts';
import { insertCluster, squareAround } from '../support/fixtures.ts';
import { addClusterVersion, insertResidentialZone } from '../public/cluster-versions.ts';

const LAO_CAI = [103.97, 22.45] as const;
const BAC_NINH = [106.07, 21.18] as const;
const LAO_CAI_BBOX = '103.8,22.3,104.4,22.7';
const BAC_NINH_BBOX = '105.9,21.0,106.2,21.3';

type Feature = { id: string; properties: Record<string, unknown> };
type Link = { rel: string; href: string };

async function insertPlanItem(
  db: Queryable,
  p: { planId: number; name: string; phase: 'to-2015' | '2016-2020' | 'vision-2025'; published: boolean; lon: number },
): Promise<string> {
  const item = await db.query<{ id: string }>(
    `INSERT INTO plan_items (plan_id, province_code, head_version, published_version) VALUES ($1, '10', 1, $2) RETURNING id`,
    [p.planId, p.published ? 1 : null],
  );
  const id = item.rows[0].id;
  await db.query(
    `INSERT INTO plan_item_versions (item_id, version, name, province_code, phase, planned_area_ha, geom, status)
     VALUES ($1, 1, $2, '10', $3, 40, ST_SetSRID(ST_GeomFromGeoJSON($4), 4326), 'in-plan')`,
    [id, p.name, p.phase, JSON.stringify(squareAround(p.lon, LAO_CAI[1] + 0.1, 500))],
  );
  await db.query(`INSERT INTO plan_item_review_events (item_id, version, state) VALUES ($1, 1, 'draft')`, [id]);
  if (p.published) await db.query(`INSERT INTO plan_item_review_events (item_id, version, state) VALUES ($1, 1, 'approved')`, [id]);
  return id;
}

describe('parseDatetime', () => {
  it('turns instants and intervals into the Vietnamese calendar days they touch', () => {
    expect(parseDatetime('2024-05-01')).toEqual({ start: '2024-05-01', end: '2024-05-01' });
    // 17:00Z is midnight in Vietnam: already the next day
    expect(parseDatetime('2024-04-30T17:00:00Z')).toEqual({ start: '2024-05-01', end: '2024-05-01' });
    expect(parseDatetime('2024-04-30T16:59:59.999Z')).toEqual({ start: '2024-04-30', end: '2024-04-30' });
    expect(parseDatetime('2024-05-01T23:30:00+07:00')).toEqual({ start: '2024-05-01', end: '2024-05-01' });
    expect(parseDatetime('2020-01-01/2024-12-31')).toEqual({ start: '2020-01-01', end: '2024-12-31' });
    expect(parseDatetime('2020-01-01/..')).toEqual({ start: '2020-01-01', end: null });
    expect(parseDatetime('2020-01-01/')).toEqual({ start: '2020-01-01', end: null });
    expect(parseDatetime('../2024-12-31T10:00:00Z')).toEqual({ start: null, end: '2024-12-31' });
    expect(parseDatetime('/2024-12-31')).toEqual({ start: null, end: '2024-12-31' });
    // an unencoded "+" arrives as a space
    expect(parseDatetime('2024-05-01T00:30:00 07:00')).toEqual({ start: '2024-05-01', end: '2024-05-01' });
    // the same day as both ends, and a date-time inside a date end, are not reversed
    expect(parseDatetime('2024-05-01/2024-05-01')).toEqual({ start: '2024-05-01', end: '2024-05-01' });
    expect(parseDatetime('2024-05-01T10:00:00Z/2024-05-01')).toEqual({ start: '2024-05-01', end: '2024-05-01' });
  });

  it('rejects malformed, impossible and reversed values', () => {
    for (const bad of [
      '', 'yesterday', '2024-13-01', '2024-02-30', '2024-5-1', '2024-05-01T25:00:00Z', '2024-05-01T10:00:00', '2024-05-01T10:00Z',
      '2024-05-01T10:00:00+24:00', '..', '../..', '/', 'a/b', '2024-01-01/2024-02-01/2024-03-01',
      '2024-01-01/2023-12-31', '2024-05-01T10:00:00Z/2024-05-01T09:59:59Z', '2024-05-02/2024-05-01T23:00:00+07:00',
    ]) {
      expect(() => parseDatetime(bad), bad).toThrow(/datetime/);
    }
  });
});

describeEachServer('OGC API – Features: datetime', (t) => {
  const ids: Record<string, string> = {};
  const names: Record<string, string> = {};
  const plan: Record<string, string> = {};
  let hiddenPlanItem = '';
  let draftPlanItem = '';

  beforeAll(async () => {
    const db = t.server.db;
    const published: Array<[key: string, decision: string | null, where: readonly [number, number], province: string]> = [
      ['d2015', '2015-06-15', LAO_CAI, '10'],
      ['d2019', '2019-03-01', LAO_CAI, '10'],
      ['d2020', '2020-12-31', LAO_CAI, '10'],
      ['d2023', '2023-07-10', LAO_CAI, '10'],
      ['d2021bn', '2021-05-05', BAC_NINH, '27'],
      ['undated', null, LAO_CAI, '10'],
    ];
    for (const [i, [key, decision, [lon, lat], province]] of published.entries()) {
      names[key] = `CCN Mốc thời gian ${key}`;
      ids[key] = (
        await insertCluster(db, {
          name: names[key],
          province_code_2009: province,
          status: decision ? 'operating' : 'planned',
          geometry: squareAround(lon + i * 0.02, lat, 600),
          properties: { decision_date: decision, decision_no: decision ? `${i}/QĐ-UBND` : null },
        })
      ).id;
    }
    // published v1 decided in 2010; a submitted v2 claims 2019-03-01 and must not count
    names.revised = 'CCN Mốc thời gian bản công bố';
    ids.revised = (await insertCluster(db, { name: names.revised, province_code_2009: '10', geometry: squareAround(104.2, 22.4, 600), properties: { decision_date: '2010-01-01' } })).id;
    await addClusterVersion(db, ids.revised, { name: 'CCN Bản Nộp Bí Mật', geometry: squareAround(104.25, 22.4, 600), state: 'submitted', properties: { decision_date: '2019-03-01' } });
    // never published, with dates inside and outside the published range
    await insertCluster(db, { name: 'CCN Nháp Bí Mật', province_code_2009: '10', review_state: 'draft', geometry: squareAround(104.3, 22.4, 500), properties: { decision_date: '2019-03-01' } });
    await insertCluster(db, { name: 'CCN Chờ Duyệt Bí Mật', province_code_2009: '10', review_state: 'submitted', geometry: squareAround(104.35, 22.4, 500), properties: { decision_date: '2001-01-01' } });
    await insertCluster(db, { name: 'CCN Nháp Tương Lai', province_code_2009: '10', review_state: 'draft', geometry: squareAround(104.4, 22.4, 500), properties: { decision_date: '2030-01-01' } });

    const approved = await db.query<{ id: number }>(`INSERT INTO plans (name, level, status, decision_date) VALUES ('Quy hoạch CCN đến 2020', 'national', 'approved', '2010-05-01') RETURNING id`);
    const draftPlan = await db.query<{ id: number }>(`INSERT INTO plans (name, level, status) VALUES ('Quy hoạch nháp', 'national', 'draft') RETURNING id`);
    plan['to-2015'] = await insertPlanItem(db, { planId: approved.rows[0].id, name: 'Hạng mục đến 2015', phase: 'to-2015', published: true, lon: 103.9 });
    plan['2016-2020'] = await insertPlanItem(db, { planId: approved.rows[0].id, name: 'Hạng mục 2016-2020', phase: '2016-2020', published: true, lon: 103.95 });
    plan['vision-2025'] = await insertPlanItem(db, { planId: approved.rows[0].id, name: 'Hạng mục tầm nhìn 2025', phase: 'vision-2025', published: true, lon: 104.0 });
    hiddenPlanItem = await insertPlanItem(db, { planId: approved.rows[0].id, name: 'Hạng mục chưa duyệt', phase: '2016-2020', published: false, lon: 104.05 });
    draftPlanItem = await insertPlanItem(db, { planId: draftPlan.rows[0].id, name: 'Hạng mục quy hoạch nháp', phase: '2016-2020', published: true, lon: 104.1 });

    await insertResidentialZone(db, { name: 'Khu dân cư thời gian 1', province_code: '10', geometry: squareAround(104.0, 22.6, 400) });
    await insertResidentialZone(db, { name: 'Khu dân cư thời gian 2', province_code: '10', geometry: squareAround(104.02, 22.6, 400) });
  });

  async function items(collection: string, query: string) {
    const res = await t.server.client().get(`/ogc/collections/${collection}/items?${query}`);
    expect(res.status, `${collection}?${query}: ${res.text.slice(0, 200)}`).toBe(200);
    return res.body as { numberMatched: number; numberReturned: number; features: Feature[]; links: Link[] };
  }
  const idsOf = (body: { features: Feature[] }) => body.features.map((f) => f.id).sort();
  const expected = (...keys: string[]) => keys.map((k) => ids[k]).sort();
  const dt = (value: string) => `datetime=${encodeURIComponent(value)}`;

  it('an instant selects the clusters decided on that Vietnamese day, and never an unpublished version', async () => {
    const day = await items('clusters', dt('2019-03-01'));
    expect(idsOf(day)).toEqual(expected('d2019'));
    expect(day.numberMatched).toBe(1);
    expect(day.features[0].properties).toMatchObject({ name: names.d2019, decision_date: '2019-03-01' });
    // date-times: the instant's day in UTC+7 decides
    expect(idsOf(await items('clusters', dt('2019-03-01T05:00:00+07:00')))).toEqual(expected('d2019'));
    expect(idsOf(await items('clusters', dt('2019-02-28T18:00:00Z')))).toEqual(expected('d2019'));
    expect((await items('clusters', dt('2019-02-28T16:59:59Z'))).numberMatched).toBe(0);
    expect((await items('clusters', dt('2019-03-02'))).numberMatched).toBe(0);
    // the published version's date counts, not the submitted one's
    const old = await items('clusters', dt('2010-01-01'));
    expect(idsOf(old)).toEqual(expected('revised'));
    expect(old.features[0].properties).toMatchObject({ name: names.revised, version: 1 });
  });

  it('closed and open intervals select the intersecting clusters; undated ones only without datetime', async () => {
    expect(idsOf(await items('clusters', dt('2019-01-01/2020-12-31')))).toEqual(expected('d2019', 'd2020'));
    expect(idsOf(await items('clusters', dt('2019-03-01T00:00:00+07:00/2020-12-31T00:00:00+07:00')))).toEqual(expected('d2019', 'd2020'));
    // an end instant before the day's start leaves that day out
    expect(idsOf(await items('clusters', dt('2019-01-01/2020-12-30T16:59:59Z')))).toEqual(expected('d2019'));
    expect(idsOf(await items('clusters', dt('2020-01-01/..')))).toEqual(expected('d2020', 'd2021bn', 'd2023'));
    expect(idsOf(await items('clusters', dt('2020-01-01/')))).toEqual(expected('d2020', 'd2021bn', 'd2023'));
    expect(idsOf(await items('clusters', dt('../2015-12-31')))).toEqual(expected('d2015', 'revised'));
    const everyDated = await items('clusters', dt('1900-01-01/..'));
    expect(everyDated.numberMatched).toBe(6);
    expect(idsOf(everyDated)).not.toContain(ids.undated);
    const all = await items('clusters', '');
    expect(all.numberMatched).toBe(7);
    expect(idsOf(all)).toContain(ids.undated);
    expect((await items('clusters', dt('2030-01-01/..'))).numberMatched).toBe(0);
  });

  it('combines with bbox and attribute filters, and numberMatched counts the combination', async () => {
    const range = dt('2020-01-01/..');
    expect(idsOf(await items('clusters', `${range}&bbox=${BAC_NINH_BBOX}`))).toEqual(expected('d2021bn'));
    const laoCai = await items('clusters', `${range}&bbox=${LAO_CAI_BBOX}`);
    expect(idsOf(laoCai)).toEqual(expected('d2020', 'd2023'));
    expect(laoCai.numberMatched).toBe(2);
    const byProvince = await items('clusters', `${range}&province=15&status=operating`);
    expect(idsOf(byProvince)).toEqual(expected('d2020', 'd2023'));
    expect((await items('clusters', `${range}&province=24&bbox=${LAO_CAI_BBOX}`)).numberMatched).toBe(0);
  });

  it('pages a filtered result with next/prev links that keep datetime', async () => {
    const range = '2015-01-01/2023-12-31';
    const first = await items('clusters', `${dt(range)}&limit=2`);
    expect(first.numberMatched).toBe(5);
    expect(first.numberReturned).toBe(2);
    const self = first.links.find((l) => l.rel === 'self')!;
    expect(new URL(self.href).searchParams.get('datetime')).toBe(range);
    const seen = [...first.features];
    let next = first.links.find((l) => l.rel === 'next');
    let pages = 1;
    while (next) {
      expect(new URL(next.href).searchParams.get('datetime')).toBe(range);
      const res = await t.server.client().get(next.href.replace(t.server.baseUrl, ''));
      expect(res.status).toBe(200);
      expect(res.body.numberMatched).toBe(5);
      const prev = res.body.links.find((l: Link) => l.rel === 'prev');
      expect(new URL(prev.href).searchParams.get('datetime')).toBe(range);
      seen.push(...res.body.features);
      next = res.body.links.find((l: Link) => l.rel === 'next');
      pages += 1;
    }
    expect(pages).toBe(3);
    expect(seen.map((f) => f.id).sort()).toEqual(expected('d2015', 'd2019', 'd2020', 'd2021bn', 'd2023'));
    // an offset instant with a "+" survives the round trip through the links
    const instant = '2019-03-01T05:00:00+07:00';
    const one = await items('clusters', `${dt(instant)}&limit=1`);
    expect(new URL(one.links.find((l) => l.rel === 'self')!.href).searchParams.get('datetime')).toBe(instant);
  });

  it('filters the HTML representation too', async () => {
    const res = await t.server.client().get(`/ogc/collections/clusters/items?f=html&${dt('2019-01-01/2020-12-31')}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.text).toContain(names.d2019);
    expect(res.text).toContain(names.d2020);
    expect(res.text).not.toContain(names.d2015);
    expect(res.text).not.toContain(names.d2023);
    expect(res.text).toContain('2 feature(s) of 2');
    expect(res.text).toContain('datetime=2019-01-01%2F2020-12-31');
    expect(res.text).not.toContain('Bí Mật');
  });

  it('plan items intersect by their phase period; unpublished items and draft plans never appear', async () => {
    const planIds = (body: { features: Feature[] }) => body.features.map((f) => f.id).sort();
    const want = (...phases: string[]) => phases.map((p) => plan[p]).sort();
    expect(planIds(await items('plan-items', dt('2018-06-01')))).toEqual(want('2016-2020'));
    expect(planIds(await items('plan-items', dt('2000-01-01')))).toEqual(want('to-2015'));
    expect(planIds(await items('plan-items', dt('2024-12-31T20:00:00+07:00')))).toEqual(want('vision-2025'));
    expect(planIds(await items('plan-items', dt('2015-12-31/2016-01-01')))).toEqual(want('to-2015', '2016-2020'));
    expect(planIds(await items('plan-items', dt('2019-01-01/..')))).toEqual(want('2016-2020', 'vision-2025'));
    expect((await items('plan-items', dt('2026-01-01/..'))).numberMatched).toBe(0);
    const all = await items('plan-items', dt('../2030-01-01'));
    expect(all.numberMatched).toBe(3);
    expect(planIds(all)).not.toContain(hiddenPlanItem);
    expect(planIds(all)).not.toContain(draftPlanItem);
  });

  it('provinces and regions are valid from 1 Aug 2008 until the 34-unit set of 1 July 2025', async () => {
    expect((await items('provinces', dt('2020-01-01'))).numberMatched).toBe(63);
    expect((await items('provinces', dt('2025-06-30T23:59:59+07:00'))).numberMatched).toBe(63);
    expect((await items('provinces', dt('2025-06-30T17:00:00Z'))).numberMatched).toBe(0);
    expect((await items('provinces', dt('2025-07-01'))).numberMatched).toBe(0);
    expect((await items('provinces', dt('2005-01-01'))).numberMatched).toBe(0);
    expect((await items('provinces', dt('../2008-07-31'))).numberMatched).toBe(0);
    expect((await items('provinces', dt('2024-01-01/..'))).numberMatched).toBe(63);
    const paged = await items('provinces', `${dt('2020-01-01')}&region=dong-bang-song-hong&limit=5`);
    expect(paged.numberReturned).toBe(5);
    expect(new URL(paged.links.find((l) => l.rel === 'next')!.href).searchParams.get('datetime')).toBe('2020-01-01');
    expect((await items('regions', dt('2020-01-01'))).numberMatched).toBe(6);
    expect((await items('regions', `${dt('2020-01-01')}&bbox=106.0,21.1,106.1,21.2`)).features.map((f) => f.id)).toEqual(['dong-bang-song-hong']);
    const after = await items('regions', dt('2026-01-01'));
    expect(after.numberMatched).toBe(0);
    expect(after.features).toEqual([]);
  });

  it('residential zones have no time: a valid datetime returns every zone, a bad one is still a 400', async () => {
    const all = await items('residential-zones', '');
    expect(all.numberMatched).toBeGreaterThanOrEqual(2);
    const dated = await items('residential-zones', dt('1990-01-01'));
    expect(dated.numberMatched).toBe(all.numberMatched);
    expect(new URL(dated.links.find((l) => l.rel === 'self')!.href).searchParams.get('datetime')).toBe('1990-01-01');
    const bad = await t.server.client().get(`/ogc/collections/residential-zones/items?${dt('2024-02-30')}`);
    expect(bad.status).toBe(400);
  });

  it('rejects a malformed or reversed datetime with a 400 OGC exception on every collection', async () => {
    const c = t.server.client();
    for (const collection of ['clusters', 'plan-items', 'provinces', 'regions']) {
      for (const bad of ['yesterday', '2024-13-01', '2024-05-01T10:00:00', '../..', '2024-01-01/2023-12-31', '2024-05-01T10:00:00Z/2024-05-01T09:00:00Z']) {
        for (const f of ['json', 'html']) {
          const res = await c.get(`/ogc/collections/${collection}/items?f=${f}&${dt(bad)}`);
          expect(res.status, `${collection} ${bad}`).toBe(400);
          expect(res.headers.get('content-type')).toMatch(/json/);
          expect(res.body.code).toBe('InvalidParameterValue');
          expect(res.body.description).toMatch(/datetime/);
          expect(res.body).not.toHaveProperty('error');
        }
      }
    }
    const twice = await c.get('/ogc/collections/clusters/items?datetime=2020-01-01&datetime=2021-01-01');
    expect(twice.status).toBe(400);
  });

  it('describes each collection\'s time in extent.temporal, computed from published data only', async () => {
    const c = t.server.client();
    const clusters = await c.get('/ogc/collections/clusters');
    // not 2001 (submitted) nor 2030 (draft)
    expect(clusters.body.extent.temporal).toEqual({
      interval: [['2010-01-01T00:00:00+07:00', '2023-07-10T23:59:59+07:00']],
      trs: 'http://www.opengis.net/def/uom/ISO-8601/0/Gregorian',
    });
    expect(clusters.body.description).toMatch(/decision_date/);
    const planItems = await c.get('/ogc/collections/plan-items');
    expect(planItems.body.extent.temporal.interval).toEqual([[null, '2025-12-31T23:59:59+07:00']]);
    for (const id of ['provinces', 'regions']) {
      const doc = await c.get(`/ogc/collections/${id}`);
      expect(doc.body.extent.temporal.interval, id).toEqual([['2008-08-01T00:00:00+07:00', '2025-06-30T23:59:59+07:00']]);
    }
    const zones = await c.get('/ogc/collections/residential-zones');
    expect(zones.body.extent).not.toHaveProperty('temporal');
    expect(zones.body.extent.spatial.bbox[0]).toHaveLength(4);
    expect(zones.body.description).toMatch(/datetime does not apply/);
    const list = await c.get('/ogc/collections');
    const byId = Object.fromEntries(list.body.collections.map((x: { id: string }) => [x.id, x]));
    expect(byId.clusters.extent.temporal).toEqual(clusters.body.extent.temporal);
    expect(byId['residential-zones'].extent).not.toHaveProperty('temporal');
    const html = await c.get('/ogc/collections/residential-zones?f=html');
    expect(html.text).toContain('datetime does not apply');
  });

  it('explains the datetime parameter per collection in the API definition', async () => {
    const doc = JSON.parse((await t.server.client().get('/ogc/api')).text);
    const datetimeOf = (id: string) => doc.paths[`/collections/${id}/items`].get.parameters.find((p: { name?: string }) => p.name === 'datetime');
    expect(datetimeOf('clusters').description).toMatch(/decision_date/);
    expect(datetimeOf('plan-items').description).toMatch(/phase/);
    expect(datetimeOf('provinces').description).toMatch(/2025-07-01/);
    expect(datetimeOf('regions').description).toMatch(/63-province/);
    expect(datetimeOf('residential-zones').description).toMatch(/does not apply/);
    for (const id of ['clusters', 'residential-zones']) expect(datetimeOf(id)).toMatchObject({ in: 'query', required: false, schema: { type: 'string' } });
  });
});

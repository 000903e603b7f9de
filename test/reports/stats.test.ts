import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachServer } from '../support/server.ts';
import { loadFixture, type Fixture } from './fixture.ts';
import { endOfVietnamDay } from '../../server/reports/units.ts';

const FIELDS = [
  'code',
  'name',
  'planned_count',
  'established_count',
  'operating_count',
  'planned_ha',
  'established_ha',
  'industrial_land_ha',
  'leased_ha',
  'occupancy_pct',
  'wastewater_operating',
  'nonconforming_count',
  // issue 17: clusters without a boundary (location point only) and with a provisional one
  'no_boundary_count',
  'provisional_count',
  'fulfilment_pct',
];

const NORTH = 'trung-du-mien-nui-phia-bac';
const DELTA = 'dong-bang-song-hong';

type Row = Record<string, any>;
const byCode = (rows: Row[]) => new Map(rows.map((r) => [r.code as string, r]));

describe('as-of instants', () => {
  it('"as of D" is the end of day D in Vietnam (UTC+7)', () => {
    expect(endOfVietnamDay('2024-03-10').toISOString()).toBe('2024-03-10T17:00:00.000Z');
    expect(endOfVietnamDay('2024-12-31').toISOString()).toBe('2024-12-31T17:00:00.000Z');
  });
});

describeEachServer('stats API', (t) => {
  let fx: Fixture;
  beforeAll(async () => {
    const existing = await t.server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM clusters');
    expect(existing.rows[0]!.n, 'the template must start without clusters').toBe(0);
    fx = await loadFixture(t.server.db);
  }, 60_000);

  async function stats(qs: string): Promise<Row[]> {
    const res = await t.server.client().get(`/api/stats?${qs}`);
    expect(res.status, res.text).toBe(200);
    expect(Object.keys(res.body)).toEqual(['rows', 'national', 'regions']);
    return res.body.rows;
  }

  it('returns one row per province (63) with exactly the contract fields', async () => {
    const rows = await stats('by=province&era=2009&as_of=2024-06-14');
    expect(rows).toHaveLength(63);
    for (const r of rows) expect(Object.keys(r)).toEqual(FIELDS);
    expect(rows.map((r) => r.code)).toEqual([...rows.map((r) => r.code)].sort());
  });

  it('aggregates the known fixture at the end of 2024-H1 by 63 provinces', async () => {
    const rows = byCode(await stats('by=province&era=2009&as_of=2024-06-14'));
    const laoCai = rows.get('10')!;
    // A v2 (expanding, 64 ha, 70 planned, 50/20 land) + C (planned, 40 planned); E is a draft
    expect(laoCai).toMatchObject({
      planned_count: 2,
      established_count: 1,
      operating_count: 1,
      planned_ha: 110,
      industrial_land_ha: 50,
      leased_ha: 20,
      occupancy_pct: 40,
      wastewater_operating: 1,
      // A v2 is expanding with occupancy 40% < 60% (Decree 32/2024 in force)
      nonconforming_count: 1,
    });
    expect(laoCai.established_ha).toBeCloseTo(64, 0);
    expect(laoCai.name).toContain('Lào Cai');
    expect(rows.get('15')).toMatchObject({ planned_count: 1, established_count: 1, operating_count: 0, planned_ha: 20, industrial_land_ha: 12, leased_ha: 6, occupancy_pct: 50, wastewater_operating: 0, nonconforming_count: 0 });
    expect(rows.get('15')!.established_ha).toBeCloseTo(16, 0);
    // D was removed on 2024-05-05: nothing left in Bắc Ninh
    expect(rows.get('27')).toMatchObject({ planned_count: 0, established_count: 0, planned_ha: 0, established_ha: 0, occupancy_pct: null, wastewater_operating: 0 });
    expect(rows.get('24')).toMatchObject({ planned_count: 1, established_count: 1, operating_count: 1, planned_ha: 10, occupancy_pct: 100, wastewater_operating: 0, nonconforming_count: 1 });
    expect(rows.get('01')).toMatchObject({ planned_count: 0, established_count: 0, occupancy_pct: null });
    const total = [...rows.values()].reduce((s, r) => s + r.planned_count, 0);
    expect(total).toBe(4);
  });

  it('aggregates the 34 provinces of 2025 through merged_from', async () => {
    const list = await stats('by=province&era=2025&as_of=2024-06-14');
    expect(list).toHaveLength(34);
    const rows = byCode(list);
    // 2025 Lào Cai (15) = old Lào Cai 10 + Yên Bái 15
    expect(rows.get('15')).toMatchObject({
      planned_count: 3,
      established_count: 2,
      operating_count: 1,
      planned_ha: 130,
      industrial_land_ha: 62,
      leased_ha: 26,
      occupancy_pct: 41.94,
      wastewater_operating: 1,
      nonconforming_count: 1,
    });
    expect(rows.get('15')!.established_ha).toBeCloseTo(80, 0);
    expect(rows.get('15')!.name).toContain('Lào Cai');
    // 2025 Bắc Ninh (24) = Bắc Giang 24 + Bắc Ninh 27 (D removed)
    expect(rows.get('24')).toMatchObject({ planned_count: 1, established_count: 1, nonconforming_count: 1 });
    // old codes that were merged away have no row of their own
    expect(rows.has('10')).toBe(false);
    expect(rows.has('27')).toBe(false);
  });

  it('returns the 6 regions, identical in both eras', async () => {
    const rows = await stats('by=region&era=2009&as_of=2024-06-14');
    expect(rows).toHaveLength(6);
    const r = byCode(rows);
    expect(r.get(NORTH)).toMatchObject({ planned_count: 4, established_count: 3, operating_count: 2, planned_ha: 140, industrial_land_ha: 70, leased_ha: 34, occupancy_pct: 48.57, wastewater_operating: 1, nonconforming_count: 2 });
    expect(r.get(DELTA)).toMatchObject({ planned_count: 0, established_count: 0 });
    expect(await stats('by=region&era=2025&as_of=2024-06-14')).toEqual(rows);
  });

  it('rebuilds the status on an earlier date from the versions valid then', async () => {
    // 2024-03-09: A is still v1 (operating, 25 ha); D still operating; B exists (2024-01-20)
    const rows = byCode(await stats('by=province&era=2009&as_of=2024-03-09'));
    expect(rows.get('10')).toMatchObject({ planned_count: 2, established_count: 1, operating_count: 1, planned_ha: 70, industrial_land_ha: 20, leased_ha: 10, occupancy_pct: 50, nonconforming_count: 0 });
    expect(rows.get('10')!.established_ha).toBeCloseTo(25, 0);
    expect(rows.get('27')).toMatchObject({ planned_count: 1, established_count: 1, operating_count: 1, planned_ha: 50, wastewater_operating: 1 });
    // submitted on 2024-03-05 but approved only on 2024-03-10 (10:00 in Vietnam): counted from that day
    const onApproval = byCode(await stats('by=province&era=2009&as_of=2024-03-10'));
    expect(onApproval.get('10')!.established_ha).toBeCloseTo(64, 0);
    // before B existed and before A was created
    const early = byCode(await stats('by=province&era=2009&as_of=2023-01-15'));
    expect(early.get('15')!.planned_count).toBe(0);
    expect(early.get('10')).toMatchObject({ planned_count: 1, established_count: 0 });
  });

  it('filters by plan phase', async () => {
    const rows = byCode(await stats('by=region&era=2009&as_of=2024-06-14&phase=2016-2020'));
    expect(rows.get(NORTH)).toMatchObject({ planned_count: 2, established_count: 2 });
  });

  it('a stats query for each era: the same code is different territory, and the answer says which era', async () => {
    const current = await t.server.client().get('/api/stats?by=province&as_of=2024-06-14');
    const old = await t.server.client().get('/api/stats?by=province&era=2009&as_of=2024-06-14');
    expect(current.headers.get('x-era')).toBe('2025');
    expect(old.headers.get('x-era')).toBe('2009');
    const now15 = byCode(current.body.rows).get('15')!;
    const old15 = byCode(old.body.rows).get('15')!;
    // 2025 "15" is Lào Cai (old 10 + old 15: A, B, C); 2009 "15" is Yên Bái (B only)
    expect(now15.name).toContain('Lào Cai');
    expect(old15.name).toContain('Yên Bái');
    expect(now15.planned_count).toBe(3);
    expect(old15.planned_count).toBe(1);
    const now24 = byCode(current.body.rows).get('24')!;
    const old24 = byCode(old.body.rows).get('24')!;
    expect(now24.name).toContain('Bắc Ninh');
    expect(old24.name).toContain('Bắc Giang');
  });

  it('defaults to provinces, the 2025 division (34 units) and today', async () => {
    const rows = byCode(await stats(''));
    expect(rows.size).toBe(34);
    expect(rows.get('15')).toMatchObject({ planned_count: 3, established_count: 2 });
  });

  it('rejects bad by, era and as_of with 400 and the error envelope', async () => {
    for (const [qs, code] of [
      ['by=district', 'invalid-by'],
      ['era=2020', 'invalid-era'],
      ['as_of=2024-02-30', 'invalid-as-of'],
      ['as_of=yesterday', 'invalid-as-of'],
      ['as_of=2024-01-01&as_of=2024-02-01', 'invalid-as-of'],
      ['phase=2030', 'invalid-phase'],
    ] as const) {
      const res = await t.server.client().get(`/api/stats?${qs}`);
      expect(res.status, qs).toBe(400);
      expect(res.body.error.code, qs).toBe(code);
      expect(typeof res.body.error.message).toBe('string');
    }
  });

  it('builds the 2009→2025 timeline of established clusters from version history', async () => {
    const res = await t.server.client().get('/api/stats/timeline?from=2019&to=2024');
    expect(res.status).toBe(200);
    const counts = Object.fromEntries(res.body.points.map((p: Row) => [p.year, p.established_count]));
    // F from 2020, D from 2021, A from 2023, B from 2024 while D was removed in 2024
    expect(counts).toEqual({ 2019: 0, 2020: 1, 2021: 2, 2022: 2, 2023: 3, 2024: 3 });
    expect(fx.E.code).toBe('10-FE');
  });
});

/**
 * Issue 13, defect 4: the national and regional totals are the server's (GET /api/stats `national`, `regions`),
 * aggregated from the clusters — occupancy is Σ leased ÷ Σ industrial land over the clusters where both are known —
 * and not recomputed in the browser from the rows (which weighted each province's occupancy by all its industrial
 * land, 65 % here instead of 62.5 %).
 */
import { beforeAll, expect, it } from 'vitest';
import { describeEachServer } from '../support/server.ts';
import { insertCluster, squareAround } from '../support/fixtures.ts';

describeEachServer('stats API: national and regional totals', (t) => {
  beforeAll(async () => {
    const at = '2020-03-01T03:00:00Z';
    // Lào Cai: A 40 ha industrial / 30 leased, B 20 ha industrial with leased unknown; Bắc Ninh: C 40 / 20
    await insertCluster(t.server.db, { province_code_2009: '10', status: 'operating', at, geometry: squareAround(104.0, 22.3, 800), properties: { industrial_land_ha: 40, leased_ha: 30 } });
    await insertCluster(t.server.db, { province_code_2009: '10', status: 'operating', at, geometry: squareAround(104.1, 22.35, 600), properties: { industrial_land_ha: 20, leased_ha: null } });
    await insertCluster(t.server.db, { province_code_2009: '27', status: 'established', at, geometry: squareAround(106.05, 21.15, 800), properties: { industrial_land_ha: 40, leased_ha: 20 } });
    await insertCluster(t.server.db, { province_code_2009: '27', status: 'planned', at, geometry: squareAround(106.1, 21.2, 500) });
  }, 60_000);

  it('national: aggregated from the clusters, ratios from the sums', async () => {
    const res = await t.server.client().get('/api/stats?by=province&era=2009&as_of=2024-06-30');
    expect(res.status, res.text).toBe(200);
    const { rows, national } = res.body;
    expect(national).toMatchObject({ code: 'VN', planned_count: 4, established_count: 3, operating_count: 2, industrial_land_ha: 100, leased_ha: 50, occupancy_pct: 62.5, fulfilment_pct: 75 });
    for (const k of ['planned_count', 'established_count', 'operating_count', 'wastewater_operating', 'nonconforming_count']) {
      expect(national[k], k).toBe(rows.reduce((s: number, r: any) => s + r[k], 0));
    }
    // the rows' occupancies are right, but averaging them by industrial land is not the national figure
    const byCode = new Map(rows.map((r: any) => [r.code, r]));
    expect(byCode.get('10')).toMatchObject({ industrial_land_ha: 60, occupancy_pct: 75 });
    expect(byCode.get('27')).toMatchObject({ industrial_land_ha: 40, occupancy_pct: 50 });
    const averaged = (75 * 60 + 50 * 40) / 100;
    expect(averaged).toBe(65);
    expect(national.occupancy_pct).not.toBe(averaged);
  });

  it('regions: one total per region, the same whether the rows are provinces or regions', async () => {
    const byProvince = (await t.server.client().get('/api/stats?by=province&era=2025&as_of=2024-06-30')).body;
    const byRegion = (await t.server.client().get('/api/stats?by=region&as_of=2024-06-30')).body;
    expect(byProvince.regions).toHaveLength(6);
    expect(byProvince.regions).toEqual(byRegion.regions);
    expect(byProvince.national).toEqual(byRegion.national);
    const north = byProvince.regions.find((r: any) => r.code === 'trung-du-mien-nui-phia-bac');
    const delta = byProvince.regions.find((r: any) => r.code === 'dong-bang-song-hong');
    expect(north).toMatchObject({ planned_count: 2, occupancy_pct: 75, fulfilment_pct: 100 });
    expect(delta).toMatchObject({ planned_count: 2, established_count: 1, occupancy_pct: 50, fulfilment_pct: 50 });
  });
});

import { beforeAll, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { describeEachServer } from '../support/server.ts';
import { squareAround } from '../support/fixtures.ts';
import { addClusterVersion, loadFixture, type Fixture } from './fixture.ts';

const NORTH = 'trung-du-mien-nui-phia-bac';

/** The report without the generation timestamp, for before/after comparisons. */
const stable = (body: Record<string, unknown>) => ({ ...body, generated_at: undefined });

describeEachServer('periodic reports API', (t) => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await loadFixture(t.server.db);
  }, 60_000);

  const get = (qs: string) => t.server.client().get(`/api/reports/periodic?${qs}`);

  it('nationwide 2024-H1: figures by region at the period end and the changes within it', async () => {
    const res = await get('period=2024-H1&format=json');
    expect(res.status, res.text).toBe(200);
    const r = res.body;
    expect(r.period).toMatchObject({ id: '2024-H1', kind: 'half-year', start: '2023-12-15', end: '2024-06-14' });
    expect(r.scope).toMatchObject({ level: 'national', province_code: null });
    expect(r.as_of).toBe('2024-06-14');
    expect(r.rows).toHaveLength(6);
    const north = r.rows.find((x: any) => x.code === NORTH);
    expect(north).toMatchObject({
      planned_count: 4,
      established_count: 3,
      operating_count: 2,
      planned_ha: 140,
      industrial_land_ha: 70,
      leased_ha: 34,
      occupancy_pct: 48.57,
      // established clusters A v2 (8, 300, 150), B (2, 50, 40), F (3, 120, 20)
      tenants: 13,
      workers: 470,
      investment_capital_bn_vnd: 210,
      wastewater_operating: 1,
    });
    expect(r.total).toMatchObject({ code: 'VN', planned_count: 4, established_count: 3, tenants: 13 });
    expect(r.provinces).toHaveLength(63);
    const codes = (list: any[]) => list.map((c) => c.code);
    expect(codes(r.changes.new_clusters)).toEqual([fx.B.code]);
    expect(codes(r.changes.established)).toEqual([fx.B.code]);
    expect(codes(r.changes.expansions)).toEqual([fx.A.code]);
    expect(codes(r.changes.removals)).toEqual([fx.D.code]);
    const expansion = r.changes.expansions[0];
    expect(expansion.area_before_ha).toBeCloseTo(25, 0);
    expect(expansion.area_ha).toBeCloseTo(64, 0);
    expect(expansion.date).toBe('2024-03-10');
    expect(r.changes.removals[0]).toMatchObject({ date: '2024-05-05', status: 'removed', status_before: 'operating' });
  });

  it('one province: its row, its clusters and its changes', async () => {
    const res = await get('period=2024-H1&province=10');
    expect(res.status).toBe(200);
    expect(res.body.scope).toMatchObject({ level: 'province', province_code: '10' });
    expect(res.body.rows).toHaveLength(1);
    expect(res.body.rows[0]).toMatchObject({ code: '10', planned_count: 2, established_count: 1, planned_ha: 110, investment_capital_bn_vnd: 150 });
    expect(res.body.clusters.map((c: any) => c.code).sort()).toEqual([fx.A.code, fx.C.code]);
    expect(res.body.changes.expansions.map((c: any) => c.code)).toEqual([fx.A.code]);
    expect(res.body.changes.removals).toEqual([]);
  });

  it('2025 era: a province of 34 aggregates its merged provinces', async () => {
    const res = await get('period=2024-H1&province=15&era=2025');
    expect(res.status).toBe(200);
    expect(res.body.scope.merged_from).toEqual(['10', '15']);
    expect(res.body.rows[0]).toMatchObject({ planned_count: 3, established_count: 2, occupancy_pct: 41.94 });
    expect(res.body.changes.new_clusters.map((c: any) => c.code)).toEqual([fx.B.code]);
  });

  it('states its division: the 63 provinces before 1 July 2025, the 34 units for a period spanning it (era=2009 switches back)', async () => {
    const before = (await get('period=2024-H1&format=json')).body.scope;
    expect(before).toMatchObject({ era: '2009', spans_division_change: false });
    expect(before.division).toContain('63');
    const spanning = await get('period=2025&format=json');
    expect(spanning.status, spanning.text).toBe(200);
    expect(spanning.body.period.start < '2025-07-01' && spanning.body.period.end >= '2025-07-01').toBe(true);
    expect(spanning.body.scope).toMatchObject({ era: '2025', spans_division_change: true });
    expect(spanning.body.scope.division).toContain('34');
    expect(spanning.body.provinces).toHaveLength(34);
    const old = await get('period=2025&era=2009&format=json');
    expect(old.body.scope).toMatchObject({ era: '2009', spans_division_change: true });
    expect(old.body.provinces).toHaveLength(63);
    const html = await get('period=2025&format=html');
    expect(html.text).toContain('Địa giới hành chính: Đơn vị hành chính cấp tỉnh từ 1/7/2025 (34 tỉnh, thành phố)');
  });

  it('a report for a past period does not change when a later edit lands', async () => {
    const before = await get('period=2024-H1&format=json');
    const beforeProvince = await get('period=2024-H1&province=10&format=csv');
    // A is resized again in August 2024 (after the period), approved on 2024-08-20
    await addClusterVersion(
      t.server.db,
      fx.A.id,
      3,
      { status: 'operating', province_code_2009: '10', geometry: squareAround(103.95, 22.40, 1000), properties: { planned_area_ha: 100, industrial_land_ha: 80, leased_ha: 70, tenants: 20 } },
      [
        { state: 'draft', at: '2024-08-01T02:00:00Z' },
        { state: 'submitted', at: '2024-08-02T02:00:00Z' },
        { state: 'approved', at: '2024-08-20T02:00:00Z' },
      ],
    );
    // and a draft that is never approved
    await addClusterVersion(t.server.db, fx.C.id, 2, { status: 'established', province_code_2009: '10', geometry: squareAround(104.1, 22.3, 900), properties: {} }, [
      { state: 'draft', at: '2024-03-01T02:00:00Z' },
    ]);
    const after = await get('period=2024-H1&format=json');
    expect(stable(after.body)).toEqual(stable(before.body));
    const afterProvince = await get('period=2024-H1&province=10&format=csv');
    expect(afterProvince.text).toBe(beforeProvince.text);

    // the annual 2024 report (to 14 Dec) sees version 3
    const annual = await get('period=2024&province=10');
    expect(annual.body.rows[0]).toMatchObject({ planned_ha: 140, industrial_land_ha: 80, leased_ha: 70, occupancy_pct: 87.5 });
    expect(annual.body.rows[0].established_ha).toBeCloseTo(100, 0);
    const exp = annual.body.changes.expansions[0];
    expect(exp.code).toBe(fx.A.code);
    expect(exp.area_before_ha).toBeCloseTo(25, 0);
    expect(exp.area_ha).toBeCloseTo(100, 0);
  });

  it('CSV: Vietnamese headers, one row per region and the total, readable back', async () => {
    const res = await get('period=2024-H1&format=csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="?bao-cao-ccn-2024-H1-toan-quoc\.csv"?/);
    const records: string[][] = parse(res.text, { bom: true });
    expect(records[0]![0]).toBe('Mã');
    expect(records[0]).toContain('Số CCN theo quy hoạch');
    expect(records[0]).toContain('Tỷ lệ lấp đầy (%)');
    expect(records).toHaveLength(1 + 6 + 1);
    const header = records[0]!;
    const north = records.find((row) => row[0] === NORTH)!;
    expect(north[1]).toBe('Trung du và miền núi phía Bắc');
    expect(north[header.indexOf('Số CCN theo quy hoạch')]).toBe('4');
    expect(north[header.indexOf('Diện tích quy hoạch (ha)')]).toBe('140');
    expect(north[header.indexOf('Tỷ lệ lấp đầy (%)')]).toBe('48.57');
    const total = records[records.length - 1]!;
    expect(total[1]).toBe('Tổng cộng');
    expect(total[header.indexOf('Số CCN đã thành lập')]).toBe('3');
  });

  it('XLSX: opens with exceljs and holds the expected cells', async () => {
    const res = await fetch(`${t.server.baseUrl}/api/reports/periodic?period=2024-H1&province=10&format=xlsx`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/spreadsheetml/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Tổng hợp', 'Danh sách CCN', 'Biến động trong kỳ']);
    const summary = wb.getWorksheet('Tổng hợp')!;
    expect(String(summary.getCell('A1').value)).toContain('Lào Cai');
    const header = summary.getRow(4).values as unknown[];
    expect(header[1]).toBe('Mã');
    expect(header[3]).toBe('Số CCN theo quy hoạch');
    const row = summary.getRow(5);
    expect(row.getCell(1).value).toBe('10');
    expect(row.getCell(3).value).toBe(2);
    expect(row.getCell(6).value).toBe(110);
    const clusters = wb.getWorksheet('Danh sách CCN')!;
    expect(clusters.getRow(1).getCell(2).value).toBe('Tên cụm công nghiệp');
    const names = [clusters.getRow(2).getCell(2).value, clusters.getRow(3).getCell(2).value].sort();
    expect(names).toEqual(['Cụm công nghiệp Alpha', 'Cụm công nghiệp Gamma']);
    const changes = wb.getWorksheet('Biến động trong kỳ')!;
    expect(changes.getRow(2).getCell(1).value).toBe('CCN mở rộng');
    expect(changes.getRow(2).getCell(3).value).toBe(fx.A.code);
  });

  it('HTML: printable A4 with the map and the tables', async () => {
    const res = await get('period=2024-H1&format=html');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.text).toContain('@page { size: A4');
    expect(res.text).toMatch(/<svg class="map"[^>]*>/);
    expect((res.text.match(/<path /g) ?? []).length).toBe(63);
    expect(res.text).toContain('Trung du và miền núi phía Bắc');
    expect(res.text).toContain('Cụm công nghiệp Delta');
    const province = await get('period=2024-H1&province=10&format=html');
    expect(province.text).toMatch(/<circle /);
    expect(province.text).toContain('Cụm công nghiệp Gamma');
  });

  it('rejects bad parameters with 400', async () => {
    for (const [qs, code] of [
      ['', 'invalid-period'],
      ['period=2024-H2', 'invalid-period'],
      ['period=24', 'invalid-period'],
      ['period=2024&format=pdf', 'invalid-format'],
      ['period=2024&province=1', 'invalid-province'],
      ['period=2024&province=99', 'invalid-province'],
      ['period=2024&era=1990', 'invalid-era'],
    ] as const) {
      const res = await get(qs);
      expect(res.status, qs).toBe(400);
      expect(res.body.error.code, qs).toBe(code);
    }
  });
});

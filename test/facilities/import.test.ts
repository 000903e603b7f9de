import { expect, it, beforeAll } from 'vitest';
import { describeEachServer } from '../support/server.ts';
import type { TestClient } from '../support/client.ts';

const HEADER = 'name,owner,industry,hazard_class,pollution_types,land_need_ha,workers,province_code,district_code,commune,status';

describeEachServer('facilities CSV import', (t) => {
  let planner: TestClient;
  const count = async () => (await t.server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM facilities')).rows[0]!.n;
  const csv = (text: string, query = '') => planner.request('POST', `/api/facilities/import${query}`, { raw: text, headers: { 'content-type': 'text/csv' } });

  beforeAll(async () => {
    planner = await t.server.client().login('planner.laocai');
  });

  it('imports lon/lat rows', async () => {
    const before = await count();
    const res = await csv(`${HEADER},lon,lat\n"Lò vôi A",Hộ kinh doanh A,Vật liệu xây dựng,II,dust;emissions,1.5,12,10,,Xã A,in-place,104.1,22.4\n"Xưởng B",,Cơ khí,4,noise,0.8,30,10,,,relocation-planned,104.2,22.5\n`);
    expect(res.status, res.text).toBe(201);
    expect(res.body.imported).toBe(2);
    expect(await count()).toBe(before + 2);
    const f = await planner.get(`/api/facilities/${res.body.ids[1]}`);
    expect(f.body.geometry.coordinates).toEqual([104.2, 22.5]);
    expect(f.body.properties).toMatchObject({ name: 'Xưởng B', hazard_class: 'IV', pollution_types: ['noise'], status: 'relocation-planned', workers: 30 });
  });

  it('transforms VN-2000 X/Y in the province zone (X = northing) with PostGIS', async () => {
    const zone = (await t.server.db.query<{ epsg: number }>(`SELECT epsg FROM province_vn2000_zones WHERE province_code = '10'`)).rows[0]!.epsg;
    const xy = (
      await t.server.db.query<{ e: number; n: number }>(`SELECT ST_X(g) AS e, ST_Y(g) AS n FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(104.05, 22.45), 4326), $1::int) AS g) s`, [zone])
    ).rows[0]!;
    // a 3° TM zone: easting near the false easting, northing ~2,480 km at 22.45° N
    expect(Math.abs(xy.e - 500000)).toBeLessThan(200000);
    expect(xy.n).toBeGreaterThan(2_400_000);
    const res = await csv(`${HEADER},x,y\nNhà máy VN2000,,,I,wastewater,4,100,10,,,in-place,${xy.n.toFixed(3)},${xy.e.toFixed(3)}\n`);
    expect(res.status, res.text).toBe(201);
    expect(res.body.crs).toEqual({ [`EPSG:${zone}`]: 1 });
    const f = await planner.get(`/api/facilities/${res.body.ids[0]}`);
    expect(f.body.geometry.coordinates[0]).toBeCloseTo(104.05, 6);
    expect(f.body.geometry.coordinates[1]).toBeCloseTo(22.45, 6);
  });

  it('uses an explicit EPSG code (column or option)', async () => {
    const xy = (await t.server.db.query<{ e: number; n: number }>(`SELECT ST_X(g) AS e, ST_Y(g) AS n FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(104.3, 22.3), 4326), 9206) AS g) s`)).rows[0]!;
    const res = await csv(`${HEADER},easting,northing\nTheo EPSG,,,III,,1,1,10,,,in-place,${xy.e},${xy.n}\n`, '?epsg=9206');
    expect(res.status, res.text).toBe(201);
    expect(res.body.crs).toEqual({ 'EPSG:9206': 1 });
    const f = await planner.get(`/api/facilities/${res.body.ids[0]}`);
    expect(f.body.geometry.coordinates[0]).toBeCloseTo(104.3, 6);
  });

  it('reports every bad row with its number and reason and stores nothing', async () => {
    const before = await count();
    const res = await csv(
      `${HEADER},lon,lat\n` +
        'Tốt,,,II,,1,1,10,,,in-place,104.1,22.4\n' + // row 2 fine
        'Cấp sai,,,VII,,1,1,10,,,in-place,104.1,22.4\n' + // row 3
        'Không toạ độ,,,II,,1,1,10,,,in-place,,\n' + // row 4
        'Đảo ngược,,,II,,1,1,10,,,in-place,22.4,104.1\n' + // row 5
        'Tỉnh khác,,,II,,1,1,27,,,in-place,106.0,21.2\n', // row 6: not the planner's province
    );
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('import-rejected');
    const errors = res.body.error.details.errors as { row: number; field: string; reason: string }[];
    expect(errors.map((e) => e.row)).toEqual([3, 4, 5, 6]);
    expect(errors[0]).toMatchObject({ field: 'hazard_class' });
    expect(errors[1]!.reason).toMatch(/no coordinates/);
    expect(errors[2]!.reason).toMatch(/swapped/);
    expect(errors[3]!.reason).toMatch(/province 27/);
    expect(await count()).toBe(before);
  });

  it('refuses a file without coordinate columns or with an unknown EPSG, and supports a dry run', async () => {
    const before = await count();
    const noCoords = await csv(`${HEADER}\nA,,,II,,1,1,10,,,in-place\n`);
    expect(noCoords.status).toBe(422);
    expect(noCoords.body.error.details.errors[0].row).toBe(1);
    const badEpsg = await csv(`${HEADER},x,y,epsg\nA,,,II,,1,1,10,,,in-place,2480000,455000,123456\n`);
    expect(badEpsg.status).toBe(422);
    expect(badEpsg.body.error.details.errors[0]).toMatchObject({ row: 2, field: 'epsg' });
    const dry = await csv(`${HEADER},lon,lat\nA,,,II,,1,1,10,,,in-place,104.1,22.4\n`, '?dry_run=true');
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ dry_run: true, imported: 0, rows: 1, errors: [] });
    expect(await count()).toBe(before);
  });

  it('accepts a multipart upload', async () => {
    const form = new FormData();
    form.append('file', new Blob([`${HEADER};lon;lat\n`.replace(/,/g, ';') + 'Tệp;;;V;;0,5;3;10;;;in-place;104,11;22,41\n'], { type: 'text/csv' }), 'co-so.csv');
    const res = await planner.request('POST', '/api/facilities/import', { raw: form });
    expect(res.status, res.text).toBe(201);
    const f = await planner.get(`/api/facilities/${res.body.ids[0]}`);
    expect(f.body.geometry.coordinates).toEqual([104.11, 22.41]);
    expect(f.body.properties.land_need_ha).toBe(0.5);
  });
});

/**
 * Province scope in the 2025 division, through the API on both drivers: the planner of unit 15 (old 10 Lào Cai +
 * old 15 Yên Bái) edits a cluster of old Yên Bái; the planner of unit 24 (Bắc Ninh) is refused on unit 01 (Hà Nội).
 */
import { beforeAll, expect, it } from 'vitest';
import { describeEachServer } from '../support/server.ts';
import type { TestClient } from '../support/client.ts';
import { insertCluster, squareAround } from '../support/fixtures.ts';
import { clusterFeature, ifMatch, versionOf } from './helpers.ts';

describeEachServer('province scope of the 2025 division', (t) => {
  let laocai: TestClient;
  let bacninh: TestClient;
  let yenBai = '';

  beforeAll(async () => {
    laocai = await t.server.client().login('planner.laocai');
    bacninh = await t.server.client().login('planner.bacninh');
    // a draft in old Yên Bái (2009 province 15), near Yên Bái city
    yenBai = (await insertCluster(t.server.db, { name: 'Cụm công nghiệp Âu Lâu', province_code_2009: '15', review_state: 'draft', geometry: squareAround(104.88, 21.70, 500) })).id;
  });

  it('the planner of unit 15 sees and edits a draft of old Yên Bái; the answer names both eras', async () => {
    const got = await laocai.get(`/api/clusters/${yenBai}`);
    expect(got.status, got.text).toBe(200);
    expect(got.body.properties).toMatchObject({ province_code: '15', province_code_2009: '15' });
    const v = await versionOf(laocai, yenBai);
    const put = await laocai.put(`/api/clusters/${yenBai}`, clusterFeature({ name: 'Cụm công nghiệp Âu Lâu', province_code: '15', tenants: 4 }, squareAround(104.88, 21.70, 520)), ifMatch(v));
    expect(put.status, put.text).toBe(200);
    expect(put.body.properties).toMatchObject({ version: v + 1, province_code: '15', province_code_2009: '15', tenants: 4 });
    expect(put.body.properties.commune_codes.length).toBeGreaterThan(0);
    expect(put.body.properties.commune_codes.every((c: string) => /^\d{5}$/.test(c))).toBe(true);
    // the same draft is not visible to the planner of unit 24
    expect((await bacninh.get(`/api/clusters/${yenBai}`)).status).toBe(404);
  });

  it('the planner of unit 24 is refused on unit 01 (Hà Nội), and accepted on old 27 (Bắc Ninh) and old 24 (Bắc Giang)', async () => {
    const hanoi = await bacninh.post('/api/clusters', clusterFeature({ province_code: '01' }, squareAround(105.80, 21.00, 400)));
    expect(hanoi.status, hanoi.text).toBe(403);
    expect(hanoi.body.error.details).toMatchObject({ reason: 'not-in-province', province_code: '01', actor_province_code: '24' });
    const oldBacNinh = await bacninh.post('/api/clusters', clusterFeature({ province_code: '24' }, squareAround(106.07, 21.18, 400)));
    expect(oldBacNinh.status, oldBacNinh.text).toBe(201);
    expect(oldBacNinh.body.properties).toMatchObject({ province_code: '24', province_code_2009: '27' });
    const oldBacGiang = await bacninh.post('/api/clusters', clusterFeature({ province_code: '24' }, squareAround(106.20, 21.30, 400)));
    expect(oldBacGiang.status, oldBacGiang.text).toBe(201);
    expect(oldBacGiang.body.properties).toMatchObject({ province_code: '24', province_code_2009: '24' });
    // and the planner of 15 cannot touch it
    const v = await versionOf(bacninh, oldBacGiang.body.id);
    expect((await laocai.put(`/api/clusters/${oldBacGiang.body.id}`, clusterFeature({ province_code: '24' }, squareAround(106.20, 21.30, 420)), ifMatch(v))).status).toBe(403);
  });
});

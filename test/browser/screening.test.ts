import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server.ts';
import { insertCluster, squareAround } from '../support/fixtures.ts';
import { TEST_DEMO_PASSWORD } from '../setup/template.ts';
import { createFacility, lonEast, point, zoneEastOf } from '../screening/helpers.ts';
import { ensureClientBuilt, launchBrowser, shotPath, trackErrors } from './browser.ts';

const LAT = 22.3;
const LON = 104.0;

async function login(page: Page, baseUrl: string, username: string, next: string) {
  await page.goto(`${baseUrl}/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill(TEST_DEMO_PASSWORD);
  await page.getByRole('main').getByRole('button', { name: 'Đăng nhập' }).click();
  await expect.poll(() => new URL(page.url()).pathname, { timeout: 15_000 }).toBe(next);
}

const rendered = (page: Page, layer: string) =>
  page.evaluate((l) => {
    const map = window.__map;
    return map && map.getLayer(l) ? map.queryRenderedFeatures({ layers: [l] }).map((f) => f.properties) : [];
  }, layer);

describe('screening page in a browser', () => {
  let server: TestServer;
  let browser: Browser;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const [started] = await Promise.all([startTestServer(), ensureClientBuilt()]);
    server = started;
    browser = await launchBrowser();
    const db = server.db;
    const planner = await server.client().login('planner.laocai');
    ids.facility = await createFacility(planner, point(LON, LAT), { name: 'Nhà máy nhuộm Thử Nghiệm', hazard_class: 'I', land_need_ha: 5 });
    // a facility 200 m from homes for the among-homes layer (API calls first: a slow DB setup can outlive the keep-alive socket)
    await createFacility(planner, point(LON + 0.05, LAT - 0.05), { name: 'Lò gạch Trong Làng', hazard_class: 'II' });
    // near: ~3 km, 20 % full; far: ~12 km, 80 % full; rejected: homes 900 m away
    ids.near = (await insertCluster(db, { name: 'Cụm công nghiệp Gần', geometry: squareAround(lonEast(LON, LAT, 3000), LAT, 500), properties: { industrial_land_ha: 50, leased_ha: 10, wastewater: 'operating' } })).id;
    ids.far = (await insertCluster(db, { name: 'Cụm công nghiệp Đầy', geometry: squareAround(LON, LAT + 0.11, 500), properties: { industrial_land_ha: 50, leased_ha: 40, wastewater: 'operating' } })).id;
    const rLon = lonEast(LON, LAT, -6000);
    ids.rejected = (await insertCluster(db, { name: 'Cụm công nghiệp Sát Dân', geometry: squareAround(rLon, LAT, 500), properties: { industrial_land_ha: 50, leased_ha: 10, wastewater: 'operating' } })).id;
    await zoneEastOf(db, lonEast(rLon, LAT, 250), LAT, 900, { name: 'Thôn Sát', population: 700 });
    await zoneEastOf(db, LON + 0.05, LAT - 0.05, 200, { population: 1500 });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('runs a screening, shows the ranked list and the map markers, and re-ranks with the sliders', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors = trackErrors(page);
    await login(page, server.baseUrl, 'planner.laocai', '/screening');
    await page.waitForFunction(() => !!window.__map && window.__map.isStyleLoaded() && !!window.__map.getLayer('screening-candidates-circle'), null, { timeout: 45_000 });
    await page.getByTestId('facility-select').selectOption(ids.facility!);
    await page.getByTestId('run-screening').click();
    const table = page.getByTestId('candidates-table');
    await table.waitFor({ timeout: 20_000 });

    // default weights: near = 0.3·0.94 + 0.2·0.2 + 0.25 + 0.25·1 ≈ 0.822; far = 0.3·0.78 + 0.2·0.8 + 0.5 ≈ 0.894 → far first
    const names = () => table.locator('tbody tr td:nth-child(2)').allInnerTexts();
    expect(await names()).toEqual(['Cụm công nghiệp Đầy', 'Cụm công nghiệp Gần']);
    await expect.poll(() => page.getByTestId('rejected-table').innerText()).toContain('900 m');

    // map markers: two candidates coloured by rank, one grey rejected, the facility
    await expect.poll(async () => (await rendered(page, 'screening-candidates-circle')).length, { timeout: 15_000 }).toBe(2);
    const candidates = await rendered(page, 'screening-candidates-circle');
    expect(candidates.map((p) => [p.cluster_id, p.rank]).sort()).toEqual([[ids.far, 1], [ids.near, 2]].sort());
    expect((await rendered(page, 'screening-rejected-circle')).map((p) => p.cluster_id)).toEqual([ids.rejected]);
    expect((await rendered(page, 'screening-facilities-circle')).length).toBeGreaterThan(0);

    // hover the rejected marker: its reason
    const px = await page.evaluate(([lon, lat]) => {
      const p = window.__map!.project([lon, lat]);
      const r = window.__map!.getCanvas().getBoundingClientRect();
      return { x: r.left + p.x, y: r.top + p.y };
    }, [lonEast(LON, LAT, -6000), LAT] as [number, number]);
    const rejectedPoint = await page.evaluate(() => {
      const f = window.__map!.querySourceFeatures('screening-rejected')[0];
      return f ? (f.geometry as GeoJSON.Point).coordinates : null;
    });
    if (rejectedPoint) {
      const p2 = await page.evaluate(([lon, lat]) => {
        const p = window.__map!.project([lon, lat]);
        const r = window.__map!.getCanvas().getBoundingClientRect();
        return { x: r.left + p.x, y: r.top + p.y };
      }, rejectedPoint as [number, number]);
      await page.mouse.move(p2.x, p2.y);
    } else await page.mouse.move(px.x, px.y);
    await expect.poll(() => page.locator('.screening-popup').innerText(), { timeout: 10_000 }).toContain('isolation-distance');
    await page.screenshot({ path: shotPath('screening/ranked'), fullPage: true });

    // slide occupancy to 0 and distance to max: near must now lead, without a new request
    let posts = 0;
    page.on('request', (r) => {
      if (r.method() === 'POST') posts++;
    });
    await page.getByTestId('weight-occupancy').fill('0');
    await page.getByTestId('weight-distance-from-site').fill('1');
    await expect.poll(names).toEqual(['Cụm công nghiệp Gần', 'Cụm công nghiệp Đầy']);
    await expect.poll(async () => (await rendered(page, 'screening-candidates-circle')).find((p) => p.cluster_id === ids.near)?.rank).toBe(1);
    expect(posts).toBe(0);
    await expect.poll(() => page.getByTestId('explanation-table').innerText()).toContain('Tỷ lệ lấp đầy');
    await page.screenshot({ path: shotPath('screening/reranked'), fullPage: true });

    // among-homes layer and table
    await page.getByTestId('show-among-homes').click();
    await expect.poll(() => page.getByTestId('among-homes').innerText()).toContain('Lò gạch Trong Làng');
    await expect.poll(async () => (await rendered(page, 'screening-among-homes-circle')).length, { timeout: 10_000 }).toBeGreaterThan(0);
    await page.screenshot({ path: shotPath('screening/among-homes'), fullPage: true });
    await page.getByTestId('screening-result').screenshot({ path: shotPath('screening/result-tables') });
    await page.getByTestId('among-homes').screenshot({ path: shotPath('screening/among-homes-table') });
    expect(errors).toEqual([]);
    await page.close();
  });
});

import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server.ts';
import { TEST_DEMO_PASSWORD } from '../setup/template.ts';
import { insertCluster, squareAround } from '../support/fixtures.ts';
import { loadFixture } from '../reports/fixture.ts';
import { ensureClientBuilt, launchBrowser, trackErrors } from './browser.ts';

const SHOTS = '/tmp/shots/plans';
const STATUSES = ['planned', 'established', 'operating', 'operating', 'expanding'] as const;

/** More clusters around the country (not in the provinces the fixture asserts on) so the maps have something to show. */
async function spreadClusters(server: TestServer) {
  const provinces = await server.db.query<{ code: string; lon: number; lat: number }>(
    `SELECT code, ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat FROM provinces
     WHERE code NOT IN ('10', '15', '24', '27') ORDER BY code`,
  );
  let seed = 7;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  for (const [i, p] of provinces.rows.entries()) {
    const n = 1 + (i % 4);
    for (let k = 0; k < n; k++) {
      const year = 2010 + Math.floor(rand() * 15);
      const status = STATUSES[Math.floor(rand() * STATUSES.length)]!;
      const industrial = 20 + Math.round(rand() * 30);
      await insertCluster(server.db, {
        code: `${p.code}-B${k}`,
        province_code_2009: p.code,
        status,
        geometry: squareAround(p.lon + k * 0.01, p.lat, 400 + Math.round(rand() * 400)),
        at: `${year}-0${1 + Math.floor(rand() * 9)}-15T03:00:00Z`,
        properties: { planned_area_ha: 30 + industrial, industrial_land_ha: status === 'planned' ? null : industrial, leased_ha: status === 'planned' ? null : Math.round(industrial * rand()), wastewater: rand() > 0.5 ? 'operating' : 'none', plan_phase: ['to-2015', '2016-2020', 'vision-2025'][k % 3] },
      });
    }
  }
}

async function login(page: Page, baseUrl: string, username: string) {
  await page.goto(`${baseUrl}/login`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', TEST_DEMO_PASSWORD);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('button[type=submit]')]);
}

async function mapValues(page: Page): Promise<Record<string, string>> {
  return page.$$eval('[data-testid=choropleth] path', (paths) => Object.fromEntries(paths.map((p) => [p.getAttribute('data-code')!, p.getAttribute('data-value')!])));
}

async function waitSettled(page: Page, asOf?: string) {
  await page.waitForFunction(
    (want) => {
      const root = document.querySelector('.dashboard');
      return !!root && root.getAttribute('data-loading') === 'false' && (!want || root.getAttribute('data-as-of') === want) && document.querySelectorAll('[data-testid=choropleth] path').length > 0;
    },
    asOf ?? null,
    { timeout: 30_000, polling: 200 },
  );
}

async function setSlider(page: Page, step: number) {
  await page.evaluate((v) => {
    const el = document.querySelector<HTMLInputElement>('[data-testid=as-of-slider]')!;
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(el, String(v));
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, step);
}

describe('dashboard, plan and reports pages in a browser', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const [started] = await Promise.all([startTestServer(), ensureClientBuilt()]);
    server = started;
    await loadFixture(server.db);
    await spreadClusters(server);
    browser = await launchBrowser();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('renders the choropleth, the charts, and the as-of slider rebuilds the status', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors = trackErrors(page);
    await login(page, server.baseUrl, 'ministry');
    await page.goto(`${server.baseUrl}/dashboard`);
    await waitSettled(page);

    expect(await page.locator('[data-testid=choropleth] path').count()).toBe(63);
    const today = await mapValues(page);
    // the fixture: D (Bắc Ninh 27) was removed in 2024, F (Bắc Giang 24) operates since 2020
    expect(today['27']).toBe('0');
    expect(today['24']).toBe('1');
    const fills = await page.$$eval('[data-testid=choropleth] path', (ps) => new Set(ps.map((p) => p.getAttribute('fill'))).size);
    expect(fills).toBeGreaterThan(2);
    expect(await page.locator('.dash-legend li').count()).toBeGreaterThanOrEqual(3);
    expect(await page.locator('[data-testid=region-bars] g[data-key]').count()).toBe(6);
    const timeline = await page.$$eval('[data-testid=timeline] g[data-year]', (gs) => gs.map((g) => Number(g.getAttribute('data-value'))));
    expect(timeline).toHaveLength(17);
    expect(timeline[timeline.length - 1]).toBeGreaterThan(timeline[0]!);
    const kpiToday = await page.textContent('[data-measure=established_count] .dash-kpi__value');
    // issue 13: the national figures shown are the server's totals (GET /api/stats `national`), not the browser's
    const measures = ['established_count', 'occupancy_pct', 'fulfilment_pct', 'nonconforming_count'];
    const expected = await page.evaluate(async (ms) => {
      const national = (await (await fetch('/api/stats?by=province&era=2009')).json()).national;
      const f = new Intl.NumberFormat(document.documentElement.lang === 'en' ? 'en-GB' : 'vi-VN', { maximumFractionDigits: 1 });
      return ms.map((m) => (national[m] === null ? '–' : f.format(national[m])));
    }, measures);
    expect(expected.some((v) => v !== '–')).toBe(true);
    for (const [i, m] of measures.entries()) expect(await page.textContent(`[data-measure=${m}] .dash-kpi__value`), m).toBe(expected[i]);
    await page.screenshot({ path: `${SHOTS}/dashboard-today.png`, fullPage: true });

    // back to the end of 2021: D was operating then
    await setSlider(page, (2021 - 2009) * 12 + 11);
    await waitSettled(page, '2021-12-31');
    expect(await page.textContent('[data-testid=as-of-label]')).toBe('31/12/2021');
    const then = await mapValues(page);
    expect(then['27']).toBe('1');
    expect(then).not.toEqual(today);
    expect(await page.textContent('[data-measure=established_count] .dash-kpi__value')).not.toBe(kpiToday);
    const highlighted = await page.$$eval('[data-testid=timeline] .dash-chart__axis--active', (els) => els.map((e) => e.textContent));
    expect(highlighted).toEqual(['2021']);
    await page.screenshot({ path: `${SHOTS}/dashboard-2021.png`, fullPage: true });

    // the 34 provinces of 2025, and a regional choropleth of another measure
    await page.check('[data-testid=era-2025]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=choropleth] path').length === 34, null, { timeout: 20_000 });
    await waitSettled(page);
    await page.selectOption('[data-testid=measure]', 'occupancy_pct');
    await page.check('input[name=by][value=region]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=choropleth] path').length === 63, null, { timeout: 20_000 });
    await page.screenshot({ path: `${SHOTS}/dashboard-regions-occupancy.png`, fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('plan page: items on the map and in the table, established ones linked to their cluster', async () => {
    const planner = server.client();
    await planner.login('planner.laocai');
    const plan = await planner.post('/api/plans', { name: 'Quy hoạch phát triển CCN tỉnh Lào Cai đến năm 2020, tầm nhìn 2025', level: 'province', province_code: '10' });
    const csv = [
      'name,province_code,phase,area,lon,lat,cluster_code',
      'Cụm công nghiệp Alpha,10,2016-2020,70,103.95,22.40,10-FA',
      'Cụm công nghiệp Gamma,10,vision-2025,40,104.10,22.30,',
      'Cụm công nghiệp Bắc Ngầm,10,to-2015,35,104.25,22.25,',
      'Cụm công nghiệp Sa Pa,10,vision-2025,20,103.85,22.33,',
    ].join('\n');
    const imported = await planner.request('POST', `/api/plans/${plan.body.id}/items/import`, { raw: csv, headers: { 'content-type': 'text/csv' } });
    expect(imported.status, imported.text).toBe(201);
    const reviewer = server.client();
    await reviewer.login('reviewer.laocai');
    await reviewer.post(`/api/plans/${plan.body.id}/approve`, { decision_no: '2345/QĐ-UBND', decision_date: '2016-08-01', decision_authority: 'UBND tỉnh Lào Cai' });

    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors = trackErrors(page);
    await login(page, server.baseUrl, 'planner.laocai');
    await page.goto(`${server.baseUrl}/plan`);
    await page.waitForSelector('[data-testid=plan-items] tbody tr', { timeout: 45_000 }).catch(async (err) => {
      await page.screenshot({ path: `${SHOTS}/plan-failed.png`, fullPage: true });
      throw new Error(`${(err as Error).message}; page errors: ${errors.join(' | ')}`);
    });
    expect(await page.locator('[data-testid=plan-items] tr[data-kind=established]').count()).toBe(1);
    expect(await page.locator('[data-testid=plan-items] tr[data-kind=planned]').count()).toBe(3);
    expect(await page.getAttribute('[data-testid=plan-items] tr[data-kind=established] a', 'href')).toBe('/c/10-FA');
    // the planner may amend the approved plan of their province (the server's may_add_items): the CSV form is offered
    expect(await page.locator('form.plan-import').count()).toBe(1);
    await page.waitForFunction(() => !!window.__map?.getSource('plan-items') && window.__map.querySourceFeatures('plan-items').length > 0, null, { timeout: 30_000 });
    await page.waitForTimeout(500);
    await page.screenshot({ path: `${SHOTS}/plan.png`, fullPage: true });
    await page.check('[data-testid=phase-vision-2025]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=plan-items] tbody tr').length === 2, null, { timeout: 10_000 });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('reports page: period and province picker, preview and downloads', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
    const errors = trackErrors(page);
    await login(page, server.baseUrl, 'ministry');
    await page.goto(`${server.baseUrl}/reports`);
    await page.selectOption('[data-testid=period-kind]', 'half');
    await page.selectOption('[data-testid=period-year]', '2024');
    const frame = page.frameLocator('[data-testid=report-preview]');
    await frame.locator('svg.map').waitFor({ timeout: 30_000 });
    expect(await frame.locator('h1').textContent()).toMatch(/Báo cáo tình hình phát triển cụm công nghiệp/i);
    expect(await page.getAttribute('[data-testid=download-csv]', 'href')).toBe('/api/reports/periodic?period=2024-H1&format=csv');
    await page.screenshot({ path: `${SHOTS}/reports-national.png`, fullPage: true });
    await page.selectOption('[data-testid=report-province]', '10');
    await frame.locator('svg.map circle').first().waitFor({ timeout: 30_000 });
    expect(await page.getAttribute('[data-testid=download-xlsx]', 'href')).toBe('/api/reports/periodic?period=2024-H1&province=10&format=xlsx');
    await page.screenshot({ path: `${SHOTS}/reports-province.png`, fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});

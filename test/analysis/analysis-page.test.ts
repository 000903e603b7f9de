import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server.ts';
import { insertCluster } from '../support/fixtures.ts';
import { ensureClientBuilt, launchBrowser, trackErrors } from '../browser/browser.ts';
import { bounds, insertZone, metresToDLat, metresToDLon, rect } from './geo.ts';

const SHOTS = '/tmp/shots/analysis';

// a browser test of the UI; the API it calls is covered on both drivers by the other suites
describe('analysis page in a browser', () => {
  let server: TestServer;
  let browser: Browser;
  let code: string;

  beforeAll(async () => {
    const [started] = await Promise.all([startTestServer(), ensureClientBuilt()]);
    server = started;
    browser = await launchBrowser();
    mkdirSync(SHOTS, { recursive: true });
    const db = server.db;
    const g = rect(104.17, 22.06, 700, 600);
    const b = bounds(g);
    await insertZone(db, rect(b.east + metresToDLon(180, 22.06), 22.06 + metresToDLat(150, 22.06), 250, 200), 'sensitive', 'Trường tiểu học Khánh Yên');
    await insertZone(db, rect(b.west + metresToDLon(300, 22.06), b.north + metresToDLat(450, 22.06), 400, 300), 'urban', 'Thị trấn Khánh Yên');
    await insertZone(db, rect(b.west - metresToDLon(900, 22.06), b.south - metresToDLat(200, 22.06), 300, 300), 'craft-village', 'Làng nghề Mây tre');
    code = (await insertCluster(db, { geometry: g, name: 'Cụm công nghiệp Văn Bàn', district_code: '089', status: 'operating', properties: { hazard_class: 'II', wastewater: 'none', decision_date: '2019-03-01' } })).code;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows proximity and conformity of a cluster, coloured by the worst result, with its evidence on the map', async () => {
    const page = await browser.newPage({ viewport: { width: 1300, height: 850 } });
    const errors = trackErrors(page);
    await page.goto(`${server.baseUrl}/analysis?cluster=${encodeURIComponent(code)}`);
    const panel = page.locator('section.conformity[data-worst]').last();
    await expect.poll(() => panel.getAttribute('data-worst'), { timeout: 30_000 }).toBe('fail');
    await expect.poll(() => page.locator('[data-rule="isolation-distance"]').getAttribute('data-result'), { timeout: 10_000 }).toBe('fail');
    await expect.poll(() => page.locator('[data-rule="infrastructure"]').getAttribute('data-result')).toBe('fail');
    await expect.poll(() => page.getByTestId('proximity').textContent()).toMatch(/500 m/);
    // the violating school is outlined and a line drawn to it
    await expect
      .poll(() => page.evaluate(() => window.__map?.queryRenderedFeatures({ layers: ['analysis-proximity-lines'] }).length ?? 0), { timeout: 15_000 })
      .toBeGreaterThan(0);
    await page.waitForTimeout(800);
    await page.screenshot({ path: `${SHOTS}/analysis-cluster.png` });
    await page.locator('[data-rule="isolation-distance"] button').click();
    await page.waitForTimeout(1000);
    await page.screenshot({ path: `${SHOTS}/analysis-evidence.png` });
    // switching a kind off hides it
    await page.locator('input[data-kind="sensitive"]').uncheck();
    await page.waitForTimeout(500);
    const kinds = await page.evaluate(() => [...new Set((window.__map?.queryRenderedFeatures({ layers: ['analysis-residential-fill'] }) ?? []).map((f) => f.properties.kind))]);
    expect(kinds).not.toContain('sensitive');
    expect(kinds.length).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});

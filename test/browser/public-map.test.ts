import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { insertCluster, squareAround } from '../support/fixtures.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { contrastRatios, ensureClientBuilt, launchBrowser, SHOTS_DIR, trackErrors } from './browser.ts';

const NAME = 'Cụm công nghiệp Đồng Vàng';
const DRAFT_NAME = 'Cụm công nghiệp Đồng Vàng Mở Rộng (bản nháp)';
const QUERY = 'cum cong nghiep dong vang';

function shot(name: string): string {
  const dir = path.join(SHOTS_DIR, 'public');
  mkdirSync(dir, { recursive: true });
  return path.join(dir, `${name}.png`);
}

// The lead points `/` and `/c/:code` at this page at the end; until then the deep link lives at /public?c=.

async function waitForMap(page: Page): Promise<void> {
  await page.waitForSelector('.pm[data-map-ready="true"]', { timeout: 90_000 });
}

async function waitForCard(page: Page, code: string): Promise<void> {
  await page.waitForSelector(`.pm-card[data-cluster-code="${code}"]`, { timeout: 30_000 });
}

/** Codes of the cluster features the map has loaded from the vector tiles. */
async function tileClusterCodes(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const map = window.__map!;
    return map.querySourceFeatures('pm-clusters', { sourceLayer: 'clusters' }).map((f) => String(f.properties.code));
  });
}

// software WebGL on a busy CI box is slow: generous per-test budget
describe('public map in a browser', { timeout: 240_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let code: string;
  let draftCode: string;

  beforeAll(async () => {
    const [started] = await Promise.all([startTestServer(), ensureClientBuilt()]);
    server = started;
    ({ code } = await insertCluster(server.db, {
      name: NAME,
      province_code_2009: '10',
      status: 'operating',
      geometry: squareAround(104.0, 22.45, 800),
      properties: {
        investor: 'Công ty CP Hạ tầng Đồng Vàng',
        decision_no: '123/QĐ-UBND',
        decision_date: '2019-05-12',
        industrial_land_ha: 40,
        leased_ha: 22,
        occupancy_pct: 55,
        wastewater: 'operating',
      },
    }));
    ({ code: draftCode } = await insertCluster(server.db, {
      name: DRAFT_NAME,
      province_code_2009: '10',
      review_state: 'draft',
      geometry: squareAround(104.02, 22.45, 800),
    }));
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('finds the cluster without diacritics, opens its card, keeps the position in the URL (1440 px)', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors = trackErrors(page);
    await page.goto(`${server.baseUrl}/public`);
    await waitForMap(page);
    expect(await page.getAttribute('html', 'lang')).toBe('vi');

    await page.getByLabel('Tên cụm công nghiệp').fill(QUERY);
    const results = page.locator('.pm-result');
    await expect.poll(() => results.count(), { timeout: 20_000 }).toBe(1);
    expect(await results.first().innerText()).toContain(NAME);
    expect(await page.locator('.pm-search__results').innerText()).not.toContain(DRAFT_NAME);

    await results.first().click();
    await waitForCard(page, code);
    const card = page.locator('.pm-card');
    const text = await card.innerText();
    expect(text).toContain(NAME);
    expect(text).toContain('Lào Cai');
    expect(text).toContain('Đang hoạt động');
    expect(text).toContain('Công ty CP Hạ tầng Đồng Vàng');
    expect(text).toContain('123/QĐ-UBND');
    expect(text).toContain('55%');
    expect(text).toContain('Đã đi vào vận hành');
    expect(text).toMatch(/Diện tích\s+\d/);

    // the map flies there; the URL carries the card and the map position
    await page.waitForFunction(() => window.__map!.getZoom() > 11 && !window.__map!.isMoving(), null, { timeout: 30_000 });
    expect(new URL(page.url()).searchParams.get('c')).toBe(code);
    expect(new URL(page.url()).hash).toMatch(/^#\d+(\.\d+)?\/22\.4\d*\/10[34]\.\d+$/);

    // the vector tiles carry the published cluster and never the draft
    await expect.poll(() => tileClusterCodes(page), { timeout: 30_000 }).toContain(code);
    expect(await tileClusterCodes(page)).not.toContain(draftCode);

    await page.waitForTimeout(500);
    await page.screenshot({ path: shot('desktop-1440-card') });

    // WCAG AA: every text on the panel and the card at least 4.5:1
    const ratios = await contrastRatios(page, '.pm-tabs__tab, .pm-field__label, .pm-hint, .pm-result__name, .pm-result__meta, .pm-card__code, .pm-card__title, .pm-card dt, .pm-card dd, .pm-layers__toggle');
    expect(ratios.length).toBeGreaterThan(10);
    expect(ratios.filter((r) => r.ratio < 4.5)).toEqual([]);

    // English switch: same card, English labels
    await page.getByRole('button', { name: 'EN', exact: true }).click();
    await expect.poll(() => card.innerText()).toContain('Operating');
    expect(await card.innerText()).toContain('Infrastructure investor');
    await page.getByRole('button', { name: 'VI', exact: true }).click();

    // Escape closes the card and drops it from the URL
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('.pm-card').count()).toBe(0);
    expect(new URL(page.url()).searchParams.get('c')).toBeNull();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('opens a deep link at the linked position, and never a draft', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors = trackErrors(page);
    await page.goto(`${server.baseUrl}/public?c=${encodeURIComponent(code)}#13/22.45/104`);
    await waitForMap(page);
    await waitForCard(page, code);
    expect(await page.locator('.pm-card__title').innerText()).toBe(NAME);
    const view = await page.evaluate(() => ({ zoom: window.__map!.getZoom(), ...window.__map!.getCenter() }));
    expect(view.zoom).toBeCloseTo(13, 1);
    expect(view.lat).toBeCloseTo(22.45, 2);
    expect(view.lng).toBeCloseTo(104, 2);

    await page.goto(`${server.baseUrl}/public?c=${encodeURIComponent(draftCode)}`);
    await waitForMap(page);
    await expect.poll(() => page.locator('.pm-card [role="alert"]').innerText(), { timeout: 30_000 }).toContain(draftCode);
    expect(await page.locator('.pm-card').innerText()).not.toContain(DRAFT_NAME);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a newly approved cluster without a reload (layer version poll → refreshTiles, revalidated by ETag)', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors = trackErrors(page);
    await page.goto(`${server.baseUrl}/public#13/22.45/104.01`);
    await waitForMap(page);
    await expect.poll(() => tileClusterCodes(page), { timeout: 30_000 }).toContain(code);

    const { code: freshCode } = await insertCluster(server.db, {
      name: 'Cụm công nghiệp Làm Mới',
      province_code_2009: '10',
      geometry: squareAround(104.01, 22.455, 600),
    });
    // the page polls /tiles/versions.json every 30 s
    await expect.poll(() => tileClusterCodes(page), { timeout: 50_000, interval: 1_000 }).toContain(freshCode);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('opens /c/:code', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors = trackErrors(page);
    await page.goto(`${server.baseUrl}/c/${encodeURIComponent(code)}`);
    await waitForMap(page);
    await waitForCard(page, code);
    expect(await page.locator('.pm-card__title').innerText()).toBe(NAME);
    // no position in the link: the map flies to the cluster
    await page.waitForFunction(() => window.__map!.getZoom() > 11 && !window.__map!.isMoving(), null, { timeout: 30_000 });
    expect(new URL(page.url()).pathname).toBe(`/c/${code}`);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('works on a 375 px phone: search in the bottom sheet, the card as a sheet', async () => {
    const page = await browser.newPage({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
    const errors = trackErrors(page);
    await page.goto(`${server.baseUrl}/public`);
    await waitForMap(page);
    await page.screenshot({ path: shot('phone-375-home') });

    await page.getByRole('tab', { name: 'Tìm kiếm' }).click();
    const input = page.getByLabel('Tên cụm công nghiệp');
    await expect.poll(() => input.isVisible()).toBe(true);
    await input.fill(QUERY);
    await page.locator('.pm-result').first().click();
    await waitForCard(page, code);

    // the card spans the width at the bottom and does not overflow the screen
    const box = (await page.locator('.pm-card').boundingBox())!;
    expect(box.x).toBeLessThanOrEqual(1);
    expect(box.width).toBeGreaterThanOrEqual(370);
    expect(box.y + box.height).toBeLessThanOrEqual(741);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.waitForFunction(() => !window.__map!.isMoving(), null, { timeout: 30_000 });
    await page.waitForTimeout(500);
    await page.screenshot({ path: shot('phone-375-card') });
    expect(errors).toEqual([]);
    await page.close();
  });
});

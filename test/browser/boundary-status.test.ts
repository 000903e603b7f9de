/**
 * Provisional boundaries are drawn dashed and clusters without a boundary as a symbol (issue 17): the public
 * map's rendered features after `idle`, the editor's context layers, and the worklist page.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { insertCluster, squareAround } from '../support/fixtures.ts';
import { describeEachServer } from '../support/server.ts';
import { TEST_DEMO_PASSWORD } from '../setup/template.ts';
import { ensureClientBuilt, launchBrowser, SHOTS_DIR, trackErrors } from './browser.ts';

const CENTER: [number, number] = [104.05, 22.35];
const PROVISIONAL = 'Cụm công nghiệp Ranh Giới Tạm';
const DOT = 'Cụm công nghiệp Chỉ Có Điểm';
const SUBMITTED = 'Cụm công nghiệp Chờ Duyệt Ranh Tạm';

function shot(name: string): string {
  const dir = path.join(SHOTS_DIR, 'boundary');
  mkdirSync(dir, { recursive: true });
  return path.join(dir, `${name}.png`);
}

/** Resolves when the map has rendered everything it has to (tiles loaded, no transition): MapLibre's `idle`. */
async function idle(page: Page): Promise<void> {
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const map = window.__map!;
        if (map.loaded() && map.areTilesLoaded() && !map.isMoving()) resolve();
        else map.once('idle', () => resolve());
        map.triggerRepaint();
      }),
  );
}

/** Codes of the features MapLibre rendered in one style layer. */
async function rendered(page: Page, layer: string): Promise<string[]> {
  return page.evaluate((id) => {
    const map = window.__map!;
    if (!map.getLayer(id)) return [`missing layer ${id}`];
    return [...new Set(map.queryRenderedFeatures({ layers: [id] }).map((f) => String(f.properties.code ?? f.properties.id)))].sort();
  }, layer);
}

describeEachServer('provisional and point-only clusters in the browser', (t) => {
  let browser: Browser;
  let provisionalCode = '';
  let dotCode = '';
  let dotId = '';
  let surveyedCode = '';

  beforeAll(async () => {
    await ensureClientBuilt();
    const db = t.server.db;
    ({ code: provisionalCode } = await insertCluster(db, { name: PROVISIONAL, province_code_2009: '10', boundary_status: 'provisional', geometry: squareAround(CENTER[0] - 0.006, CENTER[1], 700) }));
    ({ code: surveyedCode } = await insertCluster(db, { name: 'Cụm công nghiệp Đã Đo Đạc', province_code_2009: '10', geometry: squareAround(CENTER[0] + 0.006, CENTER[1], 700) }));
    ({ code: dotCode, id: dotId } = await insertCluster(db, { name: DOT, province_code_2009: '10', status: 'planned', geometry: { type: 'Point', coordinates: [CENTER[0], CENTER[1] + 0.007] }, properties: { declared_area_ha: 30 } }));
    await insertCluster(db, { name: SUBMITTED, province_code_2009: '10', review_state: 'submitted', boundary_status: 'provisional', geometry: squareAround(CENTER[0], CENTER[1] - 0.012, 600) });
    browser = await launchBrowser();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('public map: the provisional boundary is rendered by the dashed layer only, the point as a symbol', { timeout: 240_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = trackErrors(page);
    await page.goto(`${t.server.baseUrl}/public#14/${CENTER[1]}/${CENTER[0]}`);
    await page.waitForSelector('.pm[data-map-ready="true"]', { timeout: 90_000 }).catch(async (err) => {
      throw new Error(`${(err as Error).message}\n${errors.join('\n')}\n${(await page.content()).slice(0, 3000)}`);
    });
    await idle(page);
    await expect.poll(async () => { await idle(page); return rendered(page, 'pm-clusters-line-provisional'); }, { timeout: 60_000 }).toEqual([provisionalCode]);
    // the dashed layer is dashed, the solid outline does not draw the provisional boundary
    const dash = await page.evaluate(() => window.__map!.getPaintProperty('pm-clusters-line-provisional', 'line-dasharray'));
    expect(Array.isArray(dash) && dash.length >= 2).toBe(true);
    expect(await page.evaluate(() => window.__map!.getPaintProperty('pm-clusters-line', 'line-dasharray'))).toBeUndefined();
    expect(await rendered(page, 'pm-clusters-line')).toEqual([surveyedCode]);
    // the cluster without a boundary: a ring symbol
    expect(await rendered(page, 'pm-clusters-point')).toEqual([dotCode]);
    // the legend says what the dashes and rings mean
    const legend = await page.locator('.pm-legend').first().innerText();
    expect(legend).toContain('Ranh giới tạm');
    expect(legend).toContain('Chưa có ranh giới');
    await page.screenshot({ path: shot(`public-provisional-dashed-${t.driver}`) });
    // a click on the symbol opens the cluster card
    const [x, y] = await page.evaluate((c) => { const p = window.__map!.project(c); return [p.x, p.y]; }, [CENTER[0], CENTER[1] + 0.007] as [number, number]);
    const box = (await page.locator('.pm canvas.maplibregl-canvas').boundingBox())!;
    await page.mouse.click(box.x + x, box.y + y);
    await page.waitForSelector(`.pm-card[data-cluster-code="${dotCode}"]`, { timeout: 30_000 });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('editor: other clusters drawn dashed and as symbols; the worklist lists the point cluster and opens it in the editor', { timeout: 240_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const errors = trackErrors(page);
    await page.goto(`${t.server.baseUrl}/login?next=${encodeURIComponent('/worklist/no-boundary')}`);
    await page.getByLabel('Tên đăng nhập').fill('planner.laocai');
    await page.getByLabel('Mật khẩu').fill(TEST_DEMO_PASSWORD);
    await page.getByRole('main').getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForSelector('[data-testid="worklist-table"]', { timeout: 30_000 });
    const row = page.locator(`tr[data-cluster-code="${dotCode}"]`);
    expect(await row.innerText()).toContain(DOT);
    expect(await row.innerText()).toContain('Chưa có ranh giới');
    expect(await page.locator('tbody tr').count()).toBe(1);
    await page.screenshot({ path: shot(`worklist-${t.driver}`) });
    await row.getByRole('link').click();
    await expect.poll(() => new URL(page.url()).searchParams.get('id'), { timeout: 15_000 }).toBe(dotId);
    await page.waitForFunction(() => !!window.__map?.getLayer('editor-location-circle'), null, { timeout: 60_000 });
    await page.evaluate((c) => window.__map!.jumpTo({ center: c, zoom: 14 }), CENTER);
    await expect.poll(async () => { await idle(page); return (await rendered(page, 'editor-location-circle')).length; }, { timeout: 30_000 }).toBe(1);
    // the other clusters of the province: the provisional one dashed
    await expect.poll(async () => { await idle(page); return page.evaluate(() => window.__map!.queryRenderedFeatures({ layers: ['editor-others-line-provisional'] }).map((f) => f.properties.name)); }, { timeout: 30_000 }).toContain(PROVISIONAL);
    await page.screenshot({ path: shot(`editor-point-cluster-${t.driver}`) });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('review: a submitted provisional boundary is drawn dashed on the review map', { timeout: 240_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    const errors = trackErrors(page);
    await page.goto(`${t.server.baseUrl}/login?next=${encodeURIComponent('/review')}`);
    await page.getByLabel('Tên đăng nhập').fill('reviewer.laocai');
    await page.getByLabel('Mật khẩu').fill(TEST_DEMO_PASSWORD);
    await page.getByRole('main').getByRole('button', { name: 'Đăng nhập' }).click();
    const queue = page.getByTestId('review-queue');
    await expect.poll(() => queue.innerText(), { timeout: 30_000 }).toContain(SUBMITTED);
    await queue.getByRole('button', { name: new RegExp(SUBMITTED) }).click();
    await page.getByTestId('review-detail').waitFor();
    await page.waitForFunction(() => !!window.__map?.getLayer('cluster-diff-new-provisional'), null, { timeout: 60_000 });
    await expect.poll(async () => { await idle(page); return page.evaluate(() => window.__map!.queryRenderedFeatures({ layers: ['cluster-diff-new-provisional'] }).length); }, { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await page.evaluate(() => window.__map!.queryRenderedFeatures({ layers: ['cluster-diff-new'] }).length)).toBe(0);
    await page.screenshot({ path: shot(`review-provisional-${t.driver}`) });
    expect(errors).toEqual([]);
    await context.close();
  });
});

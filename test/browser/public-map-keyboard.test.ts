import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { insertCluster, squareAround } from '../support/fixtures.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { contrastRatios, ensureClientBuilt, launchBrowser, trackErrors } from './browser.ts';

// Issue 7 (WCAG 2.1.1): clusters drawn on the public map can be picked without a mouse.

const SHOTS = process.env.KEYBOARD_SHOTS_DIR ?? '/tmp/shots-keyboard';
function shot(name: string): string {
  mkdirSync(SHOTS, { recursive: true });
  return path.join(SHOTS, `${name}.png`);
}

const NAMES = {
  a: 'Cụm công nghiệp An Bình',
  b: 'Cụm công nghiệp Bản Phiệt',
  d: 'Cụm công nghiệp Đồng Vàng',
  hidden: 'Cụm công nghiệp Dưới Bảng',
  draft: 'Cụm công nghiệp Nháp Gần Đây (bản nháp)',
};
// a zoom-13 tile border (x = 6463): the polygon comes back from two tiles and must be listed once
const TILE_BORDER_LON = (6463 * 360) / 8192 - 180;
const GRID = 33;
const LIST_CAP = 30;

async function waitForMap(page: Page): Promise<void> {
  await page.waitForSelector('.pm[data-map-ready="true"]', { timeout: 90_000 });
}

const listNames = (page: Page) => page.locator('.pm-inview__list .pm-inview__name').allInnerTexts();
const announced = (page: Page) => page.locator('[data-testid="pm-inview-announcer"]').innerText();

/** What has the focus, for assertions and for a readable failure. */
async function focused(page: Page): Promise<{ tag: string; cls: string; code: string | null; label: string | null; text: string }> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return {
      tag: el?.tagName.toLowerCase() ?? '',
      cls: el?.className && typeof el.className === 'string' ? el.className : '',
      code: el?.getAttribute('data-inview-code') ?? null,
      label: el?.getAttribute('aria-label') ?? null,
      text: (el?.innerText ?? '').slice(0, 60),
    };
  });
}

/** Presses Tab (only the keyboard) until the focused element matches `selector`; fails with the path taken. */
async function tabTo(page: Page, selector: string, max = 80): Promise<void> {
  const path: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    const f = await focused(page);
    path.push(`${f.tag}.${f.cls.split(' ')[0]}${f.label ? `[${f.label}]` : ''}${f.text ? ` "${f.text.replace(/\s+/g, ' ')}"` : ''}`);
  }
  throw new Error(`Tab never reached ${selector}; focus went: ${path.join(' → ')}`);
}

/** Esc closes the card: the URL is back to / and the focus is back on the list entry of the cluster. */
async function closeWithEscape(page: Page, code: string): Promise<void> {
  await page.keyboard.press('Escape');
  await expect.poll(() => page.locator('.pm-card').count()).toBe(0);
  expect(new URL(page.url()).pathname).toBe('/');
  expect(await focused(page)).toMatchObject({ tag: 'button', code });
}

describe('public map with the keyboard only', { timeout: 240_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  const codes: Record<keyof typeof NAMES, string> = { a: '', b: '', d: '', hidden: '', draft: '' };

  beforeAll(async () => {
    const [started] = await Promise.all([startTestServer(), ensureClientBuilt()]);
    server = started;
    const add = async (key: keyof typeof NAMES, lon: number, lat: number, extra: { review_state?: 'draft' } = {}) => {
      ({ code: codes[key] } = await insertCluster(server.db, { name: NAMES[key], province_code_2009: '10', geometry: squareAround(lon, lat, 800), ...extra }));
    };
    await add('d', 104.0, 22.45);
    await add('b', TILE_BORDER_LON, 22.455);
    await add('a', 103.99, 22.44);
    // under the side panel at 1440 px: drawn, but not in view
    await add('hidden', 103.955, 22.45);
    await add('draft', 104.01, 22.445, { review_state: 'draft' });
    // more clusters than the list shows, around Bắc Ninh
    for (let i = 0; i < GRID; i++) {
      await insertCluster(server.db, {
        name: `Cụm công nghiệp Lưới ${String(i + 1).padStart(2, '0')}`,
        province_code_2009: '27',
        geometry: squareAround(106.045 + (i % 6) * 0.01, 21.155 + Math.floor(i / 6) * 0.008, 300),
      });
    }
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('pans with the keys, reaches the list, opens a card from it and comes back with Esc (1440 px)', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors = trackErrors(page);
    await page.goto(`${server.baseUrl}/#13/22.45/104.005`);
    await waitForMap(page);

    // sorted by name, one entry per cluster, nothing hidden under the panel, never a draft
    await expect.poll(() => listNames(page), { timeout: 30_000 }).toEqual([NAMES.a, NAMES.b, NAMES.d]);
    await expect.poll(() => announced(page), { timeout: 10_000 }).toBe('3 cụm công nghiệp trong khung nhìn');
    expect(await page.locator('.pm-inview__heading').innerText()).toContain('Cụm công nghiệp trong khung nhìn');

    // the canvas is a named, focusable region that pans with the arrow keys
    await tabTo(page, 'canvas.maplibregl-canvas');
    const canvas = page.locator('canvas.maplibregl-canvas');
    expect(await canvas.getAttribute('aria-label')).toBe('Bản đồ cụm công nghiệp');
    const hintId = (await canvas.getAttribute('aria-describedby'))!;
    expect(await page.locator(`[id="${hintId}"]`).innerText()).toContain('phím mũi tên');
    const before = await page.evaluate(() => window.__map!.getCenter().lat);
    await page.keyboard.press('ArrowUp');
    await page.waitForFunction((lat) => window.__map!.getCenter().lat > lat + 0.002 && !window.__map!.isMoving(), before, { timeout: 10_000 });
    await expect.poll(() => new URL(page.url()).hash, { timeout: 5_000 }).not.toMatch(/^#13\/22\.45\//);
    await page.waitForTimeout(300);
    await page.screenshot({ path: shot('desktop-1440-canvas-focus') });

    // on to the list, then Enter on a cluster
    await tabTo(page, `.pm-inview__list [data-inview-code="${codes.b}"]`);
    await page.screenshot({ path: shot('desktop-1440-list-focus') });
    await page.keyboard.press('Enter');
    await page.waitForSelector(`.pm-card[data-cluster-code="${codes.b}"]`, { timeout: 30_000 });
    await expect.poll(async () => (await focused(page)).cls, { timeout: 10_000 }).toContain('pm-card__title');
    expect(await page.locator('.pm-card__title').innerText()).toBe(NAMES.b);
    expect(new URL(page.url()).pathname).toBe(`/c/${codes.b}`);
    // the map flies there, as the card's zoom does
    await page.waitForFunction(() => window.__map!.getZoom() > 12 && !window.__map!.isMoving(), null, { timeout: 30_000 });
    const center = await page.evaluate(() => window.__map!.getCenter());
    expect(center.lat).toBeCloseTo(22.455, 1);
    expect(await page.locator(`.pm-inview__list [data-inview-code="${codes.b}"]`).getAttribute('aria-current')).toBe('true');
    await page.waitForTimeout(500);
    await page.screenshot({ path: shot('desktop-1440-card-from-list') });

    // Esc closes the card and puts the focus back on the entry
    await closeWithEscape(page, codes.b);

    // its close button too
    await page.keyboard.press('Enter');
    await page.waitForSelector(`.pm-card[data-cluster-code="${codes.b}"]`, { timeout: 30_000 });
    await expect.poll(async () => (await focused(page)).cls, { timeout: 10_000 }).toContain('pm-card__title');
    await page.keyboard.press('Tab');
    expect((await focused(page)).label).toBe('Đóng');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.pm-card').count()).toBe(0);
    expect(await focused(page)).toMatchObject({ tag: 'button', code: codes.b });

    // WCAG AA on everything the list draws
    const ratios = await contrastRatios(page, '.pm-inview__title, .pm-inview__count, .pm-inview__chevron, .pm-inview__name, .pm-inview__meta, .pm-inview .pm-hint');
    expect(ratios.length).toBeGreaterThanOrEqual(4);
    expect(ratios.filter((r) => r.ratio < 4.5)).toEqual([]);

    // more clusters than the cap: the first ones by name and a "zoom in" note
    await page.evaluate(() => {
      window.location.hash = '#13/21.175/106.054';
    });
    await expect.poll(() => listNames(page), { timeout: 30_000 }).toHaveLength(LIST_CAP);
    expect((await listNames(page))[0]).toBe('Cụm công nghiệp Lưới 01');
    expect(await page.locator('.pm-inview__more').innerText()).toBe(`Còn ${GRID - LIST_CAP} cụm nữa — hãy phóng to để xem.`);
    expect(await page.locator('.pm-inview__count').innerText()).toBe(String(GRID));
    await expect.poll(() => announced(page), { timeout: 10_000 }).toBe(`${GRID} cụm công nghiệp trong khung nhìn`);
    await page.waitForTimeout(300);
    await page.screenshot({ path: shot('desktop-1440-list-capped') });

    // English
    await page.getByRole('button', { name: 'EN', exact: true }).click();
    await expect.poll(() => page.locator('.pm-inview__heading').innerText()).toContain('Clusters in view');
    expect(await page.locator('.pm-inview__more').innerText()).toBe(`${GRID - LIST_CAP} more — zoom in to see them.`);
    await expect.poll(() => announced(page), { timeout: 10_000 }).toBe(`${GRID} clusters in view`);
    expect(await canvas.getAttribute('aria-label')).toBe('Industrial clusters map');

    // the clusters layer switched off: the list says so
    await page.getByRole('button', { name: 'Layers and legend' }).click();
    await page.getByRole('checkbox', { name: 'Industrial clusters' }).uncheck();
    await expect.poll(() => page.locator('.pm-inview__body').innerText()).toContain('The clusters layer is off');
    expect(await page.locator('.pm-inview__list').count()).toBe(0);
    await page.screenshot({ path: shot('desktop-1440-layer-off-en') });
    await page.getByRole('button', { name: 'VI', exact: true }).click();

    expect(errors).toEqual([]);
    await page.close();
  });

  it('works on a 375 px phone: open the sheet, unfold the list, pick, come back', async () => {
    const page = await browser.newPage({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
    const errors = trackErrors(page);
    await page.goto(`${server.baseUrl}/#13/22.45/104`);
    await waitForMap(page);
    await page.waitForTimeout(300);
    await page.screenshot({ path: shot('phone-375-home') });

    // the sheet and the list are folded: the map stays visible
    await tabTo(page, '.pm-panel__handle');
    expect(await page.locator('.pm-panel__handle').getAttribute('aria-expanded')).toBe('false');
    await page.keyboard.press('Enter');
    await tabTo(page, '.pm-inview__toggle');
    expect(await page.locator('.pm-inview__toggle').getAttribute('aria-expanded')).toBe('false');
    await page.keyboard.press('Enter');
    await expect.poll(() => listNames(page), { timeout: 30_000 }).toContain(NAMES.d);
    expect(await listNames(page)).not.toContain(NAMES.draft);
    await page.screenshot({ path: shot('phone-375-list-open') });
    // the open sheet leaves the top of the map free
    const sheet = (await page.locator('.pm-panel').boundingBox())!;
    expect(sheet.y).toBeGreaterThan(740 * 0.3);

    await tabTo(page, `.pm-inview__list [data-inview-code="${codes.d}"]`);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`.pm-card[data-cluster-code="${codes.d}"]`, { timeout: 30_000 });
    await expect.poll(async () => (await focused(page)).cls, { timeout: 10_000 }).toContain('pm-card__title');
    expect(await page.locator('.pm-card__title').innerText()).toBe(NAMES.d);
    expect(new URL(page.url()).pathname).toBe(`/c/${codes.d}`);
    await page.waitForFunction(() => !window.__map!.isMoving(), null, { timeout: 30_000 });
    await page.waitForTimeout(500);
    await page.screenshot({ path: shot('phone-375-card-from-list') });

    await closeWithEscape(page, codes.d);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.waitForTimeout(300);
    await page.screenshot({ path: shot('phone-375-focus-back') });
    expect(errors).toEqual([]);
    await page.close();
  });
});

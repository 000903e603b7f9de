import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server.ts';
import { TEST_DEMO_PASSWORD } from '../setup/template.ts';
import { ensureClientBuilt, launchBrowser, shotPath, trackErrors } from './browser.ts';

const HANOI = { lng: 105.85, lat: 21.03 };
const FILL = 'public-province-fill';

/** Waits until the map has loaded and the province layer has drawn features. */
async function waitForProvinces(page: Page): Promise<number> {
  try {
    await page.waitForFunction(
      (layer) => {
        const map = window.__map;
        return !!map && !!map.getLayer(layer) && map.queryRenderedFeatures({ layers: [layer] }).length > 0;
      },
      FILL,
      { timeout: 60_000, polling: 250 },
    );
  } catch (err) {
    // say what state the map was in, rather than just "timeout"
    const state = await page.evaluate((layer) => {
      const map = window.__map;
      if (!map) return { map: false, ready: document.querySelector('.public-map')?.getAttribute('data-map-ready') };
      return {
        styleLoaded: map.isStyleLoaded(),
        layer: !!map.getLayer(layer),
        sourceLoaded: map.getSource('public-provinces') ? map.isSourceLoaded('public-provinces') : 'missing',
        sourceFeatures: map.querySourceFeatures('public-provinces').length,
        ready: document.querySelector('.public-map')?.getAttribute('data-map-ready'),
      };
    }, FILL);
    throw new Error(`provinces not rendered: ${JSON.stringify(state)} (${(err as Error).message})`, { cause: err });
  }
  return page.evaluate((layer) => window.__map!.queryRenderedFeatures({ layers: [layer] }).length, FILL);
}

async function clickLngLat(page: Page, lngLat: { lng: number; lat: number }): Promise<void> {
  const point = await page.evaluate((ll) => {
    const p = window.__map!.project([ll.lng, ll.lat]);
    const rect = window.__map!.getCanvas().getBoundingClientRect();
    return { x: rect.left + p.x, y: rect.top + p.y };
  }, lngLat);
  await page.mouse.click(point.x, point.y);
}

// software WebGL on a busy CI box is slow: generous per-test budget
describe('foundation: public map in a browser', { timeout: 180_000 }, () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    const [started] = await Promise.all([startTestServer(), ensureClientBuilt()]);
    server = started;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('renders the provinces, labels in Vietnamese, and opens Hà Nội on click (desktop)', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = trackErrors(page);
    await page.goto(`${server.baseUrl}/provinces?era=2009`); // the 63-province facts: region, VN-2000 zone
    expect(await page.getAttribute('html', 'lang')).toBe('vi');

    expect(await waitForProvinces(page)).toBeGreaterThan(0);
    // the offline style: no glyphs URL, names drawn locally
    const style = await page.evaluate(() => ({ glyphs: window.__map!.getStyle().glyphs ?? null }));
    expect(style.glyphs).toBeNull();
    await page.waitForFunction(() => window.__map!.queryRenderedFeatures({ layers: ['basemap-province-label'] }).length > 0, null, { timeout: 20_000 });
    const labels = await page.evaluate(() =>
      window.__map!.queryRenderedFeatures({ layers: ['basemap-province-label'] }).map((f) => String(f.properties.short_name)),
    );
    expect(labels).toContain('Hà Nội');
    await expect.poll(() => page.locator('.maplibregl-ctrl-attrib').innerText()).toContain('Open Development Vietnam');

    // hover highlight
    const hanoiPx = await page.evaluate((ll) => {
      const p = window.__map!.project([ll.lng, ll.lat]);
      const rect = window.__map!.getCanvas().getBoundingClientRect();
      return { x: rect.left + p.x, y: rect.top + p.y };
    }, HANOI);
    await page.mouse.move(hanoiPx.x, hanoiPx.y);
    await expect.poll(() => page.evaluate(() => window.__map!.getFeatureState({ source: 'public-provinces', id: '01' }).hover)).toBe(true);

    await clickLngLat(page, HANOI);
    const panel = page.getByTestId('province-panel');
    await panel.waitFor({ state: 'visible', timeout: 10_000 });
    await expect.poll(() => panel.locator('h2').innerText(), { timeout: 10_000 }).toContain('Hà Nội');
    await expect.poll(() => panel.innerText(), { timeout: 10_000 }).toContain('Đồng bằng sông Hồng');
    const text = await panel.innerText();
    expect(text).toMatch(/EPSG:\d{4}/);
    expect(text).toContain('km²');
    // the selection is shown on the map
    const selected = await page.evaluate(() => window.__map!.getFeatureState({ source: 'public-provinces', id: '01' }));
    expect(selected.selected).toBe(true);
    await page.waitForTimeout(300);
    await page.screenshot({ path: shotPath('foundation-desktop-hanoi') });

    // Escape closes the panel
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached', timeout: 5_000 });

    // English switch, persisted
    await page.getByRole('button', { name: 'EN', exact: true }).click();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await expect.poll(() => page.locator('.legend').innerText()).toContain('Red River Delta');
    await page.screenshot({ path: shotPath('foundation-desktop-en') });
    await page.reload();
    expect(await waitForProvinces(page)).toBeGreaterThan(0);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.getByRole('button', { name: 'VI', exact: true }).click();

    expect(errors).toEqual([]);
    await page.close();
  });

  it('switches to the 34-province division and shows what a province was merged from', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = trackErrors(page);
    await page.goto(`${server.baseUrl}/provinces?era=2025`);
    await waitForProvinces(page);
    await expect
      .poll(() => page.evaluate(() => new Set(window.__map!.querySourceFeatures('public-provinces').map((f) => f.properties.code)).size), { timeout: 15_000 })
      .toBe(34);
    // Hưng Yên (33) absorbed Thái Bình (34) in 2025
    await page.getByRole('combobox').selectOption('33');
    const panel = page.getByTestId('province-panel');
    await expect.poll(() => panel.innerText(), { timeout: 10_000 }).toContain('Thái Bình');
    await page.waitForTimeout(300);
    await page.screenshot({ path: shotPath('foundation-desktop-2025') });

    // back to 2009 through the era switch
    await page.getByRole('radio', { name: /63 tỉnh/ }).check();
    await expect.poll(() => page.url()).not.toContain('era=2025');
    await expect
      .poll(() => page.evaluate(() => new Set(window.__map!.querySourceFeatures('public-provinces').map((f) => f.properties.code)).size), { timeout: 15_000 })
      .toBe(63);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('works on a 375 px phone: the panel becomes a bottom sheet', async () => {
    const page = await browser.newPage({ viewport: { width: 375, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const errors = trackErrors(page);
    await page.goto(`${server.baseUrl}/provinces`);
    expect(await waitForProvinces(page)).toBeGreaterThan(0);
    await page.waitForTimeout(500);
    await page.screenshot({ path: shotPath('foundation-phone-map') });

    const hanoi = await page.evaluate((ll) => window.__map!.project([ll.lng, ll.lat]), HANOI);
    const rect = await page.evaluate(() => window.__map!.getCanvas().getBoundingClientRect().toJSON());
    await page.touchscreen.tap(rect.left + hanoi.x, rect.top + hanoi.y);
    const panel = page.getByTestId('province-panel');
    await expect.poll(() => panel.locator('h2').innerText(), { timeout: 10_000 }).toContain('Hà Nội');
    const box = (await panel.boundingBox())!;
    expect(box.width).toBeGreaterThanOrEqual(370);
    expect(Math.round(box.y + box.height)).toBe(740);
    // nothing overflows the viewport sideways
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.waitForTimeout(300);
    await page.screenshot({ path: shotPath('foundation-phone-panel') });

    await page.getByRole('button', { name: 'Đóng' }).click();
    await panel.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.screenshot({ path: shotPath('foundation-phone-menu') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the home page (public planning map) draws the provinces and opens a province on click', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = trackErrors(page);
    await page.goto(`${server.baseUrl}/`);
    await page.waitForFunction(
      () => {
        const map = window.__map;
        return !!map && !!map.getLayer('pm-regions-fill') && map.queryRenderedFeatures({ layers: ['pm-regions-fill'] }).length > 0;
      },
      null,
      { timeout: 60_000, polling: 250 },
    );
    const codes = await page.evaluate(() => new Set(window.__map!.queryRenderedFeatures({ layers: ['pm-regions-fill'] }).map((f) => f.properties.code)).size);
    expect(codes).toBeGreaterThan(30);
    await clickLngLat(page, HANOI);
    const panel = page.getByTestId('province-panel');
    await expect.poll(() => panel.locator('h2').innerText(), { timeout: 10_000 }).toContain('Hà Nội');
    await page.waitForTimeout(300);
    await page.screenshot({ path: shotPath('foundation-home-province') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('signs in from the login page, shows the user and role, and signs out (CSRF header on logout)', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = trackErrors(page);
    await page.goto(`${server.baseUrl}/admin/users`);
    await page.getByText('Bạn cần đăng nhập để xem trang này.').waitFor();
    await page.getByRole('main').getByRole('link', { name: 'Đăng nhập' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/login');
    await page.getByLabel('Tên đăng nhập').fill('admin');
    await page.getByLabel('Mật khẩu').fill('wrong-password');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByRole('alert').getByText('Tên đăng nhập hoặc mật khẩu không đúng.').waitFor();
    await page.screenshot({ path: shotPath('foundation-login-error') });
    await page.getByLabel('Mật khẩu').fill(TEST_DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();

    // back where the user was going, now allowed
    await expect.poll(() => new URL(page.url()).pathname).toBe('/admin/users');
    const header = page.locator('.app-header');
    // with many links the nav may be folded into the menu button
    const openMenuIfFolded = async () => {
      const menu = page.getByRole('button', { name: 'Menu' });
      if ((await menu.isVisible()) && (await menu.getAttribute('aria-expanded')) !== 'true') await menu.click();
    };
    await page.getByText('Quản trị hệ thống').or(page.getByRole('button', { name: 'Menu' })).first().waitFor();
    await openMenuIfFolded();
    await expect.poll(() => header.innerText()).toContain('Quản trị hệ thống');
    expect(await header.innerText()).toContain('Quản trị');
    await expect.poll(() => page.getByRole('navigation').innerText()).toContain('Người dùng');
    // the page itself belongs to another suite; here only the guard must have let the admin in
    await expect.poll(() => page.getByRole('main').innerText()).not.toContain('Bạn cần đăng nhập');
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: shotPath('foundation-admin-signed-in') });

    // however many links a role has, none is cut off: they fit, or fold into the menu button
    const navFits = () =>
      page.evaluate(() => {
        const nav = document.querySelector<HTMLElement>('.app-nav')!;
        const folded = document.querySelector('.app-header')!.classList.contains('app-header--compact');
        return folded || nav.scrollWidth <= nav.clientWidth;
      });
    expect(await navFits()).toBe(true);
    await page.setViewportSize({ width: 900, height: 800 });
    await expect.poll(() => page.getByRole('button', { name: 'Menu' }).isVisible()).toBe(true);
    await openMenuIfFolded();
    await page.screenshot({ path: shotPath('foundation-admin-menu-900') });
    await page.setViewportSize({ width: 1600, height: 800 });
    await expect.poll(navFits).toBe(true);
    // wide enough for every admin link: unfolded again
    await expect.poll(() => page.getByRole('button', { name: 'Menu' }).isVisible()).toBe(false);
    await page.screenshot({ path: shotPath('foundation-admin-1600'), clip: { x: 0, y: 0, width: 1600, height: 60 } });
    await page.setViewportSize({ width: 1280, height: 800 });

    await openMenuIfFolded();
    const logout = page.waitForResponse((r) => r.url().endsWith('/api/auth/logout'));
    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    const response = await logout;
    expect(response.status()).toBe(204);
    expect(await response.request().headerValue('x-csrf-token')).toBeTruthy();
    await expect.poll(() => header.innerText()).not.toContain('Quản trị hệ thống');
    expect(errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
    await page.close();
  });
});

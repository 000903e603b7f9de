import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server.ts';
import { TEST_DEMO_PASSWORD } from '../setup/template.ts';
import { squareAround } from '../support/fixtures.ts';
import { ensureClientBuilt, launchBrowser, trackErrors } from './browser.ts';
import { kml, withDuplicateVertex } from '../exchange/helpers.ts';

const SHOTS = process.env.SHOTS_DIR ? path.join(process.env.SHOTS_DIR, 'exchange') : '/tmp/shots/exchange';
const shot = (name: string) => {
  mkdirSync(SHOTS, { recursive: true });
  return path.join(SHOTS, `${name}.png`);
};

describe('import wizard in the browser (KML upload → check → commit)', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    await ensureClientBuilt();
    server = await startTestServer();
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'vi-VN' })).newPage();
    errors = trackErrors(page);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('uploads a KML, shows settings, mapping, issues with zoom, the map preview, and commits', async () => {
    await page.goto(`${server.baseUrl}/login?next=${encodeURIComponent('/imports')}`);
    await page.getByLabel('Tên đăng nhập').fill('planner.laocai');
    await page.getByLabel('Mật khẩu').fill(TEST_DEMO_PASSWORD);
    await page.getByRole('main').getByRole('button', { name: 'Đăng nhập' }).click();
    await expect.poll(() => new URL(page.url()).pathname, { timeout: 15_000 }).toBe('/imports');

    const a = squareAround(104.15, 22.36, 400);
    const b = squareAround(104.17, 22.36, 300);
    const file = path.join(tmpdir(), `wizard-${Date.now()}.kml`);
    writeFileSync(file, kml([
      { name: 'CCN Bắc Lệnh', data: { ten: 'Cụm công nghiệp Bắc Lệnh', dien_tich: '16', tinh_trang: 'Đang hoạt động' }, ring: withDuplicateVertex(a) },
      { name: 'CCN Đông Phố Mới', data: { ten: 'Cụm công nghiệp Đông Phố Mới', dien_tich: '12' }, ring: b.coordinates[0]! },
    ]));
    await page.getByRole('heading', { name: '1. Tải tệp lên' }).waitFor();
    await page.screenshot({ path: shot('01-upload') });
    await page.locator('input[type=file]').setInputFiles(file);
    await page.getByRole('button', { name: 'Tải lên và kiểm tra' }).click();

    await page.getByRole('heading', { name: '2. Thông số nhận diện' }).waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('import-format').textContent()).toBe('kml');
    expect(await page.getByTestId('import-crs').textContent()).toContain('EPSG:4326');
    expect(await page.getByTestId('import-count').textContent()).toBe('2');
    // mapping suggested from the Vietnamese field names
    expect(await page.getByLabel('ten', { exact: true }).inputValue()).toBe('name');
    expect(await page.getByLabel('dien_tich', { exact: true }).inputValue()).toBe('planned_area_ha');
    // issues: duplicate vertices and an area mismatch; filter by severity
    await page.getByText('duplicate-vertices').first().waitFor();
    await page.locator('.imports__filter--warning').click();
    expect(await page.locator('.imports__issue--info').count()).toBe(0);
    expect(await page.locator('.imports__issue--warning').count()).toBeGreaterThanOrEqual(2);
    // the preview is on the map; clicking an issue zooms to its feature
    await page.waitForFunction(() => !!window.__map?.getSource('import-preview'), null, { timeout: 20_000 });
    const before = await page.evaluate(() => window.__map!.getZoom());
    await page.locator('.imports__issue--warning button', { hasText: 'area-mismatch' }).click();
    await expect.poll(() => page.evaluate(() => window.__map!.getZoom()), { timeout: 5_000 }).not.toBe(before);
    const center = await page.evaluate(() => window.__map!.getCenter().toArray());
    expect(center[0]).toBeCloseTo(104.17, 2);
    await page.waitForTimeout(800);
    await page.screenshot({ path: shot('02-checked') });

    await page.getByRole('button', { name: /^Ghi 2 đối tượng/ }).click();
    await expect.poll(() => page.getByTestId('import-result').textContent(), { timeout: 15_000 }).toContain('tạo mới 2');
    await page.screenshot({ path: shot('03-committed') });
    const n = await server.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM clusters WHERE source = 'import'`);
    expect(n.rows[0]!.n).toBe(2);
    expect(errors).toEqual([]);
  }, 120_000);
});

/**
 * The planner of 2025 unit 15 (Lào Cai = old 10 Lào Cai + old 15 Yên Bái) sees a cluster of old Yên Bái in the
 * editor, edits it, and its 2025 commune shows in the attributes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server.ts';
import { TEST_DEMO_PASSWORD } from '../setup/template.ts';
import { insertCluster, squareAround } from '../support/fixtures.ts';
import { ensureClientBuilt, launchBrowser, trackErrors } from './browser.ts';

const SHOT = '/tmp/issue14-editor-yenbai.png';
const NAME = 'Cụm công nghiệp Văn Tiến Yên Bái';

async function login(page: Page, baseUrl: string, username: string, next: string) {
  await page.goto(`${baseUrl}/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill(TEST_DEMO_PASSWORD);
  await page.getByRole('main').getByRole('button', { name: 'Đăng nhập' }).click();
  await expect.poll(() => new URL(page.url()).pathname, { timeout: 15_000 }).toBe(next);
}

describe('2025 division in the editor: planner of unit 15 edits an old-Yên Bái cluster', () => {
  let server: TestServer;
  let browser: Browser;
  let id = '';
  let code = '';
  let communes: string[] = [];

  beforeAll(async () => {
    const [started] = await Promise.all([startTestServer(), ensureClientBuilt()]);
    server = started;
    browser = await launchBrowser();
    // a published cluster near Yên Bái city: old province 15 (Yên Bái), 2025 unit 15 (Lào Cai)
    ({ id, code } = await insertCluster(server.db, { name: NAME, province_code_2009: '15', status: 'operating', geometry: squareAround(104.87, 21.72, 500) }));
    const row = await server.db.query<{ province_code: string; province_code_2009: string; commune_codes: string[] }>(
      `SELECT c.province_code, c.province_code_2009, v.commune_codes FROM clusters c JOIN cluster_versions v ON v.cluster_id = c.id WHERE c.id = $1`,
      [id],
    );
    expect(row.rows[0]).toMatchObject({ province_code: '15', province_code_2009: '15' });
    communes = row.rows[0]!.commune_codes;
    expect(communes.length).toBeGreaterThan(0);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('lists the cluster for the planner of 15, shows its commune, and saves an edit', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors = trackErrors(page);
    await login(page, server.baseUrl, 'planner.laocai', '/editor');
    const picker = page.locator('select[name="cluster"]');
    await expect.poll(() => picker.locator('option').allInnerTexts(), { timeout: 30_000 }).toContainEqual(`${code} · ${NAME}`);
    await picker.selectOption(id);

    const facts = page.getByTestId('division-facts');
    await expect.poll(() => facts.innerText(), { timeout: 20_000 }).toContain('Lào Cai');
    await expect.poll(() => page.getByTestId('division-old').innerText(), { timeout: 20_000 }).toContain('Yên Bái');
    const communeList = page.getByTestId('division-communes');
    await expect.poll(() => communeList.locator(`[data-commune-code="${communes[0]}"]`).count(), { timeout: 20_000 }).toBe(1);
    // the commune is shown by name (looked up in unit 15's list), not only by code
    const names = await server.db.query<{ name: string }>('SELECT name FROM communes_2025 WHERE code = $1', [communes[0]]);
    await expect.poll(() => communeList.innerText(), { timeout: 20_000 }).toContain(names.rows[0]!.name);

    // edit: the planner of unit 15 may save over the old-Yên Bái cluster
    await page.locator('input[name="tenants"]').fill('7');
    const saved = page.waitForResponse((r) => r.url().endsWith(`/api/clusters/${id}`) && r.request().method() === 'PUT');
    await page.getByRole('button', { name: 'Lưu bản nháp' }).click();
    const res = await saved;
    expect(res.status(), await res.text()).toBe(200);
    await expect.poll(() => page.getByTestId('editor-notice').innerText(), { timeout: 20_000 }).toContain('Đã lưu phiên bản 2');
    const body = await res.json();
    expect(body.properties).toMatchObject({ province_code: '15', province_code_2009: '15', tenants: 7 });
    expect(body.properties.commune_codes).toEqual(communes);
    await expect.poll(() => communeList.locator(`[data-commune-code="${communes[0]}"]`).count(), { timeout: 20_000 }).toBe(1);
    await facts.scrollIntoViewIfNeeded();
    await page.screenshot({ path: SHOT });
    expect(errors).toEqual([]);
  }, 180_000);
});

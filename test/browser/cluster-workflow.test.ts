import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server.ts';
import { TEST_DEMO_PASSWORD } from '../setup/template.ts';
import { areaHa } from '../../server/domain/measure.ts';
import { ensureClientBuilt, launchBrowser, trackErrors } from './browser.ts';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

const SHOTS = process.env.SHOTS_DIR ? path.join(process.env.SHOTS_DIR, 'editor') : '/tmp/shots/editor';
const shot = (name: string) => {
  mkdirSync(SHOTS, { recursive: true });
  return path.join(SHOTS, `${name}.png`);
};

const NAME = 'Cụm công nghiệp Thử nghiệm';
// a ~40 ha square inside Lào Cai (province 10), south-east of the city
const SQUARE: [number, number][] = [
  [104.0, 22.4],
  [104.006, 22.4],
  [104.006, 22.406],
  [104.0, 22.406],
];

async function login(page: Page, baseUrl: string, username: string, next: string) {
  await page.goto(`${baseUrl}/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill(TEST_DEMO_PASSWORD);
  await page.getByRole('main').getByRole('button', { name: 'Đăng nhập' }).click();
  await expect.poll(() => new URL(page.url()).pathname, { timeout: 15_000 }).toBe(next);
}

/** The map is loaded and terra-draw has added its layers. */
async function waitForEditor(page: Page) {
  await page.waitForFunction(
    () => {
      const map = window.__map;
      return !!map && map.isStyleLoaded() && map.getStyle().layers.some((l) => l.id.startsWith('td-'));
    },
    null,
    { timeout: 45_000, polling: 250 },
  );
}

async function pixel(page: Page, lngLat: [number, number]) {
  return page.evaluate((ll) => {
    const p = window.__map!.project(ll);
    const rect = window.__map!.getCanvas().getBoundingClientRect();
    return { x: rect.left + p.x, y: rect.top + p.y };
  }, lngLat);
}

async function clickMap(page: Page, lngLat: [number, number]) {
  const p = await pixel(page, lngLat);
  await page.mouse.move(p.x, p.y, { steps: 4 });
  await page.mouse.click(p.x, p.y);
  // terra-draw treats two quick clicks as a double click
  await page.waitForTimeout(250);
}

/** "12,34 ha" (vi) → 12.34 */
function parseHa(text: string): number {
  const m = text.match(/([\d.]+,\d+|\d+)\s*ha/);
  if (!m) throw new Error(`no area in "${text}"`);
  return Number(m[1].replace(/\./g, '').replace(',', '.'));
}

describe('cluster workflow in a browser: draw, save, submit, approve, public', () => {
  let server: TestServer;
  let browser: Browser;
  let clusterId = '';

  beforeAll(async () => {
    const [started] = await Promise.all([startTestServer(), ensureClientBuilt()]);
    server = started;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('planner draws a boundary by clicking, sees the live area, saves and submits', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const errors = trackErrors(page);
    await login(page, server.baseUrl, 'planner.laocai', '/editor');
    await expect.poll(() => page.locator('.app-header').innerText()).toContain('Chuyên viên quy hoạch');
    await waitForEditor(page);
    await expect.poll(() => page.locator('[data-tool="draw"]').getAttribute('aria-pressed')).toBe('true');
    await page.screenshot({ path: shot('01-editor-empty') });

    await page.evaluate(() => window.__map!.jumpTo({ center: [104.003, 22.403], zoom: 14.5 }));
    await page.waitForFunction(() => window.__map!.loaded(), null, { timeout: 20_000 });
    for (const p of SQUARE) await clickMap(page, p);
    await page.screenshot({ path: shot('02-editor-drawing') });
    await clickMap(page, SQUARE[0]);

    // closed: the live area appears and the tool switched to vertex editing
    const area = page.getByTestId('live-area');
    await expect.poll(() => area.innerText(), { timeout: 10_000 }).toMatch(/\d+,\d{2} ha/);
    const expected = areaHa({ type: 'Polygon', coordinates: [[...SQUARE, SQUARE[0]]] });
    const shown = parseHa(await area.locator('output').innerText());
    // clicks land on pixels, not exact coordinates: within 2 %
    expect(Math.abs(shown - expected) / expected).toBeLessThan(0.02);
    await expect.poll(() => page.getByTestId('live-validation').innerText()).toContain('Ranh giới hợp lệ');
    await expect.poll(() => page.locator('[data-tool="select"]').getAttribute('aria-pressed')).toBe('true');

    // undo removes the polygon, redo brings it back
    await page.getByRole('button', { name: /Hoàn tác/ }).click();
    await expect.poll(() => area.locator('output').innerText()).toBe('—');
    await page.getByRole('button', { name: /Làm lại/ }).click();
    await expect.poll(async () => parseHa(await area.locator('output').innerText())).toBeCloseTo(shown, 2);

    // attributes: the name is required by the shared validator
    await expect.poll(() => page.getByTestId('live-validation').innerText()).toContain('Thuộc tính chưa hợp lệ');
    await page.getByLabel(/Tên cụm công nghiệp/).fill(NAME);
    await page.getByLabel('Tình trạng').selectOption('planned');
    await page.getByLabel('Diện tích quy hoạch (ha)').fill('40');
    await expect.poll(() => page.getByTestId('live-validation').innerText()).not.toContain('Thuộc tính chưa hợp lệ');
    await page.screenshot({ path: shot('03-editor-closed-with-attributes') });
    // the conformity panel slot receives the drawn boundary
    const conformity = page.getByTestId('conformity-slot');
    await conformity.scrollIntoViewIfNeeded();
    await expect.poll(() => conformity.innerText(), { timeout: 15_000 }).toContain('Đánh giá phù hợp quy hoạch');
    await page.waitForTimeout(1500);
    await conformity.screenshot({ path: shot('03b-editor-conformity') });

    const saved = page.waitForResponse((r) => r.url().endsWith('/api/clusters') && r.request().method() === 'POST');
    await page.locator('[data-action="save"]').click();
    const response = await saved;
    expect(response.status()).toBe(201);
    expect(await response.request().headerValue('x-csrf-token')).toBeTruthy();
    const body = await response.json();
    clusterId = String(body.id);
    expect(body.properties.name).toBe(NAME);
    expect(body.properties.province_code).toBe('15');
    expect(body.properties.review_state).toBe('draft');
    // the server's geodesic area agrees with the live one
    expect(Math.abs(body.properties.area_ha - shown) / shown).toBeLessThan(0.001);
    await expect.poll(() => page.getByTestId('editor-notice').innerText()).toContain('Đã lưu phiên bản 1');
    await expect.poll(() => new URL(page.url()).searchParams.get('id')).toBe(clusterId);
    await expect.poll(() => page.getByTestId('cluster-status').innerText()).toContain('Bản nháp');
    await page.screenshot({ path: shot('04-editor-saved') });

    await page.locator('#editor-comment').fill('Đề nghị thẩm định');
    const submitted = page.waitForResponse((r) => r.url().endsWith(`/api/clusters/${clusterId}/submit`));
    await page.locator('[data-action="submit"]').click();
    expect((await submitted).status()).toBe(200);
    await expect.poll(() => page.getByTestId('editor-notice').innerText()).toContain('Đã gửi phiên bản 1');
    await expect.poll(() => page.getByTestId('cluster-status').innerText()).toContain('Chờ thẩm định');

    // the history tab lists the version with its state
    await page.getByRole('tab', { name: 'Lịch sử' }).click();
    await expect.poll(() => page.getByTestId('history-panel').innerText()).toContain('v1');
    await expect.poll(() => page.getByTestId('history-panel').innerText()).toContain('Chờ thẩm định');
    await page.screenshot({ path: shot('05-editor-submitted-history') });

    // not yet public
    const anon = await browser.newContext();
    const publicList = await (await anon.request.get(`${server.baseUrl}/api/clusters?province=15`)).json();
    expect(publicList.features.map((f: { properties: { name: string } }) => f.properties.name)).not.toContain(NAME);
    await anon.close();

    expect(errors).toEqual([]);
    await context.close();
  });

  it('reviewer sees the submission in the queue with its boundary and approves it', async () => {
    expect(clusterId).not.toBe('');
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    const errors = trackErrors(page);
    await login(page, server.baseUrl, 'reviewer.laocai', '/review');
    await expect.poll(() => page.locator('.app-header').innerText()).toContain('Thẩm định (Sở Công Thương)');
    const queue = page.getByTestId('review-queue');
    await expect.poll(() => queue.innerText(), { timeout: 15_000 }).toContain(NAME);
    await queue.getByRole('button', { name: new RegExp(NAME) }).click();

    const detail = page.getByTestId('review-detail');
    await detail.waitFor();
    expect(await detail.getAttribute('data-cluster')).toBe(clusterId);
    await expect.poll(() => detail.innerText()).toContain('chưa công bố');
    // the new boundary is drawn on the review map
    await page.waitForFunction(
      () => {
        const map = window.__map;
        return !!map && !!map.getLayer('cluster-diff-new') && map.queryRenderedFeatures({ layers: ['cluster-diff-new'] }).length > 0;
      },
      null,
      { timeout: 30_000 },
    );
    await expect.poll(() => detail.innerText()).toContain('Diện tích quy hoạch (ha)');
    await page.waitForTimeout(300);
    await page.screenshot({ path: shot('06-review-detail'), fullPage: true });

    await page.locator('textarea[name="review-comment"]').fill('Đồng ý phê duyệt.');
    const approved = page.waitForResponse((r) => r.url().endsWith(`/api/clusters/${clusterId}/approve`));
    await page.locator('[data-action="approve"]').click();
    expect((await approved).status()).toBe(200);
    await expect.poll(() => page.getByTestId('review-notice').innerText()).toContain('Đã phê duyệt');
    await expect.poll(() => page.locator('.review__queue').innerText()).toContain('Không có hồ sơ nào');
    await page.screenshot({ path: shot('07-review-approved') });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the public sees the approved cluster', async () => {
    const context: BrowserContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/`);
    const list = await page.evaluate(async () => (await fetch('/api/clusters?province=15')).json());
    const feature = list.features.find((f: { properties: { name: string } }) => f.properties.name === NAME);
    expect(feature).toBeTruthy();
    expect(feature.properties.review_state).toBe('approved');
    expect(feature.properties.published_version).toBe(1);
    // no author names for the public
    expect(feature.properties.author).toBeUndefined();

    // and on the map, when the public map draws clusters
    await page.waitForFunction(() => !!window.__map && window.__map.isStyleLoaded(), null, { timeout: 45_000 });
    await page.evaluate(() => window.__map!.jumpTo({ center: [104.003, 22.403], zoom: 13 }));
    await page.waitForTimeout(1500);
    const clusterLayers = await page.evaluate(() => window.__map!.getStyle().layers.filter((l) => /cluster/i.test(l.id)).map((l) => l.id));
    if (clusterLayers.length) {
      await expect
        .poll(
          () =>
            page.evaluate(
              ({ layers, name }) => window.__map!.queryRenderedFeatures({ layers }).some((f) => f.properties?.name === name),
              { layers: clusterLayers, name: NAME },
            ),
          { timeout: 20_000 },
        )
        .toBe(true);
    }
    await page.screenshot({ path: shot('08-public-map') });
    await context.close();
  });
  it('planner drags a vertex of the published cluster (v2); the reviewer sees added/removed parts and requests changes', async () => {
    expect(clusterId).not.toBe('');
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const errors = trackErrors(page);
    await login(page, server.baseUrl, 'planner.laocai', `/editor`);
    await page.goto(`${server.baseUrl}/editor?id=${clusterId}`);
    await waitForEditor(page);
    await expect.poll(() => page.getByTestId('cluster-status').innerText(), { timeout: 15_000 }).toContain('Đã duyệt');
    await expect.poll(() => page.locator('[data-tool="select"]').getAttribute('aria-pressed')).toBe('true');
    const before = parseHa(await page.getByTestId('live-area').locator('output').innerText());

    // select the polygon, then drag its north-east corner 0.002° further east
    const current = await (await context.request.get(`${server.baseUrl}/api/clusters/${clusterId}`)).json();
    const ring: [number, number][] = current.geometry.coordinates[0][0] ?? current.geometry.coordinates[0];
    const corner = ring.reduce((a, b) => (b[0] + b[1] > a[0] + a[1] ? b : a));
    const centre: [number, number] = [(ring[0][0] + corner[0]) / 2, (ring[0][1] + corner[1]) / 2];
    await clickMap(page, centre);
    const from = await pixel(page, corner);
    const to = await pixel(page, [corner[0] + 0.002, corner[1]]);
    await page.mouse.move(from.x, from.y, { steps: 3 });
    await page.mouse.down();
    await page.mouse.move(to.x, to.y, { steps: 12 });
    await page.mouse.up();
    await expect.poll(async () => parseHa(await page.getByTestId('live-area').locator('output').innerText()), { timeout: 10_000 }).toBeGreaterThan(before + 1);
    await expect.poll(() => page.getByTestId('cluster-status').innerText()).toContain('Có thay đổi chưa lưu');
    await page.getByLabel('Diện tích quy hoạch (ha)').fill('46');
    await page.screenshot({ path: shot('09-editor-vertex-dragged') });

    await page.locator('#editor-comment').fill('Mở rộng về phía đông');
    const put = page.waitForResponse((r) => r.url().endsWith(`/api/clusters/${clusterId}`) && r.request().method() === 'PUT');
    await page.locator('[data-action="save"]').click();
    const putResponse = await put;
    expect(putResponse.status()).toBe(200);
    expect(await putResponse.request().headerValue('if-match')).toBe('"1"');
    await expect.poll(() => page.getByTestId('editor-notice').innerText()).toContain('Đã lưu phiên bản 2');
    const submitted = page.waitForResponse((r) => r.url().endsWith(`/api/clusters/${clusterId}/submit`));
    await page.locator('[data-action="submit"]').click();
    expect((await submitted).status()).toBe(200);

    // history diff v1 → v2 in the editor
    await page.getByRole('tab', { name: 'Lịch sử' }).click();
    const diff = page.getByTestId('diff-view');
    await expect.poll(() => diff.getAttribute('data-from'), { timeout: 10_000 }).toBe('1');
    await expect.poll(() => page.getByTestId('diff-added').innerText(), { timeout: 10_000 }).toMatch(/[1-9]\d*,\d{2} ha/);
    await expect.poll(() => diff.innerText()).toContain('Diện tích quy hoạch (ha)');
    await page.waitForTimeout(500);
    await page.screenshot({ path: shot('10-editor-history-diff') });
    expect(errors).toEqual([]);

    // while v2 is under review the public still sees v1
    const anon = await browser.newContext();
    const pub = await (await anon.request.get(`${server.baseUrl}/api/clusters/${clusterId}`)).json();
    expect(pub.properties.version).toBe(1);
    await anon.close();
    await context.close();

    // the reviewer: old and new overlaid, added part coloured with its area, attribute change listed
    const rc = await browser.newContext({ viewport: { width: 1400, height: 1100 } });
    const rp = await rc.newPage();
    const rerrors = trackErrors(rp);
    await login(rp, server.baseUrl, 'reviewer.laocai', '/review');
    await rp.getByTestId('review-queue').getByRole('button', { name: new RegExp(NAME) }).click();
    const detail = rp.getByTestId('review-detail');
    await expect.poll(() => detail.innerText(), { timeout: 15_000 }).toContain('đang công bố: v1');
    await expect.poll(() => rp.getByTestId('diff-added').innerText(), { timeout: 15_000 }).toMatch(/[1-9]\d*,\d{2} ha/);
    expect(await rp.getByTestId('diff-removed').innerText()).toMatch(/0,00 ha/);
    const row = detail.getByTestId('diff-view').locator('tr[data-field="planned_area_ha"]');
    await expect.poll(() => row.innerText()).toMatch(/40\s+46/);
    await rp.waitForFunction(
      () => {
        const map = window.__map;
        return !!map && !!map.getLayer('cluster-diff-added') && map.queryRenderedFeatures({ layers: ['cluster-diff-added'] }).length > 0 && map.queryRenderedFeatures({ layers: ['cluster-diff-old'] }).length > 0;
      },
      null,
      { timeout: 30_000 },
    );
    await rp.waitForTimeout(300);
    await rp.screenshot({ path: shot('11-review-diff'), fullPage: true });

    // request changes needs a comment
    await rp.locator('[data-action="request-changes"]').click();
    await expect.poll(() => detail.getByRole('alert').innerText()).toContain('Hãy ghi rõ');
    await rp.locator('textarea[name="review-comment"]').fill('Phần mở rộng lấn vào đất nông nghiệp, đề nghị điều chỉnh.');
    const rq = rp.waitForResponse((r) => r.url().endsWith(`/api/clusters/${clusterId}/request-changes`));
    await rp.locator('[data-action="request-changes"]').click();
    expect((await rq).status()).toBe(200);
    await expect.poll(() => rp.getByTestId('review-notice').innerText()).toContain('Đã gửi yêu cầu chỉnh sửa');
    expect(rerrors).toEqual([]);
    await rc.close();
  });

  it('snaps a new vertex onto the neighbouring cluster, flags a self-intersecting import live and shows the server 422 details', async () => {
    expect(clusterId).not.toBe('');
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const errors = trackErrors(page);
    await login(page, server.baseUrl, 'planner.laocai', '/editor');
    await waitForEditor(page);
    // the published neighbour's boundary is a snapping target
    const neighbour = await (await context.request.get(`${server.baseUrl}/api/clusters/${clusterId}?version=2`)).json();
    const ring: [number, number][] = neighbour.geometry.coordinates[0][0];
    const west = ring.reduce((a, b) => (b[0] < a[0] || (b[0] === a[0] && b[1] < a[1]) ? b : a)); // south-west corner
    await page.evaluate((c) => window.__map!.jumpTo({ center: [c[0] - 0.003, c[1] + 0.003], zoom: 15 }), west);
    await page.waitForFunction(() => window.__map!.loaded(), null, { timeout: 20_000 });
    await expect.poll(() => page.evaluate(() => window.__map!.querySourceFeatures('editor-others').length), { timeout: 15_000 }).toBeGreaterThan(0);

    // three free vertices west of the neighbour, the fourth 4 px off its south-west corner
    const near = await pixel(page, west);
    const pts: [number, number][] = [
      [west[0] - 0.004, west[1]],
      [west[0] - 0.004, west[1] + 0.003],
      [west[0] - 0.001, west[1] + 0.003],
    ];
    for (const p of pts) await clickMap(page, p);
    await page.mouse.move(near.x + 3, near.y + 3, { steps: 4 });
    await page.mouse.click(near.x + 3, near.y + 3);
    await page.waitForTimeout(250);
    await clickMap(page, pts[0]);
    await expect.poll(() => page.getByTestId('live-area').locator('output').innerText(), { timeout: 10_000 }).toMatch(/ha/);

    await page.getByLabel(/Tên cụm công nghiệp/).fill('Cụm công nghiệp Liền kề');
    const validate = page.waitForRequest((r) => r.url().includes('/api/clusters/validate'));
    await page.getByRole('button', { name: 'Kiểm tra với máy chủ' }).click();
    const sent = JSON.parse((await validate).postData()!);
    const sentRing: [number, number][] = sent.geometry.coordinates[0];
    // snapped exactly onto the neighbour's vertex
    expect(sentRing.some((p) => Math.abs(p[0] - west[0]) < 1e-9 && Math.abs(p[1] - west[1]) < 1e-9)).toBe(true);
    await expect.poll(() => page.getByTestId('editor-notice').innerText()).toContain('Máy chủ (PostGIS) xác nhận');
    await page.screenshot({ path: shot('12-editor-snapped') });

    // a bow-tie from a GeoJSON file: the shared validator names the self-intersection and marks it
    const c = [104.01, 22.39];
    const bowtie = {
      type: 'FeatureCollection',
      features: [{ type: 'Feature', properties: { name: 'Nơ' }, geometry: { type: 'Polygon', coordinates: [[[c[0], c[1]], [c[0] + 0.004, c[1] + 0.004], [c[0] + 0.004, c[1]], [c[0], c[1] + 0.004], [c[0], c[1]]]] } }],
    };
    await page.getByTestId('import-file').setInputFiles({ name: 'no.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify(bowtie)) });
    await expect.poll(() => page.getByTestId('editor-notice').innerText()).toContain('Đã nhập ranh giới từ no.geojson');
    const validation = page.getByTestId('live-validation');
    await expect.poll(() => validation.innerText()).toContain('tự cắt');
    expect(await validation.locator('[data-code="self-intersection"]').innerText()).toContain('104.012');
    // the problem marker is on the map
    await expect.poll(() => page.evaluate(() => window.__map!.querySourceFeatures('editor-problems').length)).toBeGreaterThan(0);

    // the server says the same, with PostGIS's reason, location and an ST_MakeValid preview
    await page.getByRole('button', { name: 'Kiểm tra với máy chủ' }).click();
    const box = page.getByTestId('server-problems');
    await expect.poll(() => box.innerText(), { timeout: 10_000 }).toMatch(/104\.012/);
    await page.waitForTimeout(300);
    await page.screenshot({ path: shot('13-editor-self-intersection') });
    const fix = box.getByRole('button', { name: /ST_MakeValid/ });
    if (await fix.count()) {
      await fix.click();
      await expect.poll(() => validation.innerText()).toContain('Ranh giới hợp lệ');
    }

    // an overlapping boundary is refused on save with the overlap area
    const overlap = {
      type: 'Feature',
      properties: {},
      geometry: { type: 'Polygon', coordinates: [[[west[0] - 0.001, west[1] + 0.001], [west[0] + 0.002, west[1] + 0.001], [west[0] + 0.002, west[1] + 0.002], [west[0] - 0.001, west[1] + 0.002], [west[0] - 0.001, west[1] + 0.001]]] },
    };
    const areaBefore = await page.getByTestId('live-area').locator('output').innerText();
    await page.getByTestId('import-file').setInputFiles({ name: 'chong-lan.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(overlap)) });
    await expect.poll(() => validation.innerText()).toContain('Ranh giới hợp lệ');
    const post = page.waitForResponse((r) => r.url().endsWith('/api/clusters') && r.request().method() === 'POST');
    await page.locator('[data-action="save"]').click();
    expect((await post).status()).toBe(422);
    await expect.poll(() => page.getByTestId('overlap').innerText(), { timeout: 10_000 }).toMatch(/15-001.*\d+,\d+ ha/);
    await page.waitForTimeout(300);
    await page.screenshot({ path: shot('14-editor-overlap-422') });

    // undo goes back through the imports, redo forward again
    const areaOverlap = await page.getByTestId('live-area').locator('output').innerText();
    await page.getByRole('button', { name: /Hoàn tác/ }).click();
    await expect.poll(() => page.getByTestId('live-area').locator('output').innerText()).toBe(areaBefore);
    await page.getByRole('button', { name: /Làm lại/ }).click();
    await expect.poll(() => page.getByTestId('live-area').locator('output').innerText()).toBe(areaOverlap);
    const unexpected = errors.filter((e) => !/status of 422/.test(e));
    expect(unexpected).toEqual([]);
    await context.close();
  });

  it('admin lists users and creates a reviewer for Bắc Ninh', async () => {
    const context = await browser.newContext({ viewport: { width: 1300, height: 900 } });
    const page = await context.newPage();
    const errors = trackErrors(page);
    await login(page, server.baseUrl, 'admin', '/admin/users');
    const table = page.getByTestId('users-table');
    await expect.poll(() => table.innerText(), { timeout: 15_000 }).toContain('planner.laocai');
    await page.getByLabel('Tên đăng nhập').fill('reviewer.bacninh');
    await page.getByLabel('Mật khẩu').fill('short');
    await page.getByLabel('Vai trò').selectOption('reviewer');
    await page.getByLabel('Tỉnh/thành phố').selectOption('24');
    await page.getByRole('button', { name: 'Tạo tài khoản' }).click();
    await expect.poll(() => page.getByRole('alert').first().innerText()).toContain('12');
    await page.getByLabel('Mật khẩu').fill('long-enough-password');
    await page.getByRole('button', { name: 'Tạo tài khoản' }).click();
    await expect.poll(() => page.getByRole('status').innerText()).toContain('reviewer.bacninh');
    await expect.poll(() => table.locator('tr[data-username="reviewer.bacninh"]').innerText()).toMatch(/Thẩm định[\s\S]*24/);
    await page.screenshot({ path: shot('15-admin-users'), fullPage: true });
    expect(errors.filter((e) => !/status of 400/.test(e))).toEqual([]);
    // the new account works
    const check = await browser.newContext();
    const res = await check.request.post(`${server.baseUrl}/api/auth/login`, { data: { username: 'reviewer.bacninh', password: 'long-enough-password' } });
    expect(res.status()).toBe(200);
    expect((await res.json()).user.province_code).toBe('24');
    await check.close();
    await context.close();
  });
  it('a stale save gets the 409 with a way to reload, and nothing is overwritten', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await login(page, server.baseUrl, 'planner.laocai', '/editor');
    await page.goto(`${server.baseUrl}/editor?id=${clusterId}`);
    await waitForEditor(page);
    await expect.poll(() => page.getByTestId('cluster-status').innerText(), { timeout: 15_000 }).toContain('Phiên bản 2');

    // meanwhile another session saves version 3
    const other = server.client();
    await other.login('planner.laocai');
    const head = await other.get(`/api/clusters/${clusterId}`);
    const put = await other.put(`/api/clusters/${clusterId}`, { type: 'Feature', geometry: head.body.geometry, properties: { ...head.body.properties, workers: 120 } }, { 'If-Match': head.headers.get('etag')! });
    expect(put.status).toBe(200);

    await page.getByLabel(/Tên cụm công nghiệp/).fill(`${NAME} (sửa)`);
    const saved = page.waitForResponse((r) => r.url().endsWith(`/api/clusters/${clusterId}`) && r.request().method() === 'PUT');
    await page.locator('[data-action="save"]').click();
    expect((await saved).status()).toBe(409);
    await expect.poll(() => page.getByTestId('editor-notice').innerText()).toContain('phiên bản 3');
    await page.screenshot({ path: shot('16-editor-409') });
    await page.getByTestId('server-problems').getByRole('button', { name: 'Tải phiên bản mới nhất' }).click();
    await expect.poll(() => page.getByTestId('cluster-status').innerText()).toContain('Phiên bản 3');
    expect(await page.getByLabel('Số lao động').inputValue()).toBe('120');
    const now = await other.get(`/api/clusters/${clusterId}`);
    expect(now.body.properties.name).toBe(NAME);
    await context.close();
  });
});

describe('cluster client modules (pure)', () => {
  it('imports one KML polygon, drops Z, and refuses several features or lines', async () => {
    const { DOMParser } = await import('@xmldom/xmldom');
    const { parseBoundaryFile, BoundaryImportError } = await import('../../client/clusters/import-boundary.ts');
    const kml = `<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>CCN Bắc Duyên Hải</name>
      <Polygon><outerBoundaryIs><LinearRing><coordinates>103.95,22.48,0 103.96,22.48,0 103.96,22.49,0 103.95,22.48,0</coordinates></LinearRing></outerBoundaryIs></Polygon>
      </Placemark></Document></kml>`;
    const parsed = parseBoundaryFile('ccn.kml', kml, new DOMParser());
    expect(parsed.format).toBe('kml');
    expect(parsed.properties.name).toBe('CCN Bắc Duyên Hải');
    expect(parsed.geometry).toEqual({ type: 'Polygon', coordinates: [[[103.95, 22.48], [103.96, 22.48], [103.96, 22.49], [103.95, 22.48]]] });
    const two = { type: 'FeatureCollection', features: [1, 2].map(() => ({ type: 'Feature', properties: {}, geometry: parsed.geometry })) };
    expect(() => parseBoundaryFile('a.geojson', JSON.stringify(two), new DOMParser())).toThrow(BoundaryImportError);
    const line = { type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: [[104, 22], [104.1, 22.1]] } };
    expect(() => parseBoundaryFile('a.geojson', JSON.stringify(line), new DOMParser())).toThrow(/LineString/);
    expect(() => parseBoundaryFile('a.kmz', 'PK', new DOMParser())).toThrow(/KMZ/);
  });

  it('snaps to a target vertex before an edge, and not beyond the tolerance', async () => {
    const { BoundarySnapper } = await import('../../client/clusters/snapping.ts');
    const snapper = new BoundarySnapper();
    snapper.setTargets([{ type: 'Polygon', coordinates: [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]] }]);
    const project = (lng: number, lat: number) => ({ x: lng * 10, y: -lat * 10 }); // 10 px per unit
    expect(snapper.snap(9.5, 0.3, project, 8, 0.1)).toEqual([10, 0]); // 5.8 px from the corner
    expect(snapper.snap(5, 0.4, project, 8, 0.1)).toEqual([5, 0]); // on the edge
    expect(snapper.snap(5, 2, project, 8, 0.1)).toBeUndefined(); // 20 px away
  });

  it('keeps undo/redo snapshots and drops no-op pushes', async () => {
    const { GeometryHistory } = await import('../../client/clusters/geometry-history.ts');
    const a = { type: 'Polygon' as const, coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] };
    const b = { type: 'Polygon' as const, coordinates: [[[0, 0], [2, 0], [2, 2], [0, 0]]] };
    const h = new GeometryHistory();
    expect(h.push(a)).toBe(true);
    expect(h.push(JSON.parse(JSON.stringify(a)))).toBe(false);
    h.push(b);
    expect(h.undo()).toEqual(a);
    expect(h.undo()).toBeNull();
    expect(h.canUndo).toBe(false);
    expect(h.redo()).toEqual(a);
    h.push(null);
    expect(h.canRedo).toBe(false);
  });

  it('reads the server diff and 422 report shapes', async () => {
    const { normaliseDiff } = await import('../../client/clusters/api.ts');
    const { readServerProblems } = await import('../../client/clusters/server-problems.ts');
    const { ApiError } = await import('../../client/api/http.ts');
    const square = { type: 'MultiPolygon', coordinates: [[[[0, 0], [1, 0], [1, 1], [0, 0]]]] };
    const d = normaliseDiff(
      {
        from: 1,
        to: 2,
        attributes: [{ field: 'workers', from: 10, to: 20 }],
        geometry: { added_area_ha: 1.5, removed_area_ha: 0, added: { type: 'Feature', geometry: square, properties: {} }, removed: { type: 'Feature', geometry: null, properties: {} }, from: { type: 'Feature', geometry: square }, to: { type: 'Feature', geometry: square } },
      },
      1,
      2,
    );
    expect(d.changes).toEqual([{ field: 'workers', from: 10, to: 20 }]);
    expect(d.added_area_ha).toBe(1.5);
    expect(d.added).toEqual(square);
    expect(d.removed).toBeNull();
    expect(d.from_geometry).toEqual(square);
    const p = readServerProblems(
      new ApiError(422, 'invalid-geometry', 'x', {
        ok: false,
        errors: [
          { code: 'self-intersection', message: 'Ranh giới tự cắt', message_en: 'Self-intersects', location: [104.1, 22.4] },
          { code: 'name', field: 'name', message: 'Tên là bắt buộc', message_en: 'Name is required' },
        ],
        warnings: [{ code: 'duplicate-vertices', message: 'bỏ điểm trùng', message_en: 'dups' }],
        postgis: { valid: false, reason: 'Self-intersection[104.1 22.4]', location: [104.1, 22.4] },
        make_valid_preview: square,
        overlaps: [{ cluster_id: 'u', code: '10-001', overlap_ha: 2.5 }],
      }),
    );
    expect(p.messages.map((m) => m.vi)).toContain('Ranh giới tự cắt');
    expect(p.messages.map((m) => m.vi)).not.toContain('bỏ điểm trùng');
    expect(p.fieldIssues.map((i) => i.field)).toEqual(['name']);
    expect(p.locations).toEqual([[104.1, 22.4]]);
    expect(p.preview).toEqual(square);
    expect(p.overlaps).toEqual([{ id: 'u', name: '10-001', area_ha: 2.5, geometry: null }]);
  });
});

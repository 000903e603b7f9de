import { mkdirSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tmpdir } from 'node:os';
import { expect, it } from 'vitest';
import JSZip from 'jszip';
import { describeEachServer } from '../support/server.ts';
import { kml, LAO_CAI, uploadAndCheck } from '../exchange/helpers.ts';
import { passwordProblems } from '../../server/domain/password-policy.ts';
import { ANONYMOUS_ANALYSIS_PER_MINUTE, findLimitViolations, IMPORT_LIMITS, jsonNestingDepth } from '../../server/domain/limits.ts';
import { removeStaleTempFiles, uploadDir } from '../../server/exchange/temp-files.ts';

const ring = (lon: number, lat: number, d = 0.004) => [
  [lon, lat],
  [lon + d, lat],
  [lon + d, lat + d],
  [lon, lat + d],
  [lon, lat],
];

it('the password rule refuses short, common, repetitive, username-bearing and over-72-byte passwords', () => {
  const rules = (p: unknown, u = 'nguyen.van.a') => passwordProblems(p, u).map((x) => x.rule);
  expect(rules('password')).toContain('too-short');
  expect(rules('12345678')).toContain('too-short');
  expect(rules(' '.repeat(12))).toContain('too-short');
  expect(rules('password1234')).toContain('common');
  expect(rules('aaaaaaaaaaaaaaaa')).toContain('common');
  expect(rules('my-nguyen.van.a-pass')).toContain('same-as-username');
  // 30 × "ư" is 60 bytes, 37 × is 74: bcrypt would silently compare only the first 72
  expect(rules('ư'.repeat(30) + 'k9')).toEqual([]);
  expect(rules('ư'.repeat(37))).toContain('too-long');
  expect(rules('correct horse battery staple')).toEqual([]);
  expect(rules(undefined)).toEqual(['not-text']);
});

it('the limits walker finds control characters, long texts, long lists, out-of-range numbers, without recursion', () => {
  expect(findLimitViolations({ a: 'x\u0000' })[0]).toMatchObject({ path: '$.a', rule: 'control-character' });
  expect(findLimitViolations({ name: 'x'.repeat(301) })[0]).toMatchObject({ rule: 'text-too-long', limit: 300 });
  expect(findLimitViolations({ communes: Array(51).fill('a') })[0]).toMatchObject({ rule: 'list-too-long', limit: 50 });
  expect(findLimitViolations({ workers: 9223372036854775808 })[0]).toMatchObject({ rule: 'number-out-of-range' });
  expect(findLimitViolations({ x: 1e20 })[0]).toMatchObject({ rule: 'number-out-of-range' });
  expect(findLimitViolations({ name: 'Cụm công nghiệp Đồng Văn', planned_area_ha: 74.9, coordinates: [[104.1, 22.3]] })).toEqual([]);
  let deep: unknown = 1;
  for (let i = 0; i < 100_000; i++) deep = [deep];
  expect(findLimitViolations(deep)[0]).toMatchObject({ rule: 'too-deep' });
  expect(jsonNestingDepth('{"a":"[[[[[[","b":[[1]]}')).toBe(3);
});

it('removes at start the uploads and extraction folders a crash left behind, not the ones in use', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'ca-temp-test-'));
  mkdirSync(uploadDir(root));
  const hourAgo = (Date.now() - 2 * 3600_000) / 1000;
  writeFileSync(path.join(uploadDir(root), 'old-upload'), 'x');
  utimesSync(path.join(uploadDir(root), 'old-upload'), hourAgo, hourAgo);
  writeFileSync(path.join(uploadDir(root), 'fresh-upload'), 'x');
  mkdirSync(path.join(root, 'ca-import-old'));
  utimesSync(path.join(root, 'ca-import-old'), hourAgo, hourAgo);
  mkdirSync(path.join(root, 'unrelated'));
  utimesSync(path.join(root, 'unrelated'), hourAgo, hourAgo);
  expect(await removeStaleTempFiles({ root })).toBe(2);
  expect(readdirSync(uploadDir(root))).toEqual(['fresh-upload']);
  expect(readdirSync(root).sort()).toEqual(['cluster-atlas-uploads', 'unrelated']);
});

describeEachServer('hardening', (t) => {
  it('sends security headers on pages, the API and tiles; only public data may be framed', async () => {
    const c = t.server.client();
    for (const path of ['/api/health', '/api/nothing-here', '/']) {
      const res = await c.get(path);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain('worker-src');
      expect(csp).toContain('blob:');
      expect(csp).toContain("script-src 'self'");
    }
    // the periodic report's HTML is previewed in an iframe of the reports page: same origin only
    const report = await c.get('/api/reports/periodic?period=2024');
    expect(report.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(report.headers.get('content-security-policy')).toContain("frame-ancestors 'self'");
    const ogc = await c.get('/ogc/conformance');
    expect(ogc.headers.get('x-content-type-options')).toBe('nosniff');
    expect(ogc.headers.get('content-security-policy')).not.toContain('frame-ancestors');
  });

  it('refuses an unsupported Content-Encoding with 415 and a garbage deflate body with 400', async () => {
    const planner = await t.server.client().login('planner.laocai');
    const br = await planner.request('POST', '/api/clusters', { raw: '{}', headers: { 'content-type': 'application/json', 'content-encoding': 'br' } });
    expect(br.status).toBe(415);
    expect(br.body.error.code).toBe('unsupported-encoding');
    const garbage = await planner.request('POST', '/api/clusters', { raw: Buffer.from('nope'), headers: { 'content-type': 'application/json', 'content-encoding': 'deflate' } });
    expect(garbage.status).toBe(400);
  });

  it('applies the password policy when an account is created', async () => {
    const admin = await t.server.client().login('admin');
    for (const password of ['password', '12345678', ' '.repeat(12), 'hardening.user', 'password1234', 'ư'.repeat(37)]) {
      const res = await admin.post('/api/users', { username: 'hardening.user', password, role: 'ministry' });
      expect(res.status, password).toBe(400);
      expect(res.body.error.details.some((d: { field: string }) => d.field === 'password')).toBe(true);
    }
    expect((await admin.post('/api/users', { username: 'hardening.user', password: 'correct horse battery staple', role: 'ministry' })).status).toBe(201);
  });

  it("keeps a residential import's status to its author's province and national roles", async () => {
    const planner = await t.server.client().login('planner.laocai');
    const form = new FormData();
    const fc = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { name: 'Khu dân cư A' }, geometry: { type: 'Polygon', coordinates: [ring(LAO_CAI[0], LAO_CAI[1])] } }] };
    form.append('file', new Blob([JSON.stringify(fc)]), 'zones.geojson');
    const started = await planner.request('POST', '/api/residential-zones/import', { raw: form });
    expect(started.status, started.text).toBeLessThan(500);
    const id = started.body.import_id ?? started.body.error?.details?.import_id;
    expect(id, started.text).toBeTruthy();
    const path = `/api/residential-zones/imports/${id}`;
    expect((await planner.get(path)).status).toBe(200);
    expect((await (await t.server.client().login('reviewer.laocai')).get(path)).status).toBe(200);
    expect((await (await t.server.client().login('ministry')).get(path)).status).toBe(200);
    const other = await (await t.server.client().login('planner.bacninh')).get(path);
    expect(other.status).toBe(404);
  });

  it('refuses KML with a DOCTYPE or entities before parsing, in the import check and the residential import', async () => {
    const planner = await t.server.client().login('planner.laocai');
    const clean = kml([{ name: 'CCN Thử', data: {}, ring: ring(LAO_CAI[0], LAO_CAI[1]) }]);
    const xxe = clean.replace('<kml', '<!DOCTYPE kml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<kml').replace('CCN Thử', '&xxe;');
    const laughs = clean.replace('<kml', '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>\n<kml');
    for (const body of [xxe, laughs]) {
      const report = await uploadAndCheck(planner, body, 'doctype.kml');
      expect(report.state).toBe('failed');
      expect(report.error.code).toBe('xml-doctype');
    }
    const form = new FormData();
    form.append('file', new Blob([xxe]), 'zones.kml');
    const residential = await planner.request('POST', '/api/residential-zones/import', { raw: form });
    expect(residential.status).toBe(422);
    expect(residential.body.error.code).toBe('xml-doctype');
  });

  it('stores upload file names without paths or control characters', async () => {
    const planner = await t.server.client().login('planner.laocai');
    const report = await uploadAndCheck(planner, kml([{ name: 'CCN', data: {}, ring: ring(LAO_CAI[0], LAO_CAI[1]) }]), '..\\..\\dir/evil-name.kml');
    expect(report.filename).toBe('evil-name.kml');
  });

  it('refuses an import over the row limit before staging it', async () => {
    const planner = await t.server.client().login('planner.laocai');
    const feature = `{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[${LAO_CAI[0]},${LAO_CAI[1]}]}}`;
    const body = `{"type":"FeatureCollection","features":[${Array(IMPORT_LIMITS.maxRows + 1).fill(feature).join(',')}]}`;
    const report = await uploadAndCheck(planner, body, 'too-many.geojson');
    expect(report.state).toBe('failed');
    expect(report.error.code).toBe('too-many-rows');
    const staged = await t.server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM import_features WHERE import_id = $1', [report.id]);
    expect(staged.rows[0]!.n).toBe(0);
  }, 120_000);

  it('refuses zip members with climbing paths or bomb ratios, and leaves no temporary folder', async () => {
    const planner = await t.server.client().login('planner.laocai');
    const tempsBefore = readdirSync(tmpdir()).filter((n) => n.startsWith('ca-import-')).length;

    const climbing = new JSZip();
    climbing.file('../../evil.kml', kml([{ name: 'CCN', data: {}, ring: ring(LAO_CAI[0], LAO_CAI[1]) }]));
    const climbingReport = await uploadAndCheck(planner, await climbing.generateAsync({ type: 'nodebuffer' }), 'climbing.kmz');
    expect(climbingReport.error.code).toBe('unsafe-zip-member');

    const longName = new JSZip();
    longName.file(`${'n'.repeat(10_000)}.kml`, 'x');
    expect((await uploadAndCheck(planner, await longName.generateAsync({ type: 'nodebuffer' }), 'long.kmz')).error.code).toBe('unsafe-zip-member');

    // 64 MB of zeros deflates to about 64 KB: a 1000:1 ratio
    const bomb = new JSZip();
    bomb.file('layer.shp', Buffer.alloc(64 * 1024 * 1024));
    bomb.file('layer.dbf', Buffer.alloc(100));
    const packed = await bomb.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 } });
    expect(packed.length).toBeLessThan(1024 * 1024);
    const bombReport = await uploadAndCheck(planner, packed, 'bomb.zip');
    expect(bombReport.error.code).toBe('zip-bomb');

    expect(readdirSync(tmpdir()).filter((n) => n.startsWith('ca-import-')).length).toBeLessThanOrEqual(tempsBefore);
  }, 120_000);
});

describeEachServer(
  'anonymous analysis rate limit',
  (t) => {
  it('limits anonymous analyses per address, says when to retry, and leaves signed-in users and other addresses alone', async () => {
    const body = { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [ring(LAO_CAI[0], LAO_CAI[1])] } };
    const anon = t.server.client();
    const from = { 'X-Forwarded-For': '192.0.2.50' };
    const statuses: number[] = [];
    for (let i = 0; i <= ANONYMOUS_ANALYSIS_PER_MINUTE; i++) statuses.push((await anon.post('/api/analysis/check', body, from)).status);
    expect(statuses.slice(0, ANONYMOUS_ANALYSIS_PER_MINUTE).every((s) => s === 200)).toBe(true);
    const limited = await anon.post('/api/analysis/proximity', body, from);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.body.error.code).toBe('too-many-requests');
    expect((await anon.post('/api/analysis/check', body, { 'X-Forwarded-For': '192.0.2.51' })).status).toBe(200);
    const planner = await t.server.client().login('planner.laocai');
    expect((await planner.post('/api/analysis/check', body, from)).status).toBe(200);
  }, 120_000);
  },
  { config: { anonymousAnalysisPerMinute: ANONYMOUS_ANALYSIS_PER_MINUTE } },
);

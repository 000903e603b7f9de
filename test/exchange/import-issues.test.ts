import { expect, it } from 'vitest';
import { describeEachServer } from '../support/server.ts';
import { kml, LAO_CAI, upload, uploadAndCheck } from './helpers.ts';

const ring = (lon: number, lat: number, d = 0.004) => [[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]];

describeEachServer('import issues come by page', (t) => {
  it('pages the issues in file order, counts all of them per code, and refuses a bad page', async () => {
    const planner = await t.server.client().login('planner.laocai');
    // 40 boundaries in Laos: each one a critical issue
    const features = Array.from({ length: 40 }, (_, i) => ({
      type: 'Feature',
      properties: { ten: `CCN Ngoài ${i}` },
      geometry: { type: 'Polygon', coordinates: [ring(101.0 + i * 0.01, 20.0)] },
    }));
    const report = await uploadAndCheck(planner, JSON.stringify({ type: 'FeatureCollection', features }), 'outside.geojson');
    const total = report.issues_page.total;
    expect(total).toBeGreaterThanOrEqual(40);
    expect(report.summary.critical + report.summary.warning + report.summary.info).toBe(total);
    expect(report.issue_counts.reduce((n: number, c: { count: number }) => n + c.count, 0)).toBe(total);

    const first = (await planner.get(`/api/imports/${report.id}?issues_limit=10`)).body;
    expect(first.issues).toHaveLength(10);
    expect(first.issues_page).toMatchObject({ offset: 0, limit: 10, total, next_offset: 10 });
    expect(first.summary).toEqual(report.summary);
    const second = (await planner.get(`/api/imports/${report.id}?issues_limit=10&issues_offset=10`)).body;
    expect(second.issues).toHaveLength(10);
    expect(second.issues).toEqual(report.issues.slice(10, 20));
    const last = (await planner.get(`/api/imports/${report.id}?issues_limit=10&issues_offset=${total - 3}`)).body;
    expect(last.issues).toHaveLength(3);
    expect(last.issues_page.next_offset).toBeNull();

    for (const q of ['issues_limit=0x10', 'issues_limit=100000', 'issues_offset=-1']) {
      const bad = await planner.get(`/api/imports/${report.id}?${q}`);
      expect(bad.status, q).toBe(400);
    }
  });
});

describeEachServer('import cancellation', (t) => {
  it('DELETE stops a running check, keeps it stopped, removes the staged features, and refuses the commit', async () => {
    const planner = await t.server.client().login('planner.laocai');
    const rows = ['ten,vi_do,kinh_do'];
    for (let i = 0; i < 60_000; i++) rows.push(`CCN ${i},${(22.0 + (i % 300) * 0.001).toFixed(4)},${(103.8 + Math.floor(i / 300) * 0.001).toFixed(4)}`);
    const started = await upload(planner, rows.join('\n'), 'big.csv');
    expect(started.status).toBe(202);
    const id = started.body.id;
    const cancelled = await planner.delete(`/api/imports/${id}`);
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(cancelled.body).toMatchObject({ state: 'failed', error: { code: 'cancelled' } });
    await new Promise((r) => setTimeout(r, 3000));
    const later = (await planner.get(`/api/imports/${id}`)).body;
    expect(later.state).toBe('failed');
    expect(later.error.code).toBe('cancelled');
    const staged = await t.server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM import_features WHERE import_id = $1', [id]);
    expect(staged.rows[0]!.n).toBe(0);
    expect((await planner.post(`/api/imports/${id}/commit`)).status).toBe(409);
    // another province's planner may not cancel it
    const report = await uploadAndCheck(planner, 'ten,vi_do,kinh_do\nCCN A,22.3,104.0', 'one.csv');
    expect((await (await t.server.client().login('planner.bacninh')).delete(`/api/imports/${report.id}`)).status).toBe(403);
  }, 120_000);

  it('never passes a database message through when a check fails unexpectedly', async () => {
    const planner = await t.server.client().login('planner.laocai');
    const report = await uploadAndCheck(planner, '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"ten":"a\\u0000b"},"geometry":{"type":"Point","coordinates":[104.0,22.3]}}]}', 'nul.geojson');
    expect(report.state, JSON.stringify(report.error)).toBe('failed');
    expect(report.error.code).toBe('invalid-input');
    expect(report.error.message).not.toMatch(/unsupported Unicode|invalid byte|\\u0000|SQLSTATE/i);
  });
});

describeEachServer('import commit re-checks overlaps', (t) => {
  const kmlOf = (rings: number[][][]) =>
    kml(rings.map((r, i) => ({ name: `CCN Chồng ${i}`, data: { ten: `CCN Chồng ${i}` }, ring: r })));

  it('refuses the second of two checked imports of the same boundaries, and a file overlapping itself', async () => {
    const planner = await t.server.client().login('planner.laocai');
    const file = kmlOf([ring(LAO_CAI[0] + 0.05, LAO_CAI[1] + 0.02), ring(LAO_CAI[0] + 0.07, LAO_CAI[1] + 0.02)]);
    // both checked before either is committed: the check cannot know of the other
    const first = await uploadAndCheck(planner, file, 'a.kml');
    const second = await uploadAndCheck(planner, file, 'b.kml');
    expect(first.can_commit, JSON.stringify(first.issues)).toBe(true);
    expect(second.can_commit).toBe(true);
    expect((await planner.post(`/api/imports/${first.id}/commit`)).status).toBe(200);
    const dup = await planner.post(`/api/imports/${second.id}/commit`);
    expect(dup.status, dup.text).toBe(422);
    expect(dup.body.error.code).toBe('overlap');
    expect(dup.body.error.details.overlaps).toHaveLength(2);

    const selfOverlapping = kmlOf([ring(LAO_CAI[0] + 0.1, LAO_CAI[1] + 0.05), ring(LAO_CAI[0] + 0.102, LAO_CAI[1] + 0.052)]);
    const report = await uploadAndCheck(planner, selfOverlapping, 'self.kml');
    const refused = await planner.post(`/api/imports/${report.id}/commit`);
    expect(refused.status, refused.text).toBe(422);
    expect(refused.body.error.details.overlaps[0]).toMatchObject({ feature: 2, other: 'feature 1' });
  }, 120_000);
});

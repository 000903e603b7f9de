import { expect, it } from 'vitest';
import { describeEachServer } from '../support/server.ts';
import { uploadAndCheck } from './helpers.ts';

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

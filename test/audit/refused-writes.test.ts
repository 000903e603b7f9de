import { it, expect } from 'vitest';
import { describeEachServer } from '../support/server.ts';

describeEachServer('refused writes leave only their audit entry', (t) => {
  it('audits malformed and oversized bodies with the user, and stores nothing', async () => {
    const planner = await t.server.client().login('planner.laocai');
    const before = await t.server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM clusters');

    const malformed = await planner.request('POST', '/api/clusters', { raw: '{"type":"Feature",', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('malformed-json');

    const huge = JSON.stringify({ type: 'Feature', properties: { name: 'x'.repeat(5_500_000) }, geometry: null });
    const tooLarge = await planner.request('POST', '/api/clusters', { raw: huge, headers: { 'content-type': 'application/json' } });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error.code).toBe('payload-too-large');

    const after = await t.server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM clusters');
    expect(after.rows[0].n).toBe(before.rows[0].n);

    const admin = await t.server.client().login('admin');
    const audit = await admin.get('/api/audit?limit=20');
    const refused = audit.body.entries.filter((e: any) => e.action === 'request.refused');
    expect(refused.map((e: any) => e.details.reason).sort()).toEqual(['entity.parse.failed', 'entity.too.large']);
    for (const entry of refused) {
      expect(entry).toMatchObject({ username: 'planner.laocai', outcome: 'refused' });
      expect(entry.details.path).toBe('/api/clusters');
    }
  });
});

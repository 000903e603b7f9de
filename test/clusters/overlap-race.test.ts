import { expect, it } from 'vitest';
import { describeEachServer } from '../support/server.ts';
import type { TestClient } from '../support/client.ts';
import { clusterFeature, ifMatch, LAOCAI, square } from './helpers.ts';

// The overlap check runs again inside the writing transaction under one advisory lock: on native PostGIS,
// where writers really run in parallel, concurrent writes onto the same spot can never all land.
describeEachServer('no overlap race', (t) => {
  const planners: TestClient[] = [];
  const ensurePlanners = async () => {
    while (planners.length < 4) planners.push(await t.server.client().login('planner.laocai'));
  };

  it('4 simultaneous overlapping creates, 10 trials: exactly one lands each time', async () => {
    await ensurePlanners();
    for (let trial = 0; trial < 10; trial++) {
      const results = await Promise.all(planners.map((p) => p.post('/api/clusters', clusterFeature({}, square(LAOCAI, trial, 500)))));
      const statuses = results.map((r) => r.status).sort();
      expect(statuses, results.map((r) => r.text.slice(0, 200)).join('\n')).toEqual([201, 422, 422, 422]);
      for (const refused of results.filter((r) => r.status === 422)) {
        expect(refused.body.error.details.errors.map((e: { code: string }) => e.code)).toContain('overlap');
      }
    }
    const stored = await t.server.db.query<{ n: number }>("SELECT count(*)::int AS n FROM clusters WHERE source IS DISTINCT FROM 'test'");
    expect(stored.rows[0]!.n).toBe(10);
  }, 240_000);

  it('an edit and a create onto the same spot, 5 trials: never both', async () => {
    await ensurePlanners();
    for (let trial = 0; trial < 5; trial++) {
      const created = await planners[0]!.post('/api/clusters', clusterFeature({}, square(LAOCAI, 50 + trial, 300)));
      expect(created.status).toBe(201);
      const target = square(LAOCAI, 70 + trial, 500);
      const [edit, create] = await Promise.all([
        planners[1]!.put(`/api/clusters/${created.body.id}`, clusterFeature({}, target), ifMatch(1)),
        planners[2]!.post('/api/clusters', clusterFeature({}, target)),
      ]);
      expect([edit.status, create.status].filter((s) => s < 300), `${edit.text.slice(0, 200)}\n${create.text.slice(0, 200)}`).toHaveLength(1);
    }
  }, 240_000);
});

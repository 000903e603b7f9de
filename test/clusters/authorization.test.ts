import { it, expect, beforeAll } from 'vitest';
import { describeEachServer } from '../support/server.ts';
import type { TestClient } from '../support/client.ts';
import { insertCluster } from '../support/fixtures.ts';
import { LAOCAI, clusterFeature, ifMatch, square } from './helpers.ts';

const ROLES = ['anonymous', 'planner.laocai', 'planner.bacninh', 'reviewer.laocai', 'ministry', 'admin'] as const;
type Who = (typeof ROLES)[number];
type Expect = Record<Who, number>;

const row = (anonymous: number, laocai: number, bacninh: number, reviewer: number, ministry: number, admin: number): Expect => ({
  anonymous,
  'planner.laocai': laocai,
  'planner.bacninh': bacninh,
  'reviewer.laocai': reviewer,
  ministry,
  admin,
});

describeEachServer('cluster authorization matrix', (t) => {
  const clients = {} as Record<Who, TestClient>;
  let slot = 10;
  const nextSlot = () => slot++;

  beforeAll(async () => {
    // warm PostGIS/PROJ up first: a slow first query on the embedded driver blocks the event loop, and an idle
    // keep-alive socket closed late by the server then resets the next request
    await insertCluster(t.server.db, { province_code_2009: '10', geometry: square(LAOCAI, 99), review_state: 'draft' });
    for (const who of ROLES) clients[who] = who === 'anonymous' ? t.server.client() : await t.server.client().login(who);
  });

  /** A province-10 cluster straight in the tables, in the given review state, with no author. */
  const fixture = async (state: 'draft' | 'submitted' | 'approved') => {
    const s = nextSlot();
    const { id } = await insertCluster(t.server.db, { province_code_2009: '10', geometry: square(LAOCAI, s), review_state: state });
    return { id, slot: s };
  };

  const versionsOf = async (id: string) =>
    (await t.server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM cluster_versions WHERE cluster_id = $1', [id])).rows[0].n;

  const cases: { route: string; expected: Expect; run: (c: TestClient) => Promise<{ status: number }>; writes?: boolean }[] = [
    { route: 'GET /api/clusters', expected: row(200, 200, 200, 200, 200, 200), run: (c) => c.get('/api/clusters') },
    {
      route: 'GET /api/clusters/:id (draft)',
      expected: row(404, 200, 404, 200, 200, 200),
      run: async (c) => c.get(`/api/clusters/${(await fixture('draft')).id}`),
    },
    {
      route: 'GET /api/clusters/:id/versions (draft)',
      expected: row(404, 200, 404, 200, 200, 200),
      run: async (c) => c.get(`/api/clusters/${(await fixture('draft')).id}/versions`),
    },
    {
      route: 'GET /api/clusters/:id/diff (draft)',
      expected: row(404, 200, 404, 200, 200, 200),
      run: async (c) => c.get(`/api/clusters/${(await fixture('draft')).id}/diff?from=1&to=1`),
    },
    {
      route: 'GET /api/clusters/:id/comments (published)',
      expected: row(401, 200, 403, 200, 200, 200),
      run: async (c) => c.get(`/api/clusters/${(await fixture('approved')).id}/comments`),
    },
    { route: 'GET /api/clusters/review-queue', expected: row(401, 403, 403, 200, 200, 200), run: (c) => c.get('/api/clusters/review-queue') },
    {
      route: 'POST /api/clusters (unit 15)',
      expected: row(401, 201, 403, 201, 403, 201),
      run: (c) => c.post('/api/clusters', clusterFeature({ province_code: '15' }, square(LAOCAI, nextSlot()))),
      writes: true,
    },
    {
      route: 'POST /api/clusters/validate',
      expected: row(401, 200, 200, 200, 200, 200),
      run: (c) => c.post('/api/clusters/validate', clusterFeature({}, square(LAOCAI, nextSlot()))),
    },
    {
      route: 'PUT /api/clusters/:id',
      expected: row(401, 200, 403, 200, 403, 200),
      run: async (c) => {
        const f = await fixture('draft');
        return c.put(`/api/clusters/${f.id}`, clusterFeature({ tenants: 1 }, square(LAOCAI, f.slot)), ifMatch(1));
      },
      writes: true,
    },
    {
      route: 'DELETE /api/clusters/:id',
      expected: row(401, 200, 403, 200, 403, 200),
      run: async (c) => c.delete(`/api/clusters/${(await fixture('approved')).id}`, ifMatch(1)),
      writes: true,
    },
    {
      route: 'POST /api/clusters/:id/submit',
      expected: row(401, 200, 403, 200, 403, 200),
      run: async (c) => c.post(`/api/clusters/${(await fixture('draft')).id}/submit`, { comment: 'x' }),
    },
    {
      route: 'POST /api/clusters/:id/approve',
      expected: row(401, 403, 403, 200, 403, 200),
      run: async (c) => c.post(`/api/clusters/${(await fixture('submitted')).id}/approve`, { comment: 'x' }),
    },
    {
      route: 'POST /api/clusters/:id/request-changes',
      expected: row(401, 403, 403, 200, 403, 200),
      run: async (c) => c.post(`/api/clusters/${(await fixture('submitted')).id}/request-changes`, { comment: 'x' }),
    },
    {
      route: 'POST /api/clusters/:id/comments',
      expected: row(401, 201, 403, 201, 403, 201),
      run: async (c) => c.post(`/api/clusters/${(await fixture('approved')).id}/comments`, { body: 'x' }),
    },
  ];

  for (const c of cases) {
    it(`${c.route}: ${ROLES.map((r) => `${r}→${c.expected[r]}`).join(', ')}`, async () => {
      const got = {} as Record<Who, number>;
      for (const who of ROLES) got[who] = (await c.run(clients[who])).status;
      expect(got).toEqual(c.expected);
    });
  }

  it('a refused edit (planner of province 27 on a province-10 cluster) stores nothing but its audit entry', async () => {
    const f = await fixture('draft');
    const res = await clients['planner.bacninh'].put(`/api/clusters/${f.id}`, clusterFeature({ province_code: '15', tenants: 5 }, square(LAOCAI, f.slot)), ifMatch(1));
    expect(res.status).toBe(403);
    expect(await versionsOf(f.id)).toBe(1);
    const audit = await t.server.db.query<{ outcome: string; username: string; action: string }>(
      'SELECT outcome, username, action FROM audit_log WHERE entity_id = $1',
      [f.id],
    );
    expect(audit.rows).toEqual([{ outcome: 'refused', username: 'planner.bacninh', action: 'cluster.update' }]);
    // creating in another province is refused as well
    const other = await clients['planner.bacninh'].post('/api/clusters', clusterFeature({ province_code: '15' }, square(LAOCAI, nextSlot())));
    expect(other.status).toBe(403);
  });

  it('a reviewer cannot approve their own draft; another reviewer of the province can', async () => {
    const reviewer = clients['reviewer.laocai'];
    const created = await reviewer.post('/api/clusters', clusterFeature({}, square(LAOCAI, nextSlot())));
    expect(created.status, created.text).toBe(201);
    const id = created.body.id;
    expect((await reviewer.post(`/api/clusters/${id}/submit`, {})).status).toBe(200);
    const own = await reviewer.post(`/api/clusters/${id}/approve`, { comment: 'self' });
    expect(own.status).toBe(403);
    expect(own.body.error.code).toBe('own-version');
    expect((await reviewer.post(`/api/clusters/${id}/request-changes`, { comment: 'self' })).status).toBe(403);
    // a second reviewer, added by the admin
    const added = await clients.admin.post('/api/users', { username: 'reviewer2.laocai', password: 'another-password', role: 'reviewer', province_code: '15' });
    expect(added.status, added.text).toBe(201);
    const second = await t.server.client().login('reviewer2.laocai', 'another-password');
    const ok = await second.post(`/api/clusters/${id}/approve`, { comment: 'four eyes' });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.properties.published_version).toBe(1);
    // the admin also never approves a version they wrote
    const byAdmin = await clients.admin.post('/api/clusters', clusterFeature({}, square(LAOCAI, nextSlot())));
    await clients.admin.post(`/api/clusters/${byAdmin.body.id}/submit`, {});
    expect((await clients.admin.post(`/api/clusters/${byAdmin.body.id}/approve`, {})).status).toBe(403);
  });

  it('the public (and staff of other provinces) never see drafts, comments or authors: list, item, history, comments', async () => {
    const planner = clients['planner.laocai'];
    const created = await planner.post('/api/clusters', clusterFeature({ name: 'Cụm công nghiệp Bí Mật' }, square(LAOCAI, nextSlot())));
    const id = created.body.id;
    await planner.post(`/api/clusters/${id}/comments`, { body: 'internal note' });
    for (const who of ['anonymous', 'planner.bacninh'] as const) {
      const c = clients[who];
      const list = await c.get('/api/clusters?q=bi mat');
      expect(list.body.features.map((f: any) => f.id)).not.toContain(id);
      expect((await c.get(`/api/clusters/${id}`)).status).toBe(404);
      expect((await c.get(`/api/clusters/${id}?version=1`)).status).toBe(404);
      expect((await c.get(`/api/clusters/${id}/versions`)).status).toBe(404);
      expect([401, 403]).toContain((await c.get(`/api/clusters/${id}/comments`)).status);
      expect((await c.get(`/api/clusters/${id}/diff?from=1&to=1`)).status).toBe(404);
    }
    // staff of the province do see it
    expect((await clients.ministry.get('/api/clusters?q=bi mat')).body.features.map((f: any) => f.id)).toContain(id);
    // published data reaches the public without author names
    const pub = await fixture('approved');
    const item = await clients.anonymous.get(`/api/clusters/${pub.id}`);
    expect(item.status).toBe(200);
    expect(item.body.properties.author).toBeUndefined();
    const list = await clients.anonymous.get('/api/clusters?province=15');
    expect(list.body.features.length).toBeGreaterThan(0);
    expect(list.body.features.every((f: any) => f.properties.review_state === 'approved' && f.properties.author === undefined)).toBe(true);
  });
});

/**
 * The authorization matrix derived from server/domain/permissions.ts: for every role and every role-level action,
 * the routes that need it answer as `roleMay` says (in the user's own province), and the client's route guards use
 * the same rule (issue 13, defect 5: the client let only planners open the editor while the server lets reviewers edit).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ROLES, roleMay, type Role, type RoleAction } from '../../server/domain/permissions.ts';
import { describeEachServer } from '../support/server.ts';
import type { TestClient } from '../support/client.ts';
import { insertCluster } from '../support/fixtures.ts';
import { LAOCAI, clusterFeature, square } from '../clusters/helpers.ts';
import { upload } from '../exchange/helpers.ts';
import { routeAccess } from '../../client/app/route-access.ts';

/** a demo user of each role, in province 10 where the role has one */
const USER: Record<Role, string> = { planner: 'planner.laocai', reviewer: 'reviewer.laocai', ministry: 'ministry', admin: 'admin' };

describe('client route guards use the server rule', () => {
  const signedIn = (role: Role) => ({ id: 1, username: USER[role], role, province_code: role === 'planner' || role === 'reviewer' ? '10' : null, display_name: null });
  it.each(ROLES)('%s', (role) => {
    const may = (action: RoleAction) => roleMay(role, action);
    expect(routeAccess('/editor', signedIn(role))).toBe(may('edit'));
    expect(routeAccess('/review', signedIn(role))).toBe(may('read-queue'));
    expect(routeAccess('/imports', signedIn(role))).toBe(may('import'));
    expect(routeAccess('/admin/users', signedIn(role))).toBe(may('administer'));
    expect(routeAccess('/editor', null)).toBe(false);
  });
  it('a reviewer, who may edit clusters on the server, may open the editor', () => {
    expect(roleMay('reviewer', 'edit')).toBe(true);
    expect(routeAccess('/editor', signedIn('reviewer'))).toBe(true);
  });
});

describeEachServer('authorization matrix from server/domain/permissions.ts', (t) => {
  const clients = {} as Record<Role, TestClient>;
  let slot = 40;

  beforeAll(async () => {
    await insertCluster(t.server.db, { province_code_2009: '10', geometry: square(LAOCAI, 99), review_state: 'draft' });
    for (const role of ROLES) clients[role] = await t.server.client().login(USER[role]);
  });

  /** expected status when allowed / refused */
  const expectAllowed = (allowed: boolean, status: number, ok: number, what: string) => expect(status, what).toBe(allowed ? ok : 403);

  it.each(ROLES)('%s: edit — create, save and submit a cluster', async (role) => {
    const res = await clients[role].post('/api/clusters', clusterFeature({}, square(LAOCAI, slot++)));
    expectAllowed(roleMay(role, 'edit'), res.status, 201, `POST /api/clusters ${res.text.slice(0, 200)}`);
    if (res.status !== 201) return;
    const submit = await clients[role].request('POST', `/api/clusters/${res.body.id}/submit`, { body: {}, headers: { 'If-Match': '"1"' } });
    expect(submit.status, submit.text).toBe(200);
  });

  it.each(ROLES)('%s: review — approve a version submitted by someone else', async (role) => {
    const author = clients.planner;
    const created = await author.post('/api/clusters', clusterFeature({}, square(LAOCAI, slot++)));
    expect(created.status, created.text).toBe(201);
    expect((await author.request('POST', `/api/clusters/${created.body.id}/submit`, { body: {}, headers: { 'If-Match': '"1"' } })).status).toBe(200);
    const res = await clients[role].request('POST', `/api/clusters/${created.body.id}/approve`, { body: { comment: 'ok' }, headers: { 'If-Match': '"1"' } });
    // the planner authored it: the four-eyes rule refuses it too, whatever the role says
    expectAllowed(roleMay(role, 'review') && role !== 'planner', res.status, 200, `approve ${res.text.slice(0, 200)}`);
  });

  it.each(ROLES)('%s: read-queue, import, import-residential, administer', async (role) => {
    const c = clients[role];
    expectAllowed(roleMay(role, 'read-queue'), (await c.get('/api/clusters/review-queue')).status, 200, 'review queue');
    const file = JSON.stringify({ type: 'FeatureCollection', features: [clusterFeature({}, square(LAOCAI, slot++))] });
    expectAllowed(roleMay(role, 'import'), (await upload(c, file, 'm.geojson', 'clusters', '?crs=EPSG:4326')).status, 202, 'POST /api/imports');
    // no file: allowed roles get the 400 of the missing file, the others 403 first
    const residential = await c.request('POST', '/api/residential-zones/import', { raw: new FormData() });
    expect(residential.status, 'residential import').toBe(roleMay(role, 'import-residential') ? 400 : 403);
    expectAllowed(roleMay(role, 'administer'), (await c.get('/api/users')).status, 200, 'GET /api/users');
    expectAllowed(roleMay(role, 'administer'), (await c.get('/api/audit')).status, 200, 'GET /api/audit');
  });
});

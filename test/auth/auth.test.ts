import { TEST_DEMO_PASSWORD } from '../setup/template.ts';
import { describe, it, expect, inject, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describeEachServer } from '../support/server.ts';
import { projectRoot } from '../../server/paths.ts';

const run = promisify(execFile);

describeEachServer('auth: login, sessions, CSRF, users, audit', (t) => {
  it('login sets an httpOnly session cookie and a readable CSRF cookie; me returns the user; logout ends the session', async () => {
    const c = t.server.client();
    const res = await c.post('/api/auth/login', { username: 'planner.laocai', password: 'demo-password' });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ username: 'planner.laocai', role: 'planner', province_code: '15' });
    expect(res.body.user.password_hash).toBeUndefined();
    const cookies = res.headers.getSetCookie();
    expect(cookies.find((x) => x.startsWith('ca_session='))).toMatch(/HttpOnly/i);
    expect(cookies.find((x) => x.startsWith('ca_session='))).toMatch(/SameSite=Lax/i);
    expect(cookies.find((x) => x.startsWith('csrf_token='))).not.toMatch(/HttpOnly/i);
    const me = await c.get('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.user.username).toBe('planner.laocai');
    expect(me.headers.getSetCookie().some((x) => x.startsWith('csrf_token='))).toBe(true);
    const out = await c.post('/api/auth/logout');
    expect(out.status).toBe(204);
    expect((await c.get('/api/auth/me')).status).toBe(401);
    // the old cookie is dead server-side too
    const replay = t.server.client();
    replay.cookies.set('ca_session', 'forged-or-old');
    expect((await replay.get('/api/auth/me')).status).toBe(401);
  });

  it('wrong password or unknown user → 401; missing fields → 400', async () => {
    const c = t.server.client();
    const wrong = await c.post('/api/auth/login', { username: 'ministry', password: 'nope-nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('unauthorized');
    expect((await c.post('/api/auth/login', { username: 'ghost', password: 'x' })).status).toBe(401);
    expect((await c.post('/api/auth/login', { username: 'ministry' })).status).toBe(400);
  });

  it('failed logins are rate-limited per username → 429, even with the right password afterwards', async () => {
    const c = t.server.client();
    for (let i = 0; i < 5; i++) expect((await c.post('/api/auth/login', { username: 'planner.bacninh', password: `bad-${i}` })).status).toBe(401);
    const limited = await c.post('/api/auth/login', { username: 'planner.bacninh', password: 'demo-password' });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('too-many-requests');
    const refused = await t.server.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE action = 'login' AND outcome = 'refused' AND username = 'planner.bacninh'");
    expect(refused.rows[0].n).toBe(5);
  });

  it('a lockout holds the username at that address only, says when to retry, and grows with each failure', async () => {
    const attacker = t.server.client();
    const from = { 'X-Forwarded-For': '203.0.113.9' };
    for (let i = 0; i < 5; i++) expect((await attacker.post('/api/auth/login', { username: 'reviewer.laocai', password: `guess-${i}` }, from)).status).toBe(401);
    const limited = await attacker.post('/api/auth/login', { username: 'reviewer.laocai', password: 'guess-again' }, from);
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(30);
    expect(limited.body.error.details.retry_after_seconds).toBe(retryAfter);
    // the real user, elsewhere, is not locked out by the attacker
    const owner = await t.server.client().post('/api/auth/login', { username: 'reviewer.laocai', password: TEST_DEMO_PASSWORD }, { 'X-Forwarded-For': '198.51.100.4' });
    expect(owner.status).toBe(200);
  });

  it('cookie-authenticated writes need X-CSRF-Token equal to the csrf_token cookie → else 403', async () => {
    const c = await t.server.client().login('planner.laocai');
    const feature = { type: 'Feature', geometry: null, properties: {} };
    const missing = await c.request('POST', '/api/clusters/validate', { body: feature, headers: { 'X-CSRF-Token': '' } });
    expect(missing.status).toBe(403);
    expect(missing.body.error.code).toBe('csrf-failed');
    const wrong = await c.request('POST', '/api/clusters', { body: feature, headers: { 'X-CSRF-Token': 'not-the-token' } });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe('csrf-failed');
    expect((await c.request('POST', '/api/auth/logout', { headers: { 'X-CSRF-Token': 'x' } })).status).toBe(403);
    // with the right header the request goes through to validation
    expect((await c.post('/api/clusters/validate', feature)).status).toBe(200);
    // reads need no token
    expect((await c.get('/api/clusters')).status).toBe(200);
  });

  it('POST /api/users: admin only, validated, unique; the new user can log in', async () => {
    const anon = t.server.client();
    const planner = await t.server.client().login('planner.laocai');
    const admin = await t.server.client().login('admin');
    const body = { username: 'planner2.laocai', password: 'long-enough-1', role: 'planner', province_code: '15' };
    expect((await anon.post('/api/users', body)).status).toBe(401);
    expect((await planner.post('/api/users', body)).status).toBe(403);
    expect((await (await t.server.client().login('ministry')).post('/api/users', body)).status).toBe(403);
    const bad = await admin.post('/api/users', { username: 'A', password: 'short', role: 'king' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid-user');
    expect(bad.body.error.details.map((d: any) => d.field).sort()).toEqual(['password', 'role', 'username']);
    expect((await admin.post('/api/users', { ...body, province_code: undefined })).status).toBe(400);
    expect((await admin.post('/api/users', { ...body, role: 'ministry' })).status).toBe(400);
    expect((await admin.post('/api/users', { ...body, province_code: '99' })).status).toBe(400);
    const created = await admin.post('/api/users', body);
    expect(created.status, created.text).toBe(201);
    expect(created.body.user).toMatchObject({ username: 'planner2.laocai', role: 'planner', province_code: '15' });
    // scopes are 2025 units: old 10 (now part of unit 15) is refused
    expect((await admin.post('/api/users', { ...body, username: 'planner3.laocai', province_code: '10' })).status).toBe(400);
    expect((await admin.post('/api/users', body)).status).toBe(409);
    await t.server.client().login('planner2.laocai', 'long-enough-1');
    const list = await admin.get('/api/users');
    expect(list.body.users.map((u: any) => u.username)).toContain('planner2.laocai');
    expect(JSON.stringify(list.body)).not.toMatch(/password_hash|\$2[aby]\$/);
    expect((await planner.get('/api/users')).status).toBe(403);
  });

  it('GET /api/audit is admin only and records who, what and from where', async () => {
    const admin = await t.server.client().login('admin');
    expect((await t.server.client().get('/api/audit')).status).toBe(401);
    expect((await (await t.server.client().login('ministry')).get('/api/audit')).status).toBe(403);
    const res = await admin.get('/api/audit?entity_type=user');
    expect(res.status).toBe(200);
    const entry = res.body.entries.find((e: any) => e.action === 'user.create');
    expect(entry).toMatchObject({ username: 'admin', outcome: 'ok' });
    expect(entry.ip).toBeTruthy();
    // append-only at the database level
    await expect(t.server.db.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
  });
});

describe('user:add CLI on the embedded data folder', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ca-user-add-'));
    await mkdir(path.join(dir, 'pglite'));
    // start from the migrated+seeded test template rather than migrating from scratch
    await run('tar', ['-xzf', inject('embeddedTemplatePath'), '-C', path.join(dir, 'pglite')]);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const cli = (args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'scripts/user-add.ts', ...args], {
      cwd: projectRoot,
      env: { ...process.env, DATA_DIR: dir, DATABASE_URL: '', LOG_LEVEL: 'silent' },
    }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e) => ({ code: e.code as number, stdout: e.stdout as string, stderr: e.stderr as string }),
    );

  const args = ['--username', 'cli.user', '--password', 'cli-password-1', '--role', 'reviewer', '--province', '24'];

  it('refuses with a clear message while another live process holds the data folder lock, and changes nothing', async () => {
    // this test process is alive, so its pid makes a held lock
    await writeFile(path.join(dir, 'cluster-atlas.lock'), JSON.stringify({ pid: process.pid, owner: 'cluster-atlas server', at: new Date().toISOString() }));
    const locked = await cli(args);
    expect(locked.code).toBe(1);
    expect(locked.stderr).toMatch(/in use by another process \(pid \d+, cluster-atlas server\)/);
    await rm(path.join(dir, 'cluster-atlas.lock'));
  }, 60_000);

  it('creates the user once the folder is free; a second run reports the duplicate', async () => {
    const ok = await cli(args);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/created cli\.user \(reviewer, province 24\)/);
    const again = await cli(args);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
    const bad = await cli(['--username', 'x', '--role', 'planner']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/Invalid user/);
  }, 120_000);
});

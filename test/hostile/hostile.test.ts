import { beforeAll, expect, it } from 'vitest';
import { describeEachServer } from '../support/server.ts';
import { insertCluster, squareAround } from '../support/fixtures.ts';
import type { TestClient } from '../support/client.ts';
import { hostileCorpus } from './corpus.ts';

const CORPUS = hostileCorpus();

// Tables whose rows a refused request must leave alone (job and audit tables record the refusal itself).
const DATA_TABLES = [
  'clusters',
  'cluster_versions',
  'cluster_review_events',
  'cluster_comments',
  'plans',
  'plan_items',
  'facilities',
  'facility_versions',
  'residential_zones',
  'users',
  'screenings',
];

// Words of PostgreSQL's own messages that must never reach a client.
const DATABASE_TEXT = /syntax error|violates|sqlstate|relation "|column "|unsupported unicode|invalid input syntax|out of range for type|invalid byte sequence|stack depth|pg_|postgis|st_/i;

it('the corpus holds at least 300 cases', () => {
  expect(CORPUS.length).toBeGreaterThanOrEqual(300);
});

describeEachServer('hostile input corpus', (t) => {
  const clients = new Map<string, TestClient>();
  const ids: Record<string, string> = {};
  let existingTables: string[] = [];
  let before: Record<string, number> = {};

  const counts = async () => {
    const out: Record<string, number> = {};
    for (const table of existingTables) {
      out[table] = (await t.server.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;
    }
    return out;
  };

  beforeAll(async () => {
    const present = await t.server.db.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name = ANY($1)",
      [DATA_TABLES],
    );
    existingTables = present.rows.map((r) => r.table_name).sort();
    ids.cluster = (await insertCluster(t.server.db, { geometry: squareAround(104.05, 22.35, 400), review_state: 'draft' })).id;
    const planner = await t.server.client().login('planner.laocai');
    const plans = await planner.get('/api/plans');
    ids.plan = String(plans.body?.plans?.[0]?.id ?? plans.body?.[0]?.id ?? '1');
    ids.facility = '1';
    for (const as of new Set(CORPUS.map((c) => c.as).filter((a): a is string => !!a))) clients.set(as, await t.server.client().login(as));
    before = await counts();
  }, 120_000);

  it.each(CORPUS.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const client = c.as ? clients.get(c.as)! : t.server.client();
    const path = c.path.replace(/\{(\w+)\}/g, (_m, key: string) => ids[key] ?? '0');
    const res = await client.request(c.method, path, c.body !== undefined ? { body: c.body, headers: c.headers } : { raw: typeof c.raw === 'string' || c.raw === undefined ? c.raw : new Uint8Array(c.raw), headers: c.headers });
    expect(res.status, `${res.status} ${res.text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
    expect(res.status, `${res.status} ${res.text.slice(0, 300)}`).toBeLessThan(500);
    expect(res.body?.error, res.text.slice(0, 300)).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    expect(res.body.error.message).not.toMatch(DATABASE_TEXT);

    const started = Date.now();
    const health = await t.server.client().get('/api/health');
    expect(health.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('stored nothing', async () => {
    expect(await counts()).toEqual(before);
  });
});

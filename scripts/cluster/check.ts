// npm run cluster:check — the scale-out check that .ci/run calls. It starts the local cluster (2 app instances,
// primary + streaming hot standby, nginx) and proves, through nginx:
//   1. public reads are served by the standby (response header, each instance's health counters, and the
//      standby's own statistics);
//   2. an approval followed at once by a tile request, 20 times in a row, always returns the new tile (and the
//      OGC item), half of the times with the standby's replay paused — the worst case of lag;
//   3. kill -9 of one app instance under a load of 20 clients for 20 s: zero failed GETs;
//   4. stopping the standby under the same load: zero failed GETs, a warning in the logs, and public reads go
//      back to the standby after it restarts.
// Exits non-zero on the first broken promise, after stopping everything it started.
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { Cluster } from './cluster.ts';
import { runLoad, type LoadResult } from './load.ts';

const started = Date.now();
const say = (line: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class CheckFailed extends Error {}
function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new CheckFailed(message);
}

/** A client with a cookie jar and the CSRF header, like the browser's. */
class Client {
  private readonly cookies = new Map<string, string>();
  constructor(private readonly base: string) {}

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const h: Record<string, string> = { ...headers };
    if (this.cookies.size) h.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const csrf = this.cookies.get('csrf_token');
    if (csrf && method !== 'GET') h['X-CSRF-Token'] = decodeURIComponent(csrf);
    if (body !== undefined) h['content-type'] = 'application/json';
    const res = await fetch(this.base + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const eq = pair.indexOf('=');
      this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    const bytes = new Uint8Array(await res.arrayBuffer());
    const text = new TextDecoder().decode(bytes);
    const json = (res.headers.get('content-type') ?? '').includes('json') && text ? JSON.parse(text) : undefined;
    return { status: res.status, headers: res.headers, bytes, text, json };
  }

  get(path: string, headers?: Record<string, string>) {
    return this.request('GET', path, undefined, headers);
  }

  post(path: string, body?: unknown) {
    return this.request('POST', path, body ?? {});
  }

  async login(username: string) {
    const res = await this.post('/api/auth/login', { username, password: process.env.DEMO_PASSWORD ?? 'demo-password' });
    check(res.status === 200, `login ${username}: ${res.status} ${res.text}`);
    return this;
  }
}

function tileOf(lon: number, lat: number, z: number) {
  const n = 2 ** z;
  const r = (lat * Math.PI) / 180;
  return { z, x: Math.floor(((lon + 180) / 360) * n), y: Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n) };
}

/** The cluster ids in a tile (fetch has already inflated a gzip body). */
function tileFeatureIds(bytes: Uint8Array): string[] {
  if (bytes.length === 0) return [];
  const layer = new VectorTile(new PbfReader(bytes)).layers.clusters;
  return layer ? Array.from({ length: layer.length }, (_, i) => String(layer.feature(i).properties.id)) : [];
}

function squareAround(lon: number, lat: number, sizeM: number) {
  const dLat = sizeM / 2 / 111_320;
  const dLon = sizeM / 2 / (111_320 * Math.cos((lat * Math.PI) / 180));
  return { type: 'Polygon', coordinates: [[[lon - dLon, lat - dLat], [lon + dLon, lat - dLat], [lon + dLon, lat + dLat], [lon - dLon, lat + dLat], [lon - dLon, lat - dLat]]] };
}

interface Health {
  db: { replica: { connected: boolean; lag_ms: number | null }; reads: Record<string, number>; pools: Record<string, { total: number }> };
}

async function instanceHealth(cluster: Cluster): Promise<Health[]> {
  return Promise.all(cluster.state.instances.map(async (i) => (await fetch(`http://127.0.0.1:${i.port}/api/health`)).json() as Promise<Health>));
}

const sum = (hs: Health[], key: string) => hs.reduce((n, h) => n + (h.db.reads[key] ?? 0), 0);

function report(name: string, r: LoadResult) {
  const sources = Object.entries(r.bySource).map(([k, v]) => `${k} ${v}`).join(', ');
  say(`${name}: ${r.requests} GETs, ${r.failed} failed; statuses ${JSON.stringify(r.statuses)}; read source ${sources}`);
  check(r.requests > 100, `${name}: the load ran only ${r.requests} requests`);
  check(r.failed === 0, `${name}: ${r.failed} failed GETs, e.g. ${r.failures.join(' | ')}`);
}

// the middle of a z10 tile in Lào Cai (between Sa Pa and Lào Cai city): the 20 new clusters all fall inside it
const LAOCAI = [103.89, 22.43] as const;
const tile = tileOf(LAOCAI[0], LAOCAI[1], 10);
const tilePath = `/tiles/clusters/${tile.z}/${tile.x}/${tile.y}.pbf`;
// a mix of public reads: cached tiles of several layers and zooms, OGC items, the public API, a download
const LOAD_PATHS = [
  tilePath,
  '/tiles/provinces/6/50/28.pbf',
  '/tiles/provinces/5/25/14.pbf',
  `/tiles/clusters/${tile.z - 2}/${tile.x >> 2}/${tile.y >> 2}.pbf`,
  '/ogc/collections/clusters/items?limit=20',
  '/ogc/collections/provinces/items?limit=2',
  '/api/public/opportunities',
  '/api/clusters?limit=10',
  '/api/public/downloads/clusters.csv',
  '/tiles/versions.json',
];

let cluster: Cluster | undefined;
const stopAll = async () => {
  await cluster?.stop();
  cluster = undefined;
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void stopAll().finally(() => process.exit(130)));
}

try {
  say('starting the cluster: primary + hot standby, 2 app instances, nginx');
  cluster = await Cluster.start({ instances: 2, log: (line) => say(line) });
  const base = cluster.url;
  say(`cluster ready: ${base}`);
  const pub = new Client(base);

  // 1. public reads come from the standby
  const before = await instanceHealth(cluster);
  const [standbyBefore] = await cluster.sql<{ n: string }>('standby', "SELECT xact_commit::text AS n FROM pg_stat_database WHERE datname = 'cluster_atlas'");
  for (let i = 0; i < 5; i++) {
    for (const path of LOAD_PATHS) {
      const res = await pub.get(path);
      check(res.status < 300, `GET ${path}: ${res.status}`);
      // tiles answered from nginx's cache keep the header of the response they were stored from
      check(res.headers.get('x-read-source') === 'replica', `GET ${path} was read from ${res.headers.get('x-read-source')}, not the standby`);
    }
  }
  const after = await instanceHealth(cluster);
  // Reads that must reach the standby's SQL: tiles may be answered by nginx's cache alone.
  const databaseReads = LOAD_PATHS.filter((p) => !p.startsWith('/tiles/')).length * 5;
  // An idle backend publishes its statistics up to 10 s late (PGSTAT_IDLE_INTERVAL), so poll rather than sleep once.
  const standbyTransactions = async () => {
    const [row] = await cluster!.sql<{ n: string }>('standby', "SELECT xact_commit::text AS n FROM pg_stat_database WHERE datname = 'cluster_atlas'");
    return Number(row.n) - Number(standbyBefore.n);
  };
  let ranOnStandby = await standbyTransactions();
  for (const deadline = Date.now() + 15_000; ranOnStandby < databaseReads && Date.now() < deadline; ) {
    await sleep(500);
    ranOnStandby = await standbyTransactions();
  }
  const servedByStandby = sum(after, 'replica') - sum(before, 'replica');
  say(`1. public reads: ${servedByStandby} routed to the standby by the instances' health counters; the standby ran ${ranOnStandby} transactions`);
  check(servedByStandby >= LOAD_PATHS.length * 5, `only ${servedByStandby} reads counted on the standby`);
  check(after.every((h) => h.db.reads.replica > 0), 'an instance served no public read from the standby');
  check(ranOnStandby >= databaseReads, `the standby itself ran ${ranOnStandby} transactions for ${databaseReads} database reads`);
  check(after.every((h) => h.db.replica.connected && h.db.replica.lag_ms !== undefined), 'health lacks db.replica {connected, lag_ms}');

  // 2. approval → tile at once, 20 times, through nginx and its tile cache
  const planner = await new Client(base).login('planner.laocai');
  const reviewer = await new Client(base).login('reviewer.laocai');
  let previousEtag = (await pub.get(tilePath, { 'Accept-Encoding': 'gzip' })).headers.get('etag');
  const sources: Record<string, number> = {};
  for (let i = 0; i < 20; i++) {
    const paused = i % 2 === 1;
    // warm nginx's copy of the tile, so a stale answer would be possible
    const warm = await pub.get(tilePath, { 'Accept-Encoding': 'gzip' });
    check(warm.headers.get('etag') === previousEtag, `iteration ${i}: the tile's ETag changed without an approval (or went backwards)`);
    if (paused) await cluster.sql('standby', 'SELECT pg_wal_replay_pause()');
    const geometry = squareAround(LAOCAI[0] + ((i % 5) - 2) * 0.012, LAOCAI[1] + (Math.floor(i / 5) - 2) * 0.012, 400);
    const created = await planner.post('/api/clusters', { type: 'Feature', geometry, properties: { name: `Cụm công nghiệp Kiểm tra ${i + 1}`, province_code: '15', status: 'planned' }, comment: 'cluster check' });
    check(created.status === 201, `create: ${created.status} ${created.text}`);
    const id = created.json.id as string;
    const submitted = await planner.post(`/api/clusters/${id}/submit`, { comment: 'check' });
    check(submitted.status === 200, `submit: ${submitted.status} ${submitted.text}`);
    const approved = await reviewer.post(`/api/clusters/${id}/approve`, { comment: 'ok' });
    check(approved.status === 200, `approve: ${approved.status} ${approved.text}`);
    // at once, anonymously, through nginx
    const res = await pub.get(tilePath, { 'Accept-Encoding': 'gzip' });
    check(res.status === 200, `iteration ${i}: tile ${res.status}`);
    const ids = tileFeatureIds(res.bytes);
    check(ids.includes(id), `iteration ${i}${paused ? ' (standby paused)' : ''}: the tile after the approval lacks the approved cluster (stale tile; cache ${res.headers.get('x-cache-status')}, source ${res.headers.get('x-read-source')})`);
    check(res.headers.get('etag') !== previousEtag, `iteration ${i}: the ETag did not change`);
    const item = await pub.get(`/ogc/collections/clusters/items/${id}`);
    check(item.status === 200, `iteration ${i}: the OGC item of the approved cluster answers ${item.status}`);
    const key = `${paused ? 'paused' : 'replaying'}→${res.headers.get('x-read-source')}/${item.headers.get('x-read-source')}`;
    sources[key] = (sources[key] ?? 0) + 1;
    if (paused) {
      check(item.headers.get('x-read-source') === 'primary', `iteration ${i}: the standby is paused, yet the OGC item was read from it`);
      await cluster.sql('standby', 'SELECT pg_wal_replay_resume()');
    }
    previousEtag = res.headers.get('etag');
  }
  await cluster.waitReplayed();
  // caught up: the same tile, from the standby, with the ETag the client already has (never an older one)
  const caughtUp = await pub.get(tilePath, { 'Accept-Encoding': 'gzip', 'If-None-Match': previousEtag! });
  check(caughtUp.status === 304, `after the standby caught up the tile answered ${caughtUp.status}, not 304 for the latest ETag`);
  const lagged = await pub.get('/ogc/collections/clusters/items?limit=1');
  check(lagged.headers.get('x-read-source') === 'replica', 'after catching up, public reads did not return to the standby');
  say(`2. 20 approvals, each followed at once by the tile through nginx: always the new tile (tile/OGC read from: ${JSON.stringify(sources)})`);

  // 3. kill -9 of one instance under load
  const killed = cluster.state.instances[0];
  const kill = await runLoad(base, LOAD_PATHS, {
    clients: 20,
    seconds: 20,
    during: [[5, () => (say(`   kill -9 app instance 1 (pid ${killed.pid}, port ${killed.port})`), cluster!.killInstance(0))]],
  });
  report('3. kill -9 of one app instance under 20 clients for 20 s', kill);
  say('   restarting app instance 1');
  await cluster.startInstance(0);

  // 4. the standby stops under load, and comes back
  const downBefore = await instanceHealth(cluster);
  const standbyLoad = await runLoad(base, LOAD_PATHS, {
    clients: 20,
    seconds: 20,
    during: [
      [5, () => (say('   stopping the standby (pg_ctl stop -m fast)'), cluster!.stopStandby())],
      [12, () => (say('   starting the standby again'), cluster!.startStandby())],
    ],
  });
  report('4. standby stopped and restarted under 20 clients for 20 s', standbyLoad);
  check((standbyLoad.bySource.primary ?? 0) > 0, 'no read fell back to the primary while the standby was down');
  const warned = cluster.state.instances.every((i) => readFileSync(i.log, 'utf8').includes('read replica unavailable'));
  check(warned, 'an instance logged no warning when the standby went away');
  // back on the standby: every instance reconnects and routes public reads there again
  const deadline = Date.now() + 10_000;
  let back: Health[] = [];
  for (;;) {
    for (let i = 0; i < 10; i++) await pub.get('/ogc/collections/clusters/items?limit=1');
    back = await instanceHealth(cluster);
    const returned = back.every((h, i) => h.db.replica.connected && h.db.reads.replica > (downBefore[i].db.reads.replica ?? 0));
    if (returned && (await pub.get('/ogc/collections/clusters/items?limit=1')).headers.get('x-read-source') === 'replica') break;
    check(Date.now() < deadline, `public reads did not return to the standby within 10 s: ${JSON.stringify(back.map((h) => h.db.replica))}`);
    await sleep(250);
  }
  check(cluster.state.instances.every((i) => readFileSync(i.log, 'utf8').includes('read replica is back')), 'an instance did not log the standby coming back');
  say(`   reads back on the standby: ${JSON.stringify(back.map((h) => ({ replica: h.db.replica, reads: h.db.reads })))}`);

  await stopAll();
  say('cluster check passed');
} catch (err) {
  console.error(`cluster check FAILED: ${(err as Error).message}`);
  if (!(err instanceof CheckFailed)) console.error((err as Error).stack);
  if (cluster) {
    // the cluster's folder goes with it: keep the logs for the CI report
    const keep = mkdtempSync(path.join(os.tmpdir(), 'cluster-check-logs-'));
    for (const log of [cluster.state.primary.log, cluster.state.standby.log, ...cluster.state.instances.map((i) => i.log), path.join(cluster.state.nginx.prefix, 'error.log')]) {
      if (existsSync(log)) copyFileSync(log, path.join(keep, path.basename(log)));
    }
    console.error(`logs kept in ${keep}`);
  }
  await stopAll();
  process.exit(1);
}

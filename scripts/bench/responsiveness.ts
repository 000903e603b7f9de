/**
 * Responsiveness under heavy work (issue 21): /api/health and public vector-tile latencies, idle and while an
 * import check of the largest accepted CSV (IMPORT_LIMITS.maxRows rows) and a stream of 50,000-vertex boundary
 * validations run. The real server is spawned (embedded driver on a fresh DATA_DIR; native PostGIS too when
 * BENCH_DATABASE_URL points at a server where we may CREATE DATABASE).
 *
 *   node --import tsx scripts/bench/responsiveness.ts [--rows N]   (default: IMPORT_LIMITS.maxRows)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { projectRoot } from '../../server/paths.ts';
import { GEOMETRY_MAX_VERTICES, IMPORT_LIMITS } from '../../server/domain/limits.ts';

const rowsArg = process.argv.indexOf('--rows');
const ROWS = rowsArg > 0 ? Number(process.argv[rowsArg + 1]) : IMPORT_LIMITS.maxRows;
let nextPort = 3800;
const PASSWORD = process.env.DEMO_PASSWORD ?? 'demo-password';

async function waitFor200(url: string, deadline: number) {
  for (;;) {
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`timeout waiting for ${url}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function start(env: Record<string, string>) {
  const port = nextPort++;
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
    cwd: projectRoot,
    env: { ...process.env, LOG_LEVEL: 'warn', PORT: String(port), ...env },
    stdio: 'ignore',
  });
  const base = `http://127.0.0.1:${port}`;
  await waitFor200(`${base}/api/provinces`, Date.now() + 180_000);
  return { child, base };
}

async function stop(child: ChildProcess) {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

async function login(base: string, username: string) {
  const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]!);
  const csrf = decodeURIComponent(cookies.find((c) => c.startsWith('csrf_token='))!.split('=')[1]!);
  return { cookie: cookies.join('; '), csrf };
}

/** Web-Mercator tile of lon/lat at zoom z. */
function tileOf(lon: number, lat: number, z: number): [number, number] {
  const n = 2 ** z;
  const rad = (lat * Math.PI) / 180;
  return [Math.floor(((lon + 180) / 360) * n), Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n)];
}

const TILES = Array.from({ length: 40 }, (_, i) => {
  const [x, y] = tileOf(103.6 + (i % 8) * 0.12, 22.0 + Math.floor(i / 8) * 0.1, 11);
  return `/tiles/clusters/11/${x}/${y}.pbf`;
});

async function timed(url: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url);
  await res.arrayBuffer();
  if (res.status >= 500) throw new Error(`${url}: ${res.status}`);
  return performance.now() - t0;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
};
const summary = (xs: number[]) => ({ n: xs.length, p50: +pct(xs, 50).toFixed(1), p95: +pct(xs, 95).toFixed(1), p99: +pct(xs, 99).toFixed(1), max: +Math.max(...xs).toFixed(1) });

/** Health and tile latencies, one request after another, until `until` resolves (or for `idleMs`). */
async function sample(base: string, until: Promise<unknown> | number) {
  const health: number[] = [];
  const tiles: number[] = [];
  let done = false;
  if (typeof until === 'number') setTimeout(() => (done = true), until);
  else void until.finally(() => (done = true));
  for (let i = 0; !done; i++) {
    health.push(await timed(`${base}/api/health`));
    tiles.push(await timed(`${base}${TILES[i % TILES.length]}?v=${i}`));
  }
  return { health: summary(health), tiles: summary(tiles) };
}

function bigCsv(rows: number): string {
  const lines = ['ten,vi_do,kinh_do,dien_tich_ha'];
  for (let i = 0; i < rows; i++) lines.push(`CCN Thử ${i},${(21.9 + (i % 500) * 0.001).toFixed(5)},${(103.7 + Math.floor(i / 500) * 0.001).toFixed(5)},${10 + (i % 60)}`);
  return lines.join('\n');
}

function comb(vertices: number) {
  const ring: [number, number][] = [];
  const teeth = Math.floor((vertices - 3) / 2);
  for (let i = 0; i < teeth; i++) {
    ring.push([104.0 + i * 1e-5, 22.3]);
    ring.push([104.0 + i * 1e-5 + 5e-6, 22.31]);
  }
  ring.push([104.0 + teeth * 1e-5, 22.29], [104.0, 22.29], ring[0]!);
  return { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [ring] } };
}

async function heavyWork(base: string) {
  const auth = await login(base, 'planner.laocai');
  const form = new FormData();
  form.append('layer', 'clusters');
  form.append('file', new Blob([bigCsv(ROWS)]), 'big.csv');
  const t0 = performance.now();
  const up = await fetch(`${base}/api/imports`, { method: 'POST', headers: { cookie: auth.cookie, 'x-csrf-token': auth.csrf }, body: form });
  const { id } = (await up.json()) as { id: string };
  let validations = 0;
  let checking = true;
  const validate = (async () => {
    const body = JSON.stringify(comb(GEOMETRY_MAX_VERTICES - 10));
    while (checking) {
      await fetch(`${base}/api/analysis/check`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then((r) => r.arrayBuffer());
      validations++;
    }
  })();
  for (;;) {
    const r = (await (await fetch(`${base}/api/imports/${id}?issues_limit=1`, { headers: { cookie: auth.cookie } })).json()) as { state: string };
    if (r.state !== 'checking') break;
    await new Promise((res) => setTimeout(res, 500));
  }
  checking = false;
  await validate;
  return { rows: ROWS, check_s: +((performance.now() - t0) / 1000).toFixed(1), validations };
}

async function bench(label: string, env: Record<string, string>) {
  const { child, base } = await start(env);
  try {
    for (const t of TILES) await timed(`${base}${t}`); // warm the tile cache once
    const idle = await sample(base, 15_000);
    let work: Awaited<ReturnType<typeof heavyWork>> | undefined;
    const running = heavyWork(base).then((w) => (work = w));
    const loaded = await sample(base, running);
    await running;
    return { driver: label, idle, loaded, work };
  } finally {
    await stop(child);
  }
}

const results = [];
const dir = await mkdtemp(path.join(tmpdir(), 'ca-bench-resp-'));
try {
  results.push(await bench('embedded', { DATA_DIR: dir }));
} finally {
  await rm(dir, { recursive: true, force: true });
}
if (process.env.BENCH_DATABASE_URL) {
  const adminUrl = new URL(process.env.BENCH_DATABASE_URL);
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  const name = `ca_bench_resp_${Date.now()}`;
  await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  try {
    // demo accounts on native only with db:seed --demo
    const seed = spawn(process.execPath, ['--import', 'tsx', 'scripts/db-seed.ts', '--demo'], { cwd: projectRoot, env: { ...process.env, DATABASE_URL: url.toString() }, stdio: 'inherit' });
    await new Promise((r) => seed.once('exit', r));
    results.push(await bench('native', { DATABASE_URL: url.toString() }));
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(name)} WITH (FORCE)`);
    await admin.end();
  }
}
console.log(JSON.stringify({ machine: { cpus: cpus().length, model: cpus()[0]?.model, memory_gb: Math.round(totalmem() / 2 ** 30) }, at: new Date().toISOString(), results }, null, 2));

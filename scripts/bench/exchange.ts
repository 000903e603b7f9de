/**
 * Exchange benchmark (issue 8): import N polygons from a zipped Shapefile (VN-2000 zone 104°45′ with a .prj) — check
 * time, commit time — then export N clusters in every format, and report the peak RSS of the SERVER alone.
 *
 * The server runs as a separate child process (`node --import tsx server/index.ts`, LOG_LEVEL=warn) over a throw-away
 * native database that this script creates and drops; the benchmark client (fixture generation, upload, polling,
 * reading the exports) stays in this process. The server's memory is read from /proc/<child pid>/status: VmRSS sampled
 * every 50 ms (peak over the import, over the exports, and per export format) and VmHWM (the kernel's high-water mark) at the end.
 * An admin account is created with scripts/user-add.ts against the same database.
 *
 *   node --import tsx scripts/bench/exchange.ts --url postgres://…/postgres [--count 10000] [--port 3761]
 *   (or BENCH_DATABASE_URL instead of --url; Linux only, native PostgreSQL + PostGIS only)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import JSZip from 'jszip';
import pg from 'pg';
import { writeShapefile } from '../../server/exchange/formats/shapefile-writer.ts';
import { parseArgs } from '../cli.ts';

const args = parseArgs(process.argv.slice(2));
const count = Number(args.count ?? 10000);
const port = Number(args.port ?? 3761);
const adminUrl = typeof args.url === 'string' ? args.url : process.env.BENCH_DATABASE_URL;
if (!adminUrl) {
  console.error('exchange bench: give --url postgres://…/postgres (or BENCH_DATABASE_URL); the server runs on native PostGIS');
  process.exit(2);
}
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const USERNAME = 'bench.admin';
const PASSWORD = 'bench-password-1';
const MB = 1024; // /proc status figures are in kB

/** VmRSS / VmHWM of a process in kB, or null once it is gone. */
function procStatus(pid: number): { rss: number; hwm: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
    return { rss: field('VmRSS'), hwm: field('VmHWM') };
  } catch {
    return null;
  }
}

/** Peak VmRSS of the server per phase, sampled every 50 ms. */
class RssSampler {
  private timer?: NodeJS.Timeout;
  peak = 0;
  samples = 0;
  constructor(private readonly pid: number) {}
  start() {
    this.peak = procStatus(this.pid)?.rss ?? 0;
    this.timer = setInterval(() => this.sample(), 50);
    return this;
  }
  private sample() {
    const s = procStatus(this.pid);
    if (s) {
      this.peak = Math.max(this.peak, s.rss);
      this.samples++;
    }
  }
  stop() {
    clearInterval(this.timer);
    this.sample();
    return Math.round(this.peak / MB);
  }
}

function run(cmd: string, argv: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`${cmd} ${argv.join(' ')} exited ${code}: ${out}`))));
  });
}

/** N squares of 50 m on a 70 m grid around Lào Cai city, in EPSG:9208 metres. */
async function shapefileZip(n: number): Promise<Buffer> {
  const side = Math.ceil(Math.sqrt(n));
  const [e0, n0] = [438010 - (side * 70) / 2, 2473647 - (side * 70) / 2];
  const features = [];
  for (let i = 0; i < n; i++) {
    const x = e0 + (i % side) * 70;
    const y = n0 + Math.floor(i / side) * 70;
    features.push({
      geometry: { type: 'Polygon' as const, coordinates: [[[x, y], [x + 50, y], [x + 50, y + 50], [x, y + 50], [x, y]]] },
      values: [`Cụm công nghiệp Thử ${i + 1}`, 0.25, 'Đang hoạt động', 'Xã Thử; Phường Thử'],
    });
  }
  const w = writeShapefile('polygon', [{ attribute: 'ten', type: 'C' }, { attribute: 'dien_tich', type: 'N', decimals: 4 }, { attribute: 'tinh_trang', type: 'C' }, { attribute: 'xa_phuong', type: 'C' }], features);
  const prj = 'PROJCS["VN-2000_TM-3_104-45",GEOGCS["GCS_VN_2000",DATUM["D_Vietnam_2000",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",104.75],PARAMETER["Scale_Factor",0.9999],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]';
  const zip = new JSZip();
  zip.file('bench.shp', w.shp).file('bench.shx', w.shx).file('bench.dbf', w.dbf).file('bench.prj', prj).file('bench.cpg', 'UTF-8');
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

async function adminQuery(sql: string) {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

async function main() {
  const name = `cluster_atlas_bench_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const dbUrl = new URL(adminUrl!);
  dbUrl.pathname = `/${name}`;
  const env = { ...process.env, DATABASE_URL: dbUrl.toString(), PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' };
  const base = `http://127.0.0.1:${port}`;
  let server: ChildProcess | undefined;
  let serverLog = '';
  try {
    // 1. the server, alone in its process: migrates and seeds the geography (no demo users on native)
    const startedAt = Date.now();
    server = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout!.on('data', (d) => (serverLog += d));
    server.stderr!.on('data', (d) => (serverLog += d));
    const exited = new Promise<never>((_, reject) => server!.once('exit', (code) => reject(new Error(`server exited ${code}:\n${serverLog}`))));
    const pid = server.pid!;
    for (;;) {
      const ok = await Promise.race([
        fetch(`${base}/api/health`).then((r) => r.ok, () => false),
        exited,
      ]);
      if (ok) break;
      if (Date.now() - startedAt > 120_000) throw new Error(`server not up after 120 s:\n${serverLog}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const startupMs = Date.now() - startedAt;
    const rssIdle = Math.round((procStatus(pid)?.rss ?? 0) / MB);

    // 2. an admin account, as `npm run user:add` does
    const userAdd = await run(process.execPath, ['--import', 'tsx', 'scripts/user-add.ts', '--username', USERNAME, '--password', PASSWORD, '--role', 'admin'], env);

    let cookie = '';
    let csrf = '';
    const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: USERNAME, password: PASSWORD }) });
    if (!login.ok) throw new Error(`login ${login.status}: ${await login.text()}`);
    for (const c of login.headers.getSetCookie()) {
      const [pair] = c.split(';');
      cookie += `${pair}; `;
      if (pair!.startsWith('csrf_token=')) csrf = decodeURIComponent(pair!.slice(11));
    }
    const headers = { cookie, 'x-csrf-token': csrf };

    // 3. import: upload + check, then commit
    const file = await shapefileZip(count);
    const rssBeforeImport = Math.round((procStatus(pid)?.rss ?? 0) / MB);
    const importRss = new RssSampler(pid).start();
    const t0 = Date.now();
    const form = new FormData();
    form.append('layer', 'clusters');
    form.append('file', new Blob([new Uint8Array(file)]), 'bench.zip');
    const up = await fetch(`${base}/api/imports`, { method: 'POST', headers, body: form });
    if (!up.ok) throw new Error(`upload ${up.status}: ${await up.text()}`);
    const { id } = (await up.json()) as { id: string };
    let report: { state: string; summary?: { critical?: number } };
    for (;;) {
      report = await (await fetch(`${base}/api/imports/${id}`, { headers })).json();
      if (report.state !== 'checking') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const checkMs = Date.now() - t0;
    const critical = report.summary?.critical;
    const t1 = Date.now();
    const commit = await (await fetch(`${base}/api/imports/${id}/commit`, { method: 'POST', headers })).json();
    const commitMs = Date.now() - t1;
    const peakImport = importRss.stop();

    // 4. exports (drafts included: admin), every format
    const exportRss = new RssSampler(pid).start();
    const exportsMs: Record<string, { ms: number; bytes: number; status: number; server_peak_rss_mb: number }> = {};
    for (const f of ['geojson', 'kml', 'kmz', 'shp.zip', 'csv']) {
      const formatRss = new RssSampler(pid).start();
      const s = Date.now();
      const res = await fetch(`${base}/api/exports/clusters.${f}?province=15`, { headers });
      const bytes = (await res.arrayBuffer()).byteLength;
      exportsMs[f] = { ms: Date.now() - s, bytes, status: res.status, server_peak_rss_mb: formatRss.stop() };
    }
    const peakExports = exportRss.stop();
    const end = procStatus(pid);

    console.log(JSON.stringify({
      driver: 'native', count, server_pid: pid, startup_ms: startupMs, user_add: userAdd,
      zip_bytes: file.length, state: report.state, critical, check_ms: checkMs, commit, commit_ms: commitMs,
      server_rss_mb: {
        idle_after_start: rssIdle,
        before_import: rssBeforeImport,
        peak_import_sampled: peakImport,
        peak_exports_sampled: peakExports,
        at_end: Math.round((end?.rss ?? 0) / MB),
        vm_hwm: Math.round((end?.hwm ?? 0) / MB),
      },
      bench_client_max_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
      exports: exportsMs,
      loadavg: loadavg().map((l) => Math.round(l * 100) / 100),
      cpus: cpus().length, mem_gb: Math.round(totalmem() / 1073741824), date: new Date().toISOString(),
    }, null, 2));
  } finally {
    if (server && server.exitCode === null) {
      const gone = new Promise((r) => server!.once('exit', r));
      server.kill('SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 12_000))]);
      if (server.exitCode === null) server.kill('SIGKILL');
    }
    await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

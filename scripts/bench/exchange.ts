/**
 * Exchange benchmark: import N polygons from a zipped Shapefile (VN-2000 zone 104°45′ with a .prj) — check time,
 * commit time, peak RSS of the process serving the API — then export N clusters in every format.
 * Runs the real app in-process (so the RSS is the server's) over a fresh database.
 *
 *   node --import tsx scripts/bench/exchange.ts [--count 10000] [--url postgres://…/postgres]   (--url: native; a throw-away database is created)
 */
import { randomBytes } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import type { AddressInfo } from 'node:net';
import JSZip from 'jszip';
import pg from 'pg';
import { createApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { createLogger } from '../../server/logger.ts';
import { openEmbeddedDatabase } from '../../server/db/embedded.ts';
import { openNativeDatabase } from '../../server/db/native.ts';
import { detectCapabilities, ensurePostgis } from '../../server/db/capabilities.ts';
import { migrate } from '../../server/db/migrate.ts';
import { seed } from '../../server/db/seed.ts';
import type { Database } from '../../server/db/database.ts';
import { writeShapefile } from '../../server/exchange/formats/shapefile-writer.ts';
import { parseArgs } from '../cli.ts';

const args = parseArgs(process.argv.slice(2));
const count = Number(args.count ?? 10000);
const adminUrl = typeof args.url === 'string' ? args.url : null;
const PASSWORD = 'bench-password';

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

async function openDb(): Promise<{ db: Database; drop: () => Promise<void> }> {
  if (!adminUrl) {
    const db = await openEmbeddedDatabase();
    return { db, drop: () => db.close() };
  }
  const name = `cluster_atlas_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = await openNativeDatabase({ connectionString: url.toString() });
  return {
    db,
    async drop() {
      await db.close();
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
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

async function main() {
  const { db, drop } = await openDb();
  try {
    await ensurePostgis(db);
    db.capabilities = await detectCapabilities(db);
    await migrate(db);
    await seed(db, { demoUsers: true, demoPassword: PASSWORD });
    const app = createApp({ db, config: { ...loadConfig({ LOG_LEVEL: 'warn' }) }, logger: createLogger('warn') });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    let cookie = '';
    let csrf = '';
    const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'planner.laocai', password: PASSWORD }) });
    for (const c of login.headers.getSetCookie()) {
      const [pair] = c.split(';');
      cookie += `${pair}; `;
      if (pair!.startsWith('csrf_token=')) csrf = decodeURIComponent(pair!.slice(11));
    }
    const headers = { cookie, 'x-csrf-token': csrf };

    const file = await shapefileZip(count);
    peakRss = process.memoryUsage().rss;
    const rssBefore = peakRss;
    const t0 = Date.now();
    const form = new FormData();
    form.append('layer', 'clusters');
    form.append('file', new Blob([new Uint8Array(file)]), 'bench.zip');
    const up = await fetch(`${base}/api/imports`, { method: 'POST', headers, body: form });
    const { id } = (await up.json()) as { id: string };
    let report: any;
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

    const exportsMs: Record<string, { ms: number; bytes: number }> = {};
    for (const f of ['geojson', 'kml', 'kmz', 'shp.zip', 'csv']) {
      const s = Date.now();
      const res = await fetch(`${base}/api/exports/clusters.${f}?province=10`, { headers });
      const bytes = (await res.arrayBuffer()).byteLength;
      exportsMs[f] = { ms: Date.now() - s, bytes };
    }
    server.close();
    clearInterval(sampler);
    console.log(JSON.stringify({
      driver: db.driver, count, zip_bytes: file.length, state: report.state, critical, check_ms: checkMs, commit, commit_ms: commitMs,
      peak_rss_mb: Math.round(peakRss / 1048576), rss_before_mb: Math.round(rssBefore / 1048576), exports: exportsMs,
      cpus: cpus().length, mem_gb: Math.round(totalmem() / 1073741824), date: new Date().toISOString(),
    }, null, 2));
  } finally {
    await drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

/**
 * Start-up benchmark: time from process spawn to the first 200 of /api/health and /api/provinces,
 * cold (empty DATA_DIR / empty database) and warm (existing), on the embedded driver and, when
 * BENCH_DATABASE_URL is set (a database URL on a server where we may CREATE DATABASE), on native PostGIS.
 * Also the provinces response size, whether it is gzip-compressed, and its warm latency.
 *
 *   node --import tsx scripts/bench/startup.ts [--runs 2]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, cpus, totalmem } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { projectRoot } from '../../server/paths.ts';
import { parseArgs } from '../cli.ts';

const args = parseArgs(process.argv.slice(2));
const runs = Number(args.runs ?? 2);
let nextPort = 3700;

async function waitFor200(url: string, deadline: number): Promise<number> {
  for (;;) {
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status === 200) return Date.now();
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`timeout waiting for ${url}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stop(child: ChildProcess) {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

async function startOnce(env: Record<string, string>) {
  const port = nextPort++;
  const spawned = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
    cwd: projectRoot,
    env: { ...process.env, LOG_LEVEL: 'warn', PORT: String(port), ...env },
    stdio: 'ignore',
  });
  const base = `http://127.0.0.1:${port}`;
  const health = (await waitFor200(`${base}/api/health`, spawned + 120_000)) - spawned;
  const provinces = (await waitFor200(`${base}/api/provinces`, spawned + 120_000)) - spawned;
  return { child, base, health, provinces };
}

async function provincesFigures(base: string) {
  const plain = await fetch(`${base}/api/provinces`, { headers: { 'accept-encoding': 'identity' } });
  const plainBytes = (await plain.arrayBuffer()).byteLength;
  // node's fetch decompresses; ask with a raw request to see the wire size
  const http = await import('node:http');
  const wire = await new Promise<{ bytes: number; encoding: string | undefined }>((resolve, reject) => {
    http
      .get(`${base}/api/provinces`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
        let bytes = 0;
        res.on('data', (c: Buffer) => (bytes += c.length));
        res.on('end', () => resolve({ bytes, encoding: res.headers['content-encoding'] }));
      })
      .on('error', reject);
  });
  const times: number[] = [];
  for (let i = 0; i < 30; i++) {
    const t = performance.now();
    await (await fetch(`${base}/api/provinces`)).arrayBuffer();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return {
    plainBytes,
    gzipBytes: wire.bytes,
    compressed: wire.encoding === 'gzip',
    p50: times[Math.floor(times.length * 0.5)],
    p95: times[Math.floor(times.length * 0.95)],
  };
}

async function benchEmbedded() {
  const rows = [];
  for (let i = 0; i < runs; i++) {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'ca-bench-'));
    const cold = await startOnce({ DATA_DIR: dataDir });
    await stop(cold.child);
    const warm = await startOnce({ DATA_DIR: dataDir });
    const figures = await provincesFigures(warm.base);
    await stop(warm.child);
    await rm(dataDir, { recursive: true, force: true });
    rows.push({ driver: 'embedded', cold, warm, figures });
  }
  return rows;
}

async function benchNative(url: string) {
  const rows = [];
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  for (let i = 0; i < runs; i++) {
    const name = `cluster_atlas_bench_${process.pid}_${i}`;
    await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(name)}`);
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
    const dbUrl = new URL(url);
    dbUrl.pathname = `/${name}`;
    const cold = await startOnce({ DATABASE_URL: dbUrl.toString() });
    await stop(cold.child);
    const warm = await startOnce({ DATABASE_URL: dbUrl.toString() });
    const figures = await provincesFigures(warm.base);
    await stop(warm.child);
    await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(name)} WITH (FORCE)`);
    rows.push({ driver: 'native', cold, warm, figures });
  }
  await admin.end();
  return rows;
}

const results = [...(await benchEmbedded()), ...(process.env.BENCH_DATABASE_URL ? await benchNative(process.env.BENCH_DATABASE_URL) : [])];
console.log(`# startup benchmark ${new Date().toISOString()} — ${cpus().length} cores (${cpus()[0]?.model}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB`);
console.log('| driver | cold → health | cold → provinces | warm → health | warm → provinces | provinces p50 / p95 | provinces size (raw / gzip on the wire) |');
console.log('|---|---|---|---|---|---|---|');
for (const r of results) {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  console.log(
    `| ${r.driver} | ${s(r.cold.health)} | ${s(r.cold.provinces)} | ${s(r.warm.health)} | ${s(r.warm.provinces)} | ${r.figures.p50.toFixed(0)} / ${r.figures.p95.toFixed(0)} ms | ${(r.figures.plainBytes / 1e6).toFixed(2)} MB / ${(r.figures.gzipBytes / 1e6).toFixed(2)} MB (gzip: ${r.figures.compressed}) |`,
  );
}

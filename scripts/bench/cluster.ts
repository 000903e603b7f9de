// Scale-out benchmark: tile and OGC API throughput through nginx with 1 and with 2 app instances, in one run.
//
//   node --import tsx scripts/bench/cluster.ts [--clusters 1000] [--residential 200000] [--seconds 15] [--connections 32]
//   (npm run bench:cluster -- …)
//
// Starts the local cluster (scripts/cluster/: primary + streaming hot standby, 2 app instances, nginx), fills the
// primary with the synthetic generator (and lets the standby replay it), then for nginx's upstream set to one
// instance and then to both (nginx reloaded, same data, same warm caches) runs Debian's `wrk` with `--connections`
// connections for `--seconds` over
//   - tiles: clusters z8–z14 and residential zones z11–z14 around Hà Nội and Bắc Ninh, through nginx's tile cache
//     (each request revalidated with the app: the freshness check, the tile's stamp on the standby, a 304);
//   - OGC API items: pages of 100 clusters and residential zones in small boxes (not cached by nginx).
// For each pass it reads the CPU time of every process of the cluster from /proc (app instances, primary, standby,
// nginx, wrk) and reports it per request: the measured cost of a request on this machine (docs/scale.md uses it).
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../server/paths.ts';
import { parseArgs } from '../cli.ts';
import { Cluster } from '../cluster/cluster.ts';

const args = parseArgs(process.argv.slice(2));
const num = (name: string, fallback: number) => (args[name] === undefined ? fallback : Number(args[name]));
const CLUSTERS = num('clusters', 1000);
const RESIDENTIAL = num('residential', 200_000);
const SECONDS = num('seconds', 15);
const CONNECTIONS = num('connections', 32);
const execFileAsync = promisify(execFile);
const say = (line: string) => console.error(`bench: ${line}`);

if (spawnSync('wrk', ['--version']).error) {
  console.error('bench: needs Debian\'s wrk (apt-get install wrk)');
  process.exit(2);
}

const CENTRES = [
  [105.85, 21.03], // Hà Nội
  [106.07, 21.18], // Bắc Ninh
] as const;

function tileOf(lon: number, lat: number, z: number) {
  const n = 2 ** z;
  const r = (lat * Math.PI) / 180;
  return { x: Math.floor(((lon + 180) / 360) * n), y: Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n) };
}

/** Up to `count` tiles of a layer at zoom z in squares around the centres. */
function tiles(layer: string, z: number, radius: number): string[] {
  const out = new Set<string>();
  for (const [lon, lat] of CENTRES) {
    const c = tileOf(lon, lat, z);
    for (let dx = -radius; dx <= radius; dx++) for (let dy = -radius; dy <= radius; dy++) out.add(`/tiles/${layer}/${z}/${c.x + dx}/${c.y + dy}.pbf`);
  }
  return [...out];
}

const TILE_PATHS = [
  ...tiles('clusters', 8, 1),
  ...tiles('clusters', 11, 2),
  ...tiles('clusters', 14, 3),
  ...tiles('residential-zones', 11, 2),
  ...tiles('residential-zones', 12, 3),
  ...tiles('residential-zones', 14, 4),
];

const OGC_PATHS = CENTRES.flatMap(([lon, lat]) =>
  Array.from({ length: 25 }, (_, i) => {
    const x = lon + ((i % 5) - 2) * 0.04;
    const y = lat + (Math.floor(i / 5) - 2) * 0.04;
    const box = [x - 0.03, y - 0.03, x + 0.03, y + 0.03].map((v) => v.toFixed(3)).join(',');
    return `/ogc/collections/${i % 2 ? 'clusters' : 'residential-zones'}/items?limit=100&bbox=${box}`;
  }),
);

// wrk: cycle through the paths; the done hook prints throughput, latency percentiles (ms) and errors on one line
function wrkScript(paths: string[]): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cluster-bench-'));
  const file = path.join(dir, 'paths.lua');
  writeFileSync(
    file,
    `local paths = {\n${paths.map((p) => JSON.stringify(p)).join(',\n')}\n}
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i], { ["Accept-Encoding"] = "gzip" })
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK %d %f %f %f %d %d\\n", summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, e.connect + e.read + e.write + e.timeout, e.status))
end
`,
  );
  return file;
}

const TICK_MS = 1000 / 100; // USER_HZ

/**
 * CPU time (ms) of a process, including its children that have exited (cutime/cstime): a postgres backend
 * whose pooled connection closed during the run still counts, through its postmaster.
 */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * TICK_MS;
  } catch {
    return 0;
  }
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      /* gone */
    }
  }
  return out;
}

function postmasterPid(dataDir: string): number {
  return Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
}

type Group = 'app' | 'primary' | 'standby' | 'nginx';

function sampleCpu(cluster: Cluster): Record<Group, number> {
  const tree = (pid: number) => [pid, ...childrenOf(pid)].reduce((n, p) => n + cpuMs(p), 0);
  const { state } = cluster;
  return {
    app: state.instances.reduce((n, i) => n + cpuMs(i.pid), 0),
    primary: tree(postmasterPid(state.primary.dataDir)),
    standby: tree(postmasterPid(state.standby.dataDir)),
    nginx: tree(cluster.nginxPid() ?? 0),
  };
}

interface Pass {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  cpu: Record<Group | 'wrk', number>;
}

async function measure(cluster: Cluster, paths: string[]): Promise<Pass> {
  const script = wrkScript(paths);
  const before = sampleCpu(cluster);
  const run = execFileAsync('wrk', ['-t2', `-c${CONNECTIONS}`, `-d${SECONDS}s`, '--latency', '-s', script, cluster.url], { encoding: 'utf8' });
  const wrkPid = run.child.pid!;
  let wrkCpu = 0;
  const poll = setInterval(() => (wrkCpu = Math.max(wrkCpu, cpuMs(wrkPid))), 200);
  const out = await run;
  clearInterval(poll);
  const after = sampleCpu(cluster);
  const m = /WRK (\d+) ([\d.]+) ([\d.]+) ([\d.]+) (\d+) (\d+)/.exec(out.stdout);
  if (!m) throw new Error(`wrk failed: ${out.stderr || out.stdout}`);
  const requests = Number(m[1]);
  const cpu = { wrk: wrkCpu } as Pass['cpu'];
  for (const g of Object.keys(before) as Group[]) cpu[g] = after[g] - before[g];
  return { requests, rps: requests / Number(m[2]), p50: Number(m[3]), p99: Number(m[4]), errors: Number(m[5]) + Number(m[6]), cpu };
}

async function warm(cluster: Cluster, paths: string[]) {
  // twice: nginx round-robins, so both instances build their in-process tile caches
  for (let round = 0; round < 2; round++) {
    for (let i = 0; i < paths.length; i += 8) {
      await Promise.all(
        paths.slice(i, i + 8).map(async (p) => {
          const get = async () => (await fetch(cluster.url + p, { headers: { 'Accept-Encoding': 'gzip' } })).arrayBuffer();
          // a keep-alive socket of an nginx worker retired by the reload closes under us: once more
          await get().catch(get);
        }),
      );
    }
  }
}

const cores = os.cpus().length;
say(`${cores} cores, ${os.cpus()[0]?.model}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
process.env.LOG_LEVEL = 'warn';
const cluster = await Cluster.start({ instances: 2, demoUsers: false, log: say });
const results: Array<{ instances: number; kind: string; pass: Pass }> = [];
let sizes: string;
try {
  say(`synthetic data: ${CLUSTERS} clusters, ${RESIDENTIAL} residential zones (seed 1) on the primary`);
  const t0 = Date.now();
  const gen = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/gen-synthetic.ts', '--clusters', String(CLUSTERS), '--residential', String(RESIDENTIAL), '--seed', '1'], {
    cwd: projectRoot,
    env: { ...process.env, DATABASE_URL: cluster.primaryUrl, DATABASE_READ_URL: '' },
    encoding: 'utf8',
  });
  if (gen.status !== 0) throw new Error(`gen:synthetic failed: ${gen.stderr}`);
  await cluster.sql('primary', 'VACUUM ANALYZE');
  await cluster.waitReplayed(300_000);
  // storage per row, for the national sizing in docs/scale.md
  const [size] = await cluster.sql<{ zones: number; zone_bytes: string; cells_bytes: string; clusters: number; cluster_bytes: string; db_bytes: string }>(
    'primary',
    `SELECT (SELECT count(*) FROM residential_zones)::int AS zones, pg_total_relation_size('residential_zones')::text AS zone_bytes,
            pg_total_relation_size('residential_zone_cells')::text AS cells_bytes,
            (SELECT count(*) FROM clusters)::int AS clusters,
            (pg_total_relation_size('clusters') + pg_total_relation_size('cluster_versions'))::text AS cluster_bytes,
            pg_database_size(current_database())::text AS db_bytes`,
  );
  sizes =
    `Storage: residential_zones ${(Number(size.zone_bytes) / 2 ** 20).toFixed(0)} MB with indexes for ${size.zones} zones ` +
    `(${(Number(size.zone_bytes) / size.zones).toFixed(0)} B per zone), z11 cells ${(Number(size.cells_bytes) / 2 ** 20).toFixed(0)} MB; ` +
    `clusters + versions ${(Number(size.cluster_bytes) / 2 ** 20).toFixed(1)} MB for ${size.clusters} clusters; ` +
    `whole database ${(Number(size.db_bytes) / 2 ** 20).toFixed(0)} MB.`;
  say(`data loaded and replayed in ${((Date.now() - t0) / 1000).toFixed(0)} s; ${TILE_PATHS.length} tiles, ${OGC_PATHS.length} OGC pages`);

  for (const upstreams of [[0], [0, 1]]) {
    cluster.startNginx(upstreams);
    await cluster.waitHealthy();
    await warm(cluster, [...TILE_PATHS, ...OGC_PATHS]);
    for (const [kind, paths] of [['tiles', TILE_PATHS], ['ogc', OGC_PATHS]] as const) {
      say(`${upstreams.length} instance(s): ${kind}, wrk ${CONNECTIONS} connections, ${SECONDS} s`);
      const pass = await measure(cluster, paths);
      results.push({ instances: upstreams.length, kind, pass });
      say(`  ${pass.rps.toFixed(0)} req/s, p50 ${pass.p50.toFixed(1)} ms, p99 ${pass.p99.toFixed(1)} ms, ${pass.errors} errors`);
    }
  }
} finally {
  await cluster.stop();
}

const perReq = (p: Pass, g: keyof Pass['cpu']) => (p.cpu[g] / p.requests).toFixed(2);
const lines = [
  `Cluster benchmark, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: ${cores} cores (${os.cpus()[0]?.model}), ` +
    `${CLUSTERS} clusters, ${RESIDENTIAL} residential zones; wrk -t2 -c${CONNECTIONS} -d${SECONDS}s through nginx.`,
  '',
  '| load | instances | req/s | p50 ms | p99 ms | errors | CPU ms per request: app / primary / standby / nginx / wrk | CPU cores busy |',
  '|---|---|---|---|---|---|---|---|',
  ...results.map(({ instances, kind, pass }) => {
    const busy = (Object.values(pass.cpu).reduce((a, b) => a + b, 0) / (SECONDS * 1000)).toFixed(2);
    return `| ${kind} | ${instances} | ${pass.rps.toFixed(0)} | ${pass.p50.toFixed(1)} | ${pass.p99.toFixed(1)} | ${pass.errors} | ${(['app', 'primary', 'standby', 'nginx', 'wrk'] as const).map((g) => perReq(pass, g)).join(' / ')} | ${busy} |`;
  }),
  '',
  sizes,
  '',
  ...(['tiles', 'ogc'] as const).map((kind) => {
    const one = results.find((r) => r.kind === kind && r.instances === 1)!.pass;
    const two = results.find((r) => r.kind === kind && r.instances === 2)!.pass;
    return `${kind}: 2 instances / 1 instance = ${(two.rps / one.rps).toFixed(2)}×`;
  }),
];
console.log(lines.join('\n'));

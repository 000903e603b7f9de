/**
 * The local cluster: a PostgreSQL primary and a streaming-replication hot standby, N app instances and nginx in
 * front, on spare loopback ports, with all data under one temporary folder. Used by `npm run cluster:start` /
 * `cluster:stop`, by the check that .ci/run calls (check.ts) and by scripts/bench/cluster.ts.
 * Engines come from Debian (nginx, postgresql-15-postgis-3); they are installed when missing.
 */
import { execFile, spawn, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { promisify } from 'node:util';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { projectRoot } from '../../server/paths.ts';

export const PG_BIN = '/usr/lib/postgresql/15/bin';
const POSTGIS_CONTROL = '/usr/share/postgresql/15/extension/postgis.control';
const NGINX = '/usr/sbin/nginx';
export const DATABASE = 'cluster_atlas';
const SLOT = 'cluster_atlas_standby';
const TEMPLATE = path.join(projectRoot, 'scripts/cluster/nginx.conf.template');
/** Where `cluster:start` records what it started, for `cluster:stop` (one cluster per checkout). */
export const STATE_FILE = path.join(projectRoot, '.cluster', 'state.json');

export interface InstanceState {
  port: number;
  pid: number;
  log: string;
}

export interface ClusterState {
  /** the temporary folder holding every data directory, log and configuration */
  root: string;
  /** PostgreSQL runs as the postgres user when we are root (it refuses to run as root) */
  pgUser: string | null;
  primary: { port: number; dataDir: string; log: string };
  standby: { port: number; dataDir: string; log: string };
  instances: InstanceState[];
  nginx: { port: number; prefix: string; conf: string };
  startedAt: string;
}

export type Log = (line: string) => void;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function run(command: string, args: string[], options: SpawnSyncOptions = {}): string {
  const r = spawnSync(command, args, { encoding: 'utf8', ...options });
  if (r.error) throw new Error(`${command} ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${r.status}: ${(r.stderr || r.stdout || '').toString().trim()}`);
  return (r.stdout ?? '').toString();
}

const isRoot = () => process.getuid?.() === 0;

/** Installs Debian's nginx and PostGIS when they are missing (as .ci/run does). */
export function ensurePackages(log: Log): void {
  const missing: string[] = [];
  if (!existsSync(`${PG_BIN}/postgres`) || !existsSync(`${PG_BIN}/pg_basebackup`)) missing.push('postgresql-15');
  if (!existsSync(POSTGIS_CONTROL)) missing.push('postgresql-15-postgis-3');
  if (!existsSync(NGINX)) missing.push('nginx');
  if (missing.length === 0) return;
  log(`installing ${missing.join(', ')} from Debian`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const sudo = isRoot() ? [] : ['sudo', '-n'];
  if (!isRoot() && spawnSync('sudo', ['-n', 'true']).status !== 0) {
    throw new Error(`missing ${missing.join(', ')}: run as root, or install them first: apt-get install ${missing.join(' ')}`);
  }
  const apt = (args: string[]) => run(sudo[0] ?? 'apt-get', [...sudo.slice(1), ...(sudo.length ? ['apt-get'] : []), ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  apt(['update', '-qq']);
  apt(['install', '-y', '-qq', ...missing]);
}

/** A free loopback port (the kernel's choice). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

async function freePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

const execFileAsync = promisify(execFile);

/** pg_ctl and friends without blocking the event loop (the check keeps its load running meanwhile). */
async function pgRunAsync(state: Pick<ClusterState, 'pgUser'>, bin: string, args: string[]): Promise<void> {
  const command = `${PG_BIN}/${bin}`;
  try {
    if (state.pgUser) await execFileAsync('runuser', ['-u', state.pgUser, '--', command, ...args]);
    else await execFileAsync(command, args);
  } catch (err) {
    throw new Error(`${bin} ${args.join(' ')}: ${(err as { stderr?: string }).stderr || (err as Error).message}`, { cause: err });
  }
}

function pgRun(state: Pick<ClusterState, 'pgUser'>, bin: string, args: string[]): string {
  const command = `${PG_BIN}/${bin}`;
  return state.pgUser ? run('runuser', ['-u', state.pgUser, '--', command, ...args]) : run(command, args);
}

export const databaseUrl = (port: number, database = DATABASE) => `postgres://postgres@127.0.0.1:${port}/${database}`;

function serverOptions(state: ClusterState, port: number, extra: string[]): string {
  return [`-p ${port}`, `-k ${path.join(state.root, 'sockets')}`, '-c listen_addresses=127.0.0.1', ...extra].join(' ');
}

// replication needs wal_level=replica (the default) and WAL senders; the slot keeps WAL while the standby is down
const PRIMARY_SETTINGS = ['-c max_connections=300', '-c max_wal_senders=5', '-c max_replication_slots=5', '-c fsync=off', '-c wal_keep_size=256MB'];
// feedback: the primary keeps rows a standby query still reads (no canceled reads); status every second for the lag
const STANDBY_SETTINGS = [
  '-c max_connections=300',
  '-c fsync=off',
  '-c hot_standby=on',
  '-c hot_standby_feedback=on',
  '-c wal_receiver_status_interval=1s',
  '-c max_standby_streaming_delay=5s',
];

function startPostgres(state: ClusterState, which: 'primary' | 'standby'): void {
  const server = state[which];
  const options = serverOptions(state, server.port, which === 'primary' ? PRIMARY_SETTINGS : STANDBY_SETTINGS);
  pgRun(state, 'pg_ctl', ['-D', server.dataDir, '-l', server.log, '-w', '-t', '60', '-o', options, 'start']);
}

function stopPostgres(state: ClusterState, which: 'primary' | 'standby', mode: 'fast' | 'immediate' = 'fast'): void {
  const server = state[which];
  if (!existsSync(path.join(server.dataDir, 'postmaster.pid'))) return;
  pgRun(state, 'pg_ctl', ['-D', server.dataDir, '-m', mode, '-w', '-t', '60', 'stop']);
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (err) {
      lastError = (err as Error).message;
    }
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}${lastError ? ` (${lastError})` : ''}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The app instance's pid is still the process we started (pids get reused). */
function isOurInstance(pid: number): boolean {
  try {
    return alive(pid) && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('server/index.ts');
  } catch {
    return alive(pid);
  }
}

export class Cluster {
  constructor(
    readonly state: ClusterState,
    private readonly log: Log = () => undefined,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.state.nginx.port}`;
  }

  get primaryUrl(): string {
    return databaseUrl(this.state.primary.port);
  }

  get standbyUrl(): string {
    return databaseUrl(this.state.standby.port);
  }

  /** Starts everything: ports, primary, standby, migrations and seed, `instances` app instances, nginx. */
  static async start(options: { instances?: number; log?: Log; demoUsers?: boolean; stateFile?: string } = {}): Promise<Cluster> {
    const log = options.log ?? (() => undefined);
    const instances = options.instances ?? 2;
    if (!Number.isInteger(instances) || instances < 1 || instances > 16) throw new Error(`instances must be 1–16, got ${instances}`);
    ensurePackages(log);
    const root = mkdtempSync(path.join(os.tmpdir(), 'cluster-atlas-cluster-'));
    // the postgres and nginx users must reach their folders inside
    chmodSync(root, 0o755);
    const [primaryPort, standbyPort, nginxPort, ...appPorts] = await freePorts(3 + instances);
    const state: ClusterState = {
      root,
      pgUser: isRoot() ? 'postgres' : null,
      primary: { port: primaryPort, dataDir: path.join(root, 'primary'), log: path.join(root, 'primary.log') },
      standby: { port: standbyPort, dataDir: path.join(root, 'standby'), log: path.join(root, 'standby.log') },
      instances: appPorts.map((port, i) => ({ port, pid: 0, log: path.join(root, `app-${i + 1}.log`) })),
      nginx: { port: nginxPort, prefix: path.join(root, 'nginx'), conf: path.join(root, 'nginx', 'nginx.conf') },
      startedAt: new Date().toISOString(),
    };
    const cluster = new Cluster(state, log);
    cluster.stateFile = options.stateFile;
    cluster.save();
    try {
      await cluster.startDatabases(options.demoUsers ?? true);
      log(`starting ${instances} app instance(s) on ports ${appPorts.join(', ')}`);
      await Promise.all(state.instances.map((_, i) => cluster.startInstance(i)));
      cluster.startNginx(state.instances.map((_, i) => i));
      await cluster.waitHealthy();
      return cluster;
    } catch (err) {
      log(`start failed, stopping what was started: ${(err as Error).message}`);
      await cluster.stop();
      throw err;
    }
  }

  private async startDatabases(demoUsers: boolean): Promise<void> {
    const { state, log } = this;
    const sockets = path.join(state.root, 'sockets');
    mkdirSync(sockets);
    for (const f of [sockets, state.primary.log, state.standby.log]) {
      if (f !== sockets) closeSync(openSync(f, 'a'));
      if (state.pgUser) chownPath(f, state.pgUser);
    }
    mkdirSync(state.primary.dataDir, { mode: 0o700 });
    mkdirSync(state.standby.dataDir, { mode: 0o700 });
    if (state.pgUser) {
      chownPath(state.primary.dataDir, state.pgUser);
      chownPath(state.standby.dataDir, state.pgUser);
    }
    log(`primary: initdb and start on port ${state.primary.port}`);
    pgRun(state, 'initdb', ['-D', state.primary.dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
    startPostgres(state, 'primary');
    await query(databaseUrl(state.primary.port, 'postgres'), `CREATE DATABASE ${DATABASE}`);
    await query(this.primaryUrl, 'CREATE EXTENSION IF NOT EXISTS postgis');

    log(`standby: base backup with replication slot, hot standby on port ${state.standby.port}`);
    // -R writes primary_conninfo and standby.signal; -C -S creates the slot that keeps WAL for it
    pgRun(state, 'pg_basebackup', ['-h', '127.0.0.1', '-p', String(state.primary.port), '-U', 'postgres', '-D', state.standby.dataDir, '-X', 'stream', '-R', '-C', '-S', SLOT, '-c', 'fast']);
    startPostgres(state, 'standby');
    await waitFor('the standby to accept reads', 60_000, async () => (await query<{ r: boolean }>(this.standbyUrl, 'SELECT pg_is_in_recovery() AS r'))[0].r);

    log('migrations and seed (administrative geography' + (demoUsers ? ', demo accounts' : '') + ') on the primary');
    const seed = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/db-seed.ts', ...(demoUsers ? ['--demo'] : [])], {
      cwd: projectRoot,
      env: { ...process.env, DATABASE_URL: this.primaryUrl, DATABASE_READ_URL: '', LOG_LEVEL: 'warn' },
      encoding: 'utf8',
    });
    if (seed.status !== 0) throw new Error(`db:seed failed: ${seed.stderr || seed.stdout}`);
    await this.waitReplayed();
  }

  /** Waits until the standby has replayed everything the primary has written so far. */
  async waitReplayed(timeoutMs = 60_000): Promise<void> {
    const [{ lsn }] = await query<{ lsn: string }>(this.primaryUrl, 'SELECT pg_current_wal_lsn()::text AS lsn');
    await waitFor('the standby to replay the primary', timeoutMs, async () => {
      const [row] = await query<{ ok: boolean }>(this.standbyUrl, 'SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok', [lsn]);
      return row.ok;
    });
  }

  /** Starts app instance i (again) on its port, with the primary and the standby. */
  async startInstance(i: number): Promise<void> {
    const instance = this.state.instances[i];
    const fd = openSync(instance.log, 'a');
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
      cwd: projectRoot,
      env: {
        ...process.env,
        PORT: String(instance.port),
        HOST: '127.0.0.1',
        DATABASE_URL: this.primaryUrl,
        DATABASE_READ_URL: this.standbyUrl,
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
      },
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    child.unref();
    instance.pid = child.pid ?? 0;
    this.save();
    await waitFor(`app instance ${i + 1} on port ${instance.port} (log: ${instance.log})`, 120_000, async () => {
      if (!alive(instance.pid)) throw new Error('the process exited');
      const res = await fetch(`http://127.0.0.1:${instance.port}/api/health`);
      return res.ok;
    });
  }

  /** kill -9 of app instance i (the check's failure drill). */
  killInstance(i: number): void {
    process.kill(this.state.instances[i].pid, 'SIGKILL');
  }

  async stopInstance(i: number): Promise<void> {
    const { pid } = this.state.instances[i];
    if (!pid || !isOurInstance(pid)) return;
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + 15_000;
    while (alive(pid) && Date.now() < deadline) await sleep(100);
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }

  /** Writes nginx.conf from the template with the given instances as upstream servers, and starts or reloads nginx. */
  startNginx(upstreams: number[]): void {
    const { state } = this;
    const prefix = state.nginx.prefix;
    for (const dir of ['', 'tmp', 'cache', 'cache/tiles']) mkdirSync(path.join(prefix, dir), { recursive: true });
    const servers = upstreams.map((i) => `    server 127.0.0.1:${state.instances[i].port} max_fails=1 fail_timeout=2s;`).join('\n');
    const conf = readFileSync(TEMPLATE, 'utf8')
      .replaceAll('{{USER}}', isRoot() ? 'user www-data;' : '# (not root: workers run as the current user)')
      .replaceAll('{{ROOT}}', prefix)
      .replaceAll('{{PORT}}', String(state.nginx.port))
      .replaceAll('{{UPSTREAM_SERVERS}}', servers);
    if (/\{\{[A-Z_]+\}\}/.test(conf)) throw new Error('nginx.conf.template has a placeholder cluster.ts does not fill');
    writeFileSync(state.nginx.conf, conf);
    if (isRoot()) chownPath(prefix, 'www-data', true);
    const args = ['-e', path.join(prefix, 'error.log'), '-p', prefix, '-c', state.nginx.conf];
    run(NGINX, [...args, '-t', '-q']);
    if (this.nginxPid() !== null) run(NGINX, [...args, '-s', 'reload']);
    else run(NGINX, args);
    this.save();
  }

  nginxPid(): number | null {
    try {
      const pid = Number(readFileSync(path.join(this.state.nginx.prefix, 'nginx.pid'), 'utf8').trim());
      return pid && alive(pid) ? pid : null;
    } catch {
      return null;
    }
  }

  /** nginx answers with every configured instance healthy and the standby connected. */
  async waitHealthy(timeoutMs = 60_000): Promise<void> {
    await waitFor(`nginx on port ${this.state.nginx.port} and the standby`, timeoutMs, async () => {
      const res = await fetch(`${this.url}/api/health`);
      if (!res.ok) return false;
      const body = (await res.json()) as { db?: { replica?: { connected?: boolean } } };
      return body.db?.replica?.connected === true;
    });
  }

  async stopStandby(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    await pgRunAsync(this.state, 'pg_ctl', ['-D', this.state.standby.dataDir, '-m', mode, '-w', '-t', '60', 'stop']);
  }

  async startStandby(): Promise<void> {
    const { standby } = this.state;
    await pgRunAsync(this.state, 'pg_ctl', ['-D', standby.dataDir, '-l', standby.log, '-w', '-t', '60', '-o', serverOptions(this.state, standby.port, STANDBY_SETTINGS), 'start']);
    await waitFor('the standby to accept reads', 60_000, async () => (await query<{ r: boolean }>(this.standbyUrl, 'SELECT pg_is_in_recovery() AS r'))[0].r);
  }

  async sql<T extends pg.QueryResultRow>(which: 'primary' | 'standby', text: string, params: unknown[] = []): Promise<T[]> {
    return query<T>(which === 'primary' ? this.primaryUrl : this.standbyUrl, text, params);
  }

  /** Stops everything this cluster started and removes its folder. Safe to call twice or on a half-started cluster. */
  async stop(): Promise<void> {
    const problems: string[] = [];
    const attempt = async (what: string, fn: () => unknown) => {
      try {
        await fn();
      } catch (err) {
        problems.push(`${what}: ${(err as Error).message}`);
      }
    };
    const pid = this.nginxPid();
    if (pid !== null) {
      await attempt('nginx', async () => {
        // fast shutdown: the instances behind it are stopped next anyway
        process.kill(pid, 'SIGTERM');
        const deadline = Date.now() + 10_000;
        while (alive(pid) && Date.now() < deadline) await sleep(100);
        if (alive(pid)) process.kill(pid, 'SIGKILL');
      });
    }
    await Promise.all(this.state.instances.map((_, i) => attempt(`app instance ${i + 1}`, () => this.stopInstance(i))));
    await attempt('standby', () => stopPostgres(this.state, 'standby'));
    await attempt('primary', () => stopPostgres(this.state, 'primary'));
    await attempt('temporary folder', () => rmSync(this.state.root, { recursive: true, force: true }));
    if (problems.length) this.log(`stop: ${problems.join('; ')}`);
  }

  /** Where the state is recorded for `cluster:stop` (only the cluster of `cluster:start` has one). */
  stateFile?: string;

  private save(): void {
    if (!this.stateFile) return;
    mkdirSync(path.dirname(this.stateFile), { recursive: true });
    writeFileSync(this.stateFile, JSON.stringify(this.state, null, 2));
  }
}

function chownPath(target: string, user: string, recursive = false): void {
  if (recursive) {
    run('chown', ['-R', `${user}:`, target]);
    return;
  }
  const uid = Number(run('id', ['-u', user]).trim());
  const gid = Number(run('id', ['-g', user]).trim());
  chownSync(target, uid, gid);
}

export function readState(file = STATE_FILE): ClusterState | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ClusterState;
  } catch {
    return null;
  }
}

export function removeState(file = STATE_FILE): void {
  rmSync(file, { force: true });
}

/** Whether anything a recorded cluster started is still running. */
export function isRunning(state: ClusterState): boolean {
  const nginx = new Cluster(state).nginxPid() !== null;
  return nginx || state.instances.some((i) => i.pid && isOurInstance(i.pid)) || ['primary', 'standby'].some((w) => existsSync(path.join(state[w as 'primary'].dataDir, 'postmaster.pid')));
}

import { spawn } from 'node:child_process';
import { mkdtemp, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it, expect } from 'vitest';
import { projectRoot } from '../../server/paths.ts';
import { ensurePostgis } from '../../server/db/capabilities.ts';
import { DatabaseStartupError } from '../../server/db/errors.ts';
import type { Database } from '../../server/db/database.ts';
import { prepareEmbeddedDataDir } from '../support/db.ts';

interface RunResult {
  code: number | null;
  output: string;
  ms: number;
}

/** Starts the real server process; resolves when it exits or when `until` matches its output. */
function runServer(env: Record<string, string>, options: { until?: RegExp; timeoutMs?: number } = {}) {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
    cwd: projectRoot,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<RunResult>((resolve) => {
    child.on('exit', (code) => resolve({ code, output, ms: Date.now() - started }));
  });
  const matched = new Promise<void>((resolve) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (options.until?.test(output)) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  exited.finally(() => clearTimeout(timer));
  return { child, exited, matched, output: () => output };
}

describe('server start-up and shutdown', () => {
  it('fails within 10 s naming host and port when DATABASE_URL is unreachable', async () => {
    const { exited } = runServer({ DATABASE_URL: 'postgres://nobody@127.0.0.1:9/none', PORT: '0' });
    const result = await exited;
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('127.0.0.1:9');
    expect(result.ms).toBeLessThan(10_000);
  });

  it('fails with a clear message when DATA_DIR is not writable', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ca-notdir-'));
    const file = path.join(dir, 'a-file');
    await writeFile(file, 'x');
    // a path below a regular file cannot be created, even by root
    const { exited } = runServer({ DATA_DIR: path.join(file, 'data'), PORT: '0' });
    const result = await exited;
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/DATA_DIR .* is not writable/);
  });

  it('refuses an invalid configuration and lists the problem', async () => {
    const { exited } = runServer({ PORT: 'eighty' });
    const result = await exited;
    expect(result.code).toBe(2);
    expect(result.output).toMatch(/PORT must be an integer/);
  });

  it('starts warm on an existing data folder, serves, and shuts down cleanly on SIGTERM', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'ca-data-'));
    await prepareEmbeddedDataDir(dataDir);
    const port = String(3900 + Math.floor(Math.random() * 90));
    const server = runServer({ DATA_DIR: dataDir, PORT: port }, { until: /Cluster Atlas is listening/ });
    await Promise.race([server.matched, server.exited]);
    const health = await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.json());
    expect(health).toMatchObject({ status: 'ok', db: { driver: 'embedded', mvt: false } });
    expect(await readdir(dataDir)).toContain('cluster-atlas.lock');
    // a second process on the same folder is refused instead of corrupting it
    const second = await runServer({ DATA_DIR: dataDir, PORT: '0' }).exited;
    expect(second.code).not.toBe(0);
    expect(second.output).toMatch(/in use by another process/);
    server.child.kill('SIGTERM');
    const result = await server.exited;
    expect(result.code).toBe(0);
    expect(result.output).toMatch(/"msg":"stopped"/);
    expect(await readdir(dataDir)).not.toContain('cluster-atlas.lock');
  });
});

describe('PostGIS requirement', () => {
  const fakeDb = (available: boolean) =>
    ({
      async query(sql: string) {
        if (sql.includes('pg_extension')) return { rows: [{ n: 0 }], rowCount: 1 };
        if (sql.includes('pg_available_extensions')) return { rows: [{ n: available ? 1 : 0 }], rowCount: 1 };
        throw new Error(`unexpected ${sql}`);
      },
      async exec() {
        throw new Error('extension "postgis" is not available');
      },
    }) as unknown as Database;

  it('tells the operator to install PostGIS and run CREATE EXTENSION postgis', async () => {
    const error = await ensurePostgis(fakeDb(false)).catch((e) => e);
    expect(error).toBeInstanceOf(DatabaseStartupError);
    expect(error.message).toMatch(/CREATE EXTENSION postgis/);
    expect(error.message).toMatch(/postgresql-15-postgis-3/);
  });

  it('tells the operator a superuser must enable it when it is installed but not enabled', async () => {
    const error = await ensurePostgis(fakeDb(true)).catch((e) => e);
    expect(error.message).toMatch(/CREATE EXTENSION postgis/);
    expect(error.message).toMatch(/superuser/);
  });
});

import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { beforeAll, afterAll, describe } from 'vitest';
import { createApp } from '../../server/app.ts';
import { loadConfig, type AppConfig } from '../../server/config.ts';
import { createLogger } from '../../server/logger.ts';
import type { Database, DriverName } from '../../server/db/database.ts';
import { createTestDatabase, testDrivers, type TestDatabase } from './db.ts';
import { TestClient } from './client.ts';

export interface TestServer {
  baseUrl: string;
  db: Database;
  driver: DriverName;
  config: AppConfig;
  /** A client with its own cookie jar; call .login(username) for an authenticated one. */
  client(): TestClient;
  close(): Promise<void>;
}

/** The real Express app in-process on a random loopback port, over a suite-scoped cloned database. */
export async function startTestServer(options: { driver?: DriverName; config?: Partial<AppConfig> } = {}): Promise<TestServer> {
  const driver = options.driver ?? 'embedded';
  const handle: TestDatabase = await createTestDatabase(driver);
  // suites call the anonymous analyses far more often than a person: the limit has its own test
  const config: AppConfig = { ...loadConfig({ LOG_LEVEL: 'silent' }), anonymousAnalysisPerMinute: 1_000_000, ...options.config };
  const logger = createLogger(config.logLevel);
  const app = createApp({ db: handle.db, config, logger });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  // the embedded driver blocks the event loop during heavy queries; keep idle sockets open longer than that
  server.keepAliveTimeout = 60_000;
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    db: handle.db,
    driver,
    config,
    client: () => new TestClient(baseUrl),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await handle.drop();
    },
  };
}

/** describe() once per driver with a running test server: `describeEachServer('x', (t) => { it(..., () => t.server.client().get('/api/health')) })`. */
export function describeEachServer(
  name: string,
  body: (t: { readonly server: TestServer; readonly driver: DriverName }) => void,
  options: { config?: Partial<AppConfig> } = {},
) {
  for (const driver of testDrivers()) {
    describe(`${name} [${driver}]`, () => {
      let server: TestServer | undefined;
      const t = {
        driver,
        get server(): TestServer {
          if (!server) throw new Error('server not ready: use t.server inside tests or hooks');
          return server;
        },
      };
      beforeAll(async () => {
        server = await startTestServer({ driver, config: options.config });
      });
      afterAll(async () => {
        await server?.close();
      });
      body(t);
    });
  }
}

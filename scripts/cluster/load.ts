import http from 'node:http';

export interface LoadResult {
  requests: number;
  /** requests that did not end in 200, 204 or 304, or ended in a socket error */
  failed: number;
  /** the first failures, for the report */
  failures: string[];
  bySource: Record<string, number>;
  statuses: Record<string, number>;
}

const OK = new Set([200, 204, 304]);

/**
 * A bounded load: `clients` concurrent keep-alive clients, each sending the next GET of `paths` as soon as the
 * previous one is answered, for `seconds`. Every answer is checked; nothing is retried here (nginx must do it).
 */
export async function runLoad(base: string, paths: string[], options: { clients: number; seconds: number; during?: Array<[number, () => unknown]> }): Promise<LoadResult> {
  const url = new URL(base);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.clients });
  const result: LoadResult = { requests: 0, failed: 0, failures: [], bySource: {}, statuses: {} };
  const end = Date.now() + options.seconds * 1000;
  let next = 0;
  const fail = (what: string) => {
    result.failed++;
    if (result.failures.length < 10) result.failures.push(what);
  };
  const one = (path: string) =>
    new Promise<void>((resolve) => {
      const req = http.get({ host: url.hostname, port: url.port, path, agent, headers: { 'Accept-Encoding': 'gzip' }, timeout: 30_000 }, (res) => {
        res.on('data', () => undefined);
        res.on('end', () => {
          result.requests++;
          const status = res.statusCode ?? 0;
          result.statuses[status] = (result.statuses[status] ?? 0) + 1;
          const source = String(res.headers['x-read-source'] ?? 'none');
          result.bySource[source] = (result.bySource[source] ?? 0) + 1;
          if (!OK.has(status)) fail(`${status} ${path}`);
          resolve();
        });
        res.on('error', (err) => {
          result.requests++;
          fail(`${err.message} ${path}`);
          resolve();
        });
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (err) => {
        result.requests++;
        fail(`${err.message} ${path}`);
        resolve();
      });
    });
  const client = async () => {
    while (Date.now() < end) await one(paths[next++ % paths.length]);
  };
  const timers = (options.during ?? []).map(([atSeconds, action]) => setTimeout(() => void action(), atSeconds * 1000));
  await Promise.all(Array.from({ length: options.clients }, client));
  timers.forEach(clearTimeout);
  agent.destroy();
  return result;
}

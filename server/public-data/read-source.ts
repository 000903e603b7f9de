import type { Request, Response } from 'express';
import type { AppContext } from '../context.ts';
import type { Database } from '../db/database.ts';
import { SESSION_COOKIE } from '../auth/session.ts';

const SESSION_COOKIE_PATTERN = new RegExp(`(?:^|;)\\s*${SESSION_COOKIE}=`);

/**
 * A signed-in user's request. /tiles is mounted before the session lookup, so there the session cookie alone
 * counts: whoever holds one reads the primary, a stale cookie costs nothing but that.
 */
function signedIn(req: Request): boolean {
  return req.user !== undefined || SESSION_COOKIE_PATTERN.test(req.headers.cookie ?? '');
}

/**
 * The database a public read of this request runs on (server/db/read-routing.ts): the standby when it has
 * replayed the latest change of `layers` (all public layers when omitted), else the primary. The response says
 * which in X-Read-Source.
 */
export async function publicReads(ctx: AppContext, req: Request, res: Response, layers?: readonly string[]): Promise<Database> {
  const { db, source } = await ctx.reads.forRead({ signedIn: signedIn(req), layers });
  res.set('X-Read-Source', source);
  return db;
}

/** One service per database (the primary, the standby), built on first use: services hold per-database caches. */
export function perDatabase<T>(build: (db: Database) => T): (db: Database) => T {
  const built = new WeakMap<Database, T>();
  return (db) => {
    let service = built.get(db);
    if (service === undefined) {
      service = build(db);
      built.set(db, service);
    }
    return service;
  };
}

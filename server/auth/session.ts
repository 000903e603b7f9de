import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../db/database.ts';
import type { Role } from './users.repository.ts';

export const SESSION_COOKIE = 'ca_session';
export const CSRF_COOKIE = 'csrf_token';
export const CSRF_HEADER = 'x-csrf-token';
export const SESSION_TTL_HOURS = 12;

/** The user attached to a request; the only identity the services see. */
export interface SessionUser {
  id: number;
  username: string;
  role: Role;
  province_code: string | null;
  display_name: string | null;
}

export interface SessionRecord {
  user: SessionUser;
  csrfToken: string;
}

export const newToken = () => randomBytes(32).toString('base64url');
const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/** Sessions live in the database so any app instance behind the load balancer can serve any request. */
export class SessionRepository {
  constructor(private readonly db: Queryable) {}

  async create(userId: number): Promise<{ token: string; csrfToken: string }> {
    const token = newToken();
    const csrfToken = newToken();
    await this.db.query(
      `INSERT INTO sessions (token_hash, user_id, csrf_token, expires_at)
       VALUES ($1, $2, $3, now() + make_interval(hours => $4))`,
      [tokenHash(token), userId, csrfToken, SESSION_TTL_HOURS],
    );
    return { token, csrfToken };
  }

  async find(token: string): Promise<SessionRecord | null> {
    const result = await this.db.query<SessionUser & { csrf_token: string }>(
      `SELECT u.id, u.username, u.role, u.province_code, u.display_name, s.csrf_token
       FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE s.token_hash = $1 AND s.expires_at > now() AND NOT u.disabled`,
      [tokenHash(token)],
    );
    const row = result.rows[0];
    if (!row) return null;
    const { csrf_token, ...user } = row;
    return { user, csrfToken: csrf_token };
  }

  async delete(token: string): Promise<void> {
    await this.db.query('DELETE FROM sessions WHERE token_hash = $1 OR expires_at < now()', [tokenHash(token)]);
  }
}

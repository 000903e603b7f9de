import type { Database } from '../db/database.ts';
import { BadRequestException, ConflictException, TooManyRequestsException, UnauthorizedException } from '../errors.ts';
import { AuditRepository } from '../audit/audit.repository.ts';
import { dummyHash, hashPassword, verifyPassword } from './password.ts';
import { passwordProblems } from '../domain/password-policy.ts';
import { SessionRepository, type SessionUser } from './session.ts';
import { ROLES, UsersRepository, type Role, type UserRow } from './users.repository.ts';

export const LOGIN_LIMIT = { perUsernameAndIp: 5, perIp: 20, windowMinutes: 15, firstLockSeconds: 30 } as const;

/** Seconds still to wait after `failures` failures, the last `sinceLastSeconds` ago: 30 s, 60 s, 120 s, … up to the window. */
export function lockoutRemainingSeconds(failures: number, threshold: number, sinceLastSeconds: number | null): number {
  if (failures < threshold || sinceLastSeconds === null) return 0;
  const lock = Math.min(LOGIN_LIMIT.windowMinutes * 60, LOGIN_LIMIT.firstLockSeconds * 2 ** (failures - threshold));
  return Math.max(0, Math.ceil(lock - sinceLastSeconds));
}
const USERNAME = /^[a-z0-9._-]{3,64}$/;

export function toSessionUser(row: UserRow): SessionUser {
  return { id: row.id, username: row.username, role: row.role, province_code: row.province_code, display_name: row.display_name };
}

export interface NewUserInput {
  username: unknown;
  password: unknown;
  role: unknown;
  province_code?: unknown;
  display_name?: unknown;
}

export class AuthService {
  private readonly users: UsersRepository;
  private readonly sessions: SessionRepository;

  constructor(private readonly db: Database) {
    this.users = new UsersRepository(db);
    this.sessions = new SessionRepository(db);
  }

  async login(username: unknown, password: unknown, ip: string | null) {
    if (typeof username !== 'string' || typeof password !== 'string' || !username || !password) {
      throw new BadRequestException('username and password are required', undefined, 'invalid-credentials-body');
    }
    // Locked per username *and* address, so nobody can lock another user out from elsewhere; each further
    // failure doubles the wait. An address failing across many usernames is limited on its own.
    const failures = await this.db.query<{ by_pair: number; by_ip: number; last_pair_s: number | null; last_ip_s: number | null }>(
      `SELECT count(*) FILTER (WHERE username = $1 AND ip = $2)::int AS by_pair, count(*) FILTER (WHERE ip = $2)::int AS by_ip,
              extract(epoch FROM now() - max(failed_at) FILTER (WHERE username = $1 AND ip = $2))::float8 AS last_pair_s,
              extract(epoch FROM now() - max(failed_at) FILTER (WHERE ip = $2))::float8 AS last_ip_s
       FROM login_failures WHERE failed_at > now() - make_interval(mins => $3) AND ip = $2`,
      [username, ip ?? '', LOGIN_LIMIT.windowMinutes],
    );
    const { by_pair, by_ip, last_pair_s, last_ip_s } = failures.rows[0]!;
    const waitSeconds = Math.max(
      lockoutRemainingSeconds(by_pair, LOGIN_LIMIT.perUsernameAndIp, last_pair_s),
      lockoutRemainingSeconds(by_ip, LOGIN_LIMIT.perIp, last_ip_s),
    );
    if (waitSeconds > 0) {
      throw new TooManyRequestsException(`Too many failed logins; try again in ${waitSeconds} s`, { retry_after_seconds: waitSeconds });
    }
    const user = await this.users.findByUsername(username);
    const ok = await verifyPassword(password, user?.password_hash ?? dummyHash());
    if (!user || !ok || user.disabled) {
      await this.db.query('INSERT INTO login_failures (username, ip) VALUES ($1, $2)', [username, ip ?? '']);
      await new AuditRepository(this.db).record({ username, action: 'login', outcome: 'refused', ip });
      throw new UnauthorizedException('Wrong username or password');
    }
    const session = await this.sessions.create(user.id);
    await new AuditRepository(this.db).record({ userId: user.id, username: user.username, action: 'login', ip });
    return { user: toSessionUser(user), ...session };
  }

  logout(token: string) {
    return this.sessions.delete(token);
  }

  async listUsers() {
    return (await this.users.list()).map((u) => ({ ...toSessionUser(u), disabled: u.disabled, created_at: u.created_at }));
  }

  /** Creates an account; shared by POST /api/users and `npm run user:add`. */
  async createUser(input: NewUserInput, actor: { id: number | null; username: string | null; ip: string | null }) {
    const problems: { field: string; message: string }[] = [];
    const username = typeof input.username === 'string' ? input.username.trim().toLowerCase() : '';
    if (!USERNAME.test(username)) problems.push({ field: 'username', message: '3-64 characters: a-z, 0-9, dot, dash, underscore' });
    problems.push(...passwordProblems(input.password, username).map(({ field, message }) => ({ field, message })));
    const role = input.role as Role;
    if (!ROLES.includes(role)) problems.push({ field: 'role', message: `one of ${ROLES.join(', ')}` });
    const provinceCode = typeof input.province_code === 'string' && input.province_code ? input.province_code : null;
    const scoped = role === 'planner' || role === 'reviewer';
    if (scoped && !provinceCode) problems.push({ field: 'province_code', message: `a ${role} needs a province` });
    if (!scoped && provinceCode) problems.push({ field: 'province_code', message: `a ${role} is national and takes no province` });
    if (provinceCode) {
      const exists = await this.db.query('SELECT 1 FROM provinces_2025 WHERE code = $1', [provinceCode]);
      if (!exists.rowCount) problems.push({ field: 'province_code', message: `unknown 2025 provincial unit ${provinceCode} (scopes are in the 34-unit division)` });
    }
    if (problems.length) throw new BadRequestException('Invalid user', problems, 'invalid-user');
    if (await this.users.findByUsername(username)) throw new ConflictException(`User ${username} already exists`, { username }, 'user-exists');
    const passwordHash = await hashPassword(input.password as string);
    return this.db.transaction(async (tx) => {
      const row = await new UsersRepository(tx).insert({
        username,
        passwordHash,
        role,
        provinceCode,
        displayName: typeof input.display_name === 'string' ? input.display_name : null,
      });
      await new AuditRepository(tx).record({
        userId: actor.id,
        username: actor.username,
        action: 'user.create',
        entityType: 'user',
        entityId: String(row.id),
        ip: actor.ip,
        details: { username, role, province_code: provinceCode },
      });
      return toSessionUser(row);
    });
  }
}

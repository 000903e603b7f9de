import type { Queryable } from '../db/database.ts';

export { ROLES, type Role } from '../domain/permissions.ts';
import type { Role } from '../domain/permissions.ts';

export interface UserRow {
  id: number;
  username: string;
  password_hash: string;
  role: Role;
  province_code: string | null;
  display_name: string | null;
  disabled: boolean;
  created_at: Date;
}

export interface NewUser {
  username: string;
  passwordHash: string;
  role: Role;
  provinceCode: string | null;
  displayName?: string | null;
}

export class UsersRepository {
  constructor(private readonly db: Queryable) {}

  async insert(user: NewUser): Promise<UserRow> {
    const result = await this.db.query<UserRow>(
      `INSERT INTO users (username, password_hash, role, province_code, display_name)
       VALUES ($1, $2, $3, $4, $5) RETURNING *`,
      [user.username, user.passwordHash, user.role, user.provinceCode, user.displayName ?? null],
    );
    return result.rows[0];
  }

  async findByUsername(username: string): Promise<UserRow | null> {
    const result = await this.db.query<UserRow>('SELECT * FROM users WHERE username = $1', [username]);
    return result.rows[0] ?? null;
  }

  async findById(id: number): Promise<UserRow | null> {
    const result = await this.db.query<UserRow>('SELECT * FROM users WHERE id = $1', [id]);
    return result.rows[0] ?? null;
  }

  async list(): Promise<UserRow[]> {
    const result = await this.db.query<UserRow>('SELECT * FROM users ORDER BY username');
    return result.rows;
  }

  async count(): Promise<number> {
    const result = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
    return result.rows[0].n;
  }
}

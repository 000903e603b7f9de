import type { Database } from './database.ts';
import { seedAdminGeography, seedCommunes2025 } from '../geography/admin-seed.ts';
import { hashPassword } from '../auth/password.ts';
import { UsersRepository, type Role } from '../auth/users.repository.ts';

/** Demo accounts, listed in the README; seeded only into a newly created embedded database or on `db:seed -- --demo`. */
export const DEMO_USERS: readonly { username: string; role: Role; provinceCode: string | null; displayName: string }[] = [
  // province codes are 2025 units: 15 Lào Cai (old 10 Lào Cai + old 15 Yên Bái), 24 Bắc Ninh (old 24 Bắc Giang + old 27 Bắc Ninh)
  { username: 'planner.laocai', role: 'planner', provinceCode: '15', displayName: 'Chuyên viên quy hoạch Lào Cai' },
  { username: 'reviewer.laocai', role: 'reviewer', provinceCode: '15', displayName: 'Sở Công Thương Lào Cai' },
  { username: 'planner.bacninh', role: 'planner', provinceCode: '24', displayName: 'Chuyên viên quy hoạch Bắc Ninh' },
  { username: 'ministry', role: 'ministry', provinceCode: null, displayName: 'Cục Công Thương địa phương' },
  { username: 'admin', role: 'admin', provinceCode: null, displayName: 'Quản trị hệ thống' },
];

export async function seedDemoUsers(db: Database, password: string): Promise<string[]> {
  const users = new UsersRepository(db);
  const hash = await hashPassword(password);
  const created: string[] = [];
  for (const demo of DEMO_USERS) {
    if (await users.findByUsername(demo.username)) continue;
    await users.insert({ username: demo.username, passwordHash: hash, role: demo.role, provinceCode: demo.provinceCode, displayName: demo.displayName });
    created.push(demo.username);
  }
  return created;
}

export interface SeedOptions {
  demoUsers: boolean;
  demoPassword: string;
}

/** Reference data every installation needs, plus demo accounts when asked. Safe to run repeatedly. */
export async function seed(db: Database, options: SeedOptions) {
  const adminGeography = await seedAdminGeography(db);
  const communes2025 = await seedCommunes2025(db);
  const demoUsers = options.demoUsers ? await seedDemoUsers(db, options.demoPassword) : [];
  return { adminGeography, communes2025, demoUsers };
}

/**
 * Vietnam's two provincial divisions and the one rule of province scope. Pure: shared by the server and the client.
 *
 * - Era '2025': the 34 provincial units of Resolution 202/2025/QH15, in force from 1 July 2025 — the working division.
 *   Users, roles and scopes, and a cluster's `province_code`, are in this era.
 * - Era '2009': the 63 provinces (1 August 2008 – 30 June 2025), kept for history and the 2020/2025 master plan.
 *   A cluster's `province_code_2009`, districts, plan items, facilities and regions are in this era.
 *
 * The code trap: a 2025 code is the old code of one of its merged provinces, so the same two digits can name different
 * territory ("15" is Lào Cai in 2025, Yên Bái in 2009; "24" is Bắc Ninh in 2025, Bắc Giang in 2009). Never compare codes
 * of different eras; convert with `unitOf2009` and name the era in every field.
 */

export type Era = '2009' | '2025';
export const ERAS: readonly Era[] = ['2025', '2009'];
/** The working division: the default wherever a request does not say. */
export const CURRENT_ERA: Era = '2025';
/** The day the 34 units took office (Vietnamese calendar day). */
export const DIVISION_2025_FROM = '2025-07-01';

/** The 34 units and the 2009 provinces merged into each (gis-data/admin/vn-provinces-34-2025.geojson `merged_from`). */
export const UNITS_2025: Readonly<Record<string, readonly string[]>> = {
  '01': ['01'], '04': ['04'], '08': ['02', '08'], '11': ['11'], '12': ['12'], '14': ['14'], '15': ['10', '15'],
  '19': ['06', '19'], '20': ['20'], '22': ['22'], '24': ['24', '27'], '25': ['17', '25', '26'], '31': ['30', '31'],
  '33': ['33', '34'], '37': ['35', '36', '37'], '38': ['38'], '40': ['40'], '42': ['42'], '44': ['44', '45'], '46': ['46'],
  '48': ['48', '49'], '51': ['51', '62'], '52': ['52', '64'], '56': ['56', '58'], '66': ['54', '66'], '68': ['60', '67', '68'],
  '75': ['70', '75'], '79': ['74', '77', '79'], '80': ['72', '80'], '82': ['82', '87'], '86': ['83', '84', '86'],
  '91': ['89', '91'], '92': ['92', '93', '94'], '96': ['95', '96'],
};

const UNIT_OF_2009: ReadonlyMap<string, string> = new Map(
  Object.entries(UNITS_2025).flatMap(([unit, olds]) => olds.map((old) => [old, unit] as const)),
);

export function isUnit2025(code: string | null | undefined): boolean {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(UNITS_2025, code);
}

export function isProvince2009(code: string | null | undefined): boolean {
  return typeof code === 'string' && UNIT_OF_2009.has(code);
}

/** The 2025 unit that absorbed a 2009 province (null for an unknown code). */
export function unitOf2009(province2009: string): string | null {
  return UNIT_OF_2009.get(province2009) ?? null;
}

/** The 2009 provinces inside a 2025 unit ([] for an unknown code). */
export function provinces2009Of(unit2025: string): readonly string[] {
  return UNITS_2025[unit2025] ?? [];
}

export function parseEraValue(value: unknown): Era | null {
  if (value === undefined || value === null || value === '') return CURRENT_ERA;
  return value === '2009' || value === '2025' ? value : null;
}

/**
 * Where an entity lies, in whichever era it is recorded. Build it with `scope2025` or `scope2009`, so a bare code
 * never reaches the permission rule without its era.
 */
export interface ProvinceScope {
  readonly era: Era;
  readonly code: string;
}
export const scope2025 = (code: string): ProvinceScope => ({ era: '2025', code });
export const scope2009 = (code: string): ProvinceScope => ({ era: '2009', code });

/** The 2025 unit of a scope (null when the code does not exist in its era). */
export function unitOfScope(scope: ProvinceScope): string | null {
  if (scope.era === '2025') return isUnit2025(scope.code) ? scope.code : null;
  return unitOf2009(scope.code);
}

/** Someone who works in one province: the user's `province_code` is a 2025 unit (null for national roles). */
export interface ScopedActor {
  role: 'planner' | 'reviewer' | 'ministry' | 'admin';
  province_code: string | null;
}

/**
 * THE province-scope rule: national roles (ministry, admin) cover the whole country; a planner or reviewer covers
 * everything inside their 2025 unit — so the planner of unit 15 covers what lies in old 10 Lào Cai and old 15 Yên Bái.
 */
export function actorCovers(actor: ScopedActor, scope: ProvinceScope | null): boolean {
  if (actor.role === 'ministry' || actor.role === 'admin') return true;
  if (scope === null || actor.province_code === null) return false;
  const unit = unitOfScope(scope);
  return unit !== null && unit === actor.province_code;
}

import type { Database } from '../db/database.ts';
import type { SessionUser } from '../auth/session.ts';
import { AuditRepository } from '../audit/audit.repository.ts';
import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  InvalidGeometryException,
  NotFoundException,
  UnprocessableEntityException,
} from '../errors.ts';
import { VIETNAM_EXTENT, validateClusterGeometry } from '../domain/geometry-validation.ts';
import { HAZARD_CLASSES, DEFAULT_ISOLATION_TABLE, strictestDistanceM } from '../domain/hazard.ts';
import { decide } from '../versioning/review-workflow.ts';
import { FacilitiesRepository, type FacilityRow } from './facilities.repository.ts';
import { AmongResidentialRepository, type AmongResidentialRow } from './among-residential.repository.ts';
import { validateFacilityAttributes, type FacilityAttributes } from './facility-attributes.ts';

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface FacilityFeature {
  type: 'Feature';
  id: string;
  geometry: GeoJSON.Geometry;
  properties: FacilityAttributes;
  /** foreign member: register metadata, kept out of the contract's properties */
  meta: { version: number; created_at: string; updated_at: string; source: string; lon: number; lat: number };
}

export function toFeature(row: FacilityRow): FacilityFeature {
  return {
    type: 'Feature',
    id: row.id,
    geometry: row.geometry,
    properties: row.properties,
    meta: {
      version: row.version,
      created_at: new Date(row.created_at).toISOString(),
      updated_at: new Date(row.updated_at).toISOString(),
      source: row.source,
      lon: row.lon,
      lat: row.lat,
    },
  };
}

interface Actor {
  user: SessionUser;
  ip: string | null;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** JS checks on the site geometry (a Point, or a Polygon/MultiPolygon like a cluster boundary). */
export function checkFacilityGeometry(geometry: unknown): { ok: true; geometry: GeoJSON.Geometry } | { ok: false; errors: unknown[] } {
  if (!isObj(geometry) || typeof geometry.type !== 'string') return { ok: false, errors: [{ code: 'missing-geometry', message: 'geometry must be a GeoJSON Point, Polygon or MultiPolygon' }] };
  if (geometry.type === 'Point') {
    const c = geometry.coordinates;
    if (!Array.isArray(c) || c.length < 2 || !c.slice(0, 2).every((n) => typeof n === 'number' && Number.isFinite(n))) {
      return { ok: false, errors: [{ code: 'invalid-coordinate', message: 'a Point needs [lon, lat] numbers' }] };
    }
    const [lon, lat] = c as number[];
    const inside = (x: number, y: number) => x >= VIETNAM_EXTENT.minLon && x <= VIETNAM_EXTENT.maxLon && y >= VIETNAM_EXTENT.minLat && y <= VIETNAM_EXTENT.maxLat;
    if (!inside(lon!, lat!)) {
      const swapped = inside(lat!, lon!);
      return {
        ok: false,
        errors: [{ code: swapped ? 'swapped-coordinates' : 'outside-vietnam', message: swapped ? 'coordinates look like [lat, lon]; GeoJSON is [lon, lat]' : `point [${lon}, ${lat}] is outside Vietnam`, location: [lon, lat] }],
      };
    }
    return { ok: true, geometry: { type: 'Point', coordinates: [lon!, lat!] } };
  }
  if (geometry.type === 'Polygon' || geometry.type === 'MultiPolygon') {
    const r = validateClusterGeometry(geometry);
    if (!r.ok || !r.geometry) return { ok: false, errors: r.errors };
    return { ok: true, geometry: r.geometry };
  }
  return { ok: false, errors: [{ code: 'unsupported-geometry-type', message: `a facility site is a Point, Polygon or MultiPolygon, not ${geometry.type}` }] };
}

export class FacilitiesService {
  constructor(private readonly db: Database) {}

  private assertCanEdit(user: SessionUser, province: string) {
    const d = decide({ id: user.id, role: user.role, province_code: user.province_code }, 'edit', province);
    if (!d.allowed) throw new ForbiddenException(d.reason ?? 'You may not edit facilities of this province', { province_code: province, reason: d.code });
  }

  /** Validates a Feature body; throws 400/422 with every problem listed. */
  async parseFeature(body: unknown, repo: FacilitiesRepository): Promise<{ properties: FacilityAttributes; geometry: string; warnings: unknown[] }> {
    if (!isObj(body) || body.type !== 'Feature') throw new BadRequestException('Body must be a GeoJSON Feature', { expected: 'Feature' }, 'invalid-feature');
    const attrs = validateFacilityAttributes(body.properties);
    if (!attrs.ok) throw new UnprocessableEntityException('Invalid facility attributes', { errors: attrs.errors }, 'invalid-attributes');
    const geom = checkFacilityGeometry(body.geometry);
    if (!geom.ok) throw new InvalidGeometryException('Invalid facility geometry', { errors: geom.errors });
    const p = attrs.value;
    if (!(await repo.provinceExists(p.province_code))) {
      throw new UnprocessableEntityException(`Unknown province ${p.province_code}`, { errors: [{ field: 'province_code', code: 'unknown-province' }] }, 'invalid-attributes');
    }
    if (p.district_code) {
      const dp = await repo.districtProvince(p.district_code);
      if (dp !== p.province_code) {
        throw new UnprocessableEntityException(`District ${p.district_code} is not in province ${p.province_code}`, { errors: [{ field: 'district_code', code: dp ? 'district-not-in-province' : 'unknown-district' }] }, 'invalid-attributes');
      }
    }
    const geojson = JSON.stringify(geom.geometry);
    const pg = await repo.checkGeometry(geojson);
    if (!pg.valid) throw new InvalidGeometryException(`Invalid facility geometry: ${pg.reason}`, { errors: [{ code: 'self-intersection', message: pg.reason }] });
    return { properties: p, geometry: geojson, warnings: attrs.warnings };
  }

  async create(actor: Actor, body: unknown): Promise<FacilityFeature & { warnings?: unknown[] }> {
    const parsed = await this.parseFeature(body, new FacilitiesRepository(this.db));
    this.assertCanEdit(actor.user, parsed.properties.province_code);
    const comment = isObj(body) && typeof body.comment === 'string' ? body.comment : null;
    const row = await this.db.transaction(async (tx) => {
      const repo = new FacilitiesRepository(tx);
      const id = await repo.insertFacility({ province_code: parsed.properties.province_code, created_by: actor.user.id });
      await repo.insertVersion({ facility_id: id, version: 1, author_id: actor.user.id, comment, properties: parsed.properties, geometry: parsed.geometry });
      await new AuditRepository(tx).record({
        userId: actor.user.id,
        username: actor.user.username,
        action: 'facility.create',
        entityType: 'facility',
        entityId: id,
        versionAfter: 1,
        ip: actor.ip,
      });
      return (await repo.find(id))!;
    });
    const feature = toFeature(row);
    return parsed.warnings.length ? { ...feature, warnings: parsed.warnings } : feature;
  }

  /** A new immutable version; `expectedVersion` (If-Match or body.version) guards against lost updates. */
  async update(actor: Actor, id: string, body: unknown, expectedVersion: number | null): Promise<FacilityFeature> {
    if (!UUID_RE.test(id)) throw new NotFoundException(`No facility ${id}`);
    const parsed = await this.parseFeature(body, new FacilitiesRepository(this.db));
    const comment = isObj(body) && typeof body.comment === 'string' ? body.comment : null;
    const row = await this.db.transaction(async (tx) => {
      const repo = new FacilitiesRepository(tx);
      const head = await repo.lockHead(id);
      if (!head) throw new NotFoundException(`No facility ${id}`);
      // both the current and the new province must be the editor's
      this.assertCanEdit(actor.user, head.province_code);
      this.assertCanEdit(actor.user, parsed.properties.province_code);
      if (expectedVersion !== null && expectedVersion !== head.head_version) {
        throw new ConflictException('The facility was changed by someone else; reload it', { expected: expectedVersion, current: head.head_version }, 'version-conflict');
      }
      const next = head.head_version + 1;
      await repo.insertVersion({ facility_id: id, version: next, author_id: actor.user.id, comment, properties: parsed.properties, geometry: parsed.geometry });
      if (!(await repo.moveHead(id, head.head_version, next, parsed.properties.province_code))) {
        throw new ConflictException('The facility was changed by someone else; reload it', { current: head.head_version }, 'version-conflict');
      }
      await new AuditRepository(tx).record({
        userId: actor.user.id,
        username: actor.user.username,
        action: 'facility.update',
        entityType: 'facility',
        entityId: id,
        versionBefore: head.head_version,
        versionAfter: next,
        ip: actor.ip,
      });
      return (await repo.find(id))!;
    });
    return toFeature(row);
  }

  async get(id: string): Promise<FacilityFeature> {
    if (!UUID_RE.test(id)) throw new NotFoundException(`No facility ${id}`);
    const row = await new FacilitiesRepository(this.db).find(id);
    if (!row) throw new NotFoundException(`No facility ${id}`);
    return toFeature(row);
  }

  async history(id: string) {
    if (!UUID_RE.test(id)) throw new NotFoundException(`No facility ${id}`);
    const repo = new FacilitiesRepository(this.db);
    const versions = await repo.history(id);
    if (versions.length === 0) throw new NotFoundException(`No facility ${id}`);
    return { id, versions };
  }

  async list(query: { province?: string; status?: string; limit?: string; offset?: string }) {
    if (query.province !== undefined && !/^\d{2}$/.test(query.province)) throw new BadRequestException('province must be a 2-digit code');
    const limit = query.limit === undefined ? 1000 : Number(query.limit);
    const offset = query.offset === undefined ? 0 : Number(query.offset);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10000) throw new BadRequestException('limit must be an integer 1–10000');
    if (!Number.isInteger(offset) || offset < 0) throw new BadRequestException('offset must be a non-negative integer');
    const rows = await new FacilitiesRepository(this.db).list({ province: query.province ?? null, status: query.status ?? null, limit, offset });
    return { type: 'FeatureCollection' as const, features: rows.map(toFeature) };
  }

  /** Facilities among homes, ranked by severity: class (I first), then distance, then population. */
  async amongResidential(query: { province?: string; limit?: string }): Promise<AmongResidentialResult> {
    const province = query.province === undefined || query.province === '' ? null : query.province;
    if (province !== null && !/^\d{2}$/.test(province)) throw new BadRequestException('province must be a 2-digit code', { province });
    const limit = query.limit === undefined ? 100000 : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new BadRequestException('limit must be a positive integer');
    const table = DEFAULT_ISOLATION_TABLE;
    // JIT compilation (PostgreSQL's default for costly plans) costs more than it saves on this index-driven query
    const rows = await this.db.transaction(async (tx) => {
      await tx.query('SET LOCAL jit = off');
      return new AmongResidentialRepository(tx).find({
        province,
        classes: [...HAZARD_CLASSES],
        distances: HAZARD_CLASSES.map((c) => table.classes[c].distance_m),
        unknownDistance: strictestDistanceM(table),
        limit,
      });
    });
    return {
      province,
      isolation_distances_m: Object.fromEntries(HAZARD_CLASSES.map((c) => [c, table.classes[c].distance_m])),
      source: table.sources.distances,
      ranking: 'hazard class (I first; unknown class counts as I), then nearest distance, then population (largest first)',
      count: rows.length,
      items: rows.map((r, i) => ({ rank: i + 1, ...r, assumed_strictest: r.hazard_class === null })),
    };
  }
}

export interface AmongResidentialResult {
  province: string | null;
  isolation_distances_m: Record<string, number>;
  source: string;
  ranking: string;
  count: number;
  items: (AmongResidentialRow & { rank: number; assumed_strictest: boolean })[];
}

export const AMONG_RESIDENTIAL_CSV_COLUMNS = [
  'rank',
  'facility_id',
  'name',
  'owner',
  'industry',
  'hazard_class',
  'required_distance_m',
  'inside',
  'zone_count',
  'nearest_distance_m',
  'population',
  'province_code',
  'district_code',
  'status',
  'lon',
  'lat',
] as const;

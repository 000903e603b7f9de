/**
 * Imports: upload → check (nothing written to the target layer) → commit in one transaction.
 * The check runs after the upload answers 202; its progress, results and the staged features live in the
 * database (imports, import_features), so any instance can answer the poll, the mapping edit or the commit.
 */
import { CLUSTER_GEOMETRY_LOCK, MIN_OVERLAP_HA } from '../clusters/cluster-validation.ts';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { sanitisedMemberName } from './formats/archive-safety.ts';
import { IMPORT_LIMITS } from '../domain/limits.ts';
import { unitOf2009 } from '../domain/admin-division.ts';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Geometry, Position } from 'geojson';
import type { Database } from '../db/database.ts';
import type { SessionUser } from '../auth/session.ts';
import type { Logger } from '../logger.ts';
import { AuditRepository } from '../audit/audit.repository.ts';
import { inputErrorToHttp, BadRequestException, ConflictException, ForbiddenException, HttpException, NotFoundException, UnauthorizedException, UnprocessableEntityException } from '../errors.ts';
import { VIETNAM_EXTENT, removeDuplicateConsecutiveVertices } from '../domain/geometry-validation.ts';
import { ClustersRepository } from '../clusters/clusters.repository.ts';
import { PlansService } from '../plans/plans.service.ts';
import { roleMay } from '../domain/permissions.ts';
import type { PlanItemDraft, PlanRow } from '../plans/plans.repository.ts';
import { boundaryStatusFits, declaredAreaHa, defaultBoundaryStatus, isBoundaryStatus } from '../domain/boundary.ts';
import { ImportsRepository, type ImportRow, type IssueOut, type StagedFeature } from './imports.repository.ts';
import { FileFormatError, openUpload } from './formats/readers.ts';
import { classifyRange, crsName, KNOWN_PROJECTED, parseCrsParam, type Bbox } from './formats/crs.ts';
import { allowedGeometry, applyMapping, fieldKey, IMPORT_LAYERS, layerFields, provinceKey, statedAreaHa, suggestMapping, validateForLayer, type ImportLayer, type ProvinceLookup } from './mapping.ts';

export const MAX_UPLOAD_BYTES = 200 * 1024 * 1024;
const BATCH = 1000;
const AREA_TOLERANCE = 0.05;
/** Vietnam for the per-row lat/lon swap test: longitude 102–118, latitude 8–24. */
const SWAP_RANGES = { minLon: 102, maxLon: 118, minLat: 8, maxLat: 24 } as const;
/** a check that has not moved for this long died with its instance */
const STALE_CHECK_MS = 10 * 60 * 1000;

type Severity = IssueOut['severity'];

const issue = (feature: number, severity: Severity, code: string, message: string, message_en: string, extra: Record<string, unknown> = {}): IssueOut => ({ feature, severity, code, message, message_en, ...extra });

export interface UploadedFile {
  path: string;
  originalname: string;
  size: number;
}

function sha256(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file).on('data', (c) => h.update(c)).on('error', reject).on('end', () => resolve(h.digest('hex')));
  });
}

/** Z dropped, duplicate consecutive vertices removed, rings closed; returns the 2D geometry and what was done. */
export function normaliseGeometry(feature: number, g: Geometry | null): { geometry: Geometry | null; issues: IssueOut[]; bbox: Bbox | null } {
  const issues: IssueOut[] = [];
  if (!g) return { geometry: null, issues: [issue(feature, 'critical', 'invalid-geometry', 'Đối tượng không có hình học', 'The feature has no geometry')], bbox: null };
  let zCount = 0;
  let zNonZero = false;
  let dupes = 0;
  let closed = 0;
  let short = false;
  const bbox: Bbox = [Infinity, Infinity, -Infinity, -Infinity];
  const pos = (p: Position): Position => {
    if (p.length > 2) {
      zCount++;
      if (p[2] !== 0 && p[2] !== null) zNonZero = true;
    }
    const x = Number(p[0]);
    const y = Number(p[1]);
    if (x < bbox[0]) bbox[0] = x;
    if (y < bbox[1]) bbox[1] = y;
    if (x > bbox[2]) bbox[2] = x;
    if (y > bbox[3]) bbox[3] = y;
    return [x, y];
  };
  const ring = (r: Position[]): Position[] => {
    const { positions, removed } = removeDuplicateConsecutiveVertices(r.map(pos));
    dupes += removed;
    const first = positions[0];
    const last = positions[positions.length - 1];
    if (first && last && (first[0] !== last[0] || first[1] !== last[1])) {
      positions.push([first[0]!, first[1]!]);
      closed++;
    }
    if (positions.length < 4) short = true;
    return positions;
  };
  let out: Geometry | null;
  const polygons: Position[][][] = [];
  const collect = (x: Geometry) => {
    if (x.type === 'Polygon') polygons.push(x.coordinates);
    else if (x.type === 'MultiPolygon') polygons.push(...x.coordinates);
    else if (x.type === 'GeometryCollection') x.geometries.forEach(collect);
  };
  switch (g.type) {
    case 'Point':
      out = { type: 'Point', coordinates: pos(g.coordinates) };
      break;
    case 'Polygon':
      out = { type: 'Polygon', coordinates: g.coordinates.map(ring) };
      break;
    case 'MultiPolygon':
      out = { type: 'MultiPolygon', coordinates: g.coordinates.map((p) => p.map(ring)) };
      break;
    case 'GeometryCollection':
      // KML MultiGeometry: keep the polygons
      collect(g);
      out = polygons.length ? { type: 'MultiPolygon', coordinates: polygons.map((p) => p.map(ring)) } : null;
      if (!out) issues.push(issue(feature, 'critical', 'invalid-geometry', 'Nhóm hình học không có vùng (polygon)', 'The geometry collection holds no polygon'));
      break;
    default:
      out = null;
      issues.push(issue(feature, 'critical', 'invalid-geometry', `Kiểu hình học ${g.type} không được hỗ trợ`, `Geometry type ${g.type} is not supported`, { geometry_type: g.type }));
  }
  if (zCount) {
    issues.push(zNonZero
      ? issue(feature, 'warning', 'z-dropped', `Đã bỏ độ cao (Z) của ${zCount} đỉnh`, `Z values of ${zCount} vertices were dropped`, { count: zCount })
      : issue(feature, 'info', 'z-dropped', `Đã bỏ tọa độ Z bằng 0 của ${zCount} đỉnh`, `Zero Z values of ${zCount} vertices were dropped`, { count: zCount }));
  }
  if (dupes) issues.push(issue(feature, 'warning', 'duplicate-vertices', `Đã xóa ${dupes} đỉnh trùng liên tiếp`, `${dupes} duplicate consecutive vertices were removed`, { count: dupes }));
  if (closed) issues.push(issue(feature, 'info', 'ring-closed', `Đã khép kín ${closed} vòng ranh giới`, `${closed} rings were closed`, { count: closed }));
  if (short && out) {
    issues.push(issue(feature, 'critical', 'invalid-geometry', 'Vòng ranh giới có ít hơn 3 đỉnh phân biệt', 'A ring has fewer than 3 distinct vertices'));
    out = null;
  }
  return { geometry: out, issues, bbox: Number.isFinite(bbox[0]) ? bbox : null };
}

const tooManyRows = (n: number) =>
  new FileFormatError(`The file holds ${n > IMPORT_LIMITS.maxRows + 1 ? n : 'more than ' + IMPORT_LIMITS.maxRows} features; at most ${IMPORT_LIMITS.maxRows} are accepted in one import — split the file`, 'too-many-rows');

const ISSUES_PAGE_DEFAULT = 500;
const ISSUES_PAGE_MAX = 5000;

function pageParam(raw: unknown, fallback: number, max: number, name: string): number {
  if (raw === undefined || raw === '') return fallback;
  const n = typeof raw === 'string' && /^\d{1,16}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n > max) throw new BadRequestException(`${name} must be an integer 0–${max}`, { [name]: raw }, 'invalid-query');
  return n;
}

export class ImportsService {
  private readonly repo: ImportsRepository;

  constructor(
    private readonly db: Database,
    private readonly logger?: Logger,
  ) {
    this.repo = new ImportsRepository(db);
    this.plans = new PlansService(db);
  }

  /** plan items go through the plan rules and the write path of POST /api/plans/:id/items */
  private readonly plans: PlansService;

  /* ----------------------------------------------------------------- access */

  private assertImporter(user: SessionUser | undefined): SessionUser {
    if (!user) throw new UnauthorizedException();
    if (!roleMay(user.role, 'import')) throw new ForbiddenException('Only planners and admins import data', { role: user.role });
    return user;
  }

  private async load(user: SessionUser | undefined, id: string, forWrite: boolean): Promise<ImportRow> {
    if (!user) throw new UnauthorizedException();
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw new NotFoundException(`No import ${id}`);
    const row = await this.repo.get(id);
    if (!row) throw new NotFoundException(`No import ${id}`);
    const national = user.role === 'admin' || user.role === 'ministry';
    const sameProvince = row.province_code !== null && row.province_code === user.province_code;
    if (!(national || row.created_by === user.id || sameProvince)) throw new ForbiddenException('This import belongs to another province');
    if (forWrite && !(user.role === 'admin' || row.created_by === user.id || (user.role === 'planner' && sameProvince))) {
      throw new ForbiddenException('Only the importer, a planner of the province or an admin may change this import');
    }
    return row;
  }

  /* ----------------------------------------------------------------- upload */

  async upload(user: SessionUser | undefined, file: UploadedFile | undefined, body: Record<string, unknown>, query: Record<string, unknown>): Promise<{ id: string }> {
    try {
      const actor = this.assertImporter(user);
      if (!file) throw new BadRequestException('Send the file in the multipart field "file"', { field: 'file' }, 'missing-file');
      const layer = String(body.layer ?? '');
      if (!(IMPORT_LAYERS as readonly string[]).includes(layer)) {
        throw new BadRequestException(`layer must be one of ${IMPORT_LAYERS.join(', ')}`, { field: 'layer', value: body.layer ?? null }, 'invalid-layer');
      }
      let province = typeof body.province === 'string' && body.province ? body.province : null;
      if (province !== null && !/^\d{2}$/.test(province)) throw new BadRequestException('province must be a 2-digit code', { field: 'province' }, 'invalid-province');
      if (actor.role === 'planner') {
        if (province && province !== actor.province_code) throw new ForbiddenException('Planners import into their own province only', { province, own: actor.province_code });
        province = actor.province_code;
      }
      let planId: number | null = null;
      if (layer === 'plan-items') {
        planId = Number(body.plan ?? body.plan_id);
        if (!Number.isInteger(planId) || !(await this.repo.planExists(planId))) {
          throw new BadRequestException('plan-items need the field "plan" with an existing plan id', { field: 'plan' }, 'invalid-plan');
        }
        // the plan rules of POST /api/plans/:id/items, early (the commit checks them again)
        this.plans.assertMayAddItems({ actor, ip: null }, await this.plans.planById(planId), province ? [province] : []);
      }
      const crsRaw = query.crs ?? body.crs;
      const epsg = parseCrsParam(crsRaw);
      if (epsg !== null && (!Number.isFinite(epsg) || !(await this.repo.sridExists(epsg)))) {
        throw new BadRequestException(`Unknown CRS ${String(crsRaw)}; use EPSG:NNNN`, { crs: crsRaw }, 'invalid-crs');
      }
      const hash = await sha256(file.path);
      const id = await this.repo.create({
        created_by: actor.id,
        layer: layer as ImportLayer,
        filename: sanitisedMemberName(path.basename(Buffer.from(file.originalname, 'latin1').toString('utf8').replaceAll('\\', '/'))),
        file_hash: hash,
        file_size: file.size,
        province_code: province,
        plan_id: planId,
        crs: epsg ? crsName(epsg) : null,
        crs_source: epsg ? 'query' : null,
      });
      // the check continues after the 202; its state and progress are in the database
      setImmediate(() => {
        this.startClock(id);
        this.read(id, file.path, file.originalname)
          .then(() => this.check(id))
          .catch((err) => this.fail(id, err))
          .finally(() => rm(file.path, { force: true }).catch(() => undefined));
      });
      return { id };
    } catch (err) {
      if (file) await rm(file.path, { force: true }).catch(() => undefined);
      throw err;
    }
  }

  /** Check runs in progress: when each must stop (IMPORT_LIMITS.checkSeconds). */
  private readonly deadlines = new Map<string, number>();

  private startClock(id: string) {
    this.deadlines.set(id, Date.now() + IMPORT_LIMITS.checkSeconds * 1000);
  }

  /**
   * Progress, and the place where a check stops: cancelled (its state left 'checking') or past its time limit.
   * Called between batches, so a stop takes effect within one batch.
   */
  private async checkpoint(id: string, progress: number): Promise<void> {
    if (!(await this.repo.setProgress(id, progress))) throw new FileFormatError('The import was cancelled', 'cancelled');
    const deadline = this.deadlines.get(id);
    if (deadline !== undefined && Date.now() > deadline) {
      throw new FileFormatError(`The check took longer than ${IMPORT_LIMITS.checkSeconds} s and was stopped; split the file`, 'check-timeout');
    }
  }

  /** Stops a running check, or discards a checked import; its staged features go. A committed import stays. */
  async cancel(user: SessionUser | undefined, id: string) {
    const row = await this.load(user, id, true);
    if (row.state === 'committed') throw new ConflictException('The import is committed; it can no longer be cancelled', { state: row.state }, 'already-committed');
    await this.repo.setState(id, 'failed', 100, { code: 'cancelled', message: 'Cancelled by the user' });
    await this.repo.deleteFeatures(id);
    this.deadlines.delete(id);
    return this.get(user, id);
  }

  private async fail(id: string, err: unknown) {
    this.deadlines.delete(id);
    // bad data the database refused is said in our words (the same mapping as the API's error filter)
    const known = err instanceof FileFormatError || err instanceof HttpException ? err : inputErrorToHttp(err);
    const e = known instanceof FileFormatError ? { code: known.code, message: known.message }
      : known instanceof HttpException ? { code: known.code, message: known.message, details: known.details }
      : { code: 'check-failed', message: 'The check failed unexpectedly; the details are in the server log' };
    if (!(err instanceof FileFormatError) && !(err instanceof HttpException)) this.logger?.error({ err: { message: (err as Error)?.message, stack: (err as Error)?.stack }, import: id }, 'import check failed');
    await this.repo.setState(id, 'failed', 100, e).catch(() => undefined);
    // a cancelled check may have staged one more batch after the cancel: it goes too
    if (e.code === 'cancelled') await this.repo.deleteFeatures(id).catch(() => undefined);
  }

  /** Reads the file into import_features (source coordinates, properties, reading issues). */
  async read(id: string, filePath: string, originalName: string): Promise<void> {
    const opened = await openUpload(filePath, originalName);
    try {
      let n = 0;
      let batch: StagedFeature[] = [];
      const fields = new Set<string>();
      const bbox: Bbox = [Infinity, Infinity, -Infinity, -Infinity];
      const flush = async () => {
        await this.repo.insertFeatures(id, batch);
        batch = [];
        await this.checkpoint(id, opened.total ? (45 * n) / opened.total : Math.min(45, 5 + n / 1000));
      };
      if (opened.total !== null && opened.total > IMPORT_LIMITS.maxRows) throw tooManyRows(opened.total);
      for await (const raw of opened.features) {
        n += 1;
        if (n > IMPORT_LIMITS.maxRows) throw tooManyRows(n);
        for (const k of Object.keys(raw.properties)) fields.add(k);
        const norm = normaliseGeometry(n, raw.geometry);
        if (norm.bbox) {
          bbox[0] = Math.min(bbox[0], norm.bbox[0]);
          bbox[1] = Math.min(bbox[1], norm.bbox[1]);
          bbox[2] = Math.max(bbox[2], norm.bbox[2]);
          bbox[3] = Math.max(bbox[3], norm.bbox[3]);
        }
        batch.push({ feature: n, properties: raw.properties, geojson: norm.geometry ? JSON.stringify(norm.geometry) : null, read_issues: norm.issues });
        if (batch.length >= BATCH) await flush();
      }
      await flush();
      if (n === 0) throw new FileFormatError('The file holds no features', 'empty-file');
      await this.repo.setRead(id, { format: opened.format, encoding: opened.encoding, feature_count: n, source_fields: [...fields], bbox: Number.isFinite(bbox[0]) ? bbox : null });
      const row = (await this.repo.get(id))!;
      if (row.crs_source !== 'query' && opened.crs) {
        if (opened.crs.epsg === null) throw new FileFormatError(`The coordinate system of the file is not recognised (${opened.crs.reason}); choose it with ?crs=EPSG:NNNN`, 'unknown-crs');
        await this.repo.setCrs(id, crsName(opened.crs.epsg), opened.crs.source, true, false);
      }
      const mapping = suggestMapping(row.layer, [...fields], opened.fieldAliases);
      await this.repo.setMapping(id, mapping);
    } finally {
      await opened.close();
    }
  }

  /* ------------------------------------------------------------------ check */

  /** Resolves the CRS (declared, or detected from the coordinate range and the province's zone). */
  private async resolveCrs(row: ImportRow): Promise<{ srid: number; swap: boolean; source: string; confirmed: boolean; note: string | null }> {
    const bbox = row.bbox;
    const range = bbox ? classifyRange(bbox).kind : 'unknown';
    const declared = row.crs ? Number(row.crs.slice(5)) : null;
    if (declared) {
      const geographic = declared === 4326 || declared === 4756;
      const swap = geographic ? range === 'latlon' : range === 'ne';
      return { srid: declared, swap, source: row.crs_source ?? 'file', confirmed: row.crs_confirmed || row.crs_source !== 'detected', note: null };
    }
    if (range === 'lonlat' || range === 'latlon') return { srid: 4326, swap: range === 'latlon', source: 'default', confirmed: true, note: null };
    // degrees, but some rows lon/lat and others lat/lon (a hand-typed point list): WGS 84, each row checked on its own
    if (bbox && bbox.every((v) => v >= 5 && v <= 120)) return { srid: 4326, swap: false, source: 'default', confirmed: true, note: null };
    if (range === 'en' || range === 'ne') {
      const [minX, minY, maxX, maxY] = bbox!;
      const cx = range === 'en' ? (minX + maxX) / 2 : (minY + maxY) / 2;
      const cy = range === 'en' ? (minY + maxY) / 2 : (minX + maxX) / 2;
      if (row.province_code) {
        const zone = await this.repo.provinceZone(row.province_code);
        if (zone) return { srid: zone, swap: range === 'ne', source: 'detected', confirmed: false, note: `VN-2000 zone of province ${row.province_code}` };
      }
      const fits = await this.repo.zonesFittingPoint(cx, cy);
      if (fits.length) return { srid: fits[0]!.epsg, swap: range === 'ne', source: 'detected', confirmed: false, note: `VN-2000 zone of province ${fits[0]!.province_code}, where the data lies` };
    }
    throw new FileFormatError('Cannot tell the coordinate system from the coordinates; choose it with ?crs=EPSG:NNNN', 'unknown-crs');
  }

  /** Transforms, validates, locates and maps every staged feature; writes the issues. Nothing reaches the target layer. */
  async check(id: string): Promise<void> {
    let row = (await this.repo.get(id))!;
    if (row.state === 'failed' && (row.error as { code?: string } | null)?.code === 'cancelled') throw new FileFormatError('The import was cancelled', 'cancelled');
    await this.repo.setState(id, 'checking', 50);
    const crs = await this.resolveCrs(row);
    if (!(await this.repo.sridExists(crs.srid))) throw new FileFormatError(`EPSG:${crs.srid} is not available`, 'unknown-crs');
    await this.repo.setCrs(id, crsName(crs.srid), crs.source, crs.confirmed, crs.swap);
    await this.repo.transform(id, crs.srid, crs.swap);
    // single points whose latitude and longitude look swapped, and whose swapped reading lies in Vietnam
    const rowSwapped = new Map(crs.srid === 4326 ? (await this.repo.unswapPoints(id, SWAP_RANGES)).map((r) => [r.feature, r]) : []);
    await this.checkpoint(id, 60);
    row = (await this.repo.get(id))!;
    const layer = row.layer;

    // geometry validity: repair what ST_MakeValid fixes without changing the area, block the rest
    const validity = new Map((await this.repo.validity(id, VIETNAM_EXTENT)).map((v) => [v.feature, v]));
    const repairable = [...validity.values()].filter((v) => !v.valid && v.repaired_ok).map((v) => v.feature);
    await this.repo.repair(id, repairable);
    await this.checkpoint(id, 70);

    const provinces = await this.repo.provinces();
    const lookup: ProvinceLookup = { byKey: new Map() };
    for (const p of provinces) {
      lookup.byKey.set(p.code, p.code);
      lookup.byKey.set(provinceKey(p.name), p.code);
      lookup.byKey.set(provinceKey(p.short_name), p.code);
    }
    const provinceCodes = new Set(provinces.map((p) => p.code));
    const names = new Map<string, Map<string, string>>(); // province → normalised name → code
    const codesInFile = new Set<string>();
    const mapping = row.mapping;
    const allowed = allowedGeometry(layer);
    const actor = row.created_by;
    const actorRow = actor ? await this.repo.userScope(actor) : null;
    const actorProvince = actorRow?.role === 'planner' ? actorRow.province_code : null;

    const plan = layer === 'plan-items' && row.plan_id !== null ? await this.plans.planById(row.plan_id) : null;
    const planLookups = { provinces: provinceCodes, clusters: new Map<string, string>() };

    let after = 0;
    let done = 0;
    const forcedRepairs = new Set<number>();
    for (;;) {
      const page = await this.repo.page(id, after, BATCH);
      if (!page.length) break;
      after = page[page.length - 1]!.feature;
      // a provisional boundary is approximate: PostGIS's repair is taken even where it changes the area (a warning)
      const forced = layer === 'clusters'
        ? page.filter((f) => {
            const v = validity.get(f.feature);
            return v && !v.valid && !v.repaired_ok && v.gtype !== 'POINT' && applyMapping(layer, mapping, f.properties, lookup).boundary_status === 'provisional';
          }).map((f) => f.feature)
        : [];
      if (forced.length) {
        await this.repo.repair(id, forced);
        for (const n of forced) {
          validity.set(n, { ...validity.get(n)!, repaired_ok: true });
          forcedRepairs.add(n);
        }
      }
      const usable = page.filter((f) => {
        const v = validity.get(f.feature);
        return f.has_geom && v && (v.valid || v.repaired_ok) && v.inside_extent && v.gtype && allowed.map((a) => a.toUpperCase()).includes(v.gtype.replace(/^MULTI/, 'MULTI'));
      });
      const locations = new Map((await this.repo.locations(id, usable.map((f) => f.feature), layer === 'clusters')).map((l) => [l.feature, l]));
      const existingCodes = layer === 'clusters'
        ? await this.repo.existingCodes(page.map((f) => applyMapping(layer, mapping, f.properties, lookup).code).filter((c): c is string => typeof c === 'string'))
        : new Set<string>();
      const out: Parameters<ImportsRepository['saveChecks']>[1] = [];
      for (const f of page) {
        const issues: IssueOut[] = [...f.read_issues];
        const v = validity.get(f.feature);
        const loc = locations.get(f.feature);
        const at = loc?.at ?? v?.location ?? null;
        let geometryOk = f.has_geom && !!v;
        if (v) {
          const type = v.gtype ?? '';
          const typeName = type.charAt(0) + type.slice(1).toLowerCase().replace('polygon', 'Polygon');
          if (!allowed.some((a) => a.toUpperCase() === type)) {
            issues.push(issue(f.feature, 'critical', 'invalid-geometry', `Lớp này không nhận hình học kiểu ${typeName}`, `This layer does not take ${typeName} geometries`, { geometry_type: type }));
            geometryOk = false;
          } else if (!v.valid && !v.repaired_ok) {
            issues.push(issue(f.feature, 'critical', 'invalid-geometry', `Hình học không hợp lệ, không sửa tự động được: ${v.reason}`, `Invalid geometry that cannot be repaired safely: ${v.reason}`, { reason: v.reason, location: v.location }));
            geometryOk = false;
          } else if (!v.valid && forcedRepairs.has(f.feature)) {
            issues.push(issue(f.feature, 'warning', 'invalid-geometry', `Ranh giới tạm không hợp lệ (${v.reason}) đã được sửa bằng ST_MakeValid (diện tích có thể thay đổi); cần đo đạc lại`, `Invalid provisional boundary (${v.reason}) was repaired with ST_MakeValid (its area may have changed); it needs surveying`, { reason: v.reason, location: v.location, repaired: true, provisional: true }));
          } else if (!v.valid) {
            issues.push(issue(f.feature, 'warning', 'invalid-geometry', `Hình học không hợp lệ (${v.reason}) đã được sửa bằng ST_MakeValid`, `Invalid geometry (${v.reason}) was repaired with ST_MakeValid`, { reason: v.reason, location: v.location, repaired: true }));
          }
          if (!v.inside_extent) {
            issues.push(issue(f.feature, 'critical', 'outside-vietnam', 'Tọa độ nằm ngoài lãnh thổ Việt Nam (kiểm tra hệ tọa độ)', 'Coordinates lie outside Vietnam (check the coordinate system)', { location: v.location }));
            geometryOk = false;
          }
        }
        if (row.axis_swapped) issues.push(issue(f.feature, 'warning', 'swapped-coordinates', 'Hai trục tọa độ bị đảo (vĩ độ/kinh độ hoặc X/Y) và đã được đổi lại', 'The coordinate axes were swapped (lat/lon or X/Y) and have been put back', {}));
        const unswapped = rowSwapped.get(f.feature);
        if (unswapped) {
          const [a, b] = unswapped.source;
          issues.push(issue(f.feature, 'warning', 'swapped-coordinates',
            `Dòng ${f.feature}: vĩ độ và kinh độ có vẻ bị đảo (${a}, ${b}: kinh độ ở Việt Nam là 102–118, vĩ độ 8–24); đã đọc lại thành kinh độ ${b}, vĩ độ ${a}`,
            `Row ${f.feature}: latitude and longitude look swapped (${a}, ${b}; in Vietnam longitude is 102–118, latitude 8–24); read as longitude ${b}, latitude ${a}`,
            { row_swapped: true, source: unswapped.source, location: [b, a] }));
        }

        // attributes: mapping, then the province (named by the file, else from the location)
        const mapped = applyMapping(layer, mapping, f.properties, lookup);
        // a provisional boundary is approximate: lying partly in another province is a warning, not a block
        const provisional = layer === 'clusters' && mapped.boundary_status === 'provisional';
        let province: string | null = null;
        const named = mapped.province_code;
        if (named !== undefined && named !== null) {
          if (typeof named === 'string' && provinceCodes.has(named)) province = named;
          else issues.push(issue(f.feature, 'critical', 'unknown-province', `Không có tỉnh "${String(named)}"`, `Unknown province "${String(named)}"`, { value: named }));
          if (geometryOk && loc && !loc.loc_province) {
            issues.push(issue(f.feature, 'critical', 'outside-vietnam', 'Đối tượng không nằm trong tỉnh nào của Việt Nam (kiểm tra hệ tọa độ)', 'The feature lies in no Vietnamese province (check the coordinate system)', { location: at }));
          } else if (province && loc?.loc_province && loc.loc_province !== province) {
            issues.push(issue(f.feature, provisional ? 'warning' : 'critical', 'outside-province', `Đối tượng nằm ở tỉnh ${loc.loc_province}, không phải tỉnh ${province} như tệp ghi`, `The feature lies in province ${loc.loc_province}, not ${province} as the file says`, { location: at, located: loc.loc_province }));
          }
        } else if (geometryOk) {
          province = loc?.loc_province ?? null;
          if (!province) issues.push(issue(f.feature, 'critical', 'outside-vietnam', 'Đối tượng không nằm trong tỉnh nào của Việt Nam (kiểm tra hệ tọa độ)', 'The feature lies in no Vietnamese province (check the coordinate system)', { location: at }));
        }
        // the planner's scope is a 2025 unit; the province found here is one of the 63 (file and boundary data)
        if (province && actorProvince && unitOf2009(province) !== actorProvince) {
          issues.push(issue(f.feature, 'critical', 'outside-own-province', `Đối tượng thuộc tỉnh ${province}, ngoài tỉnh của bạn (${actorProvince})`, `The feature is in province ${province}, outside your province ${actorProvince}`, { location: at }));
        }
        mapped.province_code = province ?? (typeof named === 'string' ? named : null);
        // clusters are recorded in their 2025 unit (province_code_2009 is derived from the boundary when saved)
        if (layer === 'clusters' && typeof mapped.province_code === 'string') mapped.province_code = unitOf2009(mapped.province_code) ?? mapped.province_code;
        const checked = validateForLayer(layer, mapped);
        for (const e of checked.errors) {
          if (e.field === 'province_code' && issues.some((i) => i.code === 'unknown-province')) continue;
          issues.push(issue(f.feature, 'critical', 'invalid-attribute', `${e.field}: ${e.message}`, `${e.field}: ${(e as { message_en?: string }).message_en ?? e.message}`, { field: e.field }));
        }
        if (plan && province) {
          // the item rules of POST /api/plans/:id/items (province of a province plan, area in (0, 1000] ha, …)
          const reported = new Set(checked.errors.map((e) => e.field));
          const { issues: itemIssues } = await this.plans.validateItem(plan, planItemInput(checked.value, loc?.area_ha ?? null, null), undefined, planLookups);
          for (const e of itemIssues) {
            if (reported.has(e.field)) continue;
            issues.push(issue(f.feature, 'critical', 'invalid-plan-item', `${e.field}: ${e.message}`, `${e.field}: ${e.message_en}`, { field: e.field }));
          }
        }
        if (layer === 'clusters' && v?.gtype) {
          // a Point is a cluster without a boundary yet; a polygon is surveyed unless the file says provisional
          const geometryType = v.gtype === 'POINT' ? 'Point' : 'MultiPolygon';
          const stated = isBoundaryStatus(checked.value.boundary_status) ? checked.value.boundary_status : null;
          if (stated && !boundaryStatusFits(stated, geometryType)) {
            issues.push(issue(f.feature, 'critical', 'boundary-status-mismatch',
              geometryType === 'Point' ? 'Đối tượng là điểm nên không thể có ranh giới (boundary_status phải là none)' : 'Đối tượng có ranh giới nên boundary_status không thể là none',
              geometryType === 'Point' ? 'A point has no boundary (boundary_status must be none)' : 'A polygon is a boundary: boundary_status cannot be none', { field: 'boundary_status', value: stated }));
          }
          checked.value.boundary_status = stated ?? defaultBoundaryStatus(geometryType);
          if (geometryType === 'Point' && declaredAreaHa(checked.value) === null) {
            issues.push(issue(f.feature, 'info', 'missing-declared-area', 'Cụm chỉ có vị trí (điểm) nhưng chưa có diện tích công bố', 'A cluster given as a point has no declared area', { field: 'declared_area_ha' }));
          }
        }
        for (const w of checked.warnings) issues.push(issue(f.feature, 'info', 'attribute-note', `${w.field}: ${w.message}`, `${w.field}: ${(w as { message_en?: string }).message_en ?? w.message}`, { field: w.field }));

        const area = loc?.area_ha ?? null;
        const stated = statedAreaHa(layer, checked.value);
        if (area !== null && stated !== null && Math.abs(area - stated) / stated > AREA_TOLERANCE) {
          const pct = ((area - stated) / stated) * 100;
          issues.push(issue(f.feature, 'warning', 'area-mismatch', `Diện tích đo được ${area.toFixed(2)} ha khác diện tích ghi trong tệp ${stated} ha (${pct.toFixed(1)}%)`, `Measured area ${area.toFixed(2)} ha differs from the stated ${stated} ha by ${pct.toFixed(1)}%`, { area_ha: area, stated_ha: stated, location: at }));
        }

        let skip: string | null = null;
        if (layer === 'clusters') {
          const code = checked.value.code;
          if (typeof code === 'string') {
            if (existingCodes.has(code) || codesInFile.has(code)) issues.push(issue(f.feature, 'critical', 'duplicate-code', `Mã ${code} đã được dùng`, `Code ${code} is already used`, { value: code }));
            codesInFile.add(code);
          }
          const name = typeof checked.value.name === 'string' ? fieldKey(checked.value.name) : '';
          let sameName: string | null = null;
          if (province && name) {
            if (!names.has(province)) {
              const m = new Map<string, string>();
              for (const c of await this.repo.clusterNames([province])) m.set(fieldKey(c.name), c.code);
              names.set(province, m);
            }
            sameName = names.get(province)!.get(name) ?? null;
          }
          if (loc?.overlap_code && (loc.overlap_ha ?? 0) > 0.0001) {
            const exact = (loc.overlap_share ?? 0) >= 0.999 && sameName === loc.overlap_code;
            if (exact) skip = `duplicate of ${loc.overlap_code}`;
            issues.push(issue(f.feature, 'warning', 'possible-duplicate',
              exact ? `Trùng với cụm ${loc.overlap_code} đã có (cùng tên và ranh giới): sẽ bỏ qua khi ghi` : `Chồng lấn ${loc.overlap_ha!.toFixed(4)} ha với cụm ${loc.overlap_code} đã có`,
              exact ? `Same name and boundary as existing cluster ${loc.overlap_code}: it will be skipped` : `Overlaps existing cluster ${loc.overlap_code} by ${loc.overlap_ha!.toFixed(4)} ha`,
              { other_code: loc.overlap_code, overlap_ha: loc.overlap_ha, location: at, skip: exact }));
          } else if (sameName) {
            issues.push(issue(f.feature, 'warning', 'possible-duplicate', `Trùng tên với cụm ${sameName} đã có`, `Same name as existing cluster ${sameName}`, { other_code: sameName, location: at }));
          }
        }
        for (const i of issues) if (i.location === undefined && at) i.location = at;
        const blocked = issues.some((i) => i.severity === 'critical');
        // the feature's province in its layer's era: clusters a 2025 unit, the other layers a 63-province code
        const storedProvince = layer === 'clusters' && province ? (unitOf2009(province) ?? province) : province;
        out.push({ feature: f.feature, province_code: storedProvince, area_ha: area, attributes: checked.value, issues, blocked, skip });
      }
      await this.repo.saveChecks(id, out);
      done += page.length;
      await this.checkpoint(id, 70 + (29 * done) / Math.max(1, row.feature_count));
    }
    await this.repo.setState(id, 'checked', 100);
  }

  /* --------------------------------------------------------------- reading */

  async get(user: SessionUser | undefined, id: string, query: { issues_offset?: unknown; issues_limit?: unknown } = {}) {
    const row = await this.load(user, id, false);
    const stale = row.state === 'checking' && Date.now() - new Date(row.updated_at).getTime() > STALE_CHECK_MS;
    const offset = pageParam(query.issues_offset, 0, Number.MAX_SAFE_INTEGER, 'issues_offset');
    const limit = pageParam(query.issues_limit, ISSUES_PAGE_DEFAULT, ISSUES_PAGE_MAX, 'issues_limit');
    const checking = row.state === 'checking';
    const issues = checking ? [] : await this.repo.issuesPage(id, offset, limit);
    const issueCounts = checking ? [] : await this.repo.issueCounts(id);
    const summary = { critical: 0, warning: 0, info: 0 };
    for (const c of issueCounts) summary[c.severity] += c.count;
    const total = summary.critical + summary.warning + summary.info;
    return {
      id: row.id,
      state: stale ? 'failed' : row.state,
      progress: row.progress,
      format: row.format,
      crs: row.crs,
      encoding: row.encoding,
      feature_count: row.feature_count,
      mapping: row.mapping,
      // one page of the issues; the counts are of all of them
      issues,
      issues_page: { offset, limit, total, next_offset: offset + issues.length < total ? offset + issues.length : null },
      issue_counts: issueCounts,
      // beyond the contract: what the wizard shows
      layer: row.layer,
      filename: row.filename,
      file_hash: row.file_hash,
      file_size: row.file_size,
      province_code: row.province_code,
      crs_source: row.crs_source,
      crs_confirmed: row.crs_confirmed,
      axis_swapped: row.axis_swapped,
      source_fields: row.source_fields,
      target_fields: layerFields(row.layer),
      bbox: row.bbox,
      summary,
      can_commit: row.state === 'checked' && summary.critical === 0 && row.crs_confirmed,
      error: stale ? { code: 'check-interrupted', message: 'The check stopped (server restart); upload the file again' } : row.error,
      created_at: row.created_at,
      created_by: row.created_by_username,
      committed_at: row.committed_at,
      result: row.state === 'committed' ? { created: row.created_count, skipped: row.skipped_count } : null,
    };
  }

  async list(user: SessionUser | undefined) {
    if (!user) throw new UnauthorizedException();
    const national = user.role === 'admin' || user.role === 'ministry';
    const rows = await this.repo.list(national ? null : user.id, user.province_code, 50);
    return {
      imports: rows.map((r) => ({ id: r.id, layer: r.layer, filename: r.filename, state: r.state, progress: r.progress, feature_count: r.feature_count, created_at: r.created_at, created_by: r.created_by_username, created_count: r.created_count })),
    };
  }

  async preview(user: SessionUser | undefined, id: string): Promise<string> {
    await this.load(user, id, false);
    return this.repo.previewGeoJson(id, 20000);
  }

  /* ----------------------------------------------------------------- edits */

  private assertEditable(row: ImportRow) {
    if (row.state === 'committed') throw new ConflictException('The import is already committed', { state: row.state }, 'already-committed');
    if (row.state === 'checking') throw new ConflictException('The import is still being checked', { state: row.state, progress: row.progress }, 'still-checking');
    if (!row.feature_count) throw new ConflictException('The file could not be read; upload it again', { error: row.error }, 'unreadable-file');
  }

  async putMapping(user: SessionUser | undefined, id: string, body: unknown) {
    const row = await this.load(user, id, true);
    this.assertEditable(row);
    const raw = (body as { mapping?: unknown } | null)?.mapping ?? body;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new BadRequestException('Send {"mapping": {"<source field>": "<attribute>" | null}}', undefined, 'invalid-mapping');
    const targets = layerFields(row.layer);
    const mapping: Record<string, string | null> = { ...row.mapping };
    const problems: { field: string; message: string }[] = [];
    for (const [from, to] of Object.entries(raw as Record<string, unknown>)) {
      if (!row.source_fields.includes(from)) problems.push({ field: from, message: `The file has no field "${from}"` });
      else if (to !== null && to !== '' && (typeof to !== 'string' || !targets.includes(to))) problems.push({ field: from, message: `"${String(to)}" is not an attribute of ${row.layer}` });
      else mapping[from] = to === '' ? null : (to as string | null);
    }
    const targetsUsed = Object.values(mapping).filter(Boolean);
    if (new Set(targetsUsed).size !== targetsUsed.length) problems.push({ field: '$', message: 'Two source fields map to the same attribute' });
    if (problems.length) throw new BadRequestException('Invalid mapping', { problems }, 'invalid-mapping');
    await this.repo.setMapping(id, mapping);
    await this.recheck(id);
    return this.get(user, id);
  }

  async putCrs(user: SessionUser | undefined, id: string, body: unknown) {
    const row = await this.load(user, id, true);
    if (row.state === 'committed') throw new ConflictException('The import is already committed', { state: row.state }, 'already-committed');
    if (row.state === 'checking') throw new ConflictException('The import is still being checked', { state: row.state }, 'still-checking');
    if (!row.feature_count) throw new ConflictException('The file could not be read; upload it again', { error: row.error }, 'unreadable-file');
    const value = (body as { crs?: unknown } | null)?.crs;
    const epsg = parseCrsParam(value);
    if (epsg === null || !Number.isFinite(epsg) || !(await this.repo.sridExists(epsg))) {
      throw new BadRequestException('crs must be EPSG:NNNN of a known coordinate system', { crs: value ?? null, suggested: KNOWN_PROJECTED }, 'invalid-crs');
    }
    const source = row.crs === crsName(epsg) && row.crs_source === 'detected' ? 'confirmed' : row.crs === crsName(epsg) ? row.crs_source ?? 'confirmed' : 'confirmed';
    await this.repo.setCrs(id, crsName(epsg), source, true, false);
    await this.recheck(id);
    return this.get(user, id);
  }

  private async recheck(id: string) {
    try {
      this.startClock(id);
      await this.check(id);
    } catch (err) {
      await this.fail(id, err);
    }
  }

  /* ----------------------------------------------------------------- commit */

  async commit(user: SessionUser | undefined, id: string): Promise<{ created: number; skipped: number }> {
    const actor = this.assertImporter(user);
    const audit = new AuditRepository(this.db);
    try {
      await this.load(actor, id, true);
      return await this.db.transaction(async (tx) => {
        const repo = new ImportsRepository(tx);
        const row = (await repo.get(id, { forUpdate: true }))!;
        // idempotent: a second commit creates nothing
        if (row.state === 'committed') return { created: 0, skipped: row.feature_count };
        if (row.state !== 'checked') throw new ConflictException(`The import is ${row.state}, not checked`, { state: row.state, error: row.error }, 'not-checked');
        if (!row.crs_confirmed) throw new ConflictException(`Confirm the detected coordinate system ${row.crs} first (PUT /api/imports/${id}/crs)`, { crs: row.crs }, 'crs-not-confirmed');
        const blocked = await repo.blockedCount(id);
        if (blocked) throw new UnprocessableEntityException(`${blocked} feature(s) have critical issues; fix the file and upload it again`, { critical_features: blocked }, 'critical-issues');
        const comment = `Nhập từ tệp ${row.filename ?? ''} (import ${id})`;
        let plan: PlanRow | null = null;
        let planLookups: { provinces: Set<string>; clusters: Map<string, string> } | undefined;
        if (row.layer === 'plan-items') {
          // the plan may have been superseded since the check: its rules are applied again, in this transaction
          plan = await this.plans.planById(row.plan_id!, tx);
          this.plans.assertMayAddItems({ actor, ip: null }, plan, await repo.commitProvinces(id));
        }
        if (row.layer === 'clusters') {
          // the overlap rule of the form, again here: under the lock every boundary write takes, against the
          // clusters as they are now (created since the check, or by a concurrent commit) and within the file
          await tx.query('SELECT pg_advisory_xact_lock($1)', [CLUSTER_GEOMETRY_LOCK]);
          const overlaps = await repo.commitOverlaps(id, MIN_OVERLAP_HA);
          if (overlaps.length) {
            throw new UnprocessableEntityException(
              `${overlaps.length} boundary overlap(s) with existing clusters or within the file, e.g. feature ${overlaps[0]!.feature} overlaps ${overlaps[0]!.other} by ${overlaps[0]!.overlap_ha.toFixed(4)} ha`,
              { overlaps },
              'overlap',
            );
          }
        }
        const clusters = new ClustersRepository(tx);
        const nextNumber = new Map<string, number>();
        const used = new Set<string>();
        let created = 0;
        let after = 0;
        for (;;) {
          const page = await repo.toCommit(id, after, 2000);
          if (!page.length) break;
          after = page[page.length - 1]!.feature;
          let ids: string[];
          if (row.layer === 'clusters') {
            const rows = [];
            for (const f of page) {
              let code = typeof f.attributes.code === 'string' ? f.attributes.code : null;
              if (!code) {
                if (!nextNumber.has(f.province_code)) {
                  const first = await clusters.nextCode(f.province_code);
                  nextNumber.set(f.province_code, Number(first.slice(3)));
                }
                do {
                  const n = nextNumber.get(f.province_code)!;
                  nextNumber.set(f.province_code, n + 1);
                  code = `${f.province_code}-${String(n).padStart(3, '0')}`;
                } while (used.has(code));
              }
              used.add(code);
              rows.push({ feature: f.feature, code, province_code: f.province_code, attributes: { ...f.attributes, code } });
            }
            ids = await repo.insertClusterDrafts(id, actor.id, comment, rows);
          } else if (row.layer === 'facilities') {
            ids = await repo.insertFacilities(id, actor.id, comment, page);
          } else if (row.layer === 'plan-items') {
            // the write path of POST /api/plans/:id/items: validated drafts, version 1, review event, audit entry
            const geometries = await repo.geometries(id, page.map((f) => f.feature));
            planLookups ??= { provinces: new Set((await repo.provinces()).map((p) => p.code)), clusters: new Map() };
            const drafts: PlanItemDraft[] = [];
            const problems: { feature: number; field: string; message: string }[] = [];
            for (const f of page) {
              const g = geometries.get(f.feature);
              const { draft, issues } = await this.plans.validateItem(plan!, planItemInput(f.attributes, g?.area_ha ?? null, g?.geometry ?? null), undefined, planLookups, tx);
              if (draft) drafts.push(draft);
              else problems.push(...issues.map((i) => ({ feature: f.feature, field: i.field, message: i.message_en })));
            }
            if (problems.length) throw new UnprocessableEntityException(`${problems.length} plan item problem(s); nothing was imported`, { errors: problems }, 'invalid-plan-item');
            ids = (await this.plans.addItemsInTransaction(tx, { actor, ip: null }, plan!, drafts, comment, { import: id })).map((r) => r.id);
          } else {
            ids = await repo.insertResidential(id, actor.id, row.filename, page);
          }
          await repo.markCreated(id, page.map((f) => f.feature), ids);
          created += ids.length;
        }
        const skipped = row.feature_count - created;
        await repo.setCommitted(id, actor.id, created, skipped);
        await new AuditRepository(tx).record({
          userId: actor.id,
          username: actor.username,
          action: 'import.commit',
          entityType: 'import',
          entityId: id,
          versionAfter: null,
          details: { layer: row.layer, filename: row.filename, file_hash: row.file_hash, created, skipped },
        });
        return { created, skipped };
      });
    } catch (err) {
      if (err instanceof HttpException && err.status < 500) {
        await audit.record({ userId: actor.id, username: actor.username, action: 'import.commit', entityType: 'import', entityId: id, outcome: 'refused', details: { status: err.status, code: err.code, message: err.message } }).catch(() => undefined);
      }
      throw err;
    }
  }
}

/** The mapped attributes of a plan-items feature as the input of PlansService.validateItem (the area falls back to the measured one). */
function planItemInput(attrs: Record<string, unknown>, measuredHa: number | null, geometry: Geometry | null) {
  const stated = attrs.planned_area_ha;
  return {
    name: attrs.name,
    province_code: attrs.province_code,
    district_code: attrs.district_code,
    phase: attrs.phase,
    planned_area_ha: stated === undefined || stated === null ? (measuredHa ?? 0) : stated,
    geometry,
    status: attrs.status,
  };
}

/**
 * Residential zones: listing, all-or-nothing import of GeoJSON/KML files with progress kept in the
 * database (residential_imports), and deletion. Import rights: planners and reviewers (features must
 * touch their own province) and admins; the ministry role is read-only.
 */
import { DOMParser } from '@xmldom/xmldom';
import { assertSafeXml, type UnsafeFileError } from '../exchange/formats/archive-safety.ts';
import { kml } from '@tmcw/togeojson';
import type { Database } from '../db/database.ts';
import type { SessionUser } from '../auth/session.ts';
import { AuditRepository } from '../audit/audit.repository.ts';
import { BadRequestException, NotFoundException, UnprocessableEntityException, ForbiddenException } from '../errors.ts';
import { validateClusterGeometry } from '../domain/geometry-validation.ts';
import { ResidentialRepository, type ImportJob, type ZoneToStore } from './residential.repository.ts';

export const RESIDENTIAL_KINDS = ['urban', 'rural-settlement', 'craft-village', 'sensitive'] as const;
export type ResidentialKind = (typeof RESIDENTIAL_KINDS)[number];

const fold = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'd').toLowerCase().trim();

// Vietnamese and English spellings seen in planning data, folded (no accents, lower case)
const KIND_ALIASES: Record<string, ResidentialKind> = {
  urban: 'urban', 'do thi': 'urban', 'khu do thi': 'urban', 'dan cu do thi': 'urban',
  'rural-settlement': 'rural-settlement', rural: 'rural-settlement', 'nong thon': 'rural-settlement', 'diem dan cu nong thon': 'rural-settlement',
  'dan cu nong thon': 'rural-settlement', thon: 'rural-settlement', xom: 'rural-settlement', ban: 'rural-settlement',
  'craft-village': 'craft-village', 'lang nghe': 'craft-village', 'craft village': 'craft-village',
  sensitive: 'sensitive', 'nhay cam': 'sensitive', school: 'sensitive', hospital: 'sensitive', 'truong hoc': 'sensitive',
  'benh vien': 'sensitive', 'tram y te': 'sensitive',
};

export function parseKind(value: unknown): ResidentialKind | null {
  if (typeof value !== 'string') return null;
  return KIND_ALIASES[fold(value)] ?? null;
}

export interface FeatureError {
  /** 0-based position of the feature in the file. */
  index: number;
  id?: string | number | null;
  name?: string | null;
  errors: { code: string; message: string; message_en: string; location?: [number, number] }[];
}

export interface ImportOutcome {
  import_id: number;
  status: 'done';
  total: number;
  stored: number;
}

const BATCH = 1000;

function parseBbox(value: unknown): [number, number, number, number] | null {
  if (value === undefined || value === '') return null;
  const parts = typeof value === 'string' ? value.split(',').map(Number) : [];
  const [w, s, e, n] = parts;
  if (parts.length !== 4 || !parts.every(Number.isFinite) || w! >= e! || s! >= n! || w! < -180 || e! > 180 || s! < -90 || n! > 90) {
    throw new BadRequestException('bbox must be minLon,minLat,maxLon,maxLat', { field: 'bbox', value }, 'invalid-bbox');
  }
  return [w!, s!, e!, n!];
}

/** Reads the uploaded file into GeoJSON features; a file that cannot be read at all is a 422. */
export function parseResidentialFile(buffer: Buffer, filename: string | null): { format: 'geojson' | 'kml'; features: unknown[] } {
  const text = buffer.toString('utf8').replace(/^\uFEFF/, '');
  const looksKml = /\.kml$/i.test(filename ?? '') || /^\s*<(\?xml|kml)/i.test(text);
  if (looksKml) {
    try {
      assertSafeXml(text);
    } catch (err) {
      throw new UnprocessableEntityException((err as UnsafeFileError).message, undefined, (err as UnsafeFileError).code);
    }
    const errors: string[] = [];
    const doc = new DOMParser({ onError: (level, msg) => { if (level !== 'warning') errors.push(msg); } }).parseFromString(text, 'text/xml');
    if (errors.length || !doc.documentElement || doc.getElementsByTagName('kml').length === 0) {
      throw new UnprocessableEntityException('The file is not readable KML', { reasons: errors.slice(0, 5) }, 'unreadable-file');
    }
    const fc = kml(doc as unknown as Document);
    return { format: 'kml', features: fc.features };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UnprocessableEntityException('The file is neither GeoJSON nor KML', { reason: (err as Error).message }, 'unreadable-file');
  }
  const obj = json as { type?: string; features?: unknown };
  if (obj?.type === 'FeatureCollection' && Array.isArray(obj.features)) return { format: 'geojson', features: obj.features };
  if (obj?.type === 'Feature') return { format: 'geojson', features: [obj] };
  if (obj?.type === 'Polygon' || obj?.type === 'MultiPolygon') return { format: 'geojson', features: [{ type: 'Feature', properties: {}, geometry: obj }] };
  throw new UnprocessableEntityException('GeoJSON must be a FeatureCollection, a Feature or a Polygon/MultiPolygon', { type: obj?.type ?? null }, 'unreadable-file');
}

const pickProp = (props: Record<string, unknown>, keys: string[]) => {
  for (const k of keys) if (props[k] !== undefined && props[k] !== null && props[k] !== '') return props[k];
  return undefined;
};

/** Validates one feature like a cluster boundary plus the zone attributes; returns the row or its errors. */
export function validateZoneFeature(feature: unknown, defaultKind: ResidentialKind | null): { zone?: ZoneToStore; errors: FeatureError['errors']; id?: string | number | null; name?: string | null } {
  const errors: FeatureError['errors'] = [];
  const f = feature as { type?: string; id?: string | number; properties?: Record<string, unknown> | null; geometry?: unknown };
  const props = f && typeof f.properties === 'object' && f.properties !== null ? f.properties : {};
  const rawName = pickProp(props, ['name', 'ten', 'tên', 'Name', 'TEN']);
  const name = typeof rawName === 'string' ? rawName.normalize('NFC').trim() : rawName === undefined ? null : String(rawName);
  if (!f || f.type !== 'Feature') {
    errors.push({ code: 'invalid-geojson', message: 'Phần tử không phải là Feature', message_en: 'Not a GeoJSON Feature' });
    return { errors, id: null, name };
  }
  const rawKind = pickProp(props, ['kind', 'loai', 'loại', 'type', 'Kind', 'LOAI']);
  const kind = rawKind === undefined ? defaultKind : parseKind(rawKind);
  if (!kind) {
    errors.push(
      rawKind === undefined
        ? { code: 'missing-kind', message: 'Thiếu loại khu dân cư (kind)', message_en: 'Missing zone kind (kind)' }
        : { code: 'invalid-kind', message: `Loại khu dân cư không hợp lệ: "${String(rawKind)}" (urban, rural-settlement, craft-village, sensitive)`, message_en: `Unknown zone kind "${String(rawKind)}" (urban, rural-settlement, craft-village, sensitive)` },
    );
  }
  const rawPop = pickProp(props, ['population', 'dan_so', 'dân_số', 'danso']);
  let population: number | null = null;
  if (rawPop !== undefined) {
    const n = typeof rawPop === 'number' ? rawPop : typeof rawPop === 'string' ? Number(rawPop.replace(/[.\s]/g, '')) : NaN;
    if (!Number.isInteger(n) || n < 0 || n > 2_000_000_000) {
      errors.push({ code: 'invalid-population', message: `Dân số không hợp lệ: ${JSON.stringify(rawPop)}`, message_en: `Invalid population: ${JSON.stringify(rawPop)}` });
    } else population = n;
  }
  const geometry = validateClusterGeometry(f);
  for (const e of geometry.errors) errors.push({ code: e.code, message: e.message, message_en: e.message_en, ...(e.location ? { location: e.location } : {}) });
  if (errors.length || !geometry.geometry || !kind) return { errors, id: f.id ?? null, name };
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props)) if (v !== null && typeof v !== 'object' && !['styleUrl', 'styleHash', 'stroke', 'fill', 'stroke-opacity', 'fill-opacity', 'stroke-width'].includes(k)) extra[k] = v;
  return { zone: { kind, name, population, properties: extra, geojson: JSON.stringify(geometry.geometry) }, errors, id: f.id ?? null, name };
}

export class ResidentialService {
  private readonly repo: ResidentialRepository;

  constructor(private readonly db: Database) {
    this.repo = new ResidentialRepository(db);
  }

  async list(query: Record<string, unknown>): Promise<{ json: string; count: number; limit: number }> {
    const bbox = parseBbox(query.bbox);
    const kind = query.kind === undefined || query.kind === '' ? null : String(query.kind);
    if (kind !== null && !(RESIDENTIAL_KINDS as readonly string[]).includes(kind)) {
      throw new BadRequestException(`kind must be one of ${RESIDENTIAL_KINDS.join(', ')}`, { field: 'kind' });
    }
    const source = query.source === undefined || query.source === '' ? null : String(query.source);
    const limitText = query.limit === undefined ? '5000' : String(query.limit);
    const limit = Number(limitText);
    if (!/^\d+$/.test(limitText) || limit < 1 || limit > 50_000) throw new BadRequestException('limit must be an integer 1–50000', { field: 'limit' });
    const r = await this.repo.listGeoJson({ bbox, kind, source, limit });
    return { ...r, limit };
  }

  /** An import's progress, for its author, the staff of the author's province and national roles; 404 to anyone else. */
  async getImport(id: string, viewer: SessionUser): Promise<ImportJob> {
    if (!/^\d{1,15}$/.test(id)) throw new NotFoundException(`No import ${id}`, undefined, 'import-not-found');
    const job = await this.repo.getJob(Number(id));
    if (!job) throw new NotFoundException(`No import ${id}`, undefined, 'import-not-found');
    const national = viewer.role === 'ministry' || viewer.role === 'admin';
    if (!national && job.created_by !== viewer.id) {
      const creatorProvince = await this.repo.jobCreatorProvince(job.id);
      if (!viewer.province_code || creatorProvince !== viewer.province_code) throw new NotFoundException(`No import ${id}`, undefined, 'import-not-found');
    }
    return job;
  }

  /** Creates the job row (so progress can be polled) before any work starts. */
  async startImport(user: SessionUser, file: { buffer: Buffer; originalname?: string } | undefined): Promise<number> {
    if (!file) throw new BadRequestException('Upload the file in the multipart field "file"', { field: 'file' }, 'missing-file');
    const name = file.originalname ?? null;
    const format = /\.kml$/i.test(name ?? '') ? 'kml' : 'geojson';
    return this.repo.createJob(user.id, name, format);
  }

  /**
   * Parses, validates every feature (JS validator, then PostGIS validity and province), and stores all
   * of them in one transaction — or none, with the list of every bad feature. Progress is written to
   * the job row between batches (outside the storing transaction, except on the single-connection
   * embedded driver, where it is written when the transaction ends).
   */
  async runImport(
    jobId: number,
    user: SessionUser,
    file: { buffer: Buffer; originalname?: string },
    options: { defaultKind?: unknown; ip?: string | null },
  ): Promise<ImportOutcome> {
    try {
      return await this.doImport(jobId, user, file, options);
    } catch (err) {
      const job = await this.repo.getJob(jobId);
      if (job && job.status === 'running') {
        const details = (err as { details?: { errors?: unknown[] } }).details;
        const isRejection = err instanceof UnprocessableEntityException || err instanceof BadRequestException;
        await this.repo.finish(jobId, isRejection ? 'rejected' : 'failed', 0, details?.errors ?? [{ message: (err as Error).message }]);
      }
      throw err;
    }
  }

  private async doImport(jobId: number, user: SessionUser, file: { buffer: Buffer; originalname?: string }, options: { defaultKind?: unknown; ip?: string | null }): Promise<ImportOutcome> {
    let defaultKind: ResidentialKind | null = null;
    if (options.defaultKind !== undefined && options.defaultKind !== '') {
      defaultKind = parseKind(options.defaultKind);
      if (!defaultKind) throw new BadRequestException(`kind must be one of ${RESIDENTIAL_KINDS.join(', ')}`, { field: 'kind', errors: [] });
    }
    const { features, format } = parseResidentialFile(file.buffer, file.originalname ?? null);
    if (features.length === 0) throw new UnprocessableEntityException('The file has no features', { errors: [] }, 'empty-file');
    await this.repo.progress(jobId, { phase: 'validating', total: features.length, processed: 0 });

    const bad: FeatureError[] = [];
    const good: { index: number; zone: ZoneToStore }[] = [];
    features.forEach((feature, index) => {
      const r = validateZoneFeature(feature, defaultKind);
      if (r.zone) good.push({ index, zone: r.zone });
      else bad.push({ index, id: r.id ?? null, name: r.name ?? null, errors: r.errors });
    });
    // planners and reviewers may only add zones that touch their province
    const restrictTo = user.role === 'planner' || user.role === 'reviewer' ? user.province_code : null;
    const provinces = new Map<number, string | null>();
    for (let i = 0; i < good.length; i += BATCH) {
      const batch = good.slice(i, i + BATCH);
      const checks = await this.repo.checkGeometries(batch.map((g) => g.zone.geojson), restrictTo);
      for (const c of checks) {
        const item = batch[c.i - 1]!;
        const errors: FeatureError['errors'] = [];
        if (!c.valid) errors.push({ code: 'invalid-geometry', message: `Hình học không hợp lệ: ${c.reason}`, message_en: `Invalid geometry: ${c.reason}` });
        if (c.in_province === false) {
          errors.push({ code: 'outside-user-province', message: `Khu dân cư nằm ngoài tỉnh ${restrictTo} của người dùng`, message_en: `The zone lies outside your province ${restrictTo}` });
        }
        if (errors.length) {
          bad.push({ index: item.index, id: (features[item.index] as { id?: string | number }).id ?? null, name: item.zone.name, errors });
        }
        provinces.set(item.index, c.province_code);
      }
      await this.repo.progress(jobId, { processed: Math.min(features.length, features.length - good.length + i + batch.length) });
    }
    if (bad.length > 0) {
      bad.sort((a, b) => a.index - b.index);
      await this.repo.finish(jobId, 'rejected', 0, bad);
      await new AuditRepository(this.db).record({
        userId: user.id, username: user.username, action: 'residential.import', entityType: 'residential_import', entityId: String(jobId),
        outcome: 'refused', ip: options.ip ?? null, details: { total: features.length, bad: bad.length },
      });
      throw new UnprocessableEntityException(
        `${bad.length} of ${features.length} features are invalid; nothing was imported`,
        { import_id: jobId, total: features.length, invalid: bad.length, errors: bad },
        'invalid-features',
      );
    }

    await this.repo.progress(jobId, { phase: 'storing', processed: 0 });
    const canReportInside = this.db.driver === 'native';
    const stored = await this.db.transaction(async (tx) => {
      const repo = new ResidentialRepository(tx);
      let n = 0;
      for (let i = 0; i < good.length; i += BATCH) {
        const batch = good.slice(i, i + BATCH);
        n += await repo.insertZones(jobId, batch.map((g) => ({ ...g.zone, province_code: provinces.get(g.index) ?? null })));
        // another pooled connection sees the job row at once; the job row itself is not locked by this transaction
        if (canReportInside) await this.repo.progress(jobId, { processed: n });
      }
      await repo.finish(jobId, 'done', n, []);
      await new AuditRepository(tx).record({
        userId: user.id, username: user.username, action: 'residential.import', entityType: 'residential_import', entityId: String(jobId),
        ip: options.ip ?? null, details: { format, filename: file.originalname ?? null, stored: n },
      });
      return n;
    });
    return { import_id: jobId, status: 'done', total: features.length, stored };
  }

  async delete(id: string, user: SessionUser, ip: string | null): Promise<void> {
    if (!/^\d{1,15}$/.test(id)) throw new NotFoundException(`No residential zone ${id}`, undefined, 'zone-not-found');
    if (user.role !== 'admin') throw new ForbiddenException('Only admins delete residential zones');
    await this.db.transaction(async (tx) => {
      const repo = new ResidentialRepository(tx);
      const zone = await repo.findZone(Number(id));
      if (!zone) throw new NotFoundException(`No residential zone ${id}`, undefined, 'zone-not-found');
      await repo.deleteZone(zone.id);
      await new AuditRepository(tx).record({
        userId: user.id, username: user.username, action: 'residential.delete', entityType: 'residential_zone', entityId: String(zone.id),
        ip, details: zone,
      });
    });
  }
}

/**
 * CSV import of facilities. Coordinates, per row, one of:
 *  - `lon`,`lat` (WGS 84 degrees);
 *  - VN-2000 `x`,`y` in the Vietnamese survey convention (X = northing, Y = easting, metres) — or
 *    explicit `easting`,`northing` — in the province's 3° zone (`province_vn2000_zones`), or in the
 *    EPSG code of an `epsg` column / the `epsg` query option. PostGIS ST_Transform does the datum shift
 *    with the EPSG:6960 parameters stored in spatial_ref_sys (nothing hand-typed here).
 * Row numbers are file lines as a spreadsheet shows them: the header is row 1, the first record row 2.
 * All-or-nothing: any row error rejects the whole file and nothing is stored.
 */
import { parse } from 'csv-parse/sync';
import { scope2009 } from '../domain/admin-division.ts';
import type { Database } from '../db/database.ts';
import type { SessionUser } from '../auth/session.ts';
import { AuditRepository } from '../audit/audit.repository.ts';
import { BadRequestException, UnprocessableEntityException } from '../errors.ts';
import { VIETNAM_EXTENT } from '../domain/geometry-validation.ts';
import { decide } from '../versioning/review-workflow.ts';
import { FacilitiesRepository } from './facilities.repository.ts';
import { FACILITY_FIELDS, validateFacilityAttributes, type FacilityAttributes } from './facility-attributes.ts';

export const MAX_IMPORT_ROWS = 20000;

export interface ImportIssue {
  row: number;
  field: string | null;
  reason: string;
}

export interface ImportReport {
  rows: number;
  imported: number;
  dry_run: boolean;
  ids: string[];
  errors: ImportIssue[];
  warnings: ImportIssue[];
  /** how each row's coordinates were read: 'lonlat' or 'EPSG:<srid>' */
  crs: Record<string, number>;
}

const ALIASES: Record<string, string> = {
  longitude: 'lon',
  lng: 'lon',
  kinh_do: 'lon',
  latitude: 'lat',
  vi_do: 'lat',
  ten: 'name',
  x_vn2000: 'x',
  y_vn2000: 'y',
};

const COORD_COLUMNS = ['lon', 'lat', 'x', 'y', 'easting', 'northing', 'epsg'];

function headerKey(h: string): string {
  const k = h.replace(/^\uFEFF/, '').trim().toLowerCase().replace(/[\s-]+/g, '_');
  return ALIASES[k] ?? k;
}

function detectDelimiter(text: string): string {
  const first = text.split(/\r?\n/, 1)[0] ?? '';
  const counts = [',', ';', '\t'].map((d) => [d, first.split(d).length - 1] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0]![1] > 0 ? counts[0]![0] : ',';
}

const numberOf = (s: string | undefined): number | null => {
  if (s === undefined || s.trim() === '') return null;
  const t = s.trim().replace(/\s/g, '');
  // accept a decimal comma (1234567,89) when there is no dot
  const n = Number(/^-?\d+,\d+$/.test(t) ? t.replace(',', '.') : t);
  return Number.isFinite(n) ? n : NaN;
};

interface PendingRow {
  row: number;
  properties: FacilityAttributes;
  lon?: number;
  lat?: number;
  projected?: { easting: number; northing: number; srid: number };
}

export async function importFacilitiesCsv(
  db: Database,
  actor: { user: SessionUser; ip: string | null },
  content: Buffer | string,
  options: { epsg?: string; dryRun?: boolean; filename?: string },
): Promise<ImportReport> {
  const text = (typeof content === 'string' ? content : content.toString('utf8')).replace(/^\uFEFF/, '');
  if (text.trim() === '') throw new BadRequestException('The file is empty', undefined, 'empty-file');
  let defaultEpsg: number | null = null;
  if (options.epsg !== undefined && options.epsg !== '') {
    defaultEpsg = Number(options.epsg);
    if (!Number.isInteger(defaultEpsg)) throw new BadRequestException('epsg must be an integer EPSG code', { epsg: options.epsg });
  }
  let records: string[][];
  try {
    records = parse(text, { delimiter: detectDelimiter(text), relax_column_count: false, skip_empty_lines: true, trim: true }) as string[][];
  } catch (err) {
    const e = err as { message: string; lines?: number };
    throw new UnprocessableEntityException('The CSV file cannot be read', { errors: [{ row: e.lines ?? null, field: null, reason: e.message }] }, 'import-rejected');
  }
  if (records.length < 2) throw new UnprocessableEntityException('The file has a header but no rows', { errors: [{ row: 1, field: null, reason: 'no data rows' }] }, 'import-rejected');
  if (records.length - 1 > MAX_IMPORT_ROWS) throw new UnprocessableEntityException(`At most ${MAX_IMPORT_ROWS} rows per file`, { rows: records.length - 1 }, 'import-rejected');

  const header = records[0]!.map(headerKey);
  const has = (c: string) => header.includes(c);
  const fileErrors: ImportIssue[] = [];
  if (!has('name')) fileErrors.push({ row: 1, field: 'name', reason: 'the header has no "name" column' });
  if (!has('province_code')) fileErrors.push({ row: 1, field: 'province_code', reason: 'the header has no "province_code" column' });
  const lonlat = has('lon') && has('lat');
  const xy = (has('x') && has('y')) || (has('easting') && has('northing'));
  if (!lonlat && !xy) fileErrors.push({ row: 1, field: null, reason: 'coordinates needed: lon,lat (WGS 84) or x,y / easting,northing (VN-2000, with province or epsg)' });
  const warnings: ImportIssue[] = [];
  for (const h of header) {
    if (!(FACILITY_FIELDS as readonly string[]).includes(h) && !COORD_COLUMNS.includes(h)) warnings.push({ row: 1, field: h, reason: `unknown column "${h}" ignored` });
  }
  if (fileErrors.length) throw new UnprocessableEntityException('The file cannot be imported', { errors: fileErrors, rows: records.length - 1 }, 'import-rejected');

  const repo = new FacilitiesRepository(db);
  const errors: ImportIssue[] = [];
  const pending: PendingRow[] = [];
  const zoneCache = new Map<string, number | null>();
  const sridCache = new Map<number, boolean>();
  const provinceCache = new Map<string, boolean>();
  const crs: Record<string, number> = {};

  for (let i = 1; i < records.length; i++) {
    const rowNo = i + 1;
    const cells = records[i]!;
    const rec: Record<string, string> = {};
    header.forEach((h, j) => (rec[h] = cells[j] ?? ''));
    const props: Record<string, unknown> = {};
    for (const f of FACILITY_FIELDS) if (rec[f] !== undefined && rec[f] !== '') props[f] = rec[f];
    const attrs = validateFacilityAttributes(props);
    for (const e of attrs.errors) errors.push({ row: rowNo, field: e.field, reason: e.message });
    const p = attrs.value;
    if (attrs.ok) {
      if (!provinceCache.has(p.province_code)) provinceCache.set(p.province_code, await repo.provinceExists(p.province_code));
      if (!provinceCache.get(p.province_code)) errors.push({ row: rowNo, field: 'province_code', reason: `unknown province ${p.province_code}` });
      else {
        const d = decide({ id: actor.user.id, role: actor.user.role, province_code: actor.user.province_code }, 'edit', scope2009(p.province_code));
        if (!d.allowed) errors.push({ row: rowNo, field: 'province_code', reason: `you may not add facilities in province ${p.province_code}` });
      }
    }
    const pendingRow: PendingRow = { row: rowNo, properties: p };
    const lon = numberOf(rec.lon);
    const lat = numberOf(rec.lat);
    let easting = numberOf(rec.easting);
    let northing = numberOf(rec.northing);
    const x = numberOf(rec.x);
    const y = numberOf(rec.y);
    if (easting === null && northing === null && (x !== null || y !== null)) {
      // Vietnamese survey convention: X is the northing, Y the easting
      northing = x;
      easting = y;
      if (x !== null && y !== null && !Number.isNaN(x) && !Number.isNaN(y) && x < 1_000_000 && y > 1_000_000) {
        northing = y;
        easting = x;
        warnings.push({ row: rowNo, field: 'x', reason: 'X/Y looked swapped (X is the northing in VN-2000); read as Y=northing, X=easting' });
      }
    }
    if (lon !== null || lat !== null) {
      if (lon === null || lat === null || Number.isNaN(lon) || Number.isNaN(lat)) {
        errors.push({ row: rowNo, field: 'lon', reason: 'lon and lat must both be numbers' });
      } else if (lon < VIETNAM_EXTENT.minLon || lon > VIETNAM_EXTENT.maxLon || lat < VIETNAM_EXTENT.minLat || lat > VIETNAM_EXTENT.maxLat) {
        const swapped = lat >= VIETNAM_EXTENT.minLon && lat <= VIETNAM_EXTENT.maxLon && lon >= VIETNAM_EXTENT.minLat && lon <= VIETNAM_EXTENT.maxLat;
        errors.push({ row: rowNo, field: 'lon', reason: swapped ? `lon/lat look swapped (${lon}, ${lat})` : `point (${lon}, ${lat}) is outside Vietnam` });
      } else {
        pendingRow.lon = lon;
        pendingRow.lat = lat;
        crs.lonlat = (crs.lonlat ?? 0) + 1;
      }
    } else if (easting !== null || northing !== null) {
      if (easting === null || northing === null || Number.isNaN(easting) || Number.isNaN(northing)) {
        errors.push({ row: rowNo, field: 'x', reason: 'X (northing) and Y (easting) must both be numbers' });
      } else {
        let srid: number | null = null;
        const rowEpsg = numberOf(rec.epsg);
        if (rowEpsg !== null) {
          if (!Number.isInteger(rowEpsg)) errors.push({ row: rowNo, field: 'epsg', reason: `epsg "${rec.epsg}" is not an integer code` });
          else srid = rowEpsg;
        } else if (defaultEpsg !== null) srid = defaultEpsg;
        else if (p.province_code) {
          if (!zoneCache.has(p.province_code)) zoneCache.set(p.province_code, await repo.provinceZone(p.province_code));
          srid = zoneCache.get(p.province_code) ?? null;
          if (srid === null && attrs.ok) errors.push({ row: rowNo, field: 'province_code', reason: `no VN-2000 zone known for province ${p.province_code}; give an epsg` });
        }
        if (srid !== null) {
          if (!sridCache.has(srid)) sridCache.set(srid, await repo.sridExists(srid));
          if (!sridCache.get(srid)) errors.push({ row: rowNo, field: 'epsg', reason: `EPSG:${srid} is not a known coordinate system` });
          else {
            pendingRow.projected = { easting, northing, srid };
            crs[`EPSG:${srid}`] = (crs[`EPSG:${srid}`] ?? 0) + 1;
          }
        }
      }
    } else {
      errors.push({ row: rowNo, field: 'lon', reason: 'no coordinates in this row' });
    }
    pending.push(pendingRow);
  }

  // projected rows → WGS 84 in one round trip, then the same extent check as lon/lat rows
  const projected = pending.filter((r) => r.projected);
  if (projected.length) {
    const out = await repo.transformToWgs84(projected.map((r) => r.projected!));
    projected.forEach((r, i) => {
      const { lon, lat } = out[i]!;
      if (!Number.isFinite(lon) || !Number.isFinite(lat) || lon < VIETNAM_EXTENT.minLon || lon > VIETNAM_EXTENT.maxLon || lat < VIETNAM_EXTENT.minLat || lat > VIETNAM_EXTENT.maxLat) {
        errors.push({ row: r.row, field: 'x', reason: `X/Y (${r.projected!.northing}, ${r.projected!.easting}) in EPSG:${r.projected!.srid} falls outside Vietnam (${lon.toFixed(5)}, ${lat.toFixed(5)}); check the zone or X/Y order` });
      } else {
        r.lon = lon;
        r.lat = lat;
      }
    });
  }

  errors.sort((a, b) => a.row - b.row);
  const report: ImportReport = { rows: records.length - 1, imported: 0, dry_run: !!options.dryRun, ids: [], errors, warnings, crs };
  if (errors.length) {
    throw new UnprocessableEntityException(`${new Set(errors.map((e) => e.row)).size} row(s) have errors; nothing was imported`, report, 'import-rejected');
  }
  if (options.dryRun) return report;

  const ids = await db.transaction(async (tx) => {
    const txRepo = new FacilitiesRepository(tx);
    const out: string[] = [];
    for (const r of pending) {
      const id = await txRepo.insertFacility({ province_code: r.properties.province_code, created_by: actor.user.id, source: 'import' });
      const geometry = JSON.stringify({ type: 'Point', coordinates: [r.lon!, r.lat!] });
      await txRepo.insertVersionRow({ facility_id: id, version: 1, author_id: actor.user.id, comment: `import ${options.filename ?? ''} row ${r.row}`.trim(), properties: r.properties, geometry });
      out.push(id);
    }
    // imported facilities enter the review workflow as drafts, like any other save
    await txRepo.insertReviewEvents(out, 1, 'draft', actor.user.id, `import ${options.filename ?? ''}`.trim());
    await new AuditRepository(tx).record({
      userId: actor.user.id,
      username: actor.user.username,
      action: 'facility.import',
      entityType: 'facility',
      ip: actor.ip,
      details: { filename: options.filename ?? null, rows: pending.length, crs },
    });
    return out;
  });
  return { ...report, imported: ids.length, ids };
}

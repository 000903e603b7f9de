import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Database, Queryable } from '../db/database.ts';
import { gisDataDir } from '../paths.ts';

const ADMIN_DIR = path.join(gisDataDir, 'admin');
export const ADMIN_SEED_NAME = 'admin-geography-v1';
/** Display simplification tolerance in degrees (~100 m): small enough for a national view, 1/5 of the vertices. */
const DISPLAY_TOLERANCE_DEG = 0.001;

interface RegionRecord {
  key: string;
  name_vi: string;
  name_en: string;
  province_codes: string[];
}
interface AdminUnitProvince {
  code: string;
  name: string;
  districts: { code: string; name: string; communes: { code: string; name: string }[] }[];
}
interface ZoneRecord {
  province_code: string;
  epsg: number;
  central_meridian: number;
}
interface FeatureCollection<P> {
  features: { properties: P; geometry: unknown }[];
}

async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await readFile(path.join(ADMIN_DIR, file), 'utf8')) as T;
}

export async function loadAdminSources() {
  const [regions, provinces63, provinces34, districts, units, zones] = await Promise.all([
    readJson<RegionRecord[]>('vn-regions.json'),
    readJson<FeatureCollection<{ code: string; name: string; short_name: string; region: string }>>('vn-provinces-63.geojson'),
    readJson<FeatureCollection<{ code: string; name: string; short_name: string; merged_from: string[] }>>('vn-provinces-34-2025.geojson'),
    readJson<FeatureCollection<{ code: string; name: string; province_code: string }>>('vn-districts-2019.geojson'),
    readJson<AdminUnitProvince[]>('vn-admin-units-2019.json'),
    readJson<{ zones: ZoneRecord[] }>('vn2000-zones.json'),
  ]);
  return { regions, provinces63, provinces34, districts, units, zones: zones.zones };
}

const DISPLAY_GEOM_SQL = `ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_SimplifyPreserveTopology(g.geom, ${DISPLAY_TOLERANCE_DEG})), 3))`;

async function insertProvinces(tx: Queryable, sources: Awaited<ReturnType<typeof loadAdminSources>>) {
  const rows63 = sources.provinces63.features.map((f) => ({ ...f.properties, geometry: JSON.stringify(f.geometry) }));
  await tx.query(
    `WITH src AS (
       SELECT r.code, r.name, r.short_name, r.region, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(r.geometry), 4326)) AS geom
       FROM jsonb_to_recordset($1::jsonb) AS r(code text, name text, short_name text, region text, geometry text)
     )
     INSERT INTO provinces (code, name, short_name, region_code, geom, geom_display)
     SELECT g.code, g.name, g.short_name, g.region, g.geom, ${DISPLAY_GEOM_SQL} FROM src g`,
    [JSON.stringify(rows63)],
  );
  const rows34 = sources.provinces34.features.map((f) => ({ ...f.properties, geometry: JSON.stringify(f.geometry) }));
  await tx.query(
    `WITH src AS (
       SELECT r.code, r.name, r.short_name, r.merged_from, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(r.geometry), 4326)) AS geom
       FROM jsonb_to_recordset($1::jsonb) AS r(code text, name text, short_name text, merged_from text[], geometry text)
     )
     INSERT INTO provinces_2025 (code, name, short_name, merged_from, geom, geom_display)
     SELECT g.code, g.name, g.short_name, g.merged_from, g.geom, ${DISPLAY_GEOM_SQL} FROM src g`,
    [JSON.stringify(rows34)],
  );
}

async function insertDistrictsAndCommunes(tx: Queryable, sources: Awaited<ReturnType<typeof loadAdminSources>>) {
  const geometryByCode = new Map(sources.districts.features.map((f) => [f.properties.code, JSON.stringify(f.geometry)]));
  // The GSO list (2025) is the register; the 2019-2021 boundaries attach where the code still exists,
  // and boundary-only codes that the list has since dropped are kept so old data still joins.
  const districtRows: { code: string; name: string; province_code: string; geometry: string | null }[] = [];
  const communeRows: { code: string; name: string; district_code: string }[] = [];
  const listed = new Set<string>();
  for (const province of sources.units) {
    for (const district of province.districts) {
      listed.add(district.code);
      districtRows.push({ code: district.code, name: district.name, province_code: province.code, geometry: geometryByCode.get(district.code) ?? null });
      for (const commune of district.communes) communeRows.push({ code: commune.code, name: commune.name, district_code: district.code });
    }
  }
  for (const f of sources.districts.features) {
    if (!listed.has(f.properties.code)) {
      districtRows.push({ code: f.properties.code, name: f.properties.name, province_code: f.properties.province_code, geometry: JSON.stringify(f.geometry) });
    }
  }
  await tx.query(
    `INSERT INTO districts (code, name, province_code, geom)
     SELECT r.code, r.name, r.province_code,
            CASE WHEN r.geometry IS NULL THEN NULL ELSE ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(r.geometry), 4326)) END
     FROM jsonb_to_recordset($1::jsonb) AS r(code text, name text, province_code text, geometry text)`,
    [JSON.stringify(districtRows)],
  );
  await tx.query(
    `INSERT INTO communes (code, name, district_code)
     SELECT r.code, r.name, r.district_code FROM jsonb_to_recordset($1::jsonb) AS r(code text, name text, district_code text)`,
    [JSON.stringify(communeRows)],
  );
}

export const COMMUNES_2025_SEED_NAME = 'communes-2025-v1';

interface Commune2025Properties {
  code: string;
  name: string;
  short_name: string;
  type: string;
  province_code: string;
}

/**
 * Loads the 3,321 communes of 1 July 2025 once (generalised boundaries, see gis-data/admin/README.md), then records the
 * communes of cluster versions saved before the layer existed (the one change their immutability allows).
 */
export async function seedCommunes2025(db: Database): Promise<boolean> {
  const done = await db.query('SELECT 1 FROM seed_state WHERE name = $1', [COMMUNES_2025_SEED_NAME]);
  if (done.rowCount > 0) return false;
  const communes = await readJson<FeatureCollection<Commune2025Properties>>('vn-communes-2025.geojson');
  const rows = communes.features.map((f) => ({ ...f.properties, geometry: f.geometry ? JSON.stringify(f.geometry) : null }));
  await db.transaction(async (tx) => {
    // in chunks: one statement per ~500 communes keeps the embedded database's memory low
    for (let i = 0; i < rows.length; i += 500) {
      await tx.query(
        `INSERT INTO communes_2025 (code, name, short_name, type, province_code, geom)
         SELECT r.code, r.name, r.short_name, r.type, r.province_code,
                CASE WHEN r.geometry IS NULL THEN NULL ELSE
                  ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(r.geometry), 4326)), 3)) END
         FROM jsonb_to_recordset($1::jsonb) AS r(code text, name text, short_name text, type text, province_code text, geometry text)`,
        [JSON.stringify(rows.slice(i, i + 500))],
      );
    }
    await tx.query('UPDATE cluster_versions SET commune_codes = commune_codes_2025(geom) WHERE commune_codes IS NULL');
    await tx.query('INSERT INTO seed_state (name, details) VALUES ($1, $2)', [COMMUNES_2025_SEED_NAME, JSON.stringify({ communes: rows.length })]);
  });
  return true;
}

/** Loads the administrative geography once; later calls see the seed_state row and do nothing. */
export async function seedAdminGeography(db: Database): Promise<boolean> {
  const done = await db.query('SELECT 1 FROM seed_state WHERE name = $1', [ADMIN_SEED_NAME]);
  if (done.rowCount > 0) return false;
  const sources = await loadAdminSources();
  await db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO regions (code, name_vi, name_en, sort_order)
       SELECT r.key, r.name_vi, r.name_en, r.ord::int
       FROM jsonb_to_recordset($1::jsonb) AS r(key text, name_vi text, name_en text, ord int)`,
      [JSON.stringify(sources.regions.map((r, i) => ({ ...r, ord: i + 1 })))],
    );
    await insertProvinces(tx, sources);
    await insertDistrictsAndCommunes(tx, sources);
    await tx.query(
      `INSERT INTO province_vn2000_zones (province_code, epsg, central_meridian)
       SELECT r.province_code, r.epsg, r.central_meridian
       FROM jsonb_to_recordset($1::jsonb) AS r(province_code text, epsg int, central_meridian double precision)`,
      [JSON.stringify(sources.zones)],
    );
    await tx.query('INSERT INTO seed_state (name, details) VALUES ($1, $2)', [
      ADMIN_SEED_NAME,
      JSON.stringify({ provinces: sources.provinces63.features.length, provinces_2025: sources.provinces34.features.length }),
    ]);
  });
  return true;
}

/**
 * Coordinate reference systems that Vietnamese data really comes in: WGS 84 degrees, VN-2000 3° TM zones
 * (a provincial central meridian, k = 0.9999), VN-2000 UTM 48N/49N (EPSG 3405/3406) and WGS 84 UTM
 * 48N/49N (32648/32649). Only recognition happens here; the transforms are PostGIS ST_Transform with the
 * EPSG:6960 parameters stored in spatial_ref_sys (sql/002).
 */

export const WGS84 = 4326;

/** VN-2000 3° TM zones by central meridian (degrees) → EPSG. */
export const VN2000_TM3_BY_MERIDIAN: ReadonlyArray<[number, number]> = [
  [102, 5896], [103, 9205], [104, 9206], [104.5, 9207], [104.75, 9208], [105, 5897], [105.5, 9209], [105.75, 9210],
  [106, 9211], [106.25, 9212], [106.5, 9213], [107, 9214], [107.25, 9215], [107.5, 9216], [107.75, 5899],
  [108, 5898], [108.25, 9217], [108.5, 9218],
];

export const VN2000_ZONE_EPSGS = VN2000_TM3_BY_MERIDIAN.map(([, e]) => e);
/** Every projected CRS an import may be in (the detection candidates and what ?crs= accepts besides 4326/4756). */
export const KNOWN_PROJECTED = [...VN2000_ZONE_EPSGS, 3405, 3406, 32648, 32649];

export function parseCrsParam(value: unknown): number | null {
  if (value === undefined || value === null || value === '') return null;
  const m = /^(?:EPSG:)?(\d{4,5})$/i.exec(String(value).trim());
  return m ? Number(m[1]) : NaN;
}

export const crsName = (epsg: number) => `EPSG:${epsg}`;

export interface PrjResult {
  epsg: number | null;
  /** why it is (or is not) recognised, for the UI */
  reason: string;
}

const num = (wkt: string, param: string): number | null => {
  const m = new RegExp(`PARAMETER\\s*\\[\\s*"${param}"\\s*,\\s*(-?[0-9.eE+-]+)\\s*\\]`, 'i').exec(wkt);
  return m ? Number(m[1]) : null;
};

/**
 * Reads a .prj (WKT1, OGC or ESRI flavour). An EPSG authority on the outermost CRS wins; otherwise VN-2000
 * and UTM are recognised from the datum name and the projection parameters, because GIS/CAD exports
 * often write "VN_2000" zones without any code.
 */
export function parsePrj(text: string): PrjResult {
  const wkt = text.replace(/\s+/g, ' ').trim();
  if (!wkt) return { epsg: null, reason: 'empty .prj' };
  const projected = /^PROJCS/i.test(wkt);
  // the outermost AUTHORITY is the last one in the string
  const auth = [...wkt.matchAll(/AUTHORITY\s*\[\s*"EPSG"\s*,\s*"?(\d+)"?\s*\]/gi)];
  if (auth.length && /\]\s*\]\s*$/.test(wkt)) {
    const last = auth[auth.length - 1]!;
    const tail = wkt.slice(last.index! + last[0].length).replace(/\s/g, '');
    if (tail === ']') return { epsg: Number(last[1]), reason: 'EPSG code in .prj' };
  }
  const vn2000 = /VN[_ -]?2000|Vietnam[_ ]2000/i.test(wkt);
  const wgs84 = /WGS[_ ]?(19)?84/i.test(wkt) && !vn2000;
  if (!projected) {
    if (vn2000) return { epsg: 4756, reason: 'VN-2000 geographic' };
    if (wgs84) return { epsg: WGS84, reason: 'WGS 84 geographic' };
    return { epsg: null, reason: 'unrecognised geographic CRS' };
  }
  if (!/Transverse_Mercator/i.test(wkt)) return { epsg: null, reason: 'projection is not Transverse Mercator' };
  const cm = num(wkt, 'central_meridian');
  const k = num(wkt, 'scale_factor');
  const fe = num(wkt, 'false_easting');
  const fn = num(wkt, 'false_northing') ?? 0;
  if (cm === null || k === null || fe === null) return { epsg: null, reason: 'missing projection parameters' };
  if (Math.abs(fe - 500000) > 1e-6 || Math.abs(fn) > 1e-6) return { epsg: null, reason: `unexpected false easting/northing ${fe}/${fn}` };
  const utm = Math.abs(k - 0.9996) < 1e-9;
  const tm3 = Math.abs(k - 0.9999) < 1e-9;
  if (utm && (Math.abs(cm - 105) < 1e-9 || Math.abs(cm - 111) < 1e-9)) {
    const zone = cm === 105 ? 48 : 49;
    if (vn2000) return { epsg: zone === 48 ? 3405 : 3406, reason: `VN-2000 UTM ${zone}N` };
    if (wgs84) return { epsg: zone === 48 ? 32648 : 32649, reason: `WGS 84 UTM ${zone}N` };
  }
  if (tm3 && vn2000) {
    const hit = VN2000_TM3_BY_MERIDIAN.find(([m]) => Math.abs(m - cm) < 1e-6);
    if (hit) return { epsg: hit[1], reason: `VN-2000 TM-3 central meridian ${cm}` };
    return { epsg: null, reason: `VN-2000 TM-3 with an unknown central meridian ${cm}` };
  }
  return { epsg: null, reason: `unrecognised projected CRS (k=${k}, central meridian ${cm})` };
}

export type Bbox = [number, number, number, number];

/** What a coordinate range looks like: degrees (maybe lat/lon swapped) or metres of a TM zone (maybe X=northing first). */
export function classifyRange(b: Bbox): { kind: 'lonlat' | 'latlon' | 'en' | 'ne' | 'unknown' } {
  const [minX, minY, maxX, maxY] = b;
  const lon = (v: number) => v >= 100 && v <= 120;
  const lat = (v: number) => v >= 5 && v <= 25;
  const east = (v: number) => v >= 100_000 && v <= 900_000;
  const north = (v: number) => v >= 500_000 && v <= 2_800_000;
  if (lon(minX) && lon(maxX) && lat(minY) && lat(maxY)) return { kind: 'lonlat' };
  if (lat(minX) && lat(maxX) && lon(minY) && lon(maxY)) return { kind: 'latlon' };
  // northing > 900 km can only be a northing in Vietnam; check it first
  if (north(minX) && north(maxX) && east(minY) && east(maxY) && maxX > 900_000) return { kind: 'ne' };
  if (east(minX) && east(maxX) && north(minY) && north(maxY)) return { kind: 'en' };
  return { kind: 'unknown' };
}

/** A minimal WKT1 ESRI-flavoured definition of WGS 84 for .prj files. */
export const ESRI_WGS84_PRJ =
  'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]';

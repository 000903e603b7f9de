/**
 * OGC API – Features Part 2 (Coordinate Reference Systems by Reference): the CRSs every collection offers and how
 * their identifiers and axis orders are read. Only these CRSs are accepted, so a client value never reaches SQL
 * except as the SRID of an entry here, passed as a parameter.
 */
import { VN2000_TM3_BY_MERIDIAN } from '../exchange/formats/crs.ts';
import { InvalidParameterException } from './errors.ts';

export const CRS84_URI = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
const EPSG_PREFIX = 'http://www.opengis.net/def/crs/EPSG/0/';

export interface OgcCrs {
  uri: string;
  /** the PostGIS SRID holding the geometry in this CRS (CRS84 and EPSG:4326 share 4326: only the axis order differs) */
  srid: number;
  /** the CRS's first axis is latitude (EPSG:4326, EPSG:4756), so coordinates are written and read lat, lon */
  latFirst: boolean;
  geographic: boolean;
  title: string;
}

const epsg = (srid: number, title: string, geographic = false, latFirst = false): OgcCrs => ({
  uri: `${EPSG_PREFIX}${srid}`,
  srid,
  latFirst,
  geographic,
  title,
});

const meridianName = (m: number) => `${Math.trunc(m)}-${String(Math.round((m % 1) * 60)).padStart(2, '0')}`;

export const CRS84: OgcCrs = { uri: CRS84_URI, srid: 4326, latFirst: false, geographic: true, title: 'WGS 84 (CRS84, longitude/latitude)' };

/** CRS84 first (the default), then WGS 84, VN-2000 geographic, VN-2000 UTM, the VN-2000 3° zones and Web Mercator. */
export const SUPPORTED_CRS: readonly OgcCrs[] = [
  CRS84,
  epsg(4326, 'WGS 84 (latitude/longitude)', true, true),
  epsg(4756, 'VN-2000 (latitude/longitude)', true, true),
  epsg(3405, 'VN-2000 / UTM zone 48N'),
  epsg(3406, 'VN-2000 / UTM zone 49N'),
  ...[...VN2000_TM3_BY_MERIDIAN].sort((a, b) => a[1] - b[1]).map(([m, srid]) => epsg(srid, `VN-2000 / TM-3 ${meridianName(m)}`)),
  epsg(3857, 'WGS 84 / Pseudo-Mercator'),
];

export const SUPPORTED_CRS_URIS = SUPPORTED_CRS.map((c) => c.uri);

/** The stored geometry is WGS 84 longitude/latitude (SRID 4326): CRS84. */
export const STORAGE_CRS = CRS84;

const BY_SRID = new Map(SUPPORTED_CRS.filter((c) => c !== CRS84).map((c) => [c.srid, c]));

/**
 * A CRS parameter value: the OGC URI (http or https), a safe CURIE ([EPSG:9208], [OGC:CRS84]), a plain CURIE
 * (EPSG:9208) or an OGC URN (urn:ogc:def:crs:EPSG::9208). Anything else, or a CRS not offered, is a 400.
 */
export function parseCrs(name: string, value: string): OgcCrs {
  const v = value.trim().replace(/^\[(.*)\]$/, '$1');
  if (/^(?:https?:\/\/www\.opengis\.net\/def\/crs\/OGC\/(?:1\.3|0)\/CRS84|OGC:CRS84|urn:ogc:def:crs:OGC:(?:1\.3)?:CRS84)$/i.test(v)) return CRS84;
  const m = /^(?:https?:\/\/www\.opengis\.net\/def\/crs\/EPSG\/0\/|EPSG:|urn:ogc:def:crs:EPSG:[0-9.]*:)(\d{4,5})$/i.exec(v);
  const crs = m ? BY_SRID.get(Number(m[1])) : undefined;
  if (!crs) {
    throw new InvalidParameterException(
      `Parameter "${name}" must be one of the CRSs this collection offers (see its "crs" list), e.g. ${CRS84_URI} or ${EPSG_PREFIX}9208; got "${value}"`,
    );
  }
  return crs;
}

/** Coordinate decimals in the output: 6 in CRS84 (the source precision), 8 in other degrees (<1 mm), 3 in metres (1 mm). */
export function outputDigits(crs: OgcCrs): number {
  if (crs === CRS84) return 6;
  return crs.geographic ? 8 : 3;
}

/** The Content-Crs header value (Part 2, 7.2). */
export const contentCrsHeader = (crs: OgcCrs) => `<${crs.uri}>`;

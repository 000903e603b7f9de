/**
 * "Import boundary from file": one GeoJSON or KML feature, parsed in the browser. Kept free of React and
 * of the global DOMParser (passed in) so it runs under vitest with @xmldom/xmldom too.
 */
import { kml } from '@tmcw/togeojson';
import type { Feature, Geometry, Polygon, Position } from 'geojson';
import type { Bilingual } from '../i18n/index.tsx';
import type { BoundaryGeometry } from './types.ts';

export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;

export class BoundaryImportError extends Error {
  constructor(
    readonly code: 'too-large' | 'unreadable' | 'kmz' | 'no-feature' | 'several-features' | 'not-polygon',
    readonly text: Bilingual,
  ) {
    super(text.en);
    this.name = 'BoundaryImportError';
  }
}

export interface ImportedBoundary {
  geometry: BoundaryGeometry;
  /** The feature's own properties (a KML name, GeoJSON attributes) for filling empty form fields. */
  properties: Record<string, unknown>;
  format: 'geojson' | 'kml';
}

type XmlParser = { parseFromString(text: string, type: 'text/xml' | 'application/xml'): unknown };

// KML often carries altitude; the registry is 2-D
function flat(ring: Position[]): Position[] {
  return ring.map((p) => [p[0], p[1]]);
}

function polygonsOf(geometry: Geometry | null): Polygon[] | null {
  if (!geometry) return [];
  switch (geometry.type) {
    case 'Polygon':
      return [{ type: 'Polygon', coordinates: geometry.coordinates.map(flat) }];
    case 'MultiPolygon':
      return geometry.coordinates.map((rings) => ({ type: 'Polygon', coordinates: rings.map(flat) }));
    case 'GeometryCollection': {
      const out: Polygon[] = [];
      for (const g of geometry.geometries) {
        const parts = polygonsOf(g);
        if (parts === null) return null;
        out.push(...parts);
      }
      return out;
    }
    default:
      return null;
  }
}

function toFeatures(json: unknown): Feature[] {
  if (!json || typeof json !== 'object') return [];
  const o = json as { type?: string; features?: unknown[]; geometry?: unknown };
  if (o.type === 'FeatureCollection' && Array.isArray(o.features)) return o.features as Feature[];
  if (o.type === 'Feature') return [o as Feature];
  if (typeof o.type === 'string' && ('coordinates' in o || 'geometries' in o)) return [{ type: 'Feature', geometry: o as Geometry, properties: {} }];
  return [];
}

export function parseBoundaryFile(fileName: string, text: string, xml: XmlParser): ImportedBoundary {
  if (text.length > MAX_IMPORT_BYTES) {
    throw new BoundaryImportError('too-large', { vi: 'Tệp lớn hơn 5 MB.', en: 'The file is larger than 5 MB.' });
  }
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.kmz')) {
    throw new BoundaryImportError('kmz', { vi: 'Tệp KMZ chưa được hỗ trợ: hãy giải nén và chọn tệp .kml bên trong.', en: 'KMZ is not supported: unzip it and pick the .kml inside.' });
  }
  const trimmed = text.replace(/^\uFEFF/, '').trimStart();
  const isKml = lower.endsWith('.kml') || trimmed.startsWith('<');
  let features: Feature[];
  if (isKml) {
    const doc = xml.parseFromString(trimmed, 'text/xml') as Document;
    if (!doc || doc.getElementsByTagName('parsererror').length > 0) {
      throw new BoundaryImportError('unreadable', { vi: 'Không đọc được tệp KML (XML không hợp lệ).', en: 'Could not read the KML file (invalid XML).' });
    }
    features = kml(doc).features as Feature[];
  } else {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch {
      throw new BoundaryImportError('unreadable', { vi: 'Không đọc được tệp: không phải GeoJSON hay KML hợp lệ.', en: 'Could not read the file: not valid GeoJSON or KML.' });
    }
    features = toFeatures(json);
  }

  const withGeometry = features.filter((f) => f && f.geometry);
  if (withGeometry.length === 0) {
    throw new BoundaryImportError('no-feature', { vi: 'Tệp không có đối tượng nào có hình học.', en: 'The file has no feature with a geometry.' });
  }
  if (withGeometry.length > 1) {
    throw new BoundaryImportError('several-features', {
      vi: `Tệp có ${withGeometry.length} đối tượng; chỉ nhập được một ranh giới mỗi lần.`,
      en: `The file has ${withGeometry.length} features; import one boundary at a time.`,
    });
  }
  const feature = withGeometry[0];
  const parts = polygonsOf(feature.geometry);
  if (!parts || parts.length === 0) {
    throw new BoundaryImportError('not-polygon', {
      vi: `Ranh giới phải là vùng (Polygon/MultiPolygon), tệp chứa ${feature.geometry.type}.`,
      en: `A boundary must be a Polygon or MultiPolygon; the file has a ${feature.geometry.type}.`,
    });
  }
  const geometry: BoundaryGeometry =
    parts.length === 1 ? parts[0] : { type: 'MultiPolygon', coordinates: parts.map((p) => p.coordinates) };
  return { geometry, properties: { ...(feature.properties ?? {}) }, format: isKml ? 'kml' : 'geojson' };
}

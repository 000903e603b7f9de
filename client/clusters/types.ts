import type { Feature, FeatureCollection, MultiPolygon, Point, Polygon, Geometry } from 'geojson';
import type { ClusterAttributes } from '@domain/cluster-attributes';

export type BoundaryGeometry = Polygon | MultiPolygon;
export type ReviewState = 'draft' | 'submitted' | 'approved' | 'changes_requested';

/** Properties of a cluster Feature as the API returns it: the contract attributes plus the server-computed ones. */
export interface ClusterProps extends Partial<ClusterAttributes> {
  name: string;
  area_ha?: number | null;
  area_ha_vn2000?: number | null;
  vn2000_epsg?: number | null;
  version?: number;
  review_state?: ReviewState | null;
  published_version?: number | null;
  [key: string]: unknown;
}

/** A cluster: its boundary, or the location Point of one without a boundary yet (boundary_status none). */
export type ClusterFeature = Feature<BoundaryGeometry | Point, ClusterProps> & { id?: string | number };
export type ClusterCollection = FeatureCollection<BoundaryGeometry, ClusterProps>;

/** One row of the history. The server may add more fields; these are the ones the UI reads. */
export interface ClusterVersion {
  version: number;
  created_at?: string | null;
  author?: unknown;
  comment?: string | null;
  review_state?: ReviewState | null;
  status?: string | null;
  name?: string | null;
  area_ha?: number | null;
  [key: string]: unknown;
}

export interface AttributeChange {
  field: string;
  from: unknown;
  to: unknown;
}

/** The diff between two versions, normalised from the API response (see api.ts normaliseDiff). */
export interface ClusterDiff {
  from: number;
  to: number;
  changes: AttributeChange[];
  added: Geometry | null;
  removed: Geometry | null;
  added_area_ha: number | null;
  removed_area_ha: number | null;
  from_geometry: Geometry | null;
  to_geometry: Geometry | null;
}

export interface ClusterComment {
  id: number | string;
  body: string;
  author?: unknown;
  version?: number | null;
  created_at?: string | null;
  [key: string]: unknown;
}

/** A row of the review queue. */
export interface QueueItem {
  id: string;
  name: string;
  code?: string | null;
  province_code?: string | null;
  version: number;
  published_version?: number | null;
  submitted_at?: string | null;
  submitted_by?: string | null;
  author?: unknown;
  area_ha?: number | null;
  geometry?: BoundaryGeometry | null;
  [key: string]: unknown;
}

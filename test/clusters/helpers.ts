import type { Polygon } from 'geojson';
import { squareAround } from '../support/fixtures.ts';
import type { TestClient } from '../support/client.ts';

/** Well inside old Lào Cai (2009: 10, ~19 km from its border; 2025 unit 15) and old Bắc Ninh (2009: 27; 2025 unit 24). */
export const LAOCAI: [number, number] = [104.05, 22.35];
export const BACNINH: [number, number] = [106.07, 21.18];

let n = 0;
/** A square of sizeM (≤ 600) metres on a 10 × 10 grid of ~850 m cells around `center` (slot 0-99), so tests do not overlap. */
export function square(center: [number, number], slot: number, sizeM = 400): Polygon {
  const [dx, dy] = slotOffset(slot);
  return squareAround(center[0] + dx, center[1] + dy, sizeM);
}

export function slotOffset(slot: number): [number, number] {
  return [((slot % 10) - 5) * 0.008, ((Math.floor(slot / 10) % 10) - 5) * 0.008];
}

export function clusterFeature(props: Record<string, unknown>, geometry: unknown) {
  n += 1;
  return {
    type: 'Feature',
    geometry,
    properties: {
      name: `Cụm công nghiệp Thử ${n}`,
      province_code: '15',
      status: 'planned',
      ...props,
    },
  };
}

/** GET the cluster as `client` sees it and return its version (from the ETag). */
export async function versionOf(client: TestClient, id: string): Promise<number> {
  const res = await client.get(`/api/clusters/${id}`);
  if (res.status !== 200) throw new Error(`GET ${id}: ${res.status} ${res.text}`);
  return Number(res.headers.get('etag')!.replaceAll('"', ''));
}

export const ifMatch = (v: number) => ({ 'If-Match': `"${v}"` });

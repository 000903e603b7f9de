/** Fixture builders and HTTP helpers for the exchange suites. Every fixture is generated here, at test time. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import type { Polygon, Position } from 'geojson';
import type { TestClient } from '../support/client.ts';

/** Two points well inside Lào Cai (province 10, VN-2000 zone 104°45′ = EPSG:9208). */
export const LAO_CAI: [number, number] = [104.15, 22.36];

export async function upload(client: TestClient, body: Buffer | string, filename: string, layer = 'clusters', query = '', extra: Record<string, string> = {}) {
  const form = new FormData();
  form.append('layer', layer);
  for (const [k, v] of Object.entries(extra)) form.append(k, v);
  form.append('file', new Blob([new Uint8Array(typeof body === 'string' ? Buffer.from(body, 'utf8') : body)]), filename);
  return client.request('POST', `/api/imports${query}`, { raw: form });
}

/** Polls GET /api/imports/:id until the check is over. */
export async function waitChecked(client: TestClient, id: string, timeoutMs = 60_000) {
  const start = Date.now();
  for (;;) {
    // the embedded database runs in the server's thread: a long check can outlast a keep-alive socket, so retry a reset
    const res = await client.get(`/api/imports/${id}`).catch(async () => client.get(`/api/imports/${id}`));
    if (res.status !== 200) throw new Error(`GET import ${res.status} ${res.text}`);
    if (res.body.state !== 'checking') return res.body;
    if (Date.now() - start > timeoutMs) throw new Error(`import ${id} still checking at ${res.body.progress}%`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function uploadAndCheck(client: TestClient, body: Buffer | string, filename: string, layer = 'clusters', query = '', extra: Record<string, string> = {}) {
  const res = await upload(client, body, filename, layer, query, extra);
  if (res.status !== 202 && res.status !== 201) throw new Error(`upload ${res.status} ${res.text}`);
  return waitChecked(client, res.body.id);
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export interface KmlPlacemark {
  name: string;
  data: Record<string, string>;
  ring: Position[];
}

export function kml(placemarks: KmlPlacemark[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>Fixture</name>
${placemarks
  .map(
    (p) => `<Placemark><name>${xml(p.name)}</name>
<ExtendedData>${Object.entries(p.data).map(([k, v]) => `<Data name="${k}"><value>${xml(v)}</value></Data>`).join('')}</ExtendedData>
<Polygon><outerBoundaryIs><LinearRing><coordinates>${p.ring.map((c) => `${c[0]},${c[1]},${c[2] ?? 0}`).join(' ')}</coordinates></LinearRing></outerBoundaryIs></Polygon>
</Placemark>`,
  )
  .join('\n')}
</Document></kml>`;
}

/** The ring of a square with a repeated vertex (Google Earth exports often repeat points). */
export function withDuplicateVertex(square: Polygon): Position[] {
  const r = square.coordinates[0]!;
  return [r[0]!, r[1]!, r[1]!, r[2]!, r[3]!, r[0]!];
}

export async function zip(files: Record<string, Buffer | string>): Promise<Buffer> {
  const z = new JSZip();
  for (const [name, data] of Object.entries(files)) z.file(name, data);
  return z.generateAsync({ type: 'nodebuffer' });
}

/** Runs ogr2ogr on a GeoJSON text and returns the written files (name → bytes). */
export function ogr2ogr(geojson: string, args: string[], outName = 'layer.shp'): Record<string, Buffer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ca-ogr-'));
  try {
    writeFileSync(path.join(dir, 'in.geojson'), geojson);
    mkdirSync(path.join(dir, 'out'));
    execFileSync('ogr2ogr', ['-f', 'ESRI Shapefile', ...args, path.join(dir, 'out', outName), path.join(dir, 'in.geojson')], { stdio: 'pipe' });
    const out: Record<string, Buffer> = {};
    for (const f of readdirSync(path.join(dir, 'out'))) out[f] = readFileSync(path.join(dir, 'out', f));
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes bytes to a temporary file, runs ogrinfo on it (optionally inside /vsizip/) and returns its summary. */
export function ogrinfo(bytes: Buffer | string, filename: string, vsizip = false): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ca-ogrinfo-'));
  try {
    const file = path.join(dir, filename);
    writeFileSync(file, bytes);
    return execFileSync('ogrinfo', ['-ro', '-al', '-so', vsizip ? `/vsizip/${file}` : file], { stdio: 'pipe' }).toString('utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Independent projection with PROJ's cs2cs (its own EPSG database, not our spatial_ref_sys rows). */
export function cs2cs(from: string, to: string, x: number, y: number): [number, number] {
  const out = execFileSync('cs2cs', ['-f', '%.9f', from, to], { input: `${x} ${y}\n` }).toString().trim().split(/\s+/);
  return [Number(out[0]), Number(out[1])];
}

export function fc(features: { properties: Record<string, unknown>; geometry: unknown }[]): string {
  return JSON.stringify({ type: 'FeatureCollection', features: features.map((f) => ({ type: 'Feature', ...f })) });
}

/**
 * The hostile-input corpus, derived from the limits declaration (server/domain/limits.ts) and the write
 * endpoints of the API: every case must be answered with a 4xx and the JSON error shape, store nothing and
 * leave the server answering.
 */
import { deflateSync, gzipSync } from 'node:zlib';
import { LIST_FIELD_MAX_ITEMS, NUMBER_FIELD_RANGES, TEXT_FIELD_MAX_CHARS, JSON_MAX_DEPTH, GEOMETRY_MAX_VERTICES } from '../../server/domain/limits.ts';
import { squareAround } from '../support/fixtures.ts';

export interface HostileCase {
  name: string;
  /** demo account to send it as; anonymous when absent */
  as?: string;
  method: 'GET' | 'POST' | 'PUT';
  /** `{cluster}`, `{plan}`, `{facility}` are replaced by ids of rows created before the run */
  path: string;
  body?: unknown;
  raw?: Buffer | string;
  headers?: Record<string, string>;
}

const square = squareAround(104.0, 22.3, 500);

function clusterFeature(properties: Record<string, unknown> = {}) {
  return {
    type: 'Feature',
    properties: { name: 'Cụm công nghiệp Thử thách', province_code: '10', status: 'planned', communes: ['Xã A'], industries: ['cơ khí'], ...properties },
    geometry: square,
  };
}

interface Endpoint {
  label: string;
  as?: string;
  method: 'POST' | 'PUT';
  path: string;
  /** a valid-looking body; each case breaks one thing in it */
  body: (override: Record<string, unknown>) => unknown;
  /** which fields the body carries (text and numbers are varied) */
  textFields: string[];
  numberFields: string[];
  listFields: string[];
}

const asFeature = (override: Record<string, unknown>) => clusterFeature(override);
const flat = (base: Record<string, unknown>) => (override: Record<string, unknown>) => ({ ...base, ...override });

const CLUSTER_TEXT = ['name', 'code', 'investor', 'decision_no', 'decision_authority'];
const CLUSTER_NUMBERS = ['planned_area_ha', 'industrial_land_ha', 'leased_ha', 'occupancy_pct', 'tenants', 'workers', 'investment_capital_bn_vnd'];

const ENDPOINTS: Endpoint[] = [
  { label: 'create cluster', as: 'planner.laocai', method: 'POST', path: '/api/clusters', body: asFeature, textFields: CLUSTER_TEXT, numberFields: CLUSTER_NUMBERS, listFields: ['communes', 'industries'] },
  { label: 'validate cluster', as: 'planner.laocai', method: 'POST', path: '/api/clusters/validate', body: asFeature, textFields: CLUSTER_TEXT, numberFields: CLUSTER_NUMBERS, listFields: ['communes', 'industries'] },
  { label: 'edit cluster', as: 'planner.laocai', method: 'PUT', path: '/api/clusters/{cluster}', body: asFeature, textFields: CLUSTER_TEXT, numberFields: CLUSTER_NUMBERS, listFields: ['communes'] },
  { label: 'comment', as: 'planner.laocai', method: 'POST', path: '/api/clusters/{cluster}/comments', body: flat({ text: 'Ý kiến' }), textFields: ['text'], numberFields: ['version'], listFields: [] },
  { label: 'submit', as: 'planner.laocai', method: 'POST', path: '/api/clusters/{cluster}/submit', body: flat({ version: 1, comment: 'Trình duyệt' }), textFields: ['comment'], numberFields: ['version'], listFields: [] },
  { label: 'approve', as: 'reviewer.laocai', method: 'POST', path: '/api/clusters/{cluster}/approve', body: flat({ version: 1, comment: 'Duyệt' }), textFields: ['comment'], numberFields: ['version'], listFields: [] },
  { label: 'request changes', as: 'reviewer.laocai', method: 'POST', path: '/api/clusters/{cluster}/request-changes', body: flat({ version: 1, comment: 'Sửa lại' }), textFields: ['comment'], numberFields: ['version'], listFields: [] },
  { label: 'create plan', as: 'planner.laocai', method: 'POST', path: '/api/plans', body: flat({ name: 'Quy hoạch thử', province_code: '10' }), textFields: ['name', 'description'], numberFields: ['supersedes'], listFields: [] },
  {
    label: 'plan item',
    as: 'planner.laocai',
    method: 'POST',
    path: '/api/plans/{plan}/items',
    body: (o) => ({ type: 'Feature', properties: { name: 'Mục quy hoạch', province_code: '10', planned_area_ha: 30, ...o }, geometry: square }),
    textFields: ['name'],
    numberFields: ['planned_area_ha'],
    listFields: [],
  },
  { label: 'create user', as: 'admin', method: 'POST', path: '/api/users', body: flat({ username: 'hostile.user', password: 'a-long-enough-passphrase', role: 'ministry', display_name: 'Người thử' }), textFields: ['username', 'display_name', 'password'], numberFields: [], listFields: [] },
  { label: 'login', method: 'POST', path: '/api/auth/login', body: flat({ username: 'planner.laocai', password: 'wrong-password-here' }), textFields: ['username', 'password'], numberFields: [], listFields: [] },
  {
    label: 'create facility',
    as: 'planner.laocai',
    method: 'POST',
    path: '/api/facilities',
    body: (o) => ({ type: 'Feature', properties: { name: 'Cơ sở thử', province_code: '10', hazard_class: 'III', ...o }, geometry: { type: 'Point', coordinates: [104.0, 22.3] } }),
    textFields: ['name'],
    numberFields: ['workers'],
    listFields: [],
  },
  { label: 'anonymous check', method: 'POST', path: '/api/analysis/check', body: asFeature, textFields: ['name'], numberFields: [], listFields: [] },
  { label: 'anonymous proximity', method: 'POST', path: '/api/analysis/proximity', body: asFeature, textFields: ['name'], numberFields: [], listFields: [] },
  { label: 'screening', as: 'planner.laocai', method: 'POST', path: '/api/screening', body: flat({ name: 'Sàng lọc', province_code: '10' }), textFields: ['name'], numberFields: [], listFields: [] },
];

function deep(levels: number): string {
  return '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
}

export function hostileCorpus(): HostileCase[] {
  const cases: HostileCase[] = [];
  for (const e of ENDPOINTS) {
    const base = { as: e.as, method: e.method, path: e.path };
    for (const field of e.textFields) {
      const limit = TEXT_FIELD_MAX_CHARS[field] ?? 20_000;
      cases.push({ ...base, name: `${e.label}: NUL in ${field}`, body: e.body({ [field]: 'abc\u0000def' }) });
      cases.push({ ...base, name: `${e.label}: control character in ${field}`, body: e.body({ [field]: 'abc\u0007def' }) });
      cases.push({ ...base, name: `${e.label}: ${field} one over its ${limit}-character limit`, body: e.body({ [field]: 'x'.repeat(limit + 1) }) });
      cases.push({ ...base, name: `${e.label}: 1 MB ${field}`, body: e.body({ [field]: 'ư'.repeat(1_000_000) }) });
    }
    for (const field of e.numberFields) {
      const [min, max] = NUMBER_FIELD_RANGES[field] ?? [0, 0];
      for (const [label, value] of [
        ['1e308', 1e308],
        ['2^63', 9223372036854775808],
        ['1e20', 1e20],
        ['below its minimum', min - 1],
        ['above its maximum', max + 1],
      ] as const) {
        cases.push({ ...base, name: `${e.label}: ${field} ${label}`, body: e.body({ [field]: value }) });
      }
    }
    for (const field of e.listFields) {
      const limit = LIST_FIELD_MAX_ITEMS[field] ?? 50;
      cases.push({ ...base, name: `${e.label}: ${field} of 100,000 items`, body: e.body({ [field]: Array.from({ length: 100_000 }, (_, i) => `X${i}`) }) });
      cases.push({ ...base, name: `${e.label}: ${field} one over its ${limit}-item limit`, body: e.body({ [field]: Array.from({ length: limit + 1 }, (_, i) => `X${i}`) }) });
      cases.push({ ...base, name: `${e.label}: NUL in an item of ${field}`, body: e.body({ [field]: ['a\u0000'] }) });
    }
    const json = { 'content-type': 'application/json' };
    cases.push({ ...base, name: `${e.label}: JSON nested 100,000 deep`, raw: deep(100_000), headers: json });
    cases.push({ ...base, name: `${e.label}: JSON nested ${JSON_MAX_DEPTH + 1} deep`, raw: deep(JSON_MAX_DEPTH + 1), headers: json });
    cases.push({ ...base, name: `${e.label}: NUL in a property name`, raw: `{"a\\u0000b":1,${JSON.stringify(e.body({})).slice(1)}`, headers: json });
    const valid = JSON.stringify(e.body({}));
    cases.push({ ...base, name: `${e.label}: Content-Encoding br`, raw: valid, headers: { ...json, 'content-encoding': 'br' } });
    cases.push({ ...base, name: `${e.label}: Content-Encoding compress`, raw: valid, headers: { ...json, 'content-encoding': 'compress' } });
    cases.push({ ...base, name: `${e.label}: stacked Content-Encoding`, raw: gzipSync(gzipSync(valid)), headers: { ...json, 'content-encoding': 'gzip, gzip' } });
    cases.push({ ...base, name: `${e.label}: garbage deflate body`, raw: Buffer.from('this is not deflate at all'), headers: { ...json, 'content-encoding': 'deflate' } });
    cases.push({ ...base, name: `${e.label}: garbage gzip body`, raw: Buffer.concat([gzipSync(valid).subarray(0, 10), Buffer.from('garbage')]), headers: { ...json, 'content-encoding': 'gzip' } });
    cases.push({ ...base, name: `${e.label}: deflate of a body with NUL`, raw: deflateSync(JSON.stringify(e.body({ [e.textFields[0]!]: '\u0000' }))), headers: { ...json, 'content-encoding': 'deflate' } });
  }

  // geometry: the validator's cost is bounded by the vertex limit
  const ring = Array.from({ length: GEOMETRY_MAX_VERTICES + 1 }, (_, i) => {
    const a = (2 * Math.PI * i) / GEOMETRY_MAX_VERTICES;
    return [104 + 0.01 * Math.cos(a), 22.3 + 0.01 * Math.sin(a)];
  });
  ring.push(ring[0]!);
  // (POST /api/clusters/validate answers 200 with the too-many-vertices issue: reporting is its contract)
  for (const path of ['/api/analysis/check', '/api/analysis/proximity', '/api/clusters']) {
    cases.push({ as: path.startsWith('/api/clusters') ? 'planner.laocai' : undefined, method: 'POST', path, name: `${path}: polygon over the vertex limit`, body: { ...clusterFeature(), geometry: { type: 'Polygon', coordinates: [ring] } } });
  }

  // query parameters: integers out of int4, NUL, empty and huge values
  const queries: [string, string][] = [
    ['/api/clusters', 'offset=1e20'],
    ['/api/clusters', 'limit=1e20'],
    ['/api/clusters', 'limit=-1'],
    ['/api/clusters', 'offset=99999999999'],
    ['/api/clusters', 'q=%00'],
    ['/api/clusters', 'q=a%01b'],
    ['/api/clusters', 'bbox=1e400,0,0,0'],
    ['/api/clusters', 'status=%00'],
    ['/api/clusters/{cluster}', 'version=1e20'],
    ['/api/clusters/{cluster}', 'version=2147483648'],
    ['/api/clusters/{cluster}', 'version=-1'],
    ['/api/clusters/{cluster}/diff', 'from=&to='],
    ['/api/clusters/{cluster}/diff', 'from=1e20&to=1'],
    ['/api/clusters/{cluster}/diff', 'from=%00&to=1'],
    ['/api/facilities', 'offset=1e20'],
    ['/api/facilities', 'limit=1e20'],
    ['/api/facilities/among-residential', 'limit=1e20'],
    ['/api/residential-zones', 'limit=1e20'],
    ['/api/residential-zones', 'bbox=%00'],
    ['/api/stats', 'as_of=%00'],
    ['/api/stats', 'as_of=99999-01-01'],
    ['/api/provinces', 'era=%00'],
    ['/api/reports/periodic', 'year=1e20'],
    ['/ogc/collections/clusters/items', 'limit=1e20'],
    ['/ogc/collections/clusters/items', 'offset=1e20'],
    ['/ogc/collections/clusters/items', 'filter=name%3D%27a%00%27'],
  ];
  for (const [path, query] of queries) {
    for (const as of [undefined, 'ministry']) {
      cases.push({ as, method: 'GET', path: `${path}?${query}`, name: `GET ${path}?${query}${as ? ` as ${as}` : ''}` });
    }
  }
  return cases;
}

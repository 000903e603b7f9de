import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadRegulationProfiles, RULE_IDS, type RegulationProfile } from '../../server/domain/regulations.ts';
import {
  PRE_2009_CUTOFF,
  checkNamePrefix,
  evaluateConformity,
  findPre2009Violations,
  isPre2009,
  worstResult,
  type ConformityCluster,
  type RuleResult,
  type SpatialFacts,
} from '../../server/domain/conformity.ts';
import type { RuleId } from '../../server/domain/regulations.ts';

const DIR = path.resolve(import.meta.dirname, '../../gis-data/regulations');
const profiles = loadRegulationProfiles(
  ['qd-105-2009', 'nd-68-2017', 'nd-32-2024'].map((id) => JSON.parse(readFileSync(path.join(DIR, `${id}.json`), 'utf8'))),
);
const P = (id: string) => profiles.find((p) => p.id === id)!;
const p105 = P('qd-105-2009');
const p68 = P('nd-68-2017');
const p32 = P('nd-32-2024');

const cluster = (over: Partial<ConformityCluster> = {}): ConformityCluster => ({
  name: 'Cụm công nghiệp Phú Thị',
  status: 'operating',
  craft_village: false,
  mountainous_district: false,
  hazard_class: 'III',
  wastewater: 'operating',
  industrial_land_ha: 40,
  leased_ha: 30,
  planned_area_ha: 50,
  ...over,
});
const facts = (over: Partial<SpatialFacts> = {}): SpatialFacts => ({
  area_ha: 50,
  geometry_valid: true,
  nearest_residential_m: 450,
  residential_within_isolation: [],
  residential_inside_ha: 0,
  outside_province_ha: 0,
  overlaps: [],
  district_stats: { average_occupancy_pct: 70, unleased_industrial_ha: 30, existing_cluster_count: 3 },
  ...over,
});
const run = (profile: RegulationProfile, c: Partial<ConformityCluster> = {}, f: Partial<SpatialFacts> = {}) => evaluateConformity(profile, cluster(c), facts(f));
const rule = (id: RuleId, profile: RegulationProfile, c: Partial<ConformityCluster> = {}, f: Partial<SpatialFacts> = {}): RuleResult =>
  run(profile, c, f).results.find((r) => r.rule === id)!;
const outcome = (id: RuleId, profile: RegulationProfile, c: Partial<ConformityCluster> = {}, f: Partial<SpatialFacts> = {}) =>
  rule(id, profile, c, f).result;

describe('report shape', () => {
  it('has the profile id and one result per rule id, in the contract order', () => {
    const r = run(p32);
    expect(r.profile).toBe('nd-32-2024');
    expect(r.results.map((x) => x.rule)).toEqual([
      'area-limit', 'isolation-distance', 'no-residents-inside', 'within-province', 'no-overlap',
      'valid-geometry', 'name-prefix', 'infrastructure', 'establishment-occupancy', 'expansion-occupancy',
    ]);
    expect(RULE_IDS).toHaveLength(10);
    for (const x of r.results) {
      expect(Object.keys(x).sort()).toEqual(['evidence', 'message', 'message_en', 'result', 'rule', 'source']);
      expect(x.message.length).toBeGreaterThan(0);
      expect(x.message_en.length).toBeGreaterThan(0);
      expect(typeof x.evidence).toBe('object');
    }
  });

  it('a conforming operating cluster passes every applicable rule', () => {
    const r = run(p32);
    const by = Object.fromEntries(r.results.map((x) => [x.rule, x.result]));
    expect(by).toEqual({
      'area-limit': 'pass',
      'isolation-distance': 'pass',
      'no-residents-inside': 'pass',
      'within-province': 'pass',
      'no-overlap': 'pass',
      'valid-geometry': 'pass',
      'name-prefix': 'pass',
      infrastructure: 'pass',
      'establishment-occupancy': 'not-applicable',
      'expansion-occupancy': 'not-applicable',
    });
    expect(worstResult(r.results)).toBe('pass');
  });

  it('rules missing from the profile are not-applicable with no source', () => {
    const r = rule('establishment-occupancy', p68, { status: 'planned' });
    expect(r.result).toBe('not-applicable');
    expect(r.source).toBeNull();
    expect(r.message).toContain('Nghị định 68/2017/NĐ-CP');
  });

  it('every unknown fact gives not-applicable saying the fact is unknown', () => {
    const r = evaluateConformity(p32, { status: 'planned' }, {});
    for (const x of r.results.filter((x) => !['infrastructure'].includes(x.rule))) {
      expect(x.result, x.rule).toBe('not-applicable');
    }
    const area = r.results.find((x) => x.rule === 'area-limit')!;
    expect(area.message).toMatch(/Chưa có dữ liệu/);
    expect(area.message_en).toMatch(/unknown/);
    expect(area.source).toMatch(/32\/2024/);
  });
});

describe('area-limit', () => {
  it.each([
    [9.99, 'fail'],
    [10, 'pass'],
    [10.004, 'pass'],
    [50, 'pass'],
    [75, 'pass'],
    [75.004, 'pass'], // 75.00 ha at the precision of a decision
    [75.006, 'fail'],
    [75.01, 'fail'],
    [120, 'fail'],
  ])('new cluster (planned) of %f ha under 32/2024 → %s', (area, expected) => {
    expect(outcome('area-limit', p32, { status: 'planned' }, { area_ha: area })).toBe(expected);
    expect(outcome('area-limit', p32, { status: 'established' }, { area_ha: area })).toBe(expected);
  });

  it('mountainous districts and craft villages may be 5–75 ha', () => {
    expect(outcome('area-limit', p32, { status: 'planned', mountainous_district: true }, { area_ha: 5 })).toBe('pass');
    expect(outcome('area-limit', p32, { status: 'planned', mountainous_district: true }, { area_ha: 4.99 })).toBe('fail');
    expect(outcome('area-limit', p32, { status: 'planned', craft_village: true }, { area_ha: 7 })).toBe('pass');
    expect(outcome('area-limit', p32, { status: 'planned', craft_village: true }, { area_ha: 75.01 })).toBe('fail');
    expect(outcome('area-limit', p32, { status: 'planned' }, { area_ha: 7 })).toBe('fail');
    expect(outcome('area-limit', p68, { status: 'planned', mountainous_district: true }, { area_ha: 7 })).toBe('pass');
  });

  it('expansion is judged on the 75 ha total, with no minimum', () => {
    expect(outcome('area-limit', p32, { status: 'expanding' }, { area_ha: 75 })).toBe('pass');
    expect(outcome('area-limit', p32, { status: 'expanding' }, { area_ha: 75.01 })).toBe('fail');
    expect(outcome('area-limit', p32, { status: 'expanding' }, { area_ha: 6 })).toBe('pass');
    expect(outcome('area-limit', p105, { status: 'expanding' }, { area_ha: 75 })).toBe('pass');
    expect(outcome('area-limit', p105, { status: 'expanding' }, { area_ha: 76 })).toBe('fail');
  });

  it('105/2009: new ≤ 50 ha, no minimum', () => {
    expect(outcome('area-limit', p105, { status: 'planned' }, { area_ha: 50 })).toBe('pass');
    expect(outcome('area-limit', p105, { status: 'planned' }, { area_ha: 50.01 })).toBe('fail');
    expect(outcome('area-limit', p105, { status: 'planned' }, { area_ha: 2 })).toBe('pass');
  });

  it('operating/suspended clusters are only warned, against [new min, larger of new/expansion max]', () => {
    expect(outcome('area-limit', p32, { status: 'operating' }, { area_ha: 76 })).toBe('warn');
    expect(outcome('area-limit', p32, { status: 'operating' }, { area_ha: 8 })).toBe('warn');
    expect(outcome('area-limit', p32, { status: 'suspended' }, { area_ha: 80 })).toBe('warn');
    expect(outcome('area-limit', p32, { status: 'operating' }, { area_ha: 75 })).toBe('pass');
    // under 105/2009 a 60 ha cluster may have been lawfully expanded: no warning
    expect(outcome('area-limit', p105, { status: 'operating' }, { area_ha: 60 })).toBe('pass');
    expect(outcome('area-limit', p105, { status: 'established' }, { area_ha: 60 })).toBe('fail');
    const r = rule('area-limit', p32, { status: 'operating' }, { area_ha: 76 });
    expect(r.evidence).toMatchObject({ mode: 'existing', value: 76, unit: 'ha' });
  });

  it('removed clusters and unknown status are not-applicable', () => {
    expect(outcome('area-limit', p32, { status: 'removed' }, { area_ha: 500 })).toBe('not-applicable');
    expect(outcome('area-limit', p32, { status: null }, { area_ha: 500 })).toBe('not-applicable');
  });

  it('falls back to planned_area_ha and says so', () => {
    const r = rule('area-limit', p32, { status: 'planned', planned_area_ha: 80 }, { area_ha: undefined });
    expect(r.result).toBe('fail');
    expect(r.evidence).toMatchObject({ basis: 'attribute', value: 80 });
    const g = rule('area-limit', p32, { status: 'planned', planned_area_ha: 80 }, { area_ha: 40 });
    expect(g.result).toBe('pass');
    expect(g.evidence).toMatchObject({ basis: 'geometry', value: 40, value_raw: 40 });
    expect(outcome('area-limit', p32, { status: 'planned', planned_area_ha: null }, { area_ha: undefined })).toBe('not-applicable');
    expect(outcome('area-limit', p32, { status: 'planned' }, { area_ha: NaN, planned_area_ha: undefined } as SpatialFacts)).toBe('pass'); // NaN ignored → planned 50 ha
  });

  it('evidence carries the value, limit, unit and message in both languages', () => {
    const r = rule('area-limit', p32, { status: 'planned' }, { area_ha: 80.123 });
    expect(r.evidence).toMatchObject({
      value: 80.12,
      unit: 'ha',
      mode: 'new',
      violation: 'above-max',
      limit: { min: { value: 10, inclusive: true }, max: { value: 75, inclusive: true } },
    });
    expect(r.message).toBe('Diện tích 80,12 ha (theo ranh giới) vượt giới hạn ≥ 10 ha và ≤ 75 ha cho cụm thành lập mới');
    expect(r.message_en).toMatch(/^Area 80\.12 ha .* above the limit ≥ 10 ha and ≤ 75 ha/);
  });

  it('exclusive bounds from data are honoured exactly at the boundary', () => {
    const p = structuredClone(p32);
    const a = p.rules.find((r) => r.rule === 'area-limit')! as Extract<RegulationProfile['rules'][number], { rule: 'area-limit' }>;
    a.new.range.min = { value: 10, inclusive: false };
    expect(outcome('area-limit', p, { status: 'planned' }, { area_ha: 10 })).toBe('fail');
    expect(outcome('area-limit', p, { status: 'planned' }, { area_ha: 10.01 })).toBe('pass');
  });
});

describe('isolation-distance', () => {
  it('class III needs 300 m: exactly 300 passes, 299.9 fails', () => {
    expect(outcome('isolation-distance', p32, { hazard_class: 'III' }, { nearest_residential_m: 300 })).toBe('pass');
    expect(outcome('isolation-distance', p32, { hazard_class: 'III' }, { nearest_residential_m: 299.96 })).toBe('pass');
    expect(outcome('isolation-distance', p32, { hazard_class: 'III' }, { nearest_residential_m: 299.9 })).toBe('fail');
  });

  it('uses each class distance', () => {
    expect(outcome('isolation-distance', p32, { hazard_class: 'I' }, { nearest_residential_m: 999 })).toBe('fail');
    expect(outcome('isolation-distance', p32, { hazard_class: 'I' }, { nearest_residential_m: 1000 })).toBe('pass');
    expect(outcome('isolation-distance', p32, { hazard_class: 'V' }, { nearest_residential_m: 50 })).toBe('pass');
    expect(outcome('isolation-distance', p32, { hazard_class: 'V' }, { nearest_residential_m: 49 })).toBe('fail');
  });

  it('lists the offending residential areas for the map', () => {
    const r = rule('isolation-distance', p32, { hazard_class: 'II' }, {
      nearest_residential_m: 120,
      residential_within_isolation: [
        { id: 'r1', kind: 'village', distance_m: 120 },
        { id: 'r2', kind: 'town', distance_m: 480.04 },
        { id: 'r3', kind: 'town', distance_m: 500 },
      ],
    });
    expect(r.result).toBe('fail');
    expect(r.evidence.geometry_ids).toEqual(['r1', 'r2']);
    expect(r.evidence).toMatchObject({ value: 120, limit: 500, unit: 'm', margin_m: -380, hazard_class: 'II', assumed_strictest: false });
    expect(r.message).toMatch(/^2 khu dân cư/);
  });

  it('fails on nearest_residential_m alone, naming the distance', () => {
    const r = rule('isolation-distance', p32, { hazard_class: 'III' }, { nearest_residential_m: 120, residential_within_isolation: [] });
    expect(r.result).toBe('fail');
    expect(r.message).toBe('Khu dân cư gần nhất cách 120 m, nhỏ hơn khoảng cách ly 300 m (cấp độc hại III)');
    expect(r.evidence.geometry_ids).toEqual([]);
  });

  it('fails on the list alone when nearest_residential_m is not given', () => {
    const r = rule('isolation-distance', p32, { hazard_class: 'IV' }, { nearest_residential_m: undefined, residential_within_isolation: [{ id: 7, distance_m: 80 }] });
    expect(r.result).toBe('fail');
    expect(r.evidence.value).toBe(80);
  });

  it('unknown class: strictest 1000 m; warn if it holds, fail if not', () => {
    const ok = rule('isolation-distance', p32, { hazard_class: null }, { nearest_residential_m: 1200 });
    expect(ok.result).toBe('warn');
    expect(ok.evidence).toMatchObject({ limit: 1000, assumed_strictest: true, hazard_class: null });
    expect(outcome('isolation-distance', p32, { hazard_class: 'VII' }, { nearest_residential_m: 999 })).toBe('fail');
  });

  it('null nearest = nothing found nearby → pass; not measured → not-applicable', () => {
    expect(outcome('isolation-distance', p32, {}, { nearest_residential_m: null, residential_within_isolation: [] })).toBe('pass');
    expect(outcome('isolation-distance', p32, {}, { nearest_residential_m: undefined, residential_within_isolation: undefined })).toBe('not-applicable');
  });

  it('a profile can override the distance table (data, not code)', () => {
    const p = structuredClone(p32);
    const r = p.rules.find((x) => x.rule === 'isolation-distance') as { distances_m?: Record<string, number> };
    r.distances_m = { I: 2000, II: 1000, III: 600, IV: 200, V: 100 };
    expect(outcome('isolation-distance', p, { hazard_class: 'III' }, { nearest_residential_m: 450 })).toBe('fail');
    expect(outcome('isolation-distance', p32, { hazard_class: 'III' }, { nearest_residential_m: 450 })).toBe('pass');
  });
});

describe('no-residents-inside', () => {
  it.each([
    [0, 'pass'],
    [0.004, 'pass'],
    [0.01, 'warn'],
    [0.05, 'warn'],
    [0.06, 'fail'],
    [3, 'fail'],
  ])('%f ha inside → %s', (ha, expected) => {
    expect(outcome('no-residents-inside', p32, {}, { residential_inside_ha: ha })).toBe(expected);
  });
  it('unknown → not-applicable', () => {
    expect(outcome('no-residents-inside', p32, {}, { residential_inside_ha: undefined })).toBe('not-applicable');
  });
});

describe('within-province (50 m tolerance applied by the server)', () => {
  it.each([
    [0, 'pass'],
    [0.004, 'pass'],
    [0.01, 'fail'],
    [2, 'fail'],
  ])('%f ha outside → %s', (ha, expected) => {
    expect(outcome('within-province', p32, {}, { outside_province_ha: ha })).toBe(expected);
  });
  it('records the buffer in the evidence and message', () => {
    const r = rule('within-province', p32, {}, { outside_province_ha: 0 });
    expect(r.evidence).toMatchObject({ buffer_m: 50, unit: 'ha' });
    expect(r.message).toMatch(/50 m/);
    expect(outcome('within-province', p32, {}, { outside_province_ha: undefined })).toBe('not-applicable');
  });
});

describe('no-overlap', () => {
  it('none → pass; sliver ≤ 0.01 ha → warn; more → fail with ids', () => {
    expect(outcome('no-overlap', p32, {}, { overlaps: [] })).toBe('pass');
    expect(outcome('no-overlap', p32, {}, { overlaps: [{ cluster_id: 'a', overlap_ha: 0 }] })).toBe('pass');
    expect(outcome('no-overlap', p32, {}, { overlaps: [{ cluster_id: 'a', overlap_ha: 0.01 }] })).toBe('warn');
    const r = rule('no-overlap', p32, {}, {
      overlaps: [
        { cluster_id: 'a', name: 'Cụm công nghiệp A', overlap_ha: 0.005 },
        { cluster_id: 'b', name: 'Cụm công nghiệp B', overlap_ha: 1.234 },
      ],
    });
    expect(r.result).toBe('fail');
    expect(r.evidence.geometry_ids).toEqual(['b']);
    expect(r.evidence.value).toBe(1.23);
    expect(r.message).toContain('Cụm công nghiệp B');
    expect(outcome('no-overlap', p32, {}, { overlaps: undefined })).toBe('not-applicable');
  });
});

describe('valid-geometry', () => {
  it('maps the fact', () => {
    expect(outcome('valid-geometry', p32, {}, { geometry_valid: true })).toBe('pass');
    const r = rule('valid-geometry', p32, {}, { geometry_valid: false, geometry_invalid_reason: 'Self-intersection[105.1 21.2]' });
    expect(r.result).toBe('fail');
    expect(r.message).toContain('Self-intersection');
    expect(outcome('valid-geometry', p32, {}, { geometry_valid: undefined })).toBe('not-applicable');
  });
});

describe('name-prefix', () => {
  it.each([
    ['Cụm công nghiệp Phú Thị', 'pass'],
    ['  Cụm   công nghiệp  Phú Thị ', 'pass'],
    ['Cụm công nghiệp Phú Thị'.normalize('NFD'), 'pass'],
    ['cụm công nghiệp Phú Thị', 'warn'],
    ['CỤM CÔNG NGHIỆP PHÚ THỊ', 'warn'],
    ['CCN Phú Thị', 'fail'],
    ['Cụm công nghiệp', 'fail'],
    ['Cụm công nghiệpPhú Thị', 'fail'],
    ['Khu công nghiệp Phú Thị', 'fail'],
    ['Cum cong nghiep Phu Thi', 'fail'],
    ['', 'fail'],
  ])('%p → %s', (name, expected) => {
    expect(outcome('name-prefix', p32, { name })).toBe(expected);
  });
  it('decomposed input really is decomposed (guards the NFC test above)', () => {
    expect('Cụm'.normalize('NFD')).not.toBe('Cụm');
    expect(checkNamePrefix('Cụm công nghiệp X'.normalize('NFD'), 'Cụm công nghiệp'.normalize('NFD'))).toBe('ok');
    expect(checkNamePrefix('CCN X', 'Cụm công nghiệp')).toBe('abbreviated');
  });
  it('unknown name → not-applicable', () => {
    expect(outcome('name-prefix', p32, { name: null })).toBe('not-applicable');
  });
});

describe('infrastructure', () => {
  it('operating clusters need an operating wastewater plant', () => {
    expect(outcome('infrastructure', p32, { status: 'operating', wastewater: 'operating' })).toBe('pass');
    expect(outcome('infrastructure', p32, { status: 'operating', wastewater: 'under-construction' })).toBe('fail');
    expect(outcome('infrastructure', p32, { status: 'operating', wastewater: 'none' })).toBe('fail');
    expect(outcome('infrastructure', p32, { status: 'operating', wastewater: null })).toBe('not-applicable');
  });
  it('other statuses follow applies_to_status in the profile', () => {
    expect(outcome('infrastructure', p32, { status: 'established', wastewater: 'none' })).toBe('not-applicable');
    expect(outcome('infrastructure', p32, { status: 'expanding', wastewater: 'none' })).toBe('fail');
    expect(outcome('infrastructure', p68, { status: 'expanding', wastewater: 'none' })).toBe('not-applicable');
    expect(outcome('infrastructure', p105, { status: 'operating', wastewater: 'none' })).toBe('fail');
  });
});

describe('establishment-occupancy (32/2024: > 50 % OR ≤ 100 ha unleased)', () => {
  const est = (avg: number | null, unleased: number | null, count = 3, status: ConformityCluster['status'] = 'planned') =>
    outcome('establishment-occupancy', p32, { status }, { district_stats: { average_occupancy_pct: avg, unleased_industrial_ha: unleased, existing_cluster_count: count } });
  it.each([
    [50, 150, 'fail'],
    [50.01, 150, 'pass'],
    [40, 100, 'pass'],
    [40, 100.01, 'fail'],
    [40, 100.004, 'pass'],
    [80, 500, 'pass'],
    [null, 50, 'pass'],
    [null, 150, 'not-applicable'],
    [null, null, 'not-applicable'],
  ])('avg %p %, unleased %p ha → %s', (avg, unleased, expected) => {
    expect(est(avg, unleased)).toBe(expected);
  });
  it('is waived where the district has no clusters yet', () => {
    expect(est(0, 0, 0)).toBe('pass');
    expect(est(10, 300, 0)).toBe('pass');
  });
  it('applies only to planned clusters', () => {
    expect(est(10, 300, 3, 'operating')).toBe('not-applicable');
    expect(est(10, 300, 3, 'expanding')).toBe('not-applicable');
  });
  it('district stats unknown → not-applicable', () => {
    expect(outcome('establishment-occupancy', p32, { status: 'planned' }, { district_stats: undefined })).toBe('not-applicable');
  });
  it('evidence lists every condition', () => {
    const r = rule('establishment-occupancy', p32, { status: 'planned' }, { district_stats: { average_occupancy_pct: 45.678, unleased_industrial_ha: 150, existing_cluster_count: 2 } });
    expect(r.result).toBe('fail');
    expect(r.evidence.conditions).toEqual([
      expect.objectContaining({ fact: 'district_average_occupancy_pct', value: 45.68, unit: '%', satisfied: false }),
      expect.objectContaining({ fact: 'district_unleased_industrial_ha', value: 150, unit: 'ha', satisfied: false }),
    ]);
    expect(r.message).toMatch(/hoặc/);
    expect(r.message_en).toMatch(/> 50 %/);
  });
});

describe('expansion-occupancy (32/2024: ≥ 60 %)', () => {
  it.each([
    [60, 100, 'pass'],
    [59.99, 100, 'fail'],
    [59.996, 100, 'pass'],
    [100, 100, 'pass'],
  ])('leased %f of %f ha → %s', (leased, industrial, expected) => {
    expect(outcome('expansion-occupancy', p32, { status: 'expanding', leased_ha: leased, industrial_land_ha: industrial })).toBe(expected);
  });
  it('falls back to occupancy_pct when the areas are unknown or industrial land is 0', () => {
    expect(outcome('expansion-occupancy', p32, { status: 'expanding', leased_ha: null, industrial_land_ha: null, occupancy_pct: 61 })).toBe('pass');
    expect(outcome('expansion-occupancy', p32, { status: 'expanding', leased_ha: 0, industrial_land_ha: 0, occupancy_pct: 59 })).toBe('fail');
    expect(outcome('expansion-occupancy', p32, { status: 'expanding', leased_ha: null, industrial_land_ha: null, occupancy_pct: null })).toBe('not-applicable');
  });
  it('applies only to expanding clusters', () => {
    expect(outcome('expansion-occupancy', p32, { status: 'operating', leased_ha: 1, industrial_land_ha: 100 })).toBe('not-applicable');
  });
});

describe('a new decree changes results without code changes', () => {
  it('a fictional 100 ha ceiling is applied from the data', () => {
    const p = structuredClone(p32);
    p.id = 'nd-99-2030';
    const a = p.rules.find((r) => r.rule === 'area-limit')! as Extract<RegulationProfile['rules'][number], { rule: 'area-limit' }>;
    a.new.range.max = { value: 100, inclusive: false };
    expect(evaluateConformity(p, cluster({ status: 'planned' }), facts({ area_ha: 99.99 })).profile).toBe('nd-99-2030');
    expect(outcome('area-limit', p, { status: 'planned' }, { area_ha: 99.99 })).toBe('pass');
    expect(outcome('area-limit', p, { status: 'planned' }, { area_ha: 100 })).toBe('fail');
  });
});

describe('worstResult', () => {
  it('orders fail > warn > pass > not-applicable', () => {
    expect(worstResult([])).toBe('not-applicable');
    expect(worstResult(['not-applicable', 'pass'])).toBe('pass');
    expect(worstResult(['pass', 'warn', 'not-applicable'])).toBe('warn');
    expect(worstResult(['warn', 'fail', 'pass'])).toBe('fail');
    expect(worstResult([{ result: 'warn' }, { result: 'pass' }])).toBe('warn');
    expect(worstResult(run(p32, { status: 'planned' }, { area_ha: 80 }).results)).toBe('fail');
  });
});

describe('findPre2009Violations', () => {
  it('lists area > 75 ha, missing prefix and unrecognised management model', () => {
    const v = findPre2009Violations({ name: 'CCN Đồng Văn', decision_date: '2005-03-01', planned_area_ha: 80, management_model: null });
    expect(v.map((x) => x.code)).toEqual(['area-over-75', 'name-prefix', 'management-model']);
    expect(v[0]).toMatchObject({ value: 80, limit: 75 });
    for (const x of v) {
      expect(x.message.length).toBeGreaterThan(0);
      expect(x.message_en.length).toBeGreaterThan(0);
    }
  });

  it('75 ha is allowed, 75.01 ha is not; geometry area wins over planned area', () => {
    const base = { name: 'Cụm công nghiệp A', decision_date: '2008-01-01', management_model: 'enterprise' };
    expect(findPre2009Violations({ ...base, planned_area_ha: 75 })).toEqual([]);
    expect(findPre2009Violations({ ...base, planned_area_ha: 75.01 }).map((x) => x.code)).toEqual(['area-over-75']);
    expect(findPre2009Violations({ ...base, planned_area_ha: 90, area_ha: 70 })).toEqual([]);
  });

  it('accepts each recognised model and lowercase prefixes; rejects others', () => {
    for (const m of ['enterprise', 'cluster-development-center', 'public-service-unit']) {
      expect(findPre2009Violations({ name: 'cụm công nghiệp A', decision_date: '2008-01-01', management_model: m })).toEqual([]);
    }
    expect(findPre2009Violations({ name: 'Cụm công nghiệp A', decision_date: '2008-01-01', management_model: 'cooperative' }).map((x) => x.code)).toEqual(['management-model']);
  });

  it('only clusters decided before the cutoff are in scope', () => {
    const bad = { name: 'X', planned_area_ha: 200, management_model: null };
    expect(findPre2009Violations({ ...bad, decision_date: '2009-11-01' })).toHaveLength(3);
    expect(findPre2009Violations({ ...bad, decision_date: '2009-11-02' })).toEqual([]);
    expect(findPre2009Violations({ ...bad, decision_date: null })).toEqual([]);
    expect(isPre2009({ decision_date: null })).toBeNull();
    expect(isPre2009({ decision_date: '2001-01-01' })).toBe(true);
    expect(findPre2009Violations({ ...bad, decision_date: '2010-01-01' }, { cutoff: '2011-01-01' })).toHaveLength(3);
  });

  it('the cutoff matches the 105/2009 profile', () => {
    expect(PRE_2009_CUTOFF).toBe(p105.effective_from);
  });
});

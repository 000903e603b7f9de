import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import {
  COMMON_RULE_IDS,
  findRule,
  formatRange,
  loadRegulationProfiles,
  rangeViolation,
  selectProfileInForce,
  validateRegulationProfile,
  type RegulationProfile,
} from '../../server/domain/regulations.ts';

const DIR = path.resolve(import.meta.dirname, '../../gis-data/regulations');
const readJson = (f: string): unknown => JSON.parse(readFileSync(path.join(DIR, f), 'utf8'));
const NON_PROFILE = new Set(['profile.schema.json', 'isolation-distances.json']);
const profileFiles = readdirSync(DIR).filter((f) => f.endsWith('.json') && !NON_PROFILE.has(f));
const raw = profileFiles.map(readJson);
const profiles = loadRegulationProfiles(raw);
const byId = (id: string) => profiles.find((p) => p.id === id)!;
const clone = <T>(x: T): T => structuredClone(x);

const ajv = new Ajv({ allErrors: true });
const schemaValidate = ajv.compile(readJson('profile.schema.json') as object);

describe('shipped profiles', () => {
  it('are exactly the three documents, sorted by effective date', () => {
    expect(profiles.map((p) => p.id)).toEqual(['qd-105-2009', 'nd-68-2017', 'nd-32-2024']);
  });

  it.each(profileFiles)('%s passes both the TS validator and the JSON Schema (ajv strict)', (f) => {
    const obj = readJson(f);
    expect(validateRegulationProfile(obj)).toEqual({ ok: true, errors: [] });
    expect(schemaValidate(obj), JSON.stringify(schemaValidate.errors)).toBe(true);
    expect((obj as { id: string }).id + '.json').toBe(f);
  });

  it('every profile carries every common rule with a legal source', () => {
    for (const p of profiles) {
      for (const id of COMMON_RULE_IDS) {
        const r = findRule(p, id);
        expect(r, `${p.id} ${id}`).toBeDefined();
        expect(r!.source.length).toBeGreaterThan(5);
      }
    }
  });

  it('validity periods chain without gaps or overlaps', () => {
    for (let i = 1; i < profiles.length; i++) expect(profiles[i]!.effective_from).toBe(profiles[i - 1]!.effective_until);
    expect(profiles.at(-1)!.effective_until).toBeNull();
  });

  it('105/2009: new ≤ 50 ha, expansion total ≤ 75 ha, no minimum', () => {
    const r = findRule(byId('qd-105-2009'), 'area-limit')!;
    expect(r.new.range).toEqual({ min: null, max: { value: 50, inclusive: true } });
    expect(r.expansion.range.max).toEqual({ value: 75, inclusive: true });
    expect(r.source).toMatch(/Điều 2.*105\/2009\/QĐ-TTg/);
  });

  it('68/2017 and 32/2024: 10–75 ha, 5–75 ha for mountainous districts and craft villages', () => {
    for (const id of ['nd-68-2017', 'nd-32-2024']) {
      const r = findRule(byId(id), 'area-limit')!;
      expect(r.new.range.min).toEqual({ value: 10, inclusive: true });
      expect(r.new.range.max).toEqual({ value: 75, inclusive: true });
      expect(r.new.overrides![0]!.when.any_of.sort()).toEqual(['craft_village', 'mountainous_district']);
      expect(r.new.overrides![0]!.range.min).toEqual({ value: 5, inclusive: true });
      expect(r.expansion.range.max).toEqual({ value: 75, inclusive: true });
    }
  });

  it('32/2024 alone has the occupancy conditions: > 50 % or ≤ 100 ha; expansion ≥ 60 %', () => {
    const est = findRule(byId('nd-32-2024'), 'establishment-occupancy')!;
    expect(est.any_of).toEqual([
      { fact: 'district_average_occupancy_pct', min: { value: 50, inclusive: false } },
      { fact: 'district_unleased_industrial_ha', max: { value: 100, inclusive: true } },
    ]);
    expect(est.applies_to_status).toEqual(['planned']);
    const exp = findRule(byId('nd-32-2024'), 'expansion-occupancy')!;
    expect(exp.any_of).toEqual([{ fact: 'cluster_occupancy_pct', min: { value: 60, inclusive: true } }]);
    expect(findRule(byId('nd-68-2017'), 'establishment-occupancy')).toBeUndefined();
    expect(findRule(byId('qd-105-2009'), 'expansion-occupancy')).toBeUndefined();
  });

  it('within-province uses a 50 m buffer in every profile', () => {
    for (const p of profiles) expect(findRule(p, 'within-province')!.buffer_m).toBe(50);
  });
});

describe('selectProfileInForce', () => {
  const at = (d: string | Date) => selectProfileInForce(profiles, d)?.id ?? null;
  it('picks by date, from inclusive and until exclusive', () => {
    expect(at('2009-11-01')).toBeNull();
    expect(at('2009-11-02')).toBe('qd-105-2009');
    expect(at('2017-07-14')).toBe('qd-105-2009');
    expect(at('2017-07-15')).toBe('nd-68-2017');
    expect(at('2024-04-30')).toBe('nd-68-2017');
    expect(at('2024-05-01')).toBe('nd-32-2024');
    expect(at('2099-01-01')).toBe('nd-32-2024');
  });

  it('reads Date objects as Vietnamese calendar dates', () => {
    expect(at(new Date('2024-04-30T17:00:00Z'))).toBe('nd-32-2024'); // 00:00 on 1 May in Hà Nội
    expect(at(new Date('2024-04-30T16:59:59Z'))).toBe('nd-68-2017');
  });

  it('prefers the most recently effective profile when data overlap', () => {
    const a = { id: 'a', effective_from: '2020-01-01', effective_until: null };
    const b = { id: 'b', effective_from: '2022-01-01', effective_until: null };
    expect(selectProfileInForce([b, a], '2023-01-01')!.id).toBe('b');
    expect(selectProfileInForce([a, b], '2021-01-01')!.id).toBe('a');
  });

  it('rejects a malformed date string', () => {
    expect(() => selectProfileInForce(profiles, '2024-13-01')).toThrow(RangeError);
    expect(() => selectProfileInForce(profiles, '1/5/2024')).toThrow(RangeError);
  });
});

describe('validateRegulationProfile rejects', () => {
  const base = () => clone(byId('nd-32-2024')) as unknown as Record<string, any>;
  const errorsOf = (obj: unknown) => validateRegulationProfile(obj).errors.map((e) => `${e.path}: ${e.message}`).join('\n');

  it('non-objects', () => {
    expect(validateRegulationProfile(null).ok).toBe(false);
    expect(validateRegulationProfile([]).ok).toBe(false);
  });

  it('a missing common rule (and the schema agrees)', () => {
    const p = base();
    p.rules = p.rules.filter((r: { rule: string }) => r.rule !== 'name-prefix');
    expect(errorsOf(p)).toMatch(/missing common rule "name-prefix"/);
    expect(schemaValidate(p)).toBe(false);
  });

  it('a duplicate rule id (which JSON Schema cannot catch)', () => {
    const p = base();
    p.rules.push(clone(p.rules[0]));
    expect(errorsOf(p)).toMatch(/duplicate rule id "area-limit"/);
  });

  it('an unknown rule id, and an unknown property', () => {
    const p = base();
    p.rules.push({ rule: 'green-ratio', source: 'x' });
    p.extra = 1;
    expect(errorsOf(p)).toMatch(/unknown rule id/);
    expect(errorsOf(p)).toMatch(/\$\.extra: unknown property/);
    expect(schemaValidate(p)).toBe(false);
  });

  it('a rule without a legal source', () => {
    const p = base();
    p.rules[0].source = ' ';
    expect(errorsOf(p)).toMatch(/rules\[0\]\.source/);
    expect(schemaValidate(p)).toBe(false);
  });

  it('an empty range (min above max, or equal with an exclusive end)', () => {
    const p = base();
    p.rules[0].new.range = { min: { value: 80, inclusive: true }, max: { value: 75, inclusive: true } };
    expect(errorsOf(p)).toMatch(/empty range/);
    p.rules[0].new.range = { min: { value: 75, inclusive: false }, max: { value: 75, inclusive: true } };
    expect(errorsOf(p)).toMatch(/empty range/);
    p.rules[0].new.range = { min: { value: 75, inclusive: true }, max: { value: 75, inclusive: true } };
    expect(validateRegulationProfile(p).ok).toBe(true);
  });

  it('a bound without inclusive, a bad override flag, bad statuses and conditions', () => {
    const p = base();
    p.rules[0].new.range.max = { value: 75 };
    p.rules[0].new.overrides[0].when.any_of = ['coastal'];
    const est = p.rules.find((r: { rule: string }) => r.rule === 'establishment-occupancy');
    est.applies_to_status = ['approved'];
    est.any_of = [{ fact: 'district_average_occupancy_pct' }, { fact: 'gdp', min: { value: 1, inclusive: true } }];
    const text = errorsOf(p);
    expect(text).toMatch(/new\.range\.max/);
    expect(text).toMatch(/when\.any_of/);
    expect(text).toMatch(/applies_to_status/);
    expect(text).toMatch(/needs min or max/);
    expect(text).toMatch(/any_of\[1\]\.fact/);
    expect(schemaValidate(p)).toBe(false);
  });

  it('bad dates and a validity end before its start', () => {
    const p = base();
    p.effective_from = '2024-02-30';
    expect(errorsOf(p)).toMatch(/effective_from/);
    const q = base();
    q.effective_until = '2024-01-01';
    expect(errorsOf(q)).toMatch(/after effective_from/);
  });

  it('a bad id and negative tolerances', () => {
    const p = base();
    p.id = 'ND 32';
    p.rules.find((r: { rule: string }) => r.rule === 'no-overlap').tolerance_ha = -1;
    p.rules.find((r: { rule: string }) => r.rule === 'within-province').buffer_m = 'x';
    const text = errorsOf(p);
    expect(text).toMatch(/\$\.id/);
    expect(text).toMatch(/tolerance_ha/);
    expect(text).toMatch(/buffer_m/);
  });

  it('loadRegulationProfiles throws listing every problem, including duplicate ids', () => {
    expect(() => loadRegulationProfiles([...raw, clone(raw[0])])).toThrow(/duplicate profile id/);
    const bad = clone(raw[0]) as Record<string, unknown>;
    bad.rules = [];
    expect(() => loadRegulationProfiles([bad])).toThrow(/rules: must be a non-empty array/);
  });
});

describe('a new decree is data only', () => {
  it('a fictional profile validates and is selected by date', () => {
    const p = clone(byId('nd-32-2024')) as RegulationProfile;
    p.id = 'nd-99-2030';
    p.document = 'Nghị định 99/2030/NĐ-CP';
    p.effective_from = '2030-01-01';
    const old = clone(byId('nd-32-2024'));
    old.effective_until = '2030-01-01';
    const set = loadRegulationProfiles([old, p]);
    expect(selectProfileInForce(set, '2029-12-31')!.id).toBe('nd-32-2024');
    expect(selectProfileInForce(set, '2030-01-01')!.id).toBe('nd-99-2030');
  });
});

describe('ranges', () => {
  it('inclusive and exclusive bounds are distinguished exactly at the boundary', () => {
    const r = { min: { value: 10, inclusive: false }, max: { value: 75, inclusive: true } };
    expect(rangeViolation(10, r)).toBe('below-min');
    expect(rangeViolation(10.01, r)).toBeNull();
    expect(rangeViolation(75, r)).toBeNull();
    expect(rangeViolation(75.01, r)).toBe('above-max');
    const r2 = { min: { value: 10, inclusive: true }, max: { value: 75, inclusive: false } };
    expect(rangeViolation(10, r2)).toBeNull();
    expect(rangeViolation(9.99, r2)).toBe('below-min');
    expect(rangeViolation(75, r2)).toBe('above-max');
    expect(rangeViolation(1e9, { min: null, max: null })).toBeNull();
  });

  it('formats ranges for messages', () => {
    expect(formatRange({ min: { value: 10, inclusive: false }, max: { value: 75, inclusive: true } }, 'ha', 'vi')).toBe('> 10 ha và ≤ 75 ha');
    expect(formatRange({ min: { value: 5.5, inclusive: true } }, 'ha', 'vi')).toBe('≥ 5,5 ha');
    expect(formatRange({ max: { value: 50, inclusive: false } }, '%', 'en')).toBe('< 50 %');
    expect(formatRange({}, 'ha', 'en')).toBe('no limit');
  });
});

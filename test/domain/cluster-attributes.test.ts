import { describe, it, expect } from 'vitest';
import {
  CLUSTER_ATTRIBUTE_FIELDS,
  CLUSTER_STATUSES,
  HAZARD_CLASSES,
  PLAN_PHASES,
  WASTEWATER_STATES,
  labels,
  occupancyPct,
  validateClusterAttributes,
} from '../../server/domain/cluster-attributes.ts';

const valid = {
  name: 'Cụm công nghiệp Phú Thị',
  code: 'HN-GL-01',
  province_code: '01',
  district_code: '018',
  communes: ['Xã Phú Thị', 'Xã Dương Xá'],
  status: 'operating',
  decision_no: '123/QĐ-UBND',
  decision_date: '2019-05-20',
  decision_authority: 'UBND thành phố Hà Nội',
  plan_phase: '2016-2020',
  planned_area_ha: 50,
  industrial_land_ha: 40,
  leased_ha: 30,
  occupancy_pct: 75,
  investor: 'Công ty CP Đầu tư ABC',
  tenants: 25,
  workers: 1800,
  industries: ['cơ khí', 'dệt may'],
  craft_village: false,
  mountainous_district: false,
  wastewater: 'operating',
  hazard_class: 'III',
  investment_capital_bn_vnd: 350.5,
  boundary_status: 'surveyed',
  declared_area_ha: 50,
};
const errs = (props: unknown) => validateClusterAttributes(props).errors.map((e) => `${e.field}:${e.code}`);

describe('contract', () => {
  it('lists exactly the agreed field names', () => {
    expect([...CLUSTER_ATTRIBUTE_FIELDS].sort()).toEqual(Object.keys(valid).sort());
    expect(CLUSTER_ATTRIBUTE_FIELDS).toHaveLength(25);
  });

  it('enums', () => {
    expect(CLUSTER_STATUSES).toEqual(['planned', 'established', 'operating', 'expanding', 'suspended', 'removed']);
    expect(PLAN_PHASES).toEqual(['to-2015', '2016-2020', 'vision-2025']);
    expect(WASTEWATER_STATES).toEqual(['none', 'under-construction', 'operating']);
    expect(HAZARD_CLASSES).toEqual(['I', 'II', 'III', 'IV', 'V']);
  });

  it('has vi and en labels for every field and enum value', () => {
    for (const f of CLUSTER_ATTRIBUTE_FIELDS) {
      expect(labels.fields[f].vi, f).toBeTruthy();
      expect(labels.fields[f].en, f).toBeTruthy();
    }
    const enums = [
      [labels.status, CLUSTER_STATUSES],
      [labels.plan_phase, PLAN_PHASES],
      [labels.wastewater, WASTEWATER_STATES],
      [labels.hazard_class, HAZARD_CLASSES],
    ] as const;
    for (const [map, values] of enums) {
      expect(Object.keys(map).sort()).toEqual([...values].sort());
      for (const v of values) expect((map as Record<string, { vi: string; en: string }>)[v]!.vi).toBeTruthy();
    }
    expect(labels.fields.name.vi).toBe('Tên cụm công nghiệp');
  });
});

describe('validateClusterAttributes', () => {
  it('accepts a complete valid record and returns it normalised', () => {
    const r = validateClusterAttributes(valid);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.value).toEqual(valid);
  });

  it('only the name is required; defaults fill the rest', () => {
    const r = validateClusterAttributes({ name: 'Cụm công nghiệp A' });
    expect(r.ok).toBe(true);
    expect(r.value).toMatchObject({ status: null, communes: [], industries: [], craft_village: false, mountainous_district: false, occupancy_pct: null });
    expect(errs({})).toEqual(['name:required']);
    expect(errs({ name: '   ' })).toEqual(['name:required']);
    expect(errs({ name: 5 })).toEqual(['name:invalid-type']);
  });

  it('rejects a non-object', () => {
    expect(validateClusterAttributes(null).ok).toBe(false);
    expect(validateClusterAttributes([]).ok).toBe(false);
    expect(errs('x')).toEqual(['$:invalid-type']);
  });

  it('normalises names to NFC and collapses spaces', () => {
    const r = validateClusterAttributes({ name: '  Cụm   công nghiệp A '.normalize('NFD') });
    expect(r.value.name).toBe('Cụm công nghiệp A');
    expect(r.value.name).toBe(r.value.name.normalize('NFC'));
  });

  it('enums', () => {
    expect(errs({ ...valid, status: 'active' })).toEqual(['status:invalid-enum']);
    expect(errs({ ...valid, plan_phase: '2021-2030' })).toEqual(['plan_phase:invalid-enum']);
    expect(errs({ ...valid, wastewater: 'yes' })).toEqual(['wastewater:invalid-enum']);
    expect(errs({ ...valid, hazard_class: 'VI' })).toEqual(['hazard_class:invalid-enum']);
    expect(errs({ ...valid, hazard_class: 3 })).toEqual(['hazard_class:invalid-enum']);
    expect(validateClusterAttributes({ ...valid, status: null }).ok).toBe(true);
  });

  it('numbers: finite, non-negative, integers where counted', () => {
    expect(errs({ ...valid, planned_area_ha: -0.01 })).toEqual(['planned_area_ha:negative']);
    expect(errs({ ...valid, workers: 10.5 })).toEqual(['workers:not-integer']);
    expect(errs({ ...valid, tenants: '25' })).toEqual(['tenants:invalid-type']);
    expect(errs({ ...valid, investment_capital_bn_vnd: Infinity })).toEqual(['investment_capital_bn_vnd:invalid-type']);
    expect(errs({ ...valid, investment_capital_bn_vnd: NaN })).toEqual(['investment_capital_bn_vnd:invalid-type']);
    expect(validateClusterAttributes({ ...valid, leased_ha: 0, occupancy_pct: 0 }).ok).toBe(true);
  });

  it('leased ≤ industrial land ≤ planned area (equality allowed)', () => {
    expect(errs({ ...valid, leased_ha: 40 })).toEqual([]);
    expect(errs({ ...valid, leased_ha: 40.01 })).toEqual(['leased_ha:exceeds-industrial-land']);
    expect(errs({ ...valid, industrial_land_ha: 50, leased_ha: 10 })).toEqual([]);
    expect(errs({ ...valid, industrial_land_ha: 50.01, leased_ha: 10 })).toEqual(['industrial_land_ha:exceeds-planned-area']);
  });

  it('dates must be real ISO dates', () => {
    expect(errs({ ...valid, decision_date: '2019-02-29' })).toEqual(['decision_date:invalid-date']);
    expect(errs({ ...valid, decision_date: '20/05/2019' })).toEqual(['decision_date:invalid-date']);
    expect(errs({ ...valid, decision_date: '2020-02-29' })).toEqual([]);
  });

  it('GSO codes are fixed-length digit strings', () => {
    expect(errs({ ...valid, province_code: 1 })).toEqual(['province_code:invalid-code']);
    expect(errs({ ...valid, province_code: '1' })).toEqual(['province_code:invalid-code']);
    expect(errs({ ...valid, district_code: '18' })).toEqual(['district_code:invalid-code']);
  });

  it('lists and booleans', () => {
    expect(errs({ ...valid, communes: 'Xã A' })).toEqual(['communes:invalid-type']);
    expect(errs({ ...valid, industries: ['ok', ''] })).toEqual(['industries:invalid-type']);
    expect(errs({ ...valid, craft_village: 'true' })).toEqual(['craft_village:invalid-type']);
  });

  it('occupancy is derived from the areas; a disagreeing value is a warning', () => {
    const r = validateClusterAttributes({ ...valid, occupancy_pct: 90 });
    expect(r.ok).toBe(true);
    expect(r.warnings.map((w) => w.code)).toEqual(['inconsistent-occupancy']);
    expect(r.value.occupancy_pct).toBe(75);
    expect(validateClusterAttributes({ ...valid, occupancy_pct: 75.5 }).warnings).toEqual([]);
    expect(validateClusterAttributes({ ...valid, occupancy_pct: 75.51 }).warnings).toHaveLength(1);
    expect(validateClusterAttributes({ name: 'X', leased_ha: 1, industrial_land_ha: 3 }).value.occupancy_pct).toBe(33.33);
    expect(errs({ ...valid, occupancy_pct: 100.1, leased_ha: null })).toEqual(['occupancy_pct:out-of-range']);
  });

  it('unknown fields are dropped with a warning', () => {
    const r = validateClusterAttributes({ ...valid, colour: 'red' });
    expect(r.ok).toBe(true);
    expect(r.warnings).toEqual([expect.objectContaining({ field: 'colour', code: 'unknown-field' })]);
    expect(r.value).not.toHaveProperty('colour');
  });

  it('messages are bilingual', () => {
    const [e] = validateClusterAttributes({ ...valid, leased_ha: 41 }).errors;
    expect(e!.message).toMatch(/vượt/);
    expect(e!.message_en).toMatch(/exceeds/);
  });
});

describe('limits from server/domain/limits.ts', () => {
  it('names the field that is too long, too many or too large', () => {
    expect(errs({ name: 'x'.repeat(301) })).toContain('name:too-long');
    expect(errs({ name: 'x'.repeat(300) })).toEqual([]);
    expect(errs({ name: 'A', investor: 'y'.repeat(301) })).toContain('investor:too-long');
    expect(errs({ name: 'A', communes: Array.from({ length: 51 }, (_, i) => `Xã ${i}`) })).toContain('communes:too-many');
    expect(errs({ name: 'A', workers: 10_000_001 })).toContain('workers:out-of-range');
    expect(errs({ name: 'A', planned_area_ha: 1e308 })).toContain('planned_area_ha:out-of-range');
  });
});

describe('occupancyPct', () => {
  it('leased / industrial × 100', () => {
    expect(occupancyPct(30, 40)).toBe(75);
    expect(occupancyPct(0, 40)).toBe(0);
    expect(occupancyPct(40, 40)).toBe(100);
  });
  it('null when industrial land is 0 or anything is unknown', () => {
    expect(occupancyPct(0, 0)).toBeNull();
    expect(occupancyPct(5, 0)).toBeNull();
    expect(occupancyPct(null, 40)).toBeNull();
    expect(occupancyPct(5, null)).toBeNull();
    expect(occupancyPct(undefined, 40)).toBeNull();
    expect(occupancyPct(NaN, 40)).toBeNull();
  });
});

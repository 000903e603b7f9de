import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadRegulationProfiles, RULE_IDS } from '../../server/domain/regulations.ts';
import { BOUNDARY_RULES, conformityClusterFromProperties, evaluateConformity } from '../../server/domain/conformity.ts';
import {
  boundaryStatusFits,
  boundaryStatusOf,
  declaredAreaMismatch,
  defaultBoundaryStatus,
  effectiveAreaHa,
} from '../../server/domain/boundary.ts';
import { validateClusterShape } from '../../server/domain/geometry-validation.ts';

const DIR = path.resolve(import.meta.dirname, '../../gis-data/regulations');
const profiles = loadRegulationProfiles(
  ['qd-105-2009', 'nd-68-2017', 'nd-32-2024'].map((id) => JSON.parse(readFileSync(path.join(DIR, `${id}.json`), 'utf8'))),
);

describe('boundary status rules', () => {
  it('a Point has no boundary, a polygon is surveyed; they must fit', () => {
    expect(defaultBoundaryStatus('Point')).toBe('none');
    expect(defaultBoundaryStatus('MultiPolygon')).toBe('surveyed');
    expect(boundaryStatusFits('none', 'Point')).toBe(true);
    expect(boundaryStatusFits('surveyed', 'Point')).toBe(false);
    expect(boundaryStatusFits('provisional', 'Polygon')).toBe(true);
    expect(boundaryStatusFits('none', 'Polygon')).toBe(false);
    // versions stored before sql/090 have no status in their properties: surveyed
    expect(boundaryStatusOf({})).toBe('surveyed');
    expect(boundaryStatusOf({ boundary_status: 'none' })).toBe('none');
  });

  it('figures use the declared area of a point, the measured area of a boundary', () => {
    expect(effectiveAreaHa('none', 0, { declared_area_ha: 42 })).toBe(42);
    expect(effectiveAreaHa('none', 0, { planned_area_ha: 30 })).toBe(30);
    expect(effectiveAreaHa('none', 0, {})).toBe(0);
    expect(effectiveAreaHa('provisional', 12.5, { declared_area_ha: 42 })).toBe(12.5);
  });

  it('the declared-vs-drawn flag: surveyed only, beyond 5 %', () => {
    expect(declaredAreaMismatch('surveyed', 100, 104)).toBeNull();
    expect(declaredAreaMismatch('surveyed', 100, 110)).toEqual({ declared_ha: 100, drawn_ha: 110, diff_pct: 10 });
    expect(declaredAreaMismatch('provisional', 100, 150)).toBeNull();
    expect(declaredAreaMismatch('none', 100, 0)).toBeNull();
    expect(declaredAreaMismatch('surveyed', null, 150)).toBeNull();
  });

  it('a location point: finite, in Vietnam, swapped lat/lon named', () => {
    expect(validateClusterShape({ type: 'Point', coordinates: [105.8, 21.0] })).toMatchObject({ ok: true, geometry: { type: 'Point', coordinates: [105.8, 21.0] } });
    expect(validateClusterShape({ type: 'Point', coordinates: [21.0, 105.8] }).errors.map((e) => e.code)).toEqual(['swapped-coordinates']);
    expect(validateClusterShape({ type: 'Point', coordinates: [2.35, 48.85] }).errors.map((e) => e.code)).toEqual(['outside-vietnam']);
    expect(validateClusterShape({ type: 'Point', coordinates: [Number.NaN, 21] }).ok).toBe(false);
  });
});

describe('conformity of a cluster without a boundary', () => {
  const cluster = conformityClusterFromProperties({ name: 'Cụm công nghiệp Điểm', status: 'planned', boundary_status: 'none', declared_area_ha: 40, hazard_class: 'V', wastewater: 'none' });
  // facts a point would produce: zero area, nothing around, inside its province — all of which would pass
  const facts = { area_ha: 0, geometry_valid: true, nearest_residential_m: null, residential_within_isolation: [], residential_inside_ha: 0, outside_province_ha: 0, overlaps: [] };

  for (const profile of profiles) {
    it(`${profile.id}: the boundary rules are "not applicable: no boundary", never pass; the area rule judges the declared area`, () => {
      const report = evaluateConformity(profile, cluster, facts);
      expect(report.results.map((r) => r.rule)).toEqual([...RULE_IDS]);
      for (const r of report.results.filter((x) => BOUNDARY_RULES.includes(x.rule))) {
        expect(r.result, r.rule).toBe('not-applicable');
        expect(r.evidence.reason ?? (r.source === null ? 'not-in-profile' : undefined), r.rule).toBeDefined();
        if (r.source !== null) expect(r.message_en).toMatch(/no boundary/i);
      }
      const area = report.results.find((r) => r.rule === 'area-limit')!;
      expect(area.evidence).toMatchObject({ basis: 'attribute', value: 40 });
      // the same facts with a surveyed boundary do pass those rules: the difference is the status, not the facts
      const surveyed = evaluateConformity(profile, { ...cluster, boundary_status: 'surveyed' }, { ...facts, area_ha: 40 });
      expect(surveyed.results.filter((r) => BOUNDARY_RULES.includes(r.rule)).some((r) => r.result === 'pass')).toBe(true);
    });
  }

  it('without any declared area the area rule is not applicable either', () => {
    const bare = conformityClusterFromProperties({ name: 'Cụm công nghiệp Điểm', status: 'planned', boundary_status: 'none' });
    const r = evaluateConformity(profiles[0]!, bare, facts).results.find((x) => x.rule === 'area-limit')!;
    expect(r).toMatchObject({ result: 'not-applicable', evidence: { reason: 'no-boundary' } });
  });
});

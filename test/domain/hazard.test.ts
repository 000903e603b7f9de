import { describe, it, expect } from 'vitest';
import {
  DEFAULT_ISOLATION_TABLE,
  HAZARD_CLASSES,
  greenBufferMinM,
  isolationDistance,
  isolationDistanceM,
  parseHazardClass,
  strictestDistanceM,
  validateIsolationTable,
  type IsolationDistanceTable,
} from '../../server/domain/hazard.ts';

describe('isolation distances (TCVN 4449:1987, QCXDVN 01:2008)', () => {
  it.each([
    ['I', 1000],
    ['II', 500],
    ['III', 300],
    ['IV', 100],
    ['V', 50],
  ])('class %s needs %i m', (c, m) => {
    const r = isolationDistance(c);
    expect(r).toMatchObject({ hazard_class: c, distance_m: m, assumed_strictest: false });
    expect(r.source).toContain('TCVN 4449:1987');
  });

  it.each([null, undefined, '', 'VI', 'X', 0, 6, 2.5, {}])('unknown class %p → strictest 1000 m with the flag', (c) => {
    expect(isolationDistance(c)).toMatchObject({ hazard_class: null, distance_m: 1000, assumed_strictest: true });
  });

  it('the strictest distance is computed from the data, not hard-coded', () => {
    const t: IsolationDistanceTable = { ...DEFAULT_ISOLATION_TABLE, classes: { ...DEFAULT_ISOLATION_TABLE.classes, I: { distance_m: 1500 } } };
    expect(strictestDistanceM(t)).toBe(1500);
    expect(isolationDistance(null, t).distance_m).toBe(1500);
    expect(isolationDistanceM('I', t)).toBe(1500);
    expect(isolationDistanceM('II', t)).toBe(500);
  });

  it('green buffer minimum is 10 m (QCVN 01:2019/BXD)', () => {
    expect(greenBufferMinM()).toBe(10);
    expect(DEFAULT_ISOLATION_TABLE.sources.green_buffer).toContain('QCVN 01:2019/BXD');
  });

  it('parses loose spellings of a class', () => {
    expect(parseHazardClass(' iii ')).toBe('III');
    expect(parseHazardClass(3)).toBe('III');
    expect(parseHazardClass('5')).toBe('V');
    expect(parseHazardClass(1)).toBe('I');
    expect(parseHazardClass(0)).toBeNull();
    expect(parseHazardClass('IIII')).toBeNull();
    expect(HAZARD_CLASSES).toEqual(['I', 'II', 'III', 'IV', 'V']);
  });
});

describe('validateIsolationTable', () => {
  it('accepts the shipped table', () => {
    expect(validateIsolationTable(DEFAULT_ISOLATION_TABLE)).toEqual({ ok: true, errors: [] });
  });

  it('rejects a less hazardous class needing more distance than a more hazardous one', () => {
    const bad = structuredClone(DEFAULT_ISOLATION_TABLE) as unknown as { classes: Record<string, { distance_m: number }> };
    bad.classes.IV!.distance_m = 400;
    const r = validateIsolationTable(bad);
    expect(r.ok).toBe(false);
    expect(r.errors.join()).toMatch(/IV/);
  });

  it('rejects missing classes, bad numbers, unknown classes and missing sources', () => {
    const bad = structuredClone(DEFAULT_ISOLATION_TABLE) as unknown as Record<string, unknown> & { classes: Record<string, unknown> };
    delete bad.classes.V;
    bad.classes.VI = { distance_m: 10 };
    bad.green_buffer_min_m = -1;
    bad.sources = {};
    const r = validateIsolationTable(bad);
    expect(r.ok).toBe(false);
    expect(r.errors).toHaveLength(4);
    expect(validateIsolationTable(null).ok).toBe(false);
  });
});

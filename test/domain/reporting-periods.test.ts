import { describe, it, expect } from 'vitest';
import {
  InvalidPeriodError,
  parsePeriod,
  periodContains,
  periodDays,
  periodForDate,
  periodId,
  periodLabel,
} from '../../server/domain/reporting-periods.ts';

describe('parsePeriod (Circular 14/2024/TT-BCT)', () => {
  it('half-year: 15 Dec of the previous year to 14 Jun', () => {
    expect(parsePeriod('2025-H1')).toEqual({ kind: 'half-year', start: '2024-12-15', end: '2025-06-14' });
  });

  it('annual: 15 Dec of the previous year to 14 Dec', () => {
    expect(parsePeriod('2025')).toEqual({ kind: 'annual', start: '2024-12-15', end: '2025-12-14' });
  });

  it('is lenient about case and spaces only', () => {
    expect(parsePeriod(' 2025-h1 ')).toEqual(parsePeriod('2025-H1'));
  });

  it.each(['', '25', '2025-H2', '2025-H3', '2025-Q1', '2025H1', '2025-', 'abcd', '1999', '2101', '2025-06', '12025'])(
    'rejects %p with InvalidPeriodError',
    (s) => {
      expect(() => parsePeriod(s)).toThrow(InvalidPeriodError);
    },
  );

  it('the error is typed and carries the input', () => {
    try {
      parsePeriod('2025-H2');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidPeriodError);
      expect(e).toBeInstanceOf(Error);
      const err = e as InvalidPeriodError;
      expect(err.code).toBe('invalid-period');
      expect(err.input).toBe('2025-H2');
      expect(err.name).toBe('InvalidPeriodError');
      expect(err.message_vi).toMatch(/6 tháng/);
    }
    expect(() => parsePeriod(2025 as unknown as string)).toThrow(InvalidPeriodError);
  });

  it('round-trips through periodId', () => {
    expect(periodId(parsePeriod('2025-H1'))).toBe('2025-H1');
    expect(periodId(parsePeriod('2000'))).toBe('2000');
  });

  it('counts days with both ends included (leap years matter)', () => {
    expect(periodDays(parsePeriod('2025'))).toBe(365);
    expect(periodDays(parsePeriod('2024'))).toBe(366); // 15/12/2023–14/12/2024 contains 29 Feb 2024
    expect(periodDays(parsePeriod('2025-H1'))).toBe(182);
  });
});

describe('periodForDate', () => {
  it('switches to the next report year on 15 December', () => {
    expect(periodForDate('2024-12-14', 'annual')).toEqual(parsePeriod('2024'));
    expect(periodForDate('2024-12-15', 'annual')).toEqual(parsePeriod('2025'));
    expect(periodForDate('2024-12-15', 'half-year')).toEqual(parsePeriod('2025-H1'));
  });

  it('the half-year ends on 14 June; later dates are in no six-month period', () => {
    expect(periodForDate('2025-06-14', 'half-year')).toEqual(parsePeriod('2025-H1'));
    expect(periodForDate('2025-06-15', 'half-year')).toBeNull();
    expect(periodForDate('2025-06-15', 'annual')).toEqual(parsePeriod('2025'));
  });

  it('reads Date objects in Vietnam time (UTC+7)', () => {
    // 17:00Z on 14 Dec is already 00:00 on 15 Dec in Hà Nội
    expect(periodForDate(new Date('2024-12-14T17:00:00Z'), 'annual')).toEqual(parsePeriod('2025'));
    expect(periodForDate(new Date('2024-12-14T16:59:59Z'), 'annual')).toEqual(parsePeriod('2024'));
  });

  it('rejects a non-date', () => {
    expect(() => periodForDate('2024-02-30', 'annual')).toThrow(InvalidPeriodError);
  });

  it('periodContains is inclusive at both ends', () => {
    const p = parsePeriod('2025-H1');
    expect(periodContains(p, '2024-12-15')).toBe(true);
    expect(periodContains(p, '2025-06-14')).toBe(true);
    expect(periodContains(p, '2024-12-14')).toBe(false);
    expect(periodContains(p, '2025-06-15')).toBe(false);
  });
});

describe('periodLabel', () => {
  it('Vietnamese', () => {
    expect(periodLabel(parsePeriod('2025-H1'), 'vi')).toBe('6 tháng đầu năm 2025 (15/12/2024 – 14/06/2025)');
    expect(periodLabel('2025')).toBe('Năm 2025 (15/12/2024 – 14/12/2025)');
  });
  it('English', () => {
    expect(periodLabel('2025-H1', 'en')).toBe('First half of 2025 (15 Dec 2024 – 14 Jun 2025)');
    expect(periodLabel(parsePeriod('2025'), 'en')).toBe('Year 2025 (15 Dec 2024 – 14 Dec 2025)');
  });
});

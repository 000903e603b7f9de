import { describe, it, expect } from 'vitest';
import { decide, nextState, canSaveOver, parseVersionTag, visibleVersion, REVIEW_STATES, REVIEW_ACTIONS } from '../../server/versioning/review-workflow.ts';
import { normalizeSearchText } from '../../server/clusters/search-text.ts';
import { actorCovers, scope2009, scope2025, unitOf2009, UNITS_2025 } from '../../server/domain/admin-division.ts';
import { describeEachDriver } from '../support/db.ts';
import { insertCluster, squareAround } from '../support/fixtures.ts';

// users are scoped to 2025 units: unit 15 Lào Cai = old 10 Lào Cai + old 15 Yên Bái
const planner10 = { id: 1, role: 'planner' as const, province_code: '15' };
const reviewer10 = { id: 2, role: 'reviewer' as const, province_code: '15' };
const ministry = { id: 3, role: 'ministry' as const, province_code: null };
const admin = { id: 4, role: 'admin' as const, province_code: null };

describe('review workflow (pure)', () => {
  it('allows exactly the documented transitions', () => {
    const table = Object.fromEntries(REVIEW_ACTIONS.map((a) => [a, Object.fromEntries(REVIEW_STATES.map((s) => [s, nextState(a, s)]))]));
    expect(table).toEqual({
      submit: { draft: 'submitted', submitted: null, approved: null, changes_requested: 'submitted' },
      approve: { draft: null, submitted: 'approved', approved: null, changes_requested: null },
      'request-changes': { draft: null, submitted: 'changes_requested', approved: null, changes_requested: null },
    });
    expect(REVIEW_STATES.filter(canSaveOver)).toEqual(['draft', 'approved', 'changes_requested']);
  });

  it('applies province scope, the read-only ministry and the four-eyes rule', () => {
    expect(decide(null, 'edit', scope2025('15'))).toMatchObject({ allowed: false, code: 'anonymous' });
    expect(decide(planner10, 'edit', scope2025('15')).allowed).toBe(true);
    expect(decide(planner10, 'edit', scope2025('24'))).toMatchObject({ allowed: false, code: 'not-in-province' });
    expect(decide(planner10, 'review', scope2025('15'))).toMatchObject({ allowed: false, code: 'role' });
    expect(decide(reviewer10, 'review', scope2025('15'), 1).allowed).toBe(true);
    expect(decide(reviewer10, 'review', scope2025('15'), 2)).toMatchObject({ allowed: false, code: 'own-version' });
    expect(decide(reviewer10, 'review', scope2025('24'), 1)).toMatchObject({ allowed: false, code: 'not-in-province' });
    expect(decide(ministry, 'read-unpublished', scope2025('24')).allowed).toBe(true);
    expect(decide(ministry, 'edit', scope2025('24'))).toMatchObject({ allowed: false, code: 'read-only-role' });
    expect(decide(ministry, 'review', scope2025('24'), 1).allowed).toBe(false);
    expect(decide(admin, 'review', scope2025('24'), 1).allowed).toBe(true);
    expect(decide(admin, 'review', scope2025('24'), 4).allowed).toBe(false);
    expect(decide(planner10, 'read-queue', scope2025('15')).allowed).toBe(false);
  });

  it('scopes a planner of unit 15 to old 10 and old 15, never to another unit; codes keep their era', () => {
    expect(decide(planner10, 'edit', scope2009('10')).allowed).toBe(true);
    expect(decide(planner10, 'edit', scope2009('15')).allowed).toBe(true);
    expect(decide(planner10, 'edit', scope2009('12'))).toMatchObject({ allowed: false, code: 'not-in-province' });
    const planner24 = { id: 9, role: 'planner' as const, province_code: '24' };
    expect(decide(planner24, 'edit', scope2025('01'))).toMatchObject({ allowed: false, code: 'not-in-province' });
    expect(decide(planner24, 'edit', scope2009('27')).allowed).toBe(true);
    // old 24 (Bắc Giang) is in unit 24, and so is old 27; old 15 is Yên Bái, not unit 24 territory
    expect(decide(planner24, 'edit', scope2009('24')).allowed).toBe(true);
    expect(decide(planner24, 'edit', scope2009('15')).allowed).toBe(false);
    expect(actorCovers(planner24, scope2025('15'))).toBe(false);
    expect(unitOf2009('10')).toBe('15');
    expect(unitOf2009('27')).toBe('24');
    expect(Object.values(UNITS_2025).flat().sort()).toHaveLength(63);
  });

  it('parses If-Match values and picks the visible version', () => {
    expect(['"3"', '3', 'W/"3"', ' "3" '].map(parseVersionTag)).toEqual([3, 3, 3, 3]);
    expect(['', '"x"', '0', '*', undefined].map(parseVersionTag)).toEqual([null, null, null, null, null]);
    expect(visibleVersion(true, { head_version: 3, published_version: 2 })).toBe(3);
    expect(visibleVersion(false, { head_version: 3, published_version: null })).toBeNull();
  });
});

describeEachDriver('name_search column agrees with normalizeSearchText', (t) => {
  it('folds every Vietnamese letter (both cases, precomposed or combining) like the TS normaliser', async () => {
    const letters = 'àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ';
    const names = [letters, letters.toUpperCase(), 'Cụm công nghiệp Đồng Xoài', 'CỤM CÔNG NGHIỆP ĐÔNG PHỐ MỚI'.normalize('NFD')];
    for (const [i, name] of names.entries()) {
      const { id } = await insertCluster(t.db, { name, geometry: squareAround(104.05 + i * 0.01, 22.3, 100) });
      const r = await t.db.query<{ name_search: string }>('SELECT name_search FROM cluster_versions WHERE cluster_id = $1', [id]);
      expect(r.rows[0].name_search).toBe(normalizeSearchText(name));
    }
    expect(normalizeSearchText(letters)).toBe('aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd');
  });
});

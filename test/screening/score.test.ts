import { describe, expect, it } from 'vitest';
import {
  checkWeights,
  normalizeDistanceFromSite,
  normalizeInfrastructure,
  normalizeIsolationMargin,
  normalizeOccupancy,
  infrastructurePoints,
  scoreCandidates,
  sensitivity,
  type ScoringInput,
} from '../../server/domain/screening-score.ts';

const cand = (id: string, dist: number, occ: number, infra: number): ScoringInput => ({
  cluster_id: id,
  criteria: [
    { criterion: 'distance-from-site', raw: dist, normalized: normalizeDistanceFromSite(dist) },
    { criterion: 'occupancy', raw: occ, normalized: normalizeOccupancy(occ) },
    { criterion: 'infrastructure', raw: infra, normalized: normalizeInfrastructure(infra) },
  ],
});

describe('screening score (shared by server and browser)', () => {
  it('normalises with the documented formulas', () => {
    expect(normalizeDistanceFromSite(0)).toBe(1);
    expect(normalizeDistanceFromSite(10)).toBeCloseTo(0.8);
    expect(normalizeDistanceFromSite(80)).toBe(0);
    expect(normalizeOccupancy(null)).toBe(0);
    expect(normalizeOccupancy(45)).toBeCloseTo(0.45);
    expect(infrastructurePoints('operating', 'operating')).toBe(2);
    expect(infrastructurePoints('under-construction', 'established')).toBe(1);
    expect(infrastructurePoints(null, 'planned')).toBe(0);
    expect(normalizeIsolationMargin(250, 1000)).toBeCloseTo(0.25);
    expect(normalizeIsolationMargin(5000, 1000)).toBe(1);
  });

  it('ranks by weight shares and re-ranks when weights change (hand-computed)', () => {
    const inputs = [cand('near', 5, 10, 1), cand('full', 30, 90, 2)];
    // equal weights over 3 criteria: near = (0.9 + 0.1 + 0.5)/3 = 0.5; full = (0.4 + 0.9 + 1)/3 = 0.7667
    const eq = scoreCandidates(inputs, { 'distance-from-site': 1, occupancy: 1, infrastructure: 1 });
    expect(eq.map((c) => c.cluster_id)).toEqual(['full', 'near']);
    expect(eq[0]!.score).toBeCloseTo(0.766667, 5);
    expect(eq[1]!.score).toBeCloseTo(0.5, 6);
    // distance only: near 0.9 > full 0.4
    const dist = scoreCandidates(inputs, { 'distance-from-site': 1, occupancy: 0, infrastructure: 0 });
    expect(dist.map((c) => [c.cluster_id, c.rank, c.score])).toEqual([['near', 1, 0.9], ['full', 2, 0.4]]);
    expect(dist[0]!.criteria.map((c) => c.weight)).toEqual([1, 0, 0]);
  });

  it('breaks ties by distance from the site', () => {
    const a = cand('a', 10, 50, 1);
    const b = cand('b', 5, 50, 1);
    const r = scoreCandidates([a, b], { 'distance-from-site': 0, occupancy: 1, infrastructure: 1 });
    expect(r.map((c) => c.cluster_id)).toEqual(['b', 'a']);
  });

  it('reports which ±20 % weight changes change the top 3', () => {
    const inputs = [cand('x', 10, 50, 1), cand('y', 20, 70, 1)];
    // weights 1/1/0: x = (0.8+0.5)/2 = 0.65, y = (0.6+0.7)/2 = 0.65 → tie, x nearer → x first.
    // distance ×1.2 keeps x first; ×0.8 puts y first; occupancy ×1.2 → y; ×0.8 → x.
    const s = sensitivity(inputs, { 'distance-from-site': 1, occupancy: 1, infrastructure: 0, 'isolation-margin': 0, 'road-distance': 0 });
    expect(s.top3).toEqual(['x', 'y']);
    const changed = s.cases.filter((c) => c.changed).map((c) => `${c.criterion}×${c.factor}`).sort();
    expect(changed).toEqual(['distance-from-site×0.8', 'occupancy×1.2']);
    expect(s.cases.every((c) => !c.membership_changed)).toBe(true);
  });

  it('validates weights', () => {
    expect(checkWeights(undefined)).toEqual([]);
    expect(checkWeights({ occupancy: 2 })).toEqual([]);
    expect(checkWeights({ occupancy: -1 })).toHaveLength(1);
    expect(checkWeights({ beauty: 1 })).toHaveLength(1);
    expect(checkWeights([1])).toHaveLength(1);
  });
});

import { expect, it } from 'vitest';
import { describeEachServer } from '../support/server.ts';

const LON = 104.05;
const LAT = 22.35;
const d = 0.005;

// Plan items go through the boundary validator clusters use (server/domain/geometry-validation.ts).
const BAD_AREAS: Record<string, unknown> = {
  'bow-tie': { type: 'Polygon', coordinates: [[[LON, LAT], [LON + d, LAT + d], [LON + d, LAT], [LON, LAT + d], [LON, LAT]]] },
  unclosed: { type: 'Polygon', coordinates: [[[LON, LAT], [LON + d, LAT], [LON + d, LAT + d], [LON, LAT + d]]] },
  'hole crossing its shell': {
    type: 'Polygon',
    coordinates: [
      [[LON, LAT], [LON + d, LAT], [LON + d, LAT + d], [LON, LAT + d], [LON, LAT]],
      [[LON + d / 2, LAT + d / 2], [LON + 2 * d, LAT + d / 2], [LON + 2 * d, LAT + 0.6 * d], [LON + d / 2, LAT + 0.6 * d], [LON + d / 2, LAT + d / 2]],
    ],
  },
  'swapped axes': { type: 'Polygon', coordinates: [[[LAT, LON], [LAT, LON + d], [LAT + d, LON + d], [LAT + d, LON], [LAT, LON]]] },
};

describeEachServer('plan item geometry', (t) => {
  it('refuses bow-ties, unclosed rings, crossing holes and swapped axes in a planned area; accepts a clean one', async () => {
    const planner = await t.server.client().login('planner.laocai');
    const province = (await planner.get('/api/auth/me')).body.user.province_code;
    const plan = await planner.post('/api/plans', { name: 'Quy hoạch kiểm tra hình học', level: 'province', province_code: province });
    expect(plan.status, plan.text).toBe(201);
    const item = (geometry: unknown) => ({ name: 'Cụm công nghiệp Kiểm tra', province_code: province, phase: 'vision-2025', planned_area_ha: 30, geometry });
    for (const [label, geometry] of Object.entries(BAD_AREAS)) {
      const res = await planner.post(`/api/plans/${plan.body.id}/items`, item(geometry));
      expect(res.status, `${label}: ${res.text.slice(0, 300)}`).toBe(422);
      expect(JSON.stringify(res.body.error.details)).toContain('geometry');
    }
    const good = await planner.post(`/api/plans/${plan.body.id}/items`, item({ type: 'Polygon', coordinates: [[[LON, LAT], [LON + d, LAT], [LON + d, LAT + d], [LON, LAT + d], [LON, LAT]]] }));
    expect(good.status, good.text).toBe(201);
  });
});

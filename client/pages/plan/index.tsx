import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import type { Map as MapLibreMap, GeoJSONSource, LngLatBoundsLike } from 'maplibre-gl';
import type { FeatureCollection, Geometry } from 'geojson';
import type { PageProps } from '../../app/route-types.ts';
import { Link } from '../../app/router.tsx';
import { getJson, request, withQuery } from '../../api/http.ts';
import { useAuth } from '../../auth/AuthContext.tsx';
import { useFormatNumber, usePick, useT } from '../../i18n/index.tsx';
import { BEFORE, Legend, MapView } from '../../map/index.ts';
import { PLAN_PHASES, labels as attributeLabels } from '@domain/cluster-attributes.ts';
import { dict } from './i18n.ts';
import './plan.css';

interface Plan {
  id: number;
  name: string;
  level: 'national' | 'region' | 'province';
  province_code: string | null;
  region_code: string | null;
  status: 'draft' | 'approved' | 'superseded';
  decision_no: string | null;
  decision_date: string | null;
  decision_authority: string | null;
  item_count: number;
  /** the server's plan rule (PlansService.assertMayAddItems) for the signed-in user */
  may_add_items: boolean;
}

interface ItemProps {
  id: string;
  name: string;
  province_code: string;
  phase: string;
  planned_area_ha: number;
  status: string;
  cluster_code: string | null;
  established: boolean;
  review_state?: string;
  version: number;
}

interface PhaseSummary {
  phase: string;
  planned_count: number;
  planned_ha: number;
  established_count: number;
  fulfilment_pct: number | null;
}

type ItemCollection = FeatureCollection<Geometry | null, ItemProps>;

const SOURCE = 'plan-items';
const COLORS = { established: '#1a7f4b', planned: '#d9822b', removed: '#8a8f98' };
const EMPTY: ItemCollection = { type: 'FeatureCollection', features: [] };

/** Item styling: established = solid green, planned-not-established = hollow orange (dashed outline for polygons). */
function addItemLayers(map: MapLibreMap) {
  map.addSource(SOURCE, { type: 'geojson', data: EMPTY as FeatureCollection });
  const kind = ['case', ['==', ['get', 'status'], 'removed-from-plan'], 'removed', ['get', 'established'], 'established', 'planned'];
  const color = ['match', kind, 'established', COLORS.established, 'removed', COLORS.removed, COLORS.planned];
  map.addLayer(
    { id: 'plan-item-fill', type: 'fill', source: SOURCE, filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': color as never, 'fill-opacity': ['case', ['get', 'established'], 0.55, 0.15] } },
    BEFORE.boundaries,
  );
  map.addLayer({ id: 'plan-item-line-est', type: 'line', source: SOURCE, filter: ['all', ['==', ['geometry-type'], 'Polygon'], ['get', 'established']], paint: { 'line-color': COLORS.established, 'line-width': 2 } }, BEFORE.labels);
  map.addLayer(
    { id: 'plan-item-line-planned', type: 'line', source: SOURCE, filter: ['all', ['==', ['geometry-type'], 'Polygon'], ['!', ['get', 'established']]], paint: { 'line-color': color as never, 'line-width': 2, 'line-dasharray': [2, 1.5] } },
    BEFORE.labels,
  );
  map.addLayer(
    {
      id: 'plan-item-point',
      type: 'circle',
      source: SOURCE,
      filter: ['==', ['geometry-type'], 'Point'],
      paint: {
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 5, 5, 10, 9],
        'circle-color': ['case', ['get', 'established'], COLORS.established, '#ffffff'] as never,
        'circle-stroke-color': color as never,
        'circle-stroke-width': 2.5,
      },
    },
    BEFORE.labels,
  );
}

function boundsOf(fc: ItemCollection): LngLatBoundsLike | null {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      minX = Math.min(minX, c[0] as number);
      maxX = Math.max(maxX, c[0] as number);
      minY = Math.min(minY, c[1] as number);
      maxY = Math.max(maxY, c[1] as number);
    } else if (Array.isArray(c)) c.forEach(visit);
  };
  for (const f of fc.features) if (f.geometry && 'coordinates' in f.geometry) visit(f.geometry.coordinates);
  if (!Number.isFinite(minX)) return null;
  return [[minX - 0.05, minY - 0.05], [maxX + 0.05, maxY + 0.05]];
}

export default function PlanPage(_props: PageProps) {
  const t = useT(dict);
  const pick = usePick();
  const fmt = useFormatNumber();
  const { user } = useAuth();
  const [plans, setPlans] = useState<Plan[] | null>(null);
  const [planId, setPlanId] = useState<number | null>(null);
  const [phase, setPhase] = useState('');
  const [items, setItems] = useState<ItemCollection | null>(null);
  const [summary, setSummary] = useState<{ phases: PhaseSummary[]; total: PhaseSummary } | null>(null);
  const [map, setMap] = useState<MapLibreMap | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    getJson<{ plans: Plan[] }>('/api/plans').then((r) => {
      setPlans(r.plans);
      const preferred = r.plans.find((p) => p.status === 'approved' && p.item_count > 0) ?? r.plans.find((p) => p.status === 'approved') ?? r.plans[0];
      setPlanId((current) => current ?? preferred?.id ?? null);
    }, () => setPlans([]));
  }, [reload]);

  useEffect(() => {
    if (planId === null) return;
    let cancelled = false;
    Promise.all([
      getJson<ItemCollection>(withQuery(`/api/plans/${planId}/items`, { phase: phase || undefined })),
      getJson<{ phases: PhaseSummary[]; total: PhaseSummary }>(`/api/plans/${planId}/summary`),
    ]).then(([fc, s]) => {
      if (cancelled) return;
      setItems(fc);
      setSummary(s);
    });
    return () => {
      cancelled = true;
    };
  }, [planId, phase, reload]);

  const onLoad = useCallback((m: MapLibreMap) => {
    addItemLayers(m);
    setMap(m);
  }, []);

  useEffect(() => {
    if (!map || !items) return;
    map.getSource<GeoJSONSource>(SOURCE)?.setData(items as FeatureCollection);
    const b = boundsOf(items);
    if (b) map.fitBounds(b, { padding: 40, maxZoom: 10, duration: 0 });
  }, [map, items]);

  const plan = useMemo(() => plans?.find((p) => p.id === planId) ?? null, [plans, planId]);
  // the server decides who may add items to this plan (the same rule for the form, the CSV and the import wizard)
  const canImport = !!user && !!plan?.may_add_items;

  async function onImport(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    try {
      const res = await request<{ created: number }>('POST', `/api/plans/${planId}/items/import`, form);
      setMessage(t('importDone', { n: res.data.created }));
      setReload((n) => n + 1);
    } catch (err) {
      setMessage(t('importFailed', { message: (err as Error).message }));
    }
  }

  const phaseLabel = (p: string) => (p in attributeLabels.plan_phase ? pick(attributeLabels.plan_phase[p as keyof typeof attributeLabels.plan_phase]) : p);

  return (
    <div className="plan-page" data-plan={planId ?? ''} data-items={items?.features.length ?? ''}>
      <h1 className="plan-page__title">{t('title')}</h1>
      {plans && plans.length === 0 && <p className="muted">{t('noPlans')}</p>}

      <div className="plan-controls">
        {plans && plans.length > 0 && (
          <label className="form__field">
            <span className="form__label">{t('plan')}</span>
            <select className="input input--select" value={planId ?? ''} onChange={(e) => setPlanId(Number(e.currentTarget.value))}>
              {plans.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name} — {t(`plan.${p.status}`)}
                </option>
              ))}
            </select>
          </label>
        )}
        <fieldset className="segmented plan-controls__seg">
          <legend className="form__label">{t('phase')}</legend>
          <div className="segmented__options">
            {['', ...PLAN_PHASES].map((p) => (
              <label key={p || 'all'} className="segmented__option">
                <input type="radio" name="phase" value={p} checked={phase === p} onChange={() => setPhase(p)} data-testid={`phase-${p || 'all'}`} />
                <span>{p ? phaseLabel(p) : t('phase.all')}</span>
              </label>
            ))}
          </div>
        </fieldset>
      </div>
      {plan && plan.decision_no && (
        <p className="muted">{t('decision', { no: plan.decision_no, date: plan.decision_date?.split('-').reverse().join('/') ?? '', authority: plan.decision_authority ?? '' })}</p>
      )}

      <div className="plan-layout">
        <div className="plan-map">
          <MapView onLoad={onLoad}>
            <Legend
              title={t('legendTitle')}
              className="plan-map__legend"
              items={[
                { key: 'est', label: t('established'), color: COLORS.established },
                { key: 'planned', label: t('planned'), color: COLORS.planned, hatched: true },
                { key: 'removed', label: t('removed'), color: COLORS.removed },
              ]}
            />
          </MapView>
        </div>
        {summary && (
          <section className="plan-card" data-testid="plan-summary">
            <h2 className="plan-card__title">{t('summary')}</h2>
            <table className="plan-table">
              <thead>
                <tr>
                  <th>{t('phase')}</th>
                  <th>{t('plannedCount')}</th>
                  <th>{t('plannedHa')}</th>
                  <th>{t('establishedCount')}</th>
                  <th>{t('fulfilment')}</th>
                </tr>
              </thead>
              <tbody>
                {[...summary.phases, { ...summary.total, phase: 'total' }].map((s) => (
                  <tr key={s.phase} className={s.phase === 'total' ? 'is-total' : undefined}>
                    <td>{s.phase === 'total' ? t('total') : phaseLabel(s.phase)}</td>
                    <td className="n">{fmt(s.planned_count)}</td>
                    <td className="n">{fmt(s.planned_ha, { maximumFractionDigits: 2 })}</td>
                    <td className="n">{fmt(s.established_count)}</td>
                    <td className="n">{s.fulfilment_pct === null ? '–' : `${fmt(s.fulfilment_pct, { maximumFractionDigits: 1 })}%`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {canImport && (
              <form className="plan-import" onSubmit={onImport}>
                <h3 className="plan-card__title">{t('import')}</h3>
                <p className="muted">{t('importHint')}</p>
                <input type="file" name="file" accept=".csv,text/csv" required />
                <button type="submit" className="button button--secondary">
                  {t('import')}
                </button>
              </form>
            )}
            {message && <p role="status">{message}</p>}
          </section>
        )}
      </div>

      <section className="plan-card">
        <h2 className="plan-card__title">{t('items')}</h2>
        {!items ? (
          <p className="muted">{t('loading')}</p>
        ) : items.features.length === 0 ? (
          <p className="muted">{t('noItems')}</p>
        ) : (
          <table className="plan-table" data-testid="plan-items">
            <thead>
              <tr>
                <th>{t('name')}</th>
                <th>{t('province')}</th>
                <th>{t('phase')}</th>
                <th>{t('area')}</th>
                <th>{t('status')}</th>
                <th>{t('cluster')}</th>
              </tr>
            </thead>
            <tbody>
              {items.features.map((f) => {
                const p = f.properties;
                const kind = p.status === 'removed-from-plan' ? 'removed' : p.established ? 'established' : 'planned';
                return (
                  <tr key={p.id} data-kind={kind}>
                    <td>
                      <span className={`plan-dot plan-dot--${kind}`} aria-hidden="true" /> {p.name}
                      {!f.geometry && <span className="muted"> ({t('noLocation')})</span>}
                    </td>
                    <td>{p.province_code}</td>
                    <td>{phaseLabel(p.phase)}</td>
                    <td className="n">{fmt(p.planned_area_ha, { maximumFractionDigits: 2 })}</td>
                    <td>{t(kind === 'established' ? 'established' : kind === 'removed' ? 'removed' : 'planned')}</td>
                    <td>{p.cluster_code ? <Link to={`/c/${encodeURIComponent(p.cluster_code)}`}>{p.cluster_code}</Link> : t('none')}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}

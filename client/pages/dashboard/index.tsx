import { useEffect, useMemo, useState } from 'react';
import type { FeatureCollection, MultiPolygon } from 'geojson';
import type { PageProps } from '../../app/route-types.ts';
import { getJson, withQuery } from '../../api/http.ts';
import { useFormatNumber, usePick, useT } from '../../i18n/index.tsx';
import { REGION_COLORS, REGION_NAMES, isRegionKey } from '../../map/regions.ts';
import { PLAN_PHASES, labels as attributeLabels } from '@domain/cluster-attributes.ts';
import { dict } from './i18n.ts';
import { MEASURES, MEASURE_LABELS, classBreaks, measureValue, type Measure, type StatsResponse, type StatsRow } from './measures.ts';
import { ChoroplethMap } from './ChoroplethMap.tsx';
import { BarChart, Timeline, type TimelinePoint } from './charts.tsx';
import './dashboard.css';

type Era = '2009' | '2025';
type By = 'province' | 'region';
type ProvinceFC = FeatureCollection<MultiPolygon, { code: string; short_name: string; region: string | null }>;

const FIRST_MONTH = { y: 2009, m: 1 };

/** Vietnamese calendar date today. */
function todayIso(): string {
  return new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
}

/** Slider positions are months from Jan 2009; each stands for the last day of that month (today for the current month). */
function monthCount(today: string): number {
  return (Number(today.slice(0, 4)) - FIRST_MONTH.y) * 12 + Number(today.slice(5, 7)) - FIRST_MONTH.m;
}
function dateForStep(step: number, today: string): string {
  if (step >= monthCount(today)) return today;
  const y = FIRST_MONTH.y + Math.floor((FIRST_MONTH.m - 1 + step) / 12);
  const m = ((FIRST_MONTH.m - 1 + step) % 12) + 1;
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

const geometryCache = new Map<Era, Promise<ProvinceFC>>();
function loadProvinces(era: Era): Promise<ProvinceFC> {
  let hit = geometryCache.get(era);
  if (!hit) {
    hit = getJson<ProvinceFC>(`/api/provinces?era=${era}`);
    hit.catch(() => geometryCache.delete(era));
    geometryCache.set(era, hit);
  }
  return hit;
}

export default function DashboardPage(_props: PageProps) {
  const t = useT(dict);
  const pick = usePick();
  const fmt = useFormatNumber();
  const today = useMemo(todayIso, []);
  const maxStep = monthCount(today);

  const [measure, setMeasure] = useState<Measure>('established_count');
  const [by, setBy] = useState<By>('province');
  // the 2009 view stays the dashboard's default for now (its as-of slider reaches back to 2009); era=2025 is one switch away
  const [era, setEra] = useState<Era>('2009');
  const [phase, setPhase] = useState<string>('');
  const [step, setStep] = useState(maxStep);
  const [asOf, setAsOf] = useState(today);

  const [provinceRows, setProvinceRows] = useState<StatsRow[] | null>(null);
  const [regionRows, setRegionRows] = useState<StatsRow[] | null>(null);
  const [national, setNational] = useState<StatsRow | null>(null);
  const [geometry, setGeometry] = useState<ProvinceFC | null>(null);
  const [timeline, setTimeline] = useState<TimelinePoint[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);

  // the slider moves freely; figures follow once it rests
  useEffect(() => {
    const next = dateForStep(step, today);
    const timer = setTimeout(() => setAsOf(next), 250);
    return () => clearTimeout(timer);
  }, [step, today]);

  const mapEra: Era = by === 'region' ? '2009' : era;

  useEffect(() => {
    let cancelled = false;
    setLoading(true);
    setError(null);
    const q = { as_of: asOf, phase: phase || undefined };
    Promise.all([
      getJson<StatsResponse>(withQuery('/api/stats', { ...q, by: 'province', era })),
      getJson<StatsResponse>(withQuery('/api/stats', { ...q, by: 'region', era })),
    ]).then(
      ([p, r]) => {
        if (cancelled) return;
        setProvinceRows(p.rows);
        setRegionRows(r.rows);
        setNational(p.national);
        setLoading(false);
      },
      (err: Error) => {
        if (cancelled) return;
        setError(err.message);
        setLoading(false);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [asOf, era, phase]);

  useEffect(() => {
    let cancelled = false;
    loadProvinces(mapEra).then((fc) => !cancelled && setGeometry(fc), (err: Error) => !cancelled && setError(err.message));
    return () => {
      cancelled = true;
    };
  }, [mapEra]);

  useEffect(() => {
    getJson<{ points: TimelinePoint[] }>('/api/stats/timeline?from=2009&to=2025').then((r) => setTimeline(r.points), () => setTimeline([]));
  }, []);

  const isPct = measure === 'occupancy_pct' || measure === 'fulfilment_pct';
  const isHa = measure.endsWith('_ha');
  const format = (v: number) => fmt(v, { maximumFractionDigits: isPct || isHa ? 1 : 0 });
  const regionName = (code: string, fallback: string) => (isRegionKey(code) ? pick(REGION_NAMES[code]) : fallback);

  const { values, mapLabels } = useMemo(() => {
    const values = new Map<string, number | null>();
    const mapLabels = new Map<string, string>();
    if (by === 'province') {
      for (const r of provinceRows ?? []) {
        values.set(r.code, measureValue(r, measure));
        mapLabels.set(r.code, r.name);
      }
    } else if (geometry) {
      const byRegion = new Map((regionRows ?? []).map((r) => [r.code, r]));
      for (const f of geometry.features) {
        const row = f.properties.region ? byRegion.get(f.properties.region) : undefined;
        values.set(f.properties.code, row ? measureValue(row, measure) : null);
        mapLabels.set(f.properties.code, row ? `${f.properties.short_name} — ${regionName(row.code, row.name)}` : f.properties.short_name);
      }
    }
    return { values, mapLabels };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [by, provinceRows, regionRows, geometry, measure, pick]);

  const unitRows = by === 'province' ? provinceRows : regionRows;
  const integer = measure.endsWith('_count') || measure === 'wastewater_operating';
  const { min, breaks } = useMemo(
    () => classBreaks(by === 'province' ? [...values.values()] : (regionRows ?? []).map((r) => measureValue(r, measure)), integer),
    [by, values, regionRows, measure, integer],
  );
  // the national figures are the server's (GET /api/stats `national`): never summed or averaged here
  const total = national;
  const measureLabel = pick(MEASURE_LABELS[measure]);

  return (
    <div className="dashboard" data-as-of={asOf} data-loading={loading ? 'true' : 'false'}>
      <header className="dashboard__head">
        <h1 className="dashboard__title">{t('title')}</h1>
        <p className="muted">{t('intro')}</p>
      </header>

      <section className="dash-controls" aria-label={t('measure')}>
        <label className="form__field">
          <span className="form__label">{t('measure')}</span>
          <select className="input input--select" value={measure} onChange={(e) => setMeasure(e.currentTarget.value as Measure)} data-testid="measure">
            {MEASURES.map((m) => (
              <option key={m} value={m}>
                {pick(MEASURE_LABELS[m])}
              </option>
            ))}
          </select>
        </label>
        <fieldset className="segmented dash-controls__seg">
          <legend className="form__label">{t('by')}</legend>
          <div className="segmented__options">
            {(['province', 'region'] as const).map((v) => (
              <label key={v} className="segmented__option">
                <input type="radio" name="by" value={v} checked={by === v} onChange={() => setBy(v)} />
                <span>{t(`by.${v}`)}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset className="segmented dash-controls__seg">
          <legend className="form__label">{t('era')}</legend>
          <div className="segmented__options">
            {(['2009', '2025'] as const).map((v) => (
              <label key={v} className="segmented__option">
                <input type="radio" name="era" value={v} checked={era === v} onChange={() => setEra(v)} data-testid={`era-${v}`} />
                <span>{t(`era.${v}`)}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <label className="form__field">
          <span className="form__label">{t('phase')}</span>
          <select className="input input--select" value={phase} onChange={(e) => setPhase(e.currentTarget.value)}>
            <option value="">{t('phase.all')}</option>
            {PLAN_PHASES.map((p) => (
              <option key={p} value={p}>
                {pick(attributeLabels.plan_phase[p])}
              </option>
            ))}
          </select>
        </label>
        <label className="form__field dash-controls__slider">
          <span className="form__label">
            {t('asOf')}: <strong data-testid="as-of-label">{asOf.split('-').reverse().join('/')}</strong>
            {step >= maxStep ? ` (${t('today')})` : ''}
          </span>
          <input type="range" min={0} max={maxStep} step={1} value={step} onChange={(e) => setStep(Number(e.currentTarget.value))} data-testid="as-of-slider" aria-valuetext={dateForStep(step, today)} />
          <span className="dash-controls__range muted">
            <span>01/2009</span>
            <span>{today.split('-').reverse().join('/')}</span>
          </span>
        </label>
      </section>

      {error && (
        <p className="form__error" role="alert">
          {t('failed', { message: error })}
        </p>
      )}

      {total && (
        <section className="dash-kpis" aria-label={t('kpi')} data-testid="kpis">
          {(['planned_count', 'established_count', 'operating_count', 'fulfilment_pct', 'established_ha', 'occupancy_pct', 'wastewater_operating', 'nonconforming_count', 'no_boundary_count'] as const).map((m) => {
            const v = measureValue(total, m);
            return (
              <div key={m} className="dash-kpi" data-measure={m}>
                <div className="dash-kpi__value">{v === null ? '–' : fmt(v, { maximumFractionDigits: 1 })}</div>
                <div className="dash-kpi__label">{pick(MEASURE_LABELS[m])}</div>
              </div>
            );
          })}
        </section>
      )}

      <div className="dash-grid">
        <div className="dash-card">
          {geometry && unitRows ? (
            <ChoroplethMap provinces={geometry} values={values} labels={mapLabels} breaks={breaks} min={min} title={t('map', { measure: measureLabel })} format={format} noDataLabel={t('noData')} />
          ) : (
            <p className="muted">{t('loading')}</p>
          )}
        </div>
        <div className="dash-side">
          <div className="dash-card">
            <BarChart
              testId="region-bars"
              title={t('bars', { measure: measureLabel })}
              format={format}
              bars={(regionRows ?? []).map((r) => ({ key: r.code, label: regionName(r.code, r.name), value: measureValue(r, measure), color: isRegionKey(r.code) ? REGION_COLORS[r.code] : undefined }))}
            />
          </div>
          <div className="dash-card">
            <Timeline points={timeline} highlightYear={Number(asOf.slice(0, 4))} title={t('timeline')} format={(v) => fmt(v)} />
          </div>
        </div>
      </div>

      {unitRows && (
        <section className="dash-card dash-table-wrap">
          <h2 className="dash-card__title">{t('table')}</h2>
          <table className="dash-table" data-testid="stats-table">
            <thead>
              <tr>
                <th>{t('code')}</th>
                <th>{t('unit')}</th>
                {MEASURES.map((m) => (
                  <th key={m} className={m === measure ? 'is-active' : undefined}>
                    {pick(MEASURE_LABELS[m])}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {unitRows.map((r) => (
                <tr key={r.code}>
                  <td>{r.code.length > 3 ? '' : r.code}</td>
                  <td>{by === 'region' ? regionName(r.code, r.name) : r.name}</td>
                  {MEASURES.map((m) => {
                    const v = measureValue(r, m);
                    return (
                      <td key={m} className={m === measure ? 'n is-active' : 'n'}>
                        {v === null ? '–' : fmt(v, { maximumFractionDigits: 2 })}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}

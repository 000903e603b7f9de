import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { LngLatBounds, Popup, type GeoJSONSource, type Map as MapLibreMap, type MapLayerMouseEvent } from 'maplibre-gl';
import type { PageProps } from '../../app/route-types.ts';
import { ApiError, getJson, postJson, withQuery } from '../../api/http.ts';
import { useAuth } from '../../auth/AuthContext.tsx';
import { useFormatNumber, useLocale, useT } from '../../i18n/index.tsx';
import { MapView, BEFORE } from '../../map/index.ts';
import {
  CRITERIA,
  CRITERION_LABELS,
  CRITERION_UNITS,
  DEFAULT_WEIGHTS,
  scoreCandidates,
  sensitivity,
  type Criterion,
  type ScoredCandidate,
} from '@domain/screening-score.ts';
import { dict } from './i18n.ts';
import './screening.css';

const CONSTRAINTS = ['free-land', 'isolation-distance', 'industry-allowed', 'wastewater', 'same-province', 'same-region', 'active-conforming'] as const;
type ConstraintId = (typeof CONSTRAINTS)[number];
const DEFAULT_CONSTRAINTS: Record<ConstraintId, boolean> = {
  'free-land': true,
  'isolation-distance': true,
  'industry-allowed': true,
  wastewater: true,
  'same-province': true,
  'same-region': false,
  'active-conforming': true,
};

interface FacilityFeature {
  type: 'Feature';
  id: string;
  geometry: GeoJSON.Geometry;
  properties: { name: string; hazard_class: string | null; land_need_ha: number | null; industry: string | null; province_code: string; status: string };
  meta: { lon: number; lat: number; version: number };
}

interface Candidate extends ScoredCandidate {
  name: string;
  code: string | null;
  planned: boolean;
  lon: number;
  lat: number;
}
interface Rejected {
  cluster_id: string;
  constraint: ConstraintId;
  message: string;
  message_en: string;
  evidence: Record<string, unknown>;
  name: string;
  planned: boolean;
  lon: number;
  lat: number;
}
interface FacilityResult {
  facility_id: string;
  facility: { name: string; hazard_class: string | null; required_distance_m: number; land_need_ha: number | null; lon: number; lat: number };
  candidates: Candidate[];
  rejected: Rejected[];
  skipped_criteria: { criterion: Criterion; reason: string; reason_en: string }[];
  weights: Record<Criterion, number>;
  notes: string[];
}
interface ScreeningResponse {
  id: string;
  created_at: string;
  results: FacilityResult[];
}
interface AmongItem {
  rank: number;
  facility_id: string;
  name: string;
  hazard_class: string | null;
  required_distance_m: number;
  inside: boolean;
  zone_count: number;
  nearest_distance_m: number;
  population: number | null;
  lon: number;
  lat: number;
}

const SRC = { facilities: 'screening-facilities', candidates: 'screening-candidates', rejected: 'screening-rejected', homes: 'screening-among-homes' };
export const SCREENING_LAYERS = {
  facilities: 'screening-facilities-circle',
  candidates: 'screening-candidates-circle',
  rejected: 'screening-rejected-circle',
  homes: 'screening-among-homes-circle',
};
const EMPTY: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };
/** Rank 1 dark green → rank 5+ amber; the colour ramp of the legend. */
const RANK_COLORS = ['#006d2c', '#31a354', '#74c476', '#c2a83e', '#e6842a'];
const rankColor = (rank: number) => RANK_COLORS[Math.min(rank, RANK_COLORS.length) - 1]!;

function points<T extends { lon: number; lat: number }>(items: readonly T[], props: (x: T) => Record<string, unknown>): GeoJSON.FeatureCollection {
  return { type: 'FeatureCollection', features: items.map((x) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: [x.lon, x.lat] }, properties: props(x) })) };
}

function addLayers(map: MapLibreMap) {
  for (const id of Object.values(SRC)) map.addSource(id, { type: 'geojson', data: EMPTY });
  map.addLayer({ id: SCREENING_LAYERS.rejected, type: 'circle', source: SRC.rejected, paint: { 'circle-radius': 6, 'circle-color': '#9e9e9e', 'circle-stroke-color': '#616161', 'circle-stroke-width': 1, 'circle-opacity': 0.8 } }, BEFORE.labels);
  map.addLayer({
    id: SCREENING_LAYERS.candidates,
    type: 'circle',
    source: SRC.candidates,
    paint: {
      'circle-radius': ['interpolate', ['linear'], ['get', 'rank'], 1, 12, 5, 7],
      'circle-color': ['get', 'color'],
      'circle-stroke-color': '#fff',
      'circle-stroke-width': 2,
    },
  }, BEFORE.labels);
  map.addLayer({ id: SCREENING_LAYERS.facilities, type: 'circle', source: SRC.facilities, paint: { 'circle-radius': ['case', ['get', 'selected'], 9, 6], 'circle-color': '#d7191c', 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 } });
  // a purple ring around the facility dot: both stay visible
  map.addLayer({ id: SCREENING_LAYERS.homes, type: 'circle', source: SRC.homes, paint: { 'circle-radius': 12, 'circle-color': 'rgba(122, 1, 119, 0.15)', 'circle-stroke-color': '#7a0177', 'circle-stroke-width': 3 } });
}

function setData(map: MapLibreMap | null, source: string, data: GeoJSON.FeatureCollection) {
  map?.getSource<GeoJSONSource>(source)?.setData(data);
}

function downloadCsv(name: string, rows: unknown[][]) {
  const esc = (v: unknown) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const text = '\uFEFF' + rows.map((r) => r.map(esc).join(',')).join('\r\n');
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export default function ScreeningPage(_props: PageProps) {
  const t = useT(dict);
  const { locale } = useLocale();
  const fmt = useFormatNumber();
  const { user } = useAuth();
  const [province, setProvince] = useState<string>(user?.province_code ?? '');
  const [provinces, setProvinces] = useState<{ code: string; name: string }[]>([]);
  const [facilities, setFacilities] = useState<FacilityFeature[]>([]);
  const [facilityId, setFacilityId] = useState<string>('');
  const [constraints, setConstraints] = useState(DEFAULT_CONSTRAINTS);
  const [includePlanned, setIncludePlanned] = useState(false);
  const [weights, setWeights] = useState<Record<Criterion, number>>({ ...DEFAULT_WEIGHTS });
  const [screening, setScreening] = useState<ScreeningResponse | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [selectedCluster, setSelectedCluster] = useState<string | null>(null);
  const [among, setAmong] = useState<AmongItem[] | null>(null);
  const [map, setMap] = useState<MapLibreMap | null>(null);
  const [printImage, setPrintImage] = useState<string | null>(null);
  const facilityPick = useRef<(id: string) => void>(() => undefined);
  facilityPick.current = (id: string) => setFacilityId(id);
  const localeRef = useRef(locale);
  localeRef.current = locale;

  // national accounts pick a province; provincial accounts work in theirs
  useEffect(() => {
    if (user?.province_code) return;
    getJson<GeoJSON.FeatureCollection>('/api/provinces').then(
      (fc) => setProvinces(fc.features.map((f) => ({ code: String(f.properties?.code), name: String(f.properties?.short_name ?? f.properties?.name) })).sort((a, b) => a.name.localeCompare(b.name, 'vi'))),
      () => undefined,
    );
  }, [user?.province_code]);

  useEffect(() => {
    let cancelled = false;
    getJson<{ features: FacilityFeature[] }>(withQuery('/api/facilities', { province: province || undefined })).then(
      (fc) => !cancelled && setFacilities(fc.features),
      (err: Error) => !cancelled && setError(err.message),
    );
    return () => {
      cancelled = true;
    };
  }, [province]);

  const onLoad = useCallback((m: MapLibreMap) => {
    addLayers(m);
    const popup = new Popup({ closeButton: false, closeOnClick: false, className: 'screening-popup', maxWidth: '320px' });
    const hover = (layer: string, html: (p: Record<string, unknown>) => string) => {
      m.on('mousemove', layer, (e: MapLayerMouseEvent) => {
        const f = e.features?.[0];
        if (!f) return;
        m.getCanvas().style.cursor = 'pointer';
        const div = document.createElement('div');
        div.innerHTML = html(f.properties as Record<string, unknown>);
        popup.setLngLat(e.lngLat).setDOMContent(div).addTo(m);
      });
      m.on('mouseleave', layer, () => {
        m.getCanvas().style.cursor = '';
        popup.remove();
      });
    };
    const esc = (s: unknown) => String(s ?? '').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
    hover(SCREENING_LAYERS.rejected, (p) => `<strong>${esc(p.name)}</strong><br><em>${esc(p.constraint)}</em>: ${esc(localeRef.current === 'vi' ? p.message : p.message_en)}`);
    hover(SCREENING_LAYERS.candidates, (p) => `<strong>#${esc(p.rank)} ${esc(p.name)}</strong><br>${esc(p.score)}`);
    hover(SCREENING_LAYERS.facilities, (p) => `<strong>${esc(p.name)}</strong>`);
    hover(SCREENING_LAYERS.homes, (p) => `<strong>${esc(p.name)}</strong><br>${esc(p.detail)}`);
    m.on('click', SCREENING_LAYERS.facilities, (e: MapLayerMouseEvent) => {
      const id = e.features?.[0]?.properties?.id;
      if (typeof id === 'string') facilityPick.current(id);
    });
    m.on('click', SCREENING_LAYERS.candidates, (e: MapLayerMouseEvent) => {
      const id = e.features?.[0]?.properties?.cluster_id;
      if (typeof id === 'string') setSelectedCluster(id);
    });
    setMap(m);
  }, []);

  const result = screening?.results[0] ?? null;
  const skipped = useMemo(() => new Set(result?.skipped_criteria.map((s) => s.criterion) ?? []), [result]);

  // live re-ranking in the browser with the same function the server used
  const ranked: Candidate[] = useMemo(() => {
    if (!result) return [];
    const byId = new Map(result.candidates.map((c) => [c.cluster_id, c]));
    return scoreCandidates(result.candidates.map((c) => ({ cluster_id: c.cluster_id, criteria: c.criteria })), weights).map((s) => ({ ...byId.get(s.cluster_id)!, ...s }));
  }, [result, weights]);
  const liveSensitivity = useMemo(() => (result ? sensitivity(result.candidates.map((c) => ({ cluster_id: c.cluster_id, criteria: c.criteria })), weights) : null), [result, weights]);

  useEffect(() => {
    setData(
      map,
      SRC.facilities,
      points(facilities.map((f) => ({ ...f.meta, id: f.id, name: f.properties.name })), (f) => ({ id: f.id, name: f.name, selected: f.id === facilityId })),
    );
  }, [map, facilities, facilityId]);

  useEffect(() => {
    setData(map, SRC.candidates, points([...ranked].reverse(), (c) => ({ cluster_id: c.cluster_id, name: c.name, rank: c.rank, score: c.score.toFixed(3), color: rankColor(c.rank) })));
    setData(map, SRC.rejected, points(result?.rejected ?? [], (r) => ({ cluster_id: r.cluster_id, name: r.name, constraint: r.constraint, message: r.message, message_en: r.message_en })));
  }, [map, ranked, result]);

  useEffect(() => {
    setData(map, SRC.homes, points(among ?? [], (a) => ({ name: a.name, detail: `${t('class')} ${a.hazard_class ?? '?'} — ${a.inside ? t('inside') : `${a.nearest_distance_m} m < ${a.required_distance_m} m`}` })));
  }, [map, among, t]);

  // frame the facility and its clusters
  useEffect(() => {
    if (!map || !result) return;
    const pts = [[result.facility.lon, result.facility.lat], ...result.candidates.map((c) => [c.lon, c.lat]), ...result.rejected.map((r) => [r.lon, r.lat])] as [number, number][];
    const b = new LngLatBounds(pts[0], pts[0]);
    for (const p of pts) b.extend(p);
    map.fitBounds(b, { padding: { top: 50, right: 60, bottom: 60, left: 230 }, maxZoom: 12, duration: 0 });
  }, [map, result]);

  // show where the facilities among homes are
  useEffect(() => {
    if (!map || !among || among.length === 0) return;
    const b = new LngLatBounds([among[0]!.lon, among[0]!.lat], [among[0]!.lon, among[0]!.lat]);
    for (const a of among) b.extend([a.lon, a.lat]);
    if (result) b.extend([result.facility.lon, result.facility.lat]);
    map.fitBounds(b, { padding: { top: 50, right: 60, bottom: 60, left: 230 }, maxZoom: 12, duration: 0 });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [map, among]);

  const run = async () => {
    if (!facilityId) return;
    setRunning(true);
    setError(null);
    try {
      const res = await postJson<ScreeningResponse>('/api/screening', { facility_id: facilityId, constraints, include_planned: includePlanned, weights });
      setScreening(res);
      setSelectedCluster(null);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setRunning(false);
    }
  };

  const showAmong = async () => {
    try {
      const res = await getJson<{ items: AmongItem[] }>(withQuery('/api/facilities/among-residential', { province: province || undefined }));
      setAmong(res.items);
    } catch (err) {
      setError((err as Error).message);
    }
  };

  const exportCsv = () => {
    if (!result || !screening) return;
    const header = ['screening_id', 'rank', 'cluster_id', 'cluster', 'planned', 'score', ...CRITERIA.flatMap((c) => [`${c}_raw`, `${c}_normalized`, `${c}_weight`, `${c}_contribution`]), 'rejected_by', 'reason'];
    const rows: unknown[][] = [header];
    for (const c of ranked) {
      rows.push([screening.id, c.rank, c.cluster_id, c.name, c.planned, c.score, ...CRITERIA.flatMap((k): unknown[] => {
        const x = c.criteria.find((y) => y.criterion === k);
        return x ? [x.raw, x.normalized, x.weight, x.contribution] : ['', '', '', ''];
      }), '', '']);
    }
    for (const r of result.rejected) rows.push([screening.id, '', r.cluster_id, r.name, r.planned, '', ...CRITERIA.flatMap(() => ['', '', '', '']), r.constraint, locale === 'vi' ? r.message : r.message_en]);
    downloadCsv(`sang-loc-${screening.id}.csv`, rows);
  };

  // WebGL only keeps the frame during a render: capture it then, and print with that image
  const printReport = () => {
    if (!map) return window.print();
    map.once('render', () => {
      setPrintImage(map.getCanvas().toDataURL('image/png'));
      setTimeout(() => window.print(), 300);
    });
    map.triggerRepaint();
  };

  const selected = ranked.find((c) => c.cluster_id === selectedCluster) ?? ranked[0] ?? null;
  const cLabel = (c: Criterion) => CRITERION_LABELS[c][locale];
  const shownCriteria = CRITERIA.filter((c) => !skipped.has(c));

  return (
    <div className="screening" data-testid="screening-page" data-map-ready={map ? 'true' : 'false'}>
      <h1 className="screening__title">{t('title')}</h1>
      <p className="muted screening__intro">{t('intro')}</p>
      <div className="screening__layout">
        <aside className="screening__panel">
          {!user?.province_code && (
            <label className="form__field">
              <span className="form__label">{t('province')}</span>
              <select className="input input--select" value={province} onChange={(e) => setProvince(e.currentTarget.value)}>
                <option value="">—</option>
                {provinces.map((p) => (
                  <option key={p.code} value={p.code}>
                    {p.name}
                  </option>
                ))}
              </select>
            </label>
          )}
          <label className="form__field">
            <span className="form__label">{t('facility')}</span>
            <select className="input input--select" data-testid="facility-select" value={facilityId} onChange={(e) => setFacilityId(e.currentTarget.value)}>
              <option value="">{t('facilityPick')}</option>
              {facilities.map((f) => (
                <option key={f.id} value={f.id}>
                  {f.properties.name} ({t('class')} {f.properties.hazard_class ?? '?'})
                </option>
              ))}
            </select>
          </label>
          {facilities.length === 0 && <p className="muted">{t('noFacilities')}</p>}
          <fieldset className="screening__fieldset">
            <legend>{t('constraints')}</legend>
            {CONSTRAINTS.map((c) => (
              <label key={c} className="screening__check">
                <input type="checkbox" checked={constraints[c]} onChange={(e) => setConstraints({ ...constraints, [c]: e.currentTarget.checked })} />
                <span>{t(`c.${c}`)}</span>
              </label>
            ))}
            <label className="screening__check">
              <input type="checkbox" checked={includePlanned} onChange={(e) => setIncludePlanned(e.currentTarget.checked)} />
              <span>{t('includePlanned')}</span>
            </label>
          </fieldset>
          <button type="button" className="button button--primary button--block" disabled={!facilityId || running} onClick={run} data-testid="run-screening">
            {running ? t('running') : t('run')}
          </button>
          <fieldset className="screening__fieldset">
            <legend>{t('weights')}</legend>
            {CRITERIA.map((c) => (
              <label key={c} className={`screening__slider ${skipped.has(c) ? 'is-skipped' : ''}`}>
                <span>
                  {cLabel(c)} <output>{weights[c].toFixed(2)}</output>
                </span>
                <input
                  type="range"
                  min={0}
                  max={1}
                  step={0.05}
                  value={weights[c]}
                  data-testid={`weight-${c}`}
                  onChange={(e) => setWeights({ ...weights, [c]: Number(e.currentTarget.value) })}
                />
                {skipped.has(c) && <small className="muted">{t('skipped', { reason: result!.skipped_criteria.find((s) => s.criterion === c)![locale === 'vi' ? 'reason' : 'reason_en'] })}</small>}
              </label>
            ))}
            <button type="button" className="button button--secondary" onClick={() => setWeights({ ...DEFAULT_WEIGHTS })}>
              {t('resetWeights')}
            </button>
          </fieldset>
          <button type="button" className="button button--secondary button--block" onClick={showAmong} data-testid="show-among-homes">
            {t('amongHomesShow')}
          </button>
        </aside>

        <section className="screening__main">
          <div className="screening__map">
            <MapView onLoad={onLoad} padding={40} />
            <ul className="screening__legend">
              <li><span className="dot" style={{ background: '#d7191c' }} /> {t('legendFacility')}</li>
              <li><span className="dot" style={{ background: RANK_COLORS[0] }} /><span className="dot" style={{ background: RANK_COLORS[2] }} /><span className="dot" style={{ background: RANK_COLORS[4] }} /> {t('legendCandidate')}</li>
              <li><span className="dot" style={{ background: '#9e9e9e' }} /> {t('legendRejected')}</li>
              <li><span className="dot dot--ring" /> {t('legendHomes')}</li>
            </ul>
          </div>
          {printImage && <img className="screening__print-map" src={printImage} alt={t('mapAlt')} />}
          {error && <p className="form__error" role="alert">{t('error', { message: error })}</p>}

          {result && screening && (
            <div className="screening__result" data-testid="screening-result">
              <h2 className="screening__print-only">{t('reportTitle')}</h2>
              <p>
                {t('reportFacility', { name: result.facility.name, class: result.facility.hazard_class ?? '?', land: result.facility.land_need_ha ?? '?', distance: fmt(result.facility.required_distance_m) })}
              </p>
              <p className="muted">{t('stored', { id: screening.id, at: new Date(screening.created_at).toLocaleString(locale === 'vi' ? 'vi-VN' : 'en-GB') })}</p>
              <div className="screening__actions">
                <button type="button" className="button button--secondary" onClick={exportCsv}>{t('exportCsv')}</button>
                <button type="button" className="button button--secondary" onClick={printReport}>{t('print')}</button>
              </div>

              <h3>{t('candidates', { count: ranked.length })}</h3>
              {ranked.length === 0 ? (
                <p>{t('noCandidates')}</p>
              ) : (
                <table className="screening__table" data-testid="candidates-table">
                  <thead>
                    <tr>
                      <th>{t('rank')}</th>
                      <th>{t('cluster')}</th>
                      {shownCriteria.map((c) => <th key={c}>{cLabel(c)}</th>)}
                      <th>{t('score')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {ranked.map((c) => (
                      <tr key={c.cluster_id} className={c.cluster_id === selected?.cluster_id ? 'is-selected' : ''} onClick={() => setSelectedCluster(c.cluster_id)}>
                        <td><span className="rank-badge" style={{ background: rankColor(c.rank) }}>{c.rank}</span></td>
                        <td>{c.name}{c.planned && <em className="tag"> {t('planned')}</em>}</td>
                        {shownCriteria.map((k) => {
                          const x = c.criteria.find((y) => y.criterion === k);
                          return <td key={k} className="num">{x ? fmt(x.normalized, { maximumFractionDigits: 2 }) : '—'}</td>;
                        })}
                        <td className="num"><strong>{fmt(c.score, { maximumFractionDigits: 3 })}</strong></td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}

              {selected && (
                <>
                  <h3>{t('explanation', { name: selected.name })}</h3>
                  <table className="screening__table" data-testid="explanation-table">
                    <thead>
                      <tr><th>{t('criterion')}</th><th>{t('raw')}</th><th>{t('normalized')}</th><th>{t('weight')}</th><th>{t('contribution')}</th></tr>
                    </thead>
                    <tbody>
                      {selected.criteria.map((x) => (
                        <tr key={x.criterion}>
                          <td>{cLabel(x.criterion)}</td>
                          <td className="num">{x.raw === null ? '—' : `${fmt(x.raw, { maximumFractionDigits: 2 })} ${CRITERION_UNITS[x.criterion]}`}</td>
                          <td className="num">{fmt(x.normalized, { maximumFractionDigits: 3 })}</td>
                          <td className="num">{fmt(x.weight, { maximumFractionDigits: 3 })}</td>
                          <td className="num">{fmt(x.contribution, { maximumFractionDigits: 3 })}</td>
                        </tr>
                      ))}
                      <tr className="total"><td colSpan={4}>{t('total')}</td><td className="num">{fmt(selected.score, { maximumFractionDigits: 3 })}</td></tr>
                    </tbody>
                  </table>
                </>
              )}

              {liveSensitivity && ranked.length > 0 && (
                <>
                  <h3>{t('sensitivity')}</h3>
                  <p data-testid="sensitivity">
                    {liveSensitivity.stable
                      ? t('stable')
                      : t('unstable', { cases: liveSensitivity.cases.filter((c) => c.changed).map((c) => `${cLabel(c.criterion)} ×${c.factor}`).join('; ') })}
                  </p>
                </>
              )}

              <h3>{t('rejected', { count: result.rejected.length })}</h3>
              <table className="screening__table screening__table--rejected" data-testid="rejected-table">
                <thead><tr><th>{t('cluster')}</th><th>{t('constraint')}</th><th>{t('reason')}</th></tr></thead>
                <tbody>
                  {result.rejected.map((r) => (
                    <tr key={r.cluster_id}>
                      <td>{r.name}{r.planned && <em className="tag"> {t('planned')}</em>}</td>
                      <td><code>{r.constraint}</code></td>
                      <td>{locale === 'vi' ? r.message : r.message_en}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}

          {among && (
            <div className="screening__among" data-testid="among-homes">
              <h2>{t('amongHomes')}</h2>
              <p>
                {among.length ? t('amongHomesCount', { count: among.length }) : t('amongHomesNone')}{' '}
                <a className="button button--secondary" href={withQuery('/api/facilities/among-residential', { province: province || undefined, format: 'csv' })} download>
                  {t('exportCsv')}
                </a>
              </p>
              {among.length > 0 && (
                <table className="screening__table">
                  <thead><tr><th>#</th><th>{t('facility')}</th><th>{t('class')}</th><th>{t('required')}</th><th>{t('nearest')}</th><th>{t('zones')}</th><th>{t('population')}</th></tr></thead>
                  <tbody>
                    {among.map((a) => (
                      <tr key={a.facility_id} onClick={() => setFacilityId(a.facility_id)}>
                        <td>{a.rank}</td>
                        <td>{a.name}</td>
                        <td>{a.hazard_class ?? '?'}</td>
                        <td className="num">{fmt(a.required_distance_m)}</td>
                        <td className="num">{a.inside ? t('inside') : fmt(a.nearest_distance_m)}</td>
                        <td className="num">{a.zone_count}</td>
                        <td className="num">{a.population === null ? '—' : fmt(a.population)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </div>
          )}
        </section>
      </div>
    </div>
  );
}

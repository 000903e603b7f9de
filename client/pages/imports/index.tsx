import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import { ApiError, getJson, postJson, putJson, request } from '../../api/http.ts';
import { useAuth } from '../../auth/AuthContext.tsx';
import type { PageProps } from '../../app/route-types.ts';
import { useFormatNumber, useT } from '../../i18n/index.tsx';
import { MapView, BEFORE } from '../../map/index.ts';
import { dict } from './i18n.ts';
import './imports.css';

type Severity = 'critical' | 'warning' | 'info';

interface ImportIssue {
  feature: number;
  severity: Severity;
  code: string;
  message: string;
  message_en?: string;
  location?: [number, number] | null;
}

interface ImportReport {
  id: string;
  state: 'checking' | 'checked' | 'committed' | 'failed';
  progress: number;
  format: string | null;
  crs: string | null;
  encoding: string | null;
  feature_count: number;
  mapping: Record<string, string | null>;
  issues: ImportIssue[];
  /** the issues come by page; the summary counts all of them */
  issues_page?: { offset: number; limit: number; total: number; next_offset: number | null };
  layer: string;
  filename: string | null;
  crs_source: string | null;
  crs_confirmed: boolean;
  axis_swapped: boolean;
  source_fields: string[];
  target_fields: string[];
  summary: Record<Severity, number>;
  can_commit: boolean;
  error: { code: string; message: string } | null;
  result: { created: number; skipped: number } | null;
}

const LAYERS = [
  ['clusters', 'layerClusters'],
  ['residential-zones', 'layerResidential'],
  ['facilities', 'layerFacilities'],
  ['plan-items', 'layerPlanItems'],
] as const;

const SEVERITY_COLOR: Record<string, string> = { critical: '#c62828', warning: '#ef8f00', ok: '#1f5fd6' };

function errorText(err: unknown): string {
  return err instanceof ApiError ? `${err.message} (${err.code})` : (err as Error).message;
}

/** The import wizard: upload → detected settings → mapping → issues (filter, click to zoom) → map preview → commit. */
export default function ImportsPage(_props: PageProps) {
  const t = useT(dict);
  const fmt = useFormatNumber();
  const { user } = useAuth();
  const [layer, setLayer] = useState('clusters');
  const [province, setProvince] = useState('');
  const [crsInput, setCrsInput] = useState('');
  const [plan, setPlan] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [filter, setFilter] = useState<Severity | 'all'>('all');
  const [mapping, setMapping] = useState<Record<string, string | null>>({});
  const [confirmCrs, setConfirmCrs] = useState('');
  const [map, setMap] = useState<MapLibreMap | null>(null);
  const [provinces, setProvinces] = useState<{ code: string; name: string }[]>([]);
  const poll = useRef<number | null>(null);

  useEffect(() => {
    if (user?.role !== 'admin') return;
    getJson<unknown>('/api/provinces')
      .then((body) => {
        const list = (Array.isArray(body) ? body : ((body as { provinces?: unknown[] }).provinces ?? (body as { features?: unknown[] }).features ?? [])) as Array<{ code?: string; name?: string; properties?: { code?: string; name?: string } }>;
        setProvinces(list.map((p) => ({ code: (p.code ?? p.properties?.code) as string, name: (p.name ?? p.properties?.name) as string })).filter((p) => p.code));
      })
      .catch(() => undefined);
  }, [user?.role]);

  const load = useCallback(async (id: string) => {
    const r = await getJson<ImportReport>(`/api/imports/${id}`);
    setReport(r);
    setMapping(r.mapping);
    setConfirmCrs(r.crs ?? '');
    return r;
  }, []);

  // poll while the server checks (progress lives in the database)
  useEffect(() => {
    if (!report || report.state !== 'checking') return;
    poll.current = window.setTimeout(() => {
      load(report.id).catch((err) => setError(errorText(err)));
    }, 400);
    return () => {
      if (poll.current) window.clearTimeout(poll.current);
    };
  }, [report, load]);

  // map preview: (re)load the staged features whenever a check finishes
  useEffect(() => {
    if (!map || !report || report.state === 'checking') return;
    let cancelled = false;
    void getJson<GeoJSON.FeatureCollection>(`/api/imports/${report.id}/features`).then((fc) => {
      if (cancelled) return;
      const src = map.getSource('import-preview') as GeoJSONSource | undefined;
      if (src) src.setData(fc);
      else {
        map.addSource('import-preview', { type: 'geojson', data: fc });
        const color = ['match', ['get', 'severity'], 'critical', SEVERITY_COLOR.critical, 'warning', SEVERITY_COLOR.warning, SEVERITY_COLOR.ok] as unknown as string;
        map.addLayer({ id: 'import-preview-fill', type: 'fill', source: 'import-preview', filter: ['!=', ['geometry-type'], 'Point'], paint: { 'fill-color': color, 'fill-opacity': 0.3 } }, BEFORE.boundaries);
        map.addLayer({ id: 'import-preview-line', type: 'line', source: 'import-preview', filter: ['!=', ['geometry-type'], 'Point'], paint: { 'line-color': color, 'line-width': 2 } }, BEFORE.labels);
        map.addLayer({ id: 'import-preview-point', type: 'circle', source: 'import-preview', filter: ['==', ['geometry-type'], 'Point'], paint: { 'circle-color': color, 'circle-radius': 6, 'circle-stroke-color': '#fff', 'circle-stroke-width': 1.5 } }, BEFORE.labels);
      }
      const b = bboxOf(fc);
      if (b) map.fitBounds(b, { padding: 40, maxZoom: 15, duration: 0 });
    });
    return () => {
      cancelled = true;
    };
  }, [map, report?.id, report?.state, report?.crs, report]);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const form = new FormData();
      form.append('layer', layer);
      if (province) form.append('province', province);
      if (plan) form.append('plan', plan);
      form.append('file', file, file.name);
      const q = crsInput.trim() ? `?crs=${encodeURIComponent(crsInput.trim())}` : '';
      const res = await request<{ id: string }>('POST', `/api/imports${q}`, form);
      await load(res.data.id);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const act = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const zoomTo = (i: ImportIssue) => {
    if (!map) return;
    const src = map.getSource('import-preview') as GeoJSONSource | undefined;
    void (src?.getData() as Promise<GeoJSON.FeatureCollection> | undefined)?.then((fc) => {
      const f = fc?.features.find((x) => x.properties?.feature === i.feature);
      const b = f ? bboxOf({ type: 'FeatureCollection', features: [f] }) : null;
      if (b) map.fitBounds(b, { padding: 80, maxZoom: 17, duration: 300 });
      else if (i.location) map.flyTo({ center: i.location, zoom: 15, duration: 300 });
    });
    if (!src && i.location) map.flyTo({ center: i.location, zoom: 15, duration: 300 });
  };

  const issues = useMemo(() => (report?.issues ?? []).filter((i) => filter === 'all' || i.severity === filter), [report, filter]);

  return (
    <div className="imports">
      <h1>{t('title')}</h1>
      <p className="imports__intro">{t('intro')}</p>
      {error ? <p className="imports__error" role="alert">{error}</p> : null}

      {!report ? (
        <form className="imports__card" onSubmit={submit} aria-labelledby="imp-step1">
          <h2 id="imp-step1">{t('step1')}</h2>
          <label>
            {t('layer')}
            <select value={layer} onChange={(e) => setLayer(e.target.value)}>
              {LAYERS.map(([v, k]) => (
                <option key={v} value={v}>{t(k)}</option>
              ))}
            </select>
          </label>
          {user?.role === 'admin' ? (
            <label>
              {t('province')}
              <select value={province} onChange={(e) => setProvince(e.target.value)}>
                <option value="">{t('provinceAny')}</option>
                {provinces.map((p) => <option key={p.code} value={p.code}>{p.name}</option>)}
              </select>
            </label>
          ) : null}
          {layer === 'plan-items' ? (
            <label>
              {t('plan')}
              <input value={plan} onChange={(e) => setPlan(e.target.value)} inputMode="numeric" />
            </label>
          ) : null}
          <label>
            {t('crsOptional')}
            <input value={crsInput} onChange={(e) => setCrsInput(e.target.value)} placeholder="EPSG:9208" />
          </label>
          <label>
            {t('file')}
            <input type="file" accept=".geojson,.json,.kml,.kmz,.zip,.csv,.txt" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
          </label>
          <button type="submit" disabled={!file || busy}>{t('upload')}</button>
        </form>
      ) : null}

      {report?.state === 'checking' ? (
        <div className="imports__card">
          <div className="imports__progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={report.progress} aria-label={t('checking', { p: report.progress })}>
            <div style={{ width: `${report.progress}%` }} />
          </div>
          <p>{t('checking', { p: report.progress })}</p>
        </div>
      ) : null}

      {report?.state === 'failed' ? (
        <div className="imports__card">
          <p className="imports__error" role="alert">{t('failed', { message: report.error?.message ?? '' })}</p>
          {report.error?.code === 'unknown-crs' && report.feature_count ? (
            <CrsConfirm t={t} value={confirmCrs} onChange={setConfirmCrs} busy={busy} onConfirm={() => act(async () => { setReport(await putJson<ImportReport>(`/api/imports/${report.id}/crs`, { crs: confirmCrs })); })} />
          ) : null}
          <button type="button" onClick={() => setReport(null)}>{t('newImport')}</button>
        </div>
      ) : null}

      {report && report.state !== 'checking' && report.state !== 'failed' ? (
        <div className="imports__grid">
          <div className="imports__side">
            <section className="imports__card" aria-labelledby="imp-step2">
              <h2 id="imp-step2">{t('step2')}</h2>
              <dl className="imports__settings">
                <dt>{t('format')}</dt><dd data-testid="import-format">{report.format}</dd>
                <dt>{t('crs')}</dt><dd data-testid="import-crs">{report.crs} <small>({report.crs_source})</small></dd>
                <dt>{t('encoding')}</dt><dd>{report.encoding}</dd>
                <dt>{t('features')}</dt><dd data-testid="import-count">{fmt(report.feature_count)}</dd>
              </dl>
              {report.axis_swapped ? <p className="imports__note">{t('axisSwapped')}</p> : null}
              {!report.crs_confirmed && report.state === 'checked' ? (
                <>
                  <p className="imports__note">{t('crsDetected')}</p>
                  <CrsConfirm t={t} value={confirmCrs} onChange={setConfirmCrs} busy={busy} onConfirm={() => act(async () => { const r = await putJson<ImportReport>(`/api/imports/${report.id}/crs`, { crs: confirmCrs }); setReport(r); setMapping(r.mapping); })} />
                </>
              ) : null}
            </section>

            <section className="imports__card" aria-labelledby="imp-step3">
              <h2 id="imp-step3">{t('step3')}</h2>
              <table className="imports__mapping">
                <thead><tr><th>{t('sourceField')}</th><th>{t('targetField')}</th></tr></thead>
                <tbody>
                  {report.source_fields.map((f) => (
                    <tr key={f}>
                      <td><code>{f}</code></td>
                      <td>
                        <select aria-label={f} value={mapping[f] ?? ''} disabled={report.state === 'committed'} onChange={(e) => setMapping({ ...mapping, [f]: e.target.value || null })}>
                          <option value="">{t('notImported')}</option>
                          {report.target_fields.map((tf) => <option key={tf} value={tf}>{tf}</option>)}
                        </select>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {report.state === 'checked' ? (
                <button type="button" disabled={busy} onClick={() => act(async () => { const r = await putJson<ImportReport>(`/api/imports/${report.id}/mapping`, { mapping }); setReport(r); setMapping(r.mapping); })}>{t('applyMapping')}</button>
              ) : null}
            </section>

            <section className="imports__card" aria-labelledby="imp-step4">
              <h2 id="imp-step4">{t('step4')}</h2>
              <div className="imports__filters" role="group" aria-label={t('step4')}>
                {(['all', 'critical', 'warning', 'info'] as const).map((s) => (
                  <button key={s} type="button" aria-pressed={filter === s} className={`imports__filter imports__filter--${s}`} onClick={() => setFilter(s)}>
                    {t(s)} {s === 'all' ? (report.issues_page?.total ?? report.issues.length) : report.summary[s]}
                  </button>
                ))}
              </div>
              {issues.length === 0 ? <p>{t('noIssues')}</p> : null}
              {report.issues_page && report.issues_page.total > report.issues.length ? (
                <p className="ca-hint" data-testid="issues-shown">
                  {t('issuesShown').replace('{shown}', String(report.issues.length)).replace('{total}', String(report.issues_page.total))}
                </p>
              ) : null}
              <ul className="imports__issues">
                {issues.slice(0, 500).map((i, n) => (
                  <li key={`${i.feature}-${i.code}-${n}`} className={`imports__issue imports__issue--${i.severity}`}>
                    <button type="button" onClick={() => zoomTo(i)} title={t('zoomTo', { n: i.feature })}>
                      <span className="imports__sev">{t(i.severity)}</span> <strong>{t('feature', { n: i.feature })}</strong> <code>{i.code}</code>
                      <span className="imports__msg">{i.message}</span>
                    </button>
                  </li>
                ))}
              </ul>
            </section>

            <section className="imports__card" aria-labelledby="imp-step6">
              <h2 id="imp-step6">{t('step6')}</h2>
              {report.result ? (
                <p role="status" data-testid="import-result">
                  {t('committed', { created: report.result.created, skipped: report.result.skipped })}
                  {report.layer === 'clusters' ? <> {t('committedClusters')}</> : null}
                </p>
              ) : report.summary.critical > 0 ? (
                <p className="imports__error">{t('commitBlocked', { n: report.summary.critical })}</p>
              ) : null}
              {report.state === 'checked' ? (
                <button type="button" className="imports__commit" disabled={!report.can_commit || busy} onClick={() => act(async () => { await postJson(`/api/imports/${report.id}/commit`); await load(report.id); })}>
                  {t('commit', { n: report.feature_count })}
                </button>
              ) : null}
              <button type="button" onClick={() => setReport(null)}>{t('newImport')}</button>
            </section>
          </div>
          <section className="imports__map" aria-label={t('step5')}>
            <MapView onLoad={setMap} />
          </section>
        </div>
      ) : null}
    </div>
  );
}

function CrsConfirm({ t, value, onChange, onConfirm, busy }: { t: ReturnType<typeof useT<keyof typeof dict.vi>>; value: string; onChange: (v: string) => void; onConfirm: () => void; busy: boolean }) {
  return (
    <div className="imports__crs">
      <input aria-label={t('crs')} value={value} onChange={(e) => onChange(e.target.value)} placeholder="EPSG:9208" />
      <button type="button" disabled={busy || !value} onClick={onConfirm}>{t('confirmCrs')}</button>
    </div>
  );
}

function bboxOf(fc: GeoJSON.FeatureCollection): [[number, number], [number, number]] | null {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      minX = Math.min(minX, c[0] as number);
      minY = Math.min(minY, c[1] as number);
      maxX = Math.max(maxX, c[0] as number);
      maxY = Math.max(maxY, c[1] as number);
    } else if (Array.isArray(c)) c.forEach(visit);
  };
  for (const f of fc.features) if (f.geometry && 'coordinates' in f.geometry) visit(f.geometry.coordinates);
  return Number.isFinite(minX) ? [[minX, minY], [maxX, maxY]] : null;
}

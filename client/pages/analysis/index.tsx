import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import * as turf from '@turf/turf';
import type { Map as MapLibreMap } from 'maplibre-gl';
import type { MultiPolygon, Point, Polygon } from 'geojson';
import type { PageProps } from '../../app/route-types.ts';
import { ApiError, getJson, request } from '../../api/http.ts';
import { useAuth } from '../../auth/AuthContext.tsx';
import { useLocale } from '../../i18n/index.tsx';
import { MapView } from '../../map/index.ts';
import { ConformityPanel, type RuleResult } from '../../analysis/ConformityPanel.tsx';
import { updateProximityLayers, type ProximityResult } from '../../analysis/ProximityLayers.ts';
import {
  RESIDENTIAL_KINDS,
  RESIDENTIAL_LABELS,
  ResidentialLegend,
  addResidentialLayer,
  highlightResidentialZones,
  loadResidentialZones,
  type ResidentialCollection,
} from '../../analysis/ResidentialLayer.ts';
import '../../analysis/analysis.css';
import { roleMay } from '@domain/permissions.ts';

type ClusterProximity = ProximityResult & { cluster: { id: string; code: string; name: string; version: number; geometry: Polygon | MultiPolygon | Point } };
interface ProfileInfo { id: string; document: string; effective_from: string; effective_until: string | null }
interface ImportJob { id: number; status: string; phase: string; total: number; processed: number; stored: number; errors: { index: number; name?: string | null; errors: { message: string; message_en: string }[] }[] }

const KIND_VI: Record<string, string> = Object.fromEntries(RESIDENTIAL_KINDS.map((k) => [k, RESIDENTIAL_LABELS[k].vi]));

/** /analysis: a cluster's proximity and conformity on the map, residential zones and their import. */
export default function AnalysisPage(_props: PageProps) {
  const { locale } = useLocale();
  const vi = locale === 'vi';
  const { user } = useAuth();
  const [map, setMap] = useState<MapLibreMap | null>(null);
  const [input, setInput] = useState(() => new URLSearchParams(window.location.search).get('cluster') ?? '');
  const [clusterId, setClusterId] = useState<string | null>(null);
  const [profiles, setProfiles] = useState<ProfileInfo[]>([]);
  const [profile, setProfile] = useState<string>('');
  const [prox, setProx] = useState<ClusterProximity | null>(null);
  const [error, setError] = useState<string | null>(null);
  const zonesRef = useRef<ResidentialCollection | null>(null);

  useEffect(() => {
    getJson<ProfileInfo[]>('/api/analysis/profiles').then(setProfiles).catch(() => setProfiles([]));
  }, []);

  const refreshZones = useCallback(async (m: MapLibreMap) => {
    if (m.getZoom() < 9) return; // nationwide there would be too many polygons
    try {
      zonesRef.current = await loadResidentialZones(m);
    } catch {
      // the layer stays as it was
    }
  }, []);

  const onLoad = useCallback((m: MapLibreMap) => {
    addResidentialLayer(m);
    let timer: ReturnType<typeof setTimeout> | undefined;
    m.on('moveend', () => {
      clearTimeout(timer);
      timer = setTimeout(() => void refreshZones(m), 250);
    });
    setMap(m);
  }, [refreshZones]);

  const loadCluster = useCallback(async (id: string) => {
    setError(null);
    try {
      const data = await getJson<ClusterProximity>(`/api/clusters/${encodeURIComponent(id)}/proximity`);
      setProx(data);
      setClusterId(data.cluster.id);
      const url = new URL(window.location.href);
      url.searchParams.set('cluster', data.cluster.code);
      window.history.replaceState(window.history.state, '', url);
    } catch (err) {
      setProx(null);
      setClusterId(null);
      setError(err instanceof ApiError ? err.message : String(err));
    }
  }, []);

  useEffect(() => {
    if (input) void loadCluster(input);
    // only the initial deep link
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // fit to the cluster plus its isolation distance, load the zones there, then draw the proximity
  useEffect(() => {
    if (!map) return;
    if (!prox) {
      updateProximityLayers(map, { geometry: null, proximity: null, zones: null });
      return;
    }
    const g = prox.cluster.geometry;
    const area = turf.buffer(turf.feature(g), Math.max(prox.isolation_m, 300) + 200, { units: 'meters' });
    const bbox = turf.bbox(area ?? turf.feature(g)) as [number, number, number, number];
    map.fitBounds([[bbox[0], bbox[1]], [bbox[2], bbox[3]]], { padding: 30, duration: 0 });
    void loadResidentialZones(map, bbox).then((zones) => {
      zonesRef.current = zones;
      updateProximityLayers(map, { geometry: g, proximity: prox, zones });
    });
  }, [map, prox]);

  const showEvidence = useCallback(
    (r: RuleResult) => {
      if (!map || !prox) return;
      const ids = (r.evidence.geometry_ids ?? []).map(Number);
      const zones = (zonesRef.current?.features ?? []).filter((f) => ids.includes(f.properties.id));
      highlightResidentialZones(map, r.rule === 'no-residents-inside' ? (prox.residential_inside_ids ?? []) : ids);
      const target = zones.length ? turf.featureCollection([...zones, turf.feature(prox.cluster.geometry)]) : turf.feature(prox.cluster.geometry);
      const b = turf.bbox(target);
      map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 60, duration: 500 });
    },
    [map, prox],
  );

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (input.trim()) void loadCluster(input.trim());
  };

  return (
    <div className="analysis-page">
      <aside className="analysis-page__side">
        <h2 style={{ margin: 0 }}>{vi ? 'Phân tích không gian' : 'Spatial analysis'}</h2>
        <form onSubmit={submit}>
          <fieldset>
            <legend>{vi ? 'Cụm công nghiệp' : 'Industrial cluster'}</legend>
            <label>
              {vi ? 'Mã hoặc định danh cụm' : 'Cluster code or id'}
              <input type="text" name="cluster" value={input} onChange={(e) => setInput(e.target.value)} placeholder="10-CCN-001" />
            </label>
            <label>
              {vi ? 'Văn bản quy định' : 'Regulation'}
              <select name="profile" value={profile} onChange={(e) => setProfile(e.target.value)}>
                <option value="">{vi ? 'Theo ngày quyết định thành lập' : 'In force on the decision date'}</option>
                {profiles.map((p) => (
                  <option key={p.id} value={p.id}>{p.document}</option>
                ))}
              </select>
            </label>
            <button type="submit" className="button button--primary">{vi ? 'Phân tích' : 'Analyse'}</button>
            {error && <p className="conformity__error" role="alert">{error}</p>}
          </fieldset>
        </form>
        {prox && <ProximitySummary prox={prox} />}
        {clusterId && <ConformityPanel clusterId={clusterId} profile={profile || null} onShowEvidence={showEvidence} />}
        {roleMay(user?.role, 'import-residential') && <ImportForm onDone={() => map && void refreshZones(map)} />}
      </aside>
      <div className="analysis-page__map">
        <MapView onLoad={onLoad}>
          <ResidentialLegend map={map} />
        </MapView>
      </div>
    </div>
  );
}

function ProximitySummary({ prox }: { prox: ClusterProximity }) {
  const { locale } = useLocale();
  const vi = locale === 'vi';
  const fmt = (n: number) => n.toLocaleString(vi ? 'vi-VN' : 'en-GB', { maximumFractionDigits: 1 });
  const kind = (k: string) => (vi ? (KIND_VI[k] ?? k) : k);
  return (
    <section className="analysis-proximity conformity" data-testid="proximity">
      <h3 style={{ margin: '0 0 0.4rem', fontSize: '1rem' }}>{prox.cluster.name}</h3>
      <dl>
        <dt>{vi ? 'Cấp độc hại' : 'Hazard class'}</dt>
        <dd>{prox.hazard_class ?? (vi ? 'chưa xác định' : 'unknown')}</dd>
        <dt>{vi ? 'Khoảng cách ly' : 'Isolation distance'}</dt>
        <dd>{fmt(prox.isolation_m)} m</dd>
        <dt>{vi ? 'Khu dân cư gần nhất' : 'Nearest zone'}</dt>
        <dd>{prox.nearest ? `${prox.nearest.name ?? '#' + prox.nearest.id} (${kind(prox.nearest.kind)}) — ${fmt(prox.nearest.distance_m)} m` : vi ? 'không có' : 'none'}</dd>
        <dt>{vi ? 'Trong khoảng cách ly' : 'Within isolation'}</dt>
        <dd>{prox.within_isolation.length}</dd>
        <dt>{vi ? 'Đất ở trong ranh giới' : 'Residential inside'}</dt>
        <dd>{fmt(prox.residential_inside_ha)} ha</dd>
        <dt>{vi ? 'Dải cây xanh ≥ 10 m' : 'Green buffer ≥ 10 m'}</dt>
        <dd>{prox.green_buffer_ok ? (vi ? 'bố trí được' : 'possible') : vi ? 'không bố trí được' : 'not possible'}</dd>
      </dl>
      {prox.warnings?.map((w) => (
        <p key={w.code} className="conformity__note">⚠ {vi ? w.message : w.message_en}</p>
      ))}
    </section>
  );
}

function ImportForm({ onDone }: { onDone: () => void }) {
  const { locale } = useLocale();
  const vi = locale === 'vi';
  const [job, setJob] = useState<ImportJob | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    if (!(form.get('file') instanceof File) || (form.get('file') as File).size === 0) {
      setMessage(vi ? 'Chọn tệp GeoJSON hoặc KML' : 'Choose a GeoJSON or KML file');
      return;
    }
    setBusy(true);
    setMessage(null);
    setJob(null);
    try {
      const started = await request<{ import_id: number; progress_url: string }>('POST', '/api/residential-zones/import?async=true', form);
      for (;;) {
        const current = await getJson<ImportJob>(started.data.progress_url);
        setJob(current);
        if (current.status !== 'running') {
          if (current.status === 'done') {
            setMessage(vi ? `Đã nhập ${current.stored} khu dân cư` : `Imported ${current.stored} zones`);
            onDone();
          } else {
            setMessage(vi ? `Tệp bị từ chối: ${current.errors.length} đối tượng lỗi, không có gì được lưu` : `File rejected: ${current.errors.length} bad features, nothing stored`);
          }
          break;
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    } catch (err) {
      setMessage(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  const pct = job && job.total > 0 ? Math.round((job.processed / job.total) * 100) : 0;
  return (
    <form onSubmit={submit} className="analysis-import">
      <fieldset disabled={busy}>
        <legend>{vi ? 'Nhập khu dân cư (GeoJSON, KML)' : 'Import residential zones (GeoJSON, KML)'}</legend>
        <label>
          {vi ? 'Tệp' : 'File'}
          <input type="file" name="file" accept=".geojson,.json,.kml,application/geo+json,application/vnd.google-earth.kml+xml" />
        </label>
        <label>
          {vi ? 'Loại mặc định (khi đối tượng không ghi loại)' : 'Default kind (for features without one)'}
          <select name="kind" defaultValue="">
            <option value="">{vi ? '— bắt buộc ghi trong tệp —' : '— must be in the file —'}</option>
            {RESIDENTIAL_KINDS.map((k) => (
              <option key={k} value={k}>{RESIDENTIAL_LABELS[k][locale]}</option>
            ))}
          </select>
        </label>
        <button type="submit" className="button button--secondary">{vi ? 'Nhập' : 'Import'}</button>
        {job && job.status === 'running' && (
          <label>
            {vi ? `Đang xử lý (${job.phase}): ${job.processed}/${job.total}` : `Working (${job.phase}): ${job.processed}/${job.total}`}
            <progress max={100} value={pct} />
          </label>
        )}
        {message && <p className="conformity__note" role="status">{message}</p>}
        {job && job.errors.length > 0 && (
          <ul className="analysis-import__errors">
            {job.errors.slice(0, 200).map((e) => (
              <li key={e.index}>
                #{e.index + 1}{e.name ? ` ${e.name}` : ''}: {e.errors.map((x) => (vi ? x.message : x.message_en)).join('; ')}
              </li>
            ))}
          </ul>
        )}
      </fieldset>
    </form>
  );
}

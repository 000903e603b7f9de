import { useCallback, useEffect, useMemo, useRef, useState, type ChangeEvent } from 'react';
import type { Feature, Geometry } from 'geojson';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { validateClusterGeometry } from '@domain/geometry-validation';
import { ApiError, getJson } from '../../api/http.ts';
import { useAuth } from '../../auth/AuthContext.tsx';
import { navigate, useLocation } from '../../app/router.tsx';
import { MapView } from '../../map/index.ts';
import { useFormatNumber, useLocale, useT } from '../../i18n/index.tsx';
import type { PageProps } from '../../app/route-types.ts';
import {
  clusterId as idOfFeature,
  createCluster,
  getCluster,
  listClusters,
  removeCluster,
  reviewAction,
  updateCluster,
  validateOnServer,
} from '../../clusters/api.ts';
import { AttributeForm, useAttributeValidation } from '../../clusters/AttributeForm.tsx';
import { emptyModel, modelFromProperties, propertiesFromModel, type FormModel } from '../../clusters/attribute-model.ts';
import { CommentThread } from '../../clusters/CommentThread.tsx';
import { areaHa, bboxOf, roundGeometry } from '../../clusters/geometry.ts';
import { GeometryHistory } from '../../clusters/geometry-history.ts';
import { HistoryPanel, ReviewStateBadge } from '../../clusters/HistoryPanel.tsx';
import { BoundaryImportError, parseBoundaryFile } from '../../clusters/import-boundary.ts';
import { readServerProblems, type ServerProblems } from '../../clusters/server-problems.ts';
import { BoundarySnapper } from '../../clusters/snapping.ts';
import type { BoundaryGeometry, ClusterFeature } from '../../clusters/types.ts';
import { isNationalRole, roleMay } from '@domain/permissions.ts';
import { ConformitySlot } from './ConformitySlot.tsx';
import { EditorDraw, type DrawController, type EditorTool } from './EditorDraw.tsx';
import { EDITOR_COLORS, EditorLayers } from './EditorLayers.tsx';
import { dict } from './i18n.ts';
import './editor.css';

interface Loaded {
  id: string;
  etag: string;
  feature: ClusterFeature;
}

type Tab = 'attributes' | 'history' | 'comments';

// set by EditorDraw once the map is ready; module-level because only one editor is mounted at a time
let editorMap: MapLibreMap | null = null;

function fitTo(g: Geometry | null) {
  const b = bboxOf(g);
  if (b && editorMap) editorMap.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 60, maxZoom: 16, duration: 0 });
}

/** The planner's editor: draw or edit a boundary, fill the attributes, save drafts and submit them for review. */
export default function EditorPage(_props: PageProps) {
  const t = useT(dict);
  const { locale } = useLocale();
  const fmt = useFormatNumber();
  const { user } = useAuth();
  const { search } = useLocation();
  const requestedId = search.get('id');

  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [model, setModel] = useState<FormModel>(() => emptyModel(user?.province_code ?? null));
  const [savedModel, setSavedModel] = useState<FormModel | null>(null);
  const historyRef = useRef(new GeometryHistory());
  const [geometry, setGeometry] = useState<BoundaryGeometry | null>(null);
  /** the location point of a loaded cluster without a boundary */
  const [location, setLocation] = useState<Geometry | null>(null);
  const [savedGeometry, setSavedGeometry] = useState<BoundaryGeometry | null>(null);
  // the geometry while a vertex is being dragged or a part is being drawn (not yet on the undo stack)
  const [liveGeometry, setLiveGeometry] = useState<BoundaryGeometry | null>(null);
  const [, setHistoryTick] = useState(0);
  const [tool, setTool] = useState<EditorTool>('draw');
  const [snapping, setSnapping] = useState(true);
  const [clusters, setClusters] = useState<ClusterFeature[]>([]);
  const [provinceGeometry, setProvinceGeometry] = useState<Geometry | null>(null);
  const [problems, setProblems] = useState<ServerProblems | null>(null);
  const [notice, setNotice] = useState<{ kind: 'ok' | 'error' | 'info'; text: string } | null>(null);
  const [busy, setBusy] = useState<null | 'save' | 'submit' | 'check' | 'remove' | 'load'>(null);
  const [comment, setComment] = useState('');
  const [tab, setTab] = useState<Tab>('attributes');
  const [refreshKey, setRefreshKey] = useState(0);
  const [lockedHoles, setLockedHoles] = useState(false);
  const controllerRef = useRef<DrawController | null>(null);
  const snapper = useMemo(() => new BoundarySnapper(), []);
  const fileInput = useRef<HTMLInputElement>(null);
  const provinceRef = useRef<Geometry | null>(null);
  const requestedIdRef = useRef(requestedId);
  requestedIdRef.current = requestedId;

  const province = typeof model.province_code === 'string' && /^\d{2}$/.test(model.province_code) ? model.province_code : user?.province_code ?? null;
  const provinceLocked = !!user && !isNationalRole(user.role);

  /* ------------------------------------------------------------ context data */

  const reloadClusters = useCallback(async () => {
    if (!province) return;
    try {
      const fc = await listClusters({ province, limit: 2000 });
      setClusters(fc.features as ClusterFeature[]);
    } catch (err) {
      console.warn('Cluster list unavailable', err);
    }
  }, [province]);

  useEffect(() => {
    void reloadClusters();
  }, [reloadClusters]);

  useEffect(() => {
    if (!province) return;
    let live = true;
    getJson<Feature>(`/api/provinces/${province}?geometry=full`)
      .then((f) => {
        if (!live) return;
        setProvinceGeometry(f.geometry);
        provinceRef.current = f.geometry;
        // start where the planner works, unless a cluster is being opened
        if (!requestedIdRef.current) fitTo(f.geometry);
      })
      .catch(() => live && setProvinceGeometry(null));
    return () => {
      live = false;
    };
  }, [province]);

  const others = useMemo(
    () =>
      clusters
        .filter((c) => idOfFeature(c) !== loaded?.id)
        .map((c) => ({ type: 'Feature' as const, geometry: c.geometry, properties: { id: idOfFeature(c), name: c.properties?.name ?? '', boundary_status: c.properties?.boundary_status ?? 'surveyed' } })),
    [clusters, loaded?.id],
  );

  useEffect(() => {
    // snap to boundaries only: a location point has none
    snapper.setTargets([...others.map((o) => o.geometry).filter((g) => g?.type !== 'Point'), provinceGeometry]);
  }, [snapper, others, provinceGeometry]);

  /* ------------------------------------------------------------- geometry */

  const applyGeometry = useCallback((g: BoundaryGeometry | null) => {
    const ok = controllerRef.current?.setGeometry(g) ?? true;
    const hasHoles = !!g && (g.type === 'Polygon' ? g.coordinates.length > 1 : g.coordinates.some((p) => p.length > 1));
    setLockedHoles(!ok || hasHoles);
    setGeometry(g);
    setLiveGeometry(null);
  }, []);

  const commit = useCallback((g: BoundaryGeometry | null) => {
    const rounded = g ? roundGeometry(g) : null;
    if (historyRef.current.push(rounded)) setHistoryTick((n) => n + 1);
    setGeometry(rounded);
    setLiveGeometry(null);
    setProblems(null);
  }, []);

  const undo = useCallback(() => {
    if (!historyRef.current.canUndo) return;
    applyGeometry(historyRef.current.undo());
    setHistoryTick((n) => n + 1);
  }, [applyGeometry]);
  const redo = useCallback(() => {
    if (!historyRef.current.canRedo) return;
    applyGeometry(historyRef.current.redo());
    setHistoryTick((n) => n + 1);
  }, [applyGeometry]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
      if (!(e.ctrlKey || e.metaKey)) return;
      const key = e.key.toLowerCase();
      if (key === 'z' && !e.shiftKey) {
        e.preventDefault();
        undo();
      } else if ((key === 'z' && e.shiftKey) || key === 'y') {
        e.preventDefault();
        redo();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [undo, redo]);

  const chooseTool = (next: EditorTool) => {
    setTool(next);
    controllerRef.current?.setTool(next);
  };

  const onReady = useCallback(
    (c: DrawController) => {
      controllerRef.current = c;
      editorMap = c.map;
      // a cluster loaded before the map was ready
      if (historyRef.current.value) {
        applyGeometry(historyRef.current.value);
        fitTo(historyRef.current.value);
      } else if (provinceRef.current) fitTo(provinceRef.current);
      c.setTool(historyRef.current.value ? 'select' : 'draw');
      setTool(historyRef.current.value ? 'select' : 'draw');
    },
    [applyGeometry],
  );

  /* ------------------------------------------------------------- loading */


  const loadCluster = useCallback(
    async (id: string) => {
      setBusy('load');
      setProblems(null);
      setNotice(null);
      try {
        const { feature, etag } = await getCluster(id);
        // a cluster without a boundary has its location point: shown as a symbol, the boundary is still to draw
        const point = feature.geometry?.type === 'Point' ? (feature.geometry as Geometry) : null;
        const g = point ? null : (feature.geometry as BoundaryGeometry);
        setLocation(point);
        setLoaded({ id: idOfFeature(feature) || id, etag, feature });
        const m = modelFromProperties(feature.properties);
        setModel(m);
        setSavedModel(m);
        historyRef.current.reset(g);
        setSavedGeometry(g);
        applyGeometry(g);
        setHistoryTick((n) => n + 1);
        chooseTool(point ? 'draw' : 'select');
        fitTo(point ?? g);
        if (point) setNotice({ kind: 'info', text: t('noBoundaryYet') });
      } catch (err) {
        setNotice({ kind: 'error', text: (err as Error).message });
      } finally {
        setBusy(null);
      }
    },
    // `t` only words the notice: a language switch must not reload the cluster (and drop unsaved edits)
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [applyGeometry],
  );

  useEffect(() => {
    if (requestedId && requestedId !== loaded?.id) void loadCluster(requestedId);
    if (!requestedId && loaded) startNew();
    // startNew is stable in effect
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [requestedId]);

  function startNew() {
    setLoaded(null);
    setLocation(null);
    const m = emptyModel(user?.province_code ?? null);
    setModel(m);
    setSavedModel(null);
    historyRef.current.reset(null);
    setSavedGeometry(null);
    applyGeometry(null);
    setProblems(null);
    setNotice(null);
    setComment('');
    setTab('attributes');
    setHistoryTick((n) => n + 1);
    chooseTool('draw');
  }

  const pick = (id: string) => navigate(id ? `/editor?id=${encodeURIComponent(id)}` : '/editor');

  /* ------------------------------------------------------------ validation */

  const shown = liveGeometry ?? geometry;
  const liveArea = areaHa(shown);
  const geometryCheck = useMemo(() => (shown ? validateClusterGeometry({ type: 'Feature', geometry: shown, properties: {} }) : null), [shown]);
  const attributeCheck = useAttributeValidation(model);
  // a stable object, so the conformity panel re-checks only when an attribute really changed
  const conformityAttributes = useMemo(() => propertiesFromModel(model), [model]);
  const dirty =
    !loaded ||
    JSON.stringify(geometry) !== JSON.stringify(savedGeometry) ||
    JSON.stringify(propertiesFromModel(model)) !== JSON.stringify(propertiesFromModel(savedModel ?? emptyModel()));
  const problemLocations = useMemo(() => {
    const list: [number, number][] = [];
    for (const e of geometryCheck?.errors ?? []) if (e.location) list.push(e.location);
    for (const p of problems?.locations ?? []) list.push(p);
    return list;
  }, [geometryCheck, problems]);

  /* ---------------------------------------------------------------- actions */

  function input() {
    return { geometry: geometry!, properties: propertiesFromModel(model), comment: comment.trim() || undefined };
  }

  function showError(err: unknown) {
    const p = readServerProblems(err);
    setProblems(p);
    // the problems box lists the server's bilingual messages; a plain notice only for errors without details
    if (p.status === 409) setNotice({ kind: 'error', text: t('conflict', { version: String(p.currentVersion ?? '?') }) });
    else if (p.status === 403) setNotice({ kind: 'error', text: `${t('forbidden')} (${p.message})` });
    else setNotice(p.messages.length || p.overlaps.length || p.fieldIssues.length ? null : { kind: 'error', text: err instanceof Error ? err.message : String(err) });
    if (p.locations[0] && editorMap) editorMap.easeTo({ center: p.locations[0], duration: 0 });
  }

  async function save() {
    if (!geometry) {
      setNotice({ kind: 'error', text: t('noGeometry') });
      return;
    }
    setBusy('save');
    setProblems(null);
    setNotice(null);
    try {
      const result = loaded ? await updateCluster(loaded.id, input(), loaded.etag) : await createCluster(input());
      const id = idOfFeature(result.feature);
      const g = result.feature.geometry as BoundaryGeometry;
      setLoaded({ id, etag: result.etag, feature: result.feature });
      const m = modelFromProperties(result.feature.properties);
      setModel(m);
      setSavedModel(m);
      setSavedGeometry(g);
      // the server cleans the boundary (duplicate vertices): adopt its version without losing undo
      if (JSON.stringify(g) !== JSON.stringify(geometry)) {
        historyRef.current.push(g);
        applyGeometry(g);
      }
      setComment('');
      setNotice({ kind: 'ok', text: t('saved', { version: String(result.feature.properties.version ?? '') }) });
      setRefreshKey((n) => n + 1);
      void reloadClusters();
      if (requestedId !== id) navigate(`/editor?id=${encodeURIComponent(id)}`, { replace: true });
    } catch (err) {
      showError(err);
    } finally {
      setBusy(null);
    }
  }

  async function submit() {
    if (!loaded) return;
    if (dirty) {
      setNotice({ kind: 'error', text: t('saveFirst') });
      return;
    }
    setBusy('submit');
    setProblems(null);
    try {
      await reviewAction(loaded.id, 'submit', comment.trim(), loaded.etag);
      const fresh = await getCluster(loaded.id);
      setLoaded({ id: loaded.id, etag: fresh.etag, feature: fresh.feature });
      setComment('');
      setNotice({ kind: 'ok', text: t('submitted', { version: String(fresh.feature.properties.version ?? '') }) });
      setRefreshKey((n) => n + 1);
    } catch (err) {
      showError(err);
    } finally {
      setBusy(null);
    }
  }

  async function checkServer() {
    if (!geometry) {
      setNotice({ kind: 'error', text: t('noGeometry') });
      return;
    }
    setBusy('check');
    setProblems(null);
    try {
      const report = (await validateOnServer({ ...input(), id: loaded?.id })) as { ok?: boolean; errors?: { message_en?: string }[] };
      if (report && report.ok === false) {
        showError(new ApiError(422, 'invalid', report.errors?.[0]?.message_en ?? 'invalid', report));
      } else setNotice({ kind: 'ok', text: t('serverOk') });
    } catch (err) {
      showError(err);
    } finally {
      setBusy(null);
    }
  }

  async function remove() {
    if (!loaded || !window.confirm(t('removeConfirm'))) return;
    setBusy('remove');
    try {
      await removeCluster(loaded.id, loaded.etag, comment.trim() || undefined);
      await loadCluster(loaded.id);
      setNotice({ kind: 'ok', text: t('removed') });
      setRefreshKey((n) => n + 1);
    } catch (err) {
      showError(err);
    } finally {
      setBusy(null);
    }
  }

  async function onFile(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    try {
      const imported = parseBoundaryFile(file.name, await file.text(), new DOMParser());
      const g = roundGeometry(imported.geometry);
      if (historyRef.current.push(g)) setHistoryTick((n) => n + 1);
      applyGeometry(g);
      chooseTool('select');
      // fill an empty name from the file (KML <name>, GeoJSON "name"/"ten")
      const name = imported.properties.name ?? imported.properties.ten ?? imported.properties.NAME;
      if (typeof name === 'string' && !String(model.name).trim()) setModel({ ...model, name });
      setProblems(null);
      setNotice({ kind: 'info', text: t('imported', { file: file.name }) });
      fitTo(g);
    } catch (err) {
      const text = err instanceof BoundaryImportError ? err.text[locale] : (err as Error).message;
      setNotice({ kind: 'error', text: t('importError', { message: text }) });
    }
  }

  function adoptPreview() {
    const g = problems?.preview;
    if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon')) return;
    historyRef.current.push(g);
    applyGeometry(g);
    setHistoryTick((n) => n + 1);
    setProblems(null);
  }

  /* ----------------------------------------------------------------- render */

  const props = loaded?.feature.properties;
  const h = historyRef.current;
  const ha = (v: number) => fmt(v, { maximumFractionDigits: 2, minimumFractionDigits: 2 });
  // the server's rule (server/domain/permissions.ts): planners, reviewers and admins edit
  const canEdit = roleMay(user?.role, 'edit');

  return (
    <div className="editor">
      <div className="editor__map">
        <MapView padding={40}>
          <EditorLayers others={others} province={provinceGeometry} problems={problemLocations} preview={problems?.preview ?? null} location={location} onPick={pick} />
          <EditorDraw snapper={snapper} snapping={snapping} onCommit={commit} onLive={setLiveGeometry} onReady={onReady} onToolChange={setTool} />
        </MapView>
        <div className="editor__toolbar" role="toolbar" aria-label={t('title')}>
          <div className="editor__tools" role="group">
            {(['draw', 'select', 'pan'] as const).map((k) => (
              <button
                key={k}
                type="button"
                className={`editor__tool${tool === k ? ' editor__tool--active' : ''}`}
                aria-pressed={tool === k}
                disabled={k !== 'pan' && lockedHoles}
                onClick={() => chooseTool(k)}
                data-tool={k}
              >
                {k === 'draw' ? t('toolDraw') : k === 'select' ? t('toolSelect') : t('toolPan')}
              </button>
            ))}
          </div>
          <div className="editor__tools" role="group">
            <button type="button" className="editor__tool" onClick={undo} disabled={!h.canUndo} title="Ctrl+Z">
              ↶ {t('undo')}
            </button>
            <button type="button" className="editor__tool" onClick={redo} disabled={!h.canRedo} title="Ctrl+Shift+Z">
              ↷ {t('redo')}
            </button>
            <button type="button" className="editor__tool" onClick={() => { commit(null); applyGeometry(null); chooseTool('draw'); }} disabled={!geometry}>
              {t('clear')}
            </button>
          </div>
          <label className="editor__snap">
            <input type="checkbox" checked={snapping} onChange={(e) => setSnapping(e.target.checked)} /> {t('snapping')}
          </label>
        </div>
        <p className="editor__hint" aria-live="polite">
          {tool === 'draw' ? t('toolDrawHint') : tool === 'select' ? t('toolSelectHint') : ''}
        </p>
        <ul className="editor__legend" aria-label={t('legend')}>
          <li><span className="ca-swatch" style={{ background: '#ea580c' }} /> {loaded ? String(props?.name ?? '') : t('newCluster')}</li>
          <li><span className="ca-swatch" style={{ background: EDITOR_COLORS.others, opacity: 0.5 }} /> {t('otherClusters')}</li>
          <li><span className="ca-swatch ca-swatch--line ca-swatch--dashed" style={{ borderColor: EDITOR_COLORS.province }} /> {t('province')}</li>
          {problemLocations.length > 0 && <li><span className="ca-swatch ca-swatch--dot" style={{ borderColor: EDITOR_COLORS.problem }} /> {t('problem')}</li>}
          {problems?.preview && <li><span className="ca-swatch ca-swatch--line ca-swatch--dashed" style={{ borderColor: EDITOR_COLORS.preview }} /> {t('preview')}</li>}
        </ul>
      </div>

      <aside className="editor__panel" aria-label={t('title')}>
        <div className="editor__scroll">
          <h1 className="editor__title">{t('title')}</h1>
          <div className="editor__pick">
            <label className="form__field">
              <span className="form__label">{t('pickCluster')}</span>
              <select className="input input--select" name="cluster" value={loaded?.id ?? ''} onChange={(e) => pick(e.target.value)}>
                <option value="">{t('pickPlaceholder')}</option>
                {clusters.map((c) => (
                  <option key={idOfFeature(c)} value={idOfFeature(c)}>
                    {c.properties?.code ? `${c.properties.code} · ` : ''}
                    {c.properties?.name}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" className="button button--secondary" onClick={() => pick('')} disabled={!loaded}>
              + {t('newCluster')}
            </button>
          </div>

          {loaded && (
            <div className="editor__status" data-testid="cluster-status">
              <span className="editor__code">{String(props?.code ?? '')}</span>
              <span>{t('version', { v: String(props?.version ?? '') })}</span>
              <ReviewStateBadge state={props?.review_state} />
              {dirty && <span className="ca-badge ca-badge--dirty">{t('unsaved')}</span>}
            </div>
          )}

          <section className="editor__box" data-testid="live-area" aria-live="polite">
            <div className="editor__area">
              <span className="editor__area-label">{t('areaLive')}</span>
              <output className="editor__area-value" name="area">
                {shown ? `${ha(liveArea)} ha` : '—'}
              </output>
            </div>
            {props && typeof props.area_ha === 'number' && !dirty && (
              <p className="muted editor__small">
                {t('areaServer', { ha: ha(props.area_ha), vn: typeof props.area_ha_vn2000 === 'number' ? ha(props.area_ha_vn2000) : '—' })}
              </p>
            )}
            <div className="editor__validation" data-testid="live-validation">
              {!shown && <p className="muted">{t('noGeometry')}</p>}
              {geometryCheck && geometryCheck.ok && <p className="editor__ok">✓ {t('geometryOk')}</p>}
              {geometryCheck?.errors.map((e, i) => (
                <p key={`e${i}`} className="editor__issue editor__issue--error" data-code={e.code}>
                  ✗ {locale === 'vi' ? e.message : e.message_en}
                </p>
              ))}
              {geometryCheck?.warnings.map((e, i) => (
                <p key={`w${i}`} className="editor__issue editor__issue--warning" data-code={e.code}>
                  ! {locale === 'vi' ? e.message : e.message_en}
                </p>
              ))}
              {!attributeCheck.ok && <p className="editor__issue editor__issue--error">✗ {t('attributesInvalid', { count: attributeCheck.errors.length })}</p>}
              {lockedHoles && <p className="editor__issue editor__issue--warning">{t('holesLocked')}</p>}
            </div>
          </section>

          {notice && (
            <p className={`editor__notice editor__notice--${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'} data-testid="editor-notice">
              {notice.text}
            </p>
          )}
          {problems && <ProblemsBox problems={problems} onUsePreview={adoptPreview} onReload={loaded ? () => loadCluster(loaded.id) : undefined} />}

          <div className="editor__file">
            <button type="button" className="button button--secondary button--block" onClick={() => fileInput.current?.click()} disabled={!canEdit}>
              ⤒ {t('importFile')}
            </button>
            <input ref={fileInput} type="file" accept=".geojson,.json,.kml,application/geo+json,application/vnd.google-earth.kml+xml" hidden onChange={onFile} data-testid="import-file" />
          </div>

          <div className="editor__tabs" role="tablist">
            {(['attributes', 'history', 'comments'] as const).map((k) => (
              <button key={k} type="button" role="tab" aria-selected={tab === k} className="editor__tab" disabled={k !== 'attributes' && !loaded} onClick={() => setTab(k)}>
                {k === 'attributes' ? t('tabAttributes') : k === 'history' ? t('tabHistory') : t('tabComments')}
              </button>
            ))}
          </div>
          <div role="tabpanel">
            {tab === 'attributes' && (
              <AttributeForm
                value={model}
                onChange={setModel}
                provinceLocked={provinceLocked}
                serverIssues={problems?.fieldIssues}
                derived={props ? { province_code_2009: props.province_code_2009 as string | null | undefined, commune_codes: props.commune_codes as string[] | undefined } : null}
              />
            )}
            {tab === 'history' && loaded && <HistoryPanel clusterId={loaded.id} refreshKey={refreshKey} publishedVersion={props?.published_version ?? null} />}
            {tab === 'comments' && loaded && <CommentThread clusterId={loaded.id} version={props?.version ?? null} refreshKey={refreshKey} />}
          </div>

          {/* CONFORMITY PANEL SLOT: client/analysis/ConformityPanel.tsx (another engineer's), rendered with the drawn boundary when present */}
          <ConformitySlot geometry={geometryCheck?.ok ? geometryCheck.geometry ?? null : null} properties={conformityAttributes} title={t('conformity')} />
        </div>

        <div className="editor__actions">
          <label className="visually-hidden" htmlFor="editor-comment">
            {loaded && !dirty ? t('submitComment') : t('saveComment')}
          </label>
          <input
            id="editor-comment"
            className="input"
            name="version-comment"
            placeholder={loaded && !dirty ? t('submitComment') : t('saveComment')}
            value={comment}
            onChange={(e) => setComment(e.target.value)}
          />
          <div className="editor__buttons">
            <button type="button" className="button button--secondary" onClick={checkServer} disabled={!!busy || !geometry}>
              {busy === 'check' ? t('checking') : t('checkServer')}
            </button>
            <button type="button" className="button button--primary" onClick={save} disabled={!!busy || !geometry || !dirty || !canEdit} data-action="save">
              {busy === 'save' ? t('saving') : t('save')}
            </button>
            <button
              type="button"
              className="button button--primary"
              onClick={submit}
              disabled={!!busy || !loaded || dirty || !['draft', 'changes_requested'].includes(String(props?.review_state ?? ''))}
              data-action="submit"
            >
              {busy === 'submit' ? t('submitting') : t('submit')}
            </button>
          </div>
          {loaded && props?.status !== 'removed' && (
            <button type="button" className="editor__remove" onClick={remove} disabled={!!busy || dirty}>
              {t('remove')}
            </button>
          )}
        </div>
      </aside>
    </div>
  );
}

/** Server refusals: messages, map locations, overlaps with their area, the ST_MakeValid preview, a 409's way out. */
function ProblemsBox({ problems, onUsePreview, onReload }: { problems: ServerProblems; onUsePreview(): void; onReload?: () => void }) {
  const t = useT(dict);
  const { locale } = useLocale();
  const fmt = useFormatNumber();
  const go = (p: [number, number]) => editorMap?.easeTo({ center: p, zoom: Math.max(editorMap.getZoom(), 15), duration: 300 });
  return (
    <section className="editor__problems" role="alert" data-testid="server-problems" data-status={problems.status}>
      <strong>
        {problems.status === 409 ? t('conflictTitle') : t('refusedTitle')} {problems.status ? `(HTTP ${problems.status})` : ''}
      </strong>
      <ul>
        {problems.messages
          .filter((m) => !(m.code === 'overlap' && problems.overlaps.length))
          .map((m, i) => (
          <li key={i} data-code={m.code}>
            {locale === 'vi' ? m.vi : m.en}
          </li>
        ))}
        {/* a 409's own text is in the notice above, in the user's language */}
        {problems.messages.length === 0 && problems.status !== 409 && <li>{problems.message}</li>}
        {problems.overlaps.map((o, i) => (
          <li key={`o${i}`} data-testid="overlap">
            {locale === 'vi' ? 'Chồng lấn với' : 'Overlaps'} {o.name ?? o.id}: <strong>{fmt(o.area_ha ?? 0, { maximumFractionDigits: 4 })} ha</strong>
          </li>
        ))}
      </ul>
      {problems.locations.length > 0 && (
        <div className="editor__locations">
          {problems.locations.map((p, i) => (
            <button key={i} type="button" className="editor__link" onClick={() => go(p)}>
              ◎ {p[0].toFixed(6)}, {p[1].toFixed(6)}
            </button>
          ))}
        </div>
      )}
      {problems.preview && (
        <button type="button" className="button button--secondary" onClick={onUsePreview}>
          {locale === 'vi' ? 'Dùng bản sửa tự động (ST_MakeValid)' : 'Use the automatic fix (ST_MakeValid)'}
        </button>
      )}
      {problems.status === 409 && onReload && (
        <button type="button" className="button button--secondary" onClick={onReload}>
          {t('reload')}
        </button>
      )}
    </section>
  );
}

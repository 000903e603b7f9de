import { useCallback, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { Popup, type Map as MapLibreMap, type MapGeoJSONFeature, type PointLike } from 'maplibre-gl';
import type { PageProps } from '../../app/route-types.ts';
import { useT } from '../../i18n/index.tsx';
import { MapView } from '../../map/index.ts';
import { geometryBbox, loadLayerVersions, loadProvinceOptions, type LayerVersions, type ProvinceOption, type PublicCluster } from '../../public-map/api.ts';
import { ClusterCard } from '../../public-map/ClusterCard.tsx';
import { DownloadsPanel } from '../../public-map/DownloadsPanel.tsx';
import { dict } from '../../public-map/i18n.ts';
import { LayerControl } from '../../public-map/LayerControl.tsx';
import { CLICKABLE, DEFAULT_VISIBILITY, LAYERS, TOGGLES, addPublicLayers, refreshChangedSources, setSelectedCluster, setToggle, type ToggleKey } from '../../public-map/layers.ts';
import { OpportunitiesPanel } from '../../public-map/OpportunitiesPanel.tsx';
import { SearchPanel } from '../../public-map/SearchPanel.tsx';
import { clusterCodeFromUrl, clusterUrl, parseHash, pushClusterUrl, syncHash } from '../../public-map/url-state.ts';
import { ProvincePanel } from '../map/ProvincePanel.tsx';
import { setBasemapEra } from '../../map/basemap.ts';
import { addCommuneLayers } from '../../public-map/communes.ts';
import type { InViewCluster } from './clusters-in-view.ts';
import { ClustersInView, InViewAnnouncer, useClustersInView } from './ClustersInView.tsx';
import '../../public-map/public-map.css';

type Tab = 'search' | 'opportunities' | 'data';
const TABS: readonly Tab[] = ['search', 'opportunities', 'data'];
const TAB_LABEL = { search: 'tab.search', opportunities: 'tab.opportunities', data: 'tab.data' } as const;
type Bbox = [number, number, number, number];
/** Where focus goes back when the card closes: an element, or a lookup run then (a list entry may have re-rendered). */
type FocusTarget = HTMLElement | (() => HTMLElement | null);

/** How often the page asks whether a layer changed (one tiny uncached request). */
const FRESHNESS_POLL_MS = 30_000;
const PHONE = 640;

const isPhone = () => window.innerWidth < PHONE;

/** Keeps fitted features clear of the side panel and the card (desktop) or the bottom sheet (phone). */
function fitPadding(cardOpen: boolean) {
  if (isPhone()) return { top: 40, left: 24, right: 24, bottom: Math.round(window.innerHeight * 0.55) };
  return { top: 48, bottom: 48, left: 400, right: cardOpen ? 420 : 48 };
}

/** A plan item's popup, built from DOM nodes: names are data, never markup. */
function planItemContent(feature: MapGeoJSONFeature, kindLabel: string): HTMLElement {
  const box = document.createElement('div');
  box.className = 'pm-popup';
  const kind = document.createElement('p');
  kind.className = 'pm-popup__kind';
  kind.textContent = kindLabel;
  const name = document.createElement('p');
  name.className = 'pm-popup__name';
  name.lang = 'vi';
  name.textContent = String(feature.properties.name ?? '');
  box.append(kind, name);
  if (typeof feature.properties.planned_area_ha === 'number') {
    const area = document.createElement('p');
    area.textContent = `${feature.properties.planned_area_ha} ha`;
    box.append(area);
  }
  return box;
}

/**
 * The public map (no login): approved clusters by status, the approved plan, provinces and regions, residential zones;
 * search, cluster cards with deep links (`/c/:code`, or `/public?c=`), investment opportunities and data downloads.
 */
export default function PublicClusterMapPage(_props: PageProps) {
  const t = useT(dict);
  const [map, setMap] = useState<MapLibreMap | null>(null);
  const [versions, setVersions] = useState<LayerVersions | null>(null);
  const [layersFailed, setLayersFailed] = useState(false);
  const [visibility, setVisibility] = useState(DEFAULT_VISIBILITY);
  const [tab, setTab] = useState<Tab>('search');
  const [visited, setVisited] = useState<ReadonlySet<Tab>>(() => new Set<Tab>(['search']));
  const [sheetOpen, setSheetOpen] = useState(false);
  const [selected, setSelected] = useState<string | null>(clusterCodeFromUrl);
  // a province clicked where no cluster or plan item is: its facts panel (GSO code, region, area, VN-2000 zone)
  const [province, setProvince] = useState<string | null>(null);
  const [provinces, setProvinces] = useState<ProvinceOption[]>([]);
  // a deep link without a map position flies to its cluster once the card has loaded
  const flyToLoaded = useRef(selected !== null && parseHash(window.location.hash) === null);
  const versionsRef = useRef<LayerVersions | null>(null);
  const popup = useRef<Popup | null>(null);
  const tabRefs = useRef<Record<Tab, HTMLButtonElement | null>>({ search: null, opportunities: null, data: null });
  const returnFocus = useRef<FocusTarget | null>(null);
  const [focusBack, setFocusBack] = useState(0);
  const panelRef = useRef<HTMLElement>(null);
  const [inViewOpen] = useState(() => !isPhone());
  const mapHintId = useId();
  const [initialPadding] = useState(() => (isPhone() ? { top: 56, bottom: 110, left: 8, right: 8 } : { ...fitPadding(false), top: 24, bottom: 24, right: 24 }));

  useEffect(() => {
    loadProvinceOptions().then(setProvinces, () => setProvinces([]));
  }, []);
  const provinceNames = useMemo(() => new Map(provinces.map((p) => [p.code, p])), [provinces]);

  const select = useCallback((code: string | null) => {
    popup.current?.remove();
    if (code) setProvince(null);
    setSelected(code);
    pushClusterUrl(code);
  }, []);

  /** Opens a cluster's card: a click on the map and the "clusters in view" list both come through here. */
  const openCluster = useCallback(
    (code: string, focusTarget: FocusTarget) => {
      returnFocus.current = focusTarget;
      select(code);
    },
    [select],
  );

  // the click handler outlives renders: it reads the current translator through a ref
  const tRef = useRef(t);
  tRef.current = t;

  const onLoad = useCallback(
    (m: MapLibreMap) => {
      const start = parseHash(window.location.hash);
      if (start) m.jumpTo({ center: [start.lng, start.lat], zoom: start.zoom });
      syncHash(m);
      m.on('click', (e) => {
        const layers = CLICKABLE.filter((id) => m.getLayer(id));
        const features = layers.length ? m.queryRenderedFeatures(e.point, { layers }) : [];
        if (!features.length) {
          const hit = m.getLayer(LAYERS.regions) ? m.queryRenderedFeatures(e.point, { layers: [LAYERS.regions] })[0] : undefined;
          if (hit?.properties.code) {
            popup.current?.remove();
            select(null);
            setProvince(String(hit.properties.code));
          }
          return;
        }
        const cluster = features.find((f) => f.layer.id === LAYERS.clusterPoint || f.layer.id === LAYERS.clusterDot || f.layer.id === LAYERS.clusterFill);
        if (cluster?.properties.code) {
          openCluster(String(cluster.properties.code), m.getCanvas());
          return;
        }
        const item = features[0];
        if (item) {
          popup.current?.remove();
          popup.current = new Popup({ closeButton: true, maxWidth: '260px' }).setLngLat(e.lngLat).setDOMContent(planItemContent(item, tRef.current('popup.planItem'))).addTo(m);
        }
      });
      const setCursor = (on: boolean) => (m.getCanvas().style.cursor = on ? 'pointer' : '');
      for (const id of CLICKABLE) {
        m.on('mouseenter', id, () => setCursor(true));
        m.on('mouseleave', id, () => setCursor(false));
      }
      setMap(m);
    },
    [select, openCluster],
  );

  // the layers the server has, then a cheap poll: a layer whose data version moved gets fresh tiles
  useEffect(() => {
    if (!map) return;
    let cancelled = false;
    loadLayerVersions().then(
      (v) => {
        if (cancelled) return;
        addPublicLayers(map, v);
        // the current division: the 34 units' lines and names, and the communes once zoomed in
        setBasemapEra(map, '2025');
        addCommuneLayers(map);
        versionsRef.current = v;
        setVersions(v);
      },
      () => !cancelled && setLayersFailed(true),
    );
    const timer = window.setInterval(() => {
      const before = versionsRef.current;
      if (!before || document.hidden) return;
      loadLayerVersions().then(
        (after) => {
          if (cancelled) return;
          if (refreshChangedSources(map, before, after).length > 0 || Object.keys(after).some((k) => after[k] !== before[k])) {
            versionsRef.current = after;
            setVersions(after);
          }
        },
        () => undefined,
      );
    }, FRESHNESS_POLL_MS);
    return () => {
      cancelled = true;
      window.clearInterval(timer);
    };
  }, [map]);

  useEffect(() => {
    if (!map || !versions) return;
    for (const key of Object.keys(TOGGLES) as ToggleKey[]) setToggle(map, key, visibility[key]);
  }, [map, versions, visibility]);

  useEffect(() => {
    if (map && versions) setSelectedCluster(map, selected);
  }, [map, versions, selected]);

  // back/forward between cards (same route: no remount)
  useEffect(() => {
    const onPop = () => setSelected(clusterCodeFromUrl());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  const closeCard = useCallback(() => {
    select(null);
    setFocusBack((n) => n + 1);
  }, [select]);

  // after the card has gone: the target may only be focusable once the page re-rendered without it
  useEffect(() => {
    if (!focusBack) return;
    const target = returnFocus.current;
    const el = typeof target === 'function' ? target() : target;
    el?.focus({ preventScroll: true });
    if (el?.closest('.pm-inview')) el.scrollIntoView({ block: 'nearest' });
  }, [focusBack]);

  useEffect(() => {
    if (!selected) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') closeCard();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [selected, closeCard]);

  const zoomTo = useCallback(
    (bbox: Bbox, cardOpen = true) => {
      if (!map) return;
      map.fitBounds([[bbox[0], bbox[1]], [bbox[2], bbox[3]]], { padding: fitPadding(cardOpen), maxZoom: 13, duration: 900 });
    },
    [map],
  );

  // the side panel hides the map's left strip on wider screens: a cluster under it is not "in view"
  const visibleBox = useCallback((m: MapLibreMap): [PointLike, PointLike] | null => {
    const container = m.getContainer().getBoundingClientRect();
    const panel = panelRef.current?.getBoundingClientRect();
    const left = panel && !isPhone() ? Math.max(0, Math.round(panel.right - container.left)) : 0;
    if (left >= container.width || container.height <= 0) return null;
    return [[left, 0], [container.width, container.height]];
  }, []);
  const inView = useClustersInView(map, versions !== null, visibleBox);

  const selectedRef = useRef(selected);
  selectedRef.current = selected;
  const pickInView = useCallback(
    (cluster: InViewCluster) => {
      const { code } = cluster;
      const again = selectedRef.current === code;
      openCluster(code, () => document.querySelector<HTMLElement>(`[data-inview-code="${CSS.escape(code)}"]`) ?? document.querySelector<HTMLElement>('.pm-inview__toggle'));
      // the same card stays mounted and will not take the focus by itself
      if (again) document.querySelector<HTMLElement>('.pm-card__title')?.focus({ preventScroll: true });
      if (cluster.bbox) zoomTo(cluster.bbox);
    },
    [openCluster, zoomTo],
  );

  // MapLibre names the canvas "Bản đồ" once, in the first locale: name it after the page, say how to use it
  useEffect(() => {
    if (!map) return;
    const canvas = map.getCanvas();
    canvas.setAttribute('aria-label', t('map.label'));
    canvas.setAttribute('aria-describedby', mapHintId);
  }, [map, t, mapHintId]);

  const onSearchSelect = useCallback(
    (cluster: PublicCluster) => {
      returnFocus.current = document.activeElement as HTMLElement | null;
      select(cluster.properties.code);
      if (isPhone()) setSheetOpen(false);
      const bbox = geometryBbox(cluster.geometry);
      if (bbox) zoomTo(bbox);
    },
    [select, zoomTo],
  );

  // the card may load before the map: keep the target until both are there
  const [pendingFit, setPendingFit] = useState<Bbox | null>(null);
  const onCardLoaded = useCallback((cluster: PublicCluster) => {
    if (!flyToLoaded.current) return;
    flyToLoaded.current = false;
    setPendingFit(geometryBbox(cluster.geometry));
  }, []);
  useEffect(() => {
    if (!map || !pendingFit) return;
    zoomTo(pendingFit);
    setPendingFit(null);
  }, [map, pendingFit, zoomTo]);

  const showOpportunity = useCallback(
    (target: { lon: number; lat: number; code: string | null }) => {
      returnFocus.current = document.activeElement as HTMLElement | null;
      if (isPhone()) setSheetOpen(false);
      if (target.code) select(target.code);
      map?.flyTo({ center: [target.lon, target.lat], zoom: 13, padding: fitPadding(target.code !== null), duration: 900 });
    },
    [map, select],
  );

  const openTab = (next: Tab, focus = false) => {
    setTab(next);
    setVisited((v) => (v.has(next) ? v : new Set([...v, next])));
    setSheetOpen(true);
    if (focus) tabRefs.current[next]?.focus();
  };
  const onTabKey = (e: ReactKeyboardEvent) => {
    const i = TABS.indexOf(tab);
    if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
      e.preventDefault();
      openTab(TABS[(i + (e.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length], true);
    } else if (e.key === 'Home' || e.key === 'End') {
      e.preventDefault();
      openTab(TABS[e.key === 'Home' ? 0 : TABS.length - 1], true);
    }
  };

  const available = useMemo(() => {
    const set = new Set<ToggleKey>();
    if (!versions) return set;
    if ('clusters' in versions) set.add('clusters');
    if ('plan-items' in versions) set.add('planItems');
    if ('provinces' in versions) set.add('regions');
    if ('residential-zones' in versions) set.add('residential');
    return set;
  }, [versions]);

  const dataVersion = versions ? Object.values(versions).join('.') : '';

  return (
    <div className={`pm${selected ? ' pm--card-open' : ''}`} data-map-ready={map && versions ? 'true' : 'false'} data-selected={selected ?? undefined}>
      <MapView onLoad={onLoad} className="pm__map" padding={initialPadding} />
      <h1 className="visually-hidden">{t('page.title')}</h1>
      <p id={mapHintId} className="visually-hidden">
        {t('map.keyboardHint')}
      </p>
      <InViewAnnouncer state={inView} />

      <aside ref={panelRef} className={`pm-panel${sheetOpen ? ' pm-panel--open' : ''}`} aria-label={t('page.title')}>
        <button type="button" className="pm-panel__handle" aria-expanded={sheetOpen} onClick={() => setSheetOpen((v) => !v)}>
          <span className="pm-panel__grip" aria-hidden="true" />
          <span className="visually-hidden">{sheetOpen ? t('panel.collapse') : t('panel.expand')}</span>
        </button>
        <div className="pm-tabs" role="tablist" aria-label={t('tabs.label')} onKeyDown={onTabKey}>
          {TABS.map((id) => (
            <button
              key={id}
              ref={(el) => {
                tabRefs.current[id] = el;
              }}
              type="button"
              role="tab"
              id={`pm-tab-${id}`}
              aria-selected={tab === id}
              aria-controls={`pm-tabpanel-${id}`}
              tabIndex={tab === id ? 0 : -1}
              className="pm-tabs__tab"
              onClick={() => openTab(id)}
            >
              {t(TAB_LABEL[id])}
            </button>
          ))}
        </div>
        {TABS.map((id) => (
          <div key={id} role="tabpanel" id={`pm-tabpanel-${id}`} aria-labelledby={`pm-tab-${id}`} className="pm-panel__body" hidden={tab !== id}>
            {visited.has(id) && id === 'search' && <SearchPanel provinces={provinces} provinceNames={provinceNames} selectedCode={selected} onSelect={onSearchSelect} />}
            {visited.has(id) && id === 'opportunities' && <OpportunitiesPanel provinces={provinces} onShow={showOpportunity} />}
            {visited.has(id) && id === 'data' && <DownloadsPanel dataVersion={dataVersion} />}
          </div>
        ))}
        <ClustersInView state={inView} provinceNames={provinceNames} selectedCode={selected} defaultOpen={inViewOpen} onPick={pickInView} />
      </aside>

      {map && versions && <LayerControl visibility={visibility} available={available} onToggle={(key, on) => setVisibility((v) => ({ ...v, [key]: on }))} collapseOn={selected} />}

      {selected && (
        <div className="pm-card-wrap">
          <ClusterCard
            key={selected}
            code={selected}
            provinces={provinceNames}
            dataVersion={versions?.clusters ?? null}
            onClose={closeCard}
            onZoomTo={(bbox) => zoomTo(bbox)}
            onLoaded={onCardLoaded}
            shareUrl={clusterUrl(selected).replace(/#.*$/, '')}
          />
        </div>
      )}

      {province && !selected && (
        <ProvincePanel
          key={province}
          era="2009"
          code={province}
          // the clickable fill is the 63-province tile layer (regions): its codes are 2009 codes
          onClose={() => setProvince(null)}
          onZoomTo={(bbox) => zoomTo(bbox, true)}
        />
      )}

      {!map && (
        <div className="map-status" role="status">
          {t('map.loading')}
        </div>
      )}
      {layersFailed && (
        <div className="map-status map-status--error" role="alert">
          {t('map.layersFailed')}
        </div>
      )}
    </div>
  );
}

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Map as MapLibreMap, MapLayerMouseEvent } from 'maplibre-gl';
import type { PageProps } from '../../app/route-types.ts';
import { setSearchParams, useLocation } from '../../app/router.tsx';
import { useT } from '../../i18n/index.tsx';
import { MapView, RegionLegend, setBasemapEra, type Era } from '../../map/index.ts';
import { dict } from './i18n.ts';
import { PROVINCE_LAYERS, addProvinceLayers, moveFeatureState, setProvinceData } from './layers.ts';
import { ProvincePanel } from './ProvincePanel.tsx';
import { loadProvinces, type ProvinceCollection } from './provinces.ts';

const ERAS: readonly Era[] = ['2009', '2025'];
// room for the toolbar at the top (and, on phones, the legend and attribution at the bottom)
function fitPadding() {
  return window.innerWidth < 640 ? { top: 56, bottom: 64, left: 8, right: 8 } : { top: 64, bottom: 24, left: 24, right: 24 };
}

/** The public map: provinces by region, for the 63-province (2009 codes) or the 34-province (2025) division. */
export default function PublicMapPage(_props: PageProps) {
  const t = useT(dict);
  const { search } = useLocation();
  const era: Era = search.get('era') === '2009' ? '2009' : '2025'; // the current division unless ?era=2009

  const [map, setMap] = useState<MapLibreMap | null>(null);
  const [provinces, setProvinces] = useState<ProvinceCollection | null>(null);
  const [loadError, setLoadError] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);
  const hovered = useRef<string | null>(null);
  const shownSelection = useRef<string | null>(null);
  const returnFocus = useRef<HTMLElement | null>(null);

  const onLoad = useCallback((m: MapLibreMap) => {
    addProvinceLayers(m);
    const setHover = (code: string | null) => {
      moveFeatureState(m, 'hover', hovered.current, code);
      hovered.current = code;
      m.getCanvas().style.cursor = code ? 'pointer' : '';
    };
    m.on('mousemove', PROVINCE_LAYERS.fill, (e: MapLayerMouseEvent) => setHover((e.features?.[0]?.id as string | undefined) ?? null));
    m.on('mouseleave', PROVINCE_LAYERS.fill, () => setHover(null));
    m.on('click', (e) => {
      const feature = m.queryRenderedFeatures(e.point, { layers: [PROVINCE_LAYERS.fill] })[0];
      returnFocus.current = m.getCanvas();
      setSelected(feature ? String(feature.id) : null);
    });
    setMap(m);
  }, []);

  // one era's provinces into the map (and the basemap lines/names to match)
  useEffect(() => {
    if (!map) return;
    let cancelled = false;
    setLoadError(false);
    loadProvinces(era).then(
      (data) => {
        if (cancelled) return;
        hovered.current = null;
        shownSelection.current = null;
        setProvinceData(map, data);
        setProvinces(data);
      },
      () => !cancelled && setLoadError(true),
    );
    setBasemapEra(map, era);
    return () => {
      cancelled = true;
    };
  }, [map, era]);

  // a code from the other era means nothing here
  useEffect(() => {
    if (selected && provinces && !provinces.features.some((f) => f.properties.code === selected)) setSelected(null);
  }, [provinces, selected]);

  useEffect(() => {
    if (!map || !provinces) return;
    moveFeatureState(map, 'selected', shownSelection.current, selected);
    shownSelection.current = selected;
  }, [map, provinces, selected]);

  const close = useCallback(() => {
    setSelected(null);
    returnFocus.current?.focus({ preventScroll: true });
  }, []);

  useEffect(() => {
    if (!selected) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') close();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [selected, close]);

  const zoomTo = useCallback(
    (bbox: [number, number, number, number]) => {
      if (!map) return;
      const narrow = window.innerWidth < 640;
      map.fitBounds([[bbox[0], bbox[1]], [bbox[2], bbox[3]]], {
        padding: narrow ? { top: 24, left: 24, right: 24, bottom: Math.round(window.innerHeight * 0.5) } : { top: 48, bottom: 48, left: 48, right: 420 },
        maxZoom: 10,
      });
    },
    [map],
  );

  const options = useMemo(() => {
    const collator = new Intl.Collator('vi');
    return (provinces?.features ?? []).map((f) => f.properties).sort((a, b) => collator.compare(a.short_name, b.short_name));
  }, [provinces]);

  return (
    <div className="public-map" data-era={era} data-map-ready={map && provinces ? 'true' : 'false'}>
      <MapView onLoad={onLoad} padding={fitPadding()}>
        <RegionLegend includeMulti={era === '2025'} className="public-map__legend" />
      </MapView>
      <h1 className="visually-hidden">{t('map.label')}</h1>

      <div className="map-toolbar">
        <fieldset className="segmented">
          <legend className="segmented__legend">{t('era.label')}</legend>
          <div className="segmented__options">
            {ERAS.map((value) => (
              <label key={value} className="segmented__option" title={t(`era.${value}`)}>
                <input type="radio" name="era" value={value} checked={era === value} onChange={() => setSearchParams({ era: value === '2025' ? null : value })} />
                <span>
                  <span className="segmented__long">{t(`era.${value}`)}</span>
                  <span className="segmented__short">{t(`era.${value}.short`)}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        <label className="map-toolbar__picker">
          <span className="visually-hidden">{t('province.pick')}</span>
          <select
            className="input input--select"
            value={selected ?? ''}
            disabled={!provinces}
            onChange={(e) => {
              returnFocus.current = e.currentTarget;
              setSelected(e.currentTarget.value || null);
            }}
          >
            <option value="">{t('province.pickPlaceholder')}</option>
            {options.map((p) => (
              <option key={p.code} value={p.code} lang="vi">
                {p.short_name}
              </option>
            ))}
          </select>
        </label>
      </div>

      {!map && (
        <div className="map-status" role="status">
          {t('loading.map')}
        </div>
      )}
      {loadError && (
        <div className="map-status map-status--error" role="alert">
          {t('loading.provinces')}
        </div>
      )}

      {selected && <ProvincePanel key={`${era}:${selected}`} era={era} code={selected} onClose={close} onZoomTo={zoomTo} />}
    </div>
  );
}

import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { Map as MapLibreMap, NavigationControl, ScaleControl, setWorkerUrl, type LngLatBoundsLike, type PaddingOptions } from 'maplibre-gl';
// MapLibre 6 looks for its worker next to its own module, which bundling breaks: ship it as an asset instead
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { useLocale, type Locale } from '../i18n/index.tsx';
import { ATTRIBUTION, resolveMapStyle } from './basemap.ts';

setWorkerUrl(workerUrl);

declare global {
  interface Window {
    /** The current map, for browser tests and debugging in the console. */
    __map?: MapLibreMap;
  }
}

/** Mainland plus Hoàng Sa and Trường Sa. */
export const VIETNAM_BOUNDS: [[number, number], [number, number]] = [[102.1, 7.6], [116.2, 23.4]];
/** Mainland only: on a phone the archipelagos would shrink the country to a sliver. */
export const VIETNAM_MAINLAND_BOUNDS: [[number, number], [number, number]] = [[102.1, 8.4], [109.5, 23.4]];

export function defaultVietnamBounds(): LngLatBoundsLike {
  return window.innerWidth < 640 ? VIETNAM_MAINLAND_BOUNDS : VIETNAM_BOUNDS;
}

const MAP_UI_STRINGS: Record<Locale, Record<string, string>> = {
  vi: {
    'Map.Title': 'Bản đồ',
    'NavigationControl.ZoomIn': 'Phóng to',
    'NavigationControl.ZoomOut': 'Thu nhỏ',
    'NavigationControl.ResetBearing': 'Xoay về hướng bắc',
    'AttributionControl.ToggleAttribution': 'Nguồn dữ liệu',
    'FullscreenControl.Enter': 'Toàn màn hình',
    'FullscreenControl.Exit': 'Thoát toàn màn hình',
    'CooperativeGesturesHandler.MobileHelpText': 'Dùng hai ngón tay để di chuyển bản đồ',
  },
  en: {},
};

const MapContext = createContext<MapLibreMap | null>(null);

/** The loaded map for components rendered inside <MapView> (null outside one). */
export function useMap(): MapLibreMap | null {
  return useContext(MapContext);
}

export interface MapViewProps {
  /** Called once the style has loaded: add sources, layers and handlers here (see BEFORE in basemap.ts for ordering). */
  onLoad?: (map: MapLibreMap) => void;
  bounds?: LngLatBoundsLike;
  /** Padding for the initial fit, e.g. room for overlaid toolbars. */
  padding?: number | PaddingOptions;
  className?: string;
  /** Rendered over the map once it has loaded; can call useMap(). */
  children?: ReactNode;
}

/** A MapLibre map on our basemap (offline style, or the configured online one with our layers on top). */
export function MapView({ onLoad, bounds, padding = 24, className, children }: MapViewProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const [map, setMap] = useState<MapLibreMap | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const { locale } = useLocale();
  // the first values win: the map is created once per mount
  const initial = useRef({ onLoad, bounds, padding, locale });

  useEffect(() => {
    let cancelled = false;
    let created: MapLibreMap | undefined;
    const { bounds: initialBounds, padding: initialPadding, locale: initialLocale } = initial.current;

    void resolveMapStyle().then((style) => {
      if (cancelled || !containerRef.current) return;
      let instance: MapLibreMap;
      try {
        instance = new MapLibreMap({
          container: containerRef.current,
          style,
          bounds: initialBounds ?? defaultVietnamBounds(),
          fitBoundsOptions: { padding: initialPadding },
          attributionControl: { compact: window.innerWidth < 640, customAttribution: ATTRIBUTION },
          locale: MAP_UI_STRINGS[initialLocale],
          dragRotate: false,
          pitchWithRotate: false,
          touchPitch: false,
          maxZoom: 18,
        });
      } catch (err) {
        // no WebGL
        setFailed((err as Error).message);
        return;
      }
      created = instance;
      instance.touchZoomRotate.disableRotation();
      instance.keyboard.disableRotation();
      instance.addControl(new NavigationControl({ showCompass: false }), 'top-right');
      instance.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-right');
      window.__map = instance;
      instance.once('load', () => {
        if (cancelled) return;
        initial.current.onLoad?.(instance);
        setMap(instance);
      });
      instance.on('error', (e) => console.warn('Map error', e.error?.message ?? e));
    });

    return () => {
      cancelled = true;
      if (created) {
        if (window.__map === created) delete window.__map;
        created.remove();
      }
      setMap(null);
    };
  }, []);

  return (
    <div className={`map-view ${className ?? ''}`}>
      <div ref={containerRef} className="map-view__canvas" />
      {failed && (
        <div className="map-view__error" role="alert">
          {locale === 'vi' ? 'Trình duyệt không hiển thị được bản đồ (cần WebGL).' : 'This browser cannot show the map (WebGL is required).'}
        </div>
      )}
      <MapContext.Provider value={map}>{map ? children : null}</MapContext.Provider>
    </div>
  );
}

import type { Map as MapLibreMap } from 'maplibre-gl';

/** Map position in the hash, MapLibre's own format: `#zoom/lat/lng`. */
export interface MapPosition {
  zoom: number;
  lat: number;
  lng: number;
}

export function parseHash(hash: string): MapPosition | null {
  const parts = hash.replace(/^#/, '').split('/').map(Number);
  if (parts.length < 3 || parts.some((n) => !Number.isFinite(n))) return null;
  const [zoom, lat, lng] = parts;
  if (zoom < 0 || zoom > 22 || Math.abs(lat) > 85 || Math.abs(lng) > 180) return null;
  return { zoom, lat, lng };
}

export function formatHash(map: MapLibreMap): string {
  const { lng, lat } = map.getCenter();
  const zoom = map.getZoom();
  // precision that keeps the view to about a pixel at that zoom
  const digits = Math.max(0, Math.ceil((zoom * Math.LN2 + Math.log(512 / 360 / 0.5)) / Math.LN10));
  return `#${zoom.toFixed(2).replace(/\.?0+$/, '')}/${lat.toFixed(digits)}/${lng.toFixed(digits)}`;
}

/** Keeps the hash in step with the map (replaceState: panning must not flood the history). Returns a cleanup. */
export function syncHash(map: MapLibreMap): () => void {
  const write = () => {
    const hash = formatHash(map);
    if (window.location.hash !== hash) window.history.replaceState(window.history.state, '', `${window.location.pathname}${window.location.search}${hash}`);
  };
  const read = () => {
    const pos = parseHash(window.location.hash);
    if (pos) map.jumpTo({ center: [pos.lng, pos.lat], zoom: pos.zoom });
  };
  map.on('moveend', write);
  window.addEventListener('hashchange', read);
  return () => {
    map.off('moveend', write);
    window.removeEventListener('hashchange', read);
  };
}

/**
 * Which cluster the URL opens: `/c/:code` (the public home's deep link) or `?c=` (while the page lives at /public).
 * Reads location directly, so it works whichever route rendered the page.
 */
export function clusterCodeFromUrl(): string | null {
  const m = /^\/c\/([^/]+)\/?$/.exec(window.location.pathname);
  if (m) {
    try {
      return decodeURIComponent(m[1]);
    } catch {
      return null;
    }
  }
  return new URLSearchParams(window.location.search).get('c');
}

/** The URL of a cluster's card (or of no card) for the page's current base, keeping the map position hash. */
export function clusterUrl(code: string | null): string {
  const { pathname, search, hash } = window.location;
  if (pathname === '/public' || pathname.startsWith('/public/')) {
    const params = new URLSearchParams(search);
    if (code) params.set('c', code);
    else params.delete('c');
    const qs = params.toString();
    return `/public${qs ? `?${qs}` : ''}${hash}`;
  }
  return `${code ? `/c/${encodeURIComponent(code)}` : '/'}${hash}`;
}

/**
 * Records the open card in the history without the router's navigate event: the shell keys pages by route,
 * and a route change (/ ↔ /c/:code) would remount the page and rebuild the map. Back/forward (popstate)
 * re-reads the URL.
 */
export function pushClusterUrl(code: string | null): void {
  const url = clusterUrl(code);
  if (url !== window.location.pathname + window.location.search + window.location.hash) window.history.pushState(null, '', url);
}

import { useEffect, useId, useRef, useState } from 'react';
import type { Map as MapLibreMap, PointLike } from 'maplibre-gl';
import { labels } from '@domain/cluster-attributes';
import { useFormatNumber, usePick, useT } from '../../i18n/index.tsx';
import type { ProvinceOption } from '../../public-map/api.ts';
import { dict } from '../../public-map/i18n.ts';
import { STATUS_COLORS } from '../../public-map/styles.ts';
import { inViewKey, queryClustersInView, type InViewCluster, type InViewState } from './clusters-in-view.ts';

/** Quiet time before the count is announced: panning fires many idles, a screen reader should hear one. */
const ANNOUNCE_DELAY_MS = 1500;

/**
 * The clusters drawn in the unobstructed part of the map, refreshed whenever the map settles
 * (after a move, a layer toggle, new tiles or a resize).
 */
export function useClustersInView(map: MapLibreMap | null, ready: boolean, visibleBox: (map: MapLibreMap) => [PointLike, PointLike] | null): InViewState | null {
  const [state, setState] = useState<InViewState | null>(null);
  const boxRef = useRef(visibleBox);
  boxRef.current = visibleBox;
  useEffect(() => {
    if (!map || !ready) return;
    let last = '';
    const update = () => {
      const next = queryClustersInView(map, boxRef.current(map));
      const key = inViewKey(next);
      if (key === last) return;
      last = key;
      setState(next);
    };
    // before the first tiles arrive the list would claim "no cluster in view": wait for idle then
    if (map.areTilesLoaded()) update();
    map.on('idle', update);
    return () => {
      map.off('idle', update);
    };
  }, [map, ready]);
  return state;
}

export interface ClustersInViewProps {
  state: InViewState | null;
  provinceNames: ReadonlyMap<string, ProvinceOption>;
  selectedCode: string | null;
  defaultOpen: boolean;
  /** Opens the cluster's card the way a click on the map does, and flies there. */
  onPick(cluster: InViewCluster): void;
}

/** A keyboard and screen-reader route to the clusters on the map (WCAG 2.1.1): one button per cluster in view. */
export function ClustersInView({ state, provinceNames, selectedCode, defaultOpen, onPick }: ClustersInViewProps) {
  const t = useT(dict);
  const pick = usePick();
  const fmt = useFormatNumber();
  const [open, setOpen] = useState(defaultOpen);
  const ids = { heading: useId(), body: useId() };
  const total = state?.kind === 'listed' ? state.total : null;

  return (
    <section className={`pm-inview${open ? ' pm-inview--open' : ''}`} aria-labelledby={ids.heading}>
      <h2 className="pm-inview__heading" id={ids.heading}>
        <button type="button" className="pm-inview__toggle" aria-expanded={open} aria-controls={ids.body} onClick={() => setOpen((v) => !v)}>
          <span className="pm-inview__title">{t('inview.title')}</span>
          {total !== null && <span className="pm-inview__count">{fmt(total)}</span>}
          <span className="pm-inview__chevron" aria-hidden="true">
            {open ? '▾' : '▸'}
          </span>
        </button>
      </h2>
      <div id={ids.body} className="pm-inview__body" hidden={!open}>
        {!state && <p className="pm-hint">{t('common.loading')}</p>}
        {state?.kind === 'layer-off' && <p className="pm-hint">{t('inview.layerOff')}</p>}
        {state?.kind === 'listed' && state.total === 0 && <p className="pm-hint">{t('inview.none')}</p>}
        {/* above the entries: seen (and heard) before tabbing through all of them */}
        {state?.kind === 'listed' && state.total > state.shown.length && (
          <p className="pm-hint pm-inview__more">{t(state.total - state.shown.length === 1 ? 'inview.moreOne' : 'inview.more', { n: fmt(state.total - state.shown.length) })}</p>
        )}
        {state?.kind === 'listed' && state.shown.length > 0 && (
          <ul className="plain-list pm-results pm-inview__list" aria-labelledby={ids.heading}>
            {state.shown.map((c) => {
              const status = c.status && Object.hasOwn(STATUS_COLORS, c.status) ? (c.status as keyof typeof STATUS_COLORS) : null;
              const province = c.province_code ? (provinceNames.get(c.province_code)?.short_name ?? c.province_code) : null;
              return (
                <li key={c.id}>
                  <button type="button" className="pm-inview__item" data-inview-code={c.code} aria-current={selectedCode === c.code ? 'true' : undefined} onClick={() => onPick(c)}>
                    <span className="pm-inview__name" lang="vi">
                      {c.name}
                    </span>
                    <span className="pm-inview__meta">
                      {status && <span className="pm-status__swatch" style={{ backgroundColor: STATUS_COLORS[status] }} aria-hidden="true" />}
                      {[status ? pick(labels.status[status]) : c.status, province, c.code].filter(Boolean).join(' · ')}
                    </span>
                  </button>
                </li>
              );
            })}
          </ul>
        )}
      </div>
    </section>
  );
}

/** Says how many clusters are in view once the map has been still for a moment (outside any collapsible box: hidden live regions are silent). */
export function InViewAnnouncer({ state }: { state: InViewState | null }) {
  const t = useT(dict);
  const fmt = useFormatNumber();
  const [message, setMessage] = useState('');
  const total = state?.kind === 'listed' ? state.total : null;
  useEffect(() => {
    if (total === null) return;
    const timer = window.setTimeout(() => setMessage(t(total === 1 ? 'inview.announceOne' : 'inview.announce', { n: fmt(total) })), ANNOUNCE_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [total, t, fmt]);
  return (
    <p className="visually-hidden" role="status" aria-live="polite" aria-atomic="true" data-testid="pm-inview-announcer">
      {message}
    </p>
  );
}

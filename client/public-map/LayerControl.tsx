import { useEffect, useId, useState } from 'react';
import { labels } from '@domain/cluster-attributes';
import { usePick, useT } from '../i18n/index.tsx';
import { REGION_COLORS, REGION_KEYS, REGION_NAMES } from '../map/index.ts';
import { dict } from './i18n.ts';
import type { ToggleKey } from './layers.ts';
import { LEGEND_STATUSES, PLAN_ITEM_COLOR, RESIDENTIAL_COLORS, RESIDENTIAL_KINDS, STATUS_COLORS } from './styles.ts';

export interface LayerControlProps {
  visibility: Record<ToggleKey, boolean>;
  /** Toggles whose layer the server has (others are hidden). */
  available: ReadonlySet<ToggleKey>;
  onToggle(key: ToggleKey, visible: boolean): void;
  /** When this changes to a non-null value the box folds (a card opened and needs the room). */
  collapseOn?: string | null;
}

const ORDER: readonly ToggleKey[] = ['clusters', 'planItems', 'regions', 'residential'];
const TOGGLE_LABEL = { clusters: 'layers.clusters', planItems: 'layers.planItems', regions: 'layers.regions', residential: 'layers.residential' } as const;

/** Layer switches, each with its legend right under it. Collapsed by default on phones. */
export function LayerControl({ visibility, available, onToggle, collapseOn }: LayerControlProps) {
  const t = useT(dict);
  const pick = usePick();
  const [open, setOpen] = useState(() => window.innerWidth >= 1200 && window.innerHeight >= 700);
  const bodyId = useId();
  useEffect(() => {
    if (collapseOn) setOpen(false);
  }, [collapseOn]);

  const legend = (key: ToggleKey) => {
    if (!visibility[key]) return null;
    if (key === 'clusters')
      return (
        <ul className="pm-legend" aria-label={t('legend.status')}>
          {LEGEND_STATUSES.map((s) => (
            <li key={s}>
              <span className="pm-legend__swatch" style={{ backgroundColor: STATUS_COLORS[s] }} aria-hidden="true" />
              {pick(labels.status[s])}
            </li>
          ))}
          <li>
            <span className="pm-legend__swatch pm-legend__swatch--dashed" style={{ borderColor: '#374151' }} aria-hidden="true" />
            {t('legend.provisional')}
          </li>
          <li>
            <span className="pm-legend__swatch pm-legend__swatch--ring" aria-hidden="true" />
            {t('legend.noBoundary')}
          </li>
        </ul>
      );
    if (key === 'planItems')
      return (
        <ul className="pm-legend">
          <li>
            <span className="pm-legend__swatch pm-legend__swatch--dashed" style={{ borderColor: PLAN_ITEM_COLOR }} aria-hidden="true" />
            {t('legend.planItem')}
          </li>
        </ul>
      );
    if (key === 'regions')
      return (
        <ul className="pm-legend pm-legend--grid">
          {REGION_KEYS.map((r) => (
            <li key={r}>
              <span className="pm-legend__swatch" style={{ backgroundColor: REGION_COLORS[r] }} aria-hidden="true" />
              {pick(REGION_NAMES[r])}
            </li>
          ))}
        </ul>
      );
    return (
      <>
        <p className="pm-hint">{t('layers.residentialZoom')}</p>
        <ul className="pm-legend" aria-label={t('legend.residential')}>
          {RESIDENTIAL_KINDS.map((k) => (
            <li key={k}>
              <span className="pm-legend__swatch" style={{ backgroundColor: RESIDENTIAL_COLORS[k] }} aria-hidden="true" />
              {t(`kind.${k}`)}
            </li>
          ))}
        </ul>
      </>
    );
  };

  return (
    <section className="pm-layers" aria-label={t('layers.title')}>
      <button type="button" className="pm-layers__toggle" aria-expanded={open} aria-controls={bodyId} onClick={() => setOpen((v) => !v)}>
        <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
          <path d="M12 3 2 8.5l10 5.5 10-5.5L12 3zm-7.6 9.3L2 13.6 12 19l10-5.4-2.4-1.3L12 16.4l-7.6-4.1z" fill="currentColor" />
        </svg>
        <span>{t('layers.title')}</span>
        <span className="pm-layers__chevron" aria-hidden="true">
          {open ? '▾' : '▸'}
        </span>
      </button>
      <div id={bodyId} className="pm-layers__body" hidden={!open}>
        {ORDER.filter((k) => available.has(k)).map((key) => (
          <div key={key} className="pm-layers__item">
            <label className="pm-check">
              <input type="checkbox" checked={visibility[key]} onChange={(e) => onToggle(key, e.currentTarget.checked)} />
              <span>{t(TOGGLE_LABEL[key])}</span>
            </label>
            {legend(key)}
          </div>
        ))}
      </div>
    </section>
  );
}

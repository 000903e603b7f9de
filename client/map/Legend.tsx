import { useId, useState, type ReactNode } from 'react';
import { useLocale, usePick } from '../i18n/index.tsx';
import { MULTI_REGION_COLOR, REGION_COLORS, REGION_KEYS, REGION_NAMES } from './regions.ts';

export interface LegendItem {
  key: string;
  label: string;
  color: string;
  /** Draw the swatch with diagonal hatching. */
  hatched?: boolean;
}

export interface LegendProps {
  title: string;
  items: readonly LegendItem[];
  /** Collapsed by default on narrow screens. */
  className?: string;
  footer?: ReactNode;
}

/** A compact, collapsible map legend. */
export function Legend({ title, items, className, footer }: LegendProps) {
  const [open, setOpen] = useState(() => window.innerWidth >= 640);
  const listId = useId();
  return (
    <section className={`legend ${className ?? ''}`} aria-label={title}>
      <button type="button" className="legend__toggle" aria-expanded={open} aria-controls={listId} onClick={() => setOpen((v) => !v)}>
        <span className="legend__title">{title}</span>
        <span className="legend__chevron" aria-hidden="true">{open ? '▾' : '▸'}</span>
      </button>
      {open && (
        <ul id={listId} className="legend__list">
          {items.map((item) => (
            <li key={item.key} className="legend__item">
              <span className={`legend__swatch${item.hatched ? ' legend__swatch--hatched' : ''}`} style={{ backgroundColor: item.color }} aria-hidden="true" />
              <span>{item.label}</span>
            </li>
          ))}
          {footer && <li className="legend__footer">{footer}</li>}
        </ul>
      )}
    </section>
  );
}

/** The six socio-economic regions, plus "several regions" for the 2025 division. */
export function RegionLegend({ includeMulti = false, className }: { includeMulti?: boolean; className?: string }) {
  const pick = usePick();
  const { locale } = useLocale();
  const items: LegendItem[] = REGION_KEYS.map((key) => ({ key, label: pick(REGION_NAMES[key]), color: REGION_COLORS[key] }));
  if (includeMulti) items.push({ key: 'multi', label: locale === 'vi' ? 'Nhiều vùng' : 'Several regions', color: MULTI_REGION_COLOR, hatched: true });
  return <Legend title={locale === 'vi' ? 'Vùng kinh tế – xã hội' : 'Socio-economic regions'} items={items} className={className} />;
}

import { useEffect, useRef, useState } from 'react';
import { labels } from '@domain/cluster-attributes';
import { ApiError } from '../api/http.ts';
import { useFormatNumber, useLocale, usePick, useT } from '../i18n/index.tsx';
import { geometryBbox, loadCluster, type ProvinceOption, type PublicCluster } from './api.ts';
import { dict } from './i18n.ts';
import { STATUS_COLORS } from './styles.ts';

type Bbox = [number, number, number, number];

export interface ClusterCardProps {
  code: string;
  provinces: ReadonlyMap<string, ProvinceOption>;
  /** The clusters layer's data version: a change reloads the card. */
  dataVersion: number | null;
  onClose(): void;
  onZoomTo(bbox: Bbox): void;
  /** Called once with the loaded cluster (the page flies to deep-linked clusters). */
  onLoaded?(cluster: PublicCluster): void;
  shareUrl: string;
}

function enumLabel<T extends Record<string, { vi: string; en: string }>>(table: T, value: string | null | undefined, pick: (v: { vi: string; en: string }) => string): string | null {
  if (!value) return null;
  return Object.hasOwn(table, value) ? pick(table[value as keyof T]) : value;
}

/** The public facts of one published cluster. */
export function ClusterCard({ code, provinces, dataVersion, onClose, onZoomTo, onLoaded, shareUrl }: ClusterCardProps) {
  const t = useT(dict);
  const pick = usePick();
  const fmt = useFormatNumber();
  const { locale } = useLocale();
  const [cluster, setCluster] = useState<PublicCluster | null>(null);
  const [error, setError] = useState<'not-found' | 'failed' | null>(null);
  const [copied, setCopied] = useState(false);
  const [updated, setUpdated] = useState(false);
  const titleRef = useRef<HTMLHeadingElement>(null);
  const loadedOnce = useRef(false);
  const onLoadedRef = useRef(onLoaded);
  onLoadedRef.current = onLoaded;

  useEffect(() => {
    const controller = new AbortController();
    setError(null);
    loadCluster(code, controller.signal).then(
      (feature) => {
        setCluster((previous) => {
          if (previous && previous.properties.version !== feature.properties.version) setUpdated(true);
          return feature;
        });
        if (!loadedOnce.current) {
          loadedOnce.current = true;
          onLoadedRef.current?.(feature);
        }
      },
      (err: unknown) => {
        if ((err as Error).name === 'AbortError') return;
        setCluster(null);
        setError(err instanceof ApiError && err.status === 404 ? 'not-found' : 'failed');
      },
    );
    return () => controller.abort();
  }, [code, dataVersion]);

  // a new card takes the focus, so keyboard and screen-reader users land on it
  useEffect(() => {
    if (cluster?.properties.code) titleRef.current?.focus({ preventScroll: true });
  }, [cluster?.properties.code]);

  const p = cluster?.properties;
  const none = <span className="pm-card__none">{t('card.none')}</span>;
  const ha = (v: number | null | undefined) => (v === null || v === undefined ? null : `${fmt(v, { maximumFractionDigits: 2 })} ${t('unit.ha')}`);
  const province = p ? provinces.get(p.province_code) : undefined;
  const status = p?.status && Object.hasOwn(STATUS_COLORS, p.status) ? (p.status as keyof typeof STATUS_COLORS) : null;

  let occupancy: string | null = null;
  if (p && p.occupancy_pct !== null && p.occupancy_pct !== undefined) {
    const pct = `${fmt(p.occupancy_pct, { maximumFractionDigits: 1 })}%`;
    occupancy = p.industrial_land_ha !== null && p.leased_ha !== null
      ? t('card.occupancyDetail', { pct, leased: fmt(p.leased_ha, { maximumFractionDigits: 2 }), land: fmt(p.industrial_land_ha, { maximumFractionDigits: 2 }) })
      : pct;
  }
  let decision: string | null = null;
  if (p?.decision_no) {
    const date = p.decision_date ? new Intl.DateTimeFormat(locale === 'vi' ? 'vi-VN' : 'en-GB', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${p.decision_date}T00:00:00Z`)) : null;
    decision = [p.decision_no, date, p.decision_authority].filter(Boolean).join(' · ');
  }

  const rows: Array<[string, React.ReactNode]> = p
    ? [
        [t('card.province'), province ? province.name : p.province_code],
        [
          pick(labels.fields.status),
          status ? (
            <span className="pm-status">
              <span className="pm-status__swatch" style={{ backgroundColor: STATUS_COLORS[status] }} aria-hidden="true" />
              {pick(labels.status[status])}
            </span>
          ) : (p.status ?? none),
        ],
        [t('card.area'), ha(p.area_ha) ?? none],
        [t('card.occupancy'), occupancy ?? none],
        [pick(labels.fields.investor), p.investor || none],
        [t('card.decision'), decision ?? none],
        [pick(labels.fields.wastewater), enumLabel(labels.wastewater, p.wastewater, pick) ?? none],
        ...(p.industries && p.industries.length > 0 ? [[pick(labels.fields.industries), p.industries.join(', ')] as [string, React.ReactNode]] : []),
      ]
    : [];

  return (
    <section className="pm-card" aria-label={t('card.label')} data-cluster-code={p?.code}>
      <div className="pm-card__header">
        <div>
          {p && <p className="pm-card__code">{p.code}</p>}
          <h2 ref={titleRef} className="pm-card__title" tabIndex={-1} lang="vi">
            {p ? p.name : error ? t('common.error') : t('common.loading')}
          </h2>
        </div>
        <button type="button" className="icon-button" onClick={onClose} aria-label={t('common.close')}>
          <span aria-hidden="true">×</span>
        </button>
      </div>
      <div className="pm-card__body">
        {error && (
          <p role="alert" className="pm-error">
            {error === 'not-found' ? t('card.notFound', { code }) : t('card.failed')}
          </p>
        )}
        {updated && (
          <p role="status" className="pm-note">
            {t('card.updated')}
          </p>
        )}
        {p && (
          <>
            <dl className="facts">
              {rows.map(([label, value]) => (
                <div className="facts__row" key={label}>
                  <dt>{label}</dt>
                  <dd>{value}</dd>
                </div>
              ))}
            </dl>
            <div className="pm-card__actions">
              <button
                type="button"
                className="button button--primary"
                onClick={() => {
                  const bbox = geometryBbox(cluster!.geometry);
                  if (bbox) onZoomTo(bbox);
                }}
              >
                {t('card.zoomTo')}
              </button>
              <button
                type="button"
                className="button button--secondary"
                onClick={() => {
                  void navigator.clipboard?.writeText(new URL(shareUrl, window.location.href).href).then(() => setCopied(true), () => undefined);
                }}
              >
                {t('card.copyLink')}
              </button>
              <span role="status" className="pm-card__copied">
                {copied ? t('card.copied') : ''}
              </span>
            </div>
          </>
        )}
      </div>
    </section>
  );
}

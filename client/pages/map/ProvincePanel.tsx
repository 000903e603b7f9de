import { useEffect, useRef, useState } from 'react';
import { useFormatNumber, useLocale, useT } from '../../i18n/index.tsx';
import { REGION_COLORS, REGION_NAMES, isRegionKey, type Era } from '../../map/index.ts';
import { dict } from './i18n.ts';
import { loadProvince, type ProvinceDetail } from './provinces.ts';

interface Props {
  era: Era;
  code: string;
  onClose(): void;
  onZoomTo(bbox: [number, number, number, number]): void;
}

type State =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; province: ProvinceDetail; parts: ProvinceDetail[] };

/** 105.5 → 105°30′ */
function formatMeridian(value: number): string {
  const degrees = Math.floor(value);
  const minutes = Math.round((value - degrees) * 60);
  return minutes ? `${degrees}°${String(minutes).padStart(2, '0')}′` : `${degrees}°`;
}

export function ProvincePanel({ era, code, onClose, onZoomTo }: Props) {
  const t = useT(dict);
  const { locale } = useLocale();
  const formatNumber = useFormatNumber();
  const [state, setState] = useState<State>({ status: 'loading' });
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    let cancelled = false;
    setState({ status: 'loading' });
    (async () => {
      const province = await loadProvince(era, code);
      // a 2025 province's region and VN-2000 zone come from the provinces it was merged from
      const parts = era === '2025' ? await Promise.all((province.properties.merged_from ?? []).map((c) => loadProvince('2009', c))) : [];
      if (!cancelled) setState({ status: 'ready', province, parts });
    })().catch((err: Error) => {
      if (!cancelled) setState({ status: 'error', message: err.message });
    });
    return () => {
      cancelled = true;
    };
  }, [era, code]);

  // move focus into the panel when it opens or shows another province, for keyboard and screen-reader users
  useEffect(() => {
    if (state.status !== 'loading') headingRef.current?.focus({ preventScroll: true });
  }, [state.status, code]);

  const regionLabel = (key: string) => (isRegionKey(key) ? REGION_NAMES[key][locale] : key);

  let body;
  if (state.status === 'loading') {
    body = <p className="muted" role="status">{t('common.loading')}</p>;
  } else if (state.status === 'error') {
    body = <p className="form__error" role="alert">{t('panel.loadFailed')} <span className="muted">({state.message})</span></p>;
  } else {
    const p = state.province.properties;
    const regionKeys = era === '2009' ? (p.region ? [p.region] : []) : (p.regions ?? []);
    const zones = era === '2009'
      ? p.vn2000_epsg ? [{ epsg: p.vn2000_epsg, meridian: p.vn2000_central_meridian ?? 0 }] : []
      : [...new Map(state.parts.filter((q) => q.properties.vn2000_epsg).map((q) => [q.properties.vn2000_epsg, { epsg: q.properties.vn2000_epsg!, meridian: q.properties.vn2000_central_meridian ?? 0 }])).values()];
    body = (
      <>
        <dl className="facts">
          <div className="facts__row">
            <dt>{t('panel.code')}</dt>
            <dd>{p.code}</dd>
          </div>
          <div className="facts__row">
            <dt>{t('panel.region')}</dt>
            <dd>
              {regionKeys.length > 1 && <div className="facts__note">{t('panel.multiRegion')}:</div>}
              {regionKeys.map((key) => (
                <div key={key} className="facts__region">
                  <span className="swatch" style={{ backgroundColor: isRegionKey(key) ? REGION_COLORS[key] : '#ccc' }} aria-hidden="true" />
                  {era === '2009' ? (locale === 'vi' ? p.region_name_vi : p.region_name_en) ?? regionLabel(key) : regionLabel(key)}
                </div>
              ))}
            </dd>
          </div>
          <div className="facts__row">
            <dt>{t('panel.area')}</dt>
            <dd>
              {formatNumber(p.area_km2, { maximumFractionDigits: 1, minimumFractionDigits: 1 })} {t('unit_km2')}
            </dd>
          </div>
          <div className="facts__row">
            <dt>{t('panel.districts')}</dt>
            <dd>{era === '2009' ? formatNumber(p.district_count ?? 0) : <span className="muted">{t('panel.noDistricts')}</span>}</dd>
          </div>
          <div className="facts__row">
            <dt>{t('panel.vn2000')}</dt>
            <dd>
              {zones.length === 0 && '—'}
              {zones.map((z) => (
                <div key={z.epsg}>{t('panel.vn2000.value', { epsg: z.epsg, meridian: formatMeridian(z.meridian) })}</div>
              ))}
            </dd>
          </div>
          {era === '2025' && (
            <div className="facts__row">
              <dt>{t('panel.mergedFrom')}</dt>
              <dd>
                <ul className="plain-list">
                  {state.parts.map((q) => (
                    <li key={q.properties.code}>
                      {q.properties.name} <span className="muted">({q.properties.code})</span>
                    </li>
                  ))}
                </ul>
              </dd>
            </div>
          )}
        </dl>
        <button type="button" className="button button--secondary" onClick={() => onZoomTo(p.bbox)}>
          {t('panel.zoomTo')}
        </button>
      </>
    );
  }

  const title = state.status === 'ready' ? state.province.properties.name : code;
  return (
    <aside className="province-panel" aria-labelledby="province-panel-title" data-testid="province-panel">
      <div className="province-panel__handle" aria-hidden="true" />
      <header className="province-panel__header">
        <h2 id="province-panel-title" className="province-panel__title" tabIndex={-1} ref={headingRef}>
          {title}
        </h2>
        <button type="button" className="icon-button" onClick={onClose} aria-label={t('common.close')} title={t('common.close')}>
          <span aria-hidden="true">×</span>
        </button>
      </header>
      <div className="province-panel__body">{body}</div>
    </aside>
  );
}

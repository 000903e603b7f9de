import { useEffect, useId, useState } from 'react';
import { labels } from '@domain/cluster-attributes';
import { useFormatNumber, useLocale, usePick, useT } from '../i18n/index.tsx';
import { loadOpportunities, type Opportunities, type ProvinceOption } from './api.ts';
import { dict } from './i18n.ts';

export interface OpportunitiesPanelProps {
  provinces: readonly ProvinceOption[];
  /** Fly to a place; with a code, open that cluster's card too. */
  onShow(target: { lon: number; lat: number; code: string | null }): void;
}

const PLAN_ITEM_STATUS = { proposed: { vi: 'Đề xuất', en: 'Proposed' }, 'in-plan': { vi: 'Trong quy hoạch', en: 'In the plan' } } as const;

function statusText(status: string, pick: (v: { vi: string; en: string }) => string): string {
  if (Object.hasOwn(labels.status, status)) return pick(labels.status[status as keyof typeof labels.status]);
  if (Object.hasOwn(PLAN_ITEM_STATUS, status)) return pick(PLAN_ITEM_STATUS[status as keyof typeof PLAN_ITEM_STATUS]);
  return status;
}

/** Clusters with free industrial land, and planned clusters without an infrastructure investor. */
export function OpportunitiesPanel({ provinces, onShow }: OpportunitiesPanelProps) {
  const t = useT(dict);
  const pick = usePick();
  const fmt = useFormatNumber();
  const { locale } = useLocale();
  const [province, setProvince] = useState('');
  const [industryInput, setIndustryInput] = useState('');
  const [industry, setIndustry] = useState('');
  const [data, setData] = useState<Opportunities | null>(null);
  const [failed, setFailed] = useState(false);
  const ids = { province: useId(), industry: useId(), free: useId(), planned: useId() };

  useEffect(() => {
    const controller = new AbortController();
    setFailed(false);
    loadOpportunities({ province: province || undefined, industry: industry || undefined }, controller.signal).then(setData, (err: unknown) => {
      if ((err as Error).name !== 'AbortError') setFailed(true);
    });
    return () => controller.abort();
  }, [province, industry]);

  const ha = (v: number | null) => (v === null ? '—' : fmt(v, { maximumFractionDigits: 2 }));
  const contact = (c: { office: string; office_en: string }) => (locale === 'vi' ? c.office : c.office_en);

  return (
    <div className="pm-opps">
      <p className="pm-hint">{t('opp.intro')}</p>
      <form
        className="pm-opps__filters"
        onSubmit={(e) => {
          e.preventDefault();
          setIndustry(industryInput.trim());
        }}
      >
        <div className="pm-field">
          <label htmlFor={ids.province} className="pm-field__label">
            {t('search.province')}
          </label>
          <select id={ids.province} className="input input--select" value={province} onChange={(e) => setProvince(e.currentTarget.value)}>
            <option value="">{t('search.allProvinces')}</option>
            {provinces.map((p) => (
              <option key={p.code} value={p.code} lang="vi">
                {p.short_name}
              </option>
            ))}
          </select>
        </div>
        <div className="pm-field">
          <label htmlFor={ids.industry} className="pm-field__label">
            {t('opp.industry')}
          </label>
          <div className="pm-search__row">
            <input
              id={ids.industry}
              className="input"
              type="search"
              value={industryInput}
              placeholder={t('opp.industryPlaceholder')}
              onChange={(e) => {
                setIndustryInput(e.currentTarget.value);
                // clearing the box clears the filter without another click
                if (e.currentTarget.value === '') setIndustry('');
              }}
            />
            <button type="submit" className="button button--secondary">
              {t('opp.apply')}
            </button>
          </div>
        </div>
      </form>

      {failed && <p className="pm-error" role="alert">{t('opp.failed')}</p>}
      {data && !failed && (
        <div aria-live="polite">
          <h2 className="pm-section-title" id={ids.free}>
            {t('opp.free', { n: data.clusters_with_free_land.length })}
          </h2>
          {data.clusters_with_free_land.length === 0 && <p className="pm-hint">{t('opp.noneFree')}</p>}
          <ul className="plain-list pm-opps__list" aria-labelledby={ids.free}>
            {data.clusters_with_free_land.map((c) => (
              <li key={c.id} className="pm-opp">
                <p className="pm-opp__name" lang="vi">
                  {c.name}
                </p>
                <p className="pm-opp__meta">
                  <span lang="vi">{c.province_name}</span> · {statusText(c.status, pick)}
                </p>
                <dl className="pm-opp__facts">
                  <div>
                    <dt>{t('opp.freeHa')}</dt>
                    <dd>
                      <strong>{t('opp.freeOf', { free: ha(c.free_ha), land: ha(c.industrial_land_ha) })}</strong>
                    </dd>
                  </div>
                  <div>
                    <dt>{t('opp.infrastructure')}</dt>
                    <dd>
                      {c.infrastructure.investor || t('opp.investorMissing')}; {pick(labels.fields.wastewater).toLowerCase()}:{' '}
                      {c.infrastructure.wastewater && Object.hasOwn(labels.wastewater, c.infrastructure.wastewater)
                        ? pick(labels.wastewater[c.infrastructure.wastewater as keyof typeof labels.wastewater]).toLowerCase()
                        : '—'}
                    </dd>
                  </div>
                  {c.industries.length > 0 && (
                    <div>
                      <dt>{pick(labels.fields.industries)}</dt>
                      <dd lang="vi">{c.industries.join(', ')}</dd>
                    </div>
                  )}
                  <div>
                    <dt>{t('opp.contact')}</dt>
                    <dd>{contact(c.contact)}</dd>
                  </div>
                </dl>
                <button type="button" className="button button--secondary pm-opp__show" onClick={() => onShow({ lon: c.lon, lat: c.lat, code: c.code })}>
                  {t('opp.show')}
                  <span className="visually-hidden">: {c.name}</span>
                </button>
              </li>
            ))}
          </ul>

          <h2 className="pm-section-title" id={ids.planned}>
            {t('opp.planned', { n: data.planned_without_investor.length })}
          </h2>
          {data.planned_without_investor.length === 0 && <p className="pm-hint">{t('opp.nonePlanned')}</p>}
          <ul className="plain-list pm-opps__list" aria-labelledby={ids.planned}>
            {data.planned_without_investor.map((c) => (
              <li key={`${c.source}:${c.id}`} className="pm-opp">
                <p className="pm-opp__name" lang="vi">
                  {c.name}
                </p>
                <p className="pm-opp__meta">
                  <span lang="vi">{c.province_name}</span> · {statusText(c.status, pick)}
                  {c.source === 'plan' && <> · {t('opp.fromPlan')}</>}
                  {c.phase && Object.hasOwn(labels.plan_phase, c.phase) && <> · {pick(labels.plan_phase[c.phase as keyof typeof labels.plan_phase])}</>}
                </p>
                <dl className="pm-opp__facts">
                  <div>
                    <dt>{t('opp.plannedArea')}</dt>
                    <dd>
                      {ha(c.planned_area_ha)} {t('unit.ha')}
                    </dd>
                  </div>
                  <div>
                    <dt>{t('opp.contact')}</dt>
                    <dd>{contact(c.contact)}</dd>
                  </div>
                </dl>
                {c.lon !== null && c.lat !== null && (
                  <button type="button" className="button button--secondary pm-opp__show" onClick={() => onShow({ lon: c.lon!, lat: c.lat!, code: c.source === 'registry' ? c.code : null })}>
                    {t('opp.show')}
                    <span className="visually-hidden">: {c.name}</span>
                  </button>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

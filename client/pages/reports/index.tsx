import { useEffect, useMemo, useRef, useState } from 'react';
import type { PageProps } from '../../app/route-types.ts';
import { getJson, withQuery } from '../../api/http.ts';
import { useT } from '../../i18n/index.tsx';
import { dict } from './i18n.ts';
import './reports.css';

type Era = '2009' | '2025';

/** The latest period that has ended: H1 ends 14 Jun, the year 14 Dec (Vietnamese dates). */
function defaultPeriod(): { kind: 'half' | 'year'; year: number } {
  const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
  const y = Number(today.slice(0, 4));
  const md = today.slice(5);
  if (md > '12-14') return { kind: 'year', year: y };
  if (md > '06-14') return { kind: 'half', year: y };
  return { kind: 'year', year: y - 1 };
}

export default function ReportsPage(_props: PageProps) {
  const t = useT(dict);
  const initial = useMemo(defaultPeriod, []);
  const [kind, setKind] = useState<'half' | 'year'>(initial.kind);
  const [year, setYear] = useState(initial.year);
  const [era, setEra] = useState<Era>('2009');
  const [province, setProvince] = useState('');
  const [provinces, setProvinces] = useState<{ code: string; name: string }[]>([]);
  const frame = useRef<HTMLIFrameElement>(null);

  useEffect(() => {
    // names and codes of the era's provinces (the stats rows are the lightest list)
    getJson<{ rows: { code: string; name: string }[] }>(`/api/stats?by=province&era=${era}`).then((r) => setProvinces(r.rows), () => setProvinces([]));
    setProvince('');
  }, [era]);

  const period = kind === 'half' ? `${year}-H1` : String(year);
  const url = (format: string) => withQuery('/api/reports/periodic', { period, province: province || undefined, era: era === '2009' ? undefined : era, format });
  const thisYear = new Date().getFullYear();
  const years: number[] = [];
  for (let y = thisYear + 1; y >= 2010; y--) years.push(y);

  return (
    <div className="reports-page">
      <h1 className="reports-page__title">{t('title')}</h1>
      <p className="muted">{t('intro')}</p>
      <section className="reports-controls">
        <label className="form__field">
          <span className="form__label">{t('kind')}</span>
          <select className="input input--select" value={kind} onChange={(e) => setKind(e.currentTarget.value as 'half' | 'year')} data-testid="period-kind">
            <option value="half">{t('kind.half')}</option>
            <option value="year">{t('kind.year')}</option>
          </select>
        </label>
        <label className="form__field">
          <span className="form__label">{t('year')}</span>
          <select className="input input--select" value={year} onChange={(e) => setYear(Number(e.currentTarget.value))} data-testid="period-year">
            {years.map((y) => (
              <option key={y} value={y}>
                {y}
              </option>
            ))}
          </select>
        </label>
        <label className="form__field">
          <span className="form__label">{t('era')}</span>
          <select className="input input--select" value={era} onChange={(e) => setEra(e.currentTarget.value as Era)}>
            <option value="2009">{t('era.2009')}</option>
            <option value="2025">{t('era.2025')}</option>
          </select>
        </label>
        <label className="form__field">
          <span className="form__label">{t('province')}</span>
          <select className="input input--select" value={province} onChange={(e) => setProvince(e.currentTarget.value)} data-testid="report-province">
            <option value="">{t('national')}</option>
            {provinces.map((p) => (
              <option key={p.code} value={p.code}>
                {p.code} — {p.name}
              </option>
            ))}
          </select>
        </label>
        <div className="reports-actions">
          <button type="button" className="button button--secondary" onClick={() => frame.current?.contentWindow?.print()}>
            {t('print')}
          </button>
          <a className="button button--primary" href={url('csv')} download data-testid="download-csv">
            {t('csv')}
          </a>
          <a className="button button--primary" href={url('xlsx')} download data-testid="download-xlsx">
            {t('xlsx')}
          </a>
        </div>
      </section>
      <h2 className="visually-hidden">{t('preview')}</h2>
      <iframe ref={frame} className="reports-preview" title={`${t('preview')} — ${t('period', { id: period })}`} src={url('html')} data-testid="report-preview" />
    </div>
  );
}

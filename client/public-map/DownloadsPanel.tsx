import { useEffect, useState } from 'react';
import { useLocale, useT } from '../i18n/index.tsx';
import { intlLocale } from '../i18n/dictionary.ts';
import { loadDownloads, type DownloadInfo } from './api.ts';
import { dict } from './i18n.ts';

/** The public layers as GeoJSON and CSV, each with its licence and the date its data last changed. */
export function DownloadsPanel({ dataVersion }: { dataVersion: string }) {
  const t = useT(dict);
  const { locale } = useLocale();
  const [downloads, setDownloads] = useState<DownloadInfo[] | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let cancelled = false;
    loadDownloads().then(
      (d) => {
        if (cancelled) return;
        setDownloads(d);
        setFailed(false);
      },
      () => !cancelled && setFailed(true),
    );
    return () => {
      cancelled = true;
    };
  }, [dataVersion]);

  const date = (iso: string | null) =>
    iso ? new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)) : t('data.dateUnknown');
  const ogcUrl = `${window.location.origin}/ogc`;

  return (
    <div className="pm-data">
      <p className="pm-hint">{t('data.intro')}</p>
      {failed && <p className="pm-error" role="alert">{t('data.failed')}</p>}
      <ul className="plain-list pm-data__list">
        {downloads?.map((d) => (
          <li key={d.layer} className="pm-download">
            <h2 className="pm-download__title" lang="vi">
              {d.title}
            </h2>
            <p className="pm-download__meta">
              {t('data.licence')}:{' '}
              <a href={d.licence.url} rel="license noreferrer" target="_blank">
                {d.licence.name}
              </a>{' '}
              · {t('data.date')}: <time dateTime={d.data_date ?? undefined}>{date(d.data_date)}</time>
            </p>
            <p className="pm-download__attribution" lang="vi">
              {d.licence.attribution}
            </p>
            <div className="pm-download__links">
              {(['geojson', 'csv'] as const).map((format) => (
                <a
                  key={format}
                  className="button button--secondary"
                  href={d.formats[format]}
                  download
                  aria-label={t('data.download', { layer: d.title, format: format === 'geojson' ? 'GeoJSON' : 'CSV' })}
                >
                  {format === 'geojson' ? 'GeoJSON' : 'CSV'}
                </a>
              ))}
            </div>
          </li>
        ))}
      </ul>
      <p className="pm-hint">
        {t('data.ogc')} <code className="pm-code">{ogcUrl}</code>
      </p>
    </div>
  );
}

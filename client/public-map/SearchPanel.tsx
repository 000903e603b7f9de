import { useEffect, useId, useState } from 'react';
import { labels } from '@domain/cluster-attributes';
import { useFormatNumber, usePick, useT } from '../i18n/index.tsx';
import { searchClusters, type ProvinceOption, type PublicCluster } from './api.ts';
import { dict } from './i18n.ts';
import { STATUS_COLORS } from './styles.ts';

export interface SearchPanelProps {
  provinces: readonly ProvinceOption[];
  provinceNames: ReadonlyMap<string, ProvinceOption>;
  selectedCode: string | null;
  onSelect(cluster: PublicCluster): void;
}

interface Results {
  features: PublicCluster[];
  total: number;
}

const DEBOUNCE_MS = 300;

/** Search by name (the server folds diacritics) and/or province; picking a result opens its card. */
export function SearchPanel({ provinces, provinceNames, selectedCode, onSelect }: SearchPanelProps) {
  const t = useT(dict);
  const pick = usePick();
  const fmt = useFormatNumber();
  const [q, setQ] = useState('');
  const [province, setProvince] = useState('');
  const [results, setResults] = useState<Results | null>(null);
  const [failed, setFailed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [submitted, setSubmitted] = useState(0);
  const ids = { q: useId(), province: useId(), results: useId() };

  useEffect(() => {
    const query = q.trim();
    if (!query && !province) {
      setResults(null);
      setFailed(false);
      return;
    }
    const controller = new AbortController();
    const timer = window.setTimeout(() => {
      setBusy(true);
      searchClusters({ q: query || undefined, province: province || undefined }, controller.signal).then(
        (fc) => {
          setResults({ features: fc.features, total: fc.numberMatched ?? fc.features.length });
          setFailed(false);
          setBusy(false);
        },
        (err: unknown) => {
          if ((err as Error).name === 'AbortError') return;
          setFailed(true);
          setBusy(false);
        },
      );
    }, submitted ? 0 : DEBOUNCE_MS);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
    // `submitted` makes Enter search at once
  }, [q, province, submitted]);

  return (
    <div className="pm-search">
      <form
        className="pm-search__form"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setSubmitted((n) => n + 1);
        }}
      >
        <div className="pm-field">
          <label htmlFor={ids.q} className="pm-field__label">
            {t('search.label')}
          </label>
          <div className="pm-search__row">
            <input
              id={ids.q}
              className="input"
              type="search"
              value={q}
              autoComplete="off"
              spellCheck={false}
              placeholder={t('search.placeholder')}
              aria-describedby={`${ids.q}-hint`}
              onChange={(e) => setQ(e.currentTarget.value)}
            />
            <button type="submit" className="button button--primary">
              {t('search.submit')}
            </button>
          </div>
          <p id={`${ids.q}-hint`} className="pm-hint">
            {t('search.hint')}
          </p>
        </div>
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
      </form>

      <div className="pm-search__results" aria-live="polite" aria-busy={busy}>
        {failed && <p className="pm-error">{t('search.failed')}</p>}
        {results && !failed && (
          <>
            <h2 className="pm-section-title" id={ids.results}>
              {t('search.results')} · {t('search.count', { n: fmt(results.total) })}
            </h2>
            {results.features.length === 0 && <p className="pm-hint">{t('search.none')}</p>}
            {results.total > results.features.length && <p className="pm-hint">{t('search.more', { shown: results.features.length, total: results.total })}</p>}
            <ul className="plain-list pm-results" aria-labelledby={ids.results}>
              {results.features.map((f) => {
                const p = f.properties;
                const status = Object.hasOwn(STATUS_COLORS, p.status) ? (p.status as keyof typeof STATUS_COLORS) : null;
                return (
                  <li key={p.code}>
                    <button type="button" className="pm-result" aria-current={selectedCode === p.code ? 'true' : undefined} onClick={() => onSelect(f)}>
                      <span className="pm-result__name" lang="vi">
                        {p.name}
                      </span>
                      <span className="pm-result__meta">
                        {status && <span className="pm-status__swatch" style={{ backgroundColor: STATUS_COLORS[status] }} aria-hidden="true" />}
                        {status ? pick(labels.status[status]) : p.status} · <span lang="vi">{provinceNames.get(p.province_code)?.short_name ?? p.province_code}</span> · {p.code}
                      </span>
                    </button>
                  </li>
                );
              })}
            </ul>
          </>
        )}
      </div>
    </div>
  );
}

import { useEffect, useId, useState } from 'react';
import { useFormatNumber, useLocale, useT } from '../i18n/index.tsx';
import { intlLocale } from '../i18n/dictionary.ts';
import { listVersions } from './api.ts';
import { DiffView } from './DiffView.tsx';
import { clusterDict } from './i18n.ts';
import type { ClusterVersion } from './types.ts';
import './clusters.css';

export interface HistoryPanelProps {
  clusterId: string;
  /** Change it to reload the list (after a save or a review step). */
  refreshKey?: unknown;
  publishedVersion?: number | null;
}

export function formatDateTime(value: unknown, locale: 'vi' | 'en'): string {
  if (!value) return '';
  const d = new Date(value as string);
  return Number.isNaN(d.getTime()) ? String(value) : d.toLocaleString(intlLocale(locale), { dateStyle: 'short', timeStyle: 'short' });
}

/** Authors come as `{id, username, display_name}` (staff views) or a plain name. */
export function personName(author: unknown): string {
  if (!author) return '';
  if (typeof author === 'string') return author;
  if (typeof author === 'object') {
    const a = author as { display_name?: unknown; username?: unknown };
    return String(a.display_name || a.username || '');
  }
  return String(author);
}

export function ReviewStateBadge({ state }: { state: string | null | undefined }) {
  const t = useT(clusterDict);
  if (!state) return null;
  const key = `state.${state}` as 'state.draft';
  return <span className={`ca-badge ca-badge--${state}`}>{t(key)}</span>;
}

/** The versions of one cluster, and a map diff between any two of them. */
export function HistoryPanel({ clusterId, refreshKey, publishedVersion }: HistoryPanelProps) {
  const t = useT(clusterDict);
  const { locale } = useLocale();
  const fmt = useFormatNumber();
  const ids = useId();
  const [versions, setVersions] = useState<ClusterVersion[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);

  useEffect(() => {
    const ctrl = new AbortController();
    setError(null);
    listVersions(clusterId, ctrl.signal)
      .then((list) => {
        setVersions(list);
        const last = list[list.length - 1]?.version ?? null;
        const prev = list[list.length - 2]?.version ?? null;
        setTo(last);
        setFrom(prev);
      })
      .catch((err) => {
        if ((err as Error).name !== 'AbortError') setError((err as Error).message);
      });
    return () => ctrl.abort();
  }, [clusterId, refreshKey]);

  const geometryOf = (v: number | null) => (versions?.find((x) => x.version === v)?.geometry as GeoJSON.Geometry | undefined) ?? null;

  return (
    <section className="ca-history" aria-labelledby={`${ids}-title`} data-testid="history-panel">
      <h3 id={`${ids}-title`} className="ca-subtitle">
        {t('history.title')}
      </h3>
      {error && (
        <p className="form__error" role="alert">
          {error}
        </p>
      )}
      {versions && versions.length === 0 && <p className="muted">{t('history.empty')}</p>}
      {versions && versions.length > 0 && (
        <ol className="ca-versions" reversed>
          {[...versions].reverse().map((v) => (
            <li key={v.version} className="ca-versions__item" data-version={v.version}>
              <div className="ca-versions__head">
                <strong>v{v.version}</strong>
                <ReviewStateBadge state={v.review_state} />
                {publishedVersion === v.version && <span className="ca-badge ca-badge--published">{t('history.published')}</span>}
                {v.status === 'removed' && <span className="ca-badge ca-badge--removed">removed</span>}
              </div>
              <div className="ca-versions__meta muted">
                {formatDateTime(v.created_at, locale)}
                {personName(v.author) ? ` · ${t('history.by', { who: personName(v.author) })}` : ''}
                {typeof v.area_ha === 'number' ? ` · ${t('ha', { value: fmt(v.area_ha, { maximumFractionDigits: 2 }) })}` : ''}
              </div>
              {v.comment && <div className="ca-versions__comment">“{v.comment}”</div>}
            </li>
          ))}
        </ol>
      )}
      {versions && versions.length < 2 && versions.length > 0 && <p className="muted">{t('history.needTwo')}</p>}
      {versions && versions.length >= 2 && to !== null && (
        <>
          <div className="ca-row ca-compare" role="group" aria-label={t('history.compare')}>
            <label className="form__field">
              <span className="form__label">{t('history.from')}</span>
              <select className="input input--select" name="diff-from" value={from ?? ''} onChange={(e) => setFrom(Number(e.target.value))}>
                {versions.map((v) => (
                  <option key={v.version} value={v.version}>
                    {t('history.version', { v: v.version })}
                  </option>
                ))}
              </select>
            </label>
            <label className="form__field">
              <span className="form__label">{t('history.to')}</span>
              <select className="input input--select" name="diff-to" value={to} onChange={(e) => setTo(Number(e.target.value))}>
                {versions.map((v) => (
                  <option key={v.version} value={v.version}>
                    {t('history.version', { v: v.version })}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <DiffView clusterId={clusterId} from={from} to={to} fromGeometry={geometryOf(from)} toGeometry={geometryOf(to)} mapHeight={240} />
        </>
      )}
    </section>
  );
}

import { useCallback, useEffect, useState } from 'react';
import { CLUSTER_ATTRIBUTE_FIELDS } from '@domain/cluster-attributes';
import type { Geometry } from 'geojson';
import { ApiError, postJson } from '../../api/http.ts';
import { DivisionFacts } from '../../clusters/DivisionFacts.tsx';
import { useAuth } from '../../auth/AuthContext.tsx';
import { Link, setSearchParams, useLocation } from '../../app/router.tsx';
import type { PageProps } from '../../app/route-types.ts';
import { useFormatNumber, useLocale, useT } from '../../i18n/index.tsx';
import { getCluster, reviewAction, reviewQueue, type Versioned } from '../../clusters/api.ts';
import { CommentThread } from '../../clusters/CommentThread.tsx';
import { DiffView, fieldLabel, formatAttributeValue } from '../../clusters/DiffView.tsx';
import { HistoryPanel, formatDateTime, personName, ReviewStateBadge } from '../../clusters/HistoryPanel.tsx';
import { clusterDict } from '../../clusters/i18n.ts';
import type { QueueItem } from '../../clusters/types.ts';
import { dict } from './i18n.ts';
import './review.css';

/** `province_edge` of POST /api/clusters/validate (server/domain/province-edge.ts). */
interface ProvinceEdgeReport {
  level: 'warning' | 'neighbour' | 'error';
  outside_ha: number;
  outside_max_m: number | null;
  tolerance_m: number;
  neighbour: { province_code: string; name: string } | null;
  outside: Geometry | null;
}

/** The reviewer's screen: the queue of submitted drafts, the boundary and attribute diff, the decision and the discussion. */
export default function ReviewPage(_props: PageProps) {
  const t = useT(dict);
  const { locale } = useLocale();
  const fmt = useFormatNumber();
  const { search } = useLocation();
  const selectedId = search.get('id');
  const [queue, setQueue] = useState<QueueItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = useCallback(async () => {
    setError(null);
    try {
      setQueue(await reviewQueue());
    } catch (err) {
      setError((err as Error).message);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const selected = queue?.find((q) => q.id === selectedId) ?? null;

  return (
    <div className="review">
      <h1 className="review__title">{t('title')}</h1>
      <div className="review__layout">
        <section className="review__queue" aria-labelledby="review-queue-title">
          <div className="review__queue-head">
            <h2 id="review-queue-title">
              {t('queue')} {queue ? <span className="review__count">{queue.length}</span> : null}
            </h2>
            <button type="button" className="button button--secondary" onClick={() => void load()}>
              ↻ {t('refresh')}
            </button>
          </div>
          {error && (
            <p className="form__error" role="alert">
              {error}
            </p>
          )}
          {notice && (
            <p className="review__notice" role="status" data-testid="review-notice">
              {notice}
            </p>
          )}
          {queue && queue.length === 0 && <p className="muted">{t('queueEmpty')}</p>}
          {queue && queue.length > 0 && (
            <ul className="review__list" data-testid="review-queue">
              {queue.map((q) => (
                <li key={q.id}>
                  <button
                    type="button"
                    className={`review__item${q.id === selectedId ? ' review__item--active' : ''}`}
                    aria-current={q.id === selectedId || undefined}
                    onClick={() => {
                      setNotice(null);
                      setSearchParams({ id: q.id });
                    }}
                  >
                    <span className="review__item-name">{q.name}</span>
                    <span className="review__item-meta muted">
                      {q.code ? `${q.code} · ` : ''}v{q.version} · {q.published_version ? t('publishedVersion', { v: q.published_version }) : t('noPublished')}
                    </span>
                    <span className="review__item-meta muted">
                      {personName(q.submitted_by ?? q.author)} · {formatDateTime(q.submitted_at, locale)}
                    </span>
                    {typeof q.area_ha === 'number' && <span className="review__item-meta">{t('area', { ha: fmt(q.area_ha, { maximumFractionDigits: 2 }) })}</span>}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>

        <section className="review__detail">
          {!selected && <p className="muted review__empty">{t('select')}</p>}
          {selected && (
            <ReviewDetail
              key={`${selected.id}:${selected.version}`}
              item={selected}
              onDone={(message) => {
                setNotice(message);
                setSearchParams({ id: null });
                void load();
              }}
            />
          )}
        </section>
      </div>
    </div>
  );
}

function ReviewDetail({ item, onDone }: { item: QueueItem; onDone(message: string): void }) {
  const t = useT(dict);
  const tc = useT(clusterDict);
  const { locale } = useLocale();
  const fmt = useFormatNumber();
  const { user } = useAuth();
  const [current, setCurrent] = useState<Versioned | null>(null);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [refreshKey, setRefreshKey] = useState(0);
  const [historyOpen, setHistoryOpen] = useState(false);

  useEffect(() => {
    let live = true;
    getCluster(item.id)
      .then((v) => live && setCurrent(v))
      .catch((err) => live && setError((err as Error).message));
    return () => {
      live = false;
    };
  }, [item.id]);

  // the province-edge check of the version under review: its outside part is drawn on the map
  const [edge, setEdge] = useState<ProvinceEdgeReport | null>(null);
  useEffect(() => {
    if (!current?.feature.geometry) return;
    let live = true;
    postJson<{ province_edge?: ProvinceEdgeReport | null }>(`/api/clusters/validate?id=${encodeURIComponent(item.id)}`, {
      type: 'Feature',
      geometry: current.feature.geometry,
      properties: current.feature.properties,
    })
      .then((r) => live && setEdge(r.province_edge ?? null))
      .catch(() => live && setEdge(null));
    return () => {
      live = false;
    };
  }, [current, item.id]);

  const props = current?.feature.properties ?? item;
  const published = (props.published_version as number | null | undefined) ?? null;
  const version = Number(props.version ?? item.version);
  const ownDraft = !!user && (props.author as { id?: unknown } | null | undefined)?.id === user.id;

  async function decide(action: 'approve' | 'request-changes') {
    if (action === 'request-changes' && !comment.trim()) {
      setError(t('commentRequired'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await reviewAction(item.id, action, comment.trim(), current?.etag ?? `"${version}"`);
      setRefreshKey((n) => n + 1);
      onDone(action === 'approve' ? t('approved', { name: item.name, v: version }) : t('changesRequested', { name: item.name }));
    } catch (err) {
      setError(err instanceof ApiError && err.status === 403 && ownDraft ? t('ownDraft') : (err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <article className="review__card" data-testid="review-detail" data-cluster={item.id}>
      <header className="review__card-head">
        <h2>{String(props.name ?? item.name)}</h2>
        <div className="review__meta">
          <span className="review__code">{String(props.code ?? '')}</span>
          <span>{t('versionOf', { v: version })}</span>
          <ReviewStateBadge state={(props.review_state as string | undefined) ?? 'submitted'} />
          <span className="muted">{published ? t('publishedVersion', { v: published }) : t('noPublished')}</span>
          <Link to={`/editor?id=${encodeURIComponent(item.id)}`} className="review__link">
            {t('openEditor')}
          </Link>
        </div>
        {item.submitted_at && (
          <p className="muted review__small">{t('submittedBy', { who: personName(item.submitted_by ?? item.author), at: formatDateTime(item.submitted_at, locale) })}</p>
        )}
      </header>

      <h3 className="ca-subtitle">{t('boundary')}</h3>
      <DiffView clusterId={item.id} from={published} to={version} toGeometry={current?.feature.geometry ?? item.geometry ?? null} toBoundaryStatus={String(((current?.feature.properties ?? item.properties) as Record<string, unknown> | null | undefined)?.boundary_status ?? '')} mapHeight={380} outside={edge?.outside ?? null} />
      {edge && (
        <p className={`review__small review__edge review__edge--${edge.level}`} data-testid="province-edge">
          {t(edge.level === 'warning' ? 'edgeWarning' : 'edgeProblem', {
            ha: fmt(edge.outside_ha, { maximumFractionDigits: 4 }),
            m: fmt(Math.round(edge.outside_max_m ?? 0)),
            tol: fmt(edge.tolerance_m),
            unit: edge.neighbour ? `${edge.neighbour.name} (${edge.neighbour.province_code})` : t('edgeNoUnit'),
          })}
        </p>
      )}
      <DivisionFacts
        provinceCode={props.province_code as string | undefined}
        provinceCode2009={props.province_code_2009 as string | undefined}
        communeCodes={props.commune_codes as string[] | undefined}
      />
      {typeof props.area_ha === 'number' && (
        <p className="review__small">
          {t('area', { ha: fmt(props.area_ha as number, { maximumFractionDigits: 2 }) })}
          {typeof props.area_ha_vn2000 === 'number' ? ` · VN-2000: ${fmt(props.area_ha_vn2000 as number, { maximumFractionDigits: 2 })} ha` : ''}
        </p>
      )}

      {published === null && current && (
        <>
          <h3 className="ca-subtitle">{t('newAttributes')}</h3>
          <table className="ca-table">
            <tbody>
              {CLUSTER_ATTRIBUTE_FIELDS.filter((f) => {
                const v = current.feature.properties[f];
                return v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && !v.length);
              }).map((f) => (
                <tr key={f}>
                  <th scope="row">{fieldLabel(f, locale)}</th>
                  <td>{formatAttributeValue(f, current.feature.properties[f], locale, [tc('yes'), tc('no')])}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}

      <section className="review__decision" aria-labelledby="review-decision">
        <h3 id="review-decision" className="ca-subtitle">
          {t('decision')}
        </h3>
        <label className="form__field">
          <span className="form__label">{t('comment')}</span>
          <textarea className="input" name="review-comment" rows={3} value={comment} onChange={(e) => setComment(e.target.value)} />
          <span className="ca-hint">{t('commentHint')}</span>
        </label>
        {ownDraft && <p className="review__warn">{t('ownDraft')}</p>}
        {error && (
          <p className="form__error" role="alert">
            {error}
          </p>
        )}
        <div className="review__buttons">
          <button type="button" className="button button--primary review__approve" disabled={busy || ownDraft} onClick={() => void decide('approve')} data-action="approve">
            ✓ {t('approve')}
          </button>
          <button type="button" className="button button--secondary review__reject" disabled={busy} onClick={() => void decide('request-changes')} data-action="request-changes">
            ✎ {t('requestChanges')}
          </button>
        </div>
      </section>

      <CommentThread clusterId={item.id} version={version} refreshKey={refreshKey} />

      {/* mounted only when opened: a closed <details> would still create a second WebGL map */}
      <details className="review__history" onToggle={(e) => setHistoryOpen((e.target as HTMLDetailsElement).open)}>
        <summary>{t('history')}</summary>
        {historyOpen && <HistoryPanel clusterId={item.id} refreshKey={refreshKey} publishedVersion={published} />}
      </details>
    </article>
  );
}

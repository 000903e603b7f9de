import { useEffect, useId, useState, type FormEvent } from 'react';
import { useLocale, useT } from '../i18n/index.tsx';
import { addComment, listComments } from './api.ts';
import { formatDateTime, personName } from './HistoryPanel.tsx';
import { clusterDict } from './i18n.ts';
import type { ClusterComment } from './types.ts';
import './clusters.css';

/** The per-cluster discussion between planners and reviewers (never shown to the public). */
export function CommentThread({ clusterId, version, refreshKey }: { clusterId: string; version?: number | null; refreshKey?: unknown }) {
  const t = useT(clusterDict);
  const { locale } = useLocale();
  const ids = useId();
  const [comments, setComments] = useState<ClusterComment[] | null>(null);
  const [draft, setDraft] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    const ctrl = new AbortController();
    listComments(clusterId, ctrl.signal)
      .then(setComments)
      .catch((err) => {
        if ((err as Error).name !== 'AbortError') setError((err as Error).message);
      });
    return () => ctrl.abort();
  }, [clusterId, refreshKey, reload]);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!draft.trim()) return;
    setBusy(true);
    setError(null);
    try {
      await addComment(clusterId, draft.trim(), version);
      setDraft('');
      setReload((n) => n + 1);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="ca-comments" aria-labelledby={`${ids}-title`} data-testid="comment-thread">
      <h3 id={`${ids}-title`} className="ca-subtitle">
        {t('comments.title')}
      </h3>
      {comments && comments.length === 0 && <p className="muted">{t('comments.empty')}</p>}
      {comments && comments.length > 0 && (
        <ul className="ca-comments__list">
          {comments.map((c) => (
            <li key={c.id} className="ca-comments__item">
              <div className="ca-comments__meta muted">
                <strong>{personName(c.author)}</strong>
                {c.version ? ` · v${c.version}` : ''} · {formatDateTime(c.created_at, locale)}
              </div>
              <div className="ca-comments__body">{c.body}</div>
            </li>
          ))}
        </ul>
      )}
      <form className="ca-comments__form" onSubmit={onSubmit}>
        <label className="visually-hidden" htmlFor={`${ids}-body`}>
          {t('comments.placeholder')}
        </label>
        <textarea id={`${ids}-body`} name="comment-body" className="input" rows={2} placeholder={t('comments.placeholder')} value={draft} onChange={(e) => setDraft(e.target.value)} />
        <button type="submit" className="button button--secondary" disabled={busy || !draft.trim()}>
          {t('comments.send')}
        </button>
      </form>
      {error && (
        <p className="form__error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

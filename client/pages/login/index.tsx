import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api/http.ts';
import { useAuth } from '../../auth/AuthContext.tsx';
import { roleLabel } from '../../auth/roles.ts';
import { Link, navigate, useLocation } from '../../app/router.tsx';
import { useLocale, useT } from '../../i18n/index.tsx';
import { dict } from './i18n.ts';

/** Only same-site paths, so ?next= cannot send users elsewhere. */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export default function LoginPage() {
  const t = useT(dict);
  const { locale } = useLocale();
  const { user, login } = useAuth();
  const { search } = useLocation();
  const next = safeNext(search.get('next'));
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username.trim(), password);
      navigate(next, { replace: true });
    } catch (err) {
      if (err instanceof ApiError && (err.status === 401 || err.status === 400)) setError(t('badCredentials'));
      else if (err instanceof ApiError && err.status === 429) setError(t('tooMany'));
      else if (err instanceof ApiError && err.status === 404) setError(t('unavailable'));
      else setError(t('failed', { message: (err as Error).message }));
      setPassword('');
    } finally {
      setBusy(false);
    }
  }

  if (user) {
    return (
      <div className="card card--centered">
        <h1 className="card__title">{t('title')}</h1>
        <p>{t('signedInAs', { name: user.display_name || user.username, role: roleLabel(user.role, locale) })}</p>
        <Link to={next} className="button button--primary">
          {t('continue')}
        </Link>
      </div>
    );
  }

  return (
    <div className="card card--centered card--narrow">
      <h1 className="card__title">{t('title')}</h1>
      <p className="muted">{t('intro')}</p>
      <form className="form" onSubmit={onSubmit} noValidate>
        <label className="form__field">
          <span className="form__label">{t('username')}</span>
          <input
            className="input"
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            required
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            autoFocus
          />
        </label>
        <label className="form__field">
          <span className="form__label">{t('password')}</span>
          <input
            className="input"
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error && (
          <p className="form__error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="button button--primary button--block" disabled={busy || !username.trim() || !password}>
          {busy ? t('submitting') : t('submit')}
        </button>
      </form>
    </div>
  );
}

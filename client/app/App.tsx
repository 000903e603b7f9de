import { Suspense, useEffect } from 'react';
import { AuthProvider, useAuth } from '../auth/AuthContext.tsx';
import { I18nProvider, usePick, useT } from '../i18n/index.tsx';
import { canAccess, resolveRoute } from './access.ts';
import { ErrorBoundary } from './ErrorBoundary.tsx';
import { Header } from './Header.tsx';
import { Link, useLocation } from './router.tsx';

export function App() {
  return (
    <I18nProvider>
      <AuthProvider>
        <Shell />
      </AuthProvider>
    </I18nProvider>
  );
}

function Loading() {
  const t = useT();
  return (
    <div className="page-loading" role="status">
      {t('common.loading')}
    </div>
  );
}

function Notice({ message, action }: { message: string; action?: { to: string; label: string } }) {
  return (
    <div className="card card--centered">
      <p>{message}</p>
      {action && (
        <p>
          <Link to={action.to} className="button button--primary">
            {action.label}
          </Link>
        </p>
      )}
    </div>
  );
}

function Shell() {
  const t = useT();
  const pick = usePick();
  const { pathname } = useLocation();
  const { user, status } = useAuth();
  const match = resolveRoute(pathname);

  const title = match?.route.title ? pick(match.route.title) : null;
  useEffect(() => {
    document.title = title ? `${title} — Cluster Atlas` : 'Cluster Atlas';
  }, [title]);

  let content;
  if (!match) {
    content = <Notice message={t('common.notFound')} action={{ to: '/', label: t('common.backToMap') }} />;
  } else if (!canAccess(match.route, user)) {
    if (status === 'loading') content = <Loading />;
    else if (!user) content = <Notice message={t('auth.loginRequired')} action={{ to: `/login?next=${encodeURIComponent(pathname)}`, label: t('auth.login') }} />;
    else content = <Notice message={t('auth.forbidden')} action={{ to: '/', label: t('common.backToMap') }} />;
  } else {
    const Page = match.route.page;
    content = <Page params={match.params} />;
  }

  const layout = match?.route.layout ?? 'page';
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        {pick({ vi: 'Bỏ qua đến nội dung chính', en: 'Skip to main content' })}
      </a>
      <Header />
      <main id="main" className={`app-main app-main--${layout}`} tabIndex={-1}>
        <ErrorBoundary
          key={match?.route.path ?? pathname}
          fallback={(error, reset) => (
            <div className="card card--centered" role="alert">
              <h1 className="card__title">{t('common.error')}</h1>
              <p className="muted">{error.message}</p>
              <button type="button" className="button button--primary" onClick={reset}>
                {t('common.retry')}
              </button>
            </div>
          )}
        >
          <Suspense fallback={<Loading />}>{content}</Suspense>
        </ErrorBoundary>
      </main>
    </div>
  );
}

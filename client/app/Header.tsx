import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useAuth } from '../auth/AuthContext.tsx';
import { roleLabel } from '../auth/roles.ts';
import { LOCALES, useLocale, usePick, useT } from '../i18n/index.tsx';
import { canAccess } from './access.ts';
import { Link, navigate, useLocation } from './router.tsx';
import { routes } from './routes.ts';

export function Header() {
  const t = useT();
  const pick = usePick();
  const { locale, setLocale } = useLocale();
  const { user, status, logout } = useAuth();
  const { pathname } = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);

  // close the phone menu after navigating
  useEffect(() => setMenuOpen(false), [pathname]);

  const navRoutes = routes.filter((r) => r.nav && canAccess(r, user));

  // Fold the nav into the menu button when it does not fit, however many pages the role has.
  // Only the full layout can be measured, so a change of links unfolds, measures, and folds again before paint.
  const headerRef = useRef<HTMLElement>(null);
  const navRef = useRef<HTMLElement>(null);
  const neededWidth = useRef(0);
  const [compact, setCompact] = useState(false);
  const layoutKey = `${navRoutes.map((r) => r.path).join('|')}:${locale}:${user?.display_name ?? ''}:${status}`;
  useLayoutEffect(() => setCompact(false), [layoutKey]);
  useLayoutEffect(() => {
    const header = headerRef.current;
    const nav = navRef.current;
    if (compact || !header || !nav) return;
    const links = nav.children;
    const linksWidth = links.length ? (links[links.length - 1] as HTMLElement).offsetLeft + (links[links.length - 1] as HTMLElement).offsetWidth - (links[0] as HTMLElement).offsetLeft : 0;
    // everything but the nav's free space
    neededWidth.current = header.clientWidth - nav.clientWidth + linksWidth + 1;
    if (header.clientWidth < neededWidth.current) setCompact(true);
  }, [layoutKey, compact]);
  useEffect(() => {
    const onResize = () => setCompact(document.documentElement.clientWidth < neededWidth.current);
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);
  const isCurrent = (path: string) => (path === '/' ? pathname === '/' || pathname.startsWith('/c/') : pathname === path || pathname.startsWith(`${path}/`));

  return (
    <header ref={headerRef} className={`app-header${compact ? ' app-header--compact' : ''}${navRoutes.length > 2 ? ' app-header--busy' : ''}`}>
      <Link to="/" className="app-header__brand" aria-label={`${t('app.name')} — ${t('nav.map')}`}>
        <svg className="app-header__logo" viewBox="0 0 24 24" aria-hidden="true">
          <path d="M12 2C8.1 2 5 5.1 5 9c0 5.2 7 13 7 13s7-7.8 7-13c0-3.9-3.1-7-7-7zm0 9.5A2.5 2.5 0 1 1 12 6.5a2.5 2.5 0 0 1 0 5z" fill="currentColor" />
        </svg>
        <span className="app-header__name">{t('app.name')}</span>
        <span className="app-header__tagline">{t('app.tagline')}</span>
      </Link>

      <button
        type="button"
        className="app-header__menu-button"
        aria-expanded={menuOpen}
        aria-controls="app-nav"
        onClick={() => setMenuOpen((v) => !v)}
      >
        <span aria-hidden="true">☰</span>
        <span className="visually-hidden">{t('nav.menu')}</span>
      </button>

      <div id="app-nav" className={`app-header__menu${menuOpen ? ' app-header__menu--open' : ''}`}>
        <nav ref={navRef} className="app-nav" aria-label={t('nav.main')}>
          <Link to="/" className="app-nav__link" aria-current={isCurrent('/') ? 'page' : undefined}>
            {t('nav.map')}
          </Link>
          {navRoutes.map((r) => (
            <Link key={r.path} to={r.path} className="app-nav__link" aria-current={isCurrent(r.path) ? 'page' : undefined}>
              {r.title ? pick(r.title) : r.path}
            </Link>
          ))}
        </nav>

        <div className="app-header__tools">
          <div className="lang-switch" role="group" aria-label={t('lang.switch')}>
            {LOCALES.map((l) => (
              <button key={l} type="button" className="lang-switch__button" aria-pressed={locale === l} lang={l} onClick={() => setLocale(l)}>
                {l.toUpperCase()}
              </button>
            ))}
          </div>
          {status === 'ready' &&
            (user ? (
              <div className="user-chip">
                <span className="user-chip__text">
                  <span className="user-chip__name">{user.display_name || user.username}</span>
                  <span className="user-chip__role">{roleLabel(user.role, locale)}</span>
                </span>
                <button
                  type="button"
                  className="button button--ghost"
                  onClick={() => {
                    void logout().then(() => navigate('/'));
                  }}
                >
                  {t('auth.logout')}
                </button>
              </div>
            ) : (
              pathname !== '/login' && (
                <Link to={`/login?next=${encodeURIComponent(pathname)}`} className="button button--light">
                  {t('auth.login')}
                </Link>
              )
            ))}
        </div>
      </div>
    </header>
  );
}

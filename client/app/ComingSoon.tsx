import { Link } from './router.tsx';
import { usePick, useT, type Bilingual } from '../i18n/index.tsx';

/** Placeholder body for pages not built yet. */
export function ComingSoon({ title }: { title: Bilingual }) {
  const t = useT();
  const pick = usePick();
  return (
    <div className="card card--centered">
      <h1 className="card__title">{pick(title)}</h1>
      <p>{t('common.comingSoon')}</p>
      <p>
        <Link to="/">{t('common.backToMap')}</Link>
      </p>
    </div>
  );
}

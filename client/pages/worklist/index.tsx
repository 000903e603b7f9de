import { useEffect, useState } from 'react';
import type { Feature, Geometry } from 'geojson';
import { labels } from '@domain/cluster-attributes';
import { boundaryStatusLabels, type BoundaryStatus } from '@domain/boundary';
import { getJson, withQuery } from '../../api/http.ts';
import { Link } from '../../app/router.tsx';
import type { PageProps } from '../../app/route-types.ts';
import { useFormatNumber, useLocale, useT } from '../../i18n/index.tsx';
import { dict } from './i18n.ts';
import './worklist.css';

type Item = Feature<Geometry, Record<string, unknown>>;

/** The worklist "clusters without a boundary" (GET /api/clusters/without-boundary): what is left to draw. */
export default function WorklistPage(_props: PageProps) {
  const t = useT(dict);
  const { locale } = useLocale();
  const fmt = useFormatNumber();
  const [withProvisional, setWithProvisional] = useState(false);
  const [items, setItems] = useState<Item[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setItems(null);
    setError(null);
    getJson<{ features: Item[] }>(withQuery('/api/clusters/without-boundary', { boundary_status: withProvisional ? 'none,provisional' : 'none' }))
      .then((fc) => live && setItems(fc.features))
      .catch((err) => live && setError((err as Error).message));
    return () => {
      live = false;
    };
  }, [withProvisional]);

  const text = (v: unknown) => (v === null || v === undefined || v === '' ? '—' : String(v));
  const where = (g: Geometry | null) => (g?.type === 'Point' ? `${fmt(g.coordinates[0]!, { maximumFractionDigits: 5 })}, ${fmt(g.coordinates[1]!, { maximumFractionDigits: 5 })}` : '—');

  return (
    <div className="worklist">
      <h1 className="worklist__title">{t('title')}</h1>
      <p className="worklist__intro">{t('intro')}</p>
      <label className="worklist__toggle">
        <input type="checkbox" checked={withProvisional} onChange={(e) => setWithProvisional(e.target.checked)} /> {t('includeProvisional')}
      </label>
      {error && <p className="form__error" role="alert">{error}</p>}
      {!items && !error && <p className="muted">{t('loading')}</p>}
      {items && items.length === 0 && <p className="muted" data-testid="worklist-empty">{t('empty')}</p>}
      {items && items.length > 0 && (
        <>
          <p className="muted">{t('count', { n: String(items.length) })}</p>
          <table className="ca-table worklist__table" data-testid="worklist-table">
            <thead>
              <tr>
                <th scope="col">{t('code')}</th>
                <th scope="col">{t('name')}</th>
                <th scope="col">{t('province')}</th>
                <th scope="col">{t('status')}</th>
                <th scope="col">{t('boundary')}</th>
                <th scope="col" className="n">{t('declared')}</th>
                <th scope="col">{t('location')}</th>
                <th scope="col"><span className="visually-hidden">{t('openEditor')}</span></th>
              </tr>
            </thead>
            <tbody>
              {items.map((f) => {
                const p = f.properties;
                const status = p.status as keyof typeof labels.status;
                const boundary = (p.boundary_status as BoundaryStatus) ?? 'none';
                return (
                  <tr key={String(f.id)} data-cluster-code={String(p.code)}>
                    <td>{text(p.code)}</td>
                    <td>{text(p.name)}</td>
                    <td>{text(p.province_code)}</td>
                    <td>{labels.status[status]?.[locale] ?? text(status)}</td>
                    <td>{boundaryStatusLabels[boundary]?.[locale] ?? boundary}</td>
                    <td className="n">{typeof p.declared_area_ha === 'number' ? fmt(p.declared_area_ha, { maximumFractionDigits: 2 }) : '—'}</td>
                    <td>{where(f.geometry)}</td>
                    <td>
                      <Link to={`/editor?id=${encodeURIComponent(String(f.id))}`} title={t('openEditor')}>
                        {t('drawBoundary')}
                      </Link>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}

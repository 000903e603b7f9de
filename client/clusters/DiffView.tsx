import { useEffect, useState } from 'react';
import type { Geometry } from 'geojson';
import { labels } from '@domain/cluster-attributes';
import { MapView } from '../map/index.ts';
import { useFormatNumber, useLocale, useT } from '../i18n/index.tsx';
import { getDiff } from './api.ts';
import { DiffLayers, DIFF_COLORS } from './DiffLayers.tsx';
import { clusterDict } from './i18n.ts';
import type { AttributeChange, ClusterDiff } from './types.ts';
import './clusters.css';

type Locale = 'vi' | 'en';

/** A value of the diff table as people read it: enum labels, lists joined, booleans as yes/no. */
export function formatAttributeValue(field: string, value: unknown, locale: Locale, yesNo: [string, string]): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? yesNo[0] : yesNo[1];
  if (Array.isArray(value)) return value.length ? value.join('; ') : '—';
  const enums = labels as unknown as Record<string, Record<string, { vi: string; en: string }> | undefined>;
  if (field !== 'fields' && typeof value === 'string' && enums[field]?.[value]) return enums[field]![value]![locale];
  if (typeof value === 'number') return new Intl.NumberFormat(locale === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: 4 }).format(value);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function fieldLabel(field: string, locale: Locale): string {
  return (labels.fields as Record<string, { vi: string; en: string } | undefined>)[field]?.[locale] ?? field;
}

export function AttributeChanges({ changes }: { changes: AttributeChange[] }) {
  const t = useT(clusterDict);
  const { locale } = useLocale();
  // geometry-derived numbers are shown on the map legend, not as attribute edits
  const shown = changes.filter((c) => !['geometry', 'version', 'review_state', 'published_version'].includes(c.field));
  if (!shown.length) return <p className="muted">{t('diff.noAttributeChange')}</p>;
  const yesNo: [string, string] = [t('yes'), t('no')];
  return (
    <table className="ca-table ca-changes">
      <caption className="visually-hidden">{t('diff.attributes')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('diff.field')}</th>
          <th scope="col">{t('diff.before')}</th>
          <th scope="col">{t('diff.after')}</th>
        </tr>
      </thead>
      <tbody>
        {shown.map((c) => (
          <tr key={c.field} data-field={c.field}>
            <th scope="row">{fieldLabel(c.field, locale)}</th>
            <td className="ca-changes__old">{formatAttributeValue(c.field, c.from, locale, yesNo)}</td>
            <td className="ca-changes__new">{formatAttributeValue(c.field, c.to, locale, yesNo)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export interface DiffViewProps {
  clusterId: string;
  /** null: nothing published yet, show the new boundary alone. */
  from: number | null;
  to: number;
  /** Boundaries to draw when the diff response does not carry them. */
  fromGeometry?: Geometry | null;
  toGeometry?: Geometry | null;
  /** boundary_status of the new version: provisional boundaries are drawn dashed, none is a location point */
  toBoundaryStatus?: string | null;
  mapHeight?: number;
  /** the part of the new boundary outside its 2025 unit (province-edge warning), drawn in orange */
  outside?: Geometry | null;
}

/** The map diff (old, new, added, removed, with areas) and the attribute changes between two versions. */
export function DiffView({ clusterId, from, to, fromGeometry, toGeometry, toBoundaryStatus, mapHeight = 320, outside }: DiffViewProps) {
  const t = useT(clusterDict);
  const fmt = useFormatNumber();
  const [diff, setDiff] = useState<ClusterDiff | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  useEffect(() => {
    if (from === null || from === to) {
      setDiff(null);
      setError(null);
      return;
    }
    const ctrl = new AbortController();
    setLoading(true);
    setError(null);
    getDiff(clusterId, from, to, ctrl.signal)
      .then(setDiff)
      .catch((err) => {
        if ((err as Error).name !== 'AbortError') setError((err as Error).message);
      })
      .finally(() => setLoading(false));
    return () => ctrl.abort();
  }, [clusterId, from, to]);

  const oldGeometry = diff?.from_geometry ?? fromGeometry ?? null;
  const newGeometry = diff?.to_geometry ?? toGeometry ?? null;
  const ha = (v: number | null | undefined) => t('ha', { value: fmt(v ?? 0, { minimumFractionDigits: 2, maximumFractionDigits: 2 }) });
  const noChange = diff && !diff.added && !diff.removed && !(diff.added_area_ha ?? 0) && !(diff.removed_area_ha ?? 0);

  return (
    <div className="ca-diff" data-testid="diff-view" data-from={from ?? ''} data-to={to}>
      <div className="ca-diff__map" style={{ height: mapHeight }}>
        <MapView padding={32}>
          <DiffLayers oldGeometry={from === null ? null : oldGeometry} newGeometry={newGeometry} added={diff?.added} removed={diff?.removed} newProvisional={toBoundaryStatus === 'provisional'} outside={outside ?? null} />
        </MapView>
      </div>
      <ul className="ca-diff__legend" aria-label={t('diff.attributes')}>
        {from !== null && (
          <li>
            <span className="ca-swatch ca-swatch--line ca-swatch--dashed" style={{ borderColor: DIFF_COLORS.old }} aria-hidden="true" /> {t('diff.old')} (v{from})
          </li>
        )}
        <li>
          <span className="ca-swatch ca-swatch--line" style={{ borderColor: DIFF_COLORS.new }} aria-hidden="true" /> {t('diff.new')} (v{to})
        </li>
        {diff && (
          <>
            <li data-testid="diff-added">
              <span className="ca-swatch" style={{ background: DIFF_COLORS.added }} aria-hidden="true" /> {t('diff.added')}: <strong>{ha(diff.added_area_ha)}</strong>
            </li>
            <li data-testid="diff-removed">
              <span className="ca-swatch" style={{ background: DIFF_COLORS.removed }} aria-hidden="true" /> {t('diff.removed')}: <strong>{ha(diff.removed_area_ha)}</strong>
            </li>
          </>
        )}
      </ul>
      {from === null && <p className="muted">{t('diff.newCluster')}</p>}
      {loading && <p className="muted">{t('diff.loading')}</p>}
      {error && (
        <p className="form__error" role="alert">
          {error}
        </p>
      )}
      {noChange && <p className="muted">{t('diff.noGeometryChange')}</p>}
      {diff && (
        <>
          <h4 className="ca-subtitle">{t('diff.attributes')}</h4>
          <AttributeChanges changes={diff.changes} />
        </>
      )}
    </div>
  );
}

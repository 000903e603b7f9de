import { useMemo, useState } from 'react';
import type { FeatureCollection, MultiPolygon } from 'geojson';
import { fitProjection, pathOf } from './svg.tsx';
import { NO_DATA, SCALE, colorFor } from './measures.ts';

export interface ChoroplethProps {
  provinces: FeatureCollection<MultiPolygon, { code: string; short_name: string; region: string | null }>;
  /** value per province code */
  values: ReadonlyMap<string, number | null>;
  /** label per province code for the tooltip (e.g. the region name when coloured by region) */
  labels: ReadonlyMap<string, string>;
  breaks: readonly number[];
  /** smallest positive value (lower bound of the first class) */
  min: number;
  title: string;
  format: (v: number) => string;
  noDataLabel: string;
}

/** Provinces filled by a measure, with a class legend; pure SVG so it prints and needs no WebGL. */
export function ChoroplethMap({ provinces, values, labels, breaks, min, title, format, noDataLabel }: ChoroplethProps) {
  const projection = useMemo(() => fitProjection(provinces, 420), [provinces]);
  const paths = useMemo(() => provinces.features.map((f) => ({ code: f.properties.code, name: f.properties.short_name, d: pathOf(f.geometry, projection) })), [provinces, projection]);
  const [hover, setHover] = useState<string | null>(null);
  const hovered = hover ? paths.find((p) => p.code === hover) : null;

  const legend = [
    { color: SCALE[0]!, label: '0' },
    ...breaks.map((b, i) => {
      const lower = i === 0 ? format(min) : `>${format(breaks[i - 1]!)}`;
      return { color: SCALE[i + 1]!, label: lower === format(b) ? format(b) : `${lower} – ${format(b)}` };
    }),
    { color: NO_DATA, label: noDataLabel },
  ];

  return (
    <figure className="dash-map" data-testid="choropleth">
      <figcaption className="dash-card__title">{title}</figcaption>
      <div className="dash-map__body">
        <svg viewBox={`0 0 ${projection.width} ${projection.height}`} className="dash-map__svg" role="img" aria-label={title}>
          {paths.map((p) => {
            const v = values.get(p.code) ?? null;
            return (
              <path
                key={p.code}
                d={p.d}
                fill={colorFor(v, breaks)}
                data-code={p.code}
                data-value={v === null ? '' : String(v)}
                className={hover === p.code ? 'is-hover' : undefined}
                onMouseEnter={() => setHover(p.code)}
                onMouseLeave={() => setHover(null)}
              >
                <title>{`${labels.get(p.code) ?? p.name}: ${v === null ? noDataLabel : format(v)}`}</title>
              </path>
            );
          })}
        </svg>
        <ul className="dash-legend" aria-label="legend">
          {legend.map((l, i) => (
            <li key={i}>
              <span className="dash-legend__swatch" style={{ background: l.color }} />
              {l.label}
            </li>
          ))}
        </ul>
      </div>
      <div className="dash-map__hover" aria-live="polite">
        {hovered ? `${labels.get(hovered.code) ?? hovered.name}: ${(() => { const v = values.get(hovered.code) ?? null; return v === null ? noDataLabel : format(v); })()}` : '\u00a0'}
      </div>
    </figure>
  );
}

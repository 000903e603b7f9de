/** Small SVG charts (no chart library): horizontal bars per region and the 2009→2025 timeline. */

export interface Bar {
  key: string;
  label: string;
  value: number | null;
  color?: string;
}

export function BarChart({ bars, format, title, testId }: { bars: readonly Bar[]; format: (v: number) => string; title: string; testId?: string }) {
  const max = Math.max(0, ...bars.map((b) => b.value ?? 0));
  const rowH = 26;
  const labelW = 250;
  const width = 600;
  const barW = width - labelW - 70;
  return (
    <figure className="dash-chart" data-testid={testId}>
      <figcaption className="dash-card__title">{title}</figcaption>
      <svg viewBox={`0 0 ${width} ${bars.length * rowH + 8}`} className="dash-chart__svg" role="img" aria-label={title}>
        {bars.map((b, i) => {
          const w = max > 0 && b.value ? (b.value / max) * barW : 0;
          const y = i * rowH + 4;
          return (
            <g key={b.key} data-key={b.key} data-value={b.value ?? ''}>
              <text x={labelW - 8} y={y + rowH / 2 + 4} textAnchor="end" className="dash-chart__label">
                {b.label}
              </text>
              <rect x={labelW} y={y + 3} width={Math.max(w, 0)} height={rowH - 8} rx={3} fill={b.color ?? '#2a6fb3'} />
              <text x={labelW + w + 6} y={y + rowH / 2 + 4} className="dash-chart__value">
                {b.value === null ? '–' : format(b.value)}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

export interface TimelinePoint {
  year: number;
  established_count: number;
}

export function Timeline({ points, highlightYear, title, format }: { points: readonly TimelinePoint[]; highlightYear: number | null; title: string; format: (v: number) => string }) {
  const width = 560;
  const height = 200;
  const pad = { left: 46, right: 12, top: 14, bottom: 26 };
  const max = Math.max(1, ...points.map((p) => p.established_count));
  const slot = (width - pad.left - pad.right) / Math.max(1, points.length);
  const y = (v: number) => pad.top + (1 - v / max) * (height - pad.top - pad.bottom);
  const ticks = [...new Set([0, Math.round(max / 2), max])];
  return (
    <figure className="dash-chart" data-testid="timeline">
      <figcaption className="dash-card__title">{title}</figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} className="dash-chart__svg" role="img" aria-label={title}>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={pad.left} x2={width - pad.right} y1={y(t)} y2={y(t)} stroke="#e3e7ed" />
            <text x={pad.left - 8} y={y(t) + 4} textAnchor="end" className="dash-chart__axis">
              {format(t)}
            </text>
          </g>
        ))}
        {points.map((p, i) => {
          const x = pad.left + i * slot + slot * 0.15;
          const h = height - pad.bottom - y(p.established_count);
          const active = p.year === highlightYear;
          return (
            <g key={p.year} data-year={p.year} data-value={p.established_count}>
              <rect x={x} y={y(p.established_count)} width={slot * 0.7} height={Math.max(0, h)} rx={2} fill={active ? '#d9822b' : '#5597cf'}>
                <title>{`${p.year}: ${format(p.established_count)}`}</title>
              </rect>
              {(i % 2 === 0 || active) && (
                <text x={x + slot * 0.35} y={height - 8} textAnchor="middle" className={active ? 'dash-chart__axis dash-chart__axis--active' : 'dash-chart__axis'}>
                  {p.year}
                </text>
              )}
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

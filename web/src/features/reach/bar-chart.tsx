/**
 * Bars per day for the statistics screens (Business tools → Statistics, Business API → Analytics):
 * one bar per series side by side (grouped) or one bar of stacked segments per day, with a legend.
 * The SVG is for the eye and hidden from assistive technology: each screen gives the same numbers in
 * a table for screen readers.
 */
import '../../styles/reach.css';

export interface ChartSeries {
  key: string;
  label: string;
  /** Class giving the series its colour (`fill` for bars, `background` for the legend swatch). */
  className: string;
}

export interface ChartDay {
  /** YYYY-MM-DD */
  date: string;
  values: Record<string, number>;
}

export function BarChart({ days, series, label, stacked = false }: { days: ChartDay[]; series: ChartSeries[]; label(iso: string): string; stacked?: boolean }) {
  const width = 320;
  const height = 160;
  const pad = { top: 8, bottom: 22, left: 4, right: 4 };
  const value = (d: ChartDay, key: string) => d.values[key] ?? 0;
  const heightOf = (d: ChartDay) => (stacked ? series.reduce((a, s) => a + value(d, s.key), 0) : Math.max(0, ...series.map((s) => value(d, s.key))));
  const max = Math.max(1, ...days.map(heightOf));
  const n = Math.max(1, days.length);
  const slot = (width - pad.left - pad.right) / n;
  const bar = stacked ? Math.max(1, Math.min(24, slot - 2)) : Math.max(1, Math.min(12, slot / series.length - 1));
  const plotH = height - pad.top - pad.bottom;
  const base = height - pad.bottom;
  const labelEvery = Math.ceil(n / 6);
  return (
    <figure className="reach-chart">
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="presentation" aria-hidden="true" focusable="false">
        <line x1={pad.left} x2={width - pad.right} y1={base} y2={base} className="reach-axis" />
        {days.map((d, i) => {
          const x = pad.left + i * slot + slot / 2;
          let top = base;
          return (
            <g key={d.date}>
              {series.map((s, k) => {
                const h = (value(d, s.key) / max) * plotH;
                const rect = stacked ? { x: x - bar / 2, y: top - h } : { x: x - (series.length * bar) / 2 + k * bar, y: base - h };
                if (stacked) top -= h;
                return (
                  <rect key={s.key} className={s.className} x={rect.x} y={rect.y} width={bar} height={h}>
                    <title>{`${label(d.date)}: ${s.label} ${value(d, s.key)}`}</title>
                  </rect>
                );
              })}
              {i % labelEvery === 0 && (
                <text x={x} y={height - 6} textAnchor="middle" className="reach-tick">
                  {label(d.date)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption className="reach-legend" aria-hidden="true">
        {series.map((s) => (
          <span key={s.key}>
            <span className={`reach-swatch ${s.className}`} /> {s.label}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

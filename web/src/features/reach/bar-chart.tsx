/**
 * Bars per day for the statistics screens (Business tools → Statistics, API analytics): one bar per
 * series side by side (grouped) or one bar of stacked segments per day, with a legend. The SVG is
 * for the eye and hidden from assistive technology; DailyChart adds the same numbers in a table for
 * screen readers (and for anyone, with "Show as table").
 */
import { useMemo, useState } from 'react';
import { useI18n } from '../../i18n/index.js';
import '../../styles/reach.css';

/** Formats of YYYY-MM-DD days (short for axis ticks, long for table rows) and of counts, in the UI's locale. */
export function useDayFormats() {
  const { locale } = useI18n();
  return useMemo(() => {
    const short = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' });
    const long = new Intl.DateTimeFormat(locale, { weekday: 'short', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
    const num = new Intl.NumberFormat(locale);
    const at = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
    return { short: (iso: string) => short.format(at(iso)), long: (iso: string) => long.format(at(iso)), num: (n: number) => num.format(n) };
  }, [locale]);
}

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

/**
 * The chart of `series` and, under a "Show as table" toggle, a table of `columns` (default: the
 * series) per day — always there for screen readers, shown to everyone when toggled.
 */
export function DailyChart({ tableId, caption, days, series, columns = series, stacked = false }: { tableId: string; caption: string; days: ChartDay[]; series: ChartSeries[]; columns?: ChartSeries[]; stacked?: boolean }) {
  const { t } = useI18n();
  const fmt = useDayFormats();
  const [showTable, setShowTable] = useState(false);
  return (
    <>
      <BarChart days={days} series={series} label={fmt.short} stacked={stacked} />
      <button type="button" className="btn btn-ghost" aria-expanded={showTable} aria-controls={tableId} onClick={() => setShowTable((v) => !v)}>
        {showTable ? t('reach.stats.hideTable') : t('reach.stats.showTable')}
      </button>
      {/* Focusable when shown, so that keyboard users can scroll it in a narrow panel. */}
      <div id={tableId} className={showTable ? 'reach-table-wrap' : 'sr-only'} {...(showTable ? { tabIndex: 0, role: 'region', 'aria-label': caption } : {})}>
        <table className="reach-table">
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{t('reach.stats.date')}</th>
              {columns.map((c) => (
                <th key={c.key} scope="col">
                  {c.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {days.map((d) => (
              <tr key={d.date}>
                <th scope="row">{fmt.long(d.date)}</th>
                {columns.map((c) => (
                  <td key={c.key}>{fmt.num(d.values[c.key] ?? 0)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

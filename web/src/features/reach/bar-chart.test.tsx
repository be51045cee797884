import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { I18nProvider } from '../../i18n/index.js';
import { BarChart, DailyChart, type ChartSeries } from './bar-chart.js';

const series: ChartSeries[] = [
  { key: 'a', label: 'Sent', className: 'bar-a' },
  { key: 'b', label: 'Received', className: 'bar-b' },
];
const days = [
  { date: '2026-03-01', values: { a: 4, b: 2 } },
  { date: '2026-03-02', values: { a: 0, b: 1 } },
];
const rects = (container: HTMLElement) =>
  [...container.querySelectorAll('rect')].map((r) => ({ cls: r.getAttribute('class'), x: Number(r.getAttribute('x')), y: Number(r.getAttribute('y')), h: Number(r.getAttribute('height')), title: r.querySelector('title')!.textContent }));

afterEach(cleanup);

describe('BarChart', () => {
  it('draws the series side by side, scaled to the tallest bar, hidden from assistive technology, with a legend', () => {
    const { container } = render(<BarChart days={days} series={series} label={(d) => d.slice(5)} />);
    expect(container.querySelector('svg')!.getAttribute('aria-hidden')).toBe('true');
    const r = rects(container);
    expect(r.map((x) => x.title)).toEqual(['03-01: Sent 4', '03-01: Received 2', '03-02: Sent 0', '03-02: Received 1']);
    expect(r[0]!.h).toBeCloseTo(2 * r[1]!.h);
    expect(r[1]!.x).toBeGreaterThan(r[0]!.x);
    expect(r[0]!.y + r[0]!.h).toBeCloseTo(r[1]!.y + r[1]!.h); // same baseline
    expect(container.querySelector('figcaption')!.textContent).toBe(' Sent Received');
  });

  it('stacks the series of a day on one bar', () => {
    const { container } = render(<BarChart stacked days={days} series={series} label={(d) => d} />);
    const [a, b] = rects(container);
    expect(a!.x).toBe(b!.x);
    expect(b!.y + b!.h).toBeCloseTo(a!.y); // b sits on a
    expect(a!.h).toBeCloseTo(2 * b!.h);
  });

  it('DailyChart gives the numbers of its columns per day in a table, shown on demand and keyboard-scrollable', () => {
    render(
      <I18nProvider initial="en">
        <DailyChart tableId="t" caption="Per day" days={[{ date: '2026-03-01', values: { a: 4, b: 2, c: 1200 } }]} series={series} columns={[...series, { key: 'c', label: 'Read', className: '' }]} />
      </I18nProvider>,
    );
    const table = screen.getByRole('table', { name: 'Per day' });
    expect([...table.querySelectorAll('tr')].map((r) => [...r.children].map((c) => c.textContent))).toEqual([
      ['Date', 'Sent', 'Received', 'Read'],
      ['Sun, March 1, 2026', '4', '2', '1,200'],
    ]);
    expect(document.getElementById('t')!.className).toBe('sr-only');
    expect(document.getElementById('t')!.hasAttribute('tabindex')).toBe(false);
    fireEvent.click(screen.getByRole('button', { name: 'Show as table' }));
    const shown = screen.getByRole('region', { name: 'Per day' });
    expect([shown.className, shown.getAttribute('tabindex')]).toEqual(['reach-table-wrap', '0']);
    expect(within(shown).getByRole('table')).toBe(table);
    expect(screen.getByRole('button', { name: 'Hide table' }).getAttribute('aria-expanded')).toBe('true');
  });
});

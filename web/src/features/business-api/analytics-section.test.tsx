import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { ApiAnalytics, CategoryCounts } from '#contracts/api-analytics.js';
import { I18nProvider, type Locale } from '../../i18n/index.js';
import { apiError, stubFetch, type RecordedCall } from '../contacts/test-fetch.js';
import { ApiAnalyticsSection } from './analytics-section.js';

const realFetch = globalThis.fetch;
const NOW = Date.UTC(2026, 2, 3, 12, 0);
const DAY = 86_400_000;

const counts = (MARKETING: number, UTILITY: number, AUTHENTICATION: number, SERVICE: number): CategoryCounts => ({ MARKETING, UTILITY, AUTHENTICATION, SERVICE });
const none = counts(0, 0, 0, 0);

/** The server's answer for `days` days ending 3 March: conversations on 2 and 3 March only. */
function analytics(days: number): ApiAnalytics {
  const list = Array.from({ length: days }, (_, i) => {
    const date = new Date(NOW - (days - 1 - i) * DAY).toISOString().slice(0, 10);
    const conversations = date === '2026-03-02' ? counts(1, 2, 1, 1) : date === '2026-03-03' ? counts(0, 0, 0, 3) : none;
    return { date, conversations, messages: { sent: none, delivered: none, read: none } };
  });
  return {
    timeZone: 'Europe/Paris',
    days: list,
    totals: { conversations: counts(1, 2, 1, 4), messages: { sent: counts(2, 3, 1, 6), delivered: counts(2, 2, 0, 5), read: counts(1, 1, 0, 4) } },
  };
}

let calls: RecordedCall[];
let answer: (url: URL) => unknown;

function show(locale: Locale = 'en') {
  return render(
    <I18nProvider initial={locale}>
      <ApiAnalyticsSection />
    </I18nProvider>,
  );
}

beforeEach(() => {
  vi.spyOn(Date, 'now').mockReturnValue(NOW);
  answer = (url) => analytics(Math.ceil((Number(url.searchParams.get('to')) - Number(url.searchParams.get('from'))) / DAY));
  calls = stubFetch({ 'GET /v1/business/api/analytics': (_body, url) => answer(url) });
});

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  globalThis.fetch = realFetch;
});

describe('the Business API analytics screen', () => {
  it('asks for the last 7 days of the business time zone and shows the totals per category and the conversations per day', async () => {
    show();
    const totals = await screen.findByRole('table', { name: 'Conversations and messages by category over the period' });
    // Paris days (UTC+1 in winter): 25 February 00:00 in Paris is 24 February 23:00 UTC.
    expect(calls.at(-1)!.path).toBe(`/v1/business/api/analytics?from=${Date.UTC(2026, 1, 24, 23)}&to=${NOW}`);

    const rows = within(totals)
      .getAllByRole('row')
      .map((r) => [...r.querySelectorAll('th, td')].map((c) => c.textContent!.trim()));
    expect(rows).toEqual([
      ['Category', 'Conversations', 'Sent', 'Delivered', 'Read'],
      ['Marketing', '1', '2', '2', '1'],
      ['Utility', '2', '3', '2', '1'],
      ['Authentication', '1', '1', '0', '0'],
      ['Service', '4', '6', '5', '4'],
      ['Total', '8', '12', '9', '6'],
    ]);
    expect(screen.getByText(/\(Europe\/Paris\)/)).toBeTruthy();

    // The chart: stacked bars with a legend; the same numbers in a table for screen readers.
    const chart = screen.getByRole('region', { name: 'Conversations per day' }).querySelector('svg')!;
    expect(chart.getAttribute('aria-hidden')).toBe('true');
    expect([...chart.querySelectorAll('rect title')].map((t) => t.textContent)).toContain('Mar 2: Utility 2');
    expect(document.querySelector('.reach-legend')!.textContent).toMatch(/Marketing.*Utility.*Authentication.*Service/);
    const perDay = screen.getByRole('table', { name: 'Conversations opened per day and category' });
    expect(within(perDay).getAllByRole('row')).toHaveLength(1 + 7);
    const mar2 = within(perDay).getByRole('row', { name: /March 2, 2026/ });
    expect(within(mar2).getAllByRole('cell').map((c) => c.textContent)).toEqual(['1', '2', '1', '1']);

    const toggle = screen.getByRole('button', { name: 'Show as table' });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(toggle);
    expect(screen.getByRole('button', { name: 'Hide table' }).getAttribute('aria-expanded')).toBe('true');
    expect(document.getElementById('api-analytics-table')!.className).toBe('reach-table-wrap');
  });

  it('switches the period to 30 and 90 days', async () => {
    show();
    await screen.findByRole('table', { name: 'Conversations opened per day and category' });
    fireEvent.change(screen.getByRole('combobox', { name: 'Period' }), { target: { value: '90' } });
    await waitFor(() => expect(within(screen.getByRole('table', { name: 'Conversations opened per day and category' })).getAllByRole('row')).toHaveLength(1 + 90));
    expect(calls.at(-1)!.path).toBe(`/v1/business/api/analytics?from=${Date.UTC(2025, 11, 3, 23)}&to=${NOW}`);
    fireEvent.change(screen.getByRole('combobox', { name: 'Period' }), { target: { value: '30' } });
    await waitFor(() => expect(calls.at(-1)!.path).toBe(`/v1/business/api/analytics?from=${Date.UTC(2026, 1, 1, 23)}&to=${NOW}`));
  });

  it('says to turn API access on when it is off, in French too', async () => {
    answer = () => apiError(409, 'API_NOT_ENABLED', 'API access is not turned on for this business yet.');
    show('fr');
    expect((await screen.findByRole('alert')).textContent).toBe('Activez l’accès à l’API dans « API Business » pour voir ses statistiques.');
    expect(screen.queryByRole('table')).toBeNull();
    expect(screen.getByRole('combobox', { name: 'Période' })).toBeTruthy();
  });
});

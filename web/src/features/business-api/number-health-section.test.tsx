import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { I18nProvider, type Locale } from '../../i18n/index.js';
import { fakeServer, health, T0, type FakeServer } from './template-fake-server.js';
import { NumberHealthSection, tierLimit } from './number-health-section.js';

const realFetch = globalThis.fetch;
let server: FakeServer;

function show(locale: Locale = 'en') {
  return render(
    <I18nProvider initial={locale}>
      <NumberHealthSection />
    </I18nProvider>,
  );
}

const section = (name: string) => screen.getByRole('region', { name });

beforeEach(() => {
  server = fakeServer();
});

afterEach(() => {
  cleanup();
  globalThis.fetch = realFetch;
});

describe('the number-health screen', () => {
  it('shows the quality rating in words, its causes, the status, the tier with usage as a meter, the next tier, the throughput and the history', async () => {
    show();
    const quality = await screen.findByRole('region', { name: 'Quality rating' });
    expect(within(quality).getByText('Number +33612345678')).toBeTruthy();
    expect(within(quality).getByText('Medium (yellow)')).toBeTruthy();
    expect(within(quality).getByText(/Some customers blocked or reported you recently/)).toBeTruthy();
    expect(within(quality).getByText('Blocks, last 7 days').nextElementSibling?.textContent).toBe('4');
    expect(within(quality).getByText('Reports, last 7 days').nextElementSibling?.textContent).toBe('1');
    expect(within(quality).getByText('Customers you wrote to first, last 7 days').nextElementSibling?.textContent).toBe('180');

    expect(within(section('Status')).getByText('Connected')).toBeTruthy();

    const limit = section('Messaging limit');
    expect(within(limit).getByText('250 customers per 24 hours')).toBeTruthy();
    const meter = within(limit).getByRole('meter', { name: 'Used in the last 24 hours' });
    expect([meter.getAttribute('value'), meter.getAttribute('min'), meter.getAttribute('max')]).toEqual(['120', '0', '250']);
    expect(within(limit).getByText('120 of 250 (48%)')).toBeTruthy();
    expect(within(limit).getByText('Next tier: 2,000 customers per 24 hours')).toBeTruthy();
    expect(within(limit).getByText('Up to 80 messages per second')).toBeTruthy();

    const history = within(section('Recent changes')).getAllByRole('listitem');
    expect(history.map((li) => li.querySelector('.field-label')?.textContent)).toEqual(['Flagged', 'Tier raised']);
    expect(within(history[0]!).getByText('Quality fell to yellow: 4 blocks in 7 days.')).toBeTruthy();
    expect(within(history[0]!).getByText(new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' }).format(T0))).toBeTruthy();
  });

  it('shows a flagged number on the highest tier without a meter, and refreshes', async () => {
    server.health = health({
      status: 'FLAGGED',
      quality: { rating: 'RED', since: null, blocks7d: 40, reports7d: 12, businessInitiated7d: 900 },
      messagingLimit: { tier: 'TIER_UNLIMITED', limit: null, used24h: 15230, nextTier: null },
      throughputPerSecond: 1000,
      history: [],
    });
    show();
    expect(await screen.findByText('Low (red)')).toBeTruthy();
    expect(within(section('Status')).getByText('Flagged')).toBeTruthy();
    expect(within(section('Status')).getByText(/If it does not improve within 7 days/)).toBeTruthy();
    const limit = section('Messaging limit');
    expect(within(limit).getByText('Unlimited customers')).toBeTruthy();
    expect(within(limit).queryByRole('meter')).toBeNull();
    expect(within(limit).getByText('15,230 customers in the last 24 hours')).toBeTruthy();
    expect(within(limit).getByText('You are on the highest tier.')).toBeTruthy();
    expect(within(section('Recent changes')).getByText('No change yet.')).toBeTruthy();

    server.health = health({ status: 'CONNECTED' });
    fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    await waitFor(() => expect(within(section('Status')).getByText('Connected')).toBeTruthy());
    expect(server.calls.filter((c) => c.path === '/v1/business/api/health')).toHaveLength(2);
  });

  it('reads in French', async () => {
    show('fr');
    expect(await screen.findByText('Moyenne (jaune)')).toBeTruthy();
    expect(screen.getByText('250 clients par 24 heures')).toBeTruthy();
    expect(screen.getByRole('meter', { name: 'Utilisé ces dernières 24 heures' })).toBeTruthy();
    expect(screen.getByText(/Palier suivant : 2\s000 clients par 24 heures/)).toBeTruthy();
  });

  it('knows each tier’s number of customers', () => {
    expect([tierLimit('TIER_250'), tierLimit('TIER_2K'), tierLimit('TIER_10K'), tierLimit('TIER_100K'), tierLimit('TIER_UNLIMITED')]).toEqual([250, 2000, 10000, 100000, null]);
  });
});

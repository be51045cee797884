import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { I18nProvider, type Locale } from '../../i18n/index.js';
import { stubFetch, Reply, type RecordedCall } from '../contacts/test-fetch.js';
import { MarketingPreference } from './marketing-preference.js';

const realFetch = globalThis.fetch;
let marketing: 'allowed' | 'stopped';
let calls: RecordedCall[];

function server(failWrites = false) {
  calls = stubFetch({
    'GET /v1/business-preferences/acc_shop': () => ({ businessId: 'acc_shop', marketing, marketingStoppedAt: marketing === 'stopped' ? 1 : null }),
    'PUT /v1/business-preferences/acc_shop/marketing-opt-out': () => {
      if (failWrites) return new Reply(500, { error: { code: 'INTERNAL', message: 'x' } });
      marketing = 'stopped';
      return { businessId: 'acc_shop', marketing, marketingStoppedAt: 1 };
    },
    'DELETE /v1/business-preferences/acc_shop/marketing-opt-out': () => {
      marketing = 'allowed';
      return { businessId: 'acc_shop', marketing, marketingStoppedAt: null };
    },
  });
}

function show(locale: Locale = 'en') {
  return render(
    <I18nProvider initial={locale}>
      <MarketingPreference businessId="acc_shop" />
    </I18nProvider>,
  );
}

afterEach(() => {
  cleanup();
  globalThis.fetch = realFetch;
});

describe('the stop promotions control', () => {
  it('stops promotions, then resumes them, announcing each change', async () => {
    marketing = 'allowed';
    server();
    show();
    fireEvent.click(await screen.findByRole('button', { name: 'Stop promotions' }));
    expect(await screen.findByRole('button', { name: 'Resume promotions' })).toBeTruthy();
    expect(screen.getByRole('status').textContent).toBe('Promotions stopped.');
    fireEvent.click(screen.getByRole('button', { name: 'Resume promotions' }));
    expect(await screen.findByRole('button', { name: 'Stop promotions' })).toBeTruthy();
    expect(screen.getByRole('status').textContent).toBe('Promotions resumed.');
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'GET /v1/business-preferences/acc_shop',
      'PUT /v1/business-preferences/acc_shop/marketing-opt-out',
      'DELETE /v1/business-preferences/acc_shop/marketing-opt-out',
    ]);
  });

  it('shows the stopped state in French, and an error when saving fails', async () => {
    marketing = 'stopped';
    server();
    show('fr');
    expect(await screen.findByRole('button', { name: 'Reprendre les promotions' })).toBeTruthy();
    cleanup();
    marketing = 'allowed';
    server(true);
    show();
    fireEvent.click(await screen.findByRole('button', { name: 'Stop promotions' }));
    expect((await screen.findByRole('alert')).textContent).toContain('could not be loaded or saved');
    expect(screen.getByRole('button', { name: 'Stop promotions' })).toBeTruthy();
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import type { PublicBusinessProfile } from '#contracts/business-profile.js';
import { I18nProvider } from '../../i18n/index.js';
import { BusinessInfo, mapLink } from './business-info.js';
import { BusinessMarks } from './verified-badge.js';
import { stubFetch } from '../contacts/test-fetch.js';

const realFetch = globalThis.fetch;

const PROFILE: PublicBusinessProfile = {
  accountId: 'acc_shop0001',
  name: 'Chez Léa',
  category: 'food_grocery',
  description: 'Fresh produce',
  about: '',
  address: '12 rue de la Paix, Paris',
  location: { latitude: 48.8686, longitude: 2.3317 },
  timezone: 'Europe/Paris',
  hours: { mon: { mode: 'open', ranges: [{ open: '09:00', close: '12:00' }, { open: '14:00', close: '18:00' }] }, sun: { mode: 'closed' } },
  email: 'hello@chezlea.fr',
  websites: ['https://chezlea.example'],
  photoMediaId: null,
  verified: true,
  updatedAt: 1,
  openNow: false,
};

describe('business info for customers', () => {
  afterEach(() => {
    cleanup();
    globalThis.fetch = realFetch;
  });

  it('shows the profile in French: category, verified badge, map link, hours with closed now, email, website', async () => {
    stubFetch({ 'GET /v1/accounts/acc_shop0001/business': () => PROFILE });
    render(
      <I18nProvider initial="fr">
        <BusinessInfo accountId="acc_shop0001" idPrefix="t" />
      </I18nProvider>,
    );
    const info = await screen.findByTestId('business-info');
    await waitFor(() => expect(within(info).getByText('Alimentation et épicerie')).toBeTruthy());
    expect(within(info).getByText('Ceci est un compte professionnel.', { exact: false })).toBeTruthy();
    expect(within(info).getByRole('img', { name: 'Entreprise vérifiée' })).toBeTruthy();
    expect(within(info).getByText('Fermé en ce moment')).toBeTruthy();
    expect(within(info).getByText('09:00–12:00, 14:00–18:00')).toBeTruthy();
    expect(within(info).getByRole('link', { name: 'Voir sur la carte' }).getAttribute('href')).toBe('https://www.openstreetmap.org/?mlat=48.8686&mlon=2.3317#map=17/48.8686/2.3317');
    expect(within(info).getByRole('link', { name: 'hello@chezlea.fr' }).getAttribute('href')).toBe('mailto:hello@chezlea.fr');
    expect(within(info).getByRole('link', { name: 'chezlea.example' }).getAttribute('href')).toBe('https://chezlea.example');
  });

  it('links an address without coordinates to a map search', () => {
    expect(mapLink({ location: null, address: '1 Main St' })).toBe('https://www.openstreetmap.org/search?query=1%20Main%20St');
    expect(mapLink({ location: null, address: '' })).toBeNull();
  });

  it('marks businesses only, with the badge only when verified', () => {
    const { container, rerender } = render(
      <I18nProvider initial="en">
        <BusinessMarks peer={{ kind: 'person', business: null }} />
      </I18nProvider>,
    );
    expect(container.textContent).toBe('');
    rerender(
      <I18nProvider initial="en">
        <BusinessMarks peer={{ kind: 'business', business: { name: 'Shop', category: 'other', verified: false, api: false } }} />
      </I18nProvider>,
    );
    expect(screen.getByText('Business')).toBeTruthy();
    expect(screen.queryByRole('img', { name: 'Verified business' })).toBeNull();
    rerender(
      <I18nProvider initial="en">
        <BusinessMarks peer={{ kind: 'business', business: { name: 'Shop', category: 'other', verified: true, api: false } }} />
      </I18nProvider>,
    );
    expect(screen.getByRole('img', { name: 'Verified business' })).toBeTruthy();
  });
});

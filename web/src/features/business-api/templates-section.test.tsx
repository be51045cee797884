import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { I18nProvider, type Locale } from '../../i18n/index.js';
import { apiError, stubFetch } from '../contacts/test-fetch.js';
import { fakeServer, T0, template, type FakeServer } from './template-fake-server.js';
import { TemplatesSection } from './templates-section.js';

const realFetch = globalThis.fetch;
let server: FakeServer;

function show(locale: Locale = 'en') {
  return render(
    <I18nProvider initial={locale}>
      <TemplatesSection />
    </I18nProvider>,
  );
}

const card = (name: string) => screen.getByRole('article', { name });

beforeEach(() => {
  server = fakeServer([
    template({ name: 'order_update', category: 'UTILITY', status: 'APPROVED', quality: 'GREEN' }),
    template({
      name: 'fall_offer',
      language: 'fr',
      category: 'UTILITY',
      status: 'REJECTED',
      rejectedReason: 'PROMOTIONAL',
      rejectionInfo: { reason: 'The body offers a discount, which is promotional content.', recommendation: 'File it as MARKETING.' },
      quality: 'UNKNOWN',
      components: [{ type: 'BODY', text: 'Bonjour {{1}}, -20 % cette semaine.', example: { body_text: [['Léa']] } }],
    }),
    template({ name: 'winter_promo', category: 'MARKETING', status: 'PAUSED', pausedUntil: T0 + 3 * 3_600_000, quality: 'RED' }),
    template({ name: 'old_promo', category: 'MARKETING', status: 'DISABLED', quality: 'RED' }),
  ]);
});

afterEach(() => {
  cleanup();
  globalThis.fetch = realFetch;
});

describe('the templates list', () => {
  it('shows each template with language, category, status (reason, pause end) and quality', async () => {
    show();
    await screen.findByRole('list', { name: 'Templates' });
    const ok = card('order_update');
    expect(within(ok).getByText('en_US')).toBeTruthy();
    expect(within(ok).getByText('Utility')).toBeTruthy();
    expect(within(ok).getByText('Approved')).toBeTruthy();
    expect(within(ok).getByText(/Quality: High \(green\)/)).toBeTruthy();
    expect(within(ok).getByRole('button', { name: 'Edit: order_update (en_US)' })).toBeTruthy();

    const rejected = card('fall_offer');
    expect(within(rejected).getByText('Rejected')).toBeTruthy();
    expect(within(rejected).getByText('Promotional content in a non-marketing template')).toBeTruthy();
    expect(within(rejected).getByText('The body offers a discount, which is promotional content.')).toBeTruthy();
    expect(within(rejected).getByText('File it as MARKETING.')).toBeTruthy();
    expect(within(rejected).getByText(/Not rated yet/)).toBeTruthy();
    expect(within(rejected).getByRole('button', { name: 'Edit and resubmit: fall_offer (fr)' })).toBeTruthy();

    const paused = card('winter_promo');
    const until = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' }).format(T0 + 3 * 3_600_000);
    expect(within(paused).getByText(`Paused until ${until}`)).toBeTruthy();
    expect(within(paused).getByText(/Low \(red\)/)).toBeTruthy();

    const disabled = card('old_promo');
    expect(within(disabled).getByText('Disabled')).toBeTruthy();
    // a disabled template cannot be edited, only deleted
    expect(within(disabled).queryByRole('button', { name: /^Edit/ })).toBeNull();
    expect(within(disabled).getByRole('button', { name: 'Delete: old_promo (en_US)' })).toBeTruthy();
  });

  it('filters by status, with the count of each', async () => {
    show();
    await screen.findByRole('list', { name: 'Templates' });
    const filter = screen.getByLabelText('Show') as HTMLSelectElement;
    expect([...filter.options].map((o) => o.textContent)).toEqual(['All (4)', 'Approved (1)', 'In review (0)', 'Rejected (1)', 'Paused (1)', 'Disabled (1)']);
    fireEvent.change(filter, { target: { value: 'REJECTED' } });
    expect(screen.getAllByRole('article').map((a) => a.querySelector('h4')?.textContent)).toEqual(['fall_offer']);
    fireEvent.change(filter, { target: { value: 'PENDING' } });
    expect(screen.getByText('No template with this status.')).toBeTruthy();
  });

  it('deletes a template after confirmation', async () => {
    const id = server.templates.find((t) => t.name === 'winter_promo')!.id;
    show();
    await screen.findByRole('list', { name: 'Templates' });
    fireEvent.click(within(card('winter_promo')).getByRole('button', { name: 'Delete: winter_promo (en_US)' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete this template?' });
    expect(within(dialog).getByText(/Delete winter_promo \(en_US\)\?/)).toBeTruthy();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(server.calls.some((c) => c.method === 'DELETE')).toBe(false);

    fireEvent.click(within(card('winter_promo')).getByRole('button', { name: 'Delete: winter_promo (en_US)' }));
    fireEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(screen.queryByRole('article', { name: 'winter_promo' })).toBeNull());
    expect(server.calls.filter((c) => c.method === 'DELETE').map((c) => c.path)).toEqual([`/v1/business/api/templates/${id}`]);
    expect(server.templates.map((t) => t.name)).not.toContain('winter_promo');
    expect(screen.getByText('winter_promo deleted.')).toBeTruthy();
  });

  it('opens a rejected template in the editor, resubmits it, and lists it as approved', async () => {
    show();
    await screen.findByRole('list', { name: 'Templates' });
    fireEvent.click(within(card('fall_offer')).getByRole('button', { name: 'Edit and resubmit: fall_offer (fr)' }));
    const body = (await screen.findByLabelText('Message text')) as HTMLTextAreaElement;
    expect(body.value).toBe('Bonjour {{1}}, -20 % cette semaine.');
    fireEvent.change(body, { target: { value: 'Bonjour {{1}}, votre commande est prête.' } });
    fireEvent.click(screen.getByRole('button', { name: 'Resubmit for review' }));
    expect(within(await screen.findByRole('region', { name: 'Review result' }, { timeout: 4000 })).getByText('Approved')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Back to templates' }));
    await waitFor(() => expect(within(card('fall_offer')).getByText('Approved')).toBeTruthy());
  });

  it('creates a new template from the list', async () => {
    show();
    fireEvent.click(await screen.findByRole('button', { name: 'New template' }));
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'booking_reminder' } });
    fireEvent.change(screen.getByLabelText('Message text'), { target: { value: 'See you tomorrow at {{1}} for your booking.' } });
    fireEvent.change(screen.getByLabelText('Sample for {{1}}'), { target: { value: '10:30' } });
    fireEvent.click(screen.getByRole('button', { name: 'Submit for review' }));
    await screen.findByRole('region', { name: 'Review result' }, { timeout: 4000 });
    fireEvent.click(screen.getByRole('button', { name: 'Back to templates' }));
    expect(within(await screen.findByRole('article', { name: 'booking_reminder' })).getByText('Approved')).toBeTruthy();
  });

  it('says to turn API access on first when it is off, in French', async () => {
    stubFetch({ 'GET /v1/business/api/templates': () => apiError(409, 'API_NOT_ENABLED', 'API access is not turned on for this business yet.') });
    show('fr');
    expect(await screen.findByText('Activez d’abord l’accès API dans l’écran API Business.')).toBeTruthy();
  });
});

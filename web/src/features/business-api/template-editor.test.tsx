import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { I18nProvider, type Locale } from '../../i18n/index.js';
import { Reply } from '../contacts/test-fetch.js';
import type { OwnerTemplate, TemplateInput } from './owner-client.js';
import { fakeServer, template, type FakeServer } from './template-fake-server.js';
import { TemplateEditor } from './template-editor.js';

const realFetch = globalThis.fetch;
const WAIT = { timeout: 4000 };
let server: FakeServer;
let saved: OwnerTemplate[];

function show(tpl: OwnerTemplate | null = null, locale: Locale = 'en') {
  saved = [];
  return render(
    <I18nProvider initial={locale}>
      <TemplateEditor template={tpl} onClose={() => undefined} onSaved={(t) => saved.push(t)} />
    </I18nProvider>,
  );
}

const type = (label: string | RegExp, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });
const preview = (name = 'What your customer sees') => screen.getByRole('article', { name });
const reviews = () => server.calls.filter((c) => c.path === '/v1/business/api/templates/review');

beforeEach(() => {
  server = fakeServer();
});

afterEach(() => {
  cleanup();
  globalThis.fetch = realFetch;
});

describe('the template editor', () => {
  it('adds one sample input per variable as the owner types, and drops it when the variable goes', () => {
    show();
    expect(document.activeElement).toBe(screen.getByLabelText('Name'));
    expect(screen.queryByLabelText(/^Sample for/)).toBeNull();
    type('Message text', 'Hi {{1}}, your order {{2}} is ready.');
    expect(screen.getByLabelText('Sample for {{1}}')).toBeTruthy();
    expect(screen.getByLabelText('Sample for {{2}}')).toBeTruthy();
    expect(screen.getByText('Samples (2)')).toBeTruthy();

    type('Sample for {{2}}', 'A-1042');
    type('Message text', 'Hi {{1}}, your order is ready.');
    expect(screen.queryByLabelText('Sample for {{2}}')).toBeNull();
    // the sample comes back with its variable
    type('Message text', 'Hi {{1}}, your order {{2}} is ready.');
    expect((screen.getByLabelText('Sample for {{2}}') as HTMLInputElement).value).toBe('A-1042');

    // named variables
    fireEvent.click(screen.getByLabelText(/^Named/));
    type('Message text', 'Hello {{first_name}}, see you on {{day}}.');
    expect(screen.getByLabelText('Sample for {{first_name}}')).toBeTruthy();
    expect(screen.getByLabelText('Sample for {{day}}')).toBeTruthy();

    // "Add a variable" inserts the next one
    fireEvent.click(screen.getByLabelText(/^Numbered/));
    type('Message text', 'Hi {{1}} and ');
    fireEvent.click(screen.getByRole('button', { name: 'Add a variable' }));
    expect((screen.getByLabelText('Message text') as HTMLTextAreaElement).value).toContain('{{2}}');
  });

  it('enforces the limits as the owner edits: lengths with counters, button counts per kind', () => {
    show();
    fireEvent.change(screen.getByLabelText('Footer (optional)'), { target: { value: 'x'.repeat(80) } });
    const footer = screen.getByLabelText('Footer (optional)') as HTMLInputElement;
    expect(footer.value).toHaveLength(60);
    expect(footer.maxLength).toBe(60);
    expect(screen.getByText('60 of 60 characters')).toBeTruthy();

    fireEvent.change(screen.getByLabelText('Header type'), { target: { value: 'TEXT' } });
    type('Header text', 'Order {{1}} for {{2}}');
    expect(screen.getByText('A header can have only one variable.')).toBeTruthy();
    expect(screen.getAllByLabelText(/^Header sample for/)).toHaveLength(1);

    const add = (name: string) => screen.getByRole('button', { name: `+ ${name}` }) as HTMLButtonElement;
    // copy code: marketing only
    expect(add('Copy code').disabled).toBe(true);
    fireEvent.change(screen.getByLabelText('Category'), { target: { value: 'MARKETING' } });
    expect(add('Copy code').disabled).toBe(false);
    fireEvent.click(add('Copy code'));
    expect(add('Copy code').disabled).toBe(true);
    // two links, one phone number
    fireEvent.click(add('Link'));
    fireEvent.click(add('Link'));
    expect(add('Link').disabled).toBe(true);
    fireEvent.click(add('Phone number'));
    expect(add('Phone number').disabled).toBe(true);
    // ten in all
    for (let i = 0; i < 6; i++) fireEvent.click(add('Quick reply'));
    expect(add('Quick reply').disabled).toBe(true);
    expect(screen.getByText('10/10')).toBeTruthy();
    // quick replies stay together, before the other buttons (never between two others)
    const items = screen.getAllByRole('listitem').filter((li) => /^Button \d+/.test(li.getAttribute('aria-label') ?? ''));
    expect(items.map((li) => li.getAttribute('aria-label')!.split(', ')[1])).toEqual([
      'Quick reply', 'Quick reply', 'Quick reply', 'Quick reply', 'Quick reply', 'Quick reply', 'Copy code', 'Link', 'Link', 'Phone number',
    ]);
    const text = screen.getAllByLabelText('Button text')[0] as HTMLInputElement;
    fireEvent.change(text, { target: { value: 'y'.repeat(40) } });
    expect((screen.getAllByLabelText('Button text')[0] as HTMLInputElement).value).toHaveLength(25);
  });

  it('updates the live preview with the samples, footer and buttons, drawn as the customer sees it', () => {
    show();
    expect(within(preview()).getByText('Your message appears here as you type.')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Header type'), { target: { value: 'TEXT' } });
    type('Header text', 'Order {{1}}');
    type('Header sample for {{1}}', 'A-1042');
    type('Message text', 'Hi {{1}}, your order has shipped.');
    expect(within(preview()).getByText('Hi {{1}}, your order has shipped.')).toBeTruthy();
    type('Sample for {{1}}', 'Ana');
    expect(within(preview()).getByText('Hi Ana, your order has shipped.')).toBeTruthy();
    expect(within(preview()).getByText('Order A-1042')).toBeTruthy();
    type('Footer (optional)', 'Reply STOP to opt out');
    expect(within(preview()).getByText('Reply STOP to opt out')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: '+ Quick reply' }));
    fireEvent.change(screen.getAllByLabelText('Button text')[0]!, { target: { value: 'Track it' } });
    fireEvent.click(screen.getByRole('button', { name: '+ Link' }));
    fireEvent.change(screen.getAllByLabelText('Button text')[1]!, { target: { value: 'Open order' } });
    type('Web address', 'https://shop.example/orders/{{1}}');
    type('Sample end of the address', 'A-1042');
    const buttons = within(preview()).getByRole('group', { name: 'Message buttons' });
    expect(within(buttons).getByRole('button', { name: /Track it/ })).toBeTruthy();
    const link = within(buttons).getByRole('link', { name: /Open order/ }) as HTMLAnchorElement;
    expect(link.href).toBe('https://shop.example/orders/A-1042');
  });

  it('runs the dry-run review as the owner types and shows its problems next to the field they concern', async () => {
    show();
    type('Name', 'Order Update');
    expect((screen.getByLabelText('Name') as HTMLInputElement).value).toBe('order_update');
    type('Message text', '{{1}} your order is ready.');
    type('Sample for {{1}}', 'Ana');
    const body = screen.getByLabelText('Message text');
    await waitFor(() => expect(body.getAttribute('aria-invalid')).toBe('true'), WAIT);
    const described = body.getAttribute('aria-describedby')!.split(' ').map((id) => document.getElementById(id)?.textContent ?? '');
    expect(described.join(' | ')).toContain('The body cannot start with a variable.');
    expect(screen.getByText(/It would be rejected: The template is not written correctly/)).toBeTruthy();

    // debounced: a burst of typing is reviewed once, with the Graph creation body
    const before = reviews().length;
    type('Message text', 'Hi {{1}}, your');
    type('Message text', 'Hi {{1}}, your order');
    type('Message text', 'Hi {{1}}, your order is ready.');
    await waitFor(() => expect(screen.getByText(/Looks good: it would be approved as Utility/)).toBeTruthy(), WAIT);
    expect(reviews().length).toBe(before + 1);
    const sent = reviews().at(-1)!.body as TemplateInput;
    expect(sent).toEqual({
      name: 'order_update',
      language: 'en_US',
      category: 'UTILITY',
      parameter_format: 'POSITIONAL',
      components: [{ type: 'BODY', text: 'Hi {{1}}, your order is ready.', example: { body_text: [['Ana']] } }],
    });
    expect(body.getAttribute('aria-invalid')).toBeNull();
  });

  it('places a problem about one button next to that button', async () => {
    show();
    fireEvent.click(screen.getByRole('button', { name: '+ Quick reply' }));
    fireEvent.click(screen.getByRole('button', { name: '+ Link' }));
    server.reviewOverride = { status: 'REJECTED', category: 'UTILITY', rejectedReason: 'INVALID_FORMAT', problems: [{ field: 'components[1].buttons[1].url', message: 'The URL must start with https://.' }] };
    type('Message text', 'Your order is ready.');
    // no review without a name
    await new Promise((r) => setTimeout(r, 800));
    expect(reviews()).toHaveLength(0);
    type('Name', 'order_ready');
    const second = screen.getByRole('listitem', { name: 'Button 2, Link' });
    await waitFor(() => expect(within(second).getByText('The URL must start with https://.')).toBeTruthy(), WAIT);
    expect(within(screen.getByRole('listitem', { name: 'Button 1, Quick reply' })).queryByText('The URL must start with https://.')).toBeNull();
  });

  it('submits: a promotional utility template comes back rejected with its reason; edited and resubmitted, it is approved', async () => {
    show();
    type('Name', 'fall_offer');
    type('Message text', 'Hi {{1}}, get 20% off everything this week.');
    type('Sample for {{1}}', 'Ana');
    fireEvent.click(screen.getByRole('button', { name: 'Submit for review' }));
    const result = await screen.findByRole('region', { name: 'Review result' }, WAIT);
    expect(within(result).getByText('Rejected')).toBeTruthy();
    expect(within(result).getByText('Promotional content in a non-marketing template')).toBeTruthy();
    expect(within(result).getByText('The body offers a discount, which is promotional content.')).toBeTruthy();
    expect(within(result).getByText('Remove the offer, or file the template as MARKETING.')).toBeTruthy();
    await waitFor(() => expect(document.activeElement).toBe(result));
    expect(server.templates).toHaveLength(1);
    expect(saved.map((t) => t.status)).toEqual(['REJECTED']);

    // now it is the stored template: name fixed, resubmitted with PUT
    expect((screen.getByLabelText('Name') as HTMLInputElement).readOnly).toBe(true);
    type('Message text', 'Hi {{1}}, your order has shipped.');
    expect(screen.queryByRole('region', { name: 'Review result' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Resubmit for review' }));
    const again = await screen.findByRole('region', { name: 'Review result' }, WAIT);
    expect(within(again).getByText('Approved')).toBeTruthy();
    const put = server.calls.find((c) => c.method === 'PUT')!;
    expect(put.path).toBe(`/v1/business/api/templates/${server.templates[0]!.id}`);
    expect(put.body).toEqual({ category: 'UTILITY', parameter_format: 'POSITIONAL', components: [{ type: 'BODY', text: 'Hi {{1}}, your order has shipped.', example: { body_text: [['Ana']] } }] });
    expect(server.templates[0]!.status).toBe('APPROVED');
  });

  it('lets the review re-file a promotional template as marketing instead of rejecting it', async () => {
    show();
    type('Name', 'fall_offer');
    type('Message text', 'Hi {{1}}, get 20% off everything this week.');
    type('Sample for {{1}}', 'Ana');
    await waitFor(() => expect(screen.getByText(/It would be rejected/)).toBeTruthy(), WAIT);
    fireEvent.click(screen.getByLabelText(/^Let the review change the category/));
    await waitFor(() => expect(screen.getByText(/Looks good: it would be approved as Marketing/)).toBeTruthy(), WAIT);
    expect((reviews().at(-1)!.body as TemplateInput).allow_category_change).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Submit for review' }));
    const result = await screen.findByRole('region', { name: 'Review result' }, WAIT);
    expect(within(result).getByText('Approved')).toBeTruthy();
    expect(within(result).getByText('Category: Marketing')).toBeTruthy();
  });

  it('shows the problems of a refused creation next to the fields, and a taken name under the name', async () => {
    show();
    type('Name', 'order_update');
    type('Message text', 'Your order is ready.');
    server.createOverride = new Reply(400, { error: { code: 'TEMPLATE_INVALID', message: 'The template is not valid.', details: { problems: [{ field: 'components[0].text', message: 'The body needs more words.' }] } } });
    fireEvent.click(screen.getByRole('button', { name: 'Submit for review' }));
    expect(await screen.findByText('The body needs more words.', {}, WAIT)).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toContain('Fix the problems shown next to the fields');

    server.createOverride = null;
    server.templates = [template({ name: 'order_update', language: 'en_US' })];
    fireEvent.click(screen.getByRole('button', { name: 'Submit for review' }));
    await waitFor(() => expect(screen.getByLabelText('Name').getAttribute('aria-invalid')).toBe('true'), WAIT);
    expect(screen.getAllByText('A template with this name and language exists, or was deleted less than 30 days ago.').length).toBeGreaterThan(0);
  });

  it('asks before discarding changes that were not submitted', () => {
    let closed = 0;
    render(
      <I18nProvider initial="en">
        <TemplateEditor template={null} onClose={() => closed++} onSaved={() => undefined} />
      </I18nProvider>,
    );
    type('Message text', 'Your table is ready.');
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    const dialog = screen.getByRole('dialog', { name: 'Discard your changes?' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(closed).toBe(0);
    expect((screen.getByLabelText('Message text') as HTMLTextAreaElement).value).toBe('Your table is ready.');
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Discard' }));
    expect(closed).toBe(1);
  });

  it('opens a stored template with its header, samples, footer and buttons, in French', () => {
    const tpl = template({
      name: 'fall_promo',
      category: 'MARKETING',
      status: 'PAUSED',
      pausedUntil: Date.UTC(2026, 2, 2, 12),
      components: [
        { type: 'HEADER', format: 'TEXT', text: 'Soldes {{1}}', example: { header_text: ['d’automne'] } },
        { type: 'BODY', text: 'Bonjour {{1}}, code {{2}} pour -25 %.', example: { body_text: [['Léa', 'AUTOMNE25']] } },
        { type: 'FOOTER', text: 'Répondez STOP pour arrêter' },
        { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Arrêter les promos' }, { type: 'URL', text: 'Boutique', url: 'https://shop.example/{{1}}', example: ['automne'] }] },
      ],
    });
    show(tpl, 'fr');
    expect(screen.getByRole('heading', { name: 'Modifier fall_promo' })).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByLabelText('Texte du message'));
    expect((screen.getByLabelText('Exemple pour {{2}}') as HTMLInputElement).value).toBe('AUTOMNE25');
    const fr = preview('Ce que voit votre client');
    expect(within(fr).getByText('Bonjour Léa, code AUTOMNE25 pour -25 %.')).toBeTruthy();
    expect(within(fr).getByText('Soldes d’automne')).toBeTruthy();
    expect((within(fr).getByRole('link', { name: /Boutique/ }) as HTMLAnchorElement).href).toBe('https://shop.example/automne');
    expect(screen.getByRole('button', { name: 'Soumettre à nouveau' })).toBeTruthy();
  });
});

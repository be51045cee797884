import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import type { Chat } from '#contracts/models.js';
import { I18nProvider, translator, type Locale } from '../../i18n/index.js';
import { store, type ClientMessage } from '../../lib/store.js';
import { MessageBubble } from '../conversation/message-bubble.js';
import { previewOf } from '../chats/chat-list.js';
import { safeHttpUrl } from './message-kinds.js';
import { ME, testChat, testMessage } from '../conversation/test-messages.js';

const SHOP = 'acc_shop00000';
const CHAT = 'chat_shop0000';

function chat(): Chat {
  return testChat({
    id: CHAT,
    peer: { id: SHOP, phone: '+33611111111', displayName: 'Chez Léa', about: null, photoMediaId: null, contactName: null, blocked: false, kind: 'business', business: { name: 'Chez Léa', category: 'restaurant', verified: false, api: true } },
    members: [
      { accountId: ME, deliveredSeq: 0, readSeq: 0 },
      { accountId: SHOP, deliveredSeq: 0, readSeq: 0 },
    ],
  });
}

function msg(over: Partial<ClientMessage>): ClientMessage {
  return testMessage({ chatId: CHAT, senderId: SHOP, kind: 'interactive', content: {}, ...over });
}

function show(m: ClientMessage, opts: { locale?: Locale; myId?: string; quoted?: ClientMessage } = {}) {
  return render(
    <I18nProvider initial={opts.locale ?? 'en'}>
      <MessageBubble message={m} chat={chat()} myId={opts.myId ?? ME} first quoted={opts.quoted} onAction={() => undefined} />
    </I18nProvider>,
  );
}

const buttons = {
  type: 'button',
  header: { type: 'text', text: 'Your order #42' },
  body: 'When should we deliver?\nPick a slot.',
  footer: 'Chez Léa',
  buttons: [
    { id: 'slot-am', title: 'Morning' },
    { id: 'slot-pm', title: 'Afternoon' },
    { id: 'slot-none', title: 'Cancel' },
  ],
};

const list = {
  type: 'list',
  body: 'What would you like?',
  footer: 'Open until 19:00',
  list: {
    button: 'See the menu',
    sections: [
      { title: 'Bakery', rows: [{ id: 'croissant', title: 'Croissant', description: 'Butter, baked this morning' }, { id: 'baguette', title: 'Baguette' }] },
      { title: 'Drinks', rows: [{ id: 'coffee', title: 'Coffee', description: 'Espresso or long' }] },
    ],
  },
};

const template = {
  name: 'order_ready',
  language: 'en_US',
  category: 'utility',
  header: { type: 'image', mediaId: 'med_hdr' },
  body: 'Your order *42* is ready.',
  footer: 'Reply STOP to opt out',
  buttons: [
    { type: 'quick_reply', text: 'On my way', payload: 'OMW' },
    { type: 'url', text: 'Track order', url: 'https://www.shop.example/track/42' },
    { type: 'phone_number', text: 'Call us', phoneNumber: '+33 1 23 45 67 89' },
    { type: 'copy_code', text: 'Copy code', code: 'SAVE10' },
  ],
};

let send: ReturnType<typeof vi.fn>;

beforeEach(() => {
  send = vi.fn().mockResolvedValue(undefined);
  vi.spyOn(store, 'send').mockImplementation(send as unknown as typeof store.send);
  vi.spyOn(globalThis, 'fetch').mockImplementation(async () => new Response('{}', { status: 404 }));
});

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('interactive messages', () => {
  it('reply buttons: header, body, footer and one button per reply; a tap sends a button_reply answering the message', () => {
    const m = msg({ content: buttons });
    show(m);
    const article = screen.getByRole('article');
    expect(within(article).getByText('Your order #42').tagName).toBe('STRONG');
    expect(article.textContent).toContain('When should we deliver?');
    expect(within(article).getByText('Chez Léa').className).toContain('api-msg-footer');
    const group = screen.getByRole('group', { name: 'Message buttons' });
    const all = within(group).getAllByRole('button');
    expect(all.map((b) => b.textContent?.trim())).toEqual(['↩ Morning', '↩ Afternoon', '↩ Cancel']);

    fireEvent.click(within(group).getByRole('button', { name: /Afternoon/ }));
    expect(send).toHaveBeenCalledTimes(1);
    expect(send).toHaveBeenCalledWith(CHAT, 'interactive_reply', { type: 'button_reply', id: 'slot-pm', title: 'Afternoon' }, { replyTo: m.id });
    expect(within(group).getByRole('status').textContent).toBe('Sent: Afternoon');
  });

  it('reply buttons: a button already answered is marked and can be tapped again', () => {
    const m = msg({ content: buttons });
    const answer = msg({ senderId: ME, kind: 'interactive_reply', replyTo: m.id, content: { type: 'button_reply', id: 'slot-am', title: 'Morning' } });
    const real = store.get();
    vi.spyOn(store, 'get').mockReturnValue({ ...real, messages: { ...real.messages, [CHAT]: { items: [m, answer], hasMore: false, loaded: true } } });
    show(m);
    const morning = screen.getByRole('button', { name: 'Morning (sent)' });
    expect(morning.className).toContain('chosen');
    expect(screen.getByRole('button', { name: /Afternoon/ }).className).not.toContain('chosen');
    fireEvent.click(morning);
    expect(send).toHaveBeenCalledWith(CHAT, 'interactive_reply', { type: 'button_reply', id: 'slot-am', title: 'Morning' }, { replyTo: m.id });
  });

  it('the business sees its own buttons but cannot answer them', () => {
    show(msg({ content: buttons }), { myId: SHOP });
    for (const b of within(screen.getByRole('group', { name: 'Message buttons' })).getAllByRole('button')) expect((b as HTMLButtonElement).disabled).toBe(true);
  });

  it('list: a button opens a dialog of sections and rows; choosing a row sends a list_reply and closes it', () => {
    const m = msg({ content: list });
    show(m);
    const open = screen.getByRole('button', { name: /See the menu/ });
    expect(open.getAttribute('aria-haspopup')).toBe('dialog');
    fireEvent.click(open);
    const dialog = screen.getByRole('dialog', { name: 'See the menu' });
    expect(within(dialog).getByRole('heading', { name: 'Bakery' })).toBeTruthy();
    expect(within(dialog).getByRole('heading', { name: 'Drinks' })).toBeTruthy();
    const row = within(dialog).getByRole('button', { name: /Croissant/ });
    expect(row.textContent).toContain('Butter, baked this morning');
    // focus moves into the dialog
    expect(dialog.contains(document.activeElement)).toBe(true);

    fireEvent.click(row);
    expect(send).toHaveBeenCalledWith(CHAT, 'interactive_reply', { type: 'list_reply', id: 'croissant', title: 'Croissant', description: 'Butter, baked this morning' }, { replyTo: m.id });
    expect(screen.queryByRole('dialog')).toBeNull();

    // a row without a description sends none; Escape closes without sending
    fireEvent.click(screen.getByRole('button', { name: /See the menu/ }));
    fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Baguette' }));
    expect(send).toHaveBeenLastCalledWith(CHAT, 'interactive_reply', { type: 'list_reply', id: 'baguette', title: 'Baguette' }, { replyTo: m.id });
    fireEvent.click(screen.getByRole('button', { name: /See the menu/ }));
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(send).toHaveBeenCalledTimes(2);
  });

  it('call to action: a link opening the URL in a new tab, showing its domain; never a javascript: link', () => {
    show(msg({ content: { type: 'cta_url', body: 'Our new collection is out', cta: { displayText: 'See collection', url: 'https://www.shop.example/new?utm=1' } } }));
    const link = screen.getByRole('link', { name: /^See collection\s*,\s*shop\.example\s*\(opens in a new tab\)$/ });
    expect(link.getAttribute('href')).toBe('https://www.shop.example/new?utm=1');
    expect(link.getAttribute('target')).toBe('_blank');
    expect(link.getAttribute('rel')).toContain('noopener');
    expect(link.textContent).toContain('shop.example');
    cleanup();
    show(msg({ content: { type: 'cta_url', body: 'x', cta: { displayText: 'Evil', url: 'javascript:alert(1)' } } }));
    expect(screen.queryByRole('link', { name: /Evil/ })).toBeNull();
    expect(screen.getByText('Evil')).toBeTruthy();
    expect(safeHttpUrl('data:text/html,x')).toBeNull();
    expect(safeHttpUrl('http://a.example/')?.hostname).toBe('a.example');
  });

  it('header medium: the message’s medium is shown as for a photo message', () => {
    const { container } = show(msg({ mediaId: 'med_hdr', content: { ...buttons, header: { type: 'image', mediaId: 'med_hdr' } } }));
    expect(container.querySelector('.api-msg-media img.media-full')?.getAttribute('src')).toContain('/v1/media/med_hdr');
  });

  it('product and product list: commerce product cards with the catalog image route', () => {
    const item = (i: number) => ({ productId: `prod_${i}`, name: `Lamp ${i}`, price: 4990 + i, currency: 'EUR', imageMediaId: `med_l${i}` });
    const { container } = show(msg({ content: { type: 'product', body: 'Back in stock', businessId: SHOP, productSections: [{ items: [item(1)] }] } }));
    expect(container.querySelectorAll('.product-card')).toHaveLength(1);
    expect(screen.getByText('Lamp 1')).toBeTruthy();
    expect(container.querySelector('.product-card img')?.getAttribute('src')).toContain(`/v1/accounts/${SHOP}/catalog/images/med_l1`);
    cleanup();

    const many = show(msg({ content: { type: 'product_list', header: { type: 'text', text: 'Lights' }, body: 'Our lamps', businessId: SHOP, productSections: [{ title: 'Desk', items: [item(1), item(2)] }, { title: 'Floor', items: [item(3)] }] } }));
    expect(many.container.querySelectorAll('.product-card')).toHaveLength(2);
    const more = screen.getByRole('button', { name: 'Show all 3 items' });
    expect(more.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(more);
    expect(many.container.querySelectorAll('.product-card')).toHaveLength(3);
    expect(screen.getByRole('heading', { name: 'Floor' })).toBeTruthy();
  });
});

describe('template messages', () => {
  it('header medium, body, muted footer and each kind of button', async () => {
    const writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const m = msg({ kind: 'template', mediaId: 'med_hdr', content: template });
    const { container } = show(m);
    expect(container.querySelector('img.media-full')?.getAttribute('src')).toContain('/v1/media/med_hdr');
    expect(screen.getByRole('article').textContent).toContain('Your order *42* is ready.');
    expect(screen.getByText('Reply STOP to opt out').className).toContain('api-msg-footer');

    fireEvent.click(screen.getByRole('button', { name: /On my way/ }));
    expect(send).toHaveBeenCalledWith(CHAT, 'interactive_reply', { type: 'button', id: 'OMW', title: 'On my way' }, { replyTo: m.id });

    const track = screen.getByRole('link', { name: /^Track order\s*,\s*shop\.example\s*\(opens in a new tab\)$/ });
    expect(track.getAttribute('href')).toBe('https://www.shop.example/track/42');
    expect(track.getAttribute('target')).toBe('_blank');
    expect(track.getAttribute('rel')).toContain('noopener');

    expect(screen.getByRole('link', { name: 'Call us, call +33 1 23 45 67 89' }).getAttribute('href')).toBe('tel:+33123456789');

    fireEvent.click(screen.getByRole('button', { name: /^Copy code\s*\(SAVE10\)$/ }));
    expect(writeText).toHaveBeenCalledWith('SAVE10');
    expect(await screen.findAllByText('Copied')).not.toHaveLength(0);
  });

  it('a quick reply without a payload answers with its text as the id; text and location headers', () => {
    const m = msg({ kind: 'template', content: { ...template, header: { type: 'text', text: 'Hello Léa' }, buttons: [{ type: 'quick_reply', text: 'Yes' }] } });
    show(m);
    expect(screen.getByText('Hello Léa').tagName).toBe('STRONG');
    fireEvent.click(screen.getByRole('button', { name: /Yes/ }));
    expect(send).toHaveBeenCalledWith(CHAT, 'interactive_reply', { type: 'button', id: 'Yes', title: 'Yes' }, { replyTo: m.id });
    cleanup();
    show(msg({ kind: 'template', content: { ...template, header: { type: 'location', latitude: 48.8584, longitude: 2.2945, name: 'Our shop' }, buttons: undefined } }));
    expect(screen.getByText('Our shop')).toBeTruthy();
    expect(screen.queryByRole('group', { name: 'Message buttons' })).toBeNull();
  });

  it('in French', () => {
    show(msg({ kind: 'template', content: { ...template, header: undefined } }), { locale: 'fr' });
    expect(screen.getByRole('group', { name: 'Boutons du message' })).toBeTruthy();
    expect(screen.getByRole('link', { name: /^Track order\s*,\s*shop\.example\s*\(ouvre dans un nouvel onglet\)$/ })).toBeTruthy();
  });
});

describe('interactive replies', () => {
  it('shows the chosen title, quoting the message it answers', () => {
    const original = msg({ content: list });
    show(msg({ senderId: ME, kind: 'interactive_reply', replyTo: original.id, content: { type: 'list_reply', id: 'croissant', title: 'Croissant', description: 'Butter, baked this morning' } }), { quoted: original });
    const article = screen.getByRole('article');
    expect(within(article).getByText('Croissant')).toBeTruthy();
    expect(within(article).getByText('Butter, baked this morning')).toBeTruthy();
    expect(article.querySelector('.quote')?.textContent).toContain('📋 What would you like?');
  });
});

describe('previews', () => {
  const en = translator('en');
  const fr = translator('fr');
  const p = (kind: string, content: unknown, t = en) => previewOf(t, { kind: kind as ClientMessage['kind'], content: content as ClientMessage['content'], deletedAt: null });
  it('give the kind and the first line', () => {
    expect(p('interactive', list)).toBe('📋 What would you like?');
    expect(p('interactive', { ...list, body: undefined })).toBe('📋 List');
    expect(p('interactive', { ...list, body: undefined }, fr)).toBe('📋 Liste');
    expect(p('interactive', buttons)).toBe('🔘 When should we deliver?');
    expect(p('interactive', { type: 'cta_url', cta: { displayText: 'x', url: 'https://a.example' } })).toBe('🔗 Link');
    expect(p('interactive', { type: 'product', productSections: [{ items: [{ name: 'Lamp' }] }] })).toBe('🛍 Lamp');
    expect(p('interactive', { type: 'product_list', productSections: [] }, fr)).toBe('🛍 Produits');
    expect(p('template', { ...template, body: '\nYour order is ready.\nThanks!' })).toBe('📷 Your order is ready.');
    expect(p('template', { ...template, header: { type: 'text', text: 'Hi' } })).toBe('Your order *42* is ready.');
    expect(p('interactive_reply', { type: 'button_reply', id: 'a', title: 'Morning' })).toBe('Morning');
  });
});

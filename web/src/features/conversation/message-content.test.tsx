import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import type { Chat } from '#contracts/models.js';
import { I18nProvider, type Locale } from '../../i18n/index.js';
import { store, type ClientMessage } from '../../lib/store.js';
import { MessageBubble } from './message-bubble.js';
import { linkify } from './message-content.js';
import { emojiOnlyCount } from '../../ui/emoji.js';
import { BOB, ME, testChat, testMessage } from './test-messages.js';

const chat = testChat;
const msg = testMessage;

function show(m: ClientMessage, opts: { locale?: Locale; chat?: Chat; quoted?: ClientMessage; withActions?: boolean; onJump?: (id: string) => void } = {}) {
  return render(
    <I18nProvider initial={opts.locale ?? 'en'}>
      <MessageBubble message={m} chat={opts.chat ?? chat()} myId={ME} first quoted={opts.quoted} onAction={opts.withActions ? () => undefined : undefined} onJump={opts.onJump} />
    </I18nProvider>,
  );
}

beforeEach(() => {
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input) => {
    const url = String(input);
    if (url.includes('/info')) return new Response(JSON.stringify({ id: 'med_doc', kind: 'document', mimeType: 'application/pdf', size: 123_904, sha256: 'x', fileName: 'report.pdf', createdAt: 0 }), { status: 200 });
    return new Response('{}', { status: 404 });
  });
});

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('message kinds, in English', () => {
  it('text: links are clickable and open in a new tab', () => {
    show(msg({ content: { text: 'Docs at https://parley.example/docs, and www.example.org.' } }));
    const link = screen.getByRole('link', { name: 'https://parley.example/docs' });
    expect(link.getAttribute('href')).toBe('https://parley.example/docs');
    expect(link.getAttribute('target')).toBe('_blank');
    expect(link.getAttribute('rel')).toContain('noopener');
    expect(screen.getByRole('link', { name: 'www.example.org' }).getAttribute('href')).toBe('https://www.example.org');
    expect(screen.getByRole('article').textContent).toContain('Docs at');
  });

  it('text: a message of only emoji is shown larger, without a bubble', () => {
    const { container } = show(msg({ content: { text: '😂👍' } }));
    expect(container.querySelector('.emoji-only.emoji-2')?.textContent).toBe('😂👍');
    expect(container.querySelector('.bubble.bare')).not.toBeNull();
    expect(emojiOnlyCount('👍🏽 ❤️ 🇫🇷')).toBe(3);
    expect(emojiOnlyCount('ok 👍')).toBe(0);
    expect(emojiOnlyCount('123')).toBe(0);
  });

  it('photo: thumbnail, then the file, its caption; a click opens a lightbox that Escape closes', () => {
    const { container } = show(msg({ kind: 'image', mediaId: 'med_img', content: { caption: 'At the beach', width: 800, height: 600, thumbnail: '/9j/4AAQ' } }));
    const img = screen.getByRole('img', { name: 'At the beach' });
    expect(img.getAttribute('src')).toContain('/v1/media/med_img');
    expect(container.querySelector('.media-thumb')?.getAttribute('src')).toBe('data:image/jpeg;base64,/9j/4AAQ');
    expect(screen.getByText('At the beach')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Open photo' }));
    const dialog = screen.getByRole('dialog', { name: 'At the beach' });
    expect(within(dialog).getByRole('button', { name: 'Close' })).toBeTruthy();
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('video: a player with the thumbnail as poster, and the caption', () => {
    const { container } = show(msg({ kind: 'video', mediaId: 'med_vid', content: { caption: 'Skate park', durationMs: 65_000, thumbnail: '/9j/poster' } }));
    const video = container.querySelector('video')!;
    expect(video.hasAttribute('controls')).toBe(true);
    expect(video.getAttribute('poster')).toBe('data:image/jpeg;base64,/9j/poster');
    expect(video.getAttribute('src')).toContain('/v1/media/med_vid');
    expect(screen.getByText('Skate park')).toBeTruthy();
    expect(screen.getByText('1:05')).toBeTruthy();
  });

  it('voice note: play button, duration, waveform', () => {
    const { container } = show(msg({ kind: 'voice', mediaId: 'med_voice', content: { durationMs: 7_000, waveform: [10, 80, 40] } }));
    expect(screen.getByRole('button', { name: 'Play · Voice message' })).toBeTruthy();
    expect(screen.getByText('0:07')).toBeTruthy();
    expect(screen.getByRole('slider', { name: 'Playback position' })).toBeTruthy();
    expect(container.querySelectorAll('.waveform span')).toHaveLength(3);
    expect(container.querySelector('audio')?.getAttribute('src')).toContain('/v1/media/med_voice');
  });

  it('audio: a native audio player', () => {
    const { container } = show(msg({ kind: 'audio', mediaId: 'med_aud', content: { durationMs: 185_000 } }));
    const audio = container.querySelector('audio[controls]');
    expect(audio?.getAttribute('aria-label')).toBe('Audio');
    expect(screen.getByText('3:05')).toBeTruthy();
  });

  it('document: icon, file name, size from the server, download link', async () => {
    show(msg({ kind: 'document', mediaId: 'med_doc', content: { fileName: 'report.pdf' } }));
    expect(screen.getByText('report.pdf')).toBeTruthy();
    const link = screen.getByRole('link', { name: 'Download report.pdf' });
    expect(link.getAttribute('href')).toContain('/v1/media/med_doc');
    expect(link.getAttribute('download')).toBe('report.pdf');
    expect(await screen.findByText('PDF · 121 KB')).toBeTruthy();
  });

  it('sticker: an image without the bubble background', () => {
    const { container } = show(msg({ kind: 'sticker', mediaId: 'med_st', content: {} }));
    const img = screen.getByRole('img', { name: 'Sticker' });
    expect(img.getAttribute('width')).toBe('160');
    expect(container.querySelector('.bubble.bare')).not.toBeNull();
  });

  it('location: name, address, coordinates and a link to OpenStreetMap', () => {
    show(msg({ kind: 'location', content: { latitude: 48.8584, longitude: 2.2945, name: 'Tour Eiffel', address: 'Champ de Mars, Paris' } }));
    expect(screen.getByText('Tour Eiffel')).toBeTruthy();
    expect(screen.getByText('Champ de Mars, Paris')).toBeTruthy();
    expect(screen.getByText('48.85840, 2.29450')).toBeTruthy();
    const link = screen.getByRole('link', { name: 'Open in map' });
    expect(link.getAttribute('href')).toMatch(/^https:\/\/www\.openstreetmap\.org\/\?mlat=48\.858400&mlon=2\.294500/);
    expect(link.getAttribute('target')).toBe('_blank');
    expect(screen.getByRole('link', { name: 'Map: Tour Eiffel' })).toBeTruthy();
  });

  it('contact card: name, phones and a Message button', () => {
    show(msg({ kind: 'contact', content: { contacts: [{ name: 'Claire Dupont', phones: [{ number: '+33 6 12 34 56 78', label: 'mobile' }] }] } }));
    expect(screen.getByText('Claire Dupont')).toBeTruthy();
    expect(screen.getByRole('link', { name: '+33 6 12 34 56 78' }).getAttribute('href')).toBe('tel:+33612345678');
    expect(screen.getByRole('button', { name: 'Message' })).toBeTruthy();
  });

  it('deleted: a tombstone, no content, no actions', () => {
    show(msg({ content: null, deletedAt: Date.now(), senderId: ME }), { withActions: true });
    expect(screen.getByText(/This message was deleted/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Message actions' })).toBeNull();
    expect(screen.queryByRole('img', { name: 'Sent' })).toBeNull();
  });

  it('forwarded, edited, reply quote and reactions', () => {
    const original = msg({ senderId: ME, content: { text: 'Dinner at 8?' } });
    const m = msg({
      forwarded: true,
      editedAt: Date.now(),
      replyTo: original.id,
      content: { text: 'Yes!' },
      reactions: [
        { accountId: ME, emoji: '👍' },
        { accountId: BOB, emoji: '👍' },
        { accountId: 'acc_other0000', emoji: '❤️' },
      ],
    });
    const onJump = vi.fn();
    show(m, { quoted: original, withActions: true, onJump });
    expect(screen.getByText('Forwarded')).toBeTruthy();
    expect(screen.getByText('edited')).toBeTruthy();
    const quote = screen.getByRole('button', { name: /Dinner at 8\?/ });
    expect(within(quote).getByText('You')).toBeTruthy();
    fireEvent.click(quote);
    expect(onJump).toHaveBeenCalledWith(original.id);
    expect(screen.getByRole('button', { name: 'Reactions: 👍 2, ❤️ 1' }).textContent).toContain('3');
    expect(screen.getByRole('article', { name: /^Bob Martin, / })).toBeTruthy();
  });

  it('an encrypted reaction this device could not decrypt shows as waiting, decrypted ones as their emoji', () => {
    const m = msg({
      content: { text: 'Encrypted chat' },
      reactions: [
        { accountId: BOB, e2e: { v: 1, epoch: 2, ct: 'AAEAAg==' } },
        { accountId: ME, emoji: '🎉' },
      ],
    });
    show(m, { withActions: true });
    expect(screen.getByRole('button', { name: 'Reactions: 🕓 1, 🎉 1' }).textContent).toContain('2');
  });

  it('a quote of a message that is not loaded still shows, as the original message', () => {
    show(msg({ replyTo: 'msg_elsewhere', content: { text: 'Answer' } }), { withActions: true });
    expect(screen.getByText('Original message')).toBeTruthy();
  });

  it('status ticks: pending, failed, sent, delivered, read', () => {
    const cases: [Partial<ClientMessage>, Chat, string][] = [
      [{ pending: true, id: 'pending:x' }, chat(), 'Waiting to send'],
      [{ failed: 'NETWORK', pending: true }, chat(), 'Not sent'],
      [{ seq: 5 }, chat(), 'Sent'],
      [{ seq: 5 }, chat({ members: [{ accountId: ME, deliveredSeq: 9, readSeq: 9 }, { accountId: BOB, deliveredSeq: 5, readSeq: 0 }] }), 'Delivered'],
      [{ seq: 5 }, chat({ members: [{ accountId: ME, deliveredSeq: 9, readSeq: 9 }, { accountId: BOB, deliveredSeq: 5, readSeq: 5 }] }), 'Read'],
    ];
    for (const [over, c, label] of cases) {
      show(msg({ senderId: ME, ...over }), { chat: c });
      expect(screen.getByRole('img', { name: label })).toBeTruthy();
      cleanup();
    }
  });

  it('a failed message offers retry and delete', () => {
    show(msg({ senderId: ME, failed: 'CONTACT_BLOCKED' }), { withActions: true });
    expect(screen.getAllByText('Not sent').length).toBeGreaterThan(0);
    expect(screen.getByText('You blocked this contact. Unblock them to send messages.')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Retry' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Delete' })).toBeTruthy();
  });

  it('the action menu lists what one may do with one’s own fresh message', () => {
    show(msg({ senderId: ME, content: { text: 'Mine' }, reactions: [{ accountId: ME, emoji: '😂' }] }), { withActions: true });
    fireEvent.click(screen.getByRole('button', { name: 'Message actions' }));
    const menu = screen.getByRole('menu', { name: 'Message actions' });
    expect(within(menu).getAllByRole('menuitem').map((b) => b.textContent)).toEqual(['Reply', 'Forward', 'Copy', 'Edit', 'Delete for everyone']);
    const bar = screen.getByRole('toolbar', { name: 'React' });
    expect(within(bar).getByRole('button', { name: 'React with 😂' }).getAttribute('aria-pressed')).toBe('true');
    expect(within(bar).getByRole('button', { name: 'Remove reaction' })).toBeTruthy();
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(screen.queryByRole('menu')).toBeNull();
  });

  it('an old message of someone else can be replied to and forwarded, not edited or deleted', () => {
    show(msg({ createdAt: Date.now() - 3 * 86_400_000 }), { withActions: true });
    fireEvent.click(screen.getByRole('button', { name: 'Message actions' }));
    expect(within(screen.getByRole('menu')).getAllByRole('menuitem').map((b) => b.textContent)).toEqual(['Reply', 'Forward', 'Copy']);
  });
});

describe('message kinds, in French', () => {
  it('labels, tombstone, quotes and ticks are French', () => {
    const original = msg({ senderId: ME, kind: 'image', mediaId: 'med_q', content: {} });
    show(msg({ forwarded: true, editedAt: Date.now(), replyTo: original.id, content: { text: 'Oui' }, reactions: [{ accountId: BOB, emoji: '👍' }] }), { locale: 'fr', quoted: original, withActions: true });
    expect(screen.getByText('Transféré')).toBeTruthy();
    expect(screen.getByText('modifié')).toBeTruthy();
    expect(screen.getByText('Vous')).toBeTruthy();
    expect(screen.getByText('📷 Photo')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Réactions : 👍 1' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Actions sur le message' })).toBeTruthy();
    cleanup();
    show(msg({ content: null, deletedAt: Date.now() }), { locale: 'fr' });
    expect(screen.getByText(/Ce message a été supprimé/)).toBeTruthy();
    cleanup();
    show(msg({ senderId: ME, seq: 3 }), { locale: 'fr', chat: chat({ members: [{ accountId: ME, deliveredSeq: 3, readSeq: 3 }, { accountId: BOB, deliveredSeq: 3, readSeq: 3 }] }) });
    expect(screen.getByRole('img', { name: 'Lu' })).toBeTruthy();
  });

  it('media, location and contact cards in French', async () => {
    show(msg({ kind: 'voice', mediaId: 'med_v', content: { durationMs: 12_000 } }), { locale: 'fr' });
    expect(screen.getByRole('button', { name: 'Lire · Message vocal' })).toBeTruthy();
    expect(screen.getByText('0:12')).toBeTruthy();
    cleanup();
    show(msg({ kind: 'image', mediaId: 'med_i', content: {} }), { locale: 'fr' });
    expect(screen.getByRole('img', { name: 'Photo' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Ouvrir la photo' })).toBeTruthy();
    cleanup();
    show(msg({ kind: 'document', mediaId: 'med_doc', content: { fileName: 'facture.pdf' } }), { locale: 'fr' });
    expect(screen.getByRole('link', { name: 'Télécharger facture.pdf' })).toBeTruthy();
    expect(await screen.findByText('PDF · 121 KB')).toBeTruthy();
    cleanup();
    show(msg({ kind: 'sticker', mediaId: 'med_s', content: {} }), { locale: 'fr' });
    expect(screen.getByRole('img', { name: 'Autocollant' })).toBeTruthy();
    cleanup();
    show(msg({ kind: 'location', content: { latitude: -33.8568, longitude: 151.2153 } }), { locale: 'fr' });
    expect(screen.getByText('Position')).toBeTruthy();
    expect(screen.getByText('-33,85680, 151,21530')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Ouvrir dans une carte' }).getAttribute('href')).toContain('mlat=-33.856800&mlon=151.215300');
    cleanup();
    show(msg({ kind: 'contact', content: { contacts: [{ name: 'Léa', phones: [{ number: '+33 7 00 00 00 00' }] }] } }), { locale: 'fr' });
    expect(screen.getByRole('button', { name: 'Écrire' })).toBeTruthy();
    cleanup();
    show(msg({ kind: 'audio', mediaId: 'med_a', content: {} }), { locale: 'fr' });
    expect(document.querySelector('audio[controls]')).not.toBeNull();
  });
});

describe('commerce messages', () => {
  const SHOP = 'acc_shop00000';
  const calls: { method: string; url: string; body: unknown }[] = [];
  const product = { id: 'prod_lamp0000', businessId: SHOP, name: 'Lamp', description: 'A warm light', price: '49.90', priceMinor: 4990, currency: 'EUR', imageMediaIds: ['med_lamp1', 'med_lamp2'], link: null, retailerId: 'L-1', hidden: false, createdAt: 0, updatedAt: 0 };
  const order = (over: Record<string, unknown> = {}) => ({
    orderId: 'ord_test00000',
    businessId: SHOP,
    items: [
      { productId: 'prod_tea', name: 'Tea', quantity: 2, unitPrice: 350 },
      { productId: 'prod_cake', name: 'Cake', quantity: 1, unitPrice: 1225 },
    ],
    currency: 'EUR',
    total: 1925,
    note: 'No sugar',
    status: 'pending',
    ...over,
  });
  const asMe = (accountId: string) => {
    const real = store.get();
    vi.spyOn(store, 'get').mockReturnValue({ ...real, session: { token: 'tok', accountId, deviceId: 'dev' } });
  };

  beforeEach(() => {
    calls.length = 0;
    localStorage.clear();
    vi.mocked(globalThis.fetch).mockImplementation(async (input, init) => {
      const url = String(input);
      const method = init?.method ?? 'GET';
      calls.push({ method, url, body: init?.body ? JSON.parse(String(init.body)) : undefined });
      const json = (v: unknown, status = 200) => new Response(JSON.stringify(v), { status });
      if (url.includes(`/catalog/products/${product.id}`)) return json(product);
      if (url.includes(`/v1/accounts/${SHOP}/catalog`)) return json({ businessId: SHOP, businessName: 'Café', products: [product], total: 1, offset: 0, limit: 30, collections: [{ id: 'coll_1', name: 'Lights', position: 0, productIds: [product.id] }] });
      if (url.includes('/orders')) return json({ order: {}, message: {} }, method === 'POST' ? 201 : 200);
      return json({ error: { code: 'NOT_FOUND', message: 'no' } }, 404);
    });
  });

  it('product: a card with the image, name and price in the reader’s locale; View opens the product', async () => {
    asMe(BOB);
    show(msg({ senderId: SHOP, kind: 'product', content: { businessId: SHOP, productId: product.id, name: 'Lamp', price: 4990, currency: 'EUR', imageMediaId: 'med_lamp1' } }));
    expect(screen.getByText('Lamp')).toBeTruthy();
    expect(screen.getByText('€49.90')).toBeTruthy();
    expect(document.querySelector('.product-card img')?.getAttribute('src')).toBe(`/v1/accounts/${SHOP}/catalog/images/med_lamp1?token=tok`);
    fireEvent.click(screen.getByRole('button', { name: 'View' }));
    const dialog = await screen.findByRole('dialog', { name: 'Café catalog' });
    expect(await within(dialog).findByRole('heading', { name: 'Lamp' })).toBeTruthy();
    expect(within(dialog).getByText('A warm light')).toBeTruthy();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Image 2' }));
    expect(within(dialog).getByRole('img', { name: 'Lamp' }).getAttribute('src')).toContain('/catalog/images/med_lamp2');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add to cart' }));
    expect(within(dialog).getByRole('button', { name: 'View cart (1)' })).toBeTruthy();
    expect(JSON.parse(localStorage.getItem(`parley.cart.${SHOP}`)!)).toMatchObject([{ productId: product.id, quantity: 1, priceMinor: 4990 }]);
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('catalog: a card that opens the browser; the cart becomes an order with quantities and a note', async () => {
    asMe(BOB);
    show(msg({ senderId: SHOP, kind: 'catalog', content: { businessId: SHOP, businessName: 'Café', productCount: 12, imageMediaId: null } }));
    expect(screen.getByText('Café catalog')).toBeTruthy();
    expect(screen.getByText('Products: 12')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'View catalog' }));
    const dialog = await screen.findByRole('dialog', { name: 'Café catalog' });
    expect(await within(dialog).findByRole('button', { name: 'Lights' })).toBeTruthy();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add Lamp to the cart' }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add Lamp to the cart' }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'View cart (2)' }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'One more Lamp' }));
    expect((within(dialog).getByRole('spinbutton', { name: 'Quantity of Lamp' }) as HTMLInputElement).value).toBe('3');
    expect(within(dialog).getAllByText('€149.70').length).toBeGreaterThan(0);
    fireEvent.change(within(dialog).getByLabelText('Note for the business (optional)'), { target: { value: 'Gift wrap' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Send order' }));
    await vi.waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    const post = calls.find((c) => c.method === 'POST');
    expect(post?.url).toBe('/v1/chats/chat_test00000/orders');
    expect(post?.body).toMatchObject({ items: [{ productId: product.id, quantity: 3 }], note: 'Gift wrap' });
    expect(localStorage.getItem(`parley.cart.${SHOP}`)).toBeNull();
  });

  it('order: items, total and status for the customer, without status controls', () => {
    asMe(ME);
    show(msg({ senderId: ME, kind: 'order', content: order() }));
    expect(screen.getByText('Order')).toBeTruthy();
    expect(screen.getByText('Pending')).toBeTruthy();
    expect(screen.getByText('Tea')).toBeTruthy();
    expect(screen.getByText('€19.25')).toBeTruthy();
    expect(screen.getByText('No sugar')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Confirm order' })).toBeNull();
    cleanup();
    show(msg({ senderId: ME, kind: 'order', content: order({ status: 'shipped', currency: 'JPY', total: 1500, items: [{ productId: 'p', name: 'Mochi', quantity: 3, unitPrice: 500 }] }) }), { locale: 'fr' });
    expect(screen.getByText('Expédiée')).toBeTruthy();
    expect(screen.getByText(/^1\s500\s(¥|JPY|JP¥)$/)).toBeTruthy();
  });

  it('order: the business moves the status on from the card', async () => {
    asMe(SHOP);
    show(msg({ senderId: BOB, kind: 'order', content: order() }));
    expect(screen.getByRole('button', { name: 'Cancel order' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Confirm order' }));
    await vi.waitFor(() => expect(calls.find((c) => c.method === 'PATCH')).toMatchObject({ url: '/v1/orders/ord_test00000', body: { status: 'confirmed' } }));
    cleanup();
    show(msg({ senderId: BOB, kind: 'order', content: order({ status: 'confirmed' }) }), { locale: 'fr' });
    expect(screen.getByText('Confirmée')).toBeTruthy();
    expect(screen.getByText('19,25 €')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Marquer comme expédiée' })).toBeTruthy();
    cleanup();
    show(msg({ senderId: BOB, kind: 'order', content: order({ status: 'completed' }) }));
    expect(screen.getByText('Completed')).toBeTruthy();
    expect(screen.queryByRole('group', { name: 'Change the order status' })).toBeNull();
  });

  it('the business sees its own product card without the View button', () => {
    asMe(SHOP);
    show(msg({ senderId: SHOP, kind: 'product', content: { businessId: SHOP, productId: product.id, name: 'Lamp', price: 4990, currency: 'EUR', imageMediaId: null } }));
    expect(screen.getByText('Lamp')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'View' })).toBeNull();
  });
});

describe('linkify', () => {
  it('keeps trailing punctuation out of links', () => {
    const parts = linkify('See (https://a.example/x). Done');
    const { container } = render(<p>{parts}</p>);
    expect(container.querySelector('a')?.getAttribute('href')).toBe('https://a.example/x');
    expect(container.textContent).toBe('See (https://a.example/x). Done');
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { Chat, Contact, Me, Message } from '#contracts/models.js';
import { I18nProvider, translator } from '../../i18n/index.js';
import { store } from '../../lib/store.js';
import { stubFetch, type RecordedCall } from '../contacts/test-fetch.js';
import { ChatList, previewOf } from './chat-list.js';
import { MUTE_ALWAYS } from './mute.js';

const realFetch = globalThis.fetch;
const ME: Me = {
  id: 'acc_alice0001',
  kind: 'person',
  phone: '+33612345678',
  displayName: 'Alice',
  about: '',
  photoMediaId: null,
  privacy: { lastSeen: 'everyone', online: 'everyone', photo: 'everyone', about: 'everyone', readReceipts: true },
  createdAt: 1,
};

function makeChat(id: string, name: string, lastActivityAt: number, over: Partial<Chat> = {}): Chat {
  return {
    id,
    kind: 'direct',
    peer: { id: `acc_${id.slice(5)}`, phone: `+3361111${String(lastActivityAt).slice(-4)}`, displayName: name, about: null, photoMediaId: null, contactName: null, blocked: false, kind: 'person', business: null, },
    members: [],
    lastSeq: 3,
    lastActivityAt,
    lastMessage: null,
    unreadCount: 0,
    readSeq: 3,
    archived: false,
    pinnedAt: null,
    mutedUntil: null,
    ...over,
  };
}

/** A server holding chats and applying PATCH /v1/chats/:id as the real one does. */
async function loadChats(list: Chat[], contacts: Contact[] = []): Promise<RecordedCall[]> {
  const chats = new Map(list.map((c) => [c.id, c]));
  const patch = (id: string) => (body: unknown) => {
    const b = body as { archived?: boolean; pinned?: boolean; mutedUntil?: number | null };
    const c = chats.get(id)!;
    const next: Chat = {
      ...c,
      archived: b.archived ?? c.archived,
      pinnedAt: b.pinned === undefined ? c.pinnedAt : b.pinned ? (c.pinnedAt ?? Date.now()) : null,
      mutedUntil: b.mutedUntil === undefined ? c.mutedUntil : b.mutedUntil,
    };
    chats.set(id, next);
    return next;
  };
  const routes: Parameters<typeof stubFetch>[0] = {
    'GET /v1/me': () => ME,
    'GET /v1/chats': () => ({ chats: [...chats.values()], updateSeq: 1 }),
    'GET /v1/contacts': () => ({ contacts }),
    'POST /v1/chats': (body) => {
      const peer = (body as { peer: string }).peer;
      const chat = makeChat('chat_new001', 'New', Date.now(), { peer: { ...makeChat('chat_x', 'x', 1).peer, id: peer } });
      chats.set(chat.id, chat);
      return chat;
    },
  };
  for (const c of list) routes[`PATCH /v1/chats/${c.id}`] = patch(c.id);
  const calls = stubFetch(routes);
  await store.refreshAll();
  calls.length = 0;
  return calls;
}

function renderList() {
  return render(
    <I18nProvider initial="en">
      <ChatList activeId={null} onOpenSettings={vi.fn()} />
    </I18nProvider>,
  );
}

const patches = (calls: RecordedCall[]) => calls.filter((c) => c.method === 'PATCH').map((c) => [c.path, c.body]);

afterEach(() => {
  cleanup();
  globalThis.fetch = realFetch;
  vi.restoreAllMocks();
});

describe('chat list menu', () => {
  it('pins a chat from the menu button, then unpins it', async () => {
    const calls = await loadChats([makeChat('chat_bob0001', 'Bob', 2000), makeChat('chat_carol01', 'Carol', 3000)]);
    renderList();
    const items = () => screen.getAllByRole('button', { name: /^(Bob|Carol)/ }).filter((b) => b.classList.contains('chat-item'));
    expect(items().map((b) => b.querySelector('.chat-item-name')?.textContent)).toEqual(['Carol', 'Bob']);

    fireEvent.click(screen.getByRole('button', { name: 'Chat options for Bob' }));
    const menu = screen.getByRole('menu', { name: 'Chat options for Bob' });
    expect(within(menu).getAllByRole('menuitem').map((m) => m.textContent)).toEqual([
      'Contact info',
      'Pin chat',
      'Archive chat',
      'Mute for 8 hours',
      'Mute for 1 week',
      'Mute always',
    ]);
    expect(document.activeElement).toBe(within(menu).getAllByRole('menuitem')[0]);
    fireEvent.click(within(menu).getByRole('menuitem', { name: 'Pin chat' }));
    await waitFor(() => expect(patches(calls)).toEqual([['/v1/chats/chat_bob0001', { pinned: true }]]));
    // Pinned chats come first.
    await waitFor(() => expect(items().map((b) => b.querySelector('.chat-item-name')?.textContent)).toEqual(['Bob', 'Carol']));
    expect(screen.getByRole('img', { name: 'Pinned' })).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Chat options for Bob' }));
    fireEvent.click(screen.getByRole('menuitem', { name: 'Unpin chat' }));
    await waitFor(() => expect(patches(calls)[1]).toEqual(['/v1/chats/chat_bob0001', { pinned: false }]));
  });

  it('archives from a right click, with undo', async () => {
    const calls = await loadChats([makeChat('chat_bob0001', 'Bob', 2000), makeChat('chat_carol01', 'Carol', 3000)]);
    renderList();
    const row = screen.getByRole('button', { name: 'Chat options for Carol' }).closest('li')!;
    fireEvent.contextMenu(row, { clientX: 40, clientY: 50, button: 2 });
    fireEvent.click(screen.getByRole('menuitem', { name: 'Archive chat' }));
    await waitFor(() => expect(patches(calls)).toEqual([['/v1/chats/chat_carol01', { archived: true }]]));
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Chat options for Carol' })).toBeNull());
    expect(screen.getByText('Chat archived.')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Undo' }));
    await waitFor(() => expect(patches(calls)[1]).toEqual(['/v1/chats/chat_carol01', { archived: false }]));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Chat options for Carol' })).toBeTruthy());
  });

  it('mutes for 8 hours, 1 week or always, and unmutes', async () => {
    const calls = await loadChats([makeChat('chat_bob0001', 'Bob', 2000)]);
    renderList();
    const before = Date.now();
    fireEvent.click(screen.getByRole('button', { name: 'Chat options for Bob' }));
    fireEvent.click(screen.getByRole('menuitem', { name: 'Mute for 8 hours' }));
    await waitFor(() => expect(patches(calls)).toHaveLength(1));
    const until = (patches(calls)[0]![1] as { mutedUntil: number }).mutedUntil;
    expect(until).toBeGreaterThanOrEqual(before + 8 * 3_600_000);
    expect(until).toBeLessThanOrEqual(Date.now() + 8 * 3_600_000);
    await waitFor(() => expect(screen.getByRole('img', { name: 'Muted' })).toBeTruthy());

    fireEvent.click(screen.getByRole('button', { name: 'Chat options for Bob' }));
    fireEvent.click(screen.getByRole('menuitem', { name: 'Unmute notifications' }));
    await waitFor(() => expect(patches(calls)[1]).toEqual(['/v1/chats/chat_bob0001', { mutedUntil: null }]));

    await waitFor(() => expect(screen.queryByRole('img', { name: 'Muted' })).toBeNull());
    fireEvent.click(screen.getByRole('button', { name: 'Chat options for Bob' }));
    fireEvent.click(screen.getByRole('menuitem', { name: 'Mute always' }));
    await waitFor(() => expect(patches(calls)[2]).toEqual(['/v1/chats/chat_bob0001', { mutedUntil: MUTE_ALWAYS }]));
  });

  it('marks an unread chat as read through the store', async () => {
    await loadChats([makeChat('chat_bob0001', 'Bob', 2000, { unreadCount: 2, readSeq: 1 })]);
    const markRead = vi.spyOn(store, 'markRead').mockImplementation(() => undefined);
    renderList();
    fireEvent.click(screen.getByRole('button', { name: 'Chat options for Bob' }));
    fireEvent.click(screen.getByRole('menuitem', { name: 'Mark as read' }));
    expect(markRead).toHaveBeenCalledWith('chat_bob0001');
  });

  it('moves between chats with the arrow keys and opens the menu from the keyboard', async () => {
    await loadChats([makeChat('chat_bob0001', 'Bob', 2000), makeChat('chat_carol01', 'Carol', 3000), makeChat('chat_dave001', 'Dave', 1000)]);
    renderList();
    const list = screen.getByRole('list', { name: 'Chats' });
    const chatButtons = [...list.querySelectorAll<HTMLElement>('.chat-item')];
    // Only one chat is in the Tab order (roving focus).
    expect(chatButtons.map((b) => b.tabIndex)).toEqual([0, -1, -1]);
    act(() => chatButtons[0]!.focus());
    fireEvent.keyDown(chatButtons[0]!, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(chatButtons[1]);
    fireEvent.keyDown(chatButtons[1]!, { key: 'End' });
    expect(document.activeElement).toBe(chatButtons[2]);
    fireEvent.keyDown(chatButtons[2]!, { key: 'ArrowUp' });
    expect(document.activeElement).toBe(chatButtons[1]);
    expect(chatButtons[1]!.tabIndex).toBe(0);

    fireEvent.keyDown(chatButtons[1]!, { key: 'ContextMenu' });
    const menu = screen.getByRole('menu', { name: 'Chat options for Bob' });
    const items = within(menu).getAllByRole('menuitem');
    expect(document.activeElement).toBe(items[0]);
    fireEvent.keyDown(items[0]!, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(items[1]);
    fireEvent.keyDown(items[1]!, { key: 'Escape' });
    expect(screen.queryByRole('menu')).toBeNull();
    expect(document.activeElement).toBe(chatButtons[1]);

    fireEvent.keyDown(chatButtons[1]!, { key: 'Enter' });
    fireEvent.click(chatButtons[1]!);
    expect(location.pathname).toBe('/chat/chat_bob0001');
  });

  it('explains how to start when there are no chats', async () => {
    await loadChats([]);
    renderList();
    expect(screen.getByRole('heading', { name: 'Start a conversation' })).toBeTruthy();
    // Named apart from the header's "New chat" button, so that there is one button of that name.
    expect(screen.getAllByRole('button', { name: /new chat|start chat|nouvelle discussion|démarrer/i })).toHaveLength(1);
    fireEvent.click(screen.getByRole('button', { name: 'Find someone to chat with' }));
    expect(screen.getByRole('dialog', { name: 'New chat' })).toBeTruthy();
  });
});

function commerceMessage(kind: 'product' | 'catalog' | 'order', content: Record<string, unknown>): Message {
  return { id: `msg_${kind}`, chatId: 'chat_shop001', seq: 4, senderId: 'acc_shop001', clientId: kind, kind, content, mediaId: null, replyTo: null, forwarded: false, createdAt: 5000, editedAt: null, deletedAt: null, reactions: [] };
}
const PRODUCT = { businessId: 'acc_shop001', productId: 'prd_1', name: 'Croissant', price: 180, currency: 'EUR', imageMediaId: null };
const CATALOG = { businessId: 'acc_shop001', businessName: 'Café Lumière', productCount: 12, imageMediaId: null };
const ORDER = {
  orderId: 'ord_1',
  businessId: 'acc_shop001',
  items: [
    { productId: 'prd_1', name: 'Croissant', quantity: 2, unitPrice: 180 },
    { productId: 'prd_2', name: 'Espresso', quantity: 1, unitPrice: 250 },
  ],
  currency: 'EUR',
  total: 610,
  note: '',
  status: 'pending',
};

describe('last-message preview of commerce messages', () => {
  it('names the product, the catalog and the number of items of an order, in English and French', () => {
    const en = translator('en');
    const fr = translator('fr');
    expect(previewOf(en, commerceMessage('product', PRODUCT))).toBe('🛍 Product: Croissant');
    expect(previewOf(fr, commerceMessage('product', PRODUCT))).toBe('🛍 Produit : Croissant');
    expect(previewOf(en, commerceMessage('catalog', CATALOG))).toBe('🗂 Catalog: Café Lumière');
    expect(previewOf(fr, commerceMessage('catalog', CATALOG))).toBe('🗂 Catalogue : Café Lumière');
    expect(previewOf(en, commerceMessage('catalog', { ...CATALOG, businessName: '' }))).toBe('🗂 Catalog');
    // Items are counted as units: 2 croissants and 1 espresso.
    expect(previewOf(en, commerceMessage('order', ORDER))).toBe('🧾 Order · 3 items');
    expect(previewOf(fr, commerceMessage('order', ORDER))).toBe('🧾 Commande · 3 articles');
    const single = { ...ORDER, items: [{ productId: 'prd_1', name: 'Croissant', quantity: 1, unitPrice: 180 }] };
    expect(previewOf(en, commerceMessage('order', single))).toBe('🧾 Order · 1 item');
    expect(previewOf(fr, commerceMessage('order', single))).toBe('🧾 Commande · 1 article');
    // A deleted order is a deleted message like any other.
    expect(previewOf(en, { ...commerceMessage('order', ORDER), deletedAt: 6000 })).toBe(en('message.deleted'));
  });

  it('shows them in the chat list instead of the raw kind', async () => {
    await loadChats([
      makeChat('chat_shop001', 'Café Lumière', 5000, { lastMessage: commerceMessage('order', ORDER) }),
      makeChat('chat_shop002', 'Boulangerie', 4000, { lastMessage: commerceMessage('product', PRODUCT) }),
    ]);
    renderList();
    const previews = await screen.findAllByText(/Order · 3 items|Product: Croissant/);
    expect(previews.map((p) => p.textContent)).toEqual(['🧾 Order · 3 items', '🛍 Product: Croissant']);
    expect(screen.queryByText('order')).toBeNull();
    expect(screen.queryByText('product')).toBeNull();
  });
});

describe('new chat dialog', () => {
  it('lists contacts on Parley first and opens a chat with one', async () => {
    const calls = await loadChats(
      [],
      [
        { phone: '+33600000001', name: 'Albert', accountId: null },
        { phone: '+33600000002', name: 'Zoé', accountId: 'acc_zoe00001' },
        { phone: '+33600000003', name: 'Bruno', accountId: 'acc_bruno001' },
      ],
    );
    renderList();
    fireEvent.click(screen.getAllByRole('button', { name: 'New chat' })[0]!);
    const dialog = screen.getByRole('dialog', { name: 'New chat' });
    const onParley = await within(dialog).findByRole('list', { name: 'On Parley' });
    expect(within(onParley).getAllByRole('button').map((b) => b.querySelector('.contact-pick-name')?.textContent)).toEqual(['Bruno', 'Zoé']);
    expect(within(within(dialog).getByRole('list', { name: 'Not on Parley yet' })).getByText('Albert')).toBeTruthy();
    expect(calls[0]).toEqual({ method: 'GET', path: '/v1/contacts', body: undefined });
    expect(document.activeElement?.id).toBe('new-chat-phone');

    fireEvent.click(within(onParley).getByRole('button', { name: /Bruno/ }));
    await waitFor(() => expect(calls.some((c) => c.method === 'POST' && c.path === '/v1/chats')).toBe(true));
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ peer: 'acc_bruno001' });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(location.pathname).toBe('/chat/chat_new001');
  });
});

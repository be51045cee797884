import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import type { Chat } from '#contracts/models.js';
import { I18nProvider } from '../../i18n/index.js';
import type { ClientMessage, State } from '../../lib/store.js';

const ME = 'acc_me0000000';
const BOB = 'acc_bob000000';
const state = { current: {} as Partial<State> };

vi.mock('../../lib/store.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../lib/store.js')>();
  return {
    ...real,
    useStore: <T,>(selector: (s: State) => T): T => selector(state.current as State),
  };
});

const { store } = await import('../../lib/store.js');
const { ChatView } = await import('./chat-view.js');

function chat(over: Partial<Chat> = {}): Chat {
  return {
    id: 'chat_long0000',
    kind: 'direct',
    peer: { id: BOB, phone: '+33611111111', displayName: 'Bob', about: null, photoMediaId: null, contactName: null, blocked: false, kind: 'person', business: null, },
    members: [
      { accountId: ME, deliveredSeq: 0, readSeq: 0 },
      { accountId: BOB, deliveredSeq: 0, readSeq: 0 },
    ],
    lastSeq: 10_000,
    lastActivityAt: Date.now(),
    lastMessage: null,
    unreadCount: 0,
    readSeq: 10_000,
    archived: false,
    pinnedAt: null,
    mutedUntil: null,
    ...over,
  };
}

function history(n: number): ClientMessage[] {
  const start = Date.now() - n * 60_000;
  return Array.from({ length: n }, (_, i) => ({
    id: `msg_long${i}`,
    chatId: 'chat_long0000',
    seq: i + 1,
    senderId: i % 3 ? BOB : ME,
    clientId: `c${i}`,
    kind: 'text',
    content: { text: `Message ${i + 1}` },
    mediaId: null,
    replyTo: null,
    forwarded: false,
    createdAt: start + i * 60_000,
    editedAt: null,
    deletedAt: null,
    reactions: [],
  }));
}

function show(c: Chat, items: ClientMessage[], hasMore = false) {
  vi.spyOn(store, 'loadMessages').mockResolvedValue(undefined);
  vi.spyOn(store, 'markRead').mockImplementation(() => undefined);
  vi.spyOn(store, 'watchPresence').mockResolvedValue(undefined);
  state.current = {
    session: { token: 't', accountId: ME, deviceId: 'd' },
    status: 'online',
    chats: { [c.id]: c },
    messages: { [c.id]: { items, hasMore, loaded: true } },
    typing: {},
    presence: { [BOB]: { online: true, lastSeenAt: null } },
    drafts: {},
    keyChanges: {},
    verified: {},
  };
  return render(
    <I18nProvider initial="en">
      <ChatView chatId={c.id} />
    </I18nProvider>,
  );
}

// happy-dom does no layout: give the history a phone-sized viewport and rows a plausible height.
const height = (el: HTMLElement) => (el.classList.contains('conversation') ? 640 : 48);
const sizes = { offsetHeight: height, clientHeight: height, offsetWidth: () => 390, clientWidth: () => 390 };
const saved = Object.fromEntries(Object.keys(sizes).map((k) => [k, Object.getOwnPropertyDescriptor(HTMLElement.prototype, k) ?? Object.getOwnPropertyDescriptor(Element.prototype, k)]));
beforeAll(() => {
  for (const [k, get] of Object.entries(sizes)) Object.defineProperty(HTMLElement.prototype, k, { configurable: true, get(this: HTMLElement) { return get(this); } });
});
afterAll(() => {
  for (const [k, d] of Object.entries(saved)) if (d) Object.defineProperty(HTMLElement.prototype, k, d);
});

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('chat view', () => {
  it('renders a few rows of a 10,000-message history, not all of them', () => {
    const { container } = show(chat(), history(10_000));
    const rows = container.querySelectorAll('.virtual-row');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(60);
    expect(screen.getByRole('log', { name: 'Bob' })).toBeTruthy();
    expect((container.querySelector('.virtual-list') as HTMLElement).style.height).not.toBe('0px');
  });

  it('header: name, presence, contact info button; the back button exists for phones', () => {
    show(chat(), history(3));
    expect(screen.getByRole('heading', { name: 'Bob' })).toBeTruthy();
    expect(screen.getByText('online')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Contact info' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Back to chats' })).toBeTruthy();
  });

  it('shows the start-of-history notice, a date separator and the unread marker before the first unread message', () => {
    const items = history(6);
    show(chat({ unreadCount: 2, readSeq: 4 }), items);
    expect(screen.getByText(/end-to-end encrypted/)).toBeTruthy();
    expect(screen.getAllByRole('separator').length).toBeGreaterThan(0);
    const marker = screen.getByText('2 unread messages');
    const row = marker.closest('.virtual-row')!;
    expect(row.querySelector('[data-message-id]')?.getAttribute('data-message-id')).toBe('msg_long4');
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Chat, Me } from '#contracts/models.js';
import { stubFetch } from '../features/contacts/test-fetch.js';
import { ApiError } from './api.js';
import type { Snapshot, OutboxItem } from './persist.js';
import type { RealtimeHandlers } from './realtime.js';
import { mergeChatList, mergePage, Store, upsertMessage, type ClientMessage } from './store.js';

// The store's socket and its IndexedDB are replaced: the test plays the connection's events and
// gives the store a saved snapshot, as after a reload.
const fake = vi.hoisted(() => ({
  handlers: null as RealtimeHandlers | null,
  snapshot: null as Snapshot | null,
  drafts: {} as Record<string, string>,
  outbox: [] as OutboxItem[],
}));
vi.mock('./realtime.js', () => ({
  RealtimeClient: class {
    constructor(_url: () => string, handlers: RealtimeHandlers) {
      fake.handlers = handlers;
    }
    start() {}
    stop() {}
    request() {
      return Promise.reject(new ApiError('NETWORK', 'offline in this test'));
    }
  },
}));
vi.mock('./persist.js', () => ({
  loadSnapshot: async () => fake.snapshot,
  saveSnapshot: async () => undefined,
  loadDrafts: async () => fake.drafts,
  saveDraft: async () => undefined,
  outboxAll: async () => fake.outbox,
  outboxPut: async () => undefined,
  outboxDelete: async () => undefined,
  clearAll: async () => undefined,
}));

const msg = (seq: number, over: Partial<ClientMessage> = {}): ClientMessage => ({
  id: `msg_${seq}`,
  chatId: 'chat_1',
  seq,
  senderId: 'acc_a',
  clientId: `c${seq}`,
  kind: 'text',
  content: { text: String(seq) },
  mediaId: null,
  replyTo: null,
  forwarded: false,
  createdAt: seq,
  editedAt: null,
  deletedAt: null,
  reactions: [],
  ...over,
});

describe('message list merging', () => {
  it('merges an older page in order, keeping current copies and dropping pending ones that were stored', () => {
    const pending = msg(Number.MAX_SAFE_INTEGER, { id: 'pending:c9', clientId: 'c9', pending: true });
    const current = [msg(5, { content: { text: 'edited' } }), msg(6), pending];
    const page = [msg(3), msg(4), msg(5), msg(9)];
    const merged = mergePage(current, page);
    expect(merged.map((m) => m.id)).toEqual(['msg_3', 'msg_4', 'msg_5', 'msg_6', 'msg_9']);
    expect(merged.find((m) => m.id === 'msg_5')!.content).toEqual({ text: 'edited' });
  });

  it('replaces a pending message by the stored one, never the reverse', () => {
    const pending = msg(Number.MAX_SAFE_INTEGER, { id: 'pending:c7', clientId: 'c7', pending: true });
    const stored = msg(7);
    expect(upsertMessage([pending], stored).map((m) => m.id)).toEqual(['msg_7']);
    expect(upsertMessage([stored], pending).map((m) => m.id)).toEqual(['msg_7']);
  });

  it('merges a page into a long history', () => {
    const current = Array.from({ length: 10_000 }, (_, i) => msg(i + 10_001));
    const page = Array.from({ length: 50 }, (_, i) => msg(i + 9_951));
    const merged = mergePage(current, page);
    expect(merged).toHaveLength(10_050);
    expect(merged[0]!.seq).toBe(9_951);
    expect(merged.every((m, i) => i === 0 || merged[i - 1]!.seq < m.seq)).toBe(true);
  });
});

const ME: Me = {
  id: 'acc_me',
  kind: 'person',
  phone: '+33612345678',
  displayName: 'Alice',
  about: '',
  photoMediaId: null,
  privacy: { lastSeen: 'everyone', online: 'everyone', photo: 'everyone', about: 'everyone', readReceipts: true },
  createdAt: 1,
};

function shopChat(over: Partial<Chat> = {}, business = { name: 'Chez Léa', category: 'restaurant', verified: false, api: false }): Chat {
  return {
    id: 'chat_1',
    kind: 'direct',
    peer: { id: 'acc_shop', kind: 'business', phone: '+33698765432', displayName: business.name, about: null, photoMediaId: null, contactName: null, blocked: false, business },
    members: [],
    lastSeq: 2,
    lastActivityAt: 2,
    lastMessage: msg(2),
    unreadCount: 0,
    readSeq: 2,
    archived: false,
    pinnedAt: null,
    mutedUntil: null,
    ...over,
  };
}

describe('merging a fetched chat list', () => {
  const verified = { name: 'Chez Léa', category: 'restaurant', verified: true, api: false };

  it('takes the server chats when the list is as fresh as the local state, never undoing a local read', () => {
    const local = { chat_1: shopChat({ readSeq: 5, lastSeq: 5, unreadCount: 0 }), chat_local: shopChat({ id: 'chat_local' }) };
    const server = [shopChat({ lastSeq: 5, readSeq: 3, unreadCount: 2, pinnedAt: 9 }, verified), shopChat({ id: 'chat_new' })];
    const merged = mergeChatList(local, server, true);
    expect(merged.chat_1).toMatchObject({ peer: { business: verified }, pinnedAt: 9, readSeq: 5, unreadCount: 0 });
    expect(Object.keys(merged).sort()).toEqual(['chat_1', 'chat_local', 'chat_new']);
  });

  it('takes only the peers from a list older than the updates applied since', () => {
    const local = { chat_1: shopChat({ lastSeq: 4, lastMessage: msg(4), unreadCount: 2, readSeq: 2 }) };
    const merged = mergeChatList(local, [shopChat({}, verified)], false);
    expect(merged.chat_1).toEqual({ ...local.chat_1, peer: shopChat({}, verified).peer });
  });
});

describe('refreshing the chat list after (re)connecting', () => {
  afterEach(() => {
    localStorage.removeItem('parley.session');
    vi.unstubAllGlobals();
  });

  it('re-fetches the chats once per connection after sync, so a badge granted or removed meanwhile shows, keeping messages, drafts and the outbox', async () => {
    localStorage.setItem('parley.session', JSON.stringify({ token: 'pdt_test', accountId: 'acc_me', deviceId: 'dev_1' }));
    fake.snapshot = { accountId: 'acc_me', me: ME, cursor: 7, chats: [shopChat()], messages: { chat_1: [msg(1), msg(2)] }, savedAt: 1 };
    fake.drafts = { chat_1: 'A table for two?' };
    fake.outbox = [{ clientId: 'c-offline', chatId: 'chat_1', kind: 'text', content: { text: 'Sent offline' }, createdAt: 3 }];
    let business = { name: 'Chez Léa', category: 'restaurant', verified: true, api: false };
    const calls = stubFetch({
      'GET /v1/me': () => ME,
      'GET /v1/chats': () => ({ chats: [shopChat({}, business)], updateSeq: 7 }),
    });
    const listCalls = () => calls.filter((c) => c.path.startsWith('/v1/chats')).length;

    const store = new Store();
    await store.start();
    const handlers = fake.handlers!;
    // From the snapshot, before the socket is up: the old profile, nothing fetched yet.
    expect(store.get().chats.chat_1!.peer.business?.verified).toBe(false);
    expect(listCalls()).toBe(0);

    handlers.onStatus('connecting');
    handlers.onStatus('online');
    handlers.onSynced(7);
    await vi.waitFor(() => expect(store.get().chats.chat_1!.peer.business?.verified).toBe(true));
    expect(listCalls()).toBe(1);
    const state = store.get();
    expect(state.messages.chat_1!.items.map((m) => m.id)).toEqual(['msg_1', 'msg_2', 'pending:c-offline']);
    expect(state.drafts).toEqual({ chat_1: 'A table for two?' });

    // Another sync on the same connection fetches nothing more.
    handlers.onSynced(7);
    await Promise.resolve();
    expect(listCalls()).toBe(1);

    // The connection drops; meanwhile the business changes its name and loses the badge.
    business = { name: 'Chez Léa & Fils', category: 'restaurant', verified: false, api: false };
    handlers.onStatus('offline');
    handlers.onStatus('connecting');
    handlers.onStatus('online');
    handlers.onSynced(7);
    await vi.waitFor(() => expect(store.get().chats.chat_1!.peer.business).toEqual(business));
    expect(listCalls()).toBe(2);
    expect(store.get().messages.chat_1!.items).toHaveLength(3);

    // A resync while connecting loads the list itself: no second request after that sync.
    handlers.onStatus('offline');
    handlers.onStatus('online');
    await handlers.onResyncRequired();
    handlers.onSynced(7);
    await Promise.resolve();
    expect(listCalls()).toBe(3);
  });
});

describe('end-to-end records in the update log', () => {
  afterEach(() => {
    localStorage.removeItem('parley.session');
    vi.unstubAllGlobals();
  });

  it('advances the cursor past every e2e.* record (and any record it does not know), so a reconnect does not replay them', async () => {
    localStorage.setItem('parley.session', JSON.stringify({ token: 'pdt_test', accountId: 'acc_me', deviceId: 'dev_1' }));
    fake.snapshot = { accountId: 'acc_me', me: ME, cursor: 7, chats: [], messages: {}, savedAt: 1 };
    fake.drafts = {};
    fake.outbox = [];
    stubFetch({ 'GET /v1/me': () => ME, 'GET /v1/chats': () => ({ chats: [], updateSeq: 7 }) });
    const store = new Store();
    await store.start();
    const handlers = fake.handlers!;
    const records = [
      { type: 'e2e.commit', chatId: 'chat_1', epoch: 1, senderDeviceId: 'dev_2', commit: 'AAE=' },
      { type: 'e2e.welcome', chatId: 'chat_1', epoch: 1, deviceId: 'dev_1', welcome: 'AAE=' },
      { type: 'e2e.devices', chatId: 'chat_1', accountId: 'acc_2', deviceId: 'dev_3', change: 'added' },
      { type: 'e2e.resend', chatId: 'chat_1', messageId: 'msg_1', deviceId: 'dev_1', requestedBy: 'dev_3' },
      { type: 'something.new', chatId: null },
    ];
    records.forEach((u, i) => handlers.onUpdate(8 + i, u as never));
    expect(store.get().cursor).toBe(12);
  });
});

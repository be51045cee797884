import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { Chat, Me, PublicProfile } from '#contracts/models.js';
import { I18nProvider } from '../../i18n/index.js';
import { store } from '../../lib/store.js';
import { ContactInfo } from './contact-info.js';
import { Reply, stubFetch, type RecordedCall } from './test-fetch.js';

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

/** The server's view of Bob as Alice sees him, and the chat between them. */
async function setup(): Promise<RecordedCall[]> {
  let peer: PublicProfile = { id: 'acc_bob00001', phone: '+33698765432', displayName: 'Bob', about: 'Climbing 🧗', photoMediaId: null, contactName: null, blocked: false, kind: 'person', business: null, };
  let chat: Chat = {
    id: 'chat_ab000001',
    kind: 'direct',
    peer,
    members: [],
    lastSeq: 1,
    lastActivityAt: 1000,
    lastMessage: null,
    unreadCount: 0,
    readSeq: 1,
    archived: false,
    pinnedAt: null,
    mutedUntil: null,
  };
  const withPeer = (p: Partial<PublicProfile>) => {
    peer = { ...peer, ...p };
    chat = { ...chat, peer };
  };
  const calls = stubFetch({
    'GET /v1/me': () => ME,
    'GET /v1/chats': () => ({ chats: [chat], updateSeq: 1 }),
    'POST /v1/chats': () => chat,
    'GET /v1/chats/chat_ab000001': () => chat,
    'GET /v1/accounts/acc_bob00001': () => peer,
    'PUT /v1/contacts': (body) => {
      withPeer({ contactName: (body as { name: string }).name });
      return { phone: peer.phone, name: peer.contactName, accountId: peer.id };
    },
    'PUT /v1/blocks/acc_bob00001': () => void withPeer({ blocked: true }),
    'DELETE /v1/blocks/acc_bob00001': () => void withPeer({ blocked: false, kind: 'person', business: null, }),
    'POST /v1/reports': (body) => {
      if ((body as { block?: boolean }).block) withPeer({ blocked: true });
      return new Reply(201, { id: 'rep_000001' });
    },
    'PATCH /v1/chats/chat_ab000001': (body) => {
      const b = body as { archived?: boolean; mutedUntil?: number | null };
      chat = { ...chat, archived: b.archived ?? chat.archived, mutedUntil: b.mutedUntil === undefined ? chat.mutedUntil : b.mutedUntil };
      return chat;
    },
  });
  await store.refreshAll();
  history.pushState(null, '', '/chat/chat_ab000001');
  calls.length = 0;
  return calls;
}

function renderPanel(onClose = vi.fn()) {
  render(
    <I18nProvider initial="en">
      <ContactInfo chatId="chat_ab000001" onClose={onClose} />
    </I18nProvider>,
  );
  return onClose;
}

const writes = (calls: RecordedCall[]) => calls.filter((c) => c.method !== 'GET' && !(c.method === 'POST' && c.path === '/v1/chats')).map((c) => [c.method, c.path, c.body]);

beforeEach(() => {
  localStorage.removeItem('parley.locale');
});

afterEach(() => {
  cleanup();
  globalThis.fetch = realFetch;
});

describe('contact info', () => {
  it('shows the person and saves them as a contact', async () => {
    const calls = await setup();
    renderPanel();
    expect(screen.getByRole('heading', { name: 'Bob' })).toBeTruthy();
    expect(screen.getByText('+33 6 98 76 54 32')).toBeTruthy();
    expect(await screen.findByText('Climbing 🧗')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Save contact' }));
    const name = screen.getByLabelText('Contact name') as HTMLInputElement;
    expect(name.value).toBe('Bob');
    fireEvent.change(name, { target: { value: 'Bob Martin' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(store.get().chats.chat_ab000001?.peer.contactName).toBe('Bob Martin'));
    expect(writes(calls)).toEqual([['PUT', '/v1/contacts', { phone: '+33698765432', name: 'Bob Martin' }]]);
    expect(screen.getByRole('heading', { name: 'Bob Martin' })).toBeTruthy();
    expect(screen.getByText('Name on Parley: Bob')).toBeTruthy();
  });

  it('blocks after confirmation, then unblocks', async () => {
    const calls = await setup();
    renderPanel();
    fireEvent.click(screen.getByRole('button', { name: 'Block Bob' }));
    const dialog = screen.getByRole('dialog', { name: 'Block this contact?' });
    expect(within(dialog).getByText('Block Bob? Blocked contacts cannot message you.')).toBeTruthy();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Block' }));
    await waitFor(() => expect(store.get().chats.chat_ab000001?.peer.blocked).toBe(true));
    expect(writes(calls)).toEqual([['PUT', '/v1/blocks/acc_bob00001', undefined]]);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByText('You blocked this contact. You will not receive their messages.')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Unblock Bob' }));
    fireEvent.click(within(screen.getByRole('dialog', { name: 'Unblock this contact?' })).getByRole('button', { name: 'Unblock' }));
    await waitFor(() => expect(store.get().chats.chat_ab000001?.peer.blocked).toBe(false));
    expect(writes(calls)[1]).toEqual(['DELETE', '/v1/blocks/acc_bob00001', undefined]);
  });

  it('reports with a reason and blocks too', async () => {
    const calls = await setup();
    renderPanel();
    fireEvent.click(screen.getByRole('button', { name: 'Report Bob' }));
    const dialog = screen.getByRole('dialog', { name: 'Report Bob?' });
    fireEvent.change(within(dialog).getByLabelText('What is wrong? (optional)'), { target: { value: ' spam ' } });
    expect((within(dialog).getByLabelText('Also block this contact') as HTMLInputElement).checked).toBe(true);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Report' }));
    expect(await screen.findByText('Thank you. Your report was sent.')).toBeTruthy();
    expect(writes(calls)).toEqual([['POST', '/v1/reports', { accountId: 'acc_bob00001', reason: 'spam', block: true, chatId: 'chat_ab000001' }]]);
    await waitFor(() => expect(store.get().chats.chat_ab000001?.peer.blocked).toBe(true));
  });

  it('mutes and archives the chat, and closes on Escape', async () => {
    const calls = await setup();
    const onClose = renderPanel();
    fireEvent.click(screen.getByRole('button', { name: 'Mute for 1 week' }));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Unmute notifications' })).toBeTruthy());
    fireEvent.click(screen.getByRole('button', { name: 'Archive chat' }));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Unarchive chat' })).toBeTruthy());
    const w = writes(calls);
    expect(w[0]?.[1]).toBe('/v1/chats/chat_ab000001');
    expect((w[0]?.[2] as { mutedUntil: number }).mutedUntil).toBeGreaterThan(Date.now() + 6 * 86_400_000);
    expect(w[1]).toEqual(['PATCH', '/v1/chats/chat_ab000001', { archived: true }]);
    fireEvent.keyDown(screen.getByRole('heading', { name: 'Contact info' }), { key: 'Escape' });
    expect(onClose).toHaveBeenCalled();
  });
});

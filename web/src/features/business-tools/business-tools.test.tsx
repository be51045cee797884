import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { Chat, Me } from '#contracts/models.js';
import type { QuickReply } from '#contracts/automation.js';
import type { Label } from '#contracts/labels.js';
import { I18nProvider, type Locale } from '../../i18n/index.js';
import { store } from '../../lib/store.js';
import { Composer } from '../conversation/composer.js';
import { ChatList } from '../chats/chat-list.js';
import { stubFetch } from '../contacts/test-fetch.js';
import { LabelsSection } from './labels-section.js';
import { QuickRepliesSection } from './quick-replies-section.js';
import { LabelDialog } from './label-ui.js';
import { matchQuickReplies } from './quick-reply-suggest.js';

const realFetch = globalThis.fetch;
let accountCounter = 0;

/** A fresh account id each time, so the shared caches fetch again. */
function signInAs(kind: Me['kind']): void {
  accountCounter++;
  store.setMe({
    id: `acc_test${accountCounter}`,
    kind,
    phone: '+33612345678',
    displayName: 'Fleurs',
    about: '',
    photoMediaId: null,
    privacy: { lastSeen: 'everyone', online: 'everyone', photo: 'everyone', about: 'everyone', readReceipts: true },
    createdAt: 1_700_000_000_000,
  });
}

const qr = (over: Partial<QuickReply>): QuickReply => ({ id: 'qr_1', shortcut: 'refund', text: 'Refund sent.', media: null, createdAt: 1, updatedAt: 1, ...over });
const replies = [
  qr({ id: 'qr_1', shortcut: 'refund', text: 'Your refund is on its way.' }),
  qr({ id: 'qr_2', shortcut: 'menu', text: 'Here is our menu.', media: { id: 'med_menu', kind: 'image', mimeType: 'image/jpeg', fileName: 'menu.jpg' } }),
  qr({ id: 'qr_3', shortcut: 'hours', text: 'We open at 9.' }),
];
const label = (over: Partial<Label>): Label => ({ id: 'lbl_1', name: 'New customer', color: 10, defaultKey: 'new_customer', createdAt: 1, updatedAt: 1, ...over });

function renderIn(node: React.ReactNode, locale: Locale = 'en') {
  return render(<I18nProvider initial={locale}>{node}</I18nProvider>);
}

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  globalThis.fetch = realFetch;
});

describe('quick replies in the composer', () => {
  function showComposer(kind: Me['kind'] = 'business') {
    signInAs(kind);
    stubFetch({ 'GET /v1/business/quick-replies': () => ({ quickReplies: replies }) });
    const send = vi.spyOn(store, 'send').mockResolvedValue(undefined);
    vi.spyOn(store, 'typing').mockImplementation(() => undefined);
    vi.spyOn(store, 'setDraft').mockImplementation(() => undefined);
    renderIn(<Composer chatId="chat_c" />);
    return { send, box: screen.getByRole('textbox') as HTMLTextAreaElement };
  }

  it('orders matches: shortcuts starting with the query, then containing it', () => {
    expect(matchQuickReplies(replies, 'u').map((r) => r.shortcut)).toEqual(['refund', 'menu', 'hours']);
    expect(matchQuickReplies(replies, 'ho').map((r) => r.shortcut)).toEqual(['hours']);
    expect(matchQuickReplies(replies, 'RE').map((r) => r.shortcut)).toEqual(['refund']);
  });

  it('suggests on /, filters as one types, picks with the arrows and Enter, then sends the text', async () => {
    const { send, box } = showComposer();
    fireEvent.change(box, { target: { value: '/' } });
    const list = await screen.findByRole('listbox', { name: 'Quick replies' });
    expect(within(list).getAllByRole('option')).toHaveLength(3);
    expect(box.getAttribute('aria-expanded')).toBe('true');

    fireEvent.change(box, { target: { value: '/re' } });
    await waitFor(() => expect(within(screen.getByRole('listbox')).getAllByRole('option')).toHaveLength(1));
    fireEvent.change(box, { target: { value: '/' } });
    await waitFor(() => expect(within(screen.getByRole('listbox')).getAllByRole('option')).toHaveLength(3));
    // In the order the server lists them (refund, menu, hours): move to the third.
    fireEvent.keyDown(box, { key: 'ArrowDown' });
    fireEvent.keyDown(box, { key: 'ArrowDown' });
    const options = within(screen.getByRole('listbox')).getAllByRole('option');
    expect(options[2]!.getAttribute('aria-selected')).toBe('true');
    expect(box.getAttribute('aria-activedescendant')).toBe(options[2]!.id);
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(send).not.toHaveBeenCalled();
    expect(box.value).toBe('We open at 9.');
    expect(screen.queryByRole('listbox')).toBeNull();

    fireEvent.keyDown(box, { key: 'Enter' });
    expect(send).toHaveBeenCalledWith('chat_c', 'text', { text: 'We open at 9.' }, {});
  });

  it('Tab picks too, and a reply with media sends the media with the text as its caption', async () => {
    const { send, box } = showComposer();
    fireEvent.change(box, { target: { value: '/me' } });
    await screen.findByRole('listbox');
    fireEvent.keyDown(box, { key: 'Tab' });
    expect(box.value).toBe('Here is our menu.');
    expect(screen.getByText(/Attachment from the quick reply: menu\.jpg/)).toBeTruthy();
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(send).toHaveBeenCalledWith('chat_c', 'image', { caption: 'Here is our menu.' }, { mediaId: 'med_menu' });
    expect(send).toHaveBeenCalledTimes(1);
    expect(screen.queryByText(/Attachment from the quick reply/)).toBeNull();
  });

  it('Escape closes the suggestions and keeps the text; nothing is suggested to a person', async () => {
    const { box, send } = showComposer();
    fireEvent.change(box, { target: { value: '/ref' } });
    await screen.findByRole('listbox');
    fireEvent.keyDown(box, { key: 'Escape' });
    expect(screen.queryByRole('listbox')).toBeNull();
    expect(box.value).toBe('/ref');
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(send).toHaveBeenCalledWith('chat_c', 'text', { text: '/ref' }, {});
    cleanup();

    const person = showComposer('person');
    fireEvent.change(person.box, { target: { value: '/' } });
    await new Promise((r) => setTimeout(r, 30));
    expect(screen.queryByRole('listbox')).toBeNull();
  });
});

describe('labels', () => {
  it('shows default labels in the reader\'s language and creates a label with a named colour', async () => {
    signInAs('business');
    const created: unknown[] = [];
    let labels = [label({}), label({ id: 'lbl_2', name: 'VIP', color: 14, defaultKey: null })];
    stubFetch({
      'GET /v1/business/labels': () => ({ labels }),
      'POST /v1/business/labels': (body) => {
        created.push(body);
        const l = label({ id: 'lbl_3', name: (body as { name: string }).name, color: (body as { color: number }).color, defaultKey: null });
        labels = [...labels, l];
        return l;
      },
    });
    renderIn(<LabelsSection />, 'fr');
    expect(await screen.findByText('Nouveau client')).toBeTruthy();
    expect(screen.getByText('VIP')).toBeTruthy();
    expect(screen.getByText('2 sur 20 étiquettes')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Nouvelle étiquette' }));
    fireEvent.change(screen.getByLabelText('Nom de l’étiquette'), { target: { value: 'Livraison' } });
    const palette = screen.getByRole('radiogroup', { name: 'Couleur' });
    const swatches = within(palette).getAllByRole('radio');
    expect(swatches).toHaveLength(20);
    expect(new Set(swatches.map((s) => s.getAttribute('aria-label'))).size).toBe(20);
    fireEvent.click(within(palette).getByRole('radio', { name: 'Sarcelle' }));
    expect(within(palette).getByRole('radio', { name: 'Sarcelle' }).getAttribute('aria-checked')).toBe('true');
    fireEvent.click(screen.getByRole('button', { name: 'Enregistrer' }));
    await waitFor(() => expect(created).toEqual([{ name: 'Livraison', color: 7 }]));
    expect(await screen.findByText('Livraison')).toBeTruthy();
  });

  it('the checklist dialog sets the labels of a chat', async () => {
    signInAs('business');
    const puts: unknown[] = [];
    stubFetch({
      'GET /v1/business/labels': () => ({ labels: [label({}), label({ id: 'lbl_2', name: 'Paid', defaultKey: 'paid', color: 6 })] }),
      'GET /v1/business/label-assignments': () => ({ labels: [{ labelId: 'lbl_1', chatIds: ['chat_c'], messages: [] }, { labelId: 'lbl_2', chatIds: [], messages: [] }] }),
      'PUT /v1/business/chats/chat_c/labels': (body) => {
        puts.push(body);
        return { chatId: 'chat_c', labelIds: (body as { labelIds: string[] }).labelIds };
      },
    });
    const onClose = vi.fn();
    renderIn(<LabelDialog target={{ kind: 'chat', chatId: 'chat_c' }} onClose={onClose} />);
    const dialog = await screen.findByRole('dialog', { name: 'Label chat' });
    await waitFor(() => expect((within(dialog).getByRole('checkbox', { name: 'New customer' }) as HTMLInputElement).checked).toBe(true));
    fireEvent.click(within(dialog).getByRole('checkbox', { name: 'New customer' }));
    fireEvent.click(within(dialog).getByRole('checkbox', { name: 'Paid' }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(puts).toEqual([{ labelIds: ['lbl_2'] }]);
  });
});

describe('linked devices', () => {
  it('re-fetches when another device changes the area (business.changed)', async () => {
    signInAs('business');
    let list = [replies[0]!];
    const calls = stubFetch({ 'GET /v1/business/quick-replies': () => ({ quickReplies: list }) });
    renderIn(<QuickRepliesSection />);
    expect(await screen.findByText('/refund')).toBeTruthy();
    expect(screen.queryByText('/menu')).toBeNull();

    // Another device of the business adds a quick reply; this device gets the update.
    list = [replies[0]!, replies[1]!];
    (store as unknown as { applyUpdate(seq: number, u: unknown): void }).applyUpdate(store.get().cursor + 1, { type: 'business.changed', chatId: null, area: 'quick_replies' });
    expect(await screen.findByText('/menu')).toBeTruthy();
    expect(calls.filter((c) => c.path === '/v1/business/quick-replies')).toHaveLength(2);

    // Another area's change does not refetch quick replies.
    (store as unknown as { applyUpdate(seq: number, u: unknown): void }).applyUpdate(store.get().cursor + 1, { type: 'business.changed', chatId: null, area: 'labels' });
    await new Promise((r) => setTimeout(r, 30));
    expect(calls.filter((c) => c.path === '/v1/business/quick-replies')).toHaveLength(2);
  });
});

describe('chat list of a business', () => {
  const chat = (id: string, name: string, at: number): Chat => ({
    id,
    kind: 'direct',
    peer: { id: `acc_${name}`, phone: `+3361111${at}`, displayName: name, about: null, photoMediaId: null, contactName: null, blocked: false, kind: 'person', business: null },
    members: [],
    lastSeq: 1,
    lastActivityAt: at,
    lastMessage: null,
    unreadCount: 0,
    readSeq: 1,
    archived: false,
    pinnedAt: null,
    mutedUntil: null,
  });

  it('shows label dots on rows, filters by a label chip, and offers "Label chat" in the menu', async () => {
    accountCounter++;
    const me: Me = { id: `acc_test${accountCounter}`, kind: 'business', phone: '+33612345678', displayName: 'Fleurs', about: '', photoMediaId: null, privacy: { lastSeen: 'everyone', online: 'everyone', photo: 'everyone', about: 'everyone', readReceipts: true }, createdAt: 1 };
    stubFetch({
      'GET /v1/me': () => me,
      'GET /v1/chats': () => ({ chats: [chat('chat_ann0001', 'Ann', 3000), chat('chat_ben0001', 'Ben', 2000), chat('chat_cat0001', 'Cat', 1000)], updateSeq: 1 }),
      'GET /v1/business/labels': () => ({ labels: [label({}), label({ id: 'lbl_2', name: 'Paid', defaultKey: 'paid', color: 6 })] }),
      'GET /v1/business/label-assignments': () => ({
        labels: [
          { labelId: 'lbl_1', chatIds: ['chat_ann0001', 'chat_ben0001'], messages: [] },
          { labelId: 'lbl_2', chatIds: ['chat_ben0001'], messages: [] },
        ],
      }),
    });
    await store.refreshAll();
    renderIn(<ChatList activeId={null} onOpenSettings={vi.fn()} />);
    const names = () => [...document.querySelectorAll('.chat-item-name')].map((n) => n.textContent);
    expect(names()).toEqual(['Ann', 'Ben', 'Cat']);
    expect(await screen.findByRole('img', { name: 'Labels: New customer, Paid' })).toBeTruthy();
    expect(screen.getByRole('img', { name: 'Labels: New customer' })).toBeTruthy();

    const filters = document.querySelector('.filters') as HTMLElement;
    fireEvent.click(within(filters).getByRole('button', { name: 'Paid' }));
    expect(names()).toEqual(['Ben']);
    expect(within(filters).getByRole('button', { name: 'Paid' }).getAttribute('aria-pressed')).toBe('true');
    expect(within(filters).getByRole('button', { name: 'All' }).getAttribute('aria-pressed')).toBe('false');
    fireEvent.click(within(filters).getByRole('button', { name: 'New customer' }));
    expect(names()).toEqual(['Ann', 'Ben']);
    fireEvent.click(within(filters).getByRole('button', { name: 'All' }));
    expect(names()).toEqual(['Ann', 'Ben', 'Cat']);

    fireEvent.click(screen.getByRole('button', { name: 'Chat options for Cat' }));
    fireEvent.click(within(screen.getByRole('menu')).getByRole('menuitem', { name: 'Label chat' }));
    const dialog = await screen.findByRole('dialog', { name: 'Label chat' });
    expect(within(dialog).getAllByRole('checkbox').map((c) => (c as HTMLInputElement).checked)).toEqual([false, false]);
  });
});

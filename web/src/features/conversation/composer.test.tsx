import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import type { Chat } from '#contracts/models.js';
import { I18nProvider, type Locale } from '../../i18n/index.js';
import { store, type ClientMessage } from '../../lib/store.js';
import { Composer, type ComposerProps } from './composer.js';
import { testMessage } from './test-messages.js';

function msg(over: Partial<ClientMessage> = {}): ClientMessage {
  return testMessage({ id: 'msg_quoted0001', chatId: 'chat_c', seq: 4, senderId: 'acc_me', clientId: 'c4', content: { text: 'Dinner at 8?' }, ...over });
}

function show(props: Partial<ComposerProps> = {}, locale: Locale = 'en') {
  const send = vi.spyOn(store, 'send').mockResolvedValue(undefined);
  const edit = vi.spyOn(store, 'edit').mockResolvedValue(undefined);
  vi.spyOn(store, 'typing').mockImplementation(() => undefined);
  vi.spyOn(store, 'setDraft').mockImplementation(() => undefined);
  render(
    <I18nProvider initial={locale}>
      <Composer chatId="chat_c" {...props} />
    </I18nProvider>,
  );
  return { send, edit, box: screen.getByRole('textbox') as HTMLTextAreaElement };
}

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('composer', () => {
  it('Enter sends, Shift+Enter does not; the mic shows while the text is empty', () => {
    const { send, box } = show();
    expect(screen.getByRole('button', { name: 'Record voice message' })).toBeTruthy();
    fireEvent.change(box, { target: { value: 'Hello' } });
    expect(screen.getByRole('button', { name: 'Send' })).toBeTruthy();
    fireEvent.keyDown(box, { key: 'Enter', shiftKey: true });
    expect(send).not.toHaveBeenCalled();
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(send).toHaveBeenCalledWith('chat_c', 'text', { text: 'Hello' }, {});
    expect(box.value).toBe('');
  });

  it('replies quote the message; Escape leaves reply mode', () => {
    const onCancelMode = vi.fn();
    const chat = { id: 'chat_c', peer: { id: 'acc_bob', phone: '+33611111111', displayName: 'Bob', contactName: null } } as unknown as Chat;
    const { send, box } = show({ replyTo: msg({ senderId: 'acc_bob' }), chat, onCancelMode });
    expect(screen.getByText('Dinner at 8?')).toBeTruthy();
    expect(screen.getByText('Replying to Bob')).toBeTruthy();
    fireEvent.change(box, { target: { value: 'Yes' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(send).toHaveBeenCalledWith('chat_c', 'text', { text: 'Yes' }, { replyTo: 'msg_quoted0001' });
    fireEvent.keyDown(box, { key: 'Escape' });
    expect(onCancelMode).toHaveBeenCalled();
  });

  it('edit mode puts the text in the box and saves the new content', async () => {
    const onCancelMode = vi.fn();
    const { edit, box } = show({ editing: msg(), onCancelMode });
    expect(box.value).toBe('Dinner at 8?');
    expect(screen.getByText('Editing message')).toBeTruthy();
    fireEvent.change(box, { target: { value: 'Dinner at 9?' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(edit).toHaveBeenCalledWith('msg_quoted0001', { text: 'Dinner at 9?' });
    await vi.waitFor(() => expect(onCancelMode).toHaveBeenCalled());
  });

  it('editing a photo edits its caption, and keeps the rest of the content', async () => {
    const { edit, box } = show({ editing: msg({ kind: 'image', mediaId: 'med_1', content: { caption: 'Beach', width: 10, height: 10 } }) });
    expect(box.value).toBe('Beach');
    fireEvent.change(box, { target: { value: 'The beach' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(edit).toHaveBeenCalledWith('msg_quoted0001', { caption: 'The beach', width: 10, height: 10 });
  });

  it('an edit refused by the server shows why', async () => {
    const { edit, box } = show({ editing: msg() });
    const { ApiError } = await import('../../lib/api.js');
    edit.mockRejectedValueOnce(new ApiError('EDIT_WINDOW_EXPIRED', 'too late', 409));
    fireEvent.change(box, { target: { value: 'Later' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(await screen.findByRole('alert')).toHaveProperty('textContent', 'Messages can be edited for 15 minutes only.');
  });

  it('the emoji picker inserts at the caret', () => {
    const { box } = show();
    fireEvent.change(box, { target: { value: 'Hi ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Emoji' }));
    const picker = screen.getByRole('dialog', { name: 'Emoji' });
    expect(within(picker).getAllByRole('tab')).toHaveLength(8);
    fireEvent.click(within(picker).getByRole('tab', { name: 'Food and drink' }));
    fireEvent.click(within(picker).getByRole('button', { name: '🍕' }));
    expect(box.value).toBe('Hi 🍕');
  });

  it('the attach menu offers photo or video, document, location and contact, in French too', () => {
    show({}, 'fr');
    fireEvent.click(screen.getByRole('button', { name: 'Joindre' }));
    const menu = screen.getByRole('menu');
    expect(within(menu).getAllByRole('menuitem')).toHaveLength(4);
    fireEvent.click(within(menu).getByRole('menuitem', { name: /Position/ }));
    expect(screen.getByRole('dialog', { name: 'Envoyer une position' })).toBeTruthy();
    expect(screen.getByLabelText('Latitude')).toBeTruthy();
  });
});

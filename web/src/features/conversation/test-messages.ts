/**
 * For component tests of the conversation: a direct chat between "me" and Bob, and messages in it
 * (each call a new id and seq), with any field overridden.
 */
import type { Chat } from '#contracts/models.js';
import type { ClientMessage } from '../../lib/store.js';

export const ME = 'acc_me0000000';
export const BOB = 'acc_bob000000';

export function testChat(over: Partial<Chat> = {}): Chat {
  return {
    id: 'chat_test00000',
    kind: 'direct',
    peer: { id: BOB, phone: '+33611111111', displayName: 'Bob', about: null, photoMediaId: null, contactName: 'Bob Martin', blocked: false, kind: 'person', business: null },
    members: [
      { accountId: ME, deliveredSeq: 0, readSeq: 0 },
      { accountId: BOB, deliveredSeq: 0, readSeq: 0 },
    ],
    lastSeq: 10,
    lastActivityAt: Date.now(),
    lastMessage: null,
    unreadCount: 0,
    readSeq: 10,
    archived: false,
    pinnedAt: null,
    mutedUntil: null,
    ...over,
  };
}

let n = 0;
/** A message from Bob (a text "hello" unless overridden). */
export function testMessage(over: Partial<ClientMessage> = {}): ClientMessage {
  n++;
  return {
    id: `msg_test${n}`,
    chatId: 'chat_test00000',
    seq: n,
    senderId: BOB,
    clientId: `c${n}`,
    kind: 'text',
    content: { text: 'hello' },
    mediaId: null,
    replyTo: null,
    forwarded: false,
    createdAt: Date.now() - 60_000,
    editedAt: null,
    deletedAt: null,
    reactions: [],
    ...over,
  };
}

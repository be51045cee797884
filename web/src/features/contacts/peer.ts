/** Small helpers about other people: the name to show, and keeping the store's copy of a chat fresh. */
import { parsePhoneNumberFromString } from 'libphonenumber-js/min';
import type { PublicProfile } from '#contracts/models.js';
import { store } from '../../lib/store.js';

/** The saved contact name, else their Parley name, else the number. */
export function peerName(p: Pick<PublicProfile, 'contactName' | 'displayName' | 'phone'>): string {
  return p.contactName || p.displayName || formatPhone(p.phone);
}

/** +33612345678 → +33 6 12 34 56 78 */
export function formatPhone(e164: string): string {
  return parsePhoneNumberFromString(e164)?.formatInternational() ?? e164;
}

/**
 * After a block, an unblock or a saved contact, the chat with that person in the store still has
 * the old `peer` (blocked, contactName): fetch it again.
 */
export async function refreshChatWith(peerId: string): Promise<void> {
  const chat = Object.values(store.get().chats).find((c) => c.peer.id === peerId);
  if (chat) await store.reloadChat(chat.id).catch(() => undefined);
}

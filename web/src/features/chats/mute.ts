/**
 * Muting a chat: for 8 hours, for a week, or always. "Always" is stored as a time far in the
 * future (the API has no separate flag), and any time more than ten years ahead reads as "always".
 */
import type { Chat } from '#contracts/models.js';
import type { MessageKey } from '../../i18n/en.js';

/** 9999-12-31T23:59:59Z */
export const MUTE_ALWAYS = 253_402_300_799_000;
const TEN_YEARS = 10 * 365 * 86_400_000;

export const MUTE_OPTIONS: readonly { key: MessageKey; ms: number | null }[] = [
  { key: 'chats.mute8h', ms: 8 * 3_600_000 },
  { key: 'chats.mute1w', ms: 7 * 86_400_000 },
  { key: 'chats.muteAlways', ms: null },
];

export function muteUntil(ms: number | null, now = Date.now()): number {
  return ms === null ? MUTE_ALWAYS : now + ms;
}

export function isMuted(chat: Pick<Chat, 'mutedUntil'>, now = Date.now()): boolean {
  return !!chat.mutedUntil && chat.mutedUntil > now;
}

export function isMutedAlways(chat: Pick<Chat, 'mutedUntil'>, now = Date.now()): boolean {
  return !!chat.mutedUntil && chat.mutedUntil - now > TEN_YEARS;
}

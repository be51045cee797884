/**
 * @module e2e/reaction
 * End-to-end encrypted reactions (docs/adr/0007): the emoji travels as an MLS application message
 * of the chat's group whose plaintext names the message reacted to and the reacting account, so
 * the server can neither read the emoji nor move a reaction onto another message or person.
 */
import type { E2eDevice } from './device.js';
import { E2eError } from './errors.js';

/** A reaction's envelope as the server stores it (the `e2e` member of a reaction). */
export interface ReactionEnvelope {
  v: 1;
  epoch: number;
  ct: string;
}

/** What is encrypted inside a reaction. */
export interface ReactionPlaintext {
  emoji: string;
  messageId: string;
  accountId: string;
}

export const REACTION_KIND = 'reaction';

/** Encrypt `emoji` as `accountId`'s reaction to `messageId` in the chat's group. */
export async function sealReaction(device: E2eDevice, chatId: string, messageId: string, accountId: string, emoji: string): Promise<ReactionEnvelope> {
  const content: ReactionPlaintext = { emoji, messageId, accountId };
  return (await device.encrypt(chatId, { kind: REACTION_KIND, content })).e2e;
}

/**
 * Decrypt a reaction listed on `messageId` as `accountId`'s. Throws DECRYPT_FAILED when this device
 * has no key for it (or already used it: an MLS message decrypts once, so keep what this returns)
 * and KIND_MISMATCH when the plaintext is not a reaction to this message by this account.
 */
export async function openReaction(device: E2eDevice, chatId: string, messageId: string, accountId: string, envelope: ReactionEnvelope): Promise<string> {
  const payload = await device.decrypt(chatId, REACTION_KIND, { e2e: envelope });
  const c = payload.content as Partial<ReactionPlaintext> | null;
  if (!c || typeof c.emoji !== 'string' || c.messageId !== messageId || c.accountId !== accountId) {
    throw new E2eError('KIND_MISMATCH', 'The reaction was made for another message or person.');
  }
  return c.emoji;
}

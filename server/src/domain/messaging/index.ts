/**
 * @module domain/messaging
 * Public surface of messaging: chats, messages, receipts, the update log, presence and typing.
 */
export { accessChat, chatMembers, openDirectChat, getChat, listChats, updateChatSettings, statusOf, type ChatSettingsInput } from './chats.js';
export { sendMessage, SendOrder, newMessageId, editMessage, reencryptMessage, deleteMessage, reactToMessage, reactionInput, listMessages, checkContent, EDIT_WINDOW_MS, DELETE_WINDOW_MS, type SendInput, type SendResult, type SendOptions, type ComposedSend, type ReactionInput } from './messages.js';
export { markDelivered, markRead } from './receipts.js';
export { readUpdates, updateJson, currentUpdateSeq, recordDeviceAck, pruneUpdates, notifyBusinessChanged, type StoredUpdate } from './updates.js';
export { deviceConnected, deviceDisconnected, presenceFor, sendTyping, isOnline, type PresenceView } from './presence.js';

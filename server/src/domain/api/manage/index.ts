/**
 * @module domain/api/manage
 * Account and number management of the Cloud-API-compatible layer (reference §9): the WABA and its
 * numbers, registration and two-step PIN, business profile, blocks, QR codes, commerce settings and
 * app subscriptions. Every function takes the token's principal and answers in Graph terms.
 */
export { getWaba, listPhoneNumbers, getPhoneNumber, updatePhoneNumber, registerNumber, deregisterNumber, requireRegisteredForSend, accessWaba, graphTime, PIN_MAX_FAILURES, PIN_LOCK_MS } from './numbers.js';
export { getApiBusinessProfile, updateApiBusinessProfile, profilePicture, VERTICAL_OF_CATEGORY, VERTICALS, categoryOfVertical } from './profile.js';
export { listBlockedUsers, blockUsers, unblockUsers, BLOCK_USERS_PER_REQUEST, type BlockAnswer } from './blocks.js';
export { listQrCodes, saveQrCode, deleteQrCode, qrImage, newQrCode, QR_CODES_PER_NUMBER, type QrView } from './qr.js';
export { getCommerceSettings, updateCommerceSettings, type CommerceSettingsView } from './commerce.js';
export { listSubscribedApps, subscribeApp, unsubscribeApp, type SubscribedApp } from './subscriptions.js';
export { parseFields, selectFields, formatFields, page, mergedParams, type Paged, type FieldSelection } from './params.js';

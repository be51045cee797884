/**
 * @module e2e
 * Parley's end-to-end encryption library (MLS, RFC 9420, through ts-mls): pure TypeScript that runs
 * in Node and in the browser. See docs/adr/0007-mls-end-to-end-encryption.md.
 */
export { CIPHERSUITE, suite } from './suite.js';
export { E2eError, type E2eErrorCode } from './errors.js';
export { toBase64, fromBase64, toBase64Url, fromBase64Url, utf8, fromUtf8, bytesEqual } from './bytes.js';
export { CREDENTIAL_PREFIX, credentialSigningText, assembleCredential, parseCredential, verifyCredential, claimsOf, authenticationService, type CredentialClaims } from './credential.js';
export { encryptMedia, encryptMediaParts, decryptMedia, MediaDecryptor, encryptedSize, MEDIA_CHUNK, type MediaKey } from './media.js';
export { safetyNumber, type SafetyParty, type SafetyNumber } from './safety.js';
export { MemoryStore, type E2eStore } from './store.js';
export { E2eDevice, isEnvelope, isLastResort, LAST_RESORT_EXTENSION, type Envelope, type PlainPayload, type GroupMember, type DeviceToAdd, type PendingCommit, type ListedDevice, type GroupDiff } from './device.js';
export { sealReaction, openReaction, REACTION_KIND, type ReactionEnvelope, type ReactionPlaintext } from './reaction.js';

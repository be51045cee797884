/**
 * @module domain/e2e
 * End-to-end encryption (docs/adr/0007): the server as MLS directory (credentials, key packages)
 * and delivery service (commit ordering, welcomes, device changes, resend requests).
 */
export { serverKey } from './keys.js';
export { issueCredential, uploadKeyPackages, keyPackageCount, claimKeyPackages, activeDevices, announceDevice, MAX_KEY_PACKAGES, type IssuedCredential, type ClaimedKeyPackage, type KeyPackageCount, type E2eDeviceView } from './directory.js';
export { getE2eChat, submitCommit, listCommits, requestResend, type E2eChatView, type CommitInput } from './groups.js';
export { isEncryptable, checkEncryptable } from './policy.js';
export { pruneE2e } from './prune.js';
export { pendingWelcomes, acknowledgeWelcomes, type PendingWelcome } from './welcomes.js';

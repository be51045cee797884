/**
 * @module domain/accounts
 * Public surface of the accounts module: registration, devices, profiles, privacy, contacts,
 * blocks and reports. Other modules import only from here.
 */
export { normalizePhone, tryNormalizePhone } from './phone.js';
export { LogCodeSender, HttpCodeSender, type CodeSender } from './code-sender.js';
export { requestCode, verifyCode, CODE_TTL_MS, MAX_CODE_ATTEMPTS, type SignedIn } from './registration.js';
export { authenticate, listDevices, revokeDevice } from './devices.js';
export { hasBlocked, blockedEitherWay, hasSavedNumber, levelAllows, profilesFor, toPublicProfile } from './relations.js';
export { toMe, toPrivacy, toContact } from './views.js';
export { getMe, updateProfile, updatePrivacy, getProfile, lookupByPhone, DISPLAY_NAME_MAX, ABOUT_MAX, type ProfileInput } from './profile.js';
export { listContacts, saveContact, deleteContact, MAX_CONTACTS, CONTACT_NAME_MAX, type ContactInput } from './contacts.js';
export { listBlocked, blockAccount, unblockAccount, doBlock, doUnblock, reportAccount, REPORT_REASON_MAX, type ReportInput } from './blocks.js';
export { accountKindOf, forgetAccountKind, mayBeBusinessChat, type AccountKindValue } from './kinds.js';
export { LogEmailSender, HttpEmailSender, NoEmailSender, emailSenderFor, type EmailSender, type Email } from './email-sender.js';
export {
  getTwoStep,
  enableTwoStep,
  changeTwoStep,
  disableTwoStep,
  confirmPin,
  signInWithPin,
  verifyCodeAndPin,
  forgotPin,
  resetPin,
  pinWaitMs,
  PIN_FREE_TRIES,
  REMINDER_INTERVALS_MS,
  RESET_WAIT_MS,
} from './two-step.js';

/**
 * @module domain/business
 * Public surface of business accounts: registration as a business, conversion, the business
 * profile (own and public), opening hours, and verification requests. Other modules import only
 * from here.
 */
export {
  toBusinessProfile,
  checkNewBusiness,
  checkBusinessName,
  checkCategory,
  doCreateBusiness,
  convertToBusiness,
  accessOwnBusiness,
  accessBusinessAccount,
  type BusinessActor,
  getBusinessProfile,
  updateBusinessProfile,
  getPublicBusinessProfile,
  checkProfilePatch,
  checkText,
  type NewBusiness,
  type BusinessProfilePatch,
  EMAIL_PATTERN,
} from './profile.js';
export { checkHours, canonicalTimeZone, localTime, isOpenAt } from './hours.js';
export { submitVerification, getVerificationState, toVerificationRequest, type VerificationInput } from './verification.js';

/**
 * @module domain/admin
 * Public surface of platform administration: administrator accounts and sessions, and the review
 * of business verification requests.
 */
export { createAdmin, loginAdmin, authenticateAdmin, logoutAdmin, checkAdminCredentials, ADMIN_SESSION_TTL_MS, ADMIN_PASSWORD_MIN, type AdminActor } from './admins.js';
export { hashPassword, verifyPassword } from './password.js';
export { listVerifications, accessVerificationDocument, approveVerification, rejectVerification, type ReviewStatus } from './review.js';

/**
 * @module contracts/business-profile
 * Business accounts: the public profile customers see, verification requests and their review by
 * platform administrators.
 */
import { Type, type Static } from '@sinclair/typebox';
import { BusinessProfile } from './business.js';

/** Limits of the business profile (enforced by the server; the web app mirrors them). */
export const BUSINESS_LIMITS = {
  name: 64,
  description: 512,
  about: 139,
  address: 256,
  email: 128,
  website: 256,
  websites: 2,
  rangesPerDay: 3,
  legalName: 128,
  documents: 5,
  rejectReason: 500,
  /** Devices a business account may have signed in at once: the first one plus 4 linked devices. */
  devices: 5,
} as const;

/** A business profile as a customer sees it, with whether it is open now in its own time zone (null: unknown or by appointment). */
export const PublicBusinessProfile = Type.Composite([BusinessProfile, Type.Object({ openNow: Type.Union([Type.Boolean(), Type.Null()]) })]);
export type PublicBusinessProfile = Static<typeof PublicBusinessProfile>;

export const VERIFICATION_STATUSES = ['none', 'pending', 'approved', 'rejected'] as const;
export type VerificationStatus = (typeof VERIFICATION_STATUSES)[number];

/** A verification request as the business sees it. */
export const VerificationRequest = Type.Object({
  id: Type.String(),
  legalName: Type.String(),
  documentMediaIds: Type.Array(Type.String()),
  status: Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('rejected')]),
  reason: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.Number(),
  reviewedAt: Type.Union([Type.Number(), Type.Null()]),
});
export type VerificationRequest = Static<typeof VerificationRequest>;

/** GET /v1/business/verification: the current state and the latest request (null when none). */
export const VerificationState = Type.Object({
  status: Type.Union(VERIFICATION_STATUSES.map((s) => Type.Literal(s))),
  verified: Type.Boolean(),
  reason: Type.Union([Type.String(), Type.Null()]),
  request: Type.Union([VerificationRequest, Type.Null()]),
});
export type VerificationState = Static<typeof VerificationState>;

/** A document of a request, as an administrator sees it. */
export const VerificationDocument = Type.Object({ mediaId: Type.String(), kind: Type.String(), mimeType: Type.String(), size: Type.Number(), fileName: Type.Union([Type.String(), Type.Null()]) });

/** A verification request in the administrators' queue. */
export const AdminVerification = Type.Composite([
  VerificationRequest,
  Type.Object({
    accountId: Type.String(),
    phone: Type.String(),
    businessName: Type.String(),
    category: Type.String(),
    verified: Type.Boolean(),
    documents: Type.Array(VerificationDocument),
  }),
]);
export type AdminVerification = Static<typeof AdminVerification>;

export const AdminSession = Type.Object({ token: Type.String(), username: Type.String(), expiresAt: Type.Number() });
export type AdminSession = Static<typeof AdminSession>;

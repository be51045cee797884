/**
 * Typed calls of the business accounts API (docs/api/business.md), through the app's Api client
 * (same token, same ApiError).
 */
import type { BusinessProfile } from '#contracts/business.js';
import type { PublicBusinessProfile, VerificationState } from '#contracts/business-profile.js';
import type { Api } from '../../lib/api.js';
import { store } from '../../lib/store.js';

export type BusinessProfilePatch = Partial<Omit<BusinessProfile, 'accountId' | 'verified' | 'updatedAt'>>;

export function businessApi(api: Api = store.api) {
  return {
    convert: (name: string, category: string) => api.request<BusinessProfile>('POST', '/v1/business/convert', { name, category }),
    profile: () => api.request<BusinessProfile>('GET', '/v1/business/profile'),
    updateProfile: (patch: BusinessProfilePatch) => api.request<BusinessProfile>('PATCH', '/v1/business/profile', patch),
    publicProfile: (accountId: string) => api.request<PublicBusinessProfile>('GET', `/v1/accounts/${encodeURIComponent(accountId)}/business`),
    verification: () => api.request<VerificationState>('GET', '/v1/business/verification'),
    submitVerification: (legalName: string, documentMediaIds: string[]) =>
      api.request<VerificationState>('POST', '/v1/business/verification', { legalName, documentMediaIds }),
  };
}

/**
 * Typed calls of the owner's Business API set-up (docs/api/cloud-api.md, "Set-up"), through the
 * app's Api client (same token, same ApiError).
 */
import type { Api } from '../../lib/api.js';
import { store } from '../../lib/store.js';

export const API_SCOPES = ['messaging', 'management'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export interface ApiState {
  enabled: boolean;
  wabaId: string | null;
  numbers: { phoneNumberId: string; displayPhoneNumber: string; registered: boolean }[];
  apps: { id: string; name: string; createdAt: number; webhook: { callbackUrl: string; updatedAt: number; batchSize?: number } | null }[];
  tokens: { id: string; name: string; scopes: ApiScope[]; createdAt: number; lastUsedAt: number | null; revokedAt: number | null }[];
}

export interface NewApp {
  id: string;
  name: string;
  appSecret: string;
  createdAt: number;
}

export interface NewToken {
  id: string;
  token: string;
  name: string;
  scopes: ApiScope[];
  createdAt: number;
}

export interface Delivery {
  eventId: string;
  field: string;
  status: 'pending' | 'delivered' | 'dropped' | string;
  attempts: number;
  nextAttemptAt: number | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: number;
  deliveredAt: number | null;
  recentAttempts: { at: number; statusCode: number | null; error: string | null; durationMs: number }[];
}

export function businessApiSetup(api: Api = store.api) {
  return {
    state: () => api.request<ApiState>('GET', '/v1/business/api'),
    enable: () => api.request<ApiState>('POST', '/v1/business/api/enable'),
    createApp: (name: string) => api.request<NewApp>('POST', '/v1/business/api/apps', { name }),
    issueToken: (scopes: ApiScope[], name?: string) => api.request<NewToken>('POST', '/v1/business/api/tokens', { scopes, ...(name ? { name } : {}) }),
    revokeToken: (tokenId: string) => api.request<{ id: string; revokedAt: number }>('DELETE', `/v1/business/api/tokens/${encodeURIComponent(tokenId)}`),
    setWebhook: (appId: string, callbackUrl: string, verifyToken: string, batchSize?: number) =>
      api.request<{ appId: string; callbackUrl: string; updatedAt: number; batchSize: number }>('PUT', `/v1/business/api/apps/${encodeURIComponent(appId)}/webhook`, {
        callbackUrl,
        verifyToken,
        ...(batchSize !== undefined ? { batchSize } : {}),
      }),
    deliveries: (appId: string, limit = 20) => api.request<{ deliveries: Delivery[] }>('GET', `/v1/business/api/apps/${encodeURIComponent(appId)}/deliveries?limit=${limit}`),
  };
}

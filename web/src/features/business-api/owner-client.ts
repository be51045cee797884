/**
 * Typed calls of the owner's message templates and number health (docs/business.md, "Business
 * API"), through the app's Api client (same token, same ApiError). Template components are the
 * Graph API's, with uppercase types, exactly as the Cloud-API-compatible endpoints read them.
 */
import type { Api } from '../../lib/api.js';
import { store } from '../../lib/store.js';

export type TemplateCategory = 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';
export type TemplateStatus = 'APPROVED' | 'PENDING' | 'REJECTED' | 'PAUSED' | 'DISABLED';
export type Quality = 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN';
export type ParameterFormat = 'POSITIONAL' | 'NAMED';

export interface GraphButton {
  type: 'QUICK_REPLY' | 'URL' | 'PHONE_NUMBER' | 'COPY_CODE' | 'OTP' | string;
  text?: string;
  url?: string;
  phone_number?: string;
  example?: string[] | string;
  otp_type?: string;
}

export interface GraphComponent {
  type: 'HEADER' | 'BODY' | 'FOOTER' | 'BUTTONS' | string;
  format?: 'TEXT' | 'IMAGE' | 'VIDEO' | 'DOCUMENT' | 'LOCATION' | string;
  text?: string;
  example?: {
    header_text?: string[];
    header_text_named_params?: { param_name: string; example: string }[];
    header_handle?: string[];
    body_text?: string[][];
    body_text_named_params?: { param_name: string; example: string }[];
  };
  buttons?: GraphButton[];
  add_security_recommendation?: boolean;
  code_expiration_minutes?: number;
}

/** The Graph creation body the review and the creation take. */
export interface TemplateInput {
  name: string;
  language: string;
  category: TemplateCategory;
  components: GraphComponent[];
  parameter_format?: ParameterFormat;
  allow_category_change?: boolean;
}

export interface TemplateProblem {
  field: string;
  message: string;
}

export interface ReviewResult {
  status: 'APPROVED' | 'REJECTED';
  category: string;
  rejectedReason: string;
  problems: TemplateProblem[];
}

export interface OwnerTemplate {
  id: string;
  name: string;
  language: string;
  category: TemplateCategory;
  status: TemplateStatus;
  rejectedReason: string;
  rejectionInfo: { reason: string; recommendation: string } | null;
  quality: Quality;
  pausedUntil: number | null;
  parameterFormat: ParameterFormat;
  components: GraphComponent[];
  createdAt: number;
  updatedAt: number;
}

export type HealthEvent = 'UPGRADE' | 'DOWNGRADE' | 'FLAGGED' | 'UNFLAGGED';
export type Tier = 'TIER_250' | 'TIER_2K' | 'TIER_10K' | 'TIER_100K' | 'TIER_UNLIMITED';

export interface NumberHealth {
  phoneNumberId: string;
  displayPhoneNumber: string;
  status: 'CONNECTED' | 'FLAGGED' | 'RESTRICTED';
  quality: { rating: Quality; since: number | null; blocks7d: number; reports7d: number; businessInitiated7d: number };
  messagingLimit: { tier: Tier; limit: number | null; used24h: number; nextTier: string | null };
  throughputPerSecond: number;
  history: { at: number; event: HealthEvent; detail: string }[];
}

export function ownerApi(api: Api = store.api) {
  const one = (id: string) => `/v1/business/api/templates/${encodeURIComponent(id)}`;
  return {
    templates: () => api.request<{ templates: OwnerTemplate[] }>('GET', '/v1/business/api/templates'),
    review: (input: TemplateInput, init?: RequestInit) => api.request<ReviewResult>('POST', '/v1/business/api/templates/review', input, init),
    create: (input: TemplateInput) => api.request<OwnerTemplate>('POST', '/v1/business/api/templates', input),
    update: (id: string, edit: Pick<TemplateInput, 'components' | 'category' | 'parameter_format'>) => api.request<OwnerTemplate>('PUT', one(id), edit),
    remove: (id: string) => api.request<{ ok: true }>('DELETE', one(id)),
    health: () => api.request<NumberHealth>('GET', '/v1/business/api/health'),
  };
}

/**
 * @module domain/api
 * Public surface of the Business API tier (Cloud-API compatible): set-up, sending, webhooks.
 */
export { enableApi, getApiState, createApp, issueToken, revokeToken, setWebhook, listDeliveries, authenticateApiToken, verifyCallback, API_SCOPES, MAX_WEBHOOK_BATCH, type ApiPrincipal, type ApiState, type ApiScope, type DeliveryView } from './setup.js';
export { handleMessagesPost, withoutNulls, normalizeTo, sendAsBusiness, failUnknownRecipient, failAsync, accessApiMessage, accessPhoneNumber, requireScope, type SendResponse } from './send.js';
export { TEXT_BODY_MAX, MESSAGE_BUILDERS, MESSAGE_TYPES } from './message-types/index.js';
export { asciiJson, signatureHeaders, batchBody, outboxId, enqueueWebhook, installInboundWebhooks, onWebhookEnqueued, webhooksEnqueued, type FreshEvent } from './webhooks.js';
export {
  enqueueWebhooks,
  statusPayload,
  errorsPayload,
  templateStatusPayload,
  phoneQualityPayload,
  accountUpdatePayload,
  userPreferencesPayload,
  managementEnvelope,
  TEMPLATE_EVENTS,
  TEMPLATE_REASONS,
  MESSAGING_LIMIT_TIERS,
  type TemplateStatusInput,
  type PhoneQualityInput,
  type AccountUpdateInput,
  type WebhookError,
} from './webhooks.js';
export { inboundMessage, contactObject } from './inbound.js';
export { GraphError, graphCodes, unknownNode, type GraphErrorCode } from './graph-error.js';
export { toWamid, fromWamid, waDigits, apiCatalogId, apiMediaId } from './ids.js';
export { checkSendPolicy, installPolicyHooks, isStopReply, getBusinessPreferences, setMarketingPreference, SERVICE_WINDOW_MS, type SendPolicyInput, type SendDecision, type PolicyRefusal, type TemplateCategory, type BusinessPreferences } from './policy.js';
export { installQualityHooks, getNumberHealth, refreshAllQuality, evaluateQuality, numberQuality, ratingFor, TIERS, TIER_LIMITS, type Tier, type QualityRating, type NumberHealth } from './quality.js';

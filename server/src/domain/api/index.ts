/**
 * @module domain/api
 * Public surface of the Business API tier (Cloud-API compatible): set-up, sending, webhooks.
 */
export { enableApi, getApiState, createApp, issueToken, revokeToken, setWebhook, listDeliveries, authenticateApiToken, verifyCallback, API_SCOPES, type ApiPrincipal, type ApiState, type ApiScope, type DeliveryView } from './setup.js';
export { handleMessagesPost, withoutNulls, normalizeTo, sendAsBusiness, failUnknownRecipient, accessApiMessage, accessPhoneNumber, requireScope, type SendResponse } from './send.js';
export { TEXT_BODY_MAX, MESSAGE_BUILDERS, MESSAGE_TYPES } from './message-types/index.js';
export { asciiJson, signatureHeaders, enqueueWebhook, installInboundWebhooks, onWebhookEnqueued, webhooksEnqueued } from './webhooks.js';
export { GraphError, graphCodes, unknownNode, type GraphErrorCode } from './graph-error.js';
export { toWamid, fromWamid, waDigits } from './ids.js';

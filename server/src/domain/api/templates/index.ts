/**
 * @module domain/api/templates
 * Message templates of the Business API tier (reference §7): management, the status webhook, and
 * rendering a template send (§3.9).
 */
export { listTemplates, createTemplate, getTemplate, editTemplate, deleteTemplates, seedSampleTemplates, templateView, accessTemplateWaba, type TemplatePage } from './manage.js';
export { renderTemplate, findTemplate, accessSendableTemplate } from './render.js';
export { reviewTemplate, type TemplateReview } from './review.js';
export { templateStatusPayload, enqueueTemplateStatus, TEMPLATE_STATUS_FIELD, type TemplateStatusEvent } from './status-webhook.js';
export * from './model.js';

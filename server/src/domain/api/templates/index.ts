/**
 * @module domain/api/templates
 * Message templates of the Business API tier (reference §7): management, the status webhook, and
 * rendering a template send (§3.9).
 */
export { listTemplates, createTemplate, getTemplate, editTemplate, deleteTemplates, seedSampleTemplates, templateView, accessTemplateWaba, type TemplatePage } from './manage.js';
export { renderTemplate, findTemplate, accessSendableTemplate } from './render.js';
export { reviewTemplate, reviewDefinition, type TemplateReview, type ReviewProblem } from './review.js';
export { enqueueTemplateStatus, enqueueTemplateQuality, templateQualityPayload, TEMPLATE_STATUS_FIELD, TEMPLATE_QUALITY_FIELD, type TemplateStatusEvent, type TemplateQualityEvent } from './status-webhook.js';
export { installTemplateQualityHooks, endDuePauses, pruneTemplateQuality, scoreOf } from './quality.js';
export * from './model.js';

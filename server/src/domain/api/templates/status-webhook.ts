/**
 * @module domain/api/templates/status-webhook
 * The template webhooks (reference §6.7), written inside the write that changes the template:
 * `message_template_status_update` (APPROVED, REJECTED with `rejection_info`, PAUSED, DISABLED,
 * REINSTATED, DELETED …; the payload is built by webhooks.ts) and `message_template_quality_update`.
 */
import type { Transaction } from 'kysely';
import type { DB } from '../../../tables.js';
import { enqueueWebhook, managementEnvelope, templateStatusPayload, type TemplateStatusInput } from '../webhooks.js';
import type { QualityScore } from './model.js';

export const TEMPLATE_STATUS_FIELD = 'message_template_status_update';
export const TEMPLATE_QUALITY_FIELD = 'message_template_quality_update';

export type TemplateStatusEvent = TemplateStatusInput;

/** Enqueue the status webhook inside the write; returns the number of events (wake the dispatcher after commit when > 0). */
export async function enqueueTemplateStatus(tx: Transaction<DB>, wabaId: string, e: TemplateStatusEvent, now: number): Promise<number> {
  return enqueueWebhook(tx, wabaId, TEMPLATE_STATUS_FIELD, templateStatusPayload(wabaId, e, now), now);
}

export interface TemplateQualityEvent {
  templateId: string;
  name: string;
  language: string;
  previous: QualityScore;
  next: QualityScore;
}

/** `message_template_quality_update`: `{previous_quality_score, new_quality_score, message_template_id, …}`. */
export function templateQualityPayload(wabaId: string, e: TemplateQualityEvent, at: number): Record<string, unknown> {
  return managementEnvelope(
    wabaId,
    TEMPLATE_QUALITY_FIELD,
    { previous_quality_score: e.previous, new_quality_score: e.next, message_template_id: Number(e.templateId), message_template_name: e.name, message_template_language: e.language },
    at,
  );
}

export async function enqueueTemplateQuality(tx: Transaction<DB>, wabaId: string, e: TemplateQualityEvent, now: number): Promise<number> {
  return enqueueWebhook(tx, wabaId, TEMPLATE_QUALITY_FIELD, templateQualityPayload(wabaId, e, now), now);
}

/**
 * @module domain/api/templates/status-webhook
 * The `message_template_status_update` webhook (reference §6.7): the WABA envelope with
 * `entry[].time` and no `messaging_product`/`metadata`; the template id is a number.
 */
import type { Transaction } from 'kysely';
import type { DB } from '../../../tables.js';
import { enqueueWebhook } from '../webhooks.js';

export const TEMPLATE_STATUS_FIELD = 'message_template_status_update';

export interface TemplateStatusEvent {
  event: string;
  templateId: string;
  name: string;
  language: string;
  category: string;
  /** NONE unless rejected. */
  reason: string;
}

export function templateStatusPayload(wabaId: string, e: TemplateStatusEvent, at: number): Record<string, unknown> {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: wabaId,
        time: Math.floor(at / 1000),
        changes: [
          {
            field: TEMPLATE_STATUS_FIELD,
            value: {
              event: e.event,
              // A number on the wire (reference §10.10); template ids are minted within the safe integer range.
              message_template_id: Number(e.templateId),
              message_template_name: e.name,
              message_template_language: e.language,
              reason: e.reason,
              message_template_category: e.category,
            },
          },
        ],
      },
    ],
  };
}

/** Enqueue the status webhook inside the write; returns the number of events (wake the dispatcher after commit when > 0). */
export async function enqueueTemplateStatus(tx: Transaction<DB>, wabaId: string, e: TemplateStatusEvent, now: number): Promise<number> {
  return enqueueWebhook(tx, wabaId, TEMPLATE_STATUS_FIELD, templateStatusPayload(wabaId, e, now), now);
}

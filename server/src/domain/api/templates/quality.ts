/**
 * @module domain/api/templates/quality
 * A template's quality score (reference §7.4, §8.4) and pausing. Each template message a business
 * sends to a Parley customer is recorded (in the transaction of the message); a block or report by
 * that customer within FEEDBACK_ATTRIBUTION_MS of the latest template the business sent them counts
 * against that template (in the transaction of the block or report). Over the last
 * QUALITY_WINDOW_MS, the share of recipients who gave such feedback decides the score:
 * - UNKNOWN while fewer than QUALITY_MIN_SENDS sends and no feedback;
 * - rate = customers with feedback / max(sends, QUALITY_MIN_SENDS);
 * - RED from QUALITY_RED_RATE, YELLOW from QUALITY_YELLOW_RATE, GREEN below.
 * Each change sends `message_template_quality_update`. An approved template falling to RED is
 * paused (first PAUSE_DURATIONS_MS[0] = 3 h, then 6 h), the third time DISABLED, each with a
 * `message_template_status_update`. A pause ends lazily, the first time the template (or its
 * WABA's list) is read or sent after its end, and at least hourly by the maintenance worker:
 * the template is APPROVED again (event REINSTATED) and rated afresh (UNKNOWN, counting only sends
 * and feedback after the pause ended).
 */
import type { Transaction } from 'kysely';
import { WEBHOOKS_TOPIC, type Ctx, type Envelope } from '../../../context.js';
import type { Emit } from '../../../platform/db/write-queue.js';
import type { FeedbackEvent, MessageSentEvent } from '../../../platform/hooks/hooks.js';
import { newId } from '../../../platform/ids.js';
import type { ApiTemplatesTable, DB } from '../../../tables.js';
import { notifyBusinessChanged } from '../../messaging/index.js';
import type { QualityScore } from './model.js';
import { enqueueTemplateQuality, enqueueTemplateStatus } from './status-webhook.js';

const HOUR = 3600_000;
/** Sends and feedback of the last 7 days rate a template. */
export const QUALITY_WINDOW_MS = 7 * 24 * HOUR;
/** A block or report counts against the latest template the business sent that customer within 24 hours before it. */
export const FEEDBACK_ATTRIBUTION_MS = 24 * HOUR;
/** Fewer sends than this (and no feedback) leave the score UNKNOWN; it is also the least denominator of the rate. */
export const QUALITY_MIN_SENDS = 10;
/** Share of recipients who blocked or reported: YELLOW from 10 %, RED from 20 %. */
export const QUALITY_YELLOW_RATE = 0.1;
export const QUALITY_RED_RATE = 0.2;
/** The first pause lasts 3 hours, the second 6; the third time the template is disabled. */
export const PAUSE_DURATIONS_MS = [3 * HOUR, 6 * HOUR] as const;

/** The score for `sends` template messages and `negative` customers who blocked or reported. */
export function scoreOf(sends: number, negative: number): QualityScore {
  if (negative === 0 && sends < QUALITY_MIN_SENDS) return 'UNKNOWN';
  const rate = negative / Math.max(sends, QUALITY_MIN_SENDS);
  return rate >= QUALITY_RED_RATE ? 'RED' : rate >= QUALITY_YELLOW_RATE ? 'YELLOW' : 'GREEN';
}

function wake(n: number, emit: Emit<Envelope>): void {
  if (n > 0) emit({ topic: WEBHOOKS_TOPIC, event: { kind: 'webhooks.enqueued' } });
}

async function businessOfWaba(tx: Transaction<DB>, wabaId: string): Promise<string> {
  return (await tx.selectFrom('wabas').select('account_id').where('id', '=', wabaId).executeTakeFirstOrThrow()).account_id;
}

/** Rate the template again inside a write; pause or disable it when it falls to RED. */
async function rateTemplate(tx: Transaction<DB>, emit: Emit<Envelope>, row: ApiTemplatesTable, now: number): Promise<void> {
  const since = Math.max(now - QUALITY_WINDOW_MS, row.quality_since === null ? 0 : Number(row.quality_since));
  const sends = await tx.selectFrom('api_template_sends').select((eb) => eb.fn.countAll<number>().as('n')).where('template_id', '=', row.id).where('at', '>=', since).executeTakeFirstOrThrow();
  const negative = await tx
    .selectFrom('api_template_feedback')
    .select((eb) => eb.fn.count<number>('customer_id').distinct().as('n'))
    .where('template_id', '=', row.id)
    .where('at', '>=', since)
    .executeTakeFirstOrThrow();
  const previous = row.quality_score as QualityScore;
  const next = scoreOf(Number(sends.n), Number(negative.n));
  if (next === previous) return;

  let n = 0;
  const update: Partial<ApiTemplatesTable> = { quality_score: next, quality_updated_at: now, updated_at: now };
  n += await enqueueTemplateQuality(tx, row.waba_id, { templateId: row.id, name: row.name, language: row.language, previous, next }, now);
  if (next === 'RED' && row.status === 'APPROVED') {
    const count = Number(row.pause_count) + 1;
    const duration = PAUSE_DURATIONS_MS[count - 1];
    const base = { templateId: row.id, name: row.name, language: row.language, category: row.category };
    if (duration !== undefined) {
      Object.assign(update, { status: 'PAUSED', paused_until: now + duration, pause_count: count });
      const title = count === 1 ? 'FIRST_PAUSE' : 'SECOND_PAUSE';
      n += await enqueueTemplateStatus(tx, row.waba_id, { ...base, event: 'PAUSED', otherInfo: { title, description: `Paused for ${duration / HOUR} hours because customers blocked or reported it.` } }, now);
    } else {
      Object.assign(update, { status: 'DISABLED', paused_until: null, pause_count: count });
      n += await enqueueTemplateStatus(tx, row.waba_id, { ...base, event: 'DISABLED', otherInfo: { title: 'DISABLED', description: 'Disabled because its quality fell to low a third time; create a new template.' } }, now);
    }
  }
  await tx.updateTable('api_templates').set(update).where('id', '=', row.id).execute();
  wake(n, emit);
  await notifyBusinessChanged(tx, emit, await businessOfWaba(tx, row.waba_id), 'templates', now);
}

/** A template message stored for a customer: record the send and rate the template. */
async function recordSend(tx: Transaction<DB>, emit: Emit<Envelope>, e: MessageSentEvent): Promise<void> {
  if (e.message.kind !== 'template' || e.withheld || e.memberIds.length !== 2) return;
  const customerId = e.memberIds.find((m) => m !== e.senderId);
  const content = e.message.content as { name?: unknown; language?: unknown } | null;
  if (!customerId || typeof content?.name !== 'string' || typeof content.language !== 'string') return;
  const row = await tx
    .selectFrom('api_templates as t')
    .innerJoin('wabas as w', 'w.id', 't.waba_id')
    .selectAll('t')
    .where('w.account_id', '=', e.senderId)
    .where('t.name', '=', content.name)
    .where('t.language', '=', content.language)
    .where('t.status', '!=', 'DELETED')
    .executeTakeFirst();
  if (!row) return;
  const at = e.message.createdAt;
  await tx.insertInto('api_template_sends').values({ message_id: e.message.id, template_id: row.id, business_id: e.senderId, customer_id: customerId, at }).execute();
  await rateTemplate(tx, emit, row, at);
}

/** A block or report: counted against the latest template the business sent that customer, if recent. */
async function recordFeedback(tx: Transaction<DB>, emit: Emit<Envelope>, e: FeedbackEvent): Promise<void> {
  const sent = await tx
    .selectFrom('api_template_sends')
    .select('template_id')
    .where('business_id', '=', e.aboutId)
    .where('customer_id', '=', e.fromId)
    .where('at', '>=', e.at - FEEDBACK_ATTRIBUTION_MS)
    .where('at', '<=', e.at)
    .orderBy('at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!sent) return;
  const row = await tx.selectFrom('api_templates').selectAll().where('id', '=', sent.template_id).executeTakeFirst();
  if (!row || row.status === 'DELETED') return;
  await tx.insertInto('api_template_feedback').values({ id: newId('tfb'), template_id: row.id, customer_id: e.fromId, kind: e.kind, at: e.at }).execute();
  await rateTemplate(tx, emit, row, e.at);
}

/** Record template sends and attribute blocks and reports (call once at start-up). */
export function installTemplateQualityHooks(ctx: Ctx): void {
  ctx.hooks.onMessageStoredInTx(recordSend, { businessChatsOnly: true });
  ctx.hooks.onFeedbackInTx(recordFeedback);
}

/**
 * Reinstate the paused templates whose pause is over (of one WABA, or of all when `wabaId` is
 * null): APPROVED again, a REINSTATED status webhook, rated afresh. Costs one read when none is due.
 */
export async function endDuePauses(ctx: Ctx, wabaId: string | null): Promise<number> {
  const now = ctx.clock.now();
  const due = (db: Ctx['db'] | Transaction<DB>) => {
    const q = db.selectFrom('api_templates').selectAll().where('status', '=', 'PAUSED').where('paused_until', '<=', now);
    return wabaId === null ? q : q.where('waba_id', '=', wabaId);
  };
  if ((await due(ctx.db).limit(1).execute()).length === 0) return 0;
  return ctx.writes.run(async (tx, emit) => {
    const rows = await due(tx).execute();
    let n = 0;
    const wabas = new Set<string>();
    for (const row of rows) {
      const end = Number(row.paused_until);
      await tx.updateTable('api_templates').set({ status: 'APPROVED', paused_until: null, quality_since: end, quality_score: 'UNKNOWN', quality_updated_at: end, updated_at: now }).where('id', '=', row.id).execute();
      n += await enqueueTemplateStatus(tx, row.waba_id, { event: 'REINSTATED', templateId: row.id, name: row.name, language: row.language, category: row.category }, now);
      if (row.quality_score !== 'UNKNOWN') n += await enqueueTemplateQuality(tx, row.waba_id, { templateId: row.id, name: row.name, language: row.language, previous: row.quality_score as QualityScore, next: 'UNKNOWN' }, now);
      wabas.add(row.waba_id);
    }
    wake(n, emit);
    for (const w of wabas) await notifyBusinessChanged(tx, emit, await businessOfWaba(tx, w), 'templates', now);
    return rows.length;
  });
}

/** Drop sends and feedback too old to count (kept one day past the quality window). Returns how many rows went. */
export async function pruneTemplateQuality(ctx: Ctx): Promise<number> {
  const before = ctx.clock.now() - QUALITY_WINDOW_MS - 24 * HOUR;
  return ctx.writes.run(async (tx) => {
    const sends = await tx.deleteFrom('api_template_sends').where('at', '<', before).executeTakeFirst();
    const feedback = await tx.deleteFrom('api_template_feedback').where('at', '<', before).executeTakeFirst();
    return Number(sends.numDeletedRows) + Number(feedback.numDeletedRows);
  });
}

/**
 * @module domain/api/templates/manage
 * The template management API (reference §7.1): list with filters and cursor paging, create, get,
 * edit and delete. A token reaches only its own WABA's templates (another WABA's id answers as
 * unknown, 100/33). Every change writes its `message_template_status_update` webhook in the same
 * transaction, and tells the business's devices (area 'templates').
 */
import { sql, type Transaction } from 'kysely';
import { WEBHOOKS_TOPIC, type Ctx, type Envelope } from '../../../context.js';
import type { Emit } from '../../../platform/db/write-queue.js';
import type { ApiTemplatesTable, DB } from '../../../tables.js';
import { notifyBusinessChanged } from '../../messaging/index.js';
import { GraphError, unknownNode } from '../graph-error.js';
import { newGraphNode } from '../ids.js';
import { isObject } from '../message-types/check.js';
import type { Json } from '../message-types/types.js';
import type { ApiPrincipal } from '../setup.js';
import { requireScope } from '../send.js';
import { CATEGORIES, componentsForApi, normalizeLanguage, shapeOf, SUBCODE, templateError, type ParameterFormat, type QualityScore, type TemplateCategory, type TemplateDefinition } from './model.js';
import { endDuePauses } from './quality.js';
import { reviewTemplate, type TemplateReview } from './review.js';
import { enqueueTemplateQuality, enqueueTemplateStatus, type TemplateStatusEvent } from './status-webhook.js';
import { checkCategory, checkComponents, checkParameterFormat, checkTemplateCreate, checkTtl, EDIT_KEYS } from './validate.js';

const DAY = 24 * 3600_000;
const HOUR = 3600_000;
/** Templates a WABA may create in any hour (reference §7.3); more are refused with 80007. */
export const TEMPLATE_CREATIONS_PER_HOUR = 100;
/** A deleted approved name cannot be reused for 30 days (reference §7.1). */
export const NAME_REUSE_DELAY_MS = 30 * DAY;
/** An approved template allows 1 edit per 24 hours and 10 per 30 days. */
export const EDITS_PER_DAY = 1;
export const EDITS_PER_30_DAYS = 10;
const EDITABLE = ['APPROVED', 'REJECTED', 'PAUSED'];

export const TEMPLATE_FIELDS = ['id', 'name', 'language', 'status', 'category', 'previous_category', 'components', 'parameter_format', 'quality_score', 'rejected_reason', 'message_send_ttl_seconds'] as const;
export const DEFAULT_FIELDS = ['name', 'parameter_format', 'components', 'language', 'status', 'category', 'id'] as const;
export const LIST_LIMIT_DEFAULT = 25;
export const LIST_LIMIT_MAX = 1000;

/** The WABA named in a path, if it is the token's; else unknown (100/33). Needs the management scope. */
export function accessTemplateWaba(principal: ApiPrincipal, wabaId: string, method: string): string {
  if (wabaId !== principal.wabaId) throw unknownNode(method, wabaId);
  requireScope(principal, 'management');
  return wabaId;
}

/** Template ids travel as numbers in webhooks: mint them within the safe integer range. */
async function newTemplateNode(tx: Transaction<DB>, wabaId: string, now: number): Promise<string> {
  for (;;) {
    const id = await newGraphNode(tx, 'template', wabaId, wabaId, now);
    if (Number.isSafeInteger(Number(id))) {
      await tx.updateTable('graph_nodes').set({ ref: id }).where('id', '=', id).execute();
      return id;
    }
    // Never shown to anyone: drop it and draw again.
    await tx.deleteFrom('graph_nodes').where('id', '=', id).execute();
  }
}

// ---- reading -------------------------------------------------------------------------------

function parseFields(raw: unknown): readonly string[] {
  if (raw === undefined || raw === '') return DEFAULT_FIELDS;
  if (typeof raw !== 'string') throw new GraphError(100, 'Param fields must be a comma-separated list.');
  const fields = raw
    .split(',')
    .map((f) => f.replace(/\{.*\}$/, '').trim())
    .filter((f) => f !== '');
  for (const f of fields) {
    if (!(TEMPLATE_FIELDS as readonly string[]).includes(f)) {
      throw new GraphError(100, `Tried accessing nonexisting field (${f}) on node type (WhatsAppBusinessHSM).`, { message: `(#100) Tried accessing nonexisting field (${f}) on node type (WhatsAppBusinessHSM)` });
    }
  }
  // Graph always answers the id of a node.
  return fields.includes('id') ? fields : [...fields, 'id'];
}

/** A template as the API shows it, with the requested fields. */
export function templateView(row: ApiTemplatesTable, fields: readonly string[] = DEFAULT_FIELDS): Json {
  const out: Json = {};
  for (const f of fields) {
    switch (f) {
      case 'id':
        out.id = row.id;
        break;
      case 'name':
        out.name = row.name;
        break;
      case 'language':
        out.language = row.language;
        break;
      case 'status':
        out.status = row.status;
        break;
      case 'category':
        out.category = row.category;
        break;
      case 'previous_category':
        if (row.previous_category) out.previous_category = row.previous_category;
        break;
      case 'components':
        out.components = componentsForApi(JSON.parse(row.components) as Json[]);
        break;
      case 'parameter_format':
        out.parameter_format = row.parameter_format;
        break;
      case 'quality_score':
        out.quality_score = { score: row.quality_score, ...(row.quality_updated_at !== null ? { date: Math.floor(Number(row.quality_updated_at) / 1000) } : {}) };
        break;
      case 'rejected_reason':
        out.rejected_reason = row.rejected_reason;
        break;
      case 'message_send_ttl_seconds':
        if (row.message_send_ttl_seconds !== null) out.message_send_ttl_seconds = Number(row.message_send_ttl_seconds);
        break;
    }
  }
  return out;
}

export async function getTemplate(ctx: Ctx, principal: ApiPrincipal, templateId: string, query: Json): Promise<Json> {
  requireScope(principal, 'management');
  const fields = parseFields(query.fields);
  await endDuePauses(ctx, principal.wabaId);
  const row = await ctx.db.selectFrom('api_templates').selectAll().where('id', '=', templateId).where('waba_id', '=', principal.wabaId).executeTakeFirst();
  if (!row || row.status === 'DELETED') throw unknownNode('GET', templateId);
  return templateView(row, fields);
}

export interface TemplatePage {
  data: Json[];
  /** Cursors of the first and last item; whether items exist after / before this page. */
  paging: { before: string; after: string; hasNext: boolean; hasPrevious: boolean } | null;
  limit: number;
}

const encodeCursor = (row: { created_at: number; id: string }) => Buffer.from(`${Number(row.created_at)}:${row.id}`, 'utf8').toString('base64url');
function decodeCursor(raw: unknown, param: string): { at: number; id: string } {
  const m = typeof raw === 'string' ? /^(\d{1,16}):(\d{6,20})$/.exec(Buffer.from(raw, 'base64url').toString('utf8')) : null;
  if (!m) throw new GraphError(100, `Param ${param} is not a valid cursor.`);
  return { at: Number(m[1]), id: m[2]! };
}

function listParam(raw: unknown, param: string, allowed?: readonly string[]): string[] | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string') throw new GraphError(100, `Param ${param} must be a string.`);
  const values = raw
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
  if (allowed) {
    const upper = values.map((v) => v.toUpperCase());
    for (const v of upper) if (!allowed.includes(v)) throw new GraphError(100, `Param ${param} must be among ${allowed.join(', ')}.`);
    return upper;
  }
  return values;
}

const likePattern = (s: string) => '%' + s.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c) + '%';
const STATUSES = ['APPROVED', 'PENDING', 'REJECTED', 'PAUSED', 'DISABLED', 'IN_APPEAL', 'PENDING_DELETION', 'LIMIT_EXCEEDED', 'ARCHIVED'];

/** `GET /{waba_id}/message_templates` (newest first). */
export async function listTemplates(ctx: Ctx, principal: ApiPrincipal, wabaId: string, query: Json): Promise<TemplatePage> {
  accessTemplateWaba(principal, wabaId, 'GET');
  const fields = parseFields(query.fields);
  let limit = LIST_LIMIT_DEFAULT;
  if (query.limit !== undefined) {
    limit = Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > LIST_LIMIT_MAX) throw new GraphError(100, `Param limit must be an integer from 1 to ${LIST_LIMIT_MAX}.`);
  }
  if (query.after !== undefined && query.before !== undefined) throw new GraphError(100, 'Give either after or before, not both.');
  const statuses = listParam(query.status, 'status', STATUSES);
  const categories = listParam(query.category, 'category', CATEGORIES);
  const qualities = listParam(query.quality_score, 'quality_score', ['GREEN', 'YELLOW', 'RED', 'UNKNOWN']);
  const languages = listParam(query.language, 'language')?.map((l) => normalizeLanguage(l) ?? l);
  const text = (key: string) => {
    const v = query[key];
    if (v === undefined || v === '') return undefined;
    if (typeof v !== 'string') throw new GraphError(100, `Param ${key} must be a string.`);
    return likePattern(v);
  };
  const name = text('name');
  const content = text('content');
  const nameOrContent = text('name_or_content');
  await endDuePauses(ctx, wabaId);

  let q = ctx.db.selectFrom('api_templates').selectAll().where('waba_id', '=', wabaId).where('status', '!=', 'DELETED');
  if (statuses) q = q.where('status', 'in', statuses);
  if (categories) q = q.where('category', 'in', categories);
  if (qualities) q = q.where('quality_score', 'in', qualities);
  if (languages) q = q.where('language', 'in', languages);
  if (name) q = q.where(sql<boolean>`lower(name) like ${name} escape '\\'`);
  if (content) q = q.where(sql<boolean>`lower(body_text) like ${content} escape '\\'`);
  if (nameOrContent) q = q.where((eb) => eb.or([sql<boolean>`lower(name) like ${nameOrContent} escape '\\'`, sql<boolean>`lower(body_text) like ${nameOrContent} escape '\\'`]));

  let rows: ApiTemplatesTable[];
  let hasNext: boolean;
  let hasPrevious: boolean;
  if (query.before !== undefined) {
    const c = decodeCursor(query.before, 'before');
    const found = await q
      .where((eb) => eb.or([eb('created_at', '>', c.at), eb.and([eb('created_at', '=', c.at), eb('id', '>', c.id)])]))
      .orderBy('created_at', 'asc')
      .orderBy('id', 'asc')
      .limit(limit + 1)
      .execute();
    hasPrevious = found.length > limit;
    rows = found.slice(0, limit).reverse();
    hasNext = true;
  } else {
    const c = query.after !== undefined ? decodeCursor(query.after, 'after') : null;
    const found = await (c ? q.where((eb) => eb.or([eb('created_at', '<', c.at), eb.and([eb('created_at', '=', c.at), eb('id', '<', c.id)])])) : q)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    hasNext = found.length > limit;
    rows = found.slice(0, limit);
    hasPrevious = c !== null;
  }
  if (rows.length === 0) return { data: [], paging: null, limit };
  return { data: rows.map((r) => templateView(r, fields)), paging: { before: encodeCursor(rows[0]!), after: encodeCursor(rows[rows.length - 1]!), hasNext, hasPrevious }, limit };
}

// ---- writing -------------------------------------------------------------------------------

/** The status webhook of a reviewed template. */
function statusEvent(id: string, t: { name: string; language: string }, review: TemplateReview): TemplateStatusEvent {
  return { event: review.status, templateId: id, name: t.name, language: t.language, category: review.category, reason: review.rejectedReason, rejectionInfo: review.rejectionInfo ?? undefined };
}

/** Wake the webhook dispatcher after commit when events were enqueued. */
function wake(n: number, emit: Emit<Envelope>): void {
  if (n > 0) emit({ topic: WEBHOOKS_TOPIC, event: { kind: 'webhooks.enqueued' } });
}

async function businessOf(tx: Transaction<DB>, wabaId: string): Promise<string> {
  return (await tx.selectFrom('wabas').select('account_id').where('id', '=', wabaId).executeTakeFirstOrThrow()).account_id;
}

/** `POST /{waba_id}/message_templates` → `{id, status, category}`. */
export async function createTemplate(ctx: Ctx, principal: ApiPrincipal, wabaId: string, body: unknown): Promise<{ id: string; status: string; category: string }> {
  accessTemplateWaba(principal, wabaId, 'POST');
  const def = checkTemplateCreate(body);
  return ctx.writes.run(async (tx, emit) => {
    const now = ctx.clock.now();
    const existing = await tx.selectFrom('api_templates').select(['id', 'status', 'reusable_at']).where('waba_id', '=', wabaId).where('name', '=', def.name).where('language', '=', def.language).executeTakeFirst();
    if (existing) {
      if (existing.status !== 'DELETED') {
        throw templateError(`There is already ${def.language} content for the template ${def.name}: edit it, or create it under another name or language.`, SUBCODE.exists, 'Message template already exists');
      }
      if (existing.reusable_at !== null && Number(existing.reusable_at) > now) {
        throw templateError(`The ${def.language} content of ${def.name} was deleted less than 30 days ago; it cannot be added again before then. Use another name.`, SUBCODE.beingDeleted, 'Content is being deleted');
      }
      await tx.deleteFrom('api_templates').where('id', '=', existing.id).execute();
    }
    // At most TEMPLATE_CREATIONS_PER_HOUR creations per WABA in any hour (a re-created name counts anew).
    const [recent] = await tx.selectFrom('api_templates').select((eb) => eb.fn.countAll<number>().as('n')).where('waba_id', '=', wabaId).where('created_at', '>', now - HOUR).execute();
    if (Number(recent?.n ?? 0) >= TEMPLATE_CREATIONS_PER_HOUR) {
      throw new GraphError(80007, `At most ${TEMPLATE_CREATIONS_PER_HOUR} templates can be created per WhatsApp Business Account in an hour; try again later.`);
    }
    const review = await reviewTemplate(tx, wabaId, def, null);
    const id = await newTemplateNode(tx, wabaId, now);
    await tx
      .insertInto('api_templates')
      .values({
        id,
        waba_id: wabaId,
        name: def.name,
        language: def.language,
        category: review.category,
        previous_category: review.category !== def.category ? def.category : null,
        status: review.status,
        rejected_reason: review.rejectedReason,
        rejection_info: review.rejectionInfo ? JSON.stringify(review.rejectionInfo) : null,
        quality_score: 'UNKNOWN',
        quality_updated_at: null,
        parameter_format: def.parameterFormat,
        components: JSON.stringify(def.components),
        body_text: shapeOf(def.components).body.text,
        message_send_ttl_seconds: def.messageSendTtlSeconds,
        edit_times: '[]',
        created_at: now,
        updated_at: now,
        deleted_at: null,
        reusable_at: null,
        paused_until: null,
        pause_count: 0,
        quality_since: null,
      })
      .execute();
    wake(await enqueueTemplateStatus(tx, wabaId, statusEvent(id, def, review), now), emit);
    await notifyBusinessChanged(tx, emit, await businessOf(tx, wabaId), 'templates', now);
    return { id, status: review.status, category: review.category };
  });
}

/** `POST /{template_id}`: components, category (not of an approved template), parameter_format, TTL. */
export async function editTemplate(ctx: Ctx, principal: ApiPrincipal, templateId: string, body: unknown): Promise<{ success: true }> {
  requireScope(principal, 'management');
  if (!isObject(body)) throw templateError('The request body must be a JSON object.');
  for (const k of Object.keys(body)) if (!EDIT_KEYS.includes(k)) throw templateError(k === 'name' || k === 'language' ? `The ${k} of a template cannot be changed.` : `Unexpected key "${k}" on param "template".`);
  if (Object.keys(body).length === 0) throw templateError('Nothing to edit: give components, category, parameter_format or message_send_ttl_seconds.');
  if (body.allow_category_change !== undefined && typeof body.allow_category_change !== 'boolean') throw templateError('Param allow_category_change must be a boolean.');
  const newCategory = body.category !== undefined ? checkCategory(body.category) : undefined;
  const newFormat = body.parameter_format !== undefined ? checkParameterFormat(body.parameter_format) : undefined;
  // A pause that is over ends before the edit (the template is approved again, then edited as such).
  await endDuePauses(ctx, principal.wabaId);

  return ctx.writes.run(async (tx, emit) => {
    const now = ctx.clock.now();
    const row = await tx.selectFrom('api_templates').selectAll().where('id', '=', templateId).where('waba_id', '=', principal.wabaId).executeTakeFirst();
    if (!row || row.status === 'DELETED') throw unknownNode('POST', templateId);
    if (!EDITABLE.includes(row.status)) throw templateError(`Only an approved, rejected or paused template can be edited; this one is ${row.status}.`, SUBCODE.editNotAllowed, 'Template cannot be edited');
    const category = newCategory ?? (row.category as TemplateCategory);
    if (category !== row.category && row.status === 'APPROVED') throw templateError('The category of an approved template cannot be changed.', SUBCODE.editNotAllowed, 'Template cannot be edited');
    const format = newFormat ?? (row.parameter_format as ParameterFormat);
    let components: Json[];
    if (body.components !== undefined) components = checkComponents(body.components, category, format);
    else {
      if (format !== row.parameter_format || (category !== row.category && (category === 'AUTHENTICATION' || row.category === 'AUTHENTICATION'))) {
        throw templateError('Give the components too: they must be written for the new category or parameter format.');
      }
      components = JSON.parse(row.components) as Json[];
      if (category !== 'MARKETING' && shapeOf(components).buttons.some((b) => b.type === 'COPY_CODE')) throw templateError('A COPY_CODE button is only for marketing templates.');
    }
    const ttl = body.message_send_ttl_seconds !== undefined ? checkTtl(body.message_send_ttl_seconds, category) : row.message_send_ttl_seconds === null ? null : Number(row.message_send_ttl_seconds);

    let editTimes = (JSON.parse(row.edit_times) as number[]).filter((t) => now - t < 30 * DAY);
    if (row.status === 'APPROVED') {
      if (editTimes.filter((t) => now - t < DAY).length >= EDITS_PER_DAY) throw templateError('An approved template can be edited once in 24 hours.', SUBCODE.editNotAllowed, 'Edit limit reached');
      if (editTimes.length >= EDITS_PER_30_DAYS) throw templateError('An approved template can be edited 10 times in 30 days.', SUBCODE.editNotAllowed, 'Edit limit reached');
      editTimes = [...editTimes, now];
    }
    const def: TemplateDefinition = { name: row.name, language: row.language, category, parameterFormat: format, components, messageSendTtlSeconds: ttl, allowCategoryChange: body.allow_category_change === true };
    const review = await reviewTemplate(tx, row.waba_id, def, { status: row.status, category: row.category });
    await tx
      .updateTable('api_templates')
      .set({
        category: review.category,
        previous_category: review.category !== row.category ? row.category : row.previous_category,
        status: review.status,
        rejected_reason: review.rejectedReason,
        rejection_info: review.rejectionInfo ? JSON.stringify(review.rejectionInfo) : null,
        parameter_format: format,
        components: JSON.stringify(components),
        body_text: shapeOf(components).body.text,
        message_send_ttl_seconds: ttl,
        edit_times: JSON.stringify(editTimes),
        updated_at: now,
        // An edited paused template ends its pause and is rated afresh (the pause count stays).
        ...(row.status === 'PAUSED' ? { paused_until: null, quality_score: 'UNKNOWN', quality_updated_at: now, quality_since: now } : {}),
      })
      .where('id', '=', row.id)
      .execute();
    let n = await enqueueTemplateStatus(tx, row.waba_id, statusEvent(row.id, row, review), now);
    if (row.status === 'PAUSED' && row.quality_score !== 'UNKNOWN') {
      n += await enqueueTemplateQuality(tx, row.waba_id, { templateId: row.id, name: row.name, language: row.language, previous: row.quality_score as QualityScore, next: 'UNKNOWN' }, now);
    }
    wake(n, emit);
    await notifyBusinessChanged(tx, emit, await businessOf(tx, row.waba_id), 'templates', now);
    return { success: true as const };
  });
}

function parseIdList(raw: unknown): string[] {
  if (typeof raw !== 'string') throw templateError('Param hsm_ids must be a JSON array of template ids.');
  let list: unknown;
  try {
    list = JSON.parse(raw);
  } catch {
    list = raw.split(',').map((s) => s.trim());
  }
  if (!Array.isArray(list) || list.length === 0 || list.length > 100 || !list.every((v) => (typeof v === 'string' || typeof v === 'number') && /^\d{6,20}$/.test(String(v)))) {
    throw templateError('Param hsm_ids must be a JSON array of 1 to 100 template ids.');
  }
  return list.map(String);
}

/** `DELETE /{waba_id}/message_templates?name=` (every language), `&hsm_id=` (one), or `?hsm_ids=[…]`. */
export async function deleteTemplates(ctx: Ctx, principal: ApiPrincipal, wabaId: string, query: Json): Promise<{ success: true }> {
  accessTemplateWaba(principal, wabaId, 'DELETE');
  const name = typeof query.name === 'string' && query.name !== '' ? query.name : undefined;
  const hsmId = typeof query.hsm_id === 'string' && query.hsm_id !== '' ? query.hsm_id : undefined;
  const hsmIds = query.hsm_ids !== undefined ? parseIdList(query.hsm_ids) : undefined;
  if (!name && !hsmIds) throw templateError('The parameter name is required (or hsm_ids).');
  if (hsmId && !name) throw templateError('Param hsm_id needs the template name too.');

  return ctx.writes.run(async (tx, emit) => {
    const now = ctx.clock.now();
    let q = tx.selectFrom('api_templates').selectAll().where('waba_id', '=', wabaId).where('status', '!=', 'DELETED');
    if (hsmIds) q = q.where('id', 'in', hsmIds);
    if (name) q = q.where('name', '=', name);
    if (hsmId) q = q.where('id', '=', hsmId);
    const rows = await q.execute();
    if (rows.length === 0 || (hsmIds && rows.length !== new Set(hsmIds).size)) {
      throw templateError(hsmId || hsmIds ? 'No message template of this account has that id (and name).' : `This account has no message template named ${name}.`, undefined, 'Message template not found');
    }
    let n = 0;
    for (const row of rows) {
      const wasApproved = ['APPROVED', 'PAUSED', 'DISABLED'].includes(row.status);
      await tx
        .updateTable('api_templates')
        .set({ status: 'DELETED', deleted_at: now, updated_at: now, reusable_at: wasApproved ? now + NAME_REUSE_DELAY_MS : now })
        .where('id', '=', row.id)
        .execute();
      n += await enqueueTemplateStatus(tx, wabaId, { event: 'DELETED', templateId: row.id, name: row.name, language: row.language, category: row.category, reason: 'NONE' }, now);
    }
    wake(n, emit);
    await notifyBusinessChanged(tx, emit, await businessOf(tx, wabaId), 'templates', now);
    return { success: true as const };
  });
}

/** Meta's sample `hello_world` (en_US, UTILITY, approved), given to every new WABA. Call inside the write that creates the WABA. */
export async function seedSampleTemplates(tx: Transaction<DB>, wabaId: string, now: number): Promise<void> {
  const components = [
    { type: 'HEADER', format: 'TEXT', text: 'Hello World' },
    { type: 'BODY', text: 'Welcome and congratulations!! This message demonstrates your ability to send a message notification through the Cloud API of Parley. Thank you for taking the time to test with us.' },
    { type: 'FOOTER', text: 'Parley Business Platform sample message' },
  ];
  const id = await newTemplateNode(tx, wabaId, now);
  await tx
    .insertInto('api_templates')
    .values({
      id,
      waba_id: wabaId,
      name: 'hello_world',
      language: 'en_US',
      category: 'UTILITY',
      previous_category: null,
      status: 'APPROVED',
      rejected_reason: 'NONE',
      quality_score: 'UNKNOWN',
      quality_updated_at: null,
      parameter_format: 'POSITIONAL',
      components: JSON.stringify(components),
      body_text: components[1]!.text,
      message_send_ttl_seconds: null,
      edit_times: '[]',
      created_at: now,
      updated_at: now,
      deleted_at: null,
      reusable_at: null,
      rejection_info: null,
      paused_until: null,
      pause_count: 0,
      quality_since: null,
    })
    .execute();
}

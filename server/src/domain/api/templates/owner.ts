/**
 * @module domain/api/templates/owner
 * The business owner's template endpoints (Parley auth, the web app's template editor): list,
 * dry-run review, create, edit, delete. They run the very functions the Graph API uses (validation,
 * review, storage, webhooks) on the owner's own WABA, and translate Graph errors into Parley's:
 * a malformed template is TEMPLATE_INVALID with `details.problems [{field, message}]`, a taken name
 * TEMPLATE_EXISTS, an unknown or foreign id TEMPLATE_NOT_FOUND, an edit the template does not allow
 * TEMPLATE_NOT_EDITABLE. The dry run answers every problem in its body instead of an error.
 */
import type { Actor, Ctx } from '../../../context.js';
import { AppError } from '../../../errors.js';
import type { ApiTemplatesTable } from '../../../tables.js';
import { GraphError } from '../graph-error.js';
import { isObject } from '../message-types/check.js';
import type { Json } from '../message-types/types.js';
import { accessOwnWaba, type ApiPrincipal } from '../setup.js';
import { createTemplate, deleteTemplates, editTemplate } from './manage.js';
import { CATEGORIES, componentsForApi, SUBCODE, type QualityScore, type RejectedReason, type TemplateCategory } from './model.js';
import { endDuePauses } from './quality.js';
import { reviewDefinition } from './review.js';
import { checkTemplateCreate } from './validate.js';

export interface OwnerTemplate {
  id: string;
  name: string;
  language: string;
  category: string;
  status: string;
  rejectedReason: string;
  rejectionInfo: { reason: string; recommendation: string } | null;
  quality: QualityScore;
  pausedUntil: number | null;
  parameterFormat: string;
  /** As the Graph API returns them (UPPERCASE types; an OTP button reads as a URL button). */
  components: Json[];
  createdAt: number;
  updatedAt: number;
}

export interface TemplateProblem {
  field: string;
  message: string;
}

export interface DryRunReview {
  status: 'APPROVED' | 'REJECTED';
  category: string;
  rejectedReason: RejectedReason;
  problems: TemplateProblem[];
}

export function ownerTemplateView(row: ApiTemplatesTable): OwnerTemplate {
  return {
    id: row.id,
    name: row.name,
    language: row.language,
    category: row.category,
    status: row.status,
    rejectedReason: row.rejected_reason,
    rejectionInfo: row.rejection_info ? (JSON.parse(row.rejection_info) as { reason: string; recommendation: string }) : null,
    quality: row.quality_score as QualityScore,
    pausedUntil: row.paused_until === null ? null : Number(row.paused_until),
    parameterFormat: row.parameter_format,
    components: componentsForApi(JSON.parse(row.components) as Json[]),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** The owner's WABA as a principal with the management scope: what the Graph functions need. */
async function ownerPrincipal(ctx: Ctx, actor: Actor): Promise<ApiPrincipal> {
  const waba = await accessOwnWaba(ctx.db, actor);
  return { tokenId: 'owner', wabaId: waba.id, accountId: actor.accountId, scopes: ['management'] };
}

const COMPONENT_PARAM = /^components\.(header|body|footer|buttons)\b/;

/**
 * Where a problem is, with component positions as the owner sent them: the stored form orders
 * components HEADER, BODY, FOOTER, BUTTONS, and Graph messages name them by type.
 */
function fieldInBody(field: string, body: unknown, stored: Json[] | null): string {
  const raw = isObject(body) && Array.isArray(body.components) ? (body.components as unknown[]) : [];
  const rawIndexOf = (type: string) => raw.findIndex((c) => isObject(c) && typeof c.type === 'string' && c.type.toUpperCase() === type);
  // components.buttons.buttons[0].text → components[3].buttons[0].text
  const byType = COMPONENT_PARAM.exec(field);
  if (byType) {
    const i = rawIndexOf(byType[1]!.toUpperCase());
    return i >= 0 ? `components[${i}]` + field.slice(byType[0].length) : field;
  }
  // components[1].text of the stored form → the same component's position in the body
  const byIndex = /^components\[(\d+)\]/.exec(field);
  if (byIndex && stored) {
    const type = stored[Number(byIndex[1])]?.type;
    const i = typeof type === 'string' ? rawIndexOf(type) : -1;
    if (i >= 0) return `components[${i}]` + field.slice(byIndex[0].length);
  }
  return field;
}

const SUBCODE_PART: Record<number, string> = { [SUBCODE.header]: 'header', [SUBCODE.body]: 'body', [SUBCODE.tooManyVariables]: 'body', [SUBCODE.variableAtEdge]: 'body', [SUBCODE.footer]: 'footer' };

/** A Graph validation error as a problem of the body. */
function problemOf(err: GraphError, body: unknown): TemplateProblem {
  const named = /\b(?:Param|parameter|key) "?([a-z_]+(?:\.[a-z_]+|\[\d+\])*)"?/.exec(err.details)?.[1];
  const part = err.extra.subcode !== undefined ? SUBCODE_PART[err.extra.subcode] : undefined;
  const field = named && named !== 'template' ? named : part ? `components.${part}${part === 'footer' ? '' : '.text'}` : /button/i.test(err.details) ? 'components.buttons' : 'template';
  return { field: fieldInBody(field, body, null), message: err.details };
}

/** A Graph error of a create or edit as a Parley error. */
function ownerError(err: unknown, body: unknown): unknown {
  if (!(err instanceof GraphError)) return err;
  if (err.extra.subcode === 33) return new AppError('TEMPLATE_NOT_FOUND');
  if (err.code === 80007) return new AppError('TEMPLATE_RATE_LIMITED', err.details);
  if (err.extra.subcode === SUBCODE.exists || err.extra.subcode === SUBCODE.beingDeleted) return new AppError('TEMPLATE_EXISTS', err.details);
  if (err.extra.subcode === SUBCODE.editNotAllowed) return new AppError('TEMPLATE_NOT_EDITABLE', err.details);
  return new AppError('TEMPLATE_INVALID', err.details, { problems: [problemOf(err, body)] });
}

async function ownTemplateRow(ctx: Ctx, wabaId: string, id: string): Promise<ApiTemplatesTable> {
  const row = await ctx.db.selectFrom('api_templates').selectAll().where('id', '=', id).where('waba_id', '=', wabaId).where('status', '!=', 'DELETED').executeTakeFirst();
  if (!row) throw new AppError('TEMPLATE_NOT_FOUND');
  return row;
}

/** `GET /v1/business/api/templates`: every template but deleted ones, newest first. */
export async function listOwnerTemplates(ctx: Ctx, actor: Actor): Promise<{ templates: OwnerTemplate[] }> {
  const { wabaId } = await ownerPrincipal(ctx, actor);
  await endDuePauses(ctx, wabaId);
  const rows = await ctx.db.selectFrom('api_templates').selectAll().where('waba_id', '=', wabaId).where('status', '!=', 'DELETED').orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
  return { templates: rows.map(ownerTemplateView) };
}

/** `POST /v1/business/api/templates/review`: validation and the automatic review, nothing stored. */
export async function dryRunReview(ctx: Ctx, actor: Actor, body: unknown): Promise<DryRunReview> {
  await ownerPrincipal(ctx, actor);
  try {
    const def = checkTemplateCreate(body);
    const review = reviewDefinition(def);
    return {
      status: review.status === 'REJECTED' ? 'REJECTED' : 'APPROVED',
      category: review.category,
      rejectedReason: review.rejectedReason,
      problems: review.problems.map((p) => ({ field: fieldInBody(p.field, body, def.components), message: p.message })),
    };
  } catch (err) {
    if (!(err instanceof GraphError)) throw err;
    const raw = isObject(body) && typeof body.category === 'string' ? body.category.toUpperCase() : '';
    const category = (CATEGORIES as readonly string[]).includes(raw) ? (raw as TemplateCategory) : 'UTILITY';
    return { status: 'REJECTED', category, rejectedReason: 'INVALID_FORMAT', problems: [problemOf(err, body)] };
  }
}

/** `POST /v1/business/api/templates`: created after the review (a rejected one is stored too). */
export async function createOwnerTemplate(ctx: Ctx, actor: Actor, body: unknown): Promise<OwnerTemplate> {
  const principal = await ownerPrincipal(ctx, actor);
  const { id } = await createTemplate(ctx, principal, principal.wabaId, body).catch((err: unknown) => {
    throw ownerError(err, body);
  });
  return ownerTemplateView(await ownTemplateRow(ctx, principal.wabaId, id));
}

/** `PUT /v1/business/api/templates/:id`: edited and reviewed again (the Graph edit's rules and limits). */
export async function editOwnerTemplate(ctx: Ctx, actor: Actor, id: string, body: unknown): Promise<OwnerTemplate> {
  const principal = await ownerPrincipal(ctx, actor);
  await ownTemplateRow(ctx, principal.wabaId, id);
  await editTemplate(ctx, principal, id, body).catch((err: unknown) => {
    throw ownerError(err, body);
  });
  return ownerTemplateView(await ownTemplateRow(ctx, principal.wabaId, id));
}

/** `DELETE /v1/business/api/templates/:id`. */
export async function deleteOwnerTemplate(ctx: Ctx, actor: Actor, id: string): Promise<{ ok: true }> {
  const principal = await ownerPrincipal(ctx, actor);
  const row = await ownTemplateRow(ctx, principal.wabaId, id);
  await deleteTemplates(ctx, principal, principal.wabaId, { hsm_ids: JSON.stringify([row.id]) }).catch((err: unknown) => {
    throw ownerError(err, null);
  });
  return { ok: true };
}

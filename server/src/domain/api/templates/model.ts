/**
 * @module domain/api/templates/model
 * What a message template is (reference §7.2): its stored components (uppercase types, examples
 * kept; an authentication template's OTP button kept as OTP and reported as URL), the variables of
 * its header, body and URL buttons, and language codes.
 */
import { GraphError } from '../graph-error.js';
import type { Json } from '../message-types/types.js';

export const CATEGORIES = ['MARKETING', 'UTILITY', 'AUTHENTICATION'] as const;
export type TemplateCategory = (typeof CATEGORIES)[number];
export const PARAMETER_FORMATS = ['POSITIONAL', 'NAMED'] as const;
export type ParameterFormat = (typeof PARAMETER_FORMATS)[number];
/** Statuses of reference §7.4; the review (review.ts) and the quality policy move templates between them. */
export type TemplateStatus = 'APPROVED' | 'PENDING' | 'REJECTED' | 'PAUSED' | 'DISABLED' | 'IN_APPEAL' | 'PENDING_DELETION' | 'DELETED' | 'LIMIT_EXCEEDED' | 'ARCHIVED';
export type RejectedReason = 'NONE' | 'ABUSIVE_CONTENT' | 'INCORRECT_CATEGORY' | 'INVALID_FORMAT' | 'PROMOTIONAL' | 'SCAM' | 'TAG_CONTENT_MISMATCH' | 'CATEGORY_NOT_AVAILABLE';
export type QualityScore = 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN';

/** A template as validated, before it is stored. */
export interface TemplateDefinition {
  name: string;
  language: string;
  category: TemplateCategory;
  parameterFormat: ParameterFormat;
  components: Json[];
  messageSendTtlSeconds: number | null;
  allowCategoryChange: boolean;
}

/** A template management error: code 100 with Graph's template subcode and user-facing text. */
export function templateError(details: string, subcode?: number, userTitle = 'Invalid parameter'): GraphError {
  return new GraphError(100, details, { ...(subcode !== undefined ? { subcode } : {}), userTitle, userMsg: details });
}

export const SUBCODE = {
  /** The template cannot be edited now (status, or the edit quota of an approved template). */
  editNotAllowed: 2388039,
  /** A text is over its character limit. */
  charLimit: 2388040,
  header: 2388047,
  body: 2388072,
  footer: 2388073,
  tooManyVariables: 2388293,
  variableAtEdge: 2388299,
  /** Content in this language already exists. */
  exists: 2388024,
  /** The name in this language was deleted less than 30 days ago. */
  beingDeleted: 2388023,
} as const;

/**
 * `en_us` → `en_US`, `FR` → `fr`: the language part lowercase, a region uppercase. Codes are
 * locale-shaped (`xx`, `xxx`, `xx_XX`); anything else is not a language.
 */
export function normalizeLanguage(code: string): string | null {
  const m = /^([A-Za-z]{2,3})(?:[_-]([A-Za-z]{2}))?$/.exec(code.trim());
  if (!m) return null;
  return m[1]!.toLowerCase() + (m[2] ? '_' + m[2].toUpperCase() : '');
}

const VARIABLE = /\{\{([^{}]*)\}\}/g;

/** The variables of a text in order of first appearance (`{{1}}` → '1', `{{first_name}}` → 'first_name'). */
export function variablesOf(text: string): string[] {
  const seen: string[] = [];
  for (const m of text.matchAll(VARIABLE)) if (!seen.includes(m[1]!)) seen.push(m[1]!);
  return seen;
}

/** Replace each `{{var}}` with its value. */
export function fill(text: string, values: ReadonlyMap<string, string>): string {
  return text.replace(VARIABLE, (whole, v: string) => values.get(v) ?? whole);
}

export const AUTH_BODY = '*{{1}}* is your verification code.';
export const AUTH_SECURITY = ' For your security, do not share this code.';
export const authFooter = (minutes: number) => `This code expires in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
export const COPY_CODE_TEXT = 'Copy offer code';
export const OTP_DEFAULT_TEXT = 'Copy code';

/** The parts of a template that sending needs. */
export interface TemplateShape {
  header: { format: 'TEXT' | 'IMAGE' | 'VIDEO' | 'DOCUMENT' | 'LOCATION'; text?: string; variables: string[] } | null;
  body: { text: string; variables: string[] };
  footer: string | null;
  buttons: Json[];
}

export function shapeOf(components: Json[]): TemplateShape {
  const find = (t: string) => components.find((c) => c.type === t);
  const h = find('HEADER');
  const b = find('BODY');
  const f = find('FOOTER');
  const bs = find('BUTTONS');
  const bodyText = String(b?.text ?? '');
  return {
    header: h ? { format: h.format as NonNullable<TemplateShape['header']>['format'], ...(typeof h.text === 'string' ? { text: h.text } : {}), variables: typeof h.text === 'string' ? variablesOf(h.text) : [] } : null,
    body: { text: bodyText, variables: variablesOf(bodyText) },
    footer: typeof f?.text === 'string' ? f.text : null,
    buttons: Array.isArray(bs?.buttons) ? (bs.buttons as Json[]) : [],
  };
}

/** The OTP button's URL as Meta reports it on read. */
export function otpUrl(button: Json): string {
  const type = String(button.otp_type ?? 'COPY_CODE');
  const q = new URLSearchParams({ otp_type: type });
  if (type !== 'COPY_CODE') {
    if (typeof button.autofill_text === 'string') q.set('cta_display_name', button.autofill_text);
    if (typeof button.package_name === 'string') q.set('package_name', button.package_name);
    if (typeof button.signature_hash === 'string') q.set('signature_hash', button.signature_hash);
  }
  return `https://www.whatsapp.com/otp/code/?${q.toString()}&code=otp{{1}}`;
}

/** Components as the API shows them: an OTP button is reported as a URL button (reference §7.5). */
export function componentsForApi(components: Json[]): Json[] {
  return components.map((c) => {
    if (c.type !== 'BUTTONS' || !Array.isArray(c.buttons)) return c;
    return {
      ...c,
      buttons: (c.buttons as Json[]).map((b) =>
        b.type === 'OTP' ? { type: 'URL', text: b.text ?? OTP_DEFAULT_TEXT, url: otpUrl(b), example: [otpUrl(b).replace('{{1}}', '123456')] } : b,
      ),
    };
  });
}

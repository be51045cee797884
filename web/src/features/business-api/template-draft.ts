/**
 * The template editor's model: the owner's draft (what the form holds), the Graph creation body
 * built from it, the draft of an existing template, the customer's TemplateContent with the
 * samples filled in (for the live preview), the limits of docs/api/cloud-api-templates.md, and
 * where a review problem belongs in the form.
 */
import type { TemplateContent } from '#contracts/content.js';
import type { GraphButton, GraphComponent, OwnerTemplate, ParameterFormat, TemplateCategory, TemplateInput, TemplateProblem } from './owner-client.js';

export const LIMITS = {
  name: 512,
  header: 60,
  body: 1024,
  footer: 60,
  buttonText: 25,
  buttons: 10,
  url: 2000,
  urlButtons: 2,
  phone: 20,
  phoneButtons: 1,
  copyCode: 15,
  copyCodeButtons: 1,
  sample: 200,
  expirationMinutes: 90,
} as const;

/** Texts the server fixes (server/src/domain/api/templates/model.ts). */
export const COPY_CODE_TEXT = 'Copy offer code';
const AUTH_BODY = '*{{1}}* is your verification code.';
const AUTH_SECURITY = ' For your security, do not share this code.';
const authFooter = (minutes: number) => `This code expires in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
const AUTH_SAMPLE_CODE = '123456';

export const CATEGORIES: readonly TemplateCategory[] = ['MARKETING', 'UTILITY', 'AUTHENTICATION'];
export const HEADER_KINDS = ['NONE', 'TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT'] as const;
export type HeaderKind = (typeof HEADER_KINDS)[number];
export const BUTTON_KINDS = ['QUICK_REPLY', 'URL', 'PHONE_NUMBER', 'COPY_CODE'] as const;
export type ButtonKind = (typeof BUTTON_KINDS)[number];

/** Common template languages (the server accepts any locale code of this form). */
export const LANGUAGES = [
  'en_US', 'en_GB', 'en', 'fr', 'fr_FR', 'fr_CA', 'es', 'es_ES', 'es_MX', 'es_AR', 'pt_BR', 'pt_PT', 'de', 'it', 'nl', 'pl', 'ro', 'sv', 'da', 'fi', 'nb', 'cs', 'sk', 'hu', 'el', 'bg', 'hr',
  'sr', 'sl', 'lt', 'lv', 'et', 'uk', 'ru', 'tr', 'ar', 'he', 'fa', 'ur', 'hi', 'bn', 'pa', 'gu', 'mr', 'ta', 'te', 'kn', 'ml', 'id', 'ms', 'fil', 'th', 'vi', 'zh_CN', 'zh_HK', 'zh_TW', 'ja',
  'ko', 'sw', 'af', 'zu', 'am', 'ha',
] as const;

export interface DraftButton {
  /** Stable key for React and for the preview's payloads. */
  key: string;
  type: ButtonKind;
  text: string;
  url: string;
  urlSample: string;
  phone: string;
  code: string;
}

export interface Draft {
  name: string;
  language: string;
  category: TemplateCategory;
  /** Let the review file the template under the category its content fits instead of rejecting it (creation only). */
  allowCategoryChange: boolean;
  format: ParameterFormat;
  header: { kind: HeaderKind; text: string; sample: string; media: string };
  body: string;
  /** The body's samples by variable ('1', 'first_name' …); kept when a variable disappears and comes back. */
  samples: Record<string, string>;
  footer: string;
  buttons: DraftButton[];
  auth: { securityRecommendation: boolean; expirationMinutes: string; buttonText: string };
}

export function emptyDraft(): Draft {
  return {
    name: '',
    language: 'en_US',
    category: 'UTILITY',
    allowCategoryChange: false,
    format: 'POSITIONAL',
    header: { kind: 'NONE', text: '', sample: '', media: '' },
    body: '',
    samples: {},
    footer: '',
    buttons: [],
    auth: { securityRecommendation: true, expirationMinutes: '10', buttonText: 'Copy code' },
  };
}

const VARIABLE = /\{\{([^{}]*)\}\}/g;

/** The variables of a text in order of first appearance (`{{1}}` → '1'); positional ones in number order. */
export function variablesOf(text: string, format: ParameterFormat = 'NAMED'): string[] {
  const seen: string[] = [];
  for (const m of text.matchAll(VARIABLE)) {
    const v = m[1]!.trim();
    if (v && !seen.includes(v)) seen.push(v);
  }
  return format === 'POSITIONAL' ? seen.sort((a, b) => (Number(a) || Infinity) - (Number(b) || Infinity)) : seen;
}

/** Replace each `{{var}}` whose sample is known (the others stay as written). */
export function fillSamples(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(VARIABLE, (whole, v: string) => values[v.trim()] || whole);
}

/** A URL button's variable: `{{1}}` at the end. */
export const urlHasVariable = (url: string) => /\{\{1\}\}$/.test(url.trim());

/** Characters as the server counts them (code points). */
export const length = (s: string) => [...s].length;

export function buttonCounts(buttons: readonly DraftButton[]): Record<ButtonKind, number> {
  const out: Record<ButtonKind, number> = { QUICK_REPLY: 0, URL: 0, PHONE_NUMBER: 0, COPY_CODE: 0 };
  for (const b of buttons) out[b.type]++;
  return out;
}

/** Whether one more button of `type` fits (total, per kind, copy code for marketing only). */
export function canAddButton(draft: Draft, type: ButtonKind): boolean {
  if (draft.buttons.length >= LIMITS.buttons) return false;
  const n = buttonCounts(draft.buttons)[type];
  if (type === 'URL') return n < LIMITS.urlButtons;
  if (type === 'PHONE_NUMBER') return n < LIMITS.phoneButtons;
  if (type === 'COPY_CODE') return draft.category === 'MARKETING' && n < LIMITS.copyCodeButtons;
  return true;
}

let buttonSeq = 0;
export function newButton(type: ButtonKind): DraftButton {
  return { key: `b${++buttonSeq}`, type, text: '', url: '', urlSample: '', phone: '', code: '' };
}

/** The buttons with `b` added; quick replies stay together, before the other buttons (never between two others). */
export function addButton(buttons: readonly DraftButton[], b: DraftButton): DraftButton[] {
  if (b.type !== 'QUICK_REPLY') return [...buttons, b];
  let last = -1;
  buttons.forEach((x, i) => {
    if (x.type === 'QUICK_REPLY') last = i;
  });
  const at = last + 1;
  return [...buttons.slice(0, at), b, ...buttons.slice(at)];
}

// ---- draft → Graph body ----------------------------------------------------------------------------

function textExample(kind: 'header' | 'body', vars: string[], format: ParameterFormat, value: (v: string) => string): GraphComponent['example'] | undefined {
  if (vars.length === 0) return undefined;
  if (format === 'NAMED') return { [`${kind}_text_named_params`]: vars.map((v) => ({ param_name: v, example: value(v) })) };
  return kind === 'header' ? { header_text: vars.map(value) } : { body_text: [vars.map(value)] };
}

function graphButton(b: DraftButton): GraphButton {
  switch (b.type) {
    case 'QUICK_REPLY':
      return { type: 'QUICK_REPLY', text: b.text };
    case 'URL':
      return { type: 'URL', text: b.text, url: b.url.trim(), ...(urlHasVariable(b.url) ? { example: [b.urlSample] } : {}) };
    case 'PHONE_NUMBER':
      return { type: 'PHONE_NUMBER', text: b.text, phone_number: b.phone.trim() };
    case 'COPY_CODE':
      return { type: 'COPY_CODE', example: b.code };
  }
}

/** The components of the draft, in the Graph API's shape (HEADER, BODY, FOOTER, BUTTONS). */
export function toComponents(d: Draft): GraphComponent[] {
  if (d.category === 'AUTHENTICATION') {
    const minutes = Number(d.auth.expirationMinutes);
    return [
      { type: 'BODY', add_security_recommendation: d.auth.securityRecommendation },
      ...(d.auth.expirationMinutes.trim() ? [{ type: 'FOOTER', code_expiration_minutes: Number.isFinite(minutes) ? minutes : 0 }] : []),
      { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE', text: d.auth.buttonText }] },
    ];
  }
  const out: GraphComponent[] = [];
  const h = d.header;
  if (h.kind === 'TEXT') {
    const example = textExample('header', variablesOf(h.text, d.format), d.format, () => h.sample);
    out.push({ type: 'HEADER', format: 'TEXT', text: h.text, ...(example ? { example } : {}) });
  } else if (h.kind !== 'NONE') {
    out.push({ type: 'HEADER', format: h.kind, ...(h.media.trim() ? { example: { header_handle: [h.media.trim()] } } : {}) });
  }
  const example = textExample('body', variablesOf(d.body, d.format), d.format, (v) => d.samples[v] ?? '');
  out.push({ type: 'BODY', text: d.body, ...(example ? { example } : {}) });
  if (d.footer) out.push({ type: 'FOOTER', text: d.footer });
  if (d.buttons.length > 0) out.push({ type: 'BUTTONS', buttons: d.buttons.map(graphButton) });
  return out;
}

/** The creation body of the draft (also what the dry-run review takes). */
export function toInput(d: Draft): TemplateInput {
  return { name: d.name.trim(), language: d.language, category: d.category, parameter_format: d.format, components: toComponents(d), ...(d.allowCategoryChange ? { allow_category_change: true } : {}) };
}

// ---- existing template → draft -----------------------------------------------------------------------

const HEADER_FORMATS: readonly string[] = HEADER_KINDS;

/** The draft of a stored template (to edit and resubmit it). */
export function fromTemplate(t: OwnerTemplate): Draft {
  const d = emptyDraft();
  d.name = t.name;
  d.language = t.language;
  d.category = t.category;
  d.format = t.parameterFormat;
  for (const c of t.components) {
    const type = c.type.toUpperCase();
    if (type === 'HEADER') {
      const format = (c.format ?? 'TEXT').toUpperCase();
      if (!HEADER_FORMATS.includes(format)) continue;
      d.header.kind = format as HeaderKind;
      d.header.text = c.text ?? '';
      d.header.sample = c.example?.header_text?.[0] ?? c.example?.header_text_named_params?.[0]?.example ?? '';
      d.header.media = c.example?.header_handle?.[0] ?? '';
    } else if (type === 'BODY') {
      if (t.category === 'AUTHENTICATION') {
        d.auth.securityRecommendation = c.add_security_recommendation ?? /do not share/.test(c.text ?? '');
        continue;
      }
      d.body = c.text ?? '';
      const vars = variablesOf(d.body, t.parameterFormat);
      const positional = c.example?.body_text?.[0];
      if (positional) vars.forEach((v, i) => (d.samples[v] = positional[i] ?? ''));
      for (const p of c.example?.body_text_named_params ?? []) d.samples[p.param_name] = p.example;
    } else if (type === 'FOOTER') {
      if (t.category === 'AUTHENTICATION') {
        const minutes = c.code_expiration_minutes ?? Number(/(\d+)/.exec(c.text ?? '')?.[1] ?? '');
        d.auth.expirationMinutes = minutes ? String(minutes) : '';
        continue;
      }
      d.footer = c.text ?? '';
    } else if (type === 'BUTTONS') {
      for (const b of c.buttons ?? []) {
        const kind = b.type.toUpperCase();
        if (t.category === 'AUTHENTICATION') {
          d.auth.buttonText = b.text ?? d.auth.buttonText;
          continue;
        }
        if (!(BUTTON_KINDS as readonly string[]).includes(kind)) continue;
        const nb = newButton(kind as ButtonKind);
        nb.text = b.text ?? '';
        nb.url = b.url ?? '';
        nb.urlSample = Array.isArray(b.example) ? (b.example[0] ?? '') : '';
        nb.phone = b.phone_number ?? '';
        nb.code = typeof b.example === 'string' ? b.example : Array.isArray(b.example) && kind === 'COPY_CODE' ? (b.example[0] ?? '') : '';
        d.buttons.push(nb);
      }
    }
  }
  return d;
}

// ---- draft → what the customer sees ------------------------------------------------------------------

/** The customer's template message for the draft, samples filled in (empty texts left out). */
export function toPreview(d: Draft): TemplateContent {
  const category = d.category.toLowerCase() as TemplateContent['category'];
  const base = { name: d.name || 'template', language: d.language, category };
  if (d.category === 'AUTHENTICATION') {
    const minutes = Number(d.auth.expirationMinutes);
    const body = fillSamples(AUTH_BODY + (d.auth.securityRecommendation ? AUTH_SECURITY : ''), { '1': AUTH_SAMPLE_CODE });
    return {
      ...base,
      body,
      ...(Number.isInteger(minutes) && minutes > 0 ? { footer: authFooter(minutes) } : {}),
      buttons: [{ type: 'otp', text: d.auth.buttonText || 'Copy code', code: AUTH_SAMPLE_CODE }],
    };
  }
  const out: TemplateContent = { ...base, body: fillSamples(d.body, d.samples) };
  const h = d.header;
  if (h.kind === 'TEXT' && h.text) out.header = { type: 'text', text: fillSamples(h.text, Object.fromEntries(variablesOf(h.text).map((v) => [v, h.sample]))) };
  else if (h.kind === 'IMAGE' || h.kind === 'VIDEO' || h.kind === 'DOCUMENT') out.header = { type: h.kind.toLowerCase() } as TemplateContent['header'];
  if (d.footer) out.footer = d.footer;
  const buttons = d.buttons
    .map((b): NonNullable<TemplateContent['buttons']>[number] | null => {
      switch (b.type) {
        case 'QUICK_REPLY':
          return b.text ? { type: 'quick_reply', text: b.text, payload: b.key } : null;
        case 'URL': {
          const url = urlHasVariable(b.url) ? b.url.trim().replace(/\{\{1\}\}$/, b.urlSample) : b.url.trim();
          return b.text ? { type: 'url', text: b.text, url } : null;
        }
        case 'PHONE_NUMBER':
          return b.text ? { type: 'phone_number', text: b.text, phoneNumber: b.phone } : null;
        case 'COPY_CODE':
          return { type: 'copy_code', text: COPY_CODE_TEXT, code: b.code || '—' };
      }
    })
    .filter((b) => b !== null);
  if (buttons.length > 0) out.buttons = buttons;
  return out;
}

// ---- review problems → fields ------------------------------------------------------------------------

/** A place in the form: 'name', 'language', 'category', 'header', 'body', 'footer', 'button:<i>', 'buttons', or 'other'. */
export type FieldSlot = string;

/**
 * Where a review problem belongs in the form. Accepts both `components[1].text` (an index into the
 * components as sent) and `components.body.text`, with `buttons[2]` for one button.
 */
export function slotOf(field: string, sent: readonly GraphComponent[]): FieldSlot {
  const f = field.trim();
  const top = /^(name|language|category|parameter_format)\b/.exec(f);
  if (top) return top[1] === 'parameter_format' ? 'format' : top[1]!;
  let type: string | undefined;
  const indexed = /^components\[(\d+)\]/.exec(f);
  if (indexed) type = sent[Number(indexed[1])]?.type.toUpperCase();
  const named = /^components\.(header|body|footer|buttons)\b/i.exec(f);
  if (named) type = named[1]!.toUpperCase();
  if (!type) return 'other';
  if (type === 'BUTTONS') {
    const b = /buttons\[(\d+)\]/.exec(f.slice(f.indexOf(']') + 1)) ?? /buttons\.buttons\[(\d+)\]/.exec(f);
    return b ? `button:${b[1]}` : 'buttons';
  }
  return type.toLowerCase();
}

/** The problems grouped by slot. */
export function problemsBySlot(problems: readonly TemplateProblem[], sent: readonly GraphComponent[]): Map<FieldSlot, string[]> {
  const out = new Map<FieldSlot, string[]>();
  for (const p of problems) {
    const slot = slotOf(p.field, sent);
    out.set(slot, [...(out.get(slot) ?? []), p.message]);
  }
  return out;
}

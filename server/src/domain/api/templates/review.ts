/**
 * @module domain/api/templates/review
 * The one place that decides the status of a new or edited template (reference §7.4): the
 * automatic review. It runs on a template that passed validation (validate.ts: malformed requests
 * are synchronous Graph errors and store nothing) and looks at its content, with deterministic
 * rules, in English and French:
 * - INVALID_FORMAT: name rules (starts with a letter, no `__`, no trailing `_`), stray braces or
 *   malformed variables (`{{1}`, `{1}`), samples that are not plain values (braces, new lines,
 *   tabs, runs of spaces), a header text with new lines, emoji or formatting characters, two buttons
 *   with the same text, URLs or emoji in an authentication template;
 * - INCORRECT_CATEGORY: promotional wording (discounts, % off, sale, promo codes, "buy now", free
 *   offers, limited time…) in a UTILITY or AUTHENTICATION template — re-categorised to MARKETING
 *   instead (APPROVED, `previous_category` kept) when `allow_category_change` is true;
 * - SCAM: asking for passwords, PINs or card numbers, prize claims, guaranteed gains;
 * - ABUSIVE_CONTENT: insults and threats from a small list.
 * A rejected template is stored with its reason and `rejection_info {reason, recommendation}`; it
 * can be edited and is then reviewed again.
 */
import type { Transaction } from 'kysely';
import type { DB } from '../../../tables.js';
import type { Json } from '../message-types/types.js';
import type { RejectedReason, TemplateCategory, TemplateDefinition, TemplateStatus } from './model.js';

/** One thing the review found, with the part of the template it is about (`components[1].text`). */
export interface ReviewProblem {
  field: string;
  message: string;
  reason: Exclude<RejectedReason, 'NONE'>;
}

export interface TemplateReview {
  /** APPROVED (sendable), PENDING (decided later, announced by a status webhook) or REJECTED. */
  status: Extract<TemplateStatus, 'APPROVED' | 'PENDING' | 'REJECTED'>;
  /** NONE unless rejected. */
  rejectedReason: RejectedReason;
  /** The category the template ends up in (a review may re-categorise when allow_category_change is set). */
  category: TemplateCategory;
  /** Why it was rejected and what to change, for a person (null unless rejected). */
  rejectionInfo: { reason: string; recommendation: string } | null;
  /** Everything the review found (empty when approved as filed). */
  problems: ReviewProblem[];
}

/** A piece of text of the template, with where it is. */
interface Segment {
  field: string;
  text: string;
  kind: 'header' | 'body' | 'footer' | 'button' | 'sample';
}

/** Lowercase, accents removed, typographic apostrophes made plain: what the word lists match. */
export function normalizeForReview(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[’‘`´]/g, "'")
    .toLowerCase();
}

/** Promotional wording, English and French (matched on normalized text). */
export const PROMOTIONAL_PATTERNS: readonly RegExp[] = [
  // English
  /\d+\s?% off\b/,
  /\b\d+\s?% discount/,
  /\bdiscount(s|ed)?\b/,
  /\bsale\b/,
  /\bpromo(tional)?\b/,
  /\bpromo codes?\b/,
  /\bcoupons?\b/,
  /\b(buy|shop|order) now\b/,
  /\blimited[- ]time\b/,
  /\b(special|exclusive|limited) offers?\b/,
  /\bfree (gift|shipping|delivery|trial|sample)s?\b/,
  /\bget (it|one|yours) (for )?free\b/,
  /\bbuy one,? get one\b/,
  /\bsave (up to )?\d+/,
  /\bdon'?t miss (out|it|this)\b/,
  /\blast chance\b/,
  /\btoday only\b/,
  /\bwhile (stocks|supplies) last\b/,
  /\b(black friday|cyber monday)\b/,
  /\bclearance\b/,
  /\b(best|hot) deals?\b/,
  // French
  /\d+\s?% de (remise|reduction)\b/,
  /\bremise de \d+/,
  /\breductions?\b/,
  /\bcodes? promo\b/,
  /\bsoldes\b/,
  /\boffres? (speciale|exclusive|limitee)s?\b/,
  /\b(duree|temps) limitee?\b/,
  /\b(achetez|commandez|profitez)( des)? maintenant\b/,
  // "Profitez de votre séjour" is service wording; "profitez-en", "profitez de -20%", "profitez de nos offres" are not.
  /\bprofitez(-en\b| de -?\d| de (nos|notre|cette|ces|cet) (offres?|promos?|promotions?|remises?|reductions?|soldes|prix)\b)/,
  /\b(livraison|essai|cadeau|echantillon)s? (gratuite?s?|offerte?s?)\b/,
  /\bgratuitement\b/,
  /\bne manquez pas\b/,
  /\bderniere chance\b/,
  /\bbons? plans?\b/,
  /\bventes? privees?\b/,
  /\bdestockage\b/,
  /\bjusqu'?a -?\d+\s?%/,
  // Either language: "-20%"
  /(^|\s)-\d+\s?%/,
];

/** Asking for secrets, prize claims, guaranteed gains. */
export const SCAM_PATTERNS: readonly RegExp[] = [
  /\b(send|give|share|tell|confirm) (us|me) your (password|pin|card number|cvv|security code|bank details)\b/,
  /\byou('ve| have)? won\b/,
  /\bclaim your (prize|reward|winnings)\b/,
  /\bguaranteed (returns?|profits?|income)\b/,
  /\b(envoyez|donnez|communiquez|confirmez)(-nous| nous|-moi| moi)? votre (mot de passe|code pin|code secret|numero de carte|cryptogramme)\b/,
  /\bvous avez gagne\b/,
  /\breclamez votre (prix|gain|lot)\b/,
  /\bgains? garantis?\b/,
];

/** Insults and threats. */
export const ABUSIVE_PATTERNS: readonly RegExp[] = [
  /\b(idiot|stupid|moron|loser|scum|bastard)s?\b/,
  /\b(kill|hurt) you\b/,
  /\bshut up\b/,
  /\bf+u+c+k\w*/,
  /\bshit\w*/,
  /\bbitch\w*/,
  /\b(connard|connasse|salaud|salope|encule|abruti|cretin|debile)s?\b/,
  /\bta gueule\b/,
  /\bje vais te tuer\b/,
  /\bputain\b/,
  /\bmerde\b/,
];

const EMOJI = /\p{Extended_Pictographic}/u;
const URL_TEXT = /\bhttps?:\/\/|\bwww\.|\b[a-z0-9-]+\.(com|net|org|io|fr|co|app|link|ly)\b/i;
/** Braces left once the well-formed variables are removed: `{{1}`, `{1}`, `}}`. */
const strayBraces = (text: string) => /[{}]/.test(text.replace(/\{\{[^{}]*\}\}/g, ''));

/** The texts of a stored template, each with its field. */
function segmentsOf(components: Json[]): Segment[] {
  const out: Segment[] = [];
  components.forEach((c, i) => {
    const at = `components[${i}]`;
    if (typeof c.text === 'string') out.push({ field: `${at}.text`, text: c.text, kind: c.type === 'HEADER' ? 'header' : c.type === 'FOOTER' ? 'footer' : 'body' });
    const ex = c.example as Json | undefined;
    if (ex) {
      const samples: [string, unknown][] = [];
      if (Array.isArray(ex.header_text)) (ex.header_text as unknown[]).forEach((v, j) => samples.push([`${at}.example.header_text[${j}]`, v]));
      if (Array.isArray(ex.body_text) && Array.isArray(ex.body_text[0])) (ex.body_text[0] as unknown[]).forEach((v, j) => samples.push([`${at}.example.body_text[0][${j}]`, v]));
      for (const key of ['header_text_named_params', 'body_text_named_params']) {
        if (Array.isArray(ex[key])) (ex[key] as Json[]).forEach((p, j) => samples.push([`${at}.example.${key}[${j}].example`, p.example]));
      }
      for (const [field, v] of samples) if (typeof v === 'string') out.push({ field, text: v, kind: 'sample' });
    }
    if (Array.isArray(c.buttons)) {
      (c.buttons as Json[]).forEach((b, j) => {
        if (typeof b.text === 'string') out.push({ field: `${at}.buttons[${j}].text`, text: b.text, kind: 'button' });
        if (typeof b.autofill_text === 'string') out.push({ field: `${at}.buttons[${j}].autofill_text`, text: b.autofill_text, kind: 'button' });
        if (Array.isArray(b.example)) (b.example as unknown[]).forEach((v, k) => typeof v === 'string' && out.push({ field: `${at}.buttons[${j}].example[${k}]`, text: v, kind: 'sample' }));
      });
    }
  });
  return out;
}

function firstMatch(patterns: readonly RegExp[], text: string): string | null {
  const t = normalizeForReview(text);
  for (const p of patterns) {
    const m = p.exec(t);
    if (m) return m[0].trim();
  }
  return null;
}

function nameProblems(name: string): ReviewProblem[] {
  const message =
    !/^[a-z]/.test(name) ? 'The name must start with a letter.' : name.includes('__') ? 'The name must not have two underscores in a row.' : name.endsWith('_') ? 'The name must not end with an underscore.' : null;
  return message ? [{ field: 'name', message, reason: 'INVALID_FORMAT' }] : [];
}

function formatProblems(def: TemplateDefinition, segments: Segment[]): ReviewProblem[] {
  const out: ReviewProblem[] = [];
  const problem = (field: string, message: string) => out.push({ field, message, reason: 'INVALID_FORMAT' });
  for (const s of segments) {
    if (s.kind !== 'sample' && strayBraces(s.text)) problem(s.field, 'This text has a stray brace or a malformed variable: write variables as {{1}} (or {{name}}), with two braces on each side.');
    if (s.kind === 'sample' && (/[{}]/.test(s.text) || /[\n\r\t]/.test(s.text) || / {5,}/.test(s.text))) {
      problem(s.field, 'A sample must be a plain example value, as a customer would see it: no braces, new lines, tabs or long runs of spaces.');
    }
    const bare = s.text.replace(/\{\{[^{}]*\}\}/g, '');
    if (s.kind === 'header' && (/[\n\r]/.test(bare) || EMOJI.test(bare) || /[*_~`]/.test(bare))) problem(s.field, 'A header text cannot have new lines, emoji or formatting characters (* _ ~ `).');
    if (def.category === 'AUTHENTICATION' && s.kind !== 'sample' && (EMOJI.test(s.text) || URL_TEXT.test(s.text))) problem(s.field, 'An authentication template cannot have URLs, media or emoji.');
  }
  def.components.forEach((c, i) => {
    if (!Array.isArray(c.buttons)) return;
    const seen = new Set<string>();
    (c.buttons as Json[]).forEach((b, j) => {
      const t = typeof b.text === 'string' ? normalizeForReview(b.text).trim() : '';
      if (t !== '' && seen.has(t)) problem(`components[${i}].buttons[${j}].text`, 'Two buttons have the same text: give each button its own text.');
      seen.add(t);
    });
  });
  return out;
}

function contentProblems(def: TemplateDefinition, segments: Segment[]): ReviewProblem[] {
  const out: ReviewProblem[] = [];
  for (const s of segments) {
    const abusive = firstMatch(ABUSIVE_PATTERNS, s.text);
    if (abusive) out.push({ field: s.field, message: `"${abusive}" is abusive or threatening language.`, reason: 'ABUSIVE_CONTENT' });
    const scam = firstMatch(SCAM_PATTERNS, s.text);
    if (scam) out.push({ field: s.field, message: `"${scam}" looks like a scam: never ask customers for secrets and never promise prizes or gains.`, reason: 'SCAM' });
    if (def.category !== 'MARKETING') {
      const promo = firstMatch(PROMOTIONAL_PATTERNS, s.text);
      if (promo) out.push({ field: s.field, message: `"${promo}" is promotional wording, which belongs in a MARKETING template, not in a ${def.category} one.`, reason: 'INCORRECT_CATEGORY' });
    }
  }
  return out;
}

/** The most serious reason first. */
const SEVERITY: Exclude<RejectedReason, 'NONE'>[] = ['ABUSIVE_CONTENT', 'SCAM', 'INVALID_FORMAT', 'INCORRECT_CATEGORY'];

function rejectionInfo(reason: Exclude<RejectedReason, 'NONE'>, problems: ReviewProblem[], category: TemplateCategory): { reason: string; recommendation: string } {
  const first = problems.find((p) => p.reason === reason)!;
  switch (reason) {
    case 'ABUSIVE_CONTENT':
      return { reason: `The template contains abusive or threatening language (${first.field}).`, recommendation: 'Remove the insulting or threatening words; templates must be respectful to customers.' };
    case 'SCAM':
      return { reason: `The template looks like a scam (${first.field}): ${first.message}`, recommendation: 'Never ask customers for passwords, PINs or card numbers in a message, and do not promise prizes or guaranteed gains.' };
    case 'INVALID_FORMAT':
      return { reason: `The template is not well formed (${first.field}): ${first.message}`, recommendation: 'Fix the parts listed, then edit the template to submit it again.' };
    default:
      return {
        reason: `The template reads as marketing but was filed as ${category} (${first.field}): ${first.message}`,
        recommendation: `Remove the promotional wording to keep it a ${category.toLowerCase()} template, or file it as MARKETING. With allow_category_change the review moves it to MARKETING instead of rejecting it.`,
      };
  }
}

/** The review of a validated template: pure and deterministic (the dry run and the stored review agree). */
export function reviewDefinition(def: TemplateDefinition): TemplateReview {
  const segments = segmentsOf(def.components);
  const problems = [...nameProblems(def.name), ...formatProblems(def, segments), ...contentProblems(def, segments)];
  if (problems.length === 0) return { status: 'APPROVED', rejectedReason: 'NONE', category: def.category, rejectionInfo: null, problems };
  const reason = SEVERITY.find((r) => problems.some((p) => p.reason === r))!;
  // Only promotional wording, and the business lets the review change the category: it becomes marketing.
  if (reason === 'INCORRECT_CATEGORY' && def.allowCategoryChange && def.category === 'UTILITY') {
    return { status: 'APPROVED', rejectedReason: 'NONE', category: 'MARKETING', rejectionInfo: null, problems };
  }
  return { status: 'REJECTED', rejectedReason: reason, category: def.category, rejectionInfo: rejectionInfo(reason, problems, def.category), problems };
}

/**
 * Decide the status of a template being created (`previous` null) or edited (`previous`: its state
 * before the edit). Runs inside the write that stores the template.
 */
export async function reviewTemplate(
  _tx: Transaction<DB>,
  _wabaId: string,
  candidate: TemplateDefinition,
  _previous: { status: string; category: string } | null,
): Promise<TemplateReview> {
  return reviewDefinition(candidate);
}

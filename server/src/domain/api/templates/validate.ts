/**
 * @module domain/api/templates/validate
 * The creation body of a template (reference §7.3, §7.5) checked the way the Graph API does:
 * every error is code 100 with the template subcode of its part and a sentence for a person.
 * The result is the stored form (uppercase types, examples kept).
 */
import { isObject } from '../message-types/check.js';
import type { Json } from '../message-types/types.js';
import {
  AUTH_BODY,
  AUTH_SECURITY,
  CATEGORIES,
  COPY_CODE_TEXT,
  OTP_DEFAULT_TEXT,
  PARAMETER_FORMATS,
  SUBCODE,
  authFooter,
  normalizeLanguage,
  templateError,
  variablesOf,
  type ParameterFormat,
  type TemplateCategory,
  type TemplateDefinition,
} from './model.js';

export const NAME_MAX = 512;
export const HEADER_TEXT_MAX = 60;
export const BODY_TEXT_MAX = 1024;
export const FOOTER_TEXT_MAX = 60;
export const BUTTON_TEXT_MAX = 25;
export const BUTTONS_MAX = 10;
export const URL_BUTTONS_MAX = 2;
export const URL_MAX = 2000;
export const PHONE_MAX = 20;
export const COPY_CODE_MAX = 15;

const CREATE_KEYS = ['name', 'language', 'category', 'components', 'parameter_format', 'allow_category_change', 'message_send_ttl_seconds', 'sub_category', 'cta_url_link_tracking_opted_out'];
export const EDIT_KEYS = ['components', 'category', 'parameter_format', 'message_send_ttl_seconds', 'allow_category_change'];

function keysOnly(obj: Json, allowed: string[], param: string): void {
  for (const k of Object.keys(obj)) if (!allowed.includes(k)) throw templateError(`Unexpected key "${k}" on param "${param}".`);
}

function str(obj: Json, key: string, param: string, opts: { required?: boolean; max?: number; subcode?: number } = {}): string | undefined {
  const v = obj[key];
  if (v === undefined) {
    if (opts.required) throw templateError(`The parameter ${param} is required.`, opts.subcode);
    return undefined;
  }
  if (typeof v !== 'string') throw templateError(`Param ${param} must be a string.`, opts.subcode);
  if (opts.required && v.trim() === '') throw templateError(`Param ${param} must not be empty.`, opts.subcode);
  if (opts.max !== undefined && [...v].length > opts.max) throw templateError(`Param ${param} must be at most ${opts.max} characters.`, SUBCODE.charLimit, 'Character limit exceeded');
  return v;
}

function upperEnum<T extends string>(v: unknown, allowed: readonly T[], param: string, subcode?: number): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v.toUpperCase())) throw templateError(`Param ${param} must be one of ${allowed.join(', ')}.`, subcode);
  return v.toUpperCase() as T;
}

export function checkName(v: unknown): string {
  if (v === undefined) throw templateError('The parameter name is required.');
  if (typeof v !== 'string' || !/^[a-z0-9_]+$/.test(v) || v.length > NAME_MAX) {
    throw templateError(`Param name must be 1 to ${NAME_MAX} characters of lowercase letters a–z, digits and underscores.`, undefined, 'Invalid template name');
  }
  return v;
}

export function checkLanguage(v: unknown, param = 'language'): string {
  if (v === undefined) throw templateError(`The parameter ${param} is required.`);
  const lang = typeof v === 'string' ? normalizeLanguage(v) : null;
  if (!lang) throw templateError(`Param ${param} must be a language code such as en, en_US or pt_BR.`, undefined, 'Invalid language');
  return lang;
}

export function checkCategory(v: unknown): TemplateCategory {
  if (v === undefined) throw templateError('The parameter category is required.');
  return upperEnum(v, CATEGORIES, 'category');
}

export function checkParameterFormat(v: unknown): ParameterFormat {
  return v === undefined ? 'POSITIONAL' : upperEnum(v, PARAMETER_FORMATS, 'parameter_format');
}

const TTL_RANGE: Record<TemplateCategory, [number, number]> = { AUTHENTICATION: [30, 900], UTILITY: [30, 43200], MARKETING: [43200, 2592000] };

export function checkTtl(v: unknown, category: TemplateCategory): number | null {
  if (v === undefined) return null;
  const [min, max] = TTL_RANGE[category];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw templateError(`Param message_send_ttl_seconds must be an integer from ${min} to ${max} for a ${category.toLowerCase()} template.`);
  return v;
}

/** Variables of a text, each of the template's format; at most `max`. */
function checkVariables(text: string, format: ParameterFormat, param: string, subcode: number): string[] {
  const vars = variablesOf(text);
  for (const v of vars) {
    const ok = format === 'POSITIONAL' ? /^[1-9]\d*$/.test(v) : /^[a-z_][a-z0-9_]*$/.test(v);
    if (!ok) {
      throw templateError(
        format === 'POSITIONAL'
          ? `Param ${param} has the variable {{${v}}}: positional variables are {{1}}, {{2}} … (use parameter_format NAMED for named ones).`
          : `Param ${param} has the variable {{${v}}}: named variables are lowercase letters, digits and underscores, starting with a letter or underscore.`,
        subcode,
      );
    }
  }
  if (format === 'POSITIONAL') {
    const nums = vars.map(Number).sort((a, b) => a - b);
    nums.forEach((n, i) => {
      if (n !== i + 1) throw templateError(`Param ${param}: variables must be sequential, {{1}} to {{${nums.length}}}.`, subcode);
    });
  }
  return vars;
}

function checkExampleValue(v: unknown, param: string, subcode: number): string {
  if (typeof v !== 'string' || v.trim() === '') throw templateError(`Param ${param} must be a non-empty string.`, subcode);
  return v;
}

/** The example block of a header/body text with variables: positional values or named ones. */
function checkTextExample(example: unknown, vars: string[], format: ParameterFormat, kind: 'header' | 'body', subcode: number): Json | undefined {
  const positionalKey = kind === 'header' ? 'header_text' : 'body_text';
  const namedKey = `${positionalKey}_named_params`;
  if (example === undefined) {
    if (vars.length > 0) throw templateError(`Param components.${kind}.example is required: give a sample value for each variable (${format === 'POSITIONAL' ? positionalKey : namedKey}).`, subcode, 'Samples are missing');
    return undefined;
  }
  if (!isObject(example)) throw templateError(`Param components.${kind}.example must be a JSON object.`, subcode);
  const allowed = vars.length === 0 ? [positionalKey, namedKey] : [format === 'POSITIONAL' ? positionalKey : namedKey];
  keysOnly(example, allowed, `components.${kind}.example`);
  if (example[positionalKey] !== undefined) {
    const raw = example[positionalKey];
    const values = kind === 'body' ? (Array.isArray(raw) && raw.length === 1 ? raw[0] : undefined) : raw;
    const shape = kind === 'body' ? '[["value 1", "value 2", …]]' : '["value"]';
    if (!Array.isArray(values)) throw templateError(`Param components.${kind}.example.${positionalKey} must be ${shape}.`, subcode);
    // Without variables a sample is optional and kept as given (the reference's own example has one).
    if (vars.length > 0 && values.length !== vars.length) throw templateError(`Param components.${kind}.example.${positionalKey} has ${values.length} sample values for ${vars.length} variables.`, subcode, 'Samples do not match');
    values.forEach((v, i) => checkExampleValue(v, `components.${kind}.example.${positionalKey}[${i}]`, subcode));
    return { [positionalKey]: raw };
  }
  if (example[namedKey] !== undefined) {
    const list = example[namedKey];
    if (!Array.isArray(list)) throw templateError(`Param components.${kind}.example.${namedKey} must be an array of {param_name, example}.`, subcode);
    const names: string[] = [];
    const out = list.map((item, i) => {
      if (!isObject(item)) throw templateError(`Param components.${kind}.example.${namedKey}[${i}] must be a JSON object.`, subcode);
      keysOnly(item, ['param_name', 'example'], `components.${kind}.example.${namedKey}[${i}]`);
      const name = checkExampleValue(item.param_name, `components.${kind}.example.${namedKey}[${i}].param_name`, subcode);
      names.push(name);
      return { param_name: name, example: checkExampleValue(item.example, `components.${kind}.example.${namedKey}[${i}].example`, subcode) };
    });
    const missing = vars.filter((v) => !names.includes(v));
    const extra = names.filter((n) => !vars.includes(n));
    if (missing.length > 0 || extra.length > 0 || names.length !== vars.length) {
      throw templateError(`Param components.${kind}.example.${namedKey} must give one sample for each variable (${vars.map((v) => `{{${v}}}`).join(', ') || 'none'}).`, subcode, 'Samples do not match');
    }
    return { [namedKey]: out };
  }
  if (vars.length > 0) throw templateError(`Param components.${kind}.example is required: give a sample value for each variable.`, subcode, 'Samples are missing');
  return undefined;
}

function checkHeader(c: Json, format: ParameterFormat): Json {
  keysOnly(c, ['type', 'format', 'text', 'example'], 'components.header');
  const f = upperEnum(c.format, ['TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION'] as const, 'components.header.format', SUBCODE.header);
  if (f === 'TEXT') {
    const text = str(c, 'text', 'components.header.text', { required: true, max: HEADER_TEXT_MAX, subcode: SUBCODE.header })!;
    const vars = checkVariables(text, format, 'components.header.text', SUBCODE.header);
    if (vars.length > 1) throw templateError('Param components.header.text may have at most one variable.', SUBCODE.header);
    const example = checkTextExample(c.example, vars, format, 'header', SUBCODE.header);
    return { type: 'HEADER', format: 'TEXT', text, ...(example ? { example } : {}) };
  }
  if (c.text !== undefined) throw templateError(`A ${f.toLowerCase()} header has no text.`, SUBCODE.header);
  if (f === 'LOCATION') {
    if (c.example !== undefined) throw templateError('A location header has no example.', SUBCODE.header);
    return { type: 'HEADER', format: 'LOCATION' };
  }
  const ex = c.example;
  if (!isObject(ex) || !Array.isArray(ex.header_handle) || ex.header_handle.length !== 1 || typeof ex.header_handle[0] !== 'string' || ex.header_handle[0] === '') {
    throw templateError(`A ${f.toLowerCase()} header needs a sample: example.header_handle = ["<handle of an uploaded file>"].`, SUBCODE.header, 'Samples are missing');
  }
  keysOnly(ex, ['header_handle'], 'components.header.example');
  return { type: 'HEADER', format: f, example: { header_handle: ex.header_handle } };
}

function checkBody(c: Json, format: ParameterFormat): Json {
  keysOnly(c, ['type', 'text', 'example'], 'components.body');
  const text = str(c, 'text', 'components.body.text', { required: true, max: BODY_TEXT_MAX, subcode: SUBCODE.body })!;
  const vars = checkVariables(text, format, 'components.body.text', SUBCODE.body);
  if (vars.length > 0) {
    const trimmed = text.trim();
    if (trimmed.startsWith('{{') || trimmed.endsWith('}}')) throw templateError('Param components.body.text must not start or end with a variable.', SUBCODE.variableAtEdge, 'Variables at the start or end');
    if (/\}\}\s*\{\{/.test(text)) throw templateError('Param components.body.text has two variables next to each other: put text between them.', SUBCODE.body);
    const occurrences = [...text.matchAll(/\{\{[^{}]*\}\}/g)].length;
    const words = text.replace(/\{\{[^{}]*\}\}/g, ' ').split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
    if (words < occurrences) throw templateError('This template has too many variables for its length: add text or use fewer variables.', SUBCODE.tooManyVariables, 'Too many variables');
  }
  const example = checkTextExample(c.example, vars, format, 'body', SUBCODE.body);
  return { type: 'BODY', text, ...(example ? { example } : {}) };
}

function checkFooter(c: Json): Json {
  keysOnly(c, ['type', 'text'], 'components.footer');
  const text = str(c, 'text', 'components.footer.text', { required: true, max: FOOTER_TEXT_MAX, subcode: SUBCODE.footer })!;
  if (variablesOf(text).length > 0) throw templateError('Param components.footer.text cannot have variables.', SUBCODE.footer);
  return { type: 'FOOTER', text };
}

function checkButtons(c: Json, category: TemplateCategory): Json {
  keysOnly(c, ['type', 'buttons'], 'components.buttons');
  const list = c.buttons;
  if (!Array.isArray(list) || list.length === 0) throw templateError('Param components.buttons.buttons must be a non-empty array.');
  if (list.length > BUTTONS_MAX) throw templateError(`A template has at most ${BUTTONS_MAX} buttons.`);
  const counts: Record<string, number> = {};
  const buttons = list.map((raw, i): Json => {
    const p = `components.buttons.buttons[${i}]`;
    if (!isObject(raw)) throw templateError(`Param ${p} must be a JSON object.`);
    const type = typeof raw.type === 'string' ? raw.type.toUpperCase() : '';
    counts[type] = (counts[type] ?? 0) + 1;
    switch (type) {
      case 'QUICK_REPLY': {
        keysOnly(raw, ['type', 'text'], p);
        return { type, text: str(raw, 'text', `${p}.text`, { required: true, max: BUTTON_TEXT_MAX })! };
      }
      case 'URL': {
        keysOnly(raw, ['type', 'text', 'url', 'example'], p);
        const text = str(raw, 'text', `${p}.text`, { required: true, max: BUTTON_TEXT_MAX })!;
        const url = str(raw, 'url', `${p}.url`, { required: true, max: URL_MAX })!;
        if (!/^https?:\/\/[^\s/$.?#][^\s]*$/i.test(url)) throw templateError(`Param ${p}.url must be an http:// or https:// URL.`);
        const vars = variablesOf(url);
        if (vars.length > 1 || (vars.length === 1 && (vars[0] !== '1' || !url.endsWith('{{1}}') || url.indexOf('{{') !== url.length - 5))) {
          throw templateError(`Param ${p}.url may have one variable, {{1}}, at its end.`);
        }
        if (vars.length === 1) {
          const ex = raw.example;
          if (!Array.isArray(ex) || ex.length !== 1 || typeof ex[0] !== 'string' || ex[0] === '') throw templateError(`Param ${p}.example is required: ["<sample URL suffix>"].`, undefined, 'Samples are missing');
          return { type, text, url, example: ex };
        }
        if (raw.example !== undefined) throw templateError(`Param ${p}.example is only for a URL with a variable.`);
        return { type, text, url };
      }
      case 'PHONE_NUMBER': {
        keysOnly(raw, ['type', 'text', 'phone_number'], p);
        const text = str(raw, 'text', `${p}.text`, { required: true, max: BUTTON_TEXT_MAX })!;
        const phone = str(raw, 'phone_number', `${p}.phone_number`, { required: true, max: PHONE_MAX })!;
        if (!/^\+?[\d\s().-]{5,}$/.test(phone) || phone.replace(/\D/g, '').length < 5) throw templateError(`Param ${p}.phone_number must be a phone number.`);
        return { type, text, phone_number: phone };
      }
      case 'COPY_CODE': {
        keysOnly(raw, ['type', 'text', 'example'], p);
        if (category !== 'MARKETING') throw templateError('A COPY_CODE button is only for marketing templates.');
        const ex = str(raw, 'example', `${p}.example`, { required: true, max: COPY_CODE_MAX })!;
        if (raw.text !== undefined) str(raw, 'text', `${p}.text`, { max: BUTTON_TEXT_MAX });
        return { type, text: COPY_CODE_TEXT, example: ex };
      }
      case 'OTP':
        throw templateError('An OTP button is only for authentication templates.');
      case 'FLOW':
      case 'MPM':
      case 'SPM':
      case 'CATALOG':
      case 'VOICE_CALL':
      case 'APP':
        throw templateError(`${type} buttons are not supported yet.`);
      default:
        throw templateError(`Param ${p}.type must be one of QUICK_REPLY, URL, PHONE_NUMBER, COPY_CODE${category === 'AUTHENTICATION' ? ', OTP' : ''}.`);
    }
  });
  if ((counts.URL ?? 0) > URL_BUTTONS_MAX) throw templateError(`A template has at most ${URL_BUTTONS_MAX} URL buttons.`);
  if ((counts.PHONE_NUMBER ?? 0) > 1) throw templateError('A template has at most one PHONE_NUMBER button.');
  if ((counts.COPY_CODE ?? 0) > 1) throw templateError('A template has at most one COPY_CODE button.');
  // Quick replies stay together: no quick reply after another kind of button that follows one.
  const kinds = buttons.map((b) => (b.type === 'QUICK_REPLY' ? 'Q' : 'O')).join('');
  if (/Q+O+Q/.test(kinds) || /O+Q+O/.test(kinds)) throw templateError('Quick reply buttons must be grouped together, not mixed between other buttons.');
  return { type: 'BUTTONS', buttons };
}

function checkAuthComponents(components: unknown[]): Json[] {
  let body: Json | null = null;
  let footer: Json | null = null;
  let buttons: Json | null = null;
  components.forEach((raw, i) => {
    if (!isObject(raw)) throw templateError(`Param components[${i}] must be a JSON object.`);
    const type = typeof raw.type === 'string' ? raw.type.toUpperCase() : '';
    if (type === 'BODY') {
      if (body) throw templateError('A template has one BODY.');
      keysOnly(raw, ['type', 'add_security_recommendation'], 'components.body');
      if (raw.add_security_recommendation !== undefined && typeof raw.add_security_recommendation !== 'boolean') throw templateError('Param components.body.add_security_recommendation must be a boolean.');
      const security = raw.add_security_recommendation === true;
      body = { type: 'BODY', text: AUTH_BODY + (security ? AUTH_SECURITY : ''), ...(raw.add_security_recommendation !== undefined ? { add_security_recommendation: security } : {}) };
    } else if (type === 'FOOTER') {
      if (footer) throw templateError('A template has at most one FOOTER.');
      keysOnly(raw, ['type', 'code_expiration_minutes'], 'components.footer');
      const m = raw.code_expiration_minutes;
      if (m === undefined) return;
      if (typeof m !== 'number' || !Number.isInteger(m) || m < 1 || m > 90) throw templateError('Param components.footer.code_expiration_minutes must be an integer from 1 to 90.', SUBCODE.footer);
      footer = { type: 'FOOTER', text: authFooter(m), code_expiration_minutes: m };
    } else if (type === 'BUTTONS') {
      if (buttons) throw templateError('A template has at most one BUTTONS component.');
      keysOnly(raw, ['type', 'buttons'], 'components.buttons');
      if (!Array.isArray(raw.buttons) || raw.buttons.length !== 1 || !isObject(raw.buttons[0])) throw templateError('An authentication template has exactly one OTP button.');
      const b = raw.buttons[0];
      const p = 'components.buttons.buttons[0]';
      keysOnly(b, ['type', 'otp_type', 'text', 'autofill_text', 'package_name', 'signature_hash', 'zero_tap_terms_accepted', 'supported_apps'], p);
      if (typeof b.type !== 'string' || b.type.toUpperCase() !== 'OTP') throw templateError('An authentication template has exactly one OTP button.');
      const otpType = upperEnum(b.otp_type, ['COPY_CODE', 'ONE_TAP', 'ZERO_TAP'] as const, `${p}.otp_type`);
      const text = str(b, 'text', `${p}.text`, { max: BUTTON_TEXT_MAX }) ?? OTP_DEFAULT_TEXT;
      const out: Json = { type: 'OTP', otp_type: otpType, text };
      if (otpType !== 'COPY_CODE') {
        const autofill = str(b, 'autofill_text', `${p}.autofill_text`, { max: BUTTON_TEXT_MAX });
        if (autofill !== undefined) out.autofill_text = autofill;
        if (Array.isArray(b.supported_apps) && b.supported_apps.length > 0) {
          out.supported_apps = b.supported_apps.map((app, i) => {
            if (!isObject(app)) throw templateError(`Param ${p}.supported_apps[${i}] must be a JSON object.`);
            keysOnly(app, ['package_name', 'signature_hash'], `${p}.supported_apps[${i}]`);
            return { package_name: str(app, 'package_name', `${p}.supported_apps[${i}].package_name`, { required: true, max: 224 }), signature_hash: str(app, 'signature_hash', `${p}.supported_apps[${i}].signature_hash`, { required: true, max: 11 }) };
          });
        } else {
          out.package_name = str(b, 'package_name', `${p}.package_name`, { required: true, max: 224 });
          out.signature_hash = str(b, 'signature_hash', `${p}.signature_hash`, { required: true, max: 11 });
        }
        if (otpType === 'ZERO_TAP') {
          if (b.zero_tap_terms_accepted !== true) throw templateError(`Param ${p}.zero_tap_terms_accepted must be true for a ZERO_TAP button.`);
          out.zero_tap_terms_accepted = true;
        }
      }
      buttons = { type: 'BUTTONS', buttons: [out] };
    } else if (type === 'HEADER') {
      throw templateError('An authentication template has no header.', SUBCODE.header);
    } else {
      throw templateError(`Param components[${i}].type must be BODY, FOOTER or BUTTONS for an authentication template.`);
    }
  });
  if (!body) throw templateError('The component BODY is required.', SUBCODE.body);
  if (!buttons) throw templateError('An authentication template has exactly one OTP button.');
  return [body, ...(footer ? [footer] : []), buttons];
}

/** Components of a template of `category` with variables in `format`, in stored form. */
export function checkComponents(v: unknown, category: TemplateCategory, format: ParameterFormat): Json[] {
  if (v === undefined) throw templateError('The parameter components is required.');
  if (!Array.isArray(v) || v.length === 0) throw templateError('Param components must be a non-empty array.');
  if (category === 'AUTHENTICATION') {
    if (format !== 'POSITIONAL') throw templateError('Authentication templates use positional parameters.');
    return checkAuthComponents(v);
  }
  const byType = new Map<string, Json>();
  for (const [i, raw] of v.entries()) {
    if (!isObject(raw)) throw templateError(`Param components[${i}] must be a JSON object.`);
    const type = typeof raw.type === 'string' ? raw.type.toUpperCase() : '';
    if (byType.has(type)) throw templateError(`A template has at most one ${type} component.`);
    switch (type) {
      case 'HEADER':
        byType.set(type, checkHeader(raw, format));
        break;
      case 'BODY':
        byType.set(type, checkBody(raw, format));
        break;
      case 'FOOTER':
        byType.set(type, checkFooter(raw));
        break;
      case 'BUTTONS':
        byType.set(type, checkButtons(raw, category));
        break;
      case 'CAROUSEL':
      case 'LIMITED_TIME_OFFER':
        throw templateError(`${type} components are not supported yet.`);
      default:
        throw templateError(`Param components[${i}].type must be one of HEADER, BODY, FOOTER, BUTTONS.`);
    }
  }
  if (!byType.has('BODY')) throw templateError('The component BODY is required.', SUBCODE.body);
  return ['HEADER', 'BODY', 'FOOTER', 'BUTTONS'].filter((t) => byType.has(t)).map((t) => byType.get(t)!);
}

/** `POST /{waba_id}/message_templates` body → a template definition (nothing stored yet). */
export function checkTemplateCreate(body: unknown): TemplateDefinition {
  if (!isObject(body)) throw templateError('The request body must be a JSON object.');
  keysOnly(body, CREATE_KEYS, 'template');
  const name = checkName(body.name);
  const language = checkLanguage(body.language);
  const category = checkCategory(body.category);
  const parameterFormat = checkParameterFormat(body.parameter_format);
  if (body.allow_category_change !== undefined && typeof body.allow_category_change !== 'boolean') throw templateError('Param allow_category_change must be a boolean.');
  const components = checkComponents(body.components, category, parameterFormat);
  return { name, language, category, parameterFormat, components, messageSendTtlSeconds: checkTtl(body.message_send_ttl_seconds, category), allowCategoryChange: body.allow_category_change === true };
}

/**
 * @module domain/api/templates/render
 * Sending a template (reference §3.9): the named template must be an approved one of the WABA in
 * that language (132001; paused 132015, disabled 132016), the request's components must give
 * exactly the parameters the template has (count 132000, type or name 132012, characters 132007),
 * and the rendered texts must fit (132005). The result is the customer's TemplateContent.
 */
import type { TemplateContent } from '#contracts/content.js';
import type { Ctx } from '../../../context.js';
import type { ApiTemplatesTable } from '../../../tables.js';
import { GraphError } from '../graph-error.js';
import { isObject, objectParam, onlyKeys, optionalString, requiredString } from '../message-types/check.js';
import { resolveMedia } from '../message-types/media-param.js';
import type { BuildContext, Json } from '../message-types/types.js';
import { fill, normalizeLanguage, shapeOf, type TemplateShape } from './model.js';
import { endDuePauses } from './quality.js';

/** A body parameter's limit when the template has other components, and when it is body-only. */
export const BODY_RENDERED_MAX = 1024;
export const BODY_ONLY_RENDERED_MAX = 32768;
export const HEADER_RENDERED_MAX = 60;
export const URL_RENDERED_MAX = 2000;
export const PAYLOAD_MAX = 256;
export const CODE_MAX = 15;

/** A template of the WABA by name and language (any status but deleted), or undefined. */
export async function findTemplate(db: Ctx['db'], wabaId: string, name: string, language: string): Promise<ApiTemplatesTable | undefined> {
  return db.selectFrom('api_templates').selectAll().where('waba_id', '=', wabaId).where('name', '=', name).where('language', '=', language).where('status', '!=', 'DELETED').executeTakeFirst();
}

/** The template a send names, if it may be sent. */
export async function accessSendableTemplate(b: BuildContext, name: string, code: string): Promise<ApiTemplatesTable> {
  // A pause that is over ends now (quality.ts).
  await endDuePauses(b.ctx, b.num.wabaId);
  const lang = normalizeLanguage(code);
  const row = lang ? await findTemplate(b.ctx.db, b.num.wabaId, name, lang) : undefined;
  if (!row) throw new GraphError(132001, `Template name does not exist in the translation: there is no template ${name.slice(0, 512)} in ${code.slice(0, 20)}.`);
  if (row.status === 'PAUSED') throw new GraphError(132015, `The template ${name} is paused because of its low quality; edit it or wait until it is reinstated.`);
  if (row.status === 'DISABLED') throw new GraphError(132016, `The template ${name} is disabled because it was paused too often; create a new template.`);
  if (row.status !== 'APPROVED') throw new GraphError(132001, `The template ${name} in ${row.language} is not approved (status ${row.status}).`);
  return row;
}

/** Text parameters may not hold new lines, tabs or more than 4 consecutive spaces. */
function checkPolicy(text: string, param: string): string {
  if (/[\n\r\t]/.test(text) || / {5,}/.test(text)) throw new GraphError(132007, `Param ${param} cannot have new-line or tab characters or more than 4 consecutive spaces.`);
  return text;
}

function paramType(p: Json, param: string): string {
  const t = requiredString(p, 'type', `${param}.type`);
  return t.toLowerCase();
}

function parameterList(c: Json, param: string): Json[] {
  if (c.parameters === undefined) return [];
  if (!Array.isArray(c.parameters)) throw new GraphError(100, `Param ${param}.parameters must be an array.`);
  return c.parameters.map((p, i) => {
    if (!isObject(p)) throw new GraphError(100, `Param ${param}.parameters[${i}] must be a JSON object.`);
    return p;
  });
}

function countMatches(given: number, expected: number, what: string): void {
  if (given !== expected) throw new GraphError(132000, `Number of parameters does not match the expected number of params: ${what} expects ${expected}, got ${given}.`);
}

/** A text-like parameter (text, currency, date_time) → its rendered value. */
function textValue(p: Json, param: string, allowed: readonly string[]): string {
  const type = paramType(p, param);
  if (!allowed.includes(type)) throw new GraphError(132012, `Parameter format does not match format in the created template: ${param} must be of type ${allowed.join(' or ')}, not ${type}.`);
  if (type === 'text') {
    onlyKeys(p, ['type', 'text', 'parameter_name'], param);
    const text = requiredString(p, 'text', `${param}.text`);
    if (text === '') throw new GraphError(131009, `Param ${param}.text must not be empty.`);
    return checkPolicy(text, `${param}.text`);
  }
  onlyKeys(p, ['type', type, 'parameter_name'], param);
  const obj = objectParam(p[type], `${param}.${type}`);
  onlyKeys(obj, type === 'currency' ? ['fallback_value', 'code', 'amount_1000'] : ['fallback_value', 'day_of_week', 'year', 'month', 'day_of_month', 'hour', 'minute', 'calendar', 'timestamp'], `${param}.${type}`);
  // The Cloud API always renders the fallback value (reference §3.9).
  const fallback = requiredString(obj, 'fallback_value', `${param}.${type}.fallback_value`);
  if (fallback === '') throw new GraphError(131009, `Param ${param}.${type}.fallback_value must not be empty.`);
  if (type === 'currency') {
    const code = optionalString(obj, 'code', `${param}.currency.code`);
    if (code !== undefined && !/^[A-Z]{3}$/.test(code)) throw new GraphError(131009, `Param ${param}.currency.code must be an ISO 4217 code such as USD.`);
    if (obj.amount_1000 !== undefined && (typeof obj.amount_1000 !== 'number' || !Number.isInteger(obj.amount_1000))) throw new GraphError(131009, `Param ${param}.currency.amount_1000 must be an integer.`);
  }
  return checkPolicy(fallback, `${param}.${type}.fallback_value`);
}

/** Values of a text's variables from its parameters, positional (by order) or named (by parameter_name). */
function variableValues(params: Json[], variables: string[], named: boolean, param: string, allowed: readonly string[]): Map<string, string> {
  countMatches(params.length, variables.length, param);
  const values = new Map<string, string>();
  params.forEach((p, i) => {
    const pp = `${param}.parameters[${i}]`;
    const value = textValue(p, pp, allowed);
    if (named) {
      const name = p.parameter_name;
      if (typeof name !== 'string' || !variables.includes(name) || values.has(name)) {
        throw new GraphError(132012, `Parameter format does not match format in the created template: ${pp}.parameter_name must name one of ${variables.map((v) => `{{${v}}}`).join(', ')} once.`);
      }
      values.set(name, value);
    } else {
      if (p.parameter_name !== undefined) throw new GraphError(132012, `Parameter format does not match format in the created template: the template has positional parameters; ${pp} has a parameter_name.`);
      values.set(String(i + 1), value);
    }
  });
  return values;
}

type Header = NonNullable<TemplateContent['header']>;

/** One place for media given by link in a template header: not supported until link fetching exists. */
async function renderHeader(b: BuildContext, shape: TemplateShape, named: boolean, params: Json[]): Promise<{ header?: Header; mediaId?: string }> {
  const h = shape.header;
  const param = 'template.components.header';
  if (!h) {
    countMatches(params.length, 0, 'the header');
    return {};
  }
  if (h.format === 'TEXT') {
    const values = variableValues(params, h.variables, named, param, ['text']);
    const text = fill(h.text!, values);
    if ([...text].length > HEADER_RENDERED_MAX) throw new GraphError(132005, `The rendered header text is ${[...text].length} characters; at most ${HEADER_RENDERED_MAX}.`);
    return { header: { type: 'text', text } };
  }
  countMatches(params.length, 1, `the ${h.format.toLowerCase()} header`);
  const p = params[0]!;
  const pp = `${param}.parameters[0]`;
  const type = paramType(p, pp);
  const expected = h.format.toLowerCase();
  if (type !== expected) throw new GraphError(132012, `Parameter format does not match format in the created template: the header is ${h.format}, the parameter is ${type}.`);
  onlyKeys(p, ['type', type], pp);
  const obj = objectParam(p[type], `${pp}.${type}`);
  if (type === 'location') {
    onlyKeys(obj, ['latitude', 'longitude', 'name', 'address'], `${pp}.location`);
    const coord = (key: 'latitude' | 'longitude', max: number) => {
      const raw = obj[key];
      if (raw === undefined) throw new GraphError(131008, `The parameter ${pp}.location.${key} is required.`);
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (!Number.isFinite(n) || Math.abs(n) > max) throw new GraphError(131009, `Param ${pp}.location.${key} must be a number from -${max} to ${max}.`);
      return n;
    };
    const name = optionalString(obj, 'name', `${pp}.location.name`);
    const address = optionalString(obj, 'address', `${pp}.location.address`);
    if (name !== undefined && name.length > 256) throw new GraphError(131009, `Param ${pp}.location.name must be at most 256 characters.`);
    if (address !== undefined && address.length > 512) throw new GraphError(131009, `Param ${pp}.location.address must be at most 512 characters.`);
    return { header: { type: 'location', latitude: coord('latitude', 90), longitude: coord('longitude', 180), ...(name ? { name } : {}), ...(address ? { address } : {}) } };
  }
  const kind = type as 'image' | 'video' | 'document';
  onlyKeys(obj, kind === 'document' ? ['id', 'link', 'filename'] : ['id', 'link'], `${pp}.${kind}`);
  if (obj.id !== undefined && obj.link !== undefined) throw new GraphError(131009, `Param ${pp}.${kind} takes either id or link, not both.`);
  // By id, or by link (fetched while the request waits; a failure answers 131053).
  const { mediaId } = await resolveMedia(b, obj, `${pp}.${kind}`, kind);
  const filename = kind === 'document' ? optionalString(obj, 'filename', `${pp}.document.filename`) : undefined;
  if (filename !== undefined && (filename === '' || filename.length > 255)) throw new GraphError(131009, `Param ${pp}.document.filename must be 1 to 255 characters.`);
  return { header: { type: kind, mediaId, ...(filename ? { fileName: filename } : {}) }, mediaId };
}

const SUB_TYPES: Record<string, string[]> = { quick_reply: ['QUICK_REPLY'], url: ['URL', 'OTP'], copy_code: ['COPY_CODE'] };

function renderButtons(shape: TemplateShape, given: Map<number, { subType: string; params: Json[]; param: string }>): NonNullable<TemplateContent['buttons']> | undefined {
  for (const [index, g] of given) {
    const button = shape.buttons[index];
    if (!button) throw new GraphError(131009, `Param ${g.param}.index: the template has no button ${index}.`);
    if (!SUB_TYPES[g.subType]!.includes(String(button.type))) {
      throw new GraphError(132012, `Parameter format does not match format in the created template: button ${index} is ${String(button.type)}, not ${g.subType}.`);
    }
  }
  const out = shape.buttons.map((button, index) => {
    const g = given.get(index);
    const text = String(button.text);
    const one = (expectedType: string): string | undefined => {
      const needed = button.type === 'QUICK_REPLY' ? (g ? 1 : 0) : button.type === 'URL' ? (/\{\{1\}\}$/.test(String(button.url)) ? 1 : 0) : button.type === 'OTP' || button.type === 'COPY_CODE' ? 1 : 0;
      const params = g?.params ?? [];
      countMatches(params.length, needed, `button ${index}`);
      if (needed === 0) return undefined;
      const p = params[0]!;
      const pp = `${g!.param}.parameters[0]`;
      const type = paramType(p, pp);
      if (type !== expectedType) throw new GraphError(132012, `Parameter format does not match format in the created template: ${pp} must be of type ${expectedType}, not ${type}.`);
      onlyKeys(p, ['type', expectedType], pp);
      const v = requiredString(p, expectedType, `${pp}.${expectedType}`);
      if (v === '') throw new GraphError(131009, `Param ${pp}.${expectedType} must not be empty.`);
      return v;
    };
    switch (button.type) {
      case 'QUICK_REPLY': {
        const payload = one('payload');
        if (payload !== undefined && payload.length > PAYLOAD_MAX) throw new GraphError(131009, `Param button ${index} payload must be at most ${PAYLOAD_MAX} characters.`);
        return { type: 'quick_reply' as const, text, ...(payload !== undefined ? { payload } : {}) };
      }
      case 'URL': {
        const suffix = one('text');
        const url = suffix === undefined ? String(button.url) : String(button.url).replace(/\{\{1\}\}$/, suffix);
        if (url.length > URL_RENDERED_MAX) throw new GraphError(132005, `The rendered URL of button ${index} is over ${URL_RENDERED_MAX} characters.`);
        return { type: 'url' as const, text, url };
      }
      case 'PHONE_NUMBER':
        one('none');
        return { type: 'phone_number' as const, text, phoneNumber: String(button.phone_number) };
      case 'COPY_CODE': {
        const code = one('coupon_code')!;
        if (code.length > CODE_MAX) throw new GraphError(131009, `Param button ${index} coupon_code must be at most ${CODE_MAX} characters.`);
        return { type: 'copy_code' as const, text, code };
      }
      default: {
        // OTP (authentication): the code is the url button's parameter (reference §3.9).
        const code = one('text')!;
        if (code.length > CODE_MAX) throw new GraphError(131009, `Param button ${index} text (the code) must be at most ${CODE_MAX} characters.`);
        return { type: 'otp' as const, text, code };
      }
    }
  });
  return out.length > 0 ? out : undefined;
}

/** `template` object of a send → the rendered content (and header medium). */
export async function renderTemplate(b: BuildContext, value: unknown): Promise<{ content: TemplateContent; mediaId?: string }> {
  const t = objectParam(value, 'template');
  onlyKeys(t, ['name', 'language', 'components', 'namespace'], 'template');
  const name = requiredString(t, 'name', 'template.name');
  const language = objectParam(t.language, 'template.language');
  onlyKeys(language, ['code', 'policy'], 'template.language');
  const code = requiredString(language, 'code', 'template.language.code');
  if (language.policy !== undefined && language.policy !== 'deterministic') throw new GraphError(131009, 'Param template.language.policy must be "deterministic".');
  if (t.components !== undefined && !Array.isArray(t.components)) throw new GraphError(100, 'Param template.components must be an array.');

  const row = await accessSendableTemplate(b, name, code);
  const shape = shapeOf(JSON.parse(row.components) as Json[]);
  const named = row.parameter_format === 'NAMED';

  let headerParams: Json[] = [];
  let bodyParams: Json[] = [];
  let sawHeader = false;
  let sawBody = false;
  const buttons = new Map<number, { subType: string; params: Json[]; param: string }>();
  ((t.components as unknown[] | undefined) ?? []).forEach((raw, i) => {
    const param = `template.components[${i}]`;
    if (!isObject(raw)) throw new GraphError(100, `Param ${param} must be a JSON object.`);
    const type = requiredString(raw, 'type', `${param}.type`).toLowerCase();
    if (type === 'header' || type === 'body') {
      onlyKeys(raw, ['type', 'parameters'], param);
      if ((type === 'header' && sawHeader) || (type === 'body' && sawBody)) throw new GraphError(131009, `Param template.components has two ${type} components.`);
      if (type === 'header') [sawHeader, headerParams] = [true, parameterList(raw, param)];
      else [sawBody, bodyParams] = [true, parameterList(raw, param)];
    } else if (type === 'button') {
      onlyKeys(raw, ['type', 'sub_type', 'index', 'parameters'], param);
      const subType = requiredString(raw, 'sub_type', `${param}.sub_type`).toLowerCase();
      if (!SUB_TYPES[subType]) {
        throw new GraphError(131009, ['catalog', 'mpm', 'flow', 'voice_call'].includes(subType) ? `Buttons of sub_type ${subType} are not supported yet.` : `Param ${param}.sub_type must be quick_reply, url or copy_code.`);
      }
      const rawIndex = raw.index;
      if (rawIndex === undefined) throw new GraphError(131008, `The parameter ${param}.index is required.`);
      const index = typeof rawIndex === 'number' ? rawIndex : typeof rawIndex === 'string' && /^\d{1,2}$/.test(rawIndex) ? Number(rawIndex) : NaN;
      if (!Number.isInteger(index) || index < 0) throw new GraphError(131009, `Param ${param}.index must be a button position (0, 1, …).`);
      if (buttons.has(index)) throw new GraphError(131009, `Param template.components has two components for button ${index}.`);
      buttons.set(index, { subType, params: parameterList(raw, param), param });
    } else {
      throw new GraphError(131009, `Param ${param}.type must be header, body or button.`);
    }
  });

  const { header, mediaId } = await renderHeader(b, shape, named, headerParams);
  const bodyValues = variableValues(bodyParams, shape.body.variables, named, 'template.components.body', ['text', 'currency', 'date_time']);
  const body = fill(shape.body.text, bodyValues);
  const bodyOnly = !shape.header && shape.footer === null && shape.buttons.length === 0;
  const bodyMax = bodyOnly ? BODY_ONLY_RENDERED_MAX : BODY_RENDERED_MAX;
  if ([...body].length > bodyMax) throw new GraphError(132005, `The rendered body is ${[...body].length} characters; at most ${bodyMax}${bodyOnly ? '' : ' when the template has a header, footer or buttons'}.`);
  const renderedButtons = renderButtons(shape, buttons);

  const content: TemplateContent = {
    name: row.name,
    language: row.language,
    category: row.category.toLowerCase() as TemplateContent['category'],
    ...(header ? { header } : {}),
    body,
    ...(shape.footer !== null ? { footer: shape.footer } : {}),
    ...(renderedButtons ? { buttons: renderedButtons } : {}),
  };
  return { content, ...(mediaId ? { mediaId } : {}) };
}

/**
 * @module domain/api/message-types/contacts
 * `type: contacts` (reference §3.6): an array of 1–257 contact objects → one Parley `contact`
 * message holding one card each. `name.formatted_name` is required plus at least one other name
 * part; phones, emails, addresses, org, urls and birthday map onto the card without loss.
 */
import type { ContactContent } from '#contracts/content.js';
import { GraphError } from '../graph-error.js';
import { checkLength, isObject, objectParam, onlyKeys, optionalString, requiredString } from './check.js';
import type { Json, MessageBuilder } from './types.js';

export const CONTACTS_MAX = 257;
/** Per card: phones, emails, addresses and urls each. */
export const CONTACT_ITEMS_MAX = 10;

type Card = ContactContent['contacts'][number];

const NAME_PARTS = { first_name: 'firstName', last_name: 'lastName', middle_name: 'middleName', prefix: 'namePrefix', suffix: 'nameSuffix' } as const;
const ADDRESS_FIELDS = { street: ['street', 256], city: ['city', 128], state: ['state', 128], zip: ['zip', 32], country: ['country', 128], country_code: ['countryCode', 8] } as const;

/** An optional array of objects (at most CONTACT_ITEMS_MAX). */
function items(obj: Json, key: string, param: string): Json[] {
  const v = obj[key];
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new GraphError(100, `Param ${param} must be an array.`);
  if (v.length > CONTACT_ITEMS_MAX) throw new GraphError(131009, `Param ${param} must have at most ${CONTACT_ITEMS_MAX} items.`);
  return v.map((item, i) => {
    if (!isObject(item)) throw new GraphError(100, `Param ${param}[${i}] must be a JSON object.`);
    return item;
  });
}

/** An optional string field, '' treated as absent, at most `max` characters. */
function text(obj: Json, key: string, param: string, max: number): string | undefined {
  const v = optionalString(obj, key, param);
  return v === undefined || v.trim() === '' ? undefined : checkLength(v, max, param);
}

function card(value: unknown, p: string): Card {
  const c = objectParam(value, p);
  onlyKeys(c, ['name', 'phones', 'emails', 'addresses', 'org', 'urls', 'birthday'], p);
  const name = objectParam(c.name, `${p}.name`);
  onlyKeys(name, ['formatted_name', ...Object.keys(NAME_PARTS)], `${p}.name`);
  const formatted = requiredString(name, 'formatted_name', `${p}.name.formatted_name`);
  if (formatted.trim() === '') throw new GraphError(131009, `Param ${p}.name.formatted_name must not be empty.`);
  const out: Card = { name: checkLength(formatted, 256, `${p}.name.formatted_name`), phones: [] };
  for (const [api, field] of Object.entries(NAME_PARTS)) {
    const part = text(name, api, `${p}.name.${api}`, 256);
    if (part !== undefined) out[field] = part;
  }
  if (!Object.values(NAME_PARTS).some((f) => out[f] !== undefined)) {
    throw new GraphError(131008, `The parameter ${p}.name requires at least one of first_name, last_name, middle_name, prefix or suffix besides formatted_name.`);
  }

  out.phones = items(c, 'phones', `${p}.phones`).map((ph, i) => {
    const q = `${p}.phones[${i}]`;
    onlyKeys(ph, ['phone', 'type', 'wa_id'], q);
    const number = requiredString(ph, 'phone', `${q}.phone`);
    const phone: Card['phones'][number] = { number: checkLength(number, 32, `${q}.phone`) };
    const label = text(ph, 'type', `${q}.type`, 32);
    if (label !== undefined) phone.label = label;
    const waId = optionalString(ph, 'wa_id', `${q}.wa_id`);
    if (waId !== undefined && waId !== '') {
      if (!/^\d{1,20}$/.test(waId)) throw new GraphError(131009, `Param ${q}.wa_id must be the digits of a phone number.`);
      phone.waId = waId;
    }
    return phone;
  });

  const emails = items(c, 'emails', `${p}.emails`).map((e, i) => {
    const q = `${p}.emails[${i}]`;
    onlyKeys(e, ['email', 'type'], q);
    return { email: checkLength(requiredString(e, 'email', `${q}.email`), 256, `${q}.email`), label: text(e, 'type', `${q}.type`, 32) ?? '' };
  });
  if (emails.length > 0) {
    out.emails = emails.map((e) => e.email);
    if (emails.some((e) => e.label !== '')) out.emailLabels = emails.map((e) => e.label);
  }

  const addresses = items(c, 'addresses', `${p}.addresses`).map((a, i) => {
    const q = `${p}.addresses[${i}]`;
    onlyKeys(a, [...Object.keys(ADDRESS_FIELDS), 'type'], q);
    const address: NonNullable<Card['addresses']>[number] = {};
    for (const [api, [field, max]] of Object.entries(ADDRESS_FIELDS)) {
      const v = text(a, api, `${q}.${api}`, max);
      if (v !== undefined) address[field] = v;
    }
    const label = text(a, 'type', `${q}.type`, 32);
    if (label !== undefined) address.label = label;
    return address;
  });
  if (addresses.length > 0) out.addresses = addresses;

  const urls = items(c, 'urls', `${p}.urls`).map((u, i) => {
    const q = `${p}.urls[${i}]`;
    onlyKeys(u, ['url', 'type'], q);
    const url: NonNullable<Card['urls']>[number] = { url: checkLength(requiredString(u, 'url', `${q}.url`), 2000, `${q}.url`) };
    const label = text(u, 'type', `${q}.type`, 32);
    if (label !== undefined) url.label = label;
    return url;
  });
  if (urls.length > 0) out.urls = urls;

  if (c.org !== undefined) {
    const org = objectParam(c.org, `${p}.org`);
    onlyKeys(org, ['company', 'department', 'title'], `${p}.org`);
    const company = text(org, 'company', `${p}.org.company`, 256);
    const department = text(org, 'department', `${p}.org.department`, 256);
    const title = text(org, 'title', `${p}.org.title`, 256);
    if (company !== undefined) out.organization = company;
    if (department !== undefined) out.department = department;
    if (title !== undefined) out.jobTitle = title;
  }

  const birthday = text(c, 'birthday', `${p}.birthday`, 10);
  if (birthday !== undefined) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthday);
    const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
    if (!m || !d || d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) throw new GraphError(131009, `Param ${p}.birthday must be a date in the form YYYY-MM-DD.`);
    out.birthday = birthday;
  }
  return out;
}

/**
 * Graph reads a parameter given as a JSON-encoded string like the value it encodes; some client
 * libraries (whatsapp-api-js) send `contacts` that way.
 */
function decodedArray(value: unknown): unknown {
  if (typeof value !== 'string' || !value.trimStart().startsWith('[')) return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

export const buildContacts: MessageBuilder = async (_b, raw) => {
  if (raw === undefined) throw new GraphError(131008, 'The parameter contacts is required.');
  const value = decodedArray(raw);
  if (!Array.isArray(value)) throw new GraphError(100, 'Param contacts must be an array.');
  if (value.length === 0) throw new GraphError(131009, 'Param contacts must hold at least one contact.');
  if (value.length > CONTACTS_MAX) throw new GraphError(131009, `Param contacts must hold at most ${CONTACTS_MAX} contacts.`);
  const contacts = value.map((v, i) => card(v, `contacts[${i}]`));
  return { kind: 'contact', content: { contacts } };
};

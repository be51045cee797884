/**
 * @module domain/api/manage/params
 * Parameters of the management endpoints, the Graph way: a POST takes its parameters from the JSON
 * body and from the query string alike (Meta's own examples use both), unknown keys are refused, and
 * every refusal is code 100 with a `(#100) …` message naming the parameter. `fields=` selection with
 * nested `field{a,b}` and modifiers (`qr_image_url.format(SVG)`), and cursor paging (reference §1.1).
 */
import { GraphError } from '../graph-error.js';
import { withoutNulls } from '../send.js';
import type { Json } from '../message-types/index.js';

export function paramError(details: string): GraphError {
  return new GraphError(100, details, { message: `(#100) ${details}` });
}

/** Query parameters (minus the token) merged under the JSON body; nulls dropped. */
export function mergedParams(query: unknown, body: unknown): Json {
  const out: Json = {};
  if (query && typeof query === 'object') {
    for (const [k, v] of Object.entries(query as Json)) if (k !== 'access_token' && v !== undefined) out[k] = v;
  }
  if (body !== undefined && body !== null && body !== '') {
    const b = withoutNulls(body);
    if (typeof b !== 'object' || Array.isArray(b)) throw paramError('The request body must be a JSON object.');
    Object.assign(out, b);
  }
  return out;
}

export function onlyParams(params: Json, allowed: readonly string[]): void {
  for (const k of Object.keys(params)) if (!allowed.includes(k)) throw paramError(`Unexpected parameter "${k}".`);
}

export function stringParam(params: Json, key: string, opts: { required: true }): string;
export function stringParam(params: Json, key: string, opts?: { required?: boolean }): string | undefined;
export function stringParam(params: Json, key: string, opts: { required?: boolean } = {}): string | undefined {
  const v = params[key];
  if (v === undefined) {
    if (opts.required) throw paramError(`The parameter ${key} is required.`);
    return undefined;
  }
  if (typeof v !== 'string') throw paramError(`Param ${key} must be a string.`);
  return v;
}

/** A boolean given as JSON true/false or as the query strings "true"/"false" (also 1/0). */
export function boolParam(params: Json, key: string): boolean | undefined {
  const v = params[key];
  if (v === undefined) return undefined;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === '1' || v === 1) return true;
  if (v === 'false' || v === '0' || v === 0) return false;
  throw paramError(`Param ${key} must be a boolean.`);
}

/** `messaging_product` must be "whatsapp" (required where the reference sends it). */
export function checkMessagingProduct(params: Json, required: boolean): void {
  const v = params.messaging_product;
  if (v === undefined) {
    if (required) throw paramError('The parameter messaging_product is required.');
    return;
  }
  if (v !== 'whatsapp') throw paramError('Param messaging_product must be "whatsapp".');
}

// ---- fields= ------------------------------------------------------------------------------------

export interface FieldSelection {
  name: string;
  /** `name{a,b}`: the sub-fields asked for. */
  sub: FieldSelection[] | null;
  /** `name.format(SVG)` → { format: 'SVG' }. */
  modifiers: Record<string, string>;
}

/** Parse `a,b{c,d},e.format(SVG)`; null when the parameter is absent or empty. */
export function parseFields(raw: unknown): FieldSelection[] | null {
  if (raw === undefined) return null;
  if (typeof raw !== 'string') throw paramError('Param fields must be a comma-separated string.');
  if (raw.trim() === '') return null;
  let i = 0;
  const parseList = (closing: string | null): FieldSelection[] => {
    const list: FieldSelection[] = [];
    for (;;) {
      const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)/.exec(raw.slice(i));
      if (!m) throw paramError(`Syntax error in fields at character ${i}.`);
      i += m[0].length;
      const field: FieldSelection = { name: m[1]!, sub: null, modifiers: {} };
      for (;;) {
        const mod = /^\.([A-Za-z_]+)\(([^()]*)\)/.exec(raw.slice(i));
        if (!mod) break;
        field.modifiers[mod[1]!] = mod[2]!.trim();
        i += mod[0].length;
      }
      if (raw[i] === '{') {
        i++;
        field.sub = parseList('}');
      }
      list.push(field);
      while (raw[i] === ' ') i++;
      if (raw[i] === ',') {
        i++;
        continue;
      }
      if (closing !== null && raw[i] === closing) {
        i++;
        return list;
      }
      if (closing === null && i >= raw.length) return list;
      throw paramError(`Syntax error in fields at character ${i}.`);
    }
  };
  return parseList(null);
}

/**
 * The object's fields as selected: `defaults` when nothing is asked for; an unknown field is the
 * Graph's 100 "Tried accessing nonexisting field". `id` always comes first when the node has one.
 */
export function selectFields(all: Json, selection: FieldSelection[] | null, defaults: readonly string[], nodeType: string): Json {
  const out: Json = {};
  if ('id' in all) out.id = all.id;
  const wanted = selection ?? defaults.map((name) => ({ name, sub: null, modifiers: {} }));
  for (const f of wanted) {
    if (!(f.name in all)) throw paramError(`Tried accessing nonexisting field (${f.name}) on node type (${nodeType})`);
    const value = all[f.name];
    if (value === undefined) continue;
    out[f.name] = f.sub && value && typeof value === 'object' && !Array.isArray(value) ? pick(value as Json, f.sub) : value;
  }
  return out;
}

/** The inverse of parseFields: a selection written back as a `fields=` value. */
export function formatFields(selection: FieldSelection[]): string {
  return selection
    .map((f) => f.name + Object.entries(f.modifiers).map(([k, v]) => `.${k}(${v})`).join('') + (f.sub ? `{${formatFields(f.sub)}}` : ''))
    .join(',');
}

function pick(obj: Json, sub: FieldSelection[]): Json {
  const out: Json = {};
  for (const f of sub) if (obj[f.name] !== undefined) out[f.name] = f.sub && typeof obj[f.name] === 'object' ? pick(obj[f.name] as Json, f.sub) : obj[f.name];
  return out;
}

// ---- paging -------------------------------------------------------------------------------------

export interface Paged<T> {
  data: T[];
  paging: { cursors: { before: string; after: string }; next?: string; previous?: string };
}

const cursorOf = (index: number) => Buffer.from(`i:${index}`, 'utf8').toString('base64url');
function indexOf(cursor: string, name: string): number {
  const m = /^i:(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw paramError(`Param ${name} is not a cursor of this list.`);
  return Number(m[1]);
}

/**
 * One page of an ordered list, with `limit`, `after` and `before` (reference §1.1); `next` /
 * `previous` are the same request's URL with the cursor swapped. Cursors name positions in the list.
 */
export function page<T>(items: T[], params: Json, url: URL, defaultLimit = 25): Paged<T> {
  let limit = defaultLimit;
  if (params.limit !== undefined) {
    const n = Number(params.limit);
    if (!Number.isInteger(n) || n < 1) throw paramError('Param limit must be a positive integer.');
    limit = Math.min(n, 1000);
  }
  let start = 0;
  let end: number;
  if (typeof params.after === 'string' && params.after !== '') {
    start = indexOf(params.after, 'after') + 1;
    end = Math.min(items.length, start + limit);
  } else if (typeof params.before === 'string' && params.before !== '') {
    end = Math.min(items.length, indexOf(params.before, 'before'));
    start = Math.max(0, end - limit);
  } else {
    end = Math.min(items.length, limit);
  }
  const data = items.slice(start, end);
  const first = cursorOf(start);
  const last = cursorOf(Math.max(start, end - 1));
  const paging: Paged<T>['paging'] = { cursors: { before: first, after: last } };
  const link = (key: 'after' | 'before', cursor: string) => {
    const u = new URL(url);
    u.searchParams.delete('after');
    u.searchParams.delete('before');
    u.searchParams.delete('access_token');
    u.searchParams.set('limit', String(limit));
    u.searchParams.set(key, cursor);
    return u.toString();
  };
  if (end < items.length && data.length > 0) paging.next = link('after', last);
  if (start > 0 && data.length > 0) paging.previous = link('before', first);
  return { data, paging };
}

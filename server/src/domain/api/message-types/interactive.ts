/**
 * @module domain/api/message-types/interactive
 * `type: interactive` (reference §3.8): reply buttons, a list, a call-to-action URL button, one
 * product or a product list from the business's own catalog → a Parley `interactive` message
 * (contracts InteractiveContent). Limits as §3.11. Other interactive kinds of the Cloud API
 * (flow, catalog_message, location_request_message, address_message, call_permission_request,
 * order_details, order_status) are real message types Parley does not offer: 131051 (Unsupported
 * message type); a `type` that is no Cloud API kind at all is a bad enum value: 131009.
 */
import type { InteractiveContent } from '#contracts/content.js';
import { checkApiCatalog, productItems } from '../catalog.js';
import { GraphError } from '../graph-error.js';
import { checkLength, objectParam, onlyKeys, optionalString, requiredString } from './check.js';
import { resolveMedia } from './media-param.js';
import type { BuildContext, BuiltMessage, Json, MessageBuilder } from './types.js';

export const INTERACTIVE_LIMITS = {
  headerText: 60,
  body: 1024,
  listBody: 4096,
  footer: 60,
  buttons: 3,
  buttonId: 256,
  buttonTitle: 20,
  listButton: 20,
  sections: 10,
  rows: 10,
  sectionTitle: 24,
  rowId: 200,
  rowTitle: 24,
  rowDescription: 72,
  ctaText: 20,
  url: 2000,
  productSections: 10,
  products: 30,
} as const;

const SUPPORTED = ['button', 'list', 'cta_url', 'product', 'product_list'] as const;
type Kind = (typeof SUPPORTED)[number];
/** Interactive kinds of the Cloud API that Parley does not offer (131051). */
const UNSUPPORTED = ['flow', 'catalog_message', 'location_request_message', 'address_message', 'call_permission_request', 'order_details', 'order_status'];

type Header = NonNullable<InteractiveContent['header']>;
type MediaKind = 'image' | 'video' | 'document';

const L = INTERACTIVE_LIMITS;

function arrayParam(obj: Json, key: string, param: string): unknown[] {
  const v = obj[key];
  if (v === undefined) throw new GraphError(131008, `The parameter ${param} is required.`);
  if (!Array.isArray(v)) throw new GraphError(100, `Param ${param} must be an array.`);
  return v;
}

function textObject(v: unknown, param: string, max: number): string {
  const o = objectParam(v, param);
  onlyKeys(o, ['text'], param);
  const text = requiredString(o, 'text', `${param}.text`);
  if (text.trim() === '') throw new GraphError(131009, `Param ${param}.text must not be empty.`);
  return checkLength(text, max, `${param}.text`);
}

/**
 * A header medium (`{id}` of this WABA). The one place that answers a `link` header: media links
 * are not fetched yet.
 */
/** A header medium by id, or by link (fetched while the request waits; a failure answers 131053). */
async function headerMedium(b: BuildContext, obj: Json, param: string, kind: MediaKind): Promise<{ mediaId: string }> {
  return resolveMedia(b, obj, param, kind);
}

async function header(b: BuildContext, v: unknown, allowed: readonly Header['type'][], kind: Kind): Promise<{ header: Header; mediaId?: string }> {
  const h = objectParam(v, 'interactive.header');
  const type = requiredString(h, 'type', 'interactive.header.type');
  if (!['text', 'image', 'video', 'document'].includes(type)) throw new GraphError(131009, 'Param interactive.header.type must be one of text, image, video, document.');
  if (!allowed.includes(type as Header['type'])) throw new GraphError(131009, `A ${kind} message takes ${allowed.length === 1 ? 'a text header only' : `a header of type ${allowed.join(', ')}`}, not ${type}.`);
  if (type === 'text') {
    onlyKeys(h, ['type', 'text'], 'interactive.header');
    const text = requiredString(h, 'text', 'interactive.header.text');
    if (text.trim() === '') throw new GraphError(131009, 'Param interactive.header.text must not be empty.');
    return { header: { type: 'text', text: checkLength(text, L.headerText, 'interactive.header.text') } };
  }
  const mediaKind = type as MediaKind;
  onlyKeys(h, ['type', mediaKind], 'interactive.header');
  const param = `interactive.header.${mediaKind}`;
  const m = objectParam(h[mediaKind], param);
  onlyKeys(m, mediaKind === 'document' ? ['id', 'link', 'filename'] : ['id', 'link'], param);
  const { mediaId } = await headerMedium(b, m, param, mediaKind);
  const out: Header = { type: mediaKind, mediaId };
  const fileName = optionalString(m, 'filename', `${param}.filename`);
  if (fileName !== undefined && fileName !== '') out.fileName = checkLength(fileName, 255, `${param}.filename`);
  return { header: out, mediaId };
}

function checkId(id: string, max: number, param: string): string {
  checkLength(id, max, param);
  if (id.trim() !== id) throw new GraphError(131009, `Param ${param} must not start or end with spaces.`);
  return id;
}

function checkTitle(title: string, max: number, param: string): string {
  if (title.trim() === '') throw new GraphError(131009, `Param ${param} must not be empty.`);
  return checkLength(title, max, param);
}

function buttonsAction(action: Json): Pick<InteractiveContent, 'buttons'> {
  onlyKeys(action, ['buttons'], 'interactive.action');
  const list = arrayParam(action, 'buttons', 'interactive.action.buttons');
  if (list.length < 1 || list.length > L.buttons) throw new GraphError(131009, `Param interactive.action.buttons must hold 1 to ${L.buttons} buttons.`);
  const buttons = list.map((v, i) => {
    const p = `interactive.action.buttons[${i}]`;
    const btn = objectParam(v, p);
    onlyKeys(btn, ['type', 'reply'], p);
    if (requiredString(btn, 'type', `${p}.type`) !== 'reply') throw new GraphError(131009, `Param ${p}.type must be "reply".`);
    const reply = objectParam(btn.reply, `${p}.reply`);
    onlyKeys(reply, ['id', 'title'], `${p}.reply`);
    return { id: checkId(requiredString(reply, 'id', `${p}.reply.id`), L.buttonId, `${p}.reply.id`), title: checkTitle(requiredString(reply, 'title', `${p}.reply.title`), L.buttonTitle, `${p}.reply.title`) };
  });
  if (new Set(buttons.map((x) => x.id)).size !== buttons.length) throw new GraphError(131009, 'Buttons must have unique ids.');
  if (new Set(buttons.map((x) => x.title)).size !== buttons.length) throw new GraphError(131009, 'Buttons must have unique titles.');
  return { buttons };
}

function listAction(action: Json): Pick<InteractiveContent, 'list'> {
  onlyKeys(action, ['button', 'sections'], 'interactive.action');
  const button = checkTitle(requiredString(action, 'button', 'interactive.action.button'), L.listButton, 'interactive.action.button');
  const raw = arrayParam(action, 'sections', 'interactive.action.sections');
  if (raw.length < 1 || raw.length > L.sections) throw new GraphError(131009, `Param interactive.action.sections must hold 1 to ${L.sections} sections.`);
  const ids = new Set<string>();
  let total = 0;
  const sections = raw.map((v, i) => {
    const p = `interactive.action.sections[${i}]`;
    const s = objectParam(v, p);
    onlyKeys(s, ['title', 'rows'], p);
    const title = optionalString(s, 'title', `${p}.title`);
    if (raw.length > 1 && (title === undefined || title.trim() === '')) throw new GraphError(131008, `The parameter ${p}.title is required when a list has more than one section.`);
    const rowsRaw = arrayParam(s, 'rows', `${p}.rows`);
    if (rowsRaw.length < 1) throw new GraphError(131009, `Param ${p}.rows must hold at least one row.`);
    total += rowsRaw.length;
    if (total > L.rows) throw new GraphError(131009, `A list holds at most ${L.rows} rows in total across its sections.`);
    const rows = rowsRaw.map((rv, j) => {
      const q = `${p}.rows[${j}]`;
      const r = objectParam(rv, q);
      onlyKeys(r, ['id', 'title', 'description'], q);
      const id = checkId(requiredString(r, 'id', `${q}.id`), L.rowId, `${q}.id`);
      if (ids.has(id)) throw new GraphError(131009, `Rows must have unique ids: "${id.slice(0, 40)}" is repeated.`);
      ids.add(id);
      const row: { id: string; title: string; description?: string } = { id, title: checkTitle(requiredString(r, 'title', `${q}.title`), L.rowTitle, `${q}.title`) };
      const description = optionalString(r, 'description', `${q}.description`);
      if (description !== undefined && description !== '') row.description = checkLength(description, L.rowDescription, `${q}.description`);
      return row;
    });
    const section: { title?: string; rows: typeof rows } = { rows };
    if (title !== undefined && title.trim() !== '') section.title = checkLength(title, L.sectionTitle, `${p}.title`);
    return section;
  });
  return { list: { button, sections } };
}

function ctaAction(action: Json): Pick<InteractiveContent, 'cta'> {
  onlyKeys(action, ['name', 'parameters'], 'interactive.action');
  if (requiredString(action, 'name', 'interactive.action.name') !== 'cta_url') throw new GraphError(131009, 'Param interactive.action.name must be "cta_url".');
  const params = objectParam(action.parameters, 'interactive.action.parameters');
  onlyKeys(params, ['display_text', 'url'], 'interactive.action.parameters');
  const displayText = checkTitle(requiredString(params, 'display_text', 'interactive.action.parameters.display_text'), L.ctaText, 'interactive.action.parameters.display_text');
  const url = checkLength(requiredString(params, 'url', 'interactive.action.parameters.url'), L.url, 'interactive.action.parameters.url');
  const parsed = URL.canParse(url) ? new URL(url) : null;
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) throw new GraphError(131009, 'Param interactive.action.parameters.url must be an http or https URL.');
  return { cta: { displayText, url } };
}

async function productAction(b: BuildContext, action: Json, kind: 'product' | 'product_list'): Promise<Pick<InteractiveContent, 'businessId' | 'productSections'>> {
  onlyKeys(action, kind === 'product' ? ['catalog_id', 'product_retailer_id'] : ['catalog_id', 'sections'], 'interactive.action');
  const catalogId = requiredString(action, 'catalog_id', 'interactive.action.catalog_id');
  if (kind === 'product') {
    const retailerId = requiredString(action, 'product_retailer_id', 'interactive.action.product_retailer_id');
    await checkApiCatalog(b.ctx.db, b.num.wabaId, b.num.accountId, catalogId, 'interactive.action.catalog_id');
    const items = await productItems(b.ctx.db, b.num.accountId, [{ retailerId, param: 'interactive.action.product_retailer_id' }]);
    return { businessId: b.num.accountId, productSections: [{ items }] };
  }
  const raw = arrayParam(action, 'sections', 'interactive.action.sections');
  if (raw.length < 1 || raw.length > L.productSections) throw new GraphError(131009, `Param interactive.action.sections must hold 1 to ${L.productSections} sections.`);
  let total = 0;
  const wanted = raw.map((v, i) => {
    const p = `interactive.action.sections[${i}]`;
    const s = objectParam(v, p);
    onlyKeys(s, ['title', 'product_items'], p);
    const title = optionalString(s, 'title', `${p}.title`);
    if (raw.length > 1 && (title === undefined || title.trim() === '')) throw new GraphError(131008, `The parameter ${p}.title is required when a product list has more than one section.`);
    const itemsRaw = arrayParam(s, 'product_items', `${p}.product_items`);
    if (itemsRaw.length < 1) throw new GraphError(131009, `Param ${p}.product_items must hold at least one product.`);
    total += itemsRaw.length;
    if (total > L.products) throw new GraphError(131009, `A product list holds at most ${L.products} products in total.`);
    const items = itemsRaw.map((iv, j) => {
      const q = `${p}.product_items[${j}]`;
      const item = objectParam(iv, q);
      onlyKeys(item, ['product_retailer_id'], q);
      return { retailerId: requiredString(item, 'product_retailer_id', `${q}.product_retailer_id`), param: `${q}.product_retailer_id` };
    });
    return { title: title !== undefined && title.trim() !== '' ? checkLength(title, L.sectionTitle, `${p}.title`) : undefined, items };
  });
  await checkApiCatalog(b.ctx.db, b.num.wabaId, b.num.accountId, catalogId, 'interactive.action.catalog_id');
  const products = await productItems(
    b.ctx.db,
    b.num.accountId,
    wanted.flatMap((s) => s.items),
  );
  let at = 0;
  const productSections = wanted.map((s) => {
    const items = products.slice(at, (at += s.items.length));
    return s.title !== undefined ? { title: s.title, items } : { items };
  });
  return { businessId: b.num.accountId, productSections };
}

/** Per kind: which headers it takes, whether header/body are required, the body limit. */
const RULES: Record<Kind, { headers: readonly Header['type'][]; headerRequired: boolean; bodyRequired: boolean; bodyMax: number }> = {
  button: { headers: ['text', 'image', 'video', 'document'], headerRequired: false, bodyRequired: true, bodyMax: L.body },
  list: { headers: ['text'], headerRequired: false, bodyRequired: true, bodyMax: L.listBody },
  cta_url: { headers: ['text', 'image', 'video', 'document'], headerRequired: false, bodyRequired: true, bodyMax: L.body },
  product: { headers: [], headerRequired: false, bodyRequired: false, bodyMax: L.body },
  product_list: { headers: ['text'], headerRequired: true, bodyRequired: true, bodyMax: L.body },
};

export const buildInteractive: MessageBuilder = async (b, value): Promise<BuiltMessage> => {
  const it = objectParam(value, 'interactive');
  const kind = requiredString(it, 'type', 'interactive.type');
  if (UNSUPPORTED.includes(kind)) throw new GraphError(131051, `Interactive messages of type ${kind} are not supported.`);
  if (!(SUPPORTED as readonly string[]).includes(kind)) throw new GraphError(131009, `Param interactive.type must be one of ${[...SUPPORTED, ...UNSUPPORTED].join(', ')}.`);
  const k = kind as Kind;
  const rules = RULES[k];
  onlyKeys(it, ['type', 'header', 'body', 'footer', 'action'], 'interactive');

  const content: InteractiveContent = { type: k };
  let mediaId: string | undefined;
  if (it.header === undefined) {
    if (rules.headerRequired) throw new GraphError(131008, `The parameter interactive.header is required for a ${k} message.`);
  } else {
    if (rules.headers.length === 0) throw new GraphError(131009, `A ${k} message takes no header.`);
    const h = await header(b, it.header, rules.headers, k);
    content.header = h.header;
    mediaId = h.mediaId;
  }
  if (it.body === undefined) {
    if (rules.bodyRequired) throw new GraphError(131008, 'The parameter interactive.body is required.');
  } else content.body = textObject(it.body, 'interactive.body', rules.bodyMax);
  if (it.footer !== undefined) content.footer = textObject(it.footer, 'interactive.footer', L.footer);

  const action = objectParam(it.action, 'interactive.action');
  if (k === 'button') Object.assign(content, buttonsAction(action));
  else if (k === 'list') Object.assign(content, listAction(action));
  else if (k === 'cta_url') Object.assign(content, ctaAction(action));
  else Object.assign(content, await productAction(b, action, k));

  return { kind: 'interactive', content: content as unknown as Record<string, unknown>, ...(mediaId ? { mediaId } : {}) };
};

/**
 * @module http/graph/openapi
 * The OpenAPI 3.1 document of the Cloud-API-compatible Graph layer, served at
 * `GET /v1/openapi/cloud-api.json`. The Graph routes check their bodies the Graph way (unknown key →
 * 100, missing → 131008, bad value → 131009) rather than through route schemas, so this document is
 * written here, next to the routes; a test checks that every mounted Graph route is in it.
 * Every path also works under a version prefix (`/v23.0/…`, any `vNN.N`).
 */

type Schema = Record<string, unknown>;

const str = (description?: string, extra: Schema = {}): Schema => ({ type: 'string', ...(description ? { description } : {}), ...extra });
const obj = (properties: Record<string, Schema>, required: string[] = [], description?: string): Schema => ({
  type: 'object',
  properties,
  ...(required.length ? { required } : {}),
  additionalProperties: false,
  ...(description ? { description } : {}),
});
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const arr = (items: Schema, extra: Schema = {}): Schema => ({ type: 'array', items, ...extra });

const MediaObject = obj(
  { id: str('An uploaded media id (POST /{phone_number_id}/media).'), link: str('An http(s) URL Parley fetches (asynchronously for media messages: a failure arrives as a failed status, code 131053).'), caption: str('Image, video, document: ≤1024 characters.', { maxLength: 1024 }), filename: str('Document only: the name shown.') },
  [],
  'Exactly one of id or link.',
);

const InteractiveHeader = {
  oneOf: [
    obj({ type: { const: 'text' }, text: str(undefined, { maxLength: 60 }) }, ['type', 'text']),
    obj({ type: { enum: ['image', 'video', 'document'] }, image: MediaObject, video: MediaObject, document: MediaObject }, ['type']),
  ],
};

const schemas: Record<string, Schema> = {
  Error: obj(
    {
      error: obj(
        {
          message: str('`(#code) Title` for WhatsApp codes.'),
          type: { enum: ['OAuthException', 'GraphMethodException'] },
          code: { type: 'integer' },
          error_subcode: { type: 'integer' },
          error_data: obj({ messaging_product: { const: 'whatsapp' }, details: str() }),
          fbtrace_id: str(),
        },
        ['message', 'type', 'code', 'fbtrace_id'],
      ),
    },
    ['error'],
  ),
  SendResponse: obj(
    {
      messaging_product: { const: 'whatsapp' },
      contacts: arr(obj({ input: str('`to` exactly as sent.'), wa_id: str('Normalized digits.') }, ['input', 'wa_id'])),
      messages: arr(obj({ id: str('The wamid: every status webhook of the message carries it.'), message_status: { enum: ['accepted', 'held_for_quality_assessment', 'paused'], description: 'Template sends only.' } }, ['id'])),
    },
    ['messaging_product', 'contacts', 'messages'],
  ),
  Success: obj({ success: { type: 'boolean' } }, ['success']),
  MessageRequest: obj(
    {
      messaging_product: { const: 'whatsapp' },
      recipient_type: { const: 'individual' },
      to: str('The customer’s number, with or without +, spaces and dashes tolerated.'),
      type: { enum: ['text', 'image', 'audio', 'video', 'document', 'sticker', 'location', 'contacts', 'reaction', 'interactive', 'template'], description: 'May be omitted for text.' },
      context: obj({ message_id: str('The wamid of the message this one replies to.') }, ['message_id']),
      biz_opaque_callback_data: str('Echoed on every status webhook of this message.', { maxLength: 512 }),
      text: obj({ body: str(undefined, { maxLength: 4096 }), preview_url: { type: 'boolean' } }, ['body']),
      image: MediaObject,
      video: MediaObject,
      document: MediaObject,
      sticker: MediaObject,
      audio: obj({ id: str(), link: str(), voice: { type: 'boolean', description: 'A voice note.' } }),
      location: obj({ latitude: { type: ['number', 'string'] }, longitude: { type: ['number', 'string'] }, name: str(), address: str() }, ['latitude', 'longitude']),
      contacts: arr({ type: 'object', description: 'Contact objects: name.formatted_name and one other name part; phones, emails, addresses, org, urls, birthday.' }, { minItems: 1 }),
      reaction: obj({ message_id: str(), emoji: str('An empty string removes the reaction.') }, ['message_id', 'emoji']),
      interactive: obj(
        {
          type: { enum: ['button', 'list', 'cta_url', 'product', 'product_list'] },
          header: InteractiveHeader,
          body: obj({ text: str(undefined, { maxLength: 4096 }) }, ['text']),
          footer: obj({ text: str(undefined, { maxLength: 60 }) }, ['text']),
          action: { type: 'object', description: 'button: buttons (1–3 reply buttons, title ≤20, id ≤256); list: button ≤20 and sections (≤10, ≤10 rows in all, row title ≤24, description ≤72, id ≤200); cta_url: name "cta_url" and parameters {display_text ≤20, url}; product: catalog_id and product_retailer_id; product_list: catalog_id and sections (≤10, ≤30 products in all; header text required).' },
        },
        ['type', 'action'],
      ),
      template: obj(
        {
          name: str(),
          language: obj({ code: str(), policy: { const: 'deterministic' } }, ['code']),
          components: arr({
            type: 'object',
            description: 'header / body / button components with their parameters (text, currency, date_time, image, video, document, location, payload, coupon_code); positional or named (parameter_name).',
          }),
        },
        ['name', 'language'],
      ),
    },
    ['messaging_product', 'to'],
  ),
  MarkReadRequest: obj({ messaging_product: { const: 'whatsapp' }, status: { const: 'read' }, message_id: str(), typing_indicator: obj({ type: { const: 'text' } }, ['type']) }, ['messaging_product', 'status', 'message_id']),
  Media: obj({ messaging_product: { const: 'whatsapp' }, url: str('Short-lived signed URL; works with or without the bearer and whatever the Host header.'), mime_type: str(), sha256: str(), file_size: { type: 'integer' }, id: str() }, ['url', 'mime_type', 'sha256', 'file_size', 'id']),
  Paged: obj({ data: arr({ type: 'object' }), paging: obj({ cursors: obj({ before: str(), after: str() }), next: str(), previous: str() }) }, ['data']),
  Template: obj(
    {
      id: str(),
      name: str(),
      language: str(),
      category: { enum: ['MARKETING', 'UTILITY', 'AUTHENTICATION'] },
      status: { enum: ['APPROVED', 'PENDING', 'REJECTED', 'PAUSED', 'DISABLED'] },
      parameter_format: { enum: ['POSITIONAL', 'NAMED'] },
      components: arr({ type: 'object', description: 'HEADER (TEXT/IMAGE/VIDEO/DOCUMENT/LOCATION), BODY, FOOTER, BUTTONS (QUICK_REPLY, URL, PHONE_NUMBER, COPY_CODE, OTP).' }),
      rejected_reason: str(),
      quality_score: obj({ score: str() }),
    },
    ['id', 'name', 'language', 'category', 'status'],
  ),
  BusinessProfile: obj({
    about: str(undefined, { maxLength: 139 }),
    address: str(undefined, { maxLength: 256 }),
    description: str(undefined, { maxLength: 512 }),
    email: str(),
    profile_picture_url: str(),
    websites: arr(str(), { maxItems: 2 }),
    vertical: str(),
    messaging_product: { const: 'whatsapp' },
  }),
  PhoneNumber: obj({
    id: str(),
    display_phone_number: str(),
    verified_name: str(),
    code_verification_status: str(),
    quality_rating: { enum: ['GREEN', 'YELLOW', 'RED', 'UNKNOWN'] },
    platform_type: str(),
    throughput: obj({ level: str() }),
    name_status: str(),
    messaging_limit_tier: str(),
  }),
  QrCode: obj({ code: str(), prefilled_message: str(), deep_link_url: str(), qr_image_url: str() }, ['code', 'prefilled_message', 'deep_link_url']),
};

interface Op {
  summary: string;
  description?: string;
  scope: 'messaging' | 'management';
  body?: Schema;
  multipart?: boolean;
  query?: Record<string, string>;
  response: Schema;
}

/** Graph routes as mounted (unversioned form; `{…}` are path parameters), with their operations. */
export const GRAPH_OPERATIONS: Record<string, Partial<Record<'get' | 'post' | 'delete', Op>>> = {
  '/{phone_number_id}/messages': {
    post: {
      summary: 'Send a message, or mark a message read (with a typing indicator)',
      scope: 'messaging',
      body: { oneOf: [ref('MessageRequest'), ref('MarkReadRequest')] },
      response: { oneOf: [ref('SendResponse'), ref('Success')] },
    },
  },
  '/{phone_number_id}/media': {
    post: { summary: 'Upload a medium (multipart: file, messaging_product, optional type)', scope: 'messaging', multipart: true, response: obj({ id: str() }, ['id']) },
  },
  '/{node_id}': {
    get: {
      summary: 'Read a node: a medium (url, mime_type, sha256, file_size), a phone number (fields), a WhatsApp Business Account, a template, a catalog',
      scope: 'messaging',
      query: {
        fields:
          'Comma-separated fields to return. On a WhatsApp Business Account also the analytics fields: analytics.start(<unix s>).end(<unix s>).granularity(DAY), conversation_analytics.start(…).end(…).granularity(DAILY).dimensions(["CONVERSATION_CATEGORY"]), pricing_analytics.start(…).end(…).granularity(DAILY).dimensions(["PRICING_CATEGORY"]) (days of the business time zone, at most 90).',
        phone_number_id: 'Media only: the number asking.',
      },
      response: { oneOf: [ref('Media'), ref('PhoneNumber'), ref('Template'), { type: 'object' }] },
    },
    post: { summary: 'Update a node: a phone number’s two-step PIN ({"pin":"123456"}), a template (components, category)', scope: 'management', body: { type: 'object' }, response: ref('Success') },
    delete: { summary: 'Delete a node: a medium', scope: 'messaging', response: ref('Success') },
  },
  '/{phone_number_id}/register': { post: { summary: 'Register the number for the API (with its two-step PIN when one is set)', scope: 'management', body: obj({ messaging_product: { const: 'whatsapp' }, pin: str() }, ['messaging_product']), response: ref('Success') } },
  '/{phone_number_id}/deregister': { post: { summary: 'Deregister the number: sends are refused and webhooks stop', scope: 'management', response: ref('Success') } },
  '/{phone_number_id}/whatsapp_business_profile': {
    get: { summary: 'The business profile', scope: 'management', query: { fields: 'Comma-separated fields.' }, response: obj({ data: arr(ref('BusinessProfile')) }, ['data']) },
    post: { summary: 'Update the business profile', scope: 'management', body: ref('BusinessProfile'), response: ref('Success') },
  },
  '/{waba_id}/phone_numbers': { get: { summary: 'The numbers of the WhatsApp Business Account', scope: 'management', query: { fields: 'Comma-separated fields.' }, response: ref('Paged') } },
  '/{phone_number_id}/block_users': {
    get: { summary: 'Blocked customers', scope: 'messaging', response: ref('Paged') },
    post: { summary: 'Block customers', scope: 'messaging', body: obj({ messaging_product: { const: 'whatsapp' }, block_users: arr(obj({ user: str() }, ['user'])) }, ['messaging_product', 'block_users']), response: { type: 'object' } },
    delete: { summary: 'Unblock customers', scope: 'messaging', body: obj({ messaging_product: { const: 'whatsapp' }, block_users: arr(obj({ user: str() }, ['user'])) }, ['messaging_product', 'block_users']), response: { type: 'object' } },
  },
  '/{phone_number_id}/message_qrdls': {
    get: { summary: 'QR codes with prefilled messages', scope: 'management', response: obj({ data: arr(ref('QrCode')) }, ['data']) },
    post: { summary: 'Create (or, with code, update) a QR code', scope: 'management', body: obj({ prefilled_message: str(), generate_qr_image: { enum: ['SVG', 'PNG'] }, code: str() }, ['prefilled_message']), response: ref('QrCode') },
  },
  '/{phone_number_id}/message_qrdls/{code}': {
    get: { summary: 'One QR code', scope: 'management', response: obj({ data: arr(ref('QrCode')) }, ['data']) },
    post: { summary: 'Update a QR code’s prefilled message', scope: 'management', body: obj({ prefilled_message: str(), generate_qr_image: { enum: ['SVG', 'PNG'] } }, ['prefilled_message']), response: ref('QrCode') },
    delete: { summary: 'Delete a QR code', scope: 'management', response: ref('Success') },
  },
  '/{phone_number_id}/whatsapp_commerce_settings': {
    get: { summary: 'Commerce settings (cart, catalog visibility)', scope: 'management', response: obj({ data: arr(obj({ is_cart_enabled: { type: 'boolean' }, is_catalog_visible: { type: 'boolean' }, id: str() })) }, ['data']) },
    post: { summary: 'Update commerce settings (query parameters is_cart_enabled, is_catalog_visible)', scope: 'management', query: { is_cart_enabled: 'true or false', is_catalog_visible: 'true or false' }, response: ref('Success') },
  },
  '/{waba_id}/subscribed_apps': {
    get: { summary: 'Apps subscribed to the account’s webhooks', scope: 'management', response: obj({ data: arr({ type: 'object' }) }, ['data']) },
    post: { summary: 'Subscribe the token’s app', scope: 'management', response: ref('Success') },
    delete: { summary: 'Unsubscribe the token’s app', scope: 'management', response: ref('Success') },
  },
  '/{waba_id}/product_catalogs': {
    get: { summary: 'The business’s catalog (its id is the catalog_id of product and product_list messages)', scope: 'management', response: obj({ data: arr(obj({ id: str(), name: str(), product_count: { type: 'integer' } })) }, ['data']) },
  },
  '/{waba_id}/message_templates': {
    get: { summary: 'Templates, filtered and paged', scope: 'management', query: { name: 'Exact or partial name', status: 'APPROVED, REJECTED …', category: 'MARKETING, UTILITY, AUTHENTICATION', language: 'e.g. en_US', limit: 'Page size', after: 'Cursor', before: 'Cursor', fields: 'Comma-separated fields' }, response: ref('Paged') },
    post: { summary: 'Create a template', scope: 'management', body: { type: 'object', description: 'name, language, category, parameter_format, components.' }, response: obj({ id: str(), status: str(), category: str() }, ['id', 'status', 'category']) },
    delete: { summary: 'Delete a template by name (all languages), or one by hsm_id and name', scope: 'management', query: { name: 'Template name', hsm_id: 'Template id' }, response: ref('Success') },
  },
};

export function cloudApiOpenApi(): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const [path, ops] of Object.entries(GRAPH_OPERATIONS)) {
    const item: Record<string, unknown> = {};
    const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    for (const [method, op] of Object.entries(ops)) {
      const responses: Record<string, unknown> = {
        200: { description: 'OK', content: { 'application/json': { schema: op.response } } },
        default: { description: 'A Graph error (see docs/api/cloud-api.md for the codes)', content: { 'application/json': { schema: ref('Error') } } },
      };
      item[method] = {
        summary: op.summary,
        ...(op.description ? { description: op.description } : {}),
        tags: [op.scope],
        security: [{ bearer: [] }, { accessToken: [] }],
        parameters: [...params, ...Object.entries(op.query ?? {}).map(([name, description]) => ({ name, in: 'query', required: false, description, schema: { type: 'string' } }))],
        ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: op.body } } } } : {}),
        ...(op.multipart ? { requestBody: { required: true, content: { 'multipart/form-data': { schema: obj({ file: { type: 'string', format: 'binary' }, messaging_product: { const: 'whatsapp' }, type: str('The MIME type (optional).') }, ['file']) } } } } : {}),
        responses,
      };
    }
    paths[path] = item;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Parley Business API (WhatsApp Cloud API compatible)',
      version: '1.0.0',
      description: 'Every path also works under a version prefix such as /v23.0. Tokens come from the business settings (scopes: messaging, management).',
    },
    servers: [{ url: '/' }],
    tags: [
      { name: 'messaging', description: 'Needs a token with the messaging scope.' },
      { name: 'management', description: 'Needs a token with the management scope.' },
    ],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, accessToken: { type: 'apiKey', in: 'query', name: 'access_token' } },
      schemas,
    },
    paths,
  };
}

import { describe, expect, it } from 'vitest';
import type { Message } from '#contracts/models.js';
import { accountUpdatePayload, conversationId, errorsPayload, phoneQualityPayload, statusPayload, templateStatusPayload } from './webhooks.js';
import { contactObject, inboundEdit, inboundMessage, inboundReaction, inboundRevoke } from './inbound.js';
import { toWamid } from './ids.js';

const num = { wabaId: '102290129340398', phoneNumberId: '106540352242922', displayPhoneNumber: '15550783881' };
const waId = '16505551234';
const at = Date.UTC(2026, 5, 1, 12, 0, 0);
const msg = (kind: string, content: Record<string, unknown>, extra: Partial<Message> = {}): Message => ({
  id: 'msg_0000000001abcdefghjkmnp',
  chatId: 'cht_abc123',
  seq: 3,
  senderId: 'acc_customer',
  clientId: 'c1',
  kind,
  content,
  mediaId: null,
  replyTo: null,
  forwarded: false,
  createdAt: at,
  editedAt: null,
  deletedAt: null,
  reactions: [],
  ...extra,
});
const wamid = toWamid(waId, 'msg_0000000001abcdefghjkmnp');
const head = { from: waId, id: wamid, timestamp: String(at / 1000) };
const media = { id: '1003383421387256', mimeType: 'image/jpeg', sha256: 'fT8m3a==' };

describe('inbound messages (reference §6.4)', () => {
  it('maps text, location, and replies and forwards into context', () => {
    expect(inboundMessage(num, waId, msg('text', { text: 'Does it come in blue?' }))).toEqual({ ...head, type: 'text', text: { body: 'Does it come in blue?' } });
    const quoted = toWamid(waId, 'msg_0000000000zzzzzzzzzzzz');
    expect(inboundMessage(num, waId, msg('text', { text: 'hi' }, { replyTo: 'msg_0000000000zzzzzzzzzzzz' }), { replyToWamid: quoted })).toEqual({
      ...head,
      context: { from: '15550783881', id: quoted },
      type: 'text',
      text: { body: 'hi' },
    });
    expect(inboundMessage(num, waId, msg('text', { text: 'fwd' }, { forwarded: true }))).toMatchObject({ context: { forwarded: true } });
    expect(inboundMessage(num, waId, msg('location', { latitude: 37.44, longitude: -122.16, name: 'Office' }))).toEqual({
      ...head,
      type: 'location',
      location: { latitude: 37.44, longitude: -122.16, name: 'Office' },
    });
  });

  it('maps each media kind with id, mime_type, sha256 and its own fields', () => {
    expect(inboundMessage(num, waId, msg('image', { caption: 'Blue?' }, { mediaId: 'med_1' }), { media })).toEqual({
      ...head,
      type: 'image',
      image: { id: media.id, mime_type: 'image/jpeg', sha256: media.sha256, caption: 'Blue?' },
    });
    expect(inboundMessage(num, waId, msg('video', {}, { mediaId: 'med_1' }), { media: { ...media, mimeType: 'video/mp4' } })).toMatchObject({ type: 'video', video: { id: media.id, mime_type: 'video/mp4' } });
    expect(inboundMessage(num, waId, msg('video', {}, { mediaId: 'med_1' }), { media }).video).not.toHaveProperty('caption');
    expect(inboundMessage(num, waId, msg('voice', { durationMs: 3000 }, { mediaId: 'med_1' }), { media: { ...media, mimeType: 'audio/ogg; codecs=opus' } })).toEqual({
      ...head,
      type: 'audio',
      audio: { id: media.id, mime_type: 'audio/ogg; codecs=opus', sha256: media.sha256, voice: true },
    });
    expect(inboundMessage(num, waId, msg('audio', {}, { mediaId: 'med_1' }), { media }).audio).toMatchObject({ voice: false });
    expect(inboundMessage(num, waId, msg('document', { fileName: 'inv-42.pdf', caption: 'Invoice' }, { mediaId: 'med_1' }), { media })).toMatchObject({
      type: 'document',
      document: { id: media.id, filename: 'inv-42.pdf', caption: 'Invoice' },
    });
    expect(inboundMessage(num, waId, msg('sticker', { animated: true }, { mediaId: 'med_1' }), { media: { ...media, mimeType: 'image/webp' } })).toMatchObject({
      type: 'sticker',
      sticker: { id: media.id, mime_type: 'image/webp', animated: true },
    });
    // A medium that is gone: Meta's failed download (131052).
    expect(inboundMessage(num, waId, msg('image', {}, { mediaId: 'med_1' }), { media: null })).toMatchObject({ type: 'image', errors: [{ code: 131052, title: 'Media download error' }] });
  });

  it('maps button and list replies and template quick replies, with context', () => {
    const target = toWamid(waId, 'msg_0000000000interactive');
    const reply = (content: Record<string, unknown>, refs = {}) => inboundMessage(num, waId, msg('interactive_reply', content, { replyTo: 'msg_0000000000interactive' }), { replyToWamid: target, ...refs });
    expect(reply({ type: 'button_reply', id: 'yes', title: 'Yes' })).toEqual({
      ...head,
      context: { from: '15550783881', id: target },
      type: 'interactive',
      interactive: { type: 'button_reply', button_reply: { id: 'yes', title: 'Yes' } },
    });
    expect(reply({ type: 'list_reply', id: 'express', title: 'Express', description: 'forged' }, { listRowDescription: 'Next day' })).toEqual({
      ...head,
      context: { from: '15550783881', id: target },
      type: 'interactive',
      interactive: { type: 'list_reply', list_reply: { id: 'express', title: 'Express', description: 'Next day' } },
    });
    expect(reply({ type: 'button', id: 'STOP_PROMO', title: 'Stop promotions' })).toEqual({
      ...head,
      context: { from: '15550783881', id: target },
      type: 'button',
      button: { payload: 'STOP_PROMO', text: 'Stop promotions' },
    });
  });

  it('maps an order with prices in major units and the retailer id', () => {
    const order = msg('order', {
      orderId: 'ord_1',
      businessId: 'acc_shop',
      items: [
        { productId: 'prd_tea', name: 'Tea', quantity: 2, unitPrice: 350, retailerId: 'T1' },
        { productId: 'prd_cake', name: 'Cake', quantity: 1, unitPrice: 1225 },
      ],
      currency: 'EUR',
      total: 1925,
      note: 'No sugar',
      status: 'pending',
    });
    expect(inboundMessage(num, waId, order, { catalogId: '527759822865714' })).toEqual({
      ...head,
      type: 'order',
      order: {
        catalog_id: '527759822865714',
        text: 'No sugar',
        product_items: [
          { product_retailer_id: 'T1', quantity: 2, item_price: 3.5, currency: 'EUR' },
          { product_retailer_id: 'prd_cake', quantity: 1, item_price: 12.25, currency: 'EUR' },
        ],
      },
    });
    const yen = msg('order', { orderId: 'o', businessId: 'b', items: [{ productId: 'p', name: 'Mochi', quantity: 1, unitPrice: 500 }], currency: 'JPY', total: 500, note: '', status: 'pending' });
    expect((inboundMessage(num, waId, yen, { catalogId: '1' }).order as { product_items: { item_price: number }[] }).product_items[0]!.item_price).toBe(500);
  });

  it('maps contact cards to the contact object, with wa_id for Parley numbers and optional fields when present', () => {
    const card = { name: 'Ana Ruiz', phones: [{ number: '+34 600 00 00 00', label: 'CELL' }, { number: '+1 202 555 0143' }], emails: ['ana@example.com'], organization: 'Acme' };
    expect(inboundMessage(num, waId, msg('contact', { contacts: [card] }), { accountPhones: new Set(['+34600000000']) })).toEqual({
      ...head,
      type: 'contacts',
      contacts: [
        {
          name: { formatted_name: 'Ana Ruiz', first_name: 'Ana Ruiz' },
          phones: [{ phone: '+34 600 00 00 00', wa_id: '34600000000', type: 'CELL' }, { phone: '+1 202 555 0143' }],
          emails: [{ email: 'ana@example.com' }],
          org: { company: 'Acme' },
        },
      ],
    });
    // Richer cards (optional fields another version of the card may carry) map as the reference.
    expect(
      contactObject({
        name: 'Dr Ana Ruiz',
        firstName: 'Ana',
        lastName: 'Ruiz',
        prefix: 'Dr',
        birthday: '1990-04-02',
        phones: [],
        emails: [{ email: 'ana@work.example', label: 'WORK' }],
        addresses: [{ street: 'C/ Mayor 1', city: 'Madrid', countryCode: 'es', label: 'WORK' }],
        urls: [{ url: 'https://acme.example', label: 'WORK' }],
        organization: 'Acme',
        department: 'Sales',
        title: 'Lead',
      }),
    ).toEqual({
      name: { formatted_name: 'Dr Ana Ruiz', first_name: 'Ana', last_name: 'Ruiz', prefix: 'Dr' },
      birthday: '1990-04-02',
      emails: [{ email: 'ana@work.example', type: 'WORK' }],
      addresses: [{ street: 'C/ Mayor 1', city: 'Madrid', country_code: 'es', type: 'WORK' }],
      org: { company: 'Acme', department: 'Sales', title: 'Lead' },
      urls: [{ url: 'https://acme.example', type: 'WORK' }],
    });
  });

  it('maps kinds without an API type to unsupported with 131051', () => {
    expect(inboundMessage(num, waId, msg('catalog', { businessId: 'b', businessName: 'B', productCount: 1, imageMediaId: null }))).toEqual({
      ...head,
      type: 'unsupported',
      unsupported: { type: 'catalog' },
      errors: [{ code: 131051, title: 'Message type unknown', message: 'Message type unknown', error_data: { details: 'Message type catalog is not supported by the API.' } }],
    });
  });

  it('maps reactions (removed: empty emoji), edits and revokes', () => {
    const target = toWamid(waId, 'msg_0000000000biz');
    expect(inboundReaction(waId, 'msg_0000000000evt', target, '👍', at)).toEqual({ from: waId, id: toWamid(waId, 'msg_0000000000evt'), timestamp: String(at / 1000), type: 'reaction', reaction: { message_id: target, emoji: '👍' } });
    expect(inboundReaction(waId, 'msg_0000000000evt', target, null, at).reaction).toEqual({ message_id: target, emoji: '' });
    expect(inboundEdit(waId, 'msg_0000000000evt', msg('text', { text: 'Blue, please' }), {}, at + 1000)).toEqual({
      from: waId,
      id: toWamid(waId, 'msg_0000000000evt'),
      timestamp: String(at / 1000 + 1),
      type: 'edit',
      edit: { original_message_id: wamid, message: { type: 'text', text: { body: 'Blue, please' } } },
    });
    expect(inboundRevoke(waId, 'msg_0000000000evt', 'msg_0000000001abcdefghjkmnp', at)).toMatchObject({ type: 'revoke', revoke: { original_message_id: wamid } });
  });
});

describe('conversation ids', () => {
  it('are 32 lower-case hex digits, distinct, and sort in the order they were opened', () => {
    const times = [at, at, at + 1, at + 60_000, at + 86_400_000];
    const ids = times.map((t) => conversationId(t));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.slice(2)).toEqual([...ids.slice(2)].sort());
    expect(ids[1]! < ids[2]! && ids[0]! < ids[2]!).toBe(true);
  });
});

describe('other webhook payloads (reference §6.5–6.7)', () => {
  it('builds a failed status without conversation and pricing', () => {
    const p = statusPayload(num, { wamid, status: 'failed', at, recipientWaId: waId, chatId: 'cht_1', error: { code: 131026, details: 'x' } });
    const s = (p as { entry: { changes: { value: { statuses: Record<string, unknown>[] } }[] }[] }).entry[0]!.changes[0]!.value.statuses[0]!;
    expect(s).toEqual({
      id: wamid,
      status: 'failed',
      timestamp: String(at / 1000),
      recipient_id: waId,
      errors: [{ code: 131026, title: 'Message undeliverable', message: 'Message undeliverable', error_data: { details: 'x' }, href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/' }],
    });
  });

  it('builds the errors webhook of §6.6', () => {
    expect(errorsPayload(num, [{ code: 130429, title: 'Rate limit hit', details: 'Too many messages sent from this phone number in a short period of time' }])).toEqual({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: num.wabaId,
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
                errors: [
                  {
                    code: 130429,
                    title: 'Rate limit hit',
                    message: 'Rate limit hit',
                    error_data: { details: 'Too many messages sent from this phone number in a short period of time' },
                    href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
                  },
                ],
              },
            },
          ],
        },
      ],
    });
  });

  it('builds message_template_status_update with a numeric template id and time in seconds', () => {
    expect(templateStatusPayload(num.wabaId, { event: 'APPROVED', templateId: '7301122334455667', name: 'order_ready', language: 'en_US', category: 'utility' }, at)).toEqual({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: num.wabaId,
          time: at / 1000,
          changes: [
            {
              field: 'message_template_status_update',
              value: { event: 'APPROVED', message_template_id: 7301122334455667, message_template_name: 'order_ready', message_template_language: 'en_US', reason: 'NONE', message_template_category: 'UTILITY' },
            },
          ],
        },
      ],
    });
    const rejected = templateStatusPayload(num.wabaId, { event: 'REJECTED', templateId: '1', name: 'promo', language: 'fr', reason: 'INCORRECT_CATEGORY', rejectionInfo: { reason: 'Looks like marketing', recommendation: 'Use MARKETING' } }, at);
    expect((rejected as { entry: { changes: { value: unknown }[] }[] }).entry[0]!.changes[0]!.value).toEqual({
      event: 'REJECTED',
      message_template_id: 1,
      message_template_name: 'promo',
      message_template_language: 'fr',
      reason: 'INCORRECT_CATEGORY',
      rejection_info: { reason: 'Looks like marketing', recommendation: 'Use MARKETING' },
    });
  });

  it('builds phone_number_quality_update and account_update', () => {
    expect(phoneQualityPayload(num.wabaId, { displayPhoneNumber: '15550783881', event: 'UPGRADE', currentLimit: 'TIER_10K', oldLimit: 'TIER_2K', maxDailyConversations: 10000 }, at)).toEqual({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: num.wabaId,
          time: at / 1000,
          changes: [{ field: 'phone_number_quality_update', value: { display_phone_number: '15550783881', event: 'UPGRADE', current_limit: 'TIER_10K', old_limit: 'TIER_2K', max_daily_conversations_per_business: '10000' } }],
        },
      ],
    });
    const restricted = accountUpdatePayload(num.wabaId, { event: 'ACCOUNT_RESTRICTION', restrictions: [{ type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiresAt: 1641330498000 }] }, at);
    expect(restricted).toEqual({
      object: 'whatsapp_business_account',
      entry: [{ id: num.wabaId, time: at / 1000, changes: [{ field: 'account_update', value: { event: 'ACCOUNT_RESTRICTION', restriction_info: [{ restriction_type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiration: 1641330498 }] } }] }],
    });
    expect((accountUpdatePayload(num.wabaId, { event: 'ACCOUNT_VIOLATION', violationType: 'SCAM' }, at) as { entry: { changes: { value: unknown }[] }[] }).entry[0]!.changes[0]!.value).toEqual({
      event: 'ACCOUNT_VIOLATION',
      violation_info: { violation_type: 'SCAM' },
    });
    expect((accountUpdatePayload(num.wabaId, { event: 'VERIFIED_ACCOUNT' }, at) as { entry: { changes: { value: unknown }[] }[] }).entry[0]!.changes[0]!.value).toEqual({ event: 'VERIFIED_ACCOUNT' });
  });
});

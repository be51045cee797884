/**
 * Conformance: @kapso/whatsapp-cloud-api 0.3 drives Parley with its typed senders (client.messages.send*),
 * media (client.media.*) and template (client.templates.*) resources, and verifies and parses
 * Parley's webhooks with its own verifySignature and normalizeWebhook.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { normalizeWebhook, verifySignature } from '@kapso/whatsapp-cloud-api/server';
import { api } from '../helpers/clients.js';
import { digits, graph } from '../helpers/api-business.js';
import { upload } from '../helpers/media-fixtures.js';
import type { ReceivedRequest } from '../helpers/webhook-receiver.js';
import { conformanceEnv, FILES, kapso, MEDIA_KINDS, sig256, wamidOf, type MediaKind } from './setup.js';

describe('@kapso/whatsapp-cloud-api against Parley', () => {
  const env = conformanceEnv();
  const client = () => kapso(env.server, env.biz);
  const base = () => ({ phoneNumberId: env.biz.phoneNumberId, to: env.customer.phone });

  const uploadWith = async (kind: MediaKind): Promise<string> => {
    const f = FILES[kind];
    const res = await client().media.upload({ phoneNumberId: env.biz.phoneNumberId, type: f.type, file: new Blob([f.bytes], { type: f.type }), fileName: f.name });
    expect(res.id).toMatch(/^\d+$/);
    return res.id;
  };

  const sendMedia = (kind: MediaKind, media: { id: string } | { link: string }) => {
    const c = client().messages;
    switch (kind) {
      case 'image':
        return c.sendImage({ ...base(), image: { ...media, caption: 'Vos photos 📷 — 写真' } });
      case 'audio':
        return c.sendAudio({ ...base(), audio: media });
      case 'video':
        return c.sendVideo({ ...base(), video: { ...media, caption: 'Vidéo' } });
      case 'document':
        return c.sendDocument({ ...base(), document: { ...media, caption: 'Facture', filename: 'Facture n°42.pdf' } });
      case 'sticker':
        return c.sendSticker({ ...base(), sticker: media });
    }
  };

  /** Verified with the library's verifySignature, then parsed with its normalizeWebhook. */
  const parse = (req: ReceivedRequest) => {
    expect(verifySignature({ appSecret: env.biz.appSecret, rawBody: req.body, signatureHeader: sig256(req) })).toBe(true);
    const out = normalizeWebhook(JSON.parse(req.body.toString('utf8')));
    expect(out.phoneNumberId).toBe(env.biz.phoneNumberId);
    return out;
  };

  it('uploads, gets, downloads and deletes media with client.media', async () => {
    const id = await uploadWith('image');
    const meta = await client().media.get({ mediaId: id, phoneNumberId: env.biz.phoneNumberId });
    expect(meta).toMatchObject({ id, mimeType: 'image/png', sha256: createHash('sha256').update(FILES.image.bytes).digest('hex') });
    expect(Number(meta.fileSize)).toBe(FILES.image.bytes.length);
    const bytes = (await client().media.download({ mediaId: id })) as ArrayBuffer;
    expect(Buffer.from(bytes)).toEqual(FILES.image.bytes);
    expect(await client().media.delete({ mediaId: id })).toMatchObject({ success: true });
    await expect(client().media.get({ mediaId: id })).rejects.toMatchObject({ httpStatus: 400 });
  });

  it('sends image, audio, video, document and sticker by uploaded id and by link; the customer receives each medium', async () => {
    for (const kind of MEDIA_KINDS) {
      const id = await uploadWith(kind);
      for (const media of [{ id }, { link: env.files.link(kind) }]) {
        const wamid = wamidOf(await sendMedia(kind, media));
        const msg = await env.received();
        expect(msg.kind, `${kind} ${JSON.stringify(media)}`).toBe(kind);
        if (kind === 'image') expect(msg.content).toMatchObject({ caption: 'Vos photos 📷 — 写真' });
        if (kind === 'document') expect(msg.content).toMatchObject({ caption: 'Facture', fileName: 'Facture n°42.pdf' });
        const res = await fetch(`${env.server.url}/v1/media/${String(msg.mediaId)}`, { headers: { authorization: `Bearer ${env.customer.token}` } });
        expect(Buffer.from(await res.arrayBuffer())).toEqual(FILES[kind].bytes);
        await env.statusHook(wamid);
      }
    }
  });

  it('sends location, contacts and a reaction', async () => {
    const c = client().messages;
    const loc = wamidOf(await c.sendLocation({ ...base(), location: { latitude: 48.8566, longitude: 2.3522, name: 'Café de Flore', address: '172 bd Saint-Germain' } }));
    expect((await env.received()).content).toEqual({ latitude: 48.8566, longitude: 2.3522, name: 'Café de Flore', address: '172 bd Saint-Germain' });
    await c.sendContacts({
      ...base(),
      contacts: [
        {
          name: { formattedName: 'Zoë 山田', firstName: 'Zoë', lastName: '山田' },
          phones: [{ phone: '+33 6 12 34 56 78', type: 'CELL' }],
          emails: [{ email: 'zoe@example.com', type: 'WORK' }],
          addresses: [{ street: '1 rue de Rivoli', city: 'Paris', countryCode: 'fr', type: 'WORK' }],
          org: { company: 'Crêperie' },
          urls: [{ url: 'https://example.com', type: 'WORK' }],
          birthday: '1990-04-02',
        },
      ],
    });
    expect(await env.received()).toMatchObject({
      kind: 'contact',
      content: { contacts: [{ name: 'Zoë 山田', firstName: 'Zoë', lastName: '山田', phones: [{ number: '+33 6 12 34 56 78', label: 'CELL' }], addresses: [{ street: '1 rue de Rivoli', city: 'Paris', countryCode: 'fr', label: 'WORK' }], organization: 'Crêperie', birthday: '1990-04-02' }] },
    });
    const reaction = wamidOf(await c.sendReaction({ ...base(), reaction: { messageId: loc, emoji: '👍🏽' } }));
    await env.statusHook(reaction);
    await expect
      .poll(async () => JSON.stringify((await api(env.server, 'GET', `/v1/chats/${env.chatId}/messages`, { token: env.customer.token })).body))
      .toContain('👍🏽');
  });

  it('sends interactive buttons, list, cta_url, product and product_list', async () => {
    const c = client().messages;
    await c.sendInteractiveButtons({ ...base(), bodyText: 'Confirmer la commande ?', header: { type: 'text', text: 'Commande 42' }, footerText: 'Merci', buttons: [{ id: 'oui', title: 'Oui ✅' }, { id: 'non', title: 'Non' }] });
    expect(await env.received()).toMatchObject({ kind: 'interactive', content: { type: 'button', body: 'Confirmer la commande ?', buttons: [{ id: 'oui', title: 'Oui ✅' }, { id: 'non', title: 'Non' }] } });

    const image = await uploadWith('image');
    await c.sendInteractiveButtons({ ...base(), bodyText: 'Cette photo ?', header: { type: 'image', image: { id: image } }, buttons: [{ id: 'ok', title: 'OK' }] });
    const withImage = await env.received();
    expect(withImage).toMatchObject({ kind: 'interactive', content: { type: 'button', header: { type: 'image' } } });
    expect(withImage.mediaId).toBeTruthy();

    await c.sendInteractiveList({ ...base(), bodyText: 'Quel mode ?', buttonText: 'Choisir', sections: [{ title: 'Livraison', rows: [{ id: 'express', title: 'Express 🚀', description: 'Demain' }, { id: 'std', title: 'Standard' }] }] });
    expect(await env.received()).toMatchObject({ kind: 'interactive', content: { type: 'list', list: { button: 'Choisir', sections: [{ title: 'Livraison', rows: [{ id: 'express', title: 'Express 🚀', description: 'Demain' }, { id: 'std', title: 'Standard' }] }] } } });

    await c.sendInteractiveCtaUrl({ ...base(), bodyText: 'Votre colis est en route', parameters: { displayText: 'Suivre', url: 'https://example.com/suivi/42' } });
    expect(await env.received()).toMatchObject({ kind: 'interactive', content: { type: 'cta_url' } });

    for (const [name, sku] of [
      ['Thé vert 緑茶', 'SKU-1'],
      ['Crêpe', 'SKU-2'],
    ]) {
      const p = await api(env.server, 'POST', '/v1/business/catalog/products', { token: env.biz.token, body: { name, price: '3.50', currency: 'EUR', retailerId: sku } });
      expect(p.status, JSON.stringify(p.body)).toBe(201);
    }
    const catalogId = (await graph<{ data: { id: string }[] }>(env.server, env.biz.apiToken, 'GET', `/v23.0/${env.biz.wabaId}/product_catalogs`)).body.data[0]!.id;
    await c.sendInteractiveProduct({ ...base(), bodyText: 'Notre thé du jour', catalogId, productRetailerId: 'SKU-1' });
    expect(await env.received()).toMatchObject({ kind: 'interactive', content: { type: 'product' } });
    await c.sendInteractiveProductList({ ...base(), header: { type: 'text', text: 'Boutique' }, bodyText: 'La carte', catalogId, sections: [{ title: 'Carte', productItems: [{ productRetailerId: 'SKU-1' }, { productRetailerId: 'SKU-2' }] }] });
    expect(await env.received()).toMatchObject({ kind: 'interactive', content: { type: 'product_list' } });
  });

  it('creates, lists, gets and deletes templates with client.templates, and sends one with sendTemplate', async () => {
    const t = client().templates;
    const created = await t.create({
      businessAccountId: env.biz.wabaId,
      name: 'commande_prete',
      language: 'fr',
      category: 'UTILITY',
      components: [
        { type: 'BODY', text: 'Bonjour {{1}}, votre commande est prête ✅', example: { body_text: [['Zoë']] } },
        { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Merci 🙏' }] },
      ],
    });
    expect(created).toMatchObject({ id: expect.stringMatching(/^\d+$/), category: 'UTILITY' });
    const listed = await t.list({ businessAccountId: env.biz.wabaId, name: 'commande_prete' });
    expect(listed.data).toEqual([expect.objectContaining({ id: created.id, name: 'commande_prete', language: 'fr' })]);
    const all = await t.list({ businessAccountId: env.biz.wabaId, limit: 10 });
    expect(all.data.map((x) => x.name).sort()).toEqual(['commande_prete', 'hello_world']);
    // templates.get asks GET /{waba_id}/message_templates/{id}, a path outside the reference (Parley
    // answers it with code 2500, unknown path); the reference's GET /{template_id} through the client instead.
    expect(await client().request('GET', created.id, { responseType: 'json' })).toMatchObject({ id: created.id, name: 'commande_prete', status: 'APPROVED' });

    wamidOf(
      await client().messages.sendTemplate({
        ...base(),
        template: { name: 'commande_prete', language: { code: 'fr' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Zoë 🌸' }] }, { type: 'button', subType: 'quick_reply', index: 0, parameters: [{ type: 'payload', payload: 'MERCI' }] }] },
      }),
    );
    expect(await env.received()).toMatchObject({ kind: 'template', content: { name: 'commande_prete', body: 'Bonjour Zoë 🌸, votre commande est prête ✅' } });
    wamidOf(await client().messages.sendTemplate({ ...base(), template: { name: 'hello_world', language: { code: 'en_US' } } }));
    expect((await env.received()).kind).toBe('template');

    expect(await t.delete({ businessAccountId: env.biz.wabaId, name: 'commande_prete' })).toMatchObject({ success: true });
    expect((await t.list({ businessAccountId: env.biz.wabaId, name: 'commande_prete' })).data).toEqual([]);
  });

  it('blocks and unblocks a customer through client.request (it has no block helper; it camel-cases the answer)', async () => {
    await env.customerSends({ kind: 'text', content: { text: 'Bonjour' } });
    const body = { messaging_product: 'whatsapp', block_users: [{ user: env.customer.phone }] };
    const blocked = await client().request('POST', `${env.biz.phoneNumberId}/block_users`, { body, responseType: 'json' });
    expect(blocked).toMatchObject({ messagingProduct: 'whatsapp', blockUsers: { addedUsers: [{ input: env.customer.phone, waId: digits(env.customer.phone) }] } });
    const unblocked = await client().request('DELETE', `${env.biz.phoneNumberId}/block_users`, { body, responseType: 'json' });
    expect(unblocked).toMatchObject({ messagingProduct: 'whatsapp', blockUsers: { removedUsers: [{ input: env.customer.phone, waId: digits(env.customer.phone) }] } });
  });

  it("verifySignature and normalizeWebhook read Parley's inbound webhooks of every kind and the delivered/read statuses", async () => {
    const c = client().messages;
    const buttons = wamidOf(await c.sendInteractiveButtons({ ...base(), bodyText: 'Confirmer ?', buttons: [{ id: 'oui', title: 'Oui ✅' }] }));
    const btnMsg = await env.received();
    const list = wamidOf(await c.sendInteractiveList({ ...base(), bodyText: 'Livraison ?', buttonText: 'Choisir', sections: [{ title: 'Options', rows: [{ id: 'express', title: 'Express 急行', description: 'Demain ☀️' }] }] }));
    const listMsg = await env.received();
    await client().templates.create({ businessAccountId: env.biz.wabaId, name: 'promo_ete', language: 'fr', category: 'MARKETING', components: [{ type: 'BODY', text: 'Soldes d’été ☀️' }, { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Arrêter 🛑' }] }] });
    const tmpl = wamidOf(await c.sendTemplate({ ...base(), template: { name: 'promo_ete', language: { code: 'fr' } } }));
    const tmplMsg = await env.received();
    const ctx = (id: string) => ({ from: digits(env.biz.phone), id });

    await env.customerSends({ kind: 'interactive_reply', content: { type: 'button_reply', id: 'oui', title: 'Oui ✅' }, replyTo: btnMsg.id });
    const b = parse((await env.messageHook((m) => JSON.stringify(m).includes('button_reply'))).req);
    expect(b.contacts[0]).toMatchObject({ waId: digits(env.customer.phone) });
    expect(b.messages[0]).toMatchObject({ from: digits(env.customer.phone), type: 'interactive', context: ctx(buttons), interactive: { type: 'button_reply', buttonReply: { id: 'oui', title: 'Oui ✅' } } });

    await env.customerSends({ kind: 'interactive_reply', content: { type: 'list_reply', id: 'express', title: 'Express 急行', description: 'Demain ☀️' }, replyTo: listMsg.id });
    const l = parse((await env.messageHook((m) => JSON.stringify(m).includes('list_reply'))).req);
    expect(l.messages[0]).toMatchObject({ type: 'interactive', context: ctx(list), interactive: { type: 'list_reply', listReply: { id: 'express', title: 'Express 急行', description: 'Demain ☀️' } } });

    const quick = (tmplMsg.content as { buttons: { payload?: string; text: string }[] }).buttons[0]!;
    await env.customerSends({ kind: 'interactive_reply', content: { type: 'button', id: quick.payload ?? quick.text, title: quick.text }, replyTo: tmplMsg.id });
    const t = parse((await env.messageHook((m) => m.type === 'button')).req);
    expect(t.messages[0]).toMatchObject({ type: 'button', context: ctx(tmpl), button: { text: 'Arrêter 🛑', payload: expect.any(String) } });

    // Media from the customer: id, sha256 and mime type; the library downloads it by that id.
    for (const kind of ['image', 'document'] as const) {
      const f = FILES[kind];
      const medium = (await upload<{ id: string }>(env.server, env.customer.token, f.bytes, { kind, contentType: f.type, ...(kind === 'document' ? { fileName: f.name } : {}) })).body;
      await env.customerSends({ kind, content: kind === 'document' ? { fileName: f.name, caption: 'Ci-joint 📎' } : { caption: 'Voilà 📸 写真' }, mediaId: medium.id });
      const m = parse((await env.messageHook((x) => x.type === kind)).req).messages[0]!;
      const obj = (m as unknown as Record<string, { id: string; sha256: string; mimeType: string }>)[kind]!;
      expect(obj).toMatchObject({ mimeType: f.type, sha256: createHash('sha256').update(f.bytes).digest('base64') });
      if (kind === 'document') expect(obj).toMatchObject({ filename: 'Facture n°42.pdf', caption: 'Ci-joint 📎' });
      const bytes = (await client().media.download({ mediaId: obj.id, phoneNumberId: env.biz.phoneNumberId })) as ArrayBuffer;
      expect(Buffer.from(bytes)).toEqual(f.bytes);
    }

    // Location, contacts and a reaction.
    await env.customerSends({ kind: 'location', content: { latitude: 35.6595, longitude: 139.7005, name: '渋谷駅', address: 'Shibuya, Tōkyō' } });
    expect(parse((await env.messageHook((m) => m.type === 'location')).req).messages[0]).toMatchObject({ type: 'location', location: { latitude: 35.6595, longitude: 139.7005, name: '渋谷駅', address: 'Shibuya, Tōkyō' } });
    await env.customerSends({ kind: 'contact', content: { contacts: [{ name: 'Chloé 陈', phones: [{ number: '+1 202-555-0143', label: 'CELL' }] }] } });
    const card = parse((await env.messageHook((m) => m.type === 'contacts')).req).messages[0]!;
    expect(JSON.stringify(card)).toContain('Chloé 陈');
    expect(card).toMatchObject({ type: 'contacts' });
    expect((await env.ws.request({ type: 'react', messageId: btnMsg.id, emoji: '❤️' })).type).toBe('reply');
    expect(parse((await env.messageHook((m) => m.type === 'reaction')).req).messages[0]).toMatchObject({ type: 'reaction', reaction: { messageId: buttons, emoji: '❤️' } });

    // Delivered, then read.
    const wamid = wamidOf(await c.sendText({ ...base(), body: 'Votre table est prête 🍽️' }));
    const frame = await env.receivedFrame();
    await env.ws.request({ type: 'ack', seq: frame.seq });
    expect(parse((await env.statusHook(wamid, 'delivered')).req).statuses).toEqual([expect.objectContaining({ id: wamid, status: 'delivered', recipientId: digits(env.customer.phone) })]);
    await env.ws.request({ type: 'read', chatId: env.chatId, seq: frame.update.message!.seq as number });
    expect(parse((await env.statusHook(wamid, 'read')).req).statuses).toEqual([expect.objectContaining({ id: wamid, status: 'read' })]);
  });
});

/**
 * Conformance: whatsapp-api-js 6.3 drives Parley with its own typed message builders, media, block
 * and QR helpers, and verifies and parses Parley's webhooks with its own `post` handler.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ClientMessage } from 'whatsapp-api-js/types';
import {
  ActionButtons,
  ActionCTA,
  ActionList,
  ActionProduct,
  ActionProductList,
  Audio,
  Body,
  BodyComponent,
  BodyParameter,
  Button,
  CatalogProduct,
  Contacts,
  Document,
  Email,
  Footer,
  Header,
  Image,
  Interactive,
  ListSection,
  Location,
  Name,
  Organization,
  Phone,
  Product,
  ProductSection,
  Reaction,
  Row,
  Sticker,
  Template,
  Text,
  Url,
  Video,
} from 'whatsapp-api-js/messages';
import { api } from '../helpers/clients.js';
import { digits, graph } from '../helpers/api-business.js';
import { upload } from '../helpers/media-fixtures.js';
import { bodyOf, conformanceEnv, FILES, MEDIA_KINDS, ok, sig256, wamidOf, whatsappApiJs, type MediaKind } from './setup.js';

describe('whatsapp-api-js against Parley', () => {
  const env = conformanceEnv();

  const send = async (message: ClientMessage, context?: string) => {
    const res = await whatsappApiJs(env.server, env.biz).sendMessage(env.biz.phoneNumberId, env.customer.phone, message, context);
    return wamidOf(res);
  };

  /** Uploads with the library's uploadMedia (a FormData whose file Blob has its type). */
  const uploadWith = async (kind: MediaKind): Promise<string> => {
    const f = FILES[kind];
    const form = new FormData();
    form.append('file', new Blob([f.bytes], { type: f.type }), f.name);
    const res = ok(await whatsappApiJs(env.server, env.biz).uploadMedia(env.biz.phoneNumberId, form));
    expect(res.id).toMatch(/^\d+$/);
    return res.id;
  };

  const mediaMessage = (kind: MediaKind, ref: string, isId: boolean): ClientMessage => {
    switch (kind) {
      case 'image':
        return new Image(ref, isId, 'Vos photos 📷 — 写真');
      case 'audio':
        return new Audio(ref, isId);
      case 'video':
        return new Video(ref, isId, 'Vidéo');
      case 'document':
        return new Document(ref, isId, 'Facture', 'Facture n°42.pdf');
      case 'sticker':
        return new Sticker(ref, isId);
    }
  };

  it('uploads, retrieves, downloads (fetchMedia) and deletes media with its own helpers', async () => {
    const wa = whatsappApiJs(env.server, env.biz);
    const id = await uploadWith('document');
    const meta = ok(await wa.retrieveMedia(id, env.biz.phoneNumberId));
    expect(meta).toMatchObject({ messaging_product: 'whatsapp', id, mime_type: 'application/pdf', sha256: createHash('sha256').update(FILES.document.bytes).digest('hex'), file_size: FILES.document.bytes.length });
    const got = await wa.fetchMedia(meta.url);
    expect(got.status).toBe(200);
    expect(Buffer.from(await got.arrayBuffer())).toEqual(FILES.document.bytes);
    expect(await wa.deleteMedia(id)).toEqual({ success: true });
    const gone = (await wa.retrieveMedia(id)) as unknown as { error?: { code: number } };
    expect(gone.error).toMatchObject({ code: 100 });
  });

  it('sends image, audio, video, document and sticker by uploaded id and by link; the customer receives each medium', async () => {
    for (const kind of MEDIA_KINDS) {
      const id = await uploadWith(kind);
      for (const [ref, isId] of [
        [id, true],
        [env.files.link(kind), false],
      ] as const) {
        const wamid = await send(mediaMessage(kind, ref, isId));
        const msg = await env.received();
        expect(msg.kind, `${kind} ${isId ? 'id' : 'link'}`).toBe(kind);
        if (kind === 'image') expect(msg.content).toMatchObject({ caption: 'Vos photos 📷 — 写真' });
        if (kind === 'document') expect(msg.content).toMatchObject({ caption: 'Facture', fileName: 'Facture n°42.pdf' });
        const bytes = await fetch(`${env.server.url}/v1/media/${String(msg.mediaId)}`, { headers: { authorization: `Bearer ${env.customer.token}` } });
        expect(Buffer.from(await bytes.arrayBuffer())).toEqual(FILES[kind].bytes);
        await env.statusHook(wamid);
      }
    }
  });

  it('sends location, contacts, reaction and a template with its builders', async () => {
    const loc = await send(new Location(2.3522, 48.8566, 'Café de Flore', '172 bd Saint-Germain, Paris'));
    expect((await env.received()).content).toEqual({ latitude: 48.8566, longitude: 2.3522, name: 'Café de Flore', address: '172 bd Saint-Germain, Paris' });

    await send(new Contacts([new Name('Zoë 山田', 'Zoë', '山田'), new Phone('+33 6 12 34 56 78', 'CELL'), new Email('zoe@example.com', 'WORK'), new Organization('Crêperie', 'Salle', 'Chef'), new Url('https://example.com', 'WORK')]));
    const card = await env.received();
    expect(card.kind).toBe('contact');
    expect(JSON.stringify(card.content)).toContain('Zoë 山田');

    await send(new Reaction(loc, '🎉'));
    await expect.poll(async () => {
      const res = await api<{ messages: { id: string; reactions?: unknown }[] }>(env.server, 'GET', `/v1/chats/${env.chatId}/messages`, { token: env.customer.token });
      return JSON.stringify(res.body);
    }).toContain('🎉');

    await send(new Template('hello_world', 'en_US'));
    expect((await env.received()).kind).toBe('template');
    const made = await graph(env.server, env.biz.apiToken, 'POST', `/v23.0/${env.biz.wabaId}/message_templates`, {
      name: 'commande_prete',
      language: 'fr',
      category: 'UTILITY',
      components: [{ type: 'BODY', text: 'Bonjour {{1}}, votre commande est prête ✅', example: { body_text: [['Zoë']] } }],
    });
    expect(made.status, JSON.stringify(made.body)).toBe(200);
    await send(new Template('commande_prete', 'fr', new BodyComponent(new BodyParameter('Zoë 🌸'))));
    const tmpl = await env.received();
    expect(tmpl).toMatchObject({ kind: 'template', content: { name: 'commande_prete', body: 'Bonjour Zoë 🌸, votre commande est prête ✅' } });
  });

  it('sends interactive buttons, list, cta_url, product and product_list', async () => {
    await send(new Interactive(new ActionButtons(new Button('oui', 'Oui ✅'), new Button('non', 'Non')), new Body('Confirmer la commande ?'), new Header('Commande 42'), new Footer('Merci')));
    expect(await env.received()).toMatchObject({ kind: 'interactive', content: { type: 'button', body: 'Confirmer la commande ?', buttons: [{ id: 'oui', title: 'Oui ✅' }, { id: 'non', title: 'Non' }] } });

    await send(new Interactive(new ActionList('Choisir', new ListSection('Livraison', new Row('express', 'Express 🚀', 'Demain'), new Row('std', 'Standard'))), new Body('Quel mode ?')));
    expect(await env.received()).toMatchObject({ kind: 'interactive', content: { type: 'list', list: { button: 'Choisir', sections: [{ title: 'Livraison', rows: [{ id: 'express', title: 'Express 🚀', description: 'Demain' }, { id: 'std', title: 'Standard' }] }] } } });

    await send(new Interactive(new ActionCTA('Suivre le colis', 'https://example.com/suivi/42'), new Body('Votre colis est en route'), new Header('Livraison')));
    expect(await env.received()).toMatchObject({ kind: 'interactive', content: { type: 'cta_url' } });

    for (const [name, sku] of [
      ['Thé vert 緑茶', 'SKU-1'],
      ['Crêpe', 'SKU-2'],
    ]) {
      const p = await api(env.server, 'POST', '/v1/business/catalog/products', { token: env.biz.token, body: { name, price: '3.50', currency: 'EUR', retailerId: sku } });
      expect(p.status, JSON.stringify(p.body)).toBe(201);
    }
    const catalogs = await graph<{ data: { id: string }[] }>(env.server, env.biz.apiToken, 'GET', `/v23.0/${env.biz.wabaId}/product_catalogs`);
    const catalog = catalogs.body.data[0]!.id;
    await send(new Interactive(new ActionProduct(new CatalogProduct('SKU-1', catalog)), new Body('Notre thé du jour')));
    expect(await env.received()).toMatchObject({ kind: 'interactive', content: { type: 'product' } });
    await send(new Interactive(new ActionProductList(catalog, new ProductSection('Carte', new Product('SKU-1'), new Product('SKU-2'))), new Body('La carte'), new Header('Boutique')));
    expect(await env.received()).toMatchObject({ kind: 'interactive', content: { type: 'product_list' } });
  });

  it('blocks and unblocks a customer (unversioned path) and manages QR codes with its helpers', async () => {
    const wa = whatsappApiJs(env.server, env.biz);
    await env.customerSends({ kind: 'text', content: { text: 'Bonjour' } });
    const blocked = await wa.blockUser(env.biz.phoneNumberId, env.customer.phone);
    expect(blocked).toMatchObject({ messaging_product: 'whatsapp', block_users: { added_users: [{ input: env.customer.phone, wa_id: digits(env.customer.phone) }] } });
    const unblocked = await wa.unblockUser(env.biz.phoneNumberId, env.customer.phone);
    expect(unblocked).toMatchObject({ messaging_product: 'whatsapp', block_users: { removed_users: [{ input: env.customer.phone, wa_id: digits(env.customer.phone) }] } });

    const qr = ok(await wa.createQR(env.biz.phoneNumberId, 'Je voudrais réserver 🍽️', 'png'));
    expect(qr, JSON.stringify(qr)).toMatchObject({ code: expect.any(String), prefilled_message: 'Je voudrais réserver 🍽️', deep_link_url: expect.any(String), qr_image_url: expect.any(String) });
    const all = ok(await wa.retrieveQR(env.biz.phoneNumberId));
    expect(all.data).toEqual([expect.objectContaining({ code: qr.code, prefilled_message: 'Je voudrais réserver 🍽️' })]);
    const updated = await wa.updateQR(env.biz.phoneNumberId, qr.code, 'Une table pour deux');
    expect(updated).toMatchObject({ code: qr.code, prefilled_message: 'Une table pour deux' });
    expect(ok(await wa.retrieveQR(env.biz.phoneNumberId, qr.code)).data).toEqual([expect.objectContaining({ prefilled_message: 'Une table pour deux' })]);
    expect(await wa.deleteQR(env.biz.phoneNumberId, qr.code)).toEqual({ success: true });
    expect(ok(await wa.retrieveQR(env.biz.phoneNumberId)).data).toEqual([]);
  });

  it("its post handler verifies and parses Parley's inbound webhooks of every kind and the delivered/read statuses", async () => {
    const wa = whatsappApiJs(env.server, env.biz);
    type Parsed = Parameters<NonNullable<typeof wa.on.message>>[0];
    const messages: Parsed['message'][] = [];
    const statuses: { id: string; status: string }[] = [];
    wa.on.message = ({ message, phoneID }) => {
      expect(phoneID).toBe(env.biz.phoneNumberId);
      messages.push(message);
    };
    wa.on.status = ({ id, status }) => {
      statuses.push({ id, status });
    };
    const deliver = async (hit: { req: { body: Buffer; headers: Record<string, unknown> } }) => {
      const raw = bodyOf(hit.req as never);
      expect(/^[\x20-\x7e]*$/.test(raw)).toBe(true);
      await wa.post(JSON.parse(raw), raw, sig256(hit.req as never));
      return messages.at(-1)!;
    };

    // Interactive button and list replies, and a template quick reply, to messages the library sent.
    const buttons = await send(new Interactive(new ActionButtons(new Button('oui', 'Oui ✅')), new Body('Confirmer ?')));
    const btnMsg = await env.received();
    const list = await send(new Interactive(new ActionList('Choisir', new ListSection('Options', new Row('express', 'Express 急行', 'Demain ☀️'))), new Body('Livraison ?')));
    const listMsg = await env.received();
    await graph(env.server, env.biz.apiToken, 'POST', `/v23.0/${env.biz.wabaId}/message_templates`, {
      name: 'promo_ete',
      language: 'fr',
      category: 'MARKETING',
      components: [{ type: 'BODY', text: 'Soldes d’été ☀️' }, { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Arrêter 🛑' }] }],
    });
    const tmpl = await send(new Template('promo_ete', 'fr'));
    const tmplMsg = await env.received();

    const b = await env.customerSends({ kind: 'interactive_reply', content: { type: 'button_reply', id: 'oui', title: 'Oui ✅' }, replyTo: btnMsg.id });
    const bMsg = await deliver(await env.messageHook((m) => JSON.stringify(m).includes('button_reply')).catch((e: Error) => { console.log(JSON.stringify(env.receiver.payloads().map((p) => p.json.entry[0]!.changes[0]!.value.messages?.[0] ?? p.json.entry[0]!.changes[0]!.field))); throw e; }));
    expect(bMsg).toMatchObject({ type: 'interactive', context: { id: buttons }, interactive: { type: 'button_reply', button_reply: { id: 'oui', title: 'Oui ✅' } } });
    expect(b).toBeTruthy();
    await env.customerSends({ kind: 'interactive_reply', content: { type: 'list_reply', id: 'express', title: 'Express 急行', description: 'Demain ☀️' }, replyTo: listMsg.id });
    const lMsg = await deliver(await env.messageHook((m) => JSON.stringify(m).includes('list_reply')));
    expect(lMsg).toMatchObject({ type: 'interactive', context: { id: list }, interactive: { type: 'list_reply', list_reply: { id: 'express', title: 'Express 急行', description: 'Demain ☀️' } } });
    const quick = (tmplMsg.content as { buttons: { payload?: string; text: string }[] }).buttons[0]!;
    await env.customerSends({ kind: 'interactive_reply', content: { type: 'button', id: quick.payload ?? quick.text, title: quick.text }, replyTo: tmplMsg.id });
    const tMsg = await deliver(await env.messageHook((m) => m.type === 'button'));
    expect(tMsg).toMatchObject({ type: 'button', context: { id: tmpl }, button: { text: 'Arrêter 🛑', payload: expect.any(String) } });

    // Media from the customer: the library reads id, sha256 and mime type, and downloads it with its helpers.
    const medium = (await upload<{ id: string }>(env.server, env.customer.token, FILES.image.bytes, { kind: 'image', contentType: 'image/png' })).body;
    await env.customerSends({ kind: 'image', content: { caption: 'Voilà 📸 写真' }, mediaId: medium.id });
    const iMsg = await deliver(await env.messageHook((m) => m.type === 'image'));
    const image = (iMsg as { image: { id: string; sha256: string; mime_type: string; caption?: string } }).image;
    expect(image).toMatchObject({ mime_type: 'image/png', sha256: createHash('sha256').update(FILES.image.bytes).digest('base64'), caption: 'Voilà 📸 写真' });
    const meta = ok(await wa.retrieveMedia(image.id));
    expect(meta).toMatchObject({ id: image.id, mime_type: 'image/png', sha256: createHash('sha256').update(FILES.image.bytes).digest('hex') });
    expect(Buffer.from(await (await wa.fetchMedia(meta.url)).arrayBuffer())).toEqual(FILES.image.bytes);

    // Location, contacts and a reaction.
    await env.customerSends({ kind: 'location', content: { latitude: 35.6595, longitude: 139.7005, name: '渋谷駅', address: 'Shibuya, Tōkyō' } });
    expect(await deliver(await env.messageHook((m) => m.type === 'location'))).toMatchObject({ type: 'location', location: { latitude: 35.6595, longitude: 139.7005, name: '渋谷駅', address: 'Shibuya, Tōkyō' } });
    await env.customerSends({ kind: 'contact', content: { contacts: [{ name: 'Chloé 陈', phones: [{ number: '+1 202-555-0143', label: 'CELL' }] }] } });
    expect(await deliver(await env.messageHook((m) => m.type === 'contacts'))).toMatchObject({ type: 'contacts', contacts: [{ name: { formatted_name: 'Chloé 陈' }, phones: [{ phone: '+1 202-555-0143', type: 'CELL' }] }] });
    expect((await env.ws.request({ type: 'react', messageId: btnMsg.id, emoji: '❤️' })).type).toBe('reply');
    expect(await deliver(await env.messageHook((m) => m.type === 'reaction'))).toMatchObject({ type: 'reaction', reaction: { message_id: buttons, emoji: '❤️' } });

    // Delivered, then read, statuses of a text the library sent.
    const wamid = await send(new Text('Votre table est prête 🍽️'));
    const frame = await env.receivedFrame();
    await env.ws.request({ type: 'ack', seq: frame.seq });
    await deliver(await env.statusHook(wamid, 'delivered'));
    await env.ws.request({ type: 'read', chatId: env.chatId, seq: frame.update.message!.seq as number });
    await deliver(await env.statusHook(wamid, 'read'));
    expect(statuses.filter((s) => s.id === wamid)).toEqual([
      { id: wamid, status: 'delivered' },
      { id: wamid, status: 'read' },
    ]);
  });
});

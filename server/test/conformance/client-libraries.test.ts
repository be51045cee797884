/**
 * Conformance: published Cloud API client libraries from npm drive Parley unchanged except for the
 * base URL, and parse and verify Parley's webhooks with their own code.
 * - whatsapp-api-js 6.3 has no base-URL option: its `ponyfill.fetch` is given a fetch that sends
 *   its `https://graph.facebook.com` requests to Parley instead (the only change).
 * - @kapso/whatsapp-cloud-api 0.3 takes `baseUrl`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Text } from 'whatsapp-api-js/messages';
import { normalizeWebhook, verifySignature } from '@kapso/whatsapp-cloud-api/server';
import { startServer, type TestServer } from '../helpers/server.js';
import { api, signIn, WsClient, type Person } from '../helpers/clients.js';
import { firstMessage, firstStatus, WebhookReceiver } from '../helpers/webhook-receiver.js';
import { apiBusiness, customerWrites, digits, type ApiBusiness } from '../helpers/api-business.js';
import { bodyOf, kapso, sig256, whatsappApiJs } from './setup.js';

describe('Cloud API client libraries against Parley', () => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  let biz: ApiBusiness;
  let customer: Person;
  let ws: WsClient;

  beforeEach(async () => {
    server = await startServer();
    receiver = await WebhookReceiver.start();
    biz = await apiBusiness(server, receiver);
    customer = await signIn(server);
    // The customer wrote first: free-form messages are allowed for 24 hours (the messaging policy).
    await customerWrites(server, customer, biz);
    ws = await WsClient.connect(server, customer.token);
  });
  afterEach(async () => {
    await ws.close();
    await server.close();
    await receiver.close();
  });

  it('whatsapp-api-js sends text and marks a customer message read; its own middleware verifies and parses the webhooks', async () => {
    const wa = whatsappApiJs(server, biz);
    const sent = await wa.sendMessage(biz.phoneNumberId, customer.phone, new Text('Bonjour, votre commande est prête ✅'));
    expect(sent).toMatchObject({ messaging_product: 'whatsapp', contacts: [{ input: customer.phone, wa_id: digits(customer.phone) }] });
    const wamid = (sent as { messages: { id: string }[] }).messages[0]!.id;
    expect(wamid).toMatch(/^wamid\./);
    const got = await ws.nextUpdate('message.created');
    expect(got.update.message).toMatchObject({ kind: 'text', content: { text: 'Bonjour, votre commande est prête ✅' } });

    // The `sent` status webhook, verified and parsed by the library.
    const statuses: { id: string; status: string }[] = [];
    wa.on.status = ({ id, status }) => {
      statuses.push({ id, status });
    };
    const statusHook = await receiver.waitFor((j) => firstStatus(j)?.id === wamid);
    expect(await wa.verifyRequestSignature(bodyOf(statusHook.req), sig256(statusHook.req))).toBe(true);
    await wa.post(JSON.parse(bodyOf(statusHook.req)), bodyOf(statusHook.req), sig256(statusHook.req));
    expect(statuses).toEqual([{ id: wamid, status: 'sent' }]);

    // A customer writes with accents, emoji and CJK; the library verifies the ASCII-escaped body.
    const text = 'Çа marche très bien 👍🏽 ありがとう 谢谢';
    const chat = await api<{ id: string }>(server, 'POST', '/v1/chats', { token: customer.token, body: { peer: biz.phone } });
    await ws.request({ type: 'send', chatId: chat.body.id, clientId: 'conf-1', kind: 'text', content: { text } });
    const inbound = await receiver.waitFor((j) => firstMessage(j)?.text?.body === text);
    expect([...bodyOf(inbound.req)].every((c) => c.charCodeAt(0) < 128)).toBe(true);
    const messages: { from: string; body: string | undefined; id: string }[] = [];
    wa.on.message = ({ from, message }) => {
      messages.push({ from, id: message.id, body: message.type === 'text' ? message.text.body : undefined });
    };
    await wa.post(JSON.parse(bodyOf(inbound.req)), bodyOf(inbound.req), sig256(inbound.req));
    expect(messages).toEqual([{ from: digits(customer.phone), body: text, id: expect.stringMatching(/^wamid\./) }]);

    // A tampered body fails the library's verification.
    expect(await wa.verifyRequestSignature(bodyOf(inbound.req).replace('marche', 'marchE'), sig256(inbound.req))).toBe(false);

    // Mark as read with the typing indicator.
    const read = await wa.markAsRead(biz.phoneNumberId, messages[0]!.id, 'text');
    expect(read).toEqual({ success: true });
    const receipts = await ws.nextUpdate('chat.receipts');
    expect(receipts.update).toMatchObject({ chatId: chat.body.id, accountId: biz.accountId });
  });

  it('@kapso/whatsapp-cloud-api sends text and marks read; its verifySignature and normalizeWebhook accept the webhooks', async () => {
    const client = kapso(server, biz);
    const sent = await client.messages.sendText({ phoneNumberId: biz.phoneNumberId, to: customer.phone, body: 'Votre colis arrive demain 📦' });
    const wamid = sent.messages[0]!.id;
    expect(sent.contacts[0]).toMatchObject({ input: customer.phone, waId: digits(customer.phone) });
    const got = await ws.nextUpdate('message.created');
    expect(got.update.message).toMatchObject({ kind: 'text', content: { text: 'Votre colis arrive demain 📦' } });

    const statusHook = await receiver.waitFor((j) => firstStatus(j)?.id === wamid);
    expect(verifySignature({ appSecret: biz.appSecret, rawBody: statusHook.req.body, signatureHeader: sig256(statusHook.req) })).toBe(true);
    const normalized = normalizeWebhook(JSON.parse(bodyOf(statusHook.req)));
    expect(normalized.phoneNumberId).toBe(biz.phoneNumberId);
    expect(normalized.statuses).toEqual([expect.objectContaining({ id: wamid, status: 'sent', recipientId: digits(customer.phone) })]);

    const text = 'Merci 🙏 中文 テスト — où ?';
    const chat = await api<{ id: string }>(server, 'POST', '/v1/chats', { token: customer.token, body: { peer: biz.phone } });
    await ws.request({ type: 'send', chatId: chat.body.id, clientId: 'conf-2', kind: 'text', content: { text } });
    const inbound = await receiver.waitFor((j) => firstMessage(j)?.text?.body === text);
    expect(verifySignature({ appSecret: biz.appSecret, rawBody: inbound.req.body, signatureHeader: sig256(inbound.req) })).toBe(true);
    expect(verifySignature({ appSecret: 'not-the-secret', rawBody: inbound.req.body, signatureHeader: sig256(inbound.req) })).toBe(false);
    const parsed = normalizeWebhook(JSON.parse(bodyOf(inbound.req)));
    expect(parsed.messages).toHaveLength(1);
    expect(parsed.messages[0]).toMatchObject({ from: digits(customer.phone), type: 'text', text: { body: text } });

    const read = await client.messages.markRead({ phoneNumberId: biz.phoneNumberId, messageId: parsed.messages[0]!.id, typingIndicator: { type: 'text' } });
    expect(read).toMatchObject({ success: true });
  });

  it('library errors carry the Graph error of a bad request (too long text, unknown number id)', async () => {
    const client = kapso(server, biz);
    await expect(client.messages.sendText({ phoneNumberId: biz.phoneNumberId, to: customer.phone, body: 'x'.repeat(4097) })).rejects.toMatchObject({ httpStatus: 400 });
    const wa = whatsappApiJs(server, biz);
    const res = (await wa.sendMessage('999999999999999', customer.phone, new Text('hi'))) as unknown as { error?: { code: number; error_subcode?: number } };
    expect(res.error).toMatchObject({ code: 100, error_subcode: 33 });
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { api, signIn, type Person } from '../helpers/clients.js';
import { firstStatus, WebhookReceiver, type WebhookJson } from '../helpers/webhook-receiver.js';
import { apiBusiness, customerWrites, digits, expectGraphError, graph, type ApiBusiness } from '../helpers/api-business.js';
import { signInBusiness } from '../helpers/business.js';
import { ManualClock } from '../../src/platform/clock.js';
import { isStopReply } from '../../src/domain/api/policy.js';
import { toWamid } from '../../src/domain/api/ids.js';

const HOUR = 3600_000;

interface SendBody {
  messages: { id: string; message_status?: string }[];
}

const promo = (name = 'weekly_promo') => ({
  name,
  language: 'en_US',
  category: 'MARKETING',
  components: [
    { type: 'BODY', text: 'Our weekly deals are here: 20% off every cake.' },
    { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Stop promotions' }] },
  ],
});

const change = (j: WebhookJson) => j.entry[0]?.changes[0] as unknown as { field: string; value: Record<string, unknown> } | undefined;

describe('Business API: messaging policy', () => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  let biz: ApiBusiness;
  let clock: ManualClock;
  let customer: Person;

  const send = (body: Record<string, unknown>, to = customer) => graph<SendBody>(server, biz.apiToken, 'POST', `/v23.0/${biz.phoneNumberId}/messages`, { messaging_product: 'whatsapp', to: digits(to.phone), ...body });
  const text = (t: string, to = customer) => send({ type: 'text', text: { body: t } }, to);
  const helloWorld = (to = customer) => send({ type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } }, to);
  const marketing = (to = customer, name = 'weekly_promo') => send({ type: 'template', template: { name, language: { code: 'en_US' } } }, to);
  /** Messages the customer has from the business, newest first. */
  const inbox = async (who = customer) => {
    const chat = await api<{ id: string }>(server, 'POST', '/v1/chats', { token: who.token, body: { peer: biz.phone } });
    const page = await api<{ messages: { id: string; kind: string; senderId: string; content: Record<string, unknown> }[] }>(server, 'GET', `/v1/chats/${chat.body.id}/messages`, { token: who.token });
    return page.body.messages.filter((m) => m.senderId === biz.accountId);
  };
  const statusOf = async (wamid: string) => firstStatus((await receiver.waitFor((j) => firstStatus(j)?.id === wamid)).json)!;

  beforeEach(async () => {
    clock = new ManualClock(Date.UTC(2026, 2, 2, 9));
    server = await startServer({ clock });
    receiver = await WebhookReceiver.start();
    biz = await apiBusiness(server, receiver);
    customer = await signIn(server);
  });
  afterEach(async () => {
    await server.close();
    await receiver.close();
  });

  describe('customer-service window', () => {
    it('refuses free-form messages to a customer who never wrote (131047, nothing stored); templates go', async () => {
      const err = expectGraphError(await text('Hi there'), 400, 131047);
      expect(err.message).toBe('(#131047) Re-engagement message');
      expect(err.error_data).toEqual({ messaging_product: 'whatsapp', details: expect.stringContaining('24 hours') });
      expect(await inbox()).toEqual([]);

      const tpl = await helloWorld();
      expect(tpl.status, JSON.stringify(tpl.body)).toBe(200);
      expect(tpl.body.messages[0]!.message_status).toBe('accepted');
      expect((await inbox()).map((m) => m.kind)).toEqual(['template']);
      expect((await statusOf(tpl.body.messages[0]!.id)).status).toBe('sent');
    });

    it('stays open until 23:59:59 after the customer’s latest message, closes at exactly 24 h, reopens on the next message', async () => {
      const question = await customerWrites(server, customer, biz, 'Do you deliver?');
      clock.advance(2 * HOUR);
      expect((await text('Yes, every day.')).status).toBe(200);

      clock.advance(22 * HOUR - 1000); // 23:59:59 after the customer's message
      expect((await text('Still there?')).status).toBe(200);
      clock.advance(1000); // exactly 24:00:00
      expectGraphError(await text('Hello?'), 400, 131047);
      // A reaction is a free-form message too.
      expectGraphError(await send({ type: 'reaction', reaction: { message_id: toWamid(digits(customer.phone), question.messageId), emoji: '👍' } }), 400, 131047);
      expect((await inbox()).length).toBe(2);

      // A template still goes outside the window.
      expect((await helloWorld()).status).toBe(200);

      // The customer's next message reopens it, for 24 hours from that message.
      clock.advance(3 * HOUR);
      await customerWrites(server, customer, biz, 'Back again');
      expect((await text('Welcome back')).status).toBe(200);
      clock.advance(24 * HOUR);
      expectGraphError(await text('Too late'), 400, 131047);
    });

    it('is per business and per customer', async () => {
      const other = await signIn(server);
      await customerWrites(server, customer, biz);
      expect((await text('Hello customer')).status).toBe(200);
      expectGraphError(await text('Hello other', other), 400, 131047);

      // The customer writing to another business opens no window with this one.
      const shop = await signInBusiness(server);
      await customerWrites(server, other, shop);
      expectGraphError(await text('Hello other', other), 400, 131047);
    });

    it('leaves unknown recipients to their asynchronous 131026 failure', async () => {
      const res = await send({ type: 'text', text: { body: 'Hello' }, to: '33612345678' });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const s = await statusOf(res.body.messages[0]!.id);
      expect(s.status).toBe('failed');
      expect((s.errors as { code: number }[])[0]!.code).toBe(131026);
    });

    it('does not count mark-as-read as a send', async () => {
      const { messageId } = await customerWrites(server, customer, biz);
      clock.advance(25 * HOUR);
      const res = await graph(server, biz.apiToken, 'POST', `/v23.0/${biz.phoneNumberId}/messages`, { messaging_product: 'whatsapp', status: 'read', message_id: toWamid(digits(customer.phone), messageId) });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toEqual({ success: true });
    });
  });

  describe('marketing opt-out', () => {
    it('the customer stops marketing: a user_preferences webhook, marketing templates fail with 131050, utility ones go; resume works', async () => {
      expect((await graph(server, biz.apiToken, 'POST', `/v23.0/${biz.wabaId}/message_templates`, promo())).status).toBe(200);
      expect((await marketing()).status).toBe(200);
      expect((await inbox()).length).toBe(1);

      clock.advance(HOUR);
      const stop = await api<{ marketing: string; marketingStoppedAt: number }>(server, 'PUT', `/v1/business-preferences/${biz.accountId}/marketing-opt-out`, { token: customer.token });
      expect(stop.status, JSON.stringify(stop.body)).toBe(200);
      expect(stop.body).toMatchObject({ businessId: biz.accountId, marketing: 'stopped', marketingStoppedAt: clock.now() });
      const pref = await receiver.waitFor((j) => change(j)?.field === 'user_preferences');
      expect(change(pref.json)!.value).toEqual({
        messaging_product: 'whatsapp',
        metadata: { display_phone_number: expect.any(String), phone_number_id: biz.phoneNumberId },
        contacts: [{ profile: { name: expect.any(String) }, wa_id: digits(customer.phone) }],
        user_preferences: [{ wa_id: digits(customer.phone), detail: expect.any(String), category: 'marketing_messages', value: 'stop', timestamp: Math.floor(clock.now() / 1000) }],
      });
      // Stopping twice changes nothing and sends no second webhook.
      expect((await api(server, 'PUT', `/v1/business-preferences/${biz.accountId}/marketing-opt-out`, { token: customer.token })).status).toBe(200);

      const refused = await marketing();
      expect(refused.status, JSON.stringify(refused.body)).toBe(200);
      expect(refused.body.messages[0]!.message_status).toBe('accepted');
      const failed = await statusOf(refused.body.messages[0]!.id);
      expect(failed.status).toBe('failed');
      expect(failed.errors).toEqual([{ code: 131050, title: 'User stopped receiving marketing messages', message: 'User stopped receiving marketing messages', error_data: { details: expect.any(String) }, href: expect.any(String) }]);
      expect((await inbox()).length).toBe(1);

      expect((await helloWorld()).status).toBe(200);
      expect((await inbox()).length).toBe(2);

      clock.advance(HOUR);
      const resume = await api<{ marketing: string; optInSource: string }>(server, 'DELETE', `/v1/business-preferences/${biz.accountId}/marketing-opt-out`, { token: customer.token });
      expect(resume.body).toMatchObject({ marketing: 'allowed', optInSource: 'resume' });
      await receiver.waitFor((j) => change(j)?.field === 'user_preferences' && (change(j)!.value.user_preferences as { value: string }[])[0]!.value === 'resume');
      expect(receiver.payloads().filter((p) => change(p.json)?.field === 'user_preferences')).toHaveLength(2);
      const again = await marketing();
      expect((await statusOf(again.body.messages[0]!.id)).status).toBe('sent');
      expect((await inbox()).length).toBe(3);
    });

    it('a "Stop promotions" quick reply opts the customer out, with a user_preferences webhook', async () => {
      expect((await graph(server, biz.apiToken, 'POST', `/v23.0/${biz.wabaId}/message_templates`, promo())).status).toBe(200);
      expect((await marketing()).status).toBe(200);
      const [m] = await inbox();
      const chat = await api<{ id: string }>(server, 'POST', '/v1/chats', { token: customer.token, body: { peer: biz.phone } });
      const tap = await api(server, 'POST', `/v1/chats/${chat.body.id}/messages`, {
        token: customer.token,
        body: { clientId: 'tap-stop', kind: 'interactive_reply', content: { type: 'button', id: 'Stop promotions', title: 'Stop promotions' }, replyTo: m!.id },
      });
      expect(tap.status, JSON.stringify(tap.body)).toBe(200);
      const pref = await receiver.waitFor((j) => change(j)?.field === 'user_preferences');
      expect((change(pref.json)!.value.user_preferences as { value: string }[])[0]!.value).toBe('stop');
      const prefs = await api<{ marketing: string }>(server, 'GET', `/v1/business-preferences/${biz.accountId}`, { token: customer.token });
      expect(prefs.body.marketing).toBe('stopped');

      const refused = await marketing();
      expect((await statusOf(refused.body.messages[0]!.id)).errors).toMatchObject([{ code: 131050 }]);
      // The tap opened the service window: free-form messages go.
      expect((await text('Sorry to see you go; you will get no more promotions.')).status).toBe(200);
    });

    it('recognises stop-like replies in English and French', () => {
      for (const s of ['STOP', 'Stop', 'stop promotions', 'Stop promotions', 'Arrêter les promotions', 'ARRETER', 'Unsubscribe', 'opt-out', 'STOP_PROMO']) expect(isStopReply(s), s).toBe(true);
      for (const s of ['Track order', 'Yes', 'Stop by the shop tomorrow', 'Non-stop deals', 'promotions']) expect(isStopReply(s), s).toBe(false);
    });

    it('is per customer; refuses unknown businesses and people', async () => {
      const other = await signIn(server);
      expect((await graph(server, biz.apiToken, 'POST', `/v23.0/${biz.wabaId}/message_templates`, promo())).status).toBe(200);
      expect((await api(server, 'PUT', `/v1/business-preferences/${biz.accountId}/marketing-opt-out`, { token: customer.token })).status).toBe(200);
      const res = await marketing(other);
      expect((await statusOf(res.body.messages[0]!.id)).status).toBe('sent');
      expect((await api<{ marketing: string }>(server, 'GET', `/v1/business-preferences/${biz.accountId}`, { token: other.token })).body.marketing).toBe('allowed');

      for (const id of [other.accountId, 'acc_nope', customer.accountId]) {
        const r = await api<{ error: { code: string } }>(server, 'PUT', `/v1/business-preferences/${id}/marketing-opt-out`, { token: customer.token });
        expect(r.status).toBe(404);
        expect(r.body.error.code).toBe('ACCOUNT_NOT_FOUND');
      }
      expect((await api(server, 'GET', `/v1/business-preferences/${biz.accountId}`)).status).toBe(401);
    });
  });

  describe('rate limits', () => {
    it('refuses the 81st message of a second with 130429; the next second goes', async () => {
      const customers = [customer, await signIn(server)];
      const results = await Promise.all(Array.from({ length: 80 }, (_, i) => helloWorld(customers[i % 2])));
      expect(results.map((r) => r.status)).toEqual(Array(80).fill(200));
      const before = (await inbox()).length;

      clock.advance(999);
      const err = expectGraphError(await helloWorld(await signIn(server)), 400, 130429);
      expect(err.message).toBe('(#130429) Rate limit hit');
      expect(err.error_subcode).toBe(2494055);
      expect((await inbox()).length).toBe(before);

      clock.advance(1);
      expect((await helloWorld(await signIn(server))).status).toBe(200);
    });

    it('refuses a burst to one customer beyond 45 with 131056; one more every 6 seconds', async () => {
      // Requests refused by their own checks (no such template) do not count.
      for (let i = 0; i < 3; i++) expectGraphError(await marketing(customer, 'no_such_template'), 404, 132001);
      for (let i = 0; i < 45; i++) expect((await helloWorld()).status).toBe(200);
      clock.advance(1000);
      const err = expectGraphError(await helloWorld(), 400, 131056);
      expect(err.message).toBe('(#131056) (Business Account, Consumer Account) pair rate limit hit');
      expect((await inbox()).length).toBe(45);
      // Another customer is not affected.
      expect((await helloWorld(await signIn(server))).status).toBe(200);

      clock.advance(5000);
      expect((await helloWorld()).status).toBe(200);
      expectGraphError(await helloWorld(), 400, 131056);
    });
  });
});

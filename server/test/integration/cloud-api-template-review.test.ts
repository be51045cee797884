import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { api, signIn } from '../helpers/clients.js';
import { signInBusiness } from '../helpers/business.js';
import { WebhookReceiver, type WebhookJson } from '../helpers/webhook-receiver.js';
import { apiBusiness, digits, expectGraphError, graph, type ApiBusiness } from '../helpers/api-business.js';
import { ManualClock } from '../../src/platform/clock.js';
import type { OwnerTemplate } from '../../src/domain/api/templates/owner.js';

type Value = Record<string, unknown>;
const statusChange = (j: WebhookJson) => {
  const c = j.entry[0]?.changes[0] as unknown as { field: string; value: Value } | undefined;
  return c?.field === 'message_template_status_update' ? c.value : undefined;
};

/** A UTILITY template with one body (and its samples when it has variables). */
function utility(name: string, text: string, samples: string[] = [], extra: Value = {}): Value {
  return {
    name,
    language: 'en_US',
    category: 'UTILITY',
    components: [{ type: 'BODY', text, ...(samples.length > 0 ? { example: { body_text: [samples] } } : {}) }],
    ...extra,
  };
}

const promoUtility = (name = 'order_offer') => utility(name, 'Hi {{1}}, your order shipped. Use code {{2}} for 20% off your next order!', ['Ana', 'SAVE20']);

describe('Business API: the automatic template review', () => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  let biz: ApiBusiness;
  let clock: ManualClock;
  const create = (body: unknown) => graph<{ id: string; status: string; category: string }>(server, biz.apiToken, 'POST', `/v23.0/${biz.wabaId}/message_templates`, body);
  const read = (id: string) => graph<Value>(server, biz.apiToken, 'GET', `/v23.0/${id}?fields=name,status,category,previous_category,rejected_reason,quality_score`);
  const statusWebhook = (id: string, event: string) => receiver.waitFor((j) => statusChange(j)?.message_template_id === Number(id) && statusChange(j)?.event === event);

  beforeAll(async () => {
    clock = new ManualClock(Date.UTC(2026, 2, 2, 9));
    server = await startServer({ clock });
    receiver = await WebhookReceiver.start();
    biz = await apiBusiness(server, receiver);
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  it('rejects a promotional body filed as UTILITY, with its reason, rejection_info and a REJECTED webhook; it cannot be sent', async () => {
    const res = await create(promoUtility());
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ id: expect.any(String), status: 'REJECTED', category: 'UTILITY' });
    expect((await read(res.body.id)).body).toMatchObject({ name: 'order_offer', status: 'REJECTED', category: 'UTILITY', rejected_reason: 'INCORRECT_CATEGORY' });

    const hook = statusChange((await statusWebhook(res.body.id, 'REJECTED')).json)!;
    expect(hook).toMatchObject({ message_template_name: 'order_offer', message_template_language: 'en_US', reason: 'INCORRECT_CATEGORY', message_template_category: 'UTILITY' });
    const info = hook.rejection_info as { reason: string; recommendation: string };
    expect(info.reason).toContain('20% off');
    expect(info.recommendation).toMatch(/MARKETING/);

    const customer = await signIn(server);
    const send = await graph(server, biz.apiToken, 'POST', `/v23.0/${biz.phoneNumberId}/messages`, {
      messaging_product: 'whatsapp',
      to: digits(customer.phone),
      type: 'template',
      template: { name: 'order_offer', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: 'X' }] }] },
    });
    expectGraphError(send, 404, 132001);
  });

  it('rejects French promotional wording in a UTILITY template too', async () => {
    const res = await create({ ...utility('rappel_commande', 'Votre commande {{1}} est prête. Profitez de -30% sur la suivante avec le code promo ETE !', ['A-12']), language: 'fr' });
    expect(res.body.status).toBe('REJECTED');
    expect((await read(res.body.id)).body.rejected_reason).toBe('INCORRECT_CATEGORY');
  });

  it('re-categorises it to MARKETING instead when allow_category_change is true (previous_category kept, APPROVED webhook)', async () => {
    const res = await create({ ...promoUtility('order_offer_ok'), allow_category_change: true });
    expect(res.body).toEqual({ id: expect.any(String), status: 'APPROVED', category: 'MARKETING' });
    expect((await read(res.body.id)).body).toMatchObject({ status: 'APPROVED', category: 'MARKETING', previous_category: 'UTILITY', rejected_reason: 'NONE' });
    const hook = statusChange((await statusWebhook(res.body.id, 'APPROVED')).json)!;
    expect(hook).toMatchObject({ reason: 'NONE', message_template_category: 'MARKETING' });
    expect(hook.rejection_info).toBeUndefined();
  });

  it('applies every review rule: each problem leads to a stored REJECTED template with its reason', async () => {
    const cases: [string, Value, string][] = [
      ['name starting with a digit', utility('1st_notice', 'Your appointment is confirmed.'), 'INVALID_FORMAT'],
      ['name with two underscores', utility('appt__notice', 'Your appointment is confirmed.'), 'INVALID_FORMAT'],
      ['name ending with an underscore', utility('appt_notice_', 'Your appointment is confirmed.'), 'INVALID_FORMAT'],
      ['a malformed variable', utility('stray_brace', 'Your appointment {{1} is confirmed, see you {{1}} then.', ['Monday']), 'INVALID_FORMAT'],
      ['a sample with braces', utility('bad_sample', 'Your appointment is on {{1}} at the clinic.', ['{{date}}']), 'INVALID_FORMAT'],
      ['a sample with a new line', utility('bad_sample_nl', 'Your appointment is on {{1}} at the clinic.', ['Monday\nmorning']), 'INVALID_FORMAT'],
      [
        'emoji in a header',
        { name: 'emoji_header', language: 'en', category: 'UTILITY', components: [{ type: 'HEADER', format: 'TEXT', text: 'Order ready 🎉' }, { type: 'BODY', text: 'Your order is ready for pickup.' }] },
        'INVALID_FORMAT',
      ],
      [
        'two buttons with the same text',
        {
          name: 'twin_buttons',
          language: 'en',
          category: 'UTILITY',
          components: [{ type: 'BODY', text: 'Is your appointment still on?' }, { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Yes' }, { type: 'QUICK_REPLY', text: 'yes' }] }],
        },
        'INVALID_FORMAT',
      ],
      [
        'emoji in an authentication button',
        { name: 'auth_emoji', language: 'en', category: 'AUTHENTICATION', components: [{ type: 'BODY' }, { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE', text: 'Copy 🔑' }] }] },
        'INVALID_FORMAT',
      ],
      [
        'a URL in an authentication button',
        { name: 'auth_url', language: 'en', category: 'AUTHENTICATION', components: [{ type: 'BODY' }, { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE', text: 'See www.shop.com' }] }] },
        'INVALID_FORMAT',
      ],
      [
        'promotional wording in an authentication template, even with allow_category_change',
        { name: 'auth_promo', language: 'en', category: 'AUTHENTICATION', allow_category_change: true, components: [{ type: 'BODY' }, { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE', text: 'Buy now' }] }] },
        'INCORRECT_CATEGORY',
      ],
      ['"limited time" and a free gift in a utility template', utility('gift_notice', 'Your parcel has left our warehouse. Limited time: get a free gift with your next parcel.'), 'INCORRECT_CATEGORY'],
      ['"livraison gratuite" in a utility template', { ...utility('colis_parti', 'Votre colis est parti. Livraison gratuite sur votre prochaine commande.'), language: 'fr' }, 'INCORRECT_CATEGORY'],
      ['an insult', { ...utility('late_payment', 'Pay your invoice {{1}} now, you idiot.', ['INV-1']), category: 'MARKETING' }, 'ABUSIVE_CONTENT'],
      ['a French insult', { ...utility('retard_paiement', 'Payez la facture {{1}}, espèce de crétin.', ['F-1']), language: 'fr' }, 'ABUSIVE_CONTENT'],
      ['asking for a password', utility('account_check', 'To keep your account, send us your password by reply.'), 'SCAM'],
      ['a French prize claim', { ...utility('gagnant', 'Félicitations, vous avez gagné ! Réclamez votre prix sous 24 heures.'), language: 'fr', category: 'MARKETING' }, 'SCAM'],
    ];
    for (const [label, body, reason] of cases) {
      const res = await create(body);
      expect(res.status, `${label}: ${JSON.stringify(res.body)}`).toBe(200);
      expect(res.body.status, label).toBe('REJECTED');
      const got = await read(res.body.id);
      expect(got.body, label).toMatchObject({ status: 'REJECTED', rejected_reason: reason });
    }
    // The same kinds of templates, worded well, are approved (the rules do not catch ordinary texts).
    const fine: Value[] = [
      utility('appt_notice', 'Your appointment on {{1}} is confirmed. Feel free to call us if you need to change it.', ['Monday']),
      { ...utility('colis_prevu', 'Bonjour {{1}}, votre colis arrive demain entre 9 h et 12 h. Répondez STOP pour ne plus recevoir ces messages.', ['Zoé']), language: 'fr' },
      {
        name: 'order_ready_q',
        language: 'en',
        category: 'UTILITY',
        components: [{ type: 'HEADER', format: 'TEXT', text: 'Order {{1}} ready', example: { header_text: ['A-7'] } }, { type: 'BODY', text: 'Your order is ready for pickup.' }, { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Thanks' }, { type: 'QUICK_REPLY', text: 'Stop promotions' }] }],
      },
      { ...utility('summer_sale', 'Summer sale: 25% off everything until Sunday with code {{1}}!', ['SUN25']), category: 'MARKETING' },
    ];
    for (const body of fine) {
      const res = await create(body);
      expect(res.body.status, `${String(body.name)}: ${JSON.stringify(res.body)}`).toBe('APPROVED');
    }
  });

  it('keeps malformed requests as synchronous Graph errors that store nothing', async () => {
    const before = (await graph<{ data: unknown[] }>(server, biz.apiToken, 'GET', `/v23.0/${biz.wabaId}/message_templates?limit=1000`)).body.data.length;
    expectGraphError(await create(utility('edge_var', '{{1}}, your order is ready.', ['Ana'])), 400, 100, { error_subcode: 2388299 });
    expectGraphError(await create(utility('no_samples', 'Hello {{1}}, your order is ready.')), 400, 100, { error_subcode: 2388072 });
    expectGraphError(await create(utility('Bad Name', 'Your order is ready.')), 400, 100);
    expect((await graph<{ data: unknown[] }>(server, biz.apiToken, 'GET', `/v23.0/${biz.wabaId}/message_templates?limit=1000`)).body.data).toHaveLength(before);
  });

  it('re-reviews an edited rejected template: REJECTED → edited → APPROVED, each with its webhook', async () => {
    const { id } = (await create(promoUtility('shipping_note'))).body;
    await statusWebhook(id, 'REJECTED');
    // Still promotional: rejected again.
    const still = await graph(server, biz.apiToken, 'POST', `/v23.0/${id}`, { components: [{ type: 'BODY', text: 'Your order {{1}} shipped. Shop now for more!', example: { body_text: [['A-1']] } }] });
    expect(still.body).toEqual({ success: true });
    expect((await read(id)).body).toMatchObject({ status: 'REJECTED', rejected_reason: 'INCORRECT_CATEGORY' });
    await receiver.waitFor(() => receiver.payloads().filter((p) => statusChange(p.json)?.message_template_id === Number(id) && statusChange(p.json)?.event === 'REJECTED').length === 2);

    const fixed = await graph(server, biz.apiToken, 'POST', `/v23.0/${id}`, { components: [{ type: 'BODY', text: 'Hi {{1}}, your order shipped and arrives on {{2}}.', example: { body_text: [['Ana', 'Friday']] } }] });
    expect(fixed.body).toEqual({ success: true });
    expect((await read(id)).body).toMatchObject({ status: 'APPROVED', rejected_reason: 'NONE', category: 'UTILITY' });
    const hook = statusChange((await statusWebhook(id, 'APPROVED')).json)!;
    expect(hook).toMatchObject({ reason: 'NONE', message_template_name: 'shipping_note' });
  });

  describe('owner endpoints', () => {
    const owner = <T = Value>(method: string, path: string, body?: unknown, token = biz.token) => api<T>(server, method, `/v1/business/api/templates${path}`, { token, ...(body !== undefined ? { body } : {}) });

    it('dry-runs the review: answers status, reason and problems with their fields, and stores nothing', async () => {
      const before = (await owner<{ templates: OwnerTemplate[] }>('GET', '')).body.templates.length;
      const webhooksBefore = receiver.posts().length;

      const promo = await owner('POST', '/review', { ...promoUtility('draft_one'), components: [{ type: 'HEADER', format: 'TEXT', text: 'Shipped' }, ...(promoUtility().components as Value[])] });
      expect(promo.status).toBe(200);
      expect(promo.body).toEqual({ status: 'REJECTED', category: 'UTILITY', rejectedReason: 'INCORRECT_CATEGORY', problems: [{ field: 'components[1].text', message: expect.stringContaining('20% off') }] });

      const moved = await owner('POST', '/review', { ...promoUtility('draft_two'), allow_category_change: true });
      expect(moved.body).toMatchObject({ status: 'APPROVED', category: 'MARKETING', rejectedReason: 'NONE' });

      // Malformed input is not an HTTP error here: INVALID_FORMAT with the problem's field.
      const malformed = await owner('POST', '/review', { name: 'draft_three', language: 'en', category: 'utility', components: [{ type: 'FOOTER', text: 'x' }, { type: 'BODY', text: 'y'.repeat(1025) }] });
      expect(malformed.status).toBe(200);
      expect(malformed.body).toEqual({ status: 'REJECTED', category: 'UTILITY', rejectedReason: 'INVALID_FORMAT', problems: [{ field: 'components[1].text', message: expect.stringContaining('1024') }] });
      const noBody = await owner('POST', '/review', { name: 'draft_four', language: 'en', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hello {{1}}, your order is ready.' }] });
      expect(noBody.body).toMatchObject({ status: 'REJECTED', rejectedReason: 'INVALID_FORMAT', problems: [{ field: expect.stringMatching(/^components\[0\]/) }] });

      const ok = await owner('POST', '/review', utility('draft_five', 'Your order is ready for pickup.'));
      expect(ok.body).toEqual({ status: 'APPROVED', category: 'UTILITY', rejectedReason: 'NONE', problems: [] });

      expect((await owner<{ templates: OwnerTemplate[] }>('GET', '')).body.templates).toHaveLength(before);
      await new Promise((r) => setTimeout(r, 200));
      expect(receiver.posts().length).toBe(webhooksBefore);
    });

    it('creates (a rejected one is stored with its reason), lists newest first, edits and resubmits, deletes', async () => {
      clock.advance(1000);
      const created = await owner<OwnerTemplate>('POST', '', promoUtility('owner_offer'));
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      expect(created.body).toEqual({
        id: expect.stringMatching(/^\d+$/),
        name: 'owner_offer',
        language: 'en_US',
        category: 'UTILITY',
        status: 'REJECTED',
        rejectedReason: 'INCORRECT_CATEGORY',
        rejectionInfo: { reason: expect.stringContaining('20% off'), recommendation: expect.stringContaining('MARKETING') },
        quality: 'UNKNOWN',
        pausedUntil: null,
        parameterFormat: 'POSITIONAL',
        components: [{ type: 'BODY', text: expect.any(String), example: { body_text: [['Ana', 'SAVE20']] } }],
        createdAt: clock.now(),
        updatedAt: clock.now(),
      });
      await statusWebhook(created.body.id, 'REJECTED');

      clock.advance(1000);
      const second = await owner<OwnerTemplate>('POST', '', { ...utility('owner_login', 'unused'), category: 'AUTHENTICATION', components: [{ type: 'BODY' }, { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE' }] }] });
      expect(second.body).toMatchObject({ status: 'APPROVED', category: 'AUTHENTICATION', components: [{ type: 'BODY' }, { type: 'BUTTONS', buttons: [{ type: 'URL' }] }] });
      const listed = (await owner<{ templates: OwnerTemplate[] }>('GET', '')).body.templates;
      expect(listed.slice(0, 2).map((t) => t.name)).toEqual(['owner_login', 'owner_offer']);
      expect(listed.map((t) => t.status)).toContain('REJECTED');

      // Edited and resubmitted: approved, with its webhook.
      clock.advance(1000);
      const edited = await owner<OwnerTemplate>('PUT', `/${created.body.id}`, { components: [{ type: 'BODY', text: 'Hi {{1}}, your order shipped today.', example: { body_text: [['Ana']] } }] });
      expect(edited.status, JSON.stringify(edited.body)).toBe(200);
      expect(edited.body).toMatchObject({ id: created.body.id, status: 'APPROVED', rejectedReason: 'NONE', rejectionInfo: null, updatedAt: clock.now() });
      await statusWebhook(created.body.id, 'APPROVED');
      // An approved template: one edit per 24 hours (the edit of the rejected one did not count).
      const once = await owner('PUT', `/${created.body.id}`, { components: [{ type: 'BODY', text: 'Hi {{1}}, your order shipped.', example: { body_text: [['Ana']] } }] });
      expect(once.status).toBe(200);
      const again = await owner('PUT', `/${created.body.id}`, { components: [{ type: 'BODY', text: 'Hi {{1}}, your order left.', example: { body_text: [['Ana']] } }] });
      expect(again.status).toBe(409);
      expect((again.body as { error: Value }).error.code).toBe('TEMPLATE_NOT_EDITABLE');

      const del = await owner('DELETE', `/${second.body.id}`);
      expect(del.body).toEqual({ ok: true });
      expect((await owner<{ templates: OwnerTemplate[] }>('GET', '')).body.templates.map((t) => t.id)).not.toContain(second.body.id);
      expect((await owner('DELETE', `/${second.body.id}`)).status).toBe(404);
    });

    it('refuses malformed bodies (TEMPLATE_INVALID with problems) and taken names (TEMPLATE_EXISTS)', async () => {
      const bad = await owner<{ error: { code: string; message: string; details: { problems: { field: string; message: string }[] } } }>('POST', '', {
        name: 'owner_bad',
        language: 'en',
        category: 'UTILITY',
        components: [{ type: 'BODY', text: 'Hi {{1}} {{2}} there, your order is ready.', example: { body_text: [['A', 'B']] } }],
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('TEMPLATE_INVALID');
      expect(bad.body.error.details.problems).toEqual([{ field: 'components[0].text', message: expect.stringContaining('next to each other') }]);

      const dupFirst = await owner<OwnerTemplate>('POST', '', utility('owner_dup', 'Your order is ready.'));
      expect(dupFirst.status).toBe(200);
      const dup = await owner<{ error: { code: string } }>('POST', '', utility('owner_dup', 'Your order is ready now.'));
      expect(dup.status).toBe(409);
      expect(dup.body.error.code).toBe('TEMPLATE_EXISTS');
      const badEdit = await owner<{ error: { code: string; details: { problems: { field: string }[] } } }>('PUT', `/${dupFirst.body.id}`, { components: [{ type: 'BODY', text: '' }] });
      expect(badEdit.status, JSON.stringify(badEdit.body)).toBe(400);
      expect(badEdit.body.error, JSON.stringify(badEdit.body)).toMatchObject({ code: 'TEMPLATE_INVALID', details: { problems: [{ field: 'components[0].text' }] } });
    });

    it('refuses another business, a person and a business without API access', async () => {
      const mine = (await owner<OwnerTemplate>('POST', '', utility('owner_private', 'Your table is booked.'))).body;
      const other = await apiBusiness(server, null);
      expect((await owner<{ templates: OwnerTemplate[] }>('GET', '', undefined, other.token)).body.templates.map((t) => t.name)).toEqual(['hello_world']);
      const put = await owner<{ error: { code: string } }>('PUT', `/${mine.id}`, { components: [{ type: 'BODY', text: 'Taken over.' }] }, other.token);
      expect(put.status).toBe(404);
      expect(put.body.error.code).toBe('TEMPLATE_NOT_FOUND');
      const del = await owner<{ error: { code: string } }>('DELETE', `/${mine.id}`, undefined, other.token);
      expect(del.status).toBe(404);
      expect((await owner<OwnerTemplate[]>('GET', '')).body).toMatchObject({ templates: expect.arrayContaining([expect.objectContaining({ id: mine.id, status: 'APPROVED', components: [{ type: 'BODY', text: 'Your table is booked.' }] })]) });

      const person = await signIn(server);
      const asPerson = await owner<{ error: { code: string } }>('GET', '', undefined, person.token);
      expect(asPerson.status).toBe(403);
      expect(asPerson.body.error.code).toBe('NOT_A_BUSINESS');
      const noApi = await signInBusiness(server);
      const asNoApi = await owner<{ error: { code: string } }>('POST', '/review', utility('x_y', 'Hello.'), noApi.token);
      expect(asNoApi.status).toBe(409);
      expect(asNoApi.body.error.code).toBe('API_NOT_ENABLED');
      expect((await api(server, 'GET', '/v1/business/api/templates')).status).toBe(401);
    });
  });
});

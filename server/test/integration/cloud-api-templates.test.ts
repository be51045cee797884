import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { api, signIn, WsClient, type Person } from '../helpers/clients.js';
import { WebhookReceiver, type WebhookJson } from '../helpers/webhook-receiver.js';
import { apiBusiness, digits, expectGraphError, graph, type ApiBusiness } from '../helpers/api-business.js';
import { makePng, upload } from '../helpers/media-fixtures.js';
import { ManualClock } from '../../src/platform/clock.js';
import { apiMediaId } from '../../src/domain/api/ids.js';

/** The template object of reference §7.2, as a creation body. */
const fallPromo = () => ({
  name: 'fall_promo',
  language: 'en_US',
  category: 'MARKETING',
  components: [
    { type: 'HEADER', format: 'TEXT', text: 'Fall Sale', example: { header_text: ['Fall Sale'] } },
    { type: 'BODY', text: 'Hi {{1}}, use code {{2}} for 25% off!', example: { body_text: [['Mark', 'FALL25']] } },
    { type: 'FOOTER', text: 'Tap Stop promotions to opt out' },
    {
      type: 'BUTTONS',
      buttons: [
        { type: 'QUICK_REPLY', text: 'Stop promotions' },
        { type: 'URL', text: 'Shop', url: 'https://shop.example/{{1}}', example: ['fall'] },
      ],
    },
  ],
});

/** The authentication template of reference §7.5. */
const loginCode = () => ({
  name: 'login_code',
  language: 'en_US',
  category: 'AUTHENTICATION',
  message_send_ttl_seconds: 600,
  components: [
    { type: 'BODY', add_security_recommendation: true },
    { type: 'FOOTER', code_expiration_minutes: 10 },
    { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE', text: 'Copy code' }] },
  ],
});

/** A template matching the send example of reference §3.9. */
const orderUpdate = () => ({
  name: 'order_update',
  language: 'en_US',
  category: 'UTILITY',
  components: [
    { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['4::aW1hZ2UvanBlZw==:ARY'] } },
    { type: 'BODY', text: 'Hello {{1}}, your order of {{2}} ships on {{3}}. Thanks!', example: { body_text: [['Ana', '$10.99', 'March 3']] } },
    { type: 'FOOTER', text: 'Lumen Bakery' },
    {
      type: 'BUTTONS',
      buttons: [
        { type: 'QUICK_REPLY', text: 'Stop promotions' },
        { type: 'URL', text: 'Track order', url: 'https://shop.example/track/{{1}}', example: ['ORD-1'] },
      ],
    },
  ],
});

const namedWelcome = () => ({
  name: 'welcome_named',
  language: 'fr',
  category: 'UTILITY',
  parameter_format: 'NAMED',
  components: [
    { type: 'HEADER', format: 'TEXT', text: 'Bonjour {{first_name}}', example: { header_text_named_params: [{ param_name: 'first_name', example: 'Zoé' }] } },
    {
      type: 'BODY',
      text: 'Votre commande {{order_id}} est prête, {{first_name}} ! Passez la prendre.',
      example: { body_text_named_params: [{ param_name: 'order_id', example: 'A-1' }, { param_name: 'first_name', example: 'Zoé' }] },
    },
  ],
});

const templateChange = (j: WebhookJson) => (j.entry[0]?.changes[0] as unknown as { field: string; value: Record<string, unknown> } | undefined);

describe('Business API: template management', () => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  let biz: ApiBusiness;
  let clock: ManualClock;
  const path = () => `/v23.0/${biz.wabaId}/message_templates`;
  const create = (body: unknown) => graph<{ id: string; status: string; category: string }>(server, biz.apiToken, 'POST', path(), body);
  const list = (query = '') => graph<{ data: Record<string, unknown>[]; paging?: { cursors: { before: string; after: string }; next?: string; previous?: string } }>(server, biz.apiToken, 'GET', `${path()}${query}`);

  beforeEach(async () => {
    clock = new ManualClock(Date.UTC(2026, 2, 1, 9));
    server = await startServer({ clock });
    receiver = await WebhookReceiver.start();
    biz = await apiBusiness(server, receiver);
  });
  afterEach(async () => {
    await server.close();
    await receiver.close();
  });

  it('starts every WABA with the approved sample template hello_world', async () => {
    const res = await list();
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([
      {
        name: 'hello_world',
        parameter_format: 'POSITIONAL',
        components: [
          { type: 'HEADER', format: 'TEXT', text: 'Hello World' },
          { type: 'BODY', text: expect.stringContaining('Welcome and congratulations!!') },
          { type: 'FOOTER', text: expect.any(String) },
        ],
        language: 'en_US',
        status: 'APPROVED',
        category: 'UTILITY',
        id: expect.stringMatching(/^[1-9]\d{14,15}$/),
      },
    ]);
  });

  it('creates the reference example: {id, status, category}, the template reads back as created, a status webhook follows', async () => {
    const res = await create(fallPromo());
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ id: expect.stringMatching(/^[1-9]\d{14,15}$/), status: 'APPROVED', category: 'MARKETING' });
    expect(Object.keys(res.body)).toEqual(['id', 'status', 'category']);
    const id = res.body.id;
    expect(Number.isSafeInteger(Number(id))).toBe(true);

    const got = await graph(server, biz.apiToken, 'GET', `/v23.0/${id}`);
    expect(got.status).toBe(200);
    const { name, language, category, components } = fallPromo();
    expect(got.body).toEqual({ name, parameter_format: 'POSITIONAL', components, language, status: 'APPROVED', category, id });
    const withFields = await graph(server, biz.apiToken, 'GET', `/${id}?fields=name,status,quality_score,rejected_reason`);
    expect(withFields.body).toEqual({ name: 'fall_promo', status: 'APPROVED', quality_score: { score: 'UNKNOWN' }, rejected_reason: 'NONE', id });
    const badField = await graph(server, biz.apiToken, 'GET', `/${id}?fields=name,colour`);
    expectGraphError(badField, 400, 100, { message: '(#100) Tried accessing nonexisting field (colour) on node type (WhatsAppBusinessHSM)' });

    const { json } = await receiver.waitFor((j) => templateChange(j)?.field === 'message_template_status_update');
    expect(json).toEqual({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: biz.wabaId,
          time: Math.floor(clock.now() / 1000),
          changes: [
            {
              field: 'message_template_status_update',
              value: { event: 'APPROVED', message_template_id: Number(id), message_template_name: 'fall_promo', message_template_language: 'en_US', reason: 'NONE', message_template_category: 'MARKETING' },
            },
          ],
        },
      ],
    });
    // The template id is a bare number in the raw bytes.
    expect(receiver.posts().at(-1)!.body.toString()).toContain(`"message_template_id":${id},`);
  });

  it('creates the authentication example with Meta\'s fixed texts; the OTP button reads as a URL button', async () => {
    const res = await create(loginCode());
    expect(res.body).toEqual({ id: expect.any(String), status: 'APPROVED', category: 'AUTHENTICATION' });
    const got = await graph<{ components: unknown }>(server, biz.apiToken, 'GET', `/${res.body.id}?fields=components,message_send_ttl_seconds`);
    expect(got.body).toEqual({
      components: [
        { type: 'BODY', text: '*{{1}}* is your verification code. For your security, do not share this code.', add_security_recommendation: true },
        { type: 'FOOTER', text: 'This code expires in 10 minutes.', code_expiration_minutes: 10 },
        { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Copy code', url: 'https://www.whatsapp.com/otp/code/?otp_type=COPY_CODE&code=otp{{1}}', example: ['https://www.whatsapp.com/otp/code/?otp_type=COPY_CODE&code=otp123456'] }] },
      ],
      message_send_ttl_seconds: 600,
      id: res.body.id,
    });
  });

  it('accepts lowercase component names and language codes in either case', async () => {
    const res = await create({ name: 'lower_case', language: 'pt_br', category: 'utility', components: [{ type: 'body', text: 'Olá, tudo bem?' }, { type: 'buttons', buttons: [{ type: 'phone_number', text: 'Ligar', phone_number: '+55 11 5555 0000' }] }] });
    expect(res.body).toMatchObject({ status: 'APPROVED', category: 'UTILITY' });
    const got = await graph(server, biz.apiToken, 'GET', `/${res.body.id}`);
    expect(got.body).toMatchObject({ language: 'pt_BR', components: [{ type: 'BODY', text: 'Olá, tudo bem?' }, { type: 'BUTTONS', buttons: [{ type: 'PHONE_NUMBER', text: 'Ligar', phone_number: '+55 11 5555 0000' }] }] });
  });

  it('refuses invalid names and components with code 100 and the template subcodes, storing nothing', async () => {
    const body = (over: Record<string, unknown>) => ({ ...fallPromo(), ...over });
    const bodyText = (text: string, example?: unknown) => body({ components: [{ type: 'BODY', text, ...(example ? { example } : {}) }] });
    const cases: [string, unknown, number | undefined][] = [
      ['upper-case name', body({ name: 'Fall_Promo' }), undefined],
      ['name with a dash', body({ name: 'fall-promo' }), undefined],
      ['name too long', body({ name: 'a'.repeat(513) }), undefined],
      ['no name', { ...fallPromo(), name: undefined }, undefined],
      ['bad language', body({ language: 'english' }), undefined],
      ['bad category', body({ category: 'SERVICE' }), undefined],
      ['unknown key', body({ colour: 'red' }), undefined],
      ['no body', body({ components: [{ type: 'FOOTER', text: 'x' }] }), 2388072],
      ['body over 1024', bodyText('a'.repeat(1025)), 2388040],
      ['body variables not sequential', bodyText('Hi {{1}} and {{3}} ok', { body_text: [['a', 'b']] }), 2388072],
      ['body variable at the start', bodyText('{{1}} is here', { body_text: [['a']] }), 2388299],
      ['body variable at the end', bodyText('Here is {{1}}', { body_text: [['a']] }), 2388299],
      ['adjacent variables', bodyText('Hi {{1}} {{2}} there', { body_text: [['a', 'b']] }), 2388072],
      ['too many variables', bodyText('A {{1}}, {{2}}, {{3}}, {{4}} b', { body_text: [['a', 'b', 'c', 'd']] }), 2388293],
      ['missing samples', bodyText('Hi {{1}}, welcome'), 2388072],
      ['wrong number of samples', bodyText('Hi {{1}}, welcome', { body_text: [['a', 'b']] }), 2388072],
      ['named variable in a positional template', bodyText('Hi {{name}}, welcome', { body_text: [['a']] }), 2388072],
      ['header text over 60', body({ components: [{ type: 'HEADER', format: 'TEXT', text: 'h'.repeat(61) }, { type: 'BODY', text: 'Hello' }] }), 2388040],
      ['header with two variables', body({ components: [{ type: 'HEADER', format: 'TEXT', text: '{{1}} and {{2}}', example: { header_text: ['a', 'b'] } }, { type: 'BODY', text: 'Hello' }] }), 2388047],
      ['image header without sample', body({ components: [{ type: 'HEADER', format: 'IMAGE' }, { type: 'BODY', text: 'Hello' }] }), 2388047],
      ['unknown header format', body({ components: [{ type: 'HEADER', format: 'GIF' }, { type: 'BODY', text: 'Hello' }] }), 2388047],
      ['footer over 60', body({ components: [{ type: 'BODY', text: 'Hello' }, { type: 'FOOTER', text: 'f'.repeat(61) }] }), 2388040],
      ['footer with a variable', body({ components: [{ type: 'BODY', text: 'Hello' }, { type: 'FOOTER', text: 'Bye {{1}}' }] }), 2388073],
      ['button text over 25', body({ components: [{ type: 'BODY', text: 'Hello' }, { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'b'.repeat(26) }] }] }), 2388040],
      ['11 buttons', body({ components: [{ type: 'BODY', text: 'Hello' }, { type: 'BUTTONS', buttons: Array.from({ length: 11 }, (_, i) => ({ type: 'QUICK_REPLY', text: `B${i}` })) }] }), undefined],
      ['3 URL buttons', body({ components: [{ type: 'BODY', text: 'Hello' }, { type: 'BUTTONS', buttons: [1, 2, 3].map((i) => ({ type: 'URL', text: `U${i}`, url: 'https://a.example' })) }] }), undefined],
      ['URL variable not at the end', body({ components: [{ type: 'BODY', text: 'Hello' }, { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'U', url: 'https://a.example/{{1}}/x', example: ['a'] }] }] }), undefined],
      ['URL variable without sample', body({ components: [{ type: 'BODY', text: 'Hello' }, { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'U', url: 'https://a.example/{{1}}' }] }] }), undefined],
      ['quick replies interleaved', body({ components: [{ type: 'BODY', text: 'Hello' }, { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'A' }, { type: 'URL', text: 'U', url: 'https://a.example' }, { type: 'QUICK_REPLY', text: 'B' }] }] }), undefined],
      ['two phone buttons', body({ components: [{ type: 'BODY', text: 'Hello' }, { type: 'BUTTONS', buttons: [{ type: 'PHONE_NUMBER', text: 'A', phone_number: '+15550001' }, { type: 'PHONE_NUMBER', text: 'B', phone_number: '+15550002' }] }] }), undefined],
      ['copy code in a utility template', body({ category: 'UTILITY', components: [{ type: 'BODY', text: 'Hello' }, { type: 'BUTTONS', buttons: [{ type: 'COPY_CODE', example: 'SAVE10' }] }] }), undefined],
      ['copy code over 15', body({ components: [{ type: 'BODY', text: 'Hello' }, { type: 'BUTTONS', buttons: [{ type: 'COPY_CODE', example: 'C'.repeat(16) }] }] }), 2388040],
      ['OTP in a marketing template', body({ components: [{ type: 'BODY', text: 'Hello' }, { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE' }] }] }), undefined],
      ['authentication with a header', { ...loginCode(), components: [{ type: 'HEADER', format: 'TEXT', text: 'Code' }, ...loginCode().components] }, 2388047],
      ['authentication with body text', { ...loginCode(), components: [{ type: 'BODY', text: 'Your code is {{1}}' }, loginCode().components[2]] }, undefined],
      ['authentication without OTP button', { ...loginCode(), components: [{ type: 'BODY' }] }, undefined],
      ['authentication expiry over 90', { ...loginCode(), components: [{ type: 'BODY' }, { type: 'FOOTER', code_expiration_minutes: 91 }, loginCode().components[2]] }, 2388073],
      ['one-tap without package', { ...loginCode(), components: [{ type: 'BODY' }, { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'ONE_TAP' }] }] }, undefined],
    ];
    for (const [label, b, subcode] of cases) {
      const res = await create(b);
      const err = expectGraphError(res, 400, 100);
      expect(err.error_subcode, label).toBe(subcode);
      expect(typeof err.error_user_msg, label).toBe('string');
    }
    expect((await list()).body.data.map((t) => t.name)).toEqual(['hello_world']);
  });

  it('refuses a second template with the same name and language (2388024), accepts another language', async () => {
    expect((await create(fallPromo())).status).toBe(200);
    const again = await create(fallPromo());
    expectGraphError(again, 400, 100, { error_subcode: 2388024, error_user_title: 'Message template already exists' });
    expect((await create({ ...fallPromo(), language: 'fr' })).status).toBe(200);
  });

  it('creates at most 100 templates per WABA in an hour (80007, nothing stored), then again an hour later', async () => {
    let created = 0;
    let refused: Awaited<ReturnType<typeof create>> | undefined;
    for (let i = 0; i < 150 && !refused; i++) {
      const res = await create({ ...fallPromo(), name: `promo_${i}` });
      if (res.status === 200) created++;
      else refused = res;
    }
    // hello_world was created with the WABA, in the same hour.
    expect(created).toBe(99);
    expectGraphError(refused!, 400, 80007);
    // The owner's template editor meets the same limit, as its own error.
    const owner = await api<{ error: { code: string } }>(server, 'POST', '/v1/business/api/templates', { token: biz.token, body: { ...fallPromo(), name: 'promo_owner' } });
    expect(owner.status).toBe(429);
    expect(owner.body.error.code).toBe('TEMPLATE_RATE_LIMITED');
    for (const name of ['promo_99', 'promo_owner']) expect(await server.parley.ctx.db.selectFrom('api_templates').select('id').where('name', '=', name).executeTakeFirst()).toBeUndefined();
    clock.advance(3600_000);
    expect((await create({ ...fallPromo(), name: 'promo_99' })).status).toBe(200);
  });

  it('lists with filters, fields and cursor paging', async () => {
    const made: string[] = [];
    for (const [name, category, language, text] of [
      ['ship_1', 'UTILITY', 'en_US', 'Your parcel left the bakery.'],
      ['ship_2', 'UTILITY', 'fr', 'Votre colis est parti.'],
      ['promo_1', 'MARKETING', 'en_US', 'Croissants half price today!'],
      ['promo_2', 'MARKETING', 'es_MX', 'Pan dulce con descuento.'],
      ['promo_3', 'MARKETING', 'en_US', 'Baguettes 100% off (almost).'],
    ] as const) {
      clock.advance(1000);
      const res = await create({ name, category, language, components: [{ type: 'BODY', text }] });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      made.push(res.body.id);
    }
    await server.parley.ctx.db.updateTable('api_templates').set({ status: 'PAUSED', quality_score: 'RED' }).where('id', '=', made[4]!).execute();

    const names = async (q: string) => (await list(q)).body.data.map((t) => t.name);
    expect(await names('')).toEqual(['promo_3', 'promo_2', 'promo_1', 'ship_2', 'ship_1', 'hello_world']);
    expect(await names('?category=MARKETING')).toEqual(['promo_3', 'promo_2', 'promo_1']);
    expect(await names('?category=utility&language=en_us')).toEqual(['ship_1', 'hello_world']);
    expect(await names('?language=en_US,fr')).toEqual(['promo_3', 'promo_1', 'ship_2', 'ship_1', 'hello_world']);
    expect(await names('?status=PAUSED')).toEqual(['promo_3']);
    expect(await names('?status=APPROVED&category=MARKETING')).toEqual(['promo_2', 'promo_1']);
    expect(await names('?quality_score=RED')).toEqual(['promo_3']);
    expect(await names('?name=promo')).toEqual(['promo_3', 'promo_2', 'promo_1']);
    expect(await names('?name=o_1')).toEqual(['promo_1']);
    expect(await names('?content=croissant')).toEqual(['promo_1']);
    expect(await names('?content=100%25')).toEqual(['promo_3']);
    expect(await names('?name_or_content=ship')).toEqual(['ship_2', 'ship_1']);
    expect(await names('?name_or_content=colis')).toEqual(['ship_2']);
    expect(await names('?name=_')).toEqual(['promo_3', 'promo_2', 'promo_1', 'ship_2', 'ship_1', 'hello_world']);
    expect(await names('?name=nothing')).toEqual([]);
    expect((await list('?name=nothing')).body).toEqual({ data: [] });
    expect((await list('?fields=name,status&category=MARKETING')).body.data).toEqual([
      { name: 'promo_3', status: 'PAUSED', id: made[4] },
      { name: 'promo_2', status: 'APPROVED', id: made[3] },
      { name: 'promo_1', status: 'APPROVED', id: made[2] },
    ]);
    expectGraphError(await list('?status=SLEEPING'), 400, 100);
    expectGraphError(await list('?limit=0'), 400, 100);
    expectGraphError(await list('?after=garbage'), 400, 100);

    // Paging: 6 templates, 2 per page, following `next` then `previous`.
    const p1 = await list('?limit=2&fields=name');
    expect(p1.body.data.map((t) => t.name)).toEqual(['promo_3', 'promo_2']);
    expect(p1.body.paging).toEqual({ cursors: { before: expect.any(String), after: expect.any(String) }, next: expect.stringContaining(`/v23.0/${biz.wabaId}/message_templates?`) });
    const next = new URL(p1.body.paging!.next!);
    expect(next.searchParams.get('fields')).toBe('name');
    expect(next.searchParams.get('limit')).toBe('2');
    const p2 = await graph<{ data: { name: string }[]; paging: { next?: string; previous?: string; cursors: { before: string } } }>(server, biz.apiToken, 'GET', next.pathname + next.search);
    expect(p2.body.data.map((t) => t.name)).toEqual(['promo_1', 'ship_2']);
    expect(p2.body.paging.previous).toBeDefined();
    const p3 = await list(`?limit=2&after=${new URL(p2.body.paging.next!).searchParams.get('after')}`);
    expect(p3.body.data.map((t) => t.name)).toEqual(['ship_1', 'hello_world']);
    expect(p3.body.paging!.next).toBeUndefined();
    const back = await list(`?limit=2&before=${p2.body.paging.cursors.before}`);
    expect(back.body.data.map((t) => t.name)).toEqual(['promo_3', 'promo_2']);
    expect(back.body.paging!.previous).toBeUndefined();
    expect(back.body.paging!.next).toBeDefined();
  });

  it('edits an approved template once a day (2388039 otherwise), re-reviews it and announces it; name, language and the approved category are fixed', async () => {
    const { id } = (await create(fallPromo())).body;
    await receiver.waitFor((j) => templateChange(j)?.value.event === 'APPROVED');
    const newBody = { type: 'BODY', text: 'Hi {{1}}, code {{2}} gives 30% off!', example: { body_text: [['Mark', 'FALL30']] } };
    const edit = await graph(server, biz.apiToken, 'POST', `/v23.0/${id}`, { components: [newBody] });
    expect(edit.status, JSON.stringify(edit.body)).toBe(200);
    expect(edit.body).toEqual({ success: true });
    const got = await graph<{ components: unknown[]; status: string }>(server, biz.apiToken, 'GET', `/${id}`);
    expect(got.body).toMatchObject({ status: 'APPROVED', components: [newBody] });
    await receiver.waitFor(() => receiver.payloads().filter((p) => templateChange(p.json)?.field === 'message_template_status_update').length === 2);

    expectGraphError(await graph(server, biz.apiToken, 'POST', `/${id}`, { components: [newBody] }), 400, 100, { error_subcode: 2388039 });
    clock.advance(24 * 3600_000 + 1);
    expect((await graph(server, biz.apiToken, 'POST', `/${id}`, { message_send_ttl_seconds: 86400 })).status).toBe(200);
    clock.advance(24 * 3600_000 + 1);
    expectGraphError(await graph(server, biz.apiToken, 'POST', `/${id}`, { category: 'UTILITY' }), 400, 100, { error_subcode: 2388039 });
    expectGraphError(await graph(server, biz.apiToken, 'POST', `/${id}`, { name: 'other_name' }), 400, 100);
    expectGraphError(await graph(server, biz.apiToken, 'POST', `/${id}`, { language: 'fr' }), 400, 100);
    expectGraphError(await graph(server, biz.apiToken, 'POST', `/${id}`, { components: [{ type: 'BODY', text: 'x'.repeat(1025) }] }), 400, 100, { error_subcode: 2388040 });
    expectGraphError(await graph(server, biz.apiToken, 'POST', `/${id}`, {}), 400, 100);
    // A refused edit changed nothing.
    expect((await graph<{ components: unknown[] }>(server, biz.apiToken, 'GET', `/${id}`)).body.components).toContainEqual(newBody);

    // A rejected template may change category (re-reviewed: its "30% off" body is promotional, so as UTILITY it is rejected); a pending one cannot be edited.
    await server.parley.ctx.db.updateTable('api_templates').set({ status: 'REJECTED', rejected_reason: 'INCORRECT_CATEGORY' }).where('id', '=', id).execute();
    expect((await graph(server, biz.apiToken, 'POST', `/${id}`, { category: 'UTILITY' })).status).toBe(200);
    expect((await graph(server, biz.apiToken, 'GET', `/${id}?fields=category,previous_category,status,rejected_reason`)).body).toEqual({ category: 'UTILITY', previous_category: 'MARKETING', status: 'REJECTED', rejected_reason: 'INCORRECT_CATEGORY', id });
    await server.parley.ctx.db.updateTable('api_templates').set({ status: 'PENDING' }).where('id', '=', id).execute();
    expectGraphError(await graph(server, biz.apiToken, 'POST', `/${id}`, { components: [newBody] }), 400, 100, { error_subcode: 2388039 });
  });

  it('deletes by name (every language) and by hsm_id, announces DELETED, and keeps a deleted approved name for 30 days', async () => {
    const en = (await create(fallPromo())).body.id;
    const fr = (await create({ ...fallPromo(), language: 'fr' })).body.id;
    const es = (await create({ ...fallPromo(), language: 'es' })).body.id;
    clock.advance(1000);
    const other = (await create({ ...fallPromo(), name: 'keep_me' })).body.id;

    const one = await graph(server, biz.apiToken, 'DELETE', `${path()}?hsm_id=${fr}&name=fall_promo`);
    expect(one.body).toEqual({ success: true });
    expectGraphError(await graph(server, biz.apiToken, 'GET', `/${fr}`), 400, 100, { error_subcode: 33 });
    expect((await graph(server, biz.apiToken, 'GET', `/${en}`)).status).toBe(200);
    await receiver.waitFor((j) => templateChange(j)?.value.event === 'DELETED' && templateChange(j)?.value.message_template_id === Number(fr));

    expectGraphError(await graph(server, biz.apiToken, 'DELETE', `${path()}?hsm_id=${other}&name=fall_promo`), 400, 100);
    expectGraphError(await graph(server, biz.apiToken, 'DELETE', `${path()}?name=no_such_template`), 400, 100);
    expectGraphError(await graph(server, biz.apiToken, 'DELETE', path()), 400, 100);

    const all = await graph(server, biz.apiToken, 'DELETE', `${path()}?name=fall_promo`);
    expect(all.body).toEqual({ success: true });
    for (const id of [en, es]) expectGraphError(await graph(server, biz.apiToken, 'GET', `/${id}`), 400, 100, { error_subcode: 33 });
    expect((await list('?fields=name')).body.data.map((t) => t.name)).toEqual(['keep_me', 'hello_world']);
    await receiver.waitFor((j) => templateChange(j)?.value.event === 'DELETED' && templateChange(j)?.value.message_template_id === Number(es));

    expectGraphError(await create(fallPromo()), 400, 100, { error_subcode: 2388023 });
    clock.advance(30 * 24 * 3600_000 + 1);
    const again = await create(fallPromo());
    expect(again.status).toBe(200);
    expect(again.body.id).not.toBe(en);

    const byIds = await graph(server, biz.apiToken, 'DELETE', `${path()}?hsm_ids=${encodeURIComponent(JSON.stringify([again.body.id, other]))}`);
    expect(byIds.body).toEqual({ success: true });
    expect((await list('?fields=name')).body.data.map((t) => t.name)).toEqual(['hello_world']);
  });

  it('reaches only its own WABA and needs the management scope', async () => {
    const { id } = (await create(fallPromo())).body;
    const intruder = await apiBusiness(server, null);
    expectGraphError(await graph(server, intruder.apiToken, 'GET', `/v23.0/${id}`), 400, 100, { error_subcode: 33, type: 'GraphMethodException' });
    expectGraphError(await graph(server, intruder.apiToken, 'POST', `/v23.0/${id}`, { components: [{ type: 'BODY', text: 'Hacked' }] }), 400, 100, { error_subcode: 33 });
    expectGraphError(await graph(server, intruder.apiToken, 'GET', `/v23.0/${biz.wabaId}/message_templates`), 400, 100, { error_subcode: 33 });
    expectGraphError(await graph(server, intruder.apiToken, 'POST', `/v23.0/${biz.wabaId}/message_templates`, { ...fallPromo(), name: 'intruder' }), 400, 100, { error_subcode: 33 });
    expectGraphError(await graph(server, intruder.apiToken, 'DELETE', `/v23.0/${biz.wabaId}/message_templates?name=fall_promo`), 400, 100, { error_subcode: 33 });
    expect((await graph(server, biz.apiToken, 'GET', `/${id}`)).body).toMatchObject({ name: 'fall_promo', status: 'APPROVED' });
    expect((await graph<{ data: unknown[] }>(server, intruder.apiToken, 'GET', `/${intruder.wabaId}/message_templates`)).body.data).toHaveLength(1);

    const tok = await api<{ token: string }>(server, 'POST', '/v1/business/api/tokens', { token: biz.token, body: { scopes: ['messaging'] } });
    expectGraphError(await graph(server, tok.body.token, 'GET', path()), 403, 10);
    expectGraphError(await graph(server, tok.body.token, 'POST', path(), { ...fallPromo(), name: 'no_scope' }), 403, 10);
    expectGraphError(await graph(server, tok.body.token, 'GET', `/${id}`), 403, 10);
  });
});

describe('Business API: sending templates', () => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  let biz: ApiBusiness;
  let customer: Person;
  let ws: WsClient;
  const send = (template: unknown, to = digits(customer.phone)) => graph<{ messages: { id: string; message_status?: string }[] }>(server, biz.apiToken, 'POST', `/v23.0/${biz.phoneNumberId}/messages`, { messaging_product: 'whatsapp', to, type: 'template', template });
  const create = (b: ApiBusiness, body: unknown) => graph<{ id: string }>(server, b.apiToken, 'POST', `/v23.0/${b.wabaId}/message_templates`, body);
  const received = async () => (await ws.nextUpdate('message.created')).update.message!;

  beforeEach(async () => {
    server = await startServer();
    receiver = await WebhookReceiver.start();
    biz = await apiBusiness(server, receiver);
    customer = await signIn(server);
    ws = await WsClient.connect(server, customer.token);
  });
  afterEach(async () => {
    await ws.close();
    await server.close();
    await receiver.close();
  });

  async function imageApiId(): Promise<string> {
    const up = await upload<{ id: string }>(server, biz.token, makePng(), { kind: 'image', contentType: 'image/png' });
    expect(up.status).toBe(201);
    const ctx = server.parley.ctx;
    return ctx.writes.run((tx) => apiMediaId(tx, biz.wabaId, up.body.id, ctx.clock.now()));
  }

  it('sends hello_world without components (language code in either case): message_status accepted, the customer sees it rendered', async () => {
    const res = await send({ name: 'hello_world', language: { code: 'en_us' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ messaging_product: 'whatsapp', contacts: [{ input: digits(customer.phone), wa_id: digits(customer.phone) }], messages: [{ id: expect.stringMatching(/^wamid\./), message_status: 'accepted' }] });
    const m = await received();
    expect(m).toMatchObject({ senderId: biz.accountId, kind: 'template' });
    expect(m.content).toEqual({ name: 'hello_world', language: 'en_US', category: 'utility', header: { type: 'text', text: 'Hello World' }, body: expect.stringContaining('Welcome and congratulations!!'), footer: expect.any(String) });
  });

  it('sends the reference example (positional): image header, currency and date_time fallbacks, quick-reply payload, URL suffix; the customer taps the quick reply', async () => {
    expect((await create(biz, orderUpdate())).status).toBe(200);
    const imageId = await imageApiId();
    const res = await send({
      name: 'order_update',
      language: { code: 'en_US', policy: 'deterministic' },
      components: [
        { type: 'header', parameters: [{ type: 'image', image: { id: imageId } }] },
        {
          type: 'body',
          parameters: [
            { type: 'text', text: 'Ana' },
            { type: 'currency', currency: { fallback_value: '$10.99', code: 'USD', amount_1000: 10990 } },
            { type: 'date_time', date_time: { fallback_value: 'March 3, 2026' } },
          ],
        },
        { type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'STOP_PROMO' }] },
        { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'ORD-42' }] },
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.messages[0]!.message_status).toBe('accepted');
    const m = await received();
    expect(m.kind).toBe('template');
    expect(m.mediaId).toEqual(expect.any(String));
    expect(m.content).toEqual({
      name: 'order_update',
      language: 'en_US',
      category: 'utility',
      header: { type: 'image', mediaId: m.mediaId },
      body: 'Hello Ana, your order of $10.99 ships on March 3, 2026. Thanks!',
      footer: 'Lumen Bakery',
      buttons: [
        { type: 'quick_reply', text: 'Stop promotions', payload: 'STOP_PROMO' },
        { type: 'url', text: 'Track order', url: 'https://shop.example/track/ORD-42' },
      ],
    });
    await receiver.waitFor((j) => j.entry[0]?.changes[0]?.value.statuses?.[0]?.id === res.body.messages[0]!.id);

    // The customer's tap: an interactive_reply of type button whose id is the payload.
    const chatId = m.chatId as string;
    const tap = (id: string, title = 'Stop promotions') =>
      api<{ error?: { code: string } }>(server, 'POST', `/v1/chats/${chatId}/messages`, { token: customer.token, body: { clientId: `tap-${id}`, kind: 'interactive_reply', content: { type: 'button', id, title }, replyTo: m.id } });
    expect((await tap('WRONG')).status).toBe(400);
    expect((await tap('STOP_PROMO', 'Track order')).status).toBe(400);
    const ok = await tap('STOP_PROMO');
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
  });

  it('sends a NAMED template: parameters matched by parameter_name in any order', async () => {
    expect((await create(biz, namedWelcome())).status).toBe(200);
    const res = await send({
      name: 'welcome_named',
      language: { code: 'fr' },
      components: [
        { type: 'header', parameters: [{ type: 'text', parameter_name: 'first_name', text: 'Zoé' }] },
        { type: 'body', parameters: [{ type: 'text', parameter_name: 'first_name', text: 'Zoé' }, { type: 'text', parameter_name: 'order_id', text: 'B-77' }] },
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const m = await received();
    expect(m.content).toEqual({ name: 'welcome_named', language: 'fr', category: 'utility', header: { type: 'text', text: 'Bonjour Zoé' }, body: 'Votre commande B-77 est prête, Zoé ! Passez la prendre.' });
  });

  it('sends an authentication template: the code in the body and in the OTP button; a copy-code coupon', async () => {
    expect((await create(biz, loginCode())).status).toBe(200);
    const res = await send({
      name: 'login_code',
      language: { code: 'en_US' },
      components: [
        { type: 'body', parameters: [{ type: 'text', text: '481516' }] },
        { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: '481516' }] },
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect((await received()).content).toEqual({
      name: 'login_code',
      language: 'en_US',
      category: 'authentication',
      body: '*481516* is your verification code. For your security, do not share this code.',
      footer: 'This code expires in 10 minutes.',
      buttons: [{ type: 'otp', text: 'Copy code', code: '481516' }],
    });

    expect((await create(biz, { name: 'coupon', language: 'en', category: 'MARKETING', components: [{ type: 'BODY', text: 'Here is your coupon.' }, { type: 'BUTTONS', buttons: [{ type: 'COPY_CODE', example: 'SAVE10' }] }] })).status).toBe(200);
    const coupon = await send({ name: 'coupon', language: { code: 'en' }, components: [{ type: 'button', sub_type: 'copy_code', index: 0, parameters: [{ type: 'coupon_code', coupon_code: 'SAVE10' }] }] });
    expect(coupon.status, JSON.stringify(coupon.body)).toBe(200);
    expect((await received()).content).toMatchObject({ buttons: [{ type: 'copy_code', text: 'Copy offer code', code: 'SAVE10' }] });
  });

  it('refuses every template error with its code and sends nothing', async () => {
    expect((await create(biz, orderUpdate())).status).toBe(200);
    expect((await create(biz, namedWelcome())).status).toBe(200);
    const imageId = await imageApiId();
    const header = { type: 'header', parameters: [{ type: 'image', image: { id: imageId } }] };
    const bodyParams = (...texts: string[]) => ({ type: 'body', parameters: texts.map((text) => ({ type: 'text', text })) });
    const url = { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'ORD-42' }] };
    const order = (...components: unknown[]) => ({ name: 'order_update', language: { code: 'en_US' }, components });
    const db = server.parley.ctx.db;

    const other = await apiBusiness(server, null);
    expect((await create(other, { ...namedWelcome(), name: 'theirs' })).status).toBe(200);

    const cases: [string, unknown, number, number][] = [
      ['unknown name', { name: 'no_such', language: { code: 'en_US' } }, 404, 132001],
      ['wrong language', { ...order(header, bodyParams('a', 'b', 'c'), url), language: { code: 'fr' } }, 404, 132001],
      ['template of another WABA', { name: 'theirs', language: { code: 'fr' } }, 404, 132001],
      ['too few body parameters', order(header, bodyParams('a', 'b'), url), 400, 132000],
      ['too many body parameters', order(header, bodyParams('a', 'b', 'c', 'd'), url), 400, 132000],
      ['no header parameter', order(bodyParams('a', 'b', 'c'), url), 400, 132000],
      ['no URL suffix', order(header, bodyParams('a', 'b', 'c')), 400, 132000],
      ['video for an image header', order({ type: 'header', parameters: [{ type: 'video', video: { id: imageId } }] }, bodyParams('a', 'b', 'c'), url), 400, 132012],
      ['image in the body', order(header, { type: 'body', parameters: [{ type: 'image', image: { id: imageId } }, { type: 'text', text: 'b' }, { type: 'text', text: 'c' }] }, url), 400, 132012],
      ['quick_reply sub_type on the URL button', order(header, bodyParams('a', 'b', 'c'), { ...url, sub_type: 'quick_reply' }), 400, 132012],
      ['text instead of payload', order(header, bodyParams('a', 'b', 'c'), url, { type: 'button', sub_type: 'quick_reply', index: 0, parameters: [{ type: 'text', text: 'x' }] }), 400, 132012],
      ['parameter_name on a positional template', order(header, { type: 'body', parameters: [{ type: 'text', text: 'a', parameter_name: 'x' }, { type: 'text', text: 'b' }, { type: 'text', text: 'c' }] }, url), 400, 132012],
      ['unknown parameter_name', { name: 'welcome_named', language: { code: 'fr' }, components: [{ type: 'header', parameters: [{ type: 'text', parameter_name: 'first_name', text: 'Zoé' }] }, { type: 'body', parameters: [{ type: 'text', parameter_name: 'first_name', text: 'Zoé' }, { type: 'text', parameter_name: 'order', text: 'B-77' }] }] }, 400, 132012],
      ['positional parameters for a named template', { name: 'welcome_named', language: { code: 'fr' }, components: [{ type: 'header', parameters: [{ type: 'text', text: 'Zoé' }] }, bodyParams('Zoé', 'B-77')] }, 400, 132012],
      ['rendered body too long', order(header, bodyParams('a'.repeat(1000), 'b', 'c'), url), 400, 132005],
      ['rendered header too long', { name: 'welcome_named', language: { code: 'fr' }, components: [{ type: 'header', parameters: [{ type: 'text', parameter_name: 'first_name', text: 'Z'.repeat(55) }] }, { type: 'body', parameters: [{ type: 'text', parameter_name: 'first_name', text: 'Zoé' }, { type: 'text', parameter_name: 'order_id', text: 'B' }] }] }, 400, 132005],
      ['new line in a parameter', order(header, bodyParams('a\nb', 'b', 'c'), url), 400, 132007],
      ['five spaces in a parameter', order(header, bodyParams('a     b', 'b', 'c'), url), 400, 132007],
      ['header image by a link that cannot be fetched', order({ type: 'header', parameters: [{ type: 'image', image: { link: 'http://127.0.0.1:9/a.png' } }] }, bodyParams('a', 'b', 'c'), url), 400, 131053],
      ['unknown media id', order({ type: 'header', parameters: [{ type: 'image', image: { id: '1003383421387256' } }] }, bodyParams('a', 'b', 'c'), url), 400, 131009],
      ['button index out of range', order(header, bodyParams('a', 'b', 'c'), url, { type: 'button', sub_type: 'quick_reply', index: '5', parameters: [{ type: 'payload', payload: 'x' }] }), 400, 131009],
      ['no language', { name: 'order_update' }, 400, 131008],
      ['unknown key', { ...order(header, bodyParams('a', 'b', 'c'), url), colour: 'red' }, 400, 100],
    ];
    for (const [label, template, status, code] of cases) {
      const res = await send(template);
      expect(res.status, `${label}: ${JSON.stringify(res.body)}`).toBe(status);
      expectGraphError(res, status, code);
    }

    await db.updateTable('api_templates').set({ status: 'PAUSED' }).where('name', '=', 'order_update').execute();
    expectGraphError(await send(order(header, bodyParams('a', 'b', 'c'), url)), 400, 132015);
    await db.updateTable('api_templates').set({ status: 'DISABLED' }).where('name', '=', 'order_update').execute();
    expectGraphError(await send(order(header, bodyParams('a', 'b', 'c'), url)), 400, 132016);
    for (const status of ['PENDING', 'REJECTED']) {
      await db.updateTable('api_templates').set({ status }).where('name', '=', 'order_update').execute();
      expectGraphError(await send(order(header, bodyParams('a', 'b', 'c'), url)), 404, 132001);
    }
    await graph(server, biz.apiToken, 'DELETE', `/v23.0/${biz.wabaId}/message_templates?name=welcome_named`);
    expectGraphError(await send({ name: 'welcome_named', language: { code: 'fr' } }), 404, 132001);

    expect(await ws.silentFor(200, (f) => f.type === 'update' && (f.update as { type: string }).type === 'message.created')).toBe(true);
    const stored = await db.selectFrom('messages').select('id').where('kind', '=', 'template').execute();
    expect(stored).toHaveLength(0);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { api, signIn, type Person } from '../helpers/clients.js';
import { WebhookReceiver, type WebhookJson } from '../helpers/webhook-receiver.js';
import { apiBusiness, digits, expectGraphError, graph, type ApiBusiness } from '../helpers/api-business.js';
import { ManualClock } from '../../src/platform/clock.js';
import { runMaintenance } from '../../src/workers/maintenance.js';

type Value = Record<string, unknown>;
const HOUR = 3600_000;

const change = (j: WebhookJson) => j.entry[0]?.changes[0] as unknown as { field: string; value: Value } | undefined;

describe('Business API: template quality and pausing', () => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  let biz: ApiBusiness;
  let clock: ManualClock;
  let templateId: string;
  let customers: Person[];

  const send = (to: Person) =>
    graph<{ messages: { id: string }[] }>(server, biz.apiToken, 'POST', `/v23.0/${biz.phoneNumberId}/messages`, {
      messaging_product: 'whatsapp',
      to: digits(to.phone),
      type: 'template',
      template: { name: 'pickup_ready', language: { code: 'en_US' } },
    });
  const sendOk = async (to: Person) => {
    const res = await send(to);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  };
  const report = async (who: Person) => expect((await api(server, 'POST', '/v1/reports', { token: who.token, body: { accountId: biz.accountId, reason: 'Unwanted message' } })).status).toBe(201);
  const block = async (who: Person) => expect((await api(server, 'PUT', `/v1/blocks/${biz.accountId}`, { token: who.token })).status).toBe(204);
  const template = async () => (await graph<Value>(server, biz.apiToken, 'GET', `/v23.0/${templateId}?fields=status,quality_score`)).body;
  const owned = async () => (await api<{ templates: Value[] }>(server, 'GET', '/v1/business/api/templates', { token: biz.token })).body.templates.find((t) => t.id === templateId)!;

  /** The template's webhooks so far, as [field, event or new score]. */
  const history = () =>
    receiver
      .payloads()
      .map((p) => change(p.json))
      .filter((c) => c && c.value.message_template_id === Number(templateId))
      .map((c) => (c!.field === 'message_template_status_update' ? `status:${String(c!.value.event)}` : `quality:${String(c!.value.previous_quality_score)}>${String(c!.value.new_quality_score)}`));
  const waitHistory = async (expected: string[]) => {
    const until = Date.now() + 5000;
    while (history().length < expected.length && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    // Whatever else is on its way arrives too, so an extra event is not missed.
    await server.parley.webhooks.idle();
    expect(history()).toEqual(expected);
  };

  beforeEach(async () => {
    clock = new ManualClock(Date.UTC(2026, 2, 3, 9));
    server = await startServer({ clock });
    receiver = await WebhookReceiver.start();
    biz = await apiBusiness(server, receiver);
    const created = await graph<{ id: string; status: string }>(server, biz.apiToken, 'POST', `/v23.0/${biz.wabaId}/message_templates`, {
      name: 'pickup_ready',
      language: 'en_US',
      category: 'UTILITY',
      components: [{ type: 'BODY', text: 'Your order is ready for pickup at our shop.' }],
    });
    expect(created.body.status).toBe('APPROVED');
    templateId = created.body.id;
    customers = [];
    for (let i = 0; i < 5; i++) customers.push(await signIn(server));
  });
  afterEach(async () => {
    await server.close();
    await receiver.close();
  });

  it('blocks and reports after sends turn it YELLOW then RED; paused 3 h, then 6 h, then DISABLED, each change a webhook', async () => {
    const [c1, c2, c3, c4, c5] = customers as [Person, Person, Person, Person, Person];
    for (const c of [c1, c2, c3, c4]) await sendOk(c);
    expect(await template()).toMatchObject({ status: 'APPROVED', quality_score: { score: 'UNKNOWN' } });

    // Feedback from someone who never received the template does not count against it.
    await report(c5);
    expect((await template()).quality_score).toEqual({ score: 'UNKNOWN' });

    await report(c1);
    expect(await template()).toMatchObject({ status: 'APPROVED', quality_score: { score: 'YELLOW', date: Math.floor(clock.now() / 1000) } });
    // The same customer again (a report, then a block) is still one customer.
    await block(c1);
    expect((await template()).quality_score).toMatchObject({ score: 'YELLOW' });

    await block(c2);
    expect(await template()).toMatchObject({ status: 'PAUSED', quality_score: { score: 'RED' } });
    expect(await owned()).toMatchObject({ status: 'PAUSED', quality: 'RED', pausedUntil: clock.now() + 3 * HOUR });
    const red = await graph<{ data: Value[] }>(server, biz.apiToken, 'GET', `/v23.0/${biz.wabaId}/message_templates?quality_score=RED&fields=name`);
    expect(red.body.data).toEqual([{ name: 'pickup_ready', id: templateId }]);
    await waitHistory(['status:APPROVED', 'quality:UNKNOWN>YELLOW', 'quality:YELLOW>RED', 'status:PAUSED']);
    const paused = receiver.payloads().map((p) => change(p.json)).find((c) => c?.value.event === 'PAUSED')!.value;
    expect(paused).toMatchObject({ message_template_name: 'pickup_ready', reason: 'NONE', other_info: { title: 'FIRST_PAUSE' } });

    expectGraphError(await send(c3), 400, 132015);
    clock.advance(3 * HOUR - 1);
    expectGraphError(await send(c3), 400, 132015);

    // The pause ends: sendable again, REINSTATED, rated afresh.
    clock.advance(1);
    await sendOk(c3);
    expect(await template()).toMatchObject({ status: 'APPROVED', quality_score: { score: 'UNKNOWN' } });
    await waitHistory(['status:APPROVED', 'quality:UNKNOWN>YELLOW', 'quality:YELLOW>RED', 'status:PAUSED', 'status:REINSTATED', 'quality:RED>UNKNOWN']);

    // Second time: paused for 6 hours.
    await sendOk(c4);
    await report(c3);
    await report(c4);
    expect(await owned()).toMatchObject({ status: 'PAUSED', quality: 'RED', pausedUntil: clock.now() + 6 * HOUR });
    clock.advance(3 * HOUR);
    expectGraphError(await send(c3), 400, 132015);
    clock.advance(3 * HOUR);
    expect((await template()).status).toBe('APPROVED');

    // Third time: disabled for good.
    await sendOk(c3);
    await sendOk(c4);
    await report(c3);
    expect((await template()).quality_score).toMatchObject({ score: 'YELLOW' });
    await report(c4);
    expect(await owned()).toMatchObject({ status: 'DISABLED', quality: 'RED', pausedUntil: null });
    expectGraphError(await send(c3), 400, 132016);
    clock.advance(24 * HOUR);
    expectGraphError(await send(c3), 400, 132016);

    await waitHistory([
      'status:APPROVED',
      'quality:UNKNOWN>YELLOW',
      'quality:YELLOW>RED',
      'status:PAUSED',
      'status:REINSTATED',
      'quality:RED>UNKNOWN',
      'quality:UNKNOWN>YELLOW',
      'quality:YELLOW>RED',
      'status:PAUSED',
      'status:REINSTATED',
      'quality:RED>UNKNOWN',
      'quality:UNKNOWN>YELLOW',
      'quality:YELLOW>RED',
      'status:DISABLED',
    ]);
    const quality = receiver.payloads().map((p) => change(p.json)).find((c) => c?.field === 'message_template_quality_update')!;
    expect(quality.value).toEqual({ previous_quality_score: 'UNKNOWN', new_quality_score: 'YELLOW', message_template_id: Number(templateId), message_template_name: 'pickup_ready', message_template_language: 'en_US' });
  });

  it('rates GREEN with enough sends and little feedback; feedback long after the send is not attributed', async () => {
    const [c1, c2] = customers as [Person, Person];
    for (let i = 0; i < 5; i++) {
      await sendOk(c1);
      await sendOk(c2);
      clock.advance(60_000);
    }
    expect((await template()).quality_score).toMatchObject({ score: 'GREEN' });
    // More than 24 hours after the last template: not about it.
    clock.advance(24 * HOUR + 1);
    await report(c1);
    expect((await template()).quality_score).toMatchObject({ score: 'GREEN' });
    await waitHistory(['status:APPROVED', 'quality:UNKNOWN>GREEN']);
  });

  it('ends a pause when the owner edits the paused template (reviewed again, rated afresh)', async () => {
    const [c1, c2] = customers as [Person, Person];
    await sendOk(c1);
    await sendOk(c2);
    await report(c1);
    await report(c2);
    expect((await owned()).status).toBe('PAUSED');
    // The owner edits it a little later (the sends and reports above all carry the same instant).
    clock.advance(60_000);
    const edit = await api<Value>(server, 'PUT', `/v1/business/api/templates/${templateId}`, { token: biz.token, body: { components: [{ type: 'BODY', text: 'Your order is ready: pick it up at our shop until 7 pm.' }] } });
    expect(edit.status, JSON.stringify(edit.body)).toBe(200);
    expect(edit.body).toMatchObject({ status: 'APPROVED', quality: 'UNKNOWN', pausedUntil: null });
    await sendOk(c1);
    await waitHistory(['status:APPROVED', 'quality:UNKNOWN>YELLOW', 'quality:YELLOW>RED', 'status:PAUSED', 'status:APPROVED', 'quality:RED>UNKNOWN']);
  });

  it('is reinstated by the hourly maintenance without any read, which also drops sends too old to count', async () => {
    const [c1, c2] = customers as [Person, Person];
    await sendOk(c1);
    await sendOk(c2);
    await report(c1);
    await report(c2);
    await waitHistory(['status:APPROVED', 'quality:UNKNOWN>YELLOW', 'quality:YELLOW>RED', 'status:PAUSED']);
    clock.advance(3 * HOUR);
    expect(await runMaintenance(server.parley.ctx)).toMatchObject({ templatesReinstated: 1, templateQualityPruned: 0 });
    await waitHistory(['status:APPROVED', 'quality:UNKNOWN>YELLOW', 'quality:YELLOW>RED', 'status:PAUSED', 'status:REINSTATED', 'quality:RED>UNKNOWN']);
    clock.advance(8 * 24 * HOUR);
    // Two sends and two reports, now past the window.
    expect(await runMaintenance(server.parley.ctx)).toMatchObject({ templatesReinstated: 0, templateQualityPruned: 4 });
  });
});

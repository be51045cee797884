import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { api, signIn, type Person } from '../helpers/clients.js';
import { firstStatus, WebhookReceiver, type WebhookJson } from '../helpers/webhook-receiver.js';
import { apiBusiness, customerWrites, digits, graph, manyCustomers, type ApiBusiness } from '../helpers/api-business.js';
import { signInBusiness } from '../helpers/business.js';
import { makePng, upload } from '../helpers/media-fixtures.js';
import { createAdmin } from '../../src/domain/admin/index.js';
import { refreshAllQuality } from '../../src/domain/api/index.js';
import { ManualClock } from '../../src/platform/clock.js';

const SECOND = 1000;
const HOUR = 3600_000;
const DAY = 24 * HOUR;

interface SendBody {
  messages: { id: string; message_status?: string }[];
}

interface Health {
  phoneNumberId: string;
  displayPhoneNumber: string;
  status: string;
  quality: { rating: string; since: number | null; blocks7d: number; reports7d: number; businessInitiated7d: number };
  messagingLimit: { tier: string; limit: number | null; used24h: number; nextTier: string | null };
  throughputPerSecond: number;
  history: { at: number; event: string; detail: string }[];
}

type QualityValue = { display_phone_number: string; event: string; current_limit: string; old_limit?: string; max_daily_conversations_per_business?: string };

const qualityChange = (j: WebhookJson) => {
  const c = j.entry[0]?.changes[0] as unknown as { field: string; value: QualityValue } | undefined;
  return c?.field === 'phone_number_quality_update' ? c.value : undefined;
};

describe('Business API: quality rating and messaging limits', { timeout: 240_000 }, () => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  let biz: ApiBusiness;
  let clock: ManualClock;

  const template = (to: Person) => graph<SendBody>(server, biz.apiToken, 'POST', `/v23.0/${biz.phoneNumberId}/messages`, { messaging_product: 'whatsapp', to: digits(to.phone), type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } });
  const health = async (token = biz.token) => api<Health>(server, 'GET', '/v1/business/api/health', { token });
  const numberNode = async () => (await graph(server, biz.apiToken, 'GET', `/v23.0/${biz.phoneNumberId}?fields=quality_rating,status,messaging_limit_tier,whatsapp_business_manager_messaging_limit,throughput{level}`)).body;
  /** Templates the customer has from the business. */
  const inbox = async (who: Person) => {
    const chat = await api<{ id: string }>(server, 'POST', '/v1/chats', { token: who.token, body: { peer: biz.phone } });
    const page = await api<{ messages: { kind: string; senderId: string }[] }>(server, 'GET', `/v1/chats/${chat.body.id}/messages`, { token: who.token });
    return page.body.messages.filter((m) => m.senderId === biz.accountId);
  };
  const statusOf = async (wamid: string) => firstStatus((await receiver.waitFor((j) => firstStatus(j)?.id === wamid)).json)!;
  /** The quality webhooks received so far, in order. */
  const qualityEvents = () => receiver.payloads().flatMap((p) => qualityChange(p.json) ?? []);
  const waitQualityEvents = async (n: number) => {
    await receiver.waitFor(() => qualityEvents().length >= n);
    return qualityEvents();
  };
  /** Templates to each customer through the API, at most 40 per (manual) second to stay under the throughput limit. */
  const templateToAll = async (people: Person[]) => {
    for (let i = 0; i < people.length; i += 10) {
      const results = await Promise.all(people.slice(i, i + 10).map((p) => template(p)));
      for (const r of results) expect(r.status, JSON.stringify(r.body)).toBe(200);
      if (i % 40 === 30) clock.advance(SECOND);
    }
  };
  const block = async (who: Person) => expect((await api(server, 'PUT', `/v1/blocks/${biz.accountId}`, { token: who.token })).status).toBe(204);
  const report = async (who: Person, alsoBlock = false) =>
    expect((await api(server, 'POST', '/v1/reports', { token: who.token, body: { accountId: biz.accountId, reason: 'Spam', block: alsoBlock } })).status).toBe(201);

  beforeEach(async () => {
    clock = new ManualClock(Date.UTC(2026, 2, 2, 9));
    server = await startServer({ clock });
    receiver = await WebhookReceiver.start();
    biz = await apiBusiness(server, receiver);
  });
  afterEach(async () => {
    await server.close();
    await receiver.close();
  });

  it('a new number is GREEN at TIER_250; the health view needs a business with API access', async () => {
    const h = await health();
    expect(h.status).toBe(200);
    expect(h.body).toEqual({
      phoneNumberId: biz.phoneNumberId,
      displayPhoneNumber: expect.stringMatching(/^\+\d[\d ]+$/),
      status: 'CONNECTED',
      quality: { rating: 'GREEN', since: clock.now(), blocks7d: 0, reports7d: 0, businessInitiated7d: 0 },
      messagingLimit: { tier: 'TIER_250', limit: 250, used24h: 0, nextTier: 'TIER_2K' },
      throughputPerSecond: 80,
      history: [],
    });
    expect(await numberNode()).toEqual({ id: biz.phoneNumberId, quality_rating: 'GREEN', status: 'CONNECTED', messaging_limit_tier: 'TIER_250', whatsapp_business_manager_messaging_limit: 'TIER_250', throughput: { level: 'STANDARD' } });

    const person = await signIn(server);
    expect((await health(person.token)).body).toMatchObject({ error: { code: 'NOT_A_BUSINESS' } });
    const noApi = await signInBusiness(server);
    const refused = await health(noApi.token);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: { code: 'API_NOT_ENABLED' } });
    expect((await api(server, 'GET', '/v1/business/api/health', {})).status).toBe(401);
  });

  it('a verified business goes from TIER_250 to TIER_2K without waiting (UPGRADE webhook)', async () => {
    expect((await health()).body.messagingLimit.tier).toBe('TIER_250');
    const doc = await upload<{ id: string }>(server, biz.token, makePng(8, 8, 3), { kind: 'image', contentType: 'image/png', fileName: 'kbis.png' });
    const submitted = await api<{ request: { id: string } }>(server, 'POST', '/v1/business/verification', { token: biz.token, body: { legalName: 'Léa Martin SARL', documentMediaIds: [doc.body.id] } });
    expect(submitted.status).toBe(201);
    await createAdmin(server.parley.ctx, { username: 'reviewer', password: 'a long admin password' });
    const login = await api<{ token: string }>(server, 'POST', '/v1/admin/login', { body: { username: 'reviewer', password: 'a long admin password' } });
    expect((await api(server, 'POST', `/v1/admin/verifications/${submitted.body.request.id}/approve`, { token: login.body.token })).status).toBe(204);

    const h = (await health()).body;
    expect(h.messagingLimit).toEqual({ tier: 'TIER_2K', limit: 2000, used24h: 0, nextTier: 'TIER_10K' });
    expect(h.history).toEqual([{ at: clock.now(), event: 'UPGRADE', detail: expect.stringContaining('the business is verified') }]);
    expect((await waitQualityEvents(1))[0]).toMatchObject({ event: 'UPGRADE', current_limit: 'TIER_2K', old_limit: 'TIER_250', max_daily_conversations_per_business: '2000' });
    expect(await numberNode()).toMatchObject({ messaging_limit_tier: 'TIER_2K' });
  });

  it('with little reach, 5 blocks turn a number RED; the periodic evaluation brings it back when they age out, with nothing read', async () => {
    const customers = await manyCustomers(server, 5);
    await block(customers[0]!);
    expect((await numberNode()).quality_rating).toBe('GREEN');
    await block(customers[1]!); // 2 of at least 100: 2 %
    expect((await waitQualityEvents(1))[0]).toMatchObject({ event: 'FLAGGED', current_limit: 'TIER_250' });
    expect(await numberNode()).toMatchObject({ quality_rating: 'YELLOW', status: 'CONNECTED' });
    for (const who of customers.slice(2)) await block(who); // 5 %
    // Already at the lowest tier: flagged, nothing to lower.
    expect((await waitQualityEvents(2))[1]).toMatchObject({ event: 'FLAGGED', current_limit: 'TIER_250', old_limit: 'TIER_250' });
    expect(await numberNode()).toMatchObject({ quality_rating: 'RED', status: 'FLAGGED', messaging_limit_tier: 'TIER_250' });

    clock.advance(7 * DAY);
    expect(await refreshAllQuality(server.parley.ctx)).toBe(1); // what the worker runs every 15 minutes
    expect((await waitQualityEvents(3))[2]).toMatchObject({ event: 'UNFLAGGED', current_limit: 'TIER_250' });
    expect(qualityEvents().map((e) => e.event)).toEqual(['FLAGGED', 'FLAGGED', 'UNFLAGGED']);
    expect((await health()).body).toMatchObject({ status: 'CONNECTED', quality: { rating: 'GREEN', since: clock.now(), blocks7d: 0 } });
  });

  it('the 251st new customer in 24 h is refused with 131048 and gets nothing; counted and open-window customers still get templates; volume raises the tier; blocks and reports turn the rating YELLOW then RED and lower the tier; it recovers as feedback ages out', async () => {
    // A customer who wrote: templates to them are not business-initiated.
    const writer = await signIn(server);
    await customerWrites(server, writer, biz, 'Is my order ready?');
    const reached = await manyCustomers(server, 250);
    const extra = await manyCustomers(server, 3);
    const start = clock.now();
    await templateToAll(reached.slice(0, 245));
    // 8 new customers at once across the limit: exactly 5 fit, 3 fail with 131048.
    clock.advance(SECOND);
    const edge = await Promise.all([...reached.slice(245), ...extra].map((p) => template(p)));
    const edgeStatuses = await Promise.all(edge.map((r) => statusOf(r.body.messages[0]!.id)));
    expect(edgeStatuses.filter((st) => st.status === 'sent')).toHaveLength(5);
    expect(edgeStatuses.filter((st) => st.status === 'failed').map((st) => st.errors?.[0]?.code)).toEqual([131048, 131048, 131048]);
    // Which 5 got through depends on arrival; make `reached` the 250 who did.
    const all = [...reached.slice(245), ...extra];
    const through = all.filter((_, i) => edgeStatuses[i]!.status === 'sent');
    reached.splice(245, 5, ...through);
    for (const who of all.filter((p) => !through.includes(p))) expect(await inbox(who)).toEqual([]);
    expect((await template(writer)).status).toBe(200);

    let h = (await health()).body;
    expect(h.messagingLimit).toEqual({ tier: 'TIER_250', limit: 250, used24h: 250, nextTier: 'TIER_2K' });
    expect(h.status).toBe('RESTRICTED');
    expect(h.quality).toMatchObject({ rating: 'GREEN', businessInitiated7d: 250 });
    expect(await numberNode()).toMatchObject({ status: 'RESTRICTED', messaging_limit_tier: 'TIER_250' });

    // The 251st new customer: accepted, then a failed status with 131048; nothing reaches them.
    const late = await signIn(server);
    const refused = await template(late);
    expect(refused.status, JSON.stringify(refused.body)).toBe(200);
    const failed = await statusOf(refused.body.messages[0]!.id);
    expect(failed.status).toBe('failed');
    expect(failed.errors).toEqual([expect.objectContaining({ code: 131048, title: 'Spam rate limit hit', error_data: { details: expect.stringContaining('250 unique customers in 24 hours') } })]);
    expect(await inbox(late)).toEqual([]);

    // A customer already counted in the 24 hours still gets templates, and so does one who wrote.
    const again = await template(reached[0]!);
    expect((await statusOf(again.body.messages[0]!.id)).status).toBe('sent');
    expect((await inbox(reached[0]!)).map((m) => m.kind)).toEqual(['template', 'template']);
    clock.advance(2 * HOUR);
    const toWriter = await template(writer);
    expect((await statusOf(toWriter.body.messages[0]!.id)).status).toBe('sent');
    expect((await health()).body.messagingLimit.used24h).toBe(250);

    // Six hours after the number's first evaluation, having reached at least half its limit in 7 days with good quality: TIER_2K.
    clock.set(start + 6 * HOUR);
    h = (await health()).body;
    expect(h.messagingLimit).toEqual({ tier: 'TIER_2K', limit: 2000, used24h: 250, nextTier: 'TIER_10K' });
    expect(h.status).toBe('CONNECTED');
    expect(h.history).toEqual([{ at: clock.now(), event: 'UPGRADE', detail: expect.stringContaining('TIER_250 → TIER_2K') }]);
    const [upgrade] = await waitQualityEvents(1);
    expect(upgrade).toEqual({ display_phone_number: digits(biz.phone), event: 'UPGRADE', current_limit: 'TIER_2K', old_limit: 'TIER_250', max_daily_conversations_per_business: '2000' });
    const upgradeHook = receiver.payloads().find((p) => qualityChange(p.json))!.json;
    expect(upgradeHook.entry[0]).toMatchObject({ id: biz.wabaId, time: Math.floor(clock.now() / 1000) });
    const now2k = await template(late);
    expect((await statusOf(now2k.body.messages[0]!.id)).status).toBe('sent');
    expect((await inbox(late)).map((m) => m.kind)).toEqual(['template']);

    // 6 of 251 customers (2 %) block or report: YELLOW, announced as FLAGGED; the tier stays.
    clock.advance(HOUR);
    const feedbackAt = clock.now();
    await block(reached[1]!);
    await block(reached[2]!);
    await block(reached[3]!);
    await report(reached[4]!);
    await report(reached[5]!);
    await report(reached[5]!); // the same customer again counts once
    expect((await health()).body.quality).toMatchObject({ rating: 'GREEN', blocks7d: 3, reports7d: 2 });
    await report(reached[6]!);
    h = (await health()).body;
    expect(h.quality).toEqual({ rating: 'YELLOW', since: feedbackAt, blocks7d: 3, reports7d: 3, businessInitiated7d: 251 });
    expect(h.status).toBe('CONNECTED');
    expect(h.messagingLimit.tier).toBe('TIER_2K');
    expect((await waitQualityEvents(2))[1]).toEqual({ display_phone_number: digits(biz.phone), event: 'FLAGGED', current_limit: 'TIER_2K', old_limit: 'TIER_2K', max_daily_conversations_per_business: '2000' });
    expect(await numberNode()).toMatchObject({ quality_rating: 'YELLOW', status: 'CONNECTED', messaging_limit_tier: 'TIER_2K' });

    // 13 of 251 (5 %): RED, the number FLAGGED and its limit lowered one tier.
    clock.advance(HOUR);
    for (const who of reached.slice(7, 13)) await report(who, true);
    expect((await health()).body.quality.rating).toBe('YELLOW');
    await block(reached[13]!);
    const lastFeedbackAt = clock.now();
    h = (await health()).body;
    expect(h.quality).toMatchObject({ rating: 'RED', since: lastFeedbackAt, blocks7d: 10, reports7d: 9 });
    expect(h.status).toBe('FLAGGED');
    expect(h.messagingLimit).toEqual({ tier: 'TIER_250', limit: 250, used24h: 251, nextTier: 'TIER_2K' });
    const events = await waitQualityEvents(4);
    // Delivered concurrently: in either order.
    expect(events.slice(2)).toHaveLength(2);
    expect(events.slice(2)).toEqual(
      expect.arrayContaining([
        { display_phone_number: digits(biz.phone), event: 'FLAGGED', current_limit: 'TIER_2K', old_limit: 'TIER_2K', max_daily_conversations_per_business: '2000' },
        { display_phone_number: digits(biz.phone), event: 'DOWNGRADE', current_limit: 'TIER_250', old_limit: 'TIER_2K', max_daily_conversations_per_business: '250' },
      ]),
    );
    expect(h.history.map((e) => e.event)).toEqual(['DOWNGRADE', 'FLAGGED', 'FLAGGED', 'UPGRADE']);
    expect(h.history[0]!.detail).toContain('TIER_2K → TIER_250');
    expect(await numberNode()).toMatchObject({ quality_rating: 'RED', status: 'FLAGGED', messaging_limit_tier: 'TIER_250', whatsapp_business_manager_messaging_limit: 'TIER_250' });
    // Over the lowered limit: a new customer is refused again.
    const newcomer = await signIn(server);
    const over = await template(newcomer);
    expect((await statusOf(over.body.messages[0]!.id)).errors?.[0]?.code).toBe(131048);

    // Seven days after the feedback, it has aged out: GREEN again, announced as UNFLAGGED.
    clock.set(lastFeedbackAt + 7 * DAY - 2 * HOUR);
    expect((await health()).body.quality).toMatchObject({ rating: 'RED', blocks7d: 10, reports7d: 9 });
    clock.set(lastFeedbackAt + 7 * DAY + SECOND);
    h = (await health()).body;
    expect(h.quality).toMatchObject({ rating: 'GREEN', blocks7d: 0, reports7d: 0 });
    expect(h.status).toBe('CONNECTED');
    expect(h.messagingLimit).toMatchObject({ tier: 'TIER_250', used24h: 0 });
    expect((await waitQualityEvents(5))[4]).toMatchObject({ event: 'UNFLAGGED', current_limit: 'TIER_250' });
    expect(await numberNode()).toMatchObject({ quality_rating: 'GREEN', status: 'CONNECTED' });
    expect((await template(newcomer)).status).toBe(200);
    expect((await inbox(newcomer)).map((m) => m.kind)).toEqual(['template']);
  });
});

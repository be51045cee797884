/**
 * Two-step verification (a 6-digit PIN) through the real server with a hand-moved clock: turning
 * it on, signing in on a new device with the code and the PIN, the growing wait after wrong PINs
 * (kept across a restart), changing and turning off, the reminder schedule, "Forgot PIN" with a real
 * local HTTP email provider and the 7-day reset, and bad input.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { api, nextPhone, signIn, WsClient, type Person } from '../helpers/clients.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';
import { ManualClock } from '../../src/platform/clock.js';
import type { TwoStepState } from '#contracts/two-step.js';

type ErrorBody = { error: { code: string; message: string; details?: Record<string, unknown> } };
type State = TwoStepState;
type Verified = { token: string; deviceId: string; account: { id: string } };

const SEC = 1000;
const HOUR = 3600 * SEC;
const DAY = 24 * HOUR;
const PIN = '246810';
const OTHER_PIN = '135790';

describe('two-step verification', () => {
  let server: TestServer;
  let clock: ManualClock;
  let mail: WebhookReceiver;
  let alice: Person;

  beforeEach(async () => {
    clock = new ManualClock();
    mail = await WebhookReceiver.start();
    server = await startServer({ clock, config: { PARLEY_EMAIL_SENDER: 'http', PARLEY_EMAIL_HTTP_URL: mail.url, PARLEY_EMAIL_HTTP_TOKEN: 'mail-secret', PARLEY_AUTH_RATE_PER_MINUTE: 1000 } });
    alice = await signIn(server);
  });
  afterEach(async () => {
    await server.close();
    await mail.close();
  });

  const state = (p: Person = alice) => api<State & ErrorBody>(server, 'GET', '/v1/me/two-step', { token: p.token });
  const enable = (body: unknown, p: Person = alice) => api<State & ErrorBody>(server, 'POST', '/v1/me/two-step', { token: p.token, body });
  const change = (body: unknown) => api<State & ErrorBody>(server, 'PATCH', '/v1/me/two-step', { token: alice.token, body });
  const disable = (pin: string) => api<State & ErrorBody>(server, 'POST', '/v1/me/two-step/disable', { token: alice.token, body: { pin } });
  const confirm = (pin: string) => api<State & ErrorBody>(server, 'POST', '/v1/me/two-step/confirm', { token: alice.token, body: { pin } });
  const devices = async (accountId = alice.accountId) =>
    server.parley.ctx.db.selectFrom('devices').select('id').where('account_id', '=', accountId).where('revoked_at', 'is', null).execute();
  const row = () => server.parley.ctx.db.selectFrom('two_step').selectAll().where('account_id', '=', alice.accountId).executeTakeFirst();

  /** Ask for an SMS code on a "new device" and verify it; returns the answer (PIN_REQUIRED when protected). */
  async function verifyNewDevice(extra: Record<string, unknown> = {}) {
    const sent = await api(server, 'POST', '/v1/auth/code', { body: { phone: alice.phone } });
    expect(sent.status).toBe(200);
    const code = server.codes.codes.get(alice.phone)!;
    return api<Verified & ErrorBody>(server, 'POST', '/v1/auth/verify', { body: { phone: alice.phone, code, deviceName: 'Laptop', ...extra } });
  }
  async function ticket(): Promise<string> {
    const res = await verifyNewDevice();
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('PIN_REQUIRED');
    return res.body.error.details!.ticket as string;
  }
  const withPin = (t: string, pin: string) => api<Verified & ErrorBody>(server, 'POST', '/v1/auth/pin', { body: { ticket: t, pin } });

  it('turns on with a PIN and an email; the state is shown and other devices are told', async () => {
    expect((await state()).body).toMatchObject({ enabled: false, email: null, emailAvailable: true, reminderDue: false });
    const ws = await WsClient.connect(server, alice.token);
    const on = await enable({ pin: PIN, email: 'Alice@Example.COM' });
    expect(on.status).toBe(200);
    expect(on.body).toEqual({
      enabled: true,
      email: 'Alice@example.com',
      emailAvailable: true,
      enabledAt: clock.now(),
      confirmedAt: clock.now(),
      nextReminderAt: clock.now() + 12 * HOUR,
      reminderDue: false,
      resetRequestedAt: null,
    });
    await ws.next((f) => f.type === 'refresh');
    await ws.close();
    expect((await state()).body).toEqual(on.body);
    // The PIN is stored hashed with scrypt, never as given.
    expect((await row())!.pin_hash).toMatch(/^scrypt\$/);
    expect((await row())!.pin_hash).not.toContain(PIN);
    // Twice: refused, nothing changes.
    const again = await enable({ pin: OTHER_PIN });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('TWO_STEP_ALREADY_ON');
    expect((await disable(OTHER_PIN)).body.error.code).toBe('PIN_INVALID');
  });

  it('signing in on a new device needs the code and the PIN; no device before the right PIN', async () => {
    await enable({ pin: PIN });
    const before = (await devices()).length;
    const required = await verifyNewDevice();
    expect(required.status).toBe(403);
    expect(required.body.error).toMatchObject({ code: 'PIN_REQUIRED', details: { expiresInSeconds: 900, hasEmail: false } });
    expect(typeof required.body.error.details!.ticket).toBe('string');
    expect(await devices()).toHaveLength(before);

    // The SMS code was used up: it cannot be replayed.
    const replay = await api<ErrorBody>(server, 'POST', '/v1/auth/verify', { body: { phone: alice.phone, code: server.codes.codes.get(alice.phone)! } });
    expect(replay.body.error.code).toBe('CODE_NOT_REQUESTED');

    const t = required.body.error.details!.ticket as string;
    const wrong = await withPin(t, OTHER_PIN);
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toMatchObject({ code: 'PIN_INVALID', details: { triesBeforeWait: 4 } });
    expect(await devices()).toHaveLength(before);

    const ok = await withPin(t, PIN);
    expect(ok.status).toBe(200);
    expect(ok.body.account.id).toBe(alice.accountId);
    expect(await devices()).toHaveLength(before + 1);
    const me = await api<{ id: string }>(server, 'GET', '/v1/me', { token: ok.body.token });
    expect(me.body.id).toBe(alice.accountId);
    // A ticket signs in once.
    expect((await withPin(t, PIN)).body.error.code).toBe('PIN_TICKET_INVALID');

    // The PIN may also come with the code; a wrong one answers PIN_INVALID with a ticket to go on with.
    const wrongWithCode = await verifyNewDevice({ pin: OTHER_PIN });
    expect(wrongWithCode.status).toBe(400);
    expect(wrongWithCode.body.error.code).toBe('PIN_INVALID');
    expect(await devices()).toHaveLength(before + 1);
    const goOn = await withPin(wrongWithCode.body.error.details!.ticket as string, PIN);
    expect(goOn.status).toBe(200);
    const direct = await verifyNewDevice({ pin: PIN });
    expect(direct.status).toBe(200);
    expect(await devices()).toHaveLength(before + 3);
  });

  it('a ticket expires after 15 minutes', async () => {
    await enable({ pin: PIN });
    const t = await ticket();
    clock.advance(15 * 60 * SEC);
    const late = await withPin(t, PIN);
    expect(late.status).toBe(400);
    expect(late.body.error.code).toBe('PIN_TICKET_INVALID');
  });

  it('wrong PINs: after 5, growing waits (retry-after), kept across a restart; the right PIN then resets them', async () => {
    await enable({ pin: PIN });
    const t = await ticket();
    for (let i = 1; i <= 4; i++) {
      const r = await withPin(t, OTHER_PIN);
      expect(r.body.error).toMatchObject({ code: 'PIN_INVALID', details: { triesBeforeWait: 5 - i } });
      expect(r.headers.get('retry-after')).toBeNull();
    }
    const fifth = await withPin(t, OTHER_PIN);
    expect(fifth.body.error).toMatchObject({ code: 'PIN_INVALID', details: { triesBeforeWait: 0, retryAfterSeconds: 30 } });
    expect(fifth.headers.get('retry-after')).toBe('30');

    // During the wait even the right PIN is refused, and not counted.
    const locked = await withPin(t, PIN);
    expect(locked.status).toBe(429);
    expect(locked.body.error).toMatchObject({ code: 'PIN_LOCKED', details: { retryAfterSeconds: 30 } });
    expect(locked.headers.get('retry-after')).toBe('30');
    clock.advance(20 * SEC);
    expect((await withPin(t, PIN)).headers.get('retry-after')).toBe('10');

    // A restart does not clear the wait.
    await server.restart();
    expect((await withPin(t, PIN)).body.error.code).toBe('PIN_LOCKED');

    clock.advance(10 * SEC);
    const sixth = await withPin(t, OTHER_PIN);
    expect(sixth.body.error.details).toMatchObject({ retryAfterSeconds: 60 });
    clock.advance(60 * SEC);
    const seventh = await withPin(t, OTHER_PIN);
    expect(seventh.body.error.details).toMatchObject({ retryAfterSeconds: 120 });
    await server.restart();
    // A new ticket (new SMS code) does not help either: the wait is the account's.
    clock.advance(60 * SEC);
    const again = await verifyNewDevice();
    expect(again.body.error).toMatchObject({ code: 'PIN_REQUIRED', details: { retryAfterSeconds: 60 } });
    const t2 = again.body.error.details!.ticket as string;
    const stillLocked = await withPin(t2, PIN);
    expect(stillLocked.body.error.code).toBe('PIN_LOCKED');
    expect(Number(stillLocked.headers.get('retry-after'))).toBeGreaterThan(0);
    clock.advance(60 * SEC);
    expect((await withPin(t2, PIN)).status).toBe(200);
    // The right PIN reset the count: the next wrong one is again one of 5 free tries.
    const t3 = await ticket();
    expect((await withPin(t3, OTHER_PIN)).body.error.details).toEqual({ triesBeforeWait: 4 });
  });

  it('the wait doubles up to 12 hours', async () => {
    await enable({ pin: PIN });
    const t = await ticket();
    const waits: number[] = [];
    // Keep the ticket alive: move the clock by exactly each wait (tickets last 15 minutes, so get new ones).
    let current = t;
    for (let i = 1; i <= 16; i++) {
      const r = await withPin(current, OTHER_PIN);
      if (r.body.error.code === 'PIN_TICKET_INVALID') {
        current = await ticket();
        i--;
        continue;
      }
      expect(r.body.error.code).toBe('PIN_INVALID');
      const wait = Number(r.body.error.details!.retryAfterSeconds ?? 0);
      waits.push(wait);
      clock.advance(wait * SEC);
    }
    expect(waits).toEqual([0, 0, 0, 0, 30, 60, 120, 240, 480, 960, 1920, 3840, 7680, 15360, 30720, 43200]);
  });

  it('turning off needs the PIN; a wrong one changes nothing', async () => {
    await enable({ pin: PIN });
    const wrong = await disable(OTHER_PIN);
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('PIN_INVALID');
    expect((await state()).body.enabled).toBe(true);
    const missing = await api<ErrorBody>(server, 'POST', '/v1/me/two-step/disable', { token: alice.token, body: {} });
    expect(missing.body.error.code).toBe('VALIDATION_FAILED');
    expect((await state()).body.enabled).toBe(true);

    const ws = await WsClient.connect(server, alice.token);
    const off = await disable(PIN);
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ enabled: false, email: null });
    await ws.next((f) => f.type === 'refresh');
    await ws.close();
    expect(await row()).toBeUndefined();
    // Signing in needs only the code again.
    expect((await verifyNewDevice()).status).toBe(200);
    expect((await disable(PIN)).body.error.code).toBe('TWO_STEP_OFF');
  });

  it('changes the PIN (needs the current one) and the email; the new PIN signs in, the old one does not', async () => {
    await enable({ pin: PIN, email: 'alice@example.com' });
    const bad = await change({ currentPin: OTHER_PIN, pin: '111111' });
    expect(bad.body.error.code).toBe('PIN_INVALID');
    const noChange = await change({ currentPin: PIN });
    expect(noChange.status).toBe(400);
    expect(noChange.body.error.code).toBe('VALIDATION_FAILED');

    clock.advance(2 * HOUR);
    const changed = await change({ currentPin: PIN, pin: OTHER_PIN, email: 'alice@new.example' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ enabled: true, email: 'alice@new.example', confirmedAt: clock.now(), nextReminderAt: clock.now() + 12 * HOUR });

    const removed = await change({ currentPin: OTHER_PIN, email: null });
    expect(removed.body.email).toBeNull();
    const badEmail = await change({ currentPin: OTHER_PIN, email: 'not-an-email' });
    expect(badEmail.body.error.code).toBe('EMAIL_INVALID');
    expect((await state()).body.email).toBeNull();

    const t = await ticket();
    expect((await withPin(t, PIN)).body.error.code).toBe('PIN_INVALID');
    expect((await withPin(t, OTHER_PIN)).status).toBe(200);
  });

  it('reminders: due 12 h after setting, then 1, 3, 7 days after each right answer, then every 7 days; wrong answers count towards the wait', async () => {
    await enable({ pin: PIN });
    const t0 = clock.now();
    clock.advance(12 * HOUR - 1);
    expect((await state()).body.reminderDue).toBe(false);
    clock.advance(1);
    expect((await state()).body).toMatchObject({ reminderDue: true, nextReminderAt: t0 + 12 * HOUR });

    for (let i = 1; i <= 5; i++) {
      const miss = await confirm(OTHER_PIN);
      expect(miss.status).toBe(400);
      expect(miss.body.error).toMatchObject({ code: 'PIN_INVALID', details: { missedReminders: i } });
    }
    // A signed-in device guesses no faster than sign-in: the 5th wrong answer starts the same wait.
    expect((await row())!.failures).toBe(5);
    const locked = await confirm(PIN);
    expect(locked.body.error).toMatchObject({ code: 'PIN_LOCKED', details: { retryAfterSeconds: 30 } });
    expect((await state()).body.reminderDue).toBe(true);
    clock.advance(30_000);

    const intervals = [DAY, 3 * DAY, 7 * DAY, 7 * DAY, 7 * DAY];
    for (const interval of intervals) {
      const ok = await confirm(PIN);
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ reminderDue: false, confirmedAt: clock.now(), nextReminderAt: clock.now() + interval });
      clock.advance(interval - 1);
      expect((await state()).body.reminderDue).toBe(false);
      clock.advance(1);
      expect((await state()).body.reminderDue).toBe(true);
    }
    // The right answer ended the failures; the misses stay on record.
    expect((await row())!).toMatchObject({ reminder_misses: 5, failures: 0 });
  });

  it('forgot PIN with a recovery email: a reset code is emailed through the provider and turns the PIN off', async () => {
    await enable({ pin: PIN, email: 'alice@example.com' });
    const t = await ticket();
    const forgot = await api<{ method: string; emailHint: string; expiresInSeconds: number } & ErrorBody>(server, 'POST', '/v1/auth/pin/forgot', { body: { ticket: t } });
    expect(forgot.status).toBe(200);
    expect(forgot.body).toEqual({ method: 'email', emailHint: 'a•••@example.com', expiresInSeconds: 3600 });

    const posts = mail.posts();
    expect(posts).toHaveLength(1);
    expect(posts[0]!.headers.authorization).toBe('Bearer mail-secret');
    expect(posts[0]!.headers['content-type']).toBe('application/json');
    const email = JSON.parse(posts[0]!.body.toString()) as { to: string; subject: string; text: string };
    expect(email.to).toBe('alice@example.com');
    expect(email.subject).toMatch(/PIN reset/);
    const code = /Reset code: (\d{8})/.exec(email.text)?.[1];
    expect(code).toBeDefined();

    // Asking again at once is throttled; nothing more is sent.
    const soon = await api<ErrorBody>(server, 'POST', '/v1/auth/pin/forgot', { body: { ticket: t } });
    expect(soon.status).toBe(429);
    expect(soon.headers.get('retry-after')).toBe('60');
    expect(mail.posts()).toHaveLength(1);

    const wrongCode = code === '00000000' ? '11111111' : '00000000';
    const bad = await api<ErrorBody>(server, 'POST', '/v1/auth/pin/reset', { body: { ticket: t, resetCode: wrongCode } });
    expect(bad.body.error).toMatchObject({ code: 'PIN_RESET_CODE_INVALID', details: { attemptsLeft: 4 } });
    expect((await state()).body.enabled).toBe(true);

    const ws = await WsClient.connect(server, alice.token);
    const reset = await api<Verified & ErrorBody>(server, 'POST', '/v1/auth/pin/reset', { body: { ticket: t, resetCode: code } });
    expect(reset.status).toBe(200);
    expect(reset.body.account.id).toBe(alice.accountId);
    await ws.next((f) => f.type === 'refresh');
    await ws.close();
    expect((await state()).body.enabled).toBe(false);
  });

  it('a reset code expires after an hour and after 5 wrong tries; a provider failure is reported and nothing is kept', async () => {
    await enable({ pin: PIN, email: 'alice@example.com' });
    mail.mode = { status: 500 };
    const t = await ticket();
    const failed = await api<ErrorBody>(server, 'POST', '/v1/auth/pin/forgot', { body: { ticket: t } });
    expect(failed.status).toBe(502);
    expect(failed.body.error.code).toBe('PIN_RESET_SEND_FAILED');
    expect((await row())!.reset_code_hash).toBeNull();

    mail.mode = { status: 200 };
    expect((await api(server, 'POST', '/v1/auth/pin/forgot', { body: { ticket: t } })).status).toBe(200);
    const code = /Reset code: (\d{8})/.exec((JSON.parse(mail.posts().at(-1)!.body.toString()) as { text: string }).text)![1]!;
    const wrongCode = code === '00000000' ? '11111111' : '00000000';
    for (let i = 0; i < 5; i++) await api(server, 'POST', '/v1/auth/pin/reset', { body: { ticket: t, resetCode: wrongCode } });
    const spent = await api<ErrorBody>(server, 'POST', '/v1/auth/pin/reset', { body: { ticket: t, resetCode: code } });
    expect(spent.body.error).toMatchObject({ code: 'PIN_RESET_CODE_INVALID', details: { attemptsLeft: 0 } });

    clock.advance(61 * SEC);
    expect((await api(server, 'POST', '/v1/auth/pin/forgot', { body: { ticket: t } })).status).toBe(200);
    const code2 = /Reset code: (\d{8})/.exec((JSON.parse(mail.posts().at(-1)!.body.toString()) as { text: string }).text)![1]!;
    clock.advance(60 * 60 * SEC);
    const t2 = await ticket();
    const expired = await api<ErrorBody>(server, 'POST', '/v1/auth/pin/reset', { body: { ticket: t2, resetCode: code2 } });
    expect(expired.body.error.code).toBe('PIN_RESET_CODE_INVALID');
    expect((await state()).body.enabled).toBe(true);
  });

  it('forgot PIN without an email: the reset is possible 7 days later, and a right PIN meanwhile cancels it', async () => {
    await enable({ pin: PIN });
    const t = await ticket();
    const forgot = await api<{ method: string; resetAvailableAt: number }>(server, 'POST', '/v1/auth/pin/forgot', { body: { ticket: t } });
    const askedAt = clock.now();
    expect(forgot.body).toEqual({ method: 'wait', resetAvailableAt: askedAt + 7 * DAY });
    expect(mail.posts()).toHaveLength(0);
    expect((await state()).body.resetRequestedAt).toBe(askedAt);
    const early = await api<ErrorBody>(server, 'POST', '/v1/auth/pin/reset', { body: { ticket: t } });
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'PIN_RESET_NOT_READY', details: { resetAvailableAt: askedAt + 7 * DAY } });

    // Asking again does not restart the wait.
    clock.advance(DAY);
    const t2 = await ticket();
    expect((await api<{ resetAvailableAt: number }>(server, 'POST', '/v1/auth/pin/forgot', { body: { ticket: t2 } })).body.resetAvailableAt).toBe(askedAt + 7 * DAY);

    clock.advance(6 * DAY);
    // Seven days on, a new sign-in says the reset is available.
    const ready = await verifyNewDevice();
    expect(ready.body.error.details).toMatchObject({ resetAvailableAt: askedAt + 7 * DAY });
    const t3 = ready.body.error.details!.ticket as string;
    const reset = await api<Verified>(server, 'POST', '/v1/auth/pin/reset', { body: { ticket: t3 } });
    expect(reset.status).toBe(200);
    expect((await state()).body.enabled).toBe(false);

    // A right PIN cancels a pending reset.
    await enable({ pin: PIN });
    const t4 = await ticket();
    await api(server, 'POST', '/v1/auth/pin/forgot', { body: { ticket: t4 } });
    expect((await withPin(t4, PIN)).status).toBe(200);
    expect((await state()).body.resetRequestedAt).toBeNull();
    clock.advance(8 * DAY);
    const t5 = await ticket();
    expect((await api<ErrorBody>(server, 'POST', '/v1/auth/pin/reset', { body: { ticket: t5 } })).body.error.code).toBe('PIN_RESET_NOT_REQUESTED');
  });

  it('bad input is refused with a clear error and changes nothing', async () => {
    const cases: [unknown, string][] = [
      [{ pin: '12345' }, 'VALIDATION_FAILED'],
      [{ pin: '1234567' }, 'VALIDATION_FAILED'],
      [{ pin: '12a456' }, 'VALIDATION_FAILED'],
      [{ pin: 123456 }, 'VALIDATION_FAILED'],
      [{ pin: PIN, email: 'nope' }, 'EMAIL_INVALID'],
      [{ pin: PIN, extra: true }, 'VALIDATION_FAILED'],
    ];
    for (const [body, code] of cases) {
      const r = await enable(body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code, JSON.stringify(body)).toBe(code);
    }
    const wrongType = await api<ErrorBody>(server, 'POST', '/v1/me/two-step', { token: alice.token, body: `pin=${PIN}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(wrongType.status).toBe(415);
    expect(wrongType.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const malformed = await api<ErrorBody>(server, 'POST', '/v1/me/two-step', { token: alice.token, body: '{"pin":' });
    expect(malformed.body.error.code).toBe('MALFORMED_JSON');
    const anonymous = await api<ErrorBody>(server, 'POST', '/v1/me/two-step', { body: { pin: PIN } });
    expect(anonymous.status).toBe(401);
    expect((await state()).body.enabled).toBe(false);
    expect(await row()).toBeUndefined();

    // The PIN with the SMS code is checked before the code is looked at: a 5-digit PIN costs nothing.
    const bob = nextPhone();
    await api(server, 'POST', '/v1/auth/code', { body: { phone: bob } });
    const badPin = await api<ErrorBody>(server, 'POST', '/v1/auth/verify', { body: { phone: bob, code: server.codes.codes.get(bob)!, pin: '12345' } });
    expect(badPin.body.error.code).toBe('VALIDATION_FAILED');
    const ok = await api(server, 'POST', '/v1/auth/verify', { body: { phone: bob, code: server.codes.codes.get(bob)! } });
    expect(ok.status).toBe(200);
    // An unknown ticket.
    const noTicket = await withPin('pst_nope', PIN);
    expect(noTicket.body.error.code).toBe('PIN_TICKET_INVALID');
  });

  it('one account cannot see or change another one’s two-step settings', async () => {
    const bob = await signIn(server);
    await enable({ pin: PIN, email: 'alice@example.com' });
    expect((await state(bob)).body).toMatchObject({ enabled: false, email: null });
    expect((await enable({ pin: OTHER_PIN }, bob)).status).toBe(200);
    expect((await state()).body.email).toBe('alice@example.com');
    expect((await disable(PIN)).status).toBe(200);
    expect((await state(bob)).body.enabled).toBe(true);
  });
});

describe('two-step verification without an email sender', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startServer({ config: { PARLEY_EMAIL_SENDER: 'none' } });
  });
  afterEach(async () => {
    await server.close();
  });

  it('refuses a recovery email and offers the 7-day reset', async () => {
    const alice = await signIn(server);
    const withEmail = await api<ErrorBody>(server, 'POST', '/v1/me/two-step', { token: alice.token, body: { pin: PIN, email: 'alice@example.com' } });
    expect(withEmail.status).toBe(409);
    expect(withEmail.body.error.code).toBe('TWO_STEP_EMAIL_UNAVAILABLE');
    const on = await api<State>(server, 'POST', '/v1/me/two-step', { token: alice.token, body: { pin: PIN } });
    expect(on.body).toMatchObject({ enabled: true, emailAvailable: false });
  });
});

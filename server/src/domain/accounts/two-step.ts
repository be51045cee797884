/**
 * @module domain/accounts/two-step
 * Two-step verification: an optional 6-digit PIN (and recovery email) that signing in on a new
 * device needs besides the SMS code. See docs/api/two-step.md.
 *
 * - The PIN is stored as an scrypt hash (domain/admin/password.ts) and never logged; scrypt runs
 *   outside the write queue, and the write re-reads the row (a PIN changed meanwhile is a mismatch).
 * - Wrong PINs (sign-in, change, turn off) are counted per account, in the database: from the 5th
 *   in a row, each one starts a wait (30 s, then doubling up to 12 h) during which every PIN is
 *   refused with PIN_LOCKED and `retryAfterSeconds`. A correct PIN resets the count.
 * - A correct SMS code for a protected number opens a short-lived sign-in ticket (PIN_REQUIRED):
 *   the PIN, or a reset, is then given with the ticket, so no new SMS code is needed.
 * - Reminders: due 12 h after the PIN was set, then 1, 3 and 7 days after each correct answer,
 *   then every 7 days. Wrong reminder answers count towards the same wait.
 * - Forgot PIN: with a recovery email, a reset code is emailed (valid 1 h, 5 tries); without one,
 *   the PIN can be reset 7 days after the request. A reset turns two-step verification off.
 * Every change is announced to the account's devices as `account.changed`.
 */
import { randomInt } from 'node:crypto';
import type { Transaction } from 'kysely';
import { AppError } from '../../errors.js';
import { accountTopic, type Actor, type Ctx, type Envelope } from '../../context.js';
import { newSecret, sha256Hex } from '../../platform/ids.js';
import type { Emit } from '../../platform/db/write-queue.js';
import type { DB, TwoStepTable } from '../../tables.js';
import type { ForgotPin, TwoStepState } from '#contracts/two-step.js';
import { hashPassword, verifyPassword } from '../admin/index.js';
import { EMAIL_PATTERN } from '../business/index.js';
import { sameHash, signInDevice, verifyCode, type SignInInput, type SignedIn } from './registration.js';

/** The wrong PIN in a row that starts the first wait (the ones before it cost nothing). */
export const PIN_FREE_TRIES = 5;
export const PIN_FIRST_WAIT_MS = 30_000;
export const PIN_MAX_WAIT_MS = 12 * 3600_000;
/** How long a sign-in ticket (a proven SMS code waiting for its PIN) lasts. */
export const PIN_TICKET_TTL_MS = 15 * 60_000;
export const RESET_CODE_TTL_MS = 60 * 60_000;
export const RESET_CODE_TRIES = 5;
const RESET_RESEND_MS = 60_000;
/** Without a recovery email, the PIN can be reset this long after "Forgot PIN". */
export const RESET_WAIT_MS = 7 * 24 * 3600_000;
/** Reminder intervals: after setting the PIN, then after each correct answer (the last repeats). */
export const REMINDER_INTERVALS_MS = [12 * 3600_000, 24 * 3600_000, 3 * 24 * 3600_000, 7 * 24 * 3600_000] as const;
const EMAIL_MAX = 254;

/** The wait started by the `failures`-th wrong PIN in a row (0: none). */
export function pinWaitMs(failures: number): number {
  if (failures < PIN_FREE_TRIES) return 0;
  return Math.min(PIN_MAX_WAIT_MS, PIN_FIRST_WAIT_MS * 2 ** (failures - PIN_FREE_TRIES));
}

function reminderAfter(confirmedAt: number, step: number): number {
  return confirmedAt + REMINDER_INTERVALS_MS[Math.min(step, REMINDER_INTERVALS_MS.length - 1)]!;
}

function toState(ctx: Ctx, row: TwoStepTable | undefined, now: number): TwoStepState {
  const emailAvailable = ctx.emailSender.available;
  if (!row) return { enabled: false, email: null, emailAvailable, enabledAt: null, confirmedAt: null, nextReminderAt: null, reminderDue: false, resetRequestedAt: null };
  return {
    enabled: true,
    email: row.email,
    emailAvailable,
    enabledAt: Number(row.enabled_at),
    confirmedAt: Number(row.confirmed_at),
    nextReminderAt: Number(row.next_reminder_at),
    reminderDue: now >= Number(row.next_reminder_at),
    resetRequestedAt: row.reset_requested_at == null ? null : Number(row.reset_requested_at),
  };
}

async function rowOf(db: Pick<Ctx['db'], 'selectFrom'> | Transaction<DB>, accountId: string): Promise<TwoStepTable | undefined> {
  return db.selectFrom('two_step').selectAll().where('account_id', '=', accountId).executeTakeFirst();
}

function changed(emit: Emit<Envelope>, accountId: string): void {
  emit({ topic: accountTopic(accountId), event: { kind: 'account.changed' } });
}

/** A recovery email: trimmed, lower-cased domain, validated; null/'' removes it. */
function checkEmail(ctx: Ctx, email: string | null | undefined): string | null | undefined {
  if (email === undefined) return undefined;
  const v = (email ?? '').trim();
  if (v === '') return null;
  if (v.length > EMAIL_MAX || !EMAIL_PATTERN.test(v)) throw new AppError('EMAIL_INVALID', `"${v.slice(0, 64)}" is not an email address.`, { field: 'email' });
  if (!ctx.emailSender.available) throw new AppError('TWO_STEP_EMAIL_UNAVAILABLE');
  const at = v.lastIndexOf('@');
  return v.slice(0, at) + v.slice(at).toLowerCase();
}

/** `a•••@example.com`: enough for the person to recognise their address, not enough to learn it. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return `${email.slice(0, 1)}•••${email.slice(at)}`;
}

function pinLocked(untilMs: number, now: number): AppError {
  const retryAfterSeconds = Math.max(1, Math.ceil((untilMs - now) / 1000));
  return new AppError('PIN_LOCKED', `Too many wrong PINs; try again in ${retryAfterSeconds} s.`, { retryAfterSeconds });
}

// ---- state, turning on, changing, turning off -------------------------------------------------

export async function getTwoStep(ctx: Ctx, actor: Actor): Promise<TwoStepState> {
  return toState(ctx, await rowOf(ctx.db, actor.accountId), ctx.clock.now());
}

/** Turn two-step verification on with `pin` (6 digits, checked by the route) and an optional email. */
export async function enableTwoStep(ctx: Ctx, actor: Actor, input: { pin: string; email?: string | null | undefined }): Promise<TwoStepState> {
  const email = checkEmail(ctx, input.email) ?? null;
  const pinHash = await hashPassword(input.pin);
  return ctx.writes.run(async (tx, emit) => {
    const now = ctx.clock.now();
    if (await rowOf(tx, actor.accountId)) throw new AppError('TWO_STEP_ALREADY_ON');
    const row: TwoStepTable = {
      account_id: actor.accountId,
      pin_hash: pinHash,
      email,
      enabled_at: now,
      confirmed_at: now,
      reminder_step: 0,
      next_reminder_at: reminderAfter(now, 0),
      reminder_misses: 0,
      failures: 0,
      locked_until: null,
      reset_code_hash: null,
      reset_expires_at: null,
      reset_attempts: 0,
      reset_requested_at: null,
      updated_at: now,
    };
    await tx.insertInto('two_step').values(row).execute();
    changed(emit, actor.accountId);
    return toState(ctx, row, now);
  });
}

type PinCheck<T> = { ok: true; value: T } | { ok: false; error: AppError };

/**
 * Check `pin` against the account's PIN, honouring and updating the wrong-PIN wait, then run
 * `onMatch` in the same write (the success path: failures reset, the PIN counts as confirmed).
 * A wrong PIN is committed before its error is thrown.
 */
async function withPin<T>(
  ctx: Ctx,
  accountId: string,
  pin: string,
  onMatch: (tx: Transaction<DB>, emit: Emit<Envelope>, row: TwoStepTable, now: number) => Promise<T>,
): Promise<T> {
  const before = await rowOf(ctx.db, accountId);
  if (!before) throw new AppError('TWO_STEP_OFF');
  const now0 = ctx.clock.now();
  if (before.locked_until != null && Number(before.locked_until) > now0) throw pinLocked(Number(before.locked_until), now0);
  // scrypt is slow on purpose: never inside the write queue.
  const matches = await verifyPassword(pin, before.pin_hash);
  const result = await ctx.writes.run(async (tx, emit): Promise<PinCheck<T>> => {
    const now = ctx.clock.now();
    const row = await rowOf(tx, accountId);
    if (!row) return { ok: false, error: new AppError('TWO_STEP_OFF') };
    if (row.locked_until != null && Number(row.locked_until) > now) return { ok: false, error: pinLocked(Number(row.locked_until), now) };
    // The PIN changed between the check and now: a mismatch, not counted.
    if (row.pin_hash !== before.pin_hash) return { ok: false, error: new AppError('PIN_INVALID') };
    if (!matches) {
      const failures = row.failures + 1;
      const wait = pinWaitMs(failures);
      await tx
        .updateTable('two_step')
        .set({ failures, locked_until: wait > 0 ? now + wait : null, updated_at: now })
        .where('account_id', '=', accountId)
        .execute();
      const details: Record<string, unknown> = { triesBeforeWait: Math.max(0, PIN_FREE_TRIES - failures) };
      if (wait > 0) details.retryAfterSeconds = Math.ceil(wait / 1000);
      const message = wait > 0 ? `The PIN is wrong; try again in ${Math.ceil(wait / 1000)} s.` : undefined;
      return { ok: false, error: new AppError('PIN_INVALID', message, details) };
    }
    return { ok: true, value: await onMatch(tx, emit, row, now) };
  });
  if (!result.ok) {
    const wait = result.error.code === 'PIN_INVALID' ? result.error.details?.retryAfterSeconds : undefined;
    if (wait !== undefined) ctx.log.warn({ msg: 'two_step.pin_wait', accountId, waitSeconds: wait });
    throw result.error;
  }
  return result.value;
}

/** The columns a correct PIN sets: no more failures, a pending reset cancelled, the schedule moved on. */
function confirmed(row: TwoStepTable, now: number): Partial<TwoStepTable> {
  const step = row.reminder_step + 1;
  return {
    failures: 0,
    locked_until: null,
    confirmed_at: now,
    reminder_step: step,
    next_reminder_at: reminderAfter(now, step),
    reset_code_hash: null,
    reset_expires_at: null,
    reset_attempts: 0,
    reset_requested_at: null,
    updated_at: now,
  };
}

export interface TwoStepChange {
  currentPin: string;
  /** A new PIN (the reminder schedule starts again). */
  pin?: string | undefined;
  /** A new recovery email, or null to remove it. */
  email?: string | null | undefined;
}

/** Change the PIN and/or the recovery email; needs the current PIN (wrong ones count). */
export async function changeTwoStep(ctx: Ctx, actor: Actor, input: TwoStepChange): Promise<TwoStepState> {
  const email = checkEmail(ctx, input.email);
  if (input.pin === undefined && email === undefined) throw new AppError('VALIDATION_FAILED', 'Give a new pin, a new email, or both.', { field: 'body' });
  const pinHash = input.pin !== undefined ? await hashPassword(input.pin) : undefined;
  return withPin(ctx, actor.accountId, input.currentPin, async (tx, emit, row, now) => {
    const patch: Partial<TwoStepTable> = confirmed(row, now);
    if (pinHash !== undefined) Object.assign(patch, { pin_hash: pinHash, reminder_step: 0, next_reminder_at: reminderAfter(now, 0), reminder_misses: 0 });
    if (email !== undefined) patch.email = email;
    const updated = await tx.updateTable('two_step').set(patch).where('account_id', '=', row.account_id).returningAll().executeTakeFirstOrThrow();
    changed(emit, row.account_id);
    return toState(ctx, updated, now);
  });
}

/** Turn two-step verification off; needs the current PIN (wrong ones count). */
export async function disableTwoStep(ctx: Ctx, actor: Actor, pin: string): Promise<TwoStepState> {
  return withPin(ctx, actor.accountId, pin, async (tx, emit, row, now) => {
    await tx.deleteFrom('two_step').where('account_id', '=', row.account_id).execute();
    changed(emit, row.account_id);
    return toState(ctx, undefined, now);
  });
}

/**
 * The periodic reminder: a correct PIN moves the schedule on; a wrong one is counted
 * (`reminder_misses`, answered PIN_INVALID with `missedReminders`) and, like any wrong PIN, towards
 * the growing wait — so a signed-in device cannot be used to guess the PIN faster than sign-in can.
 */
export async function confirmPin(ctx: Ctx, actor: Actor, pin: string): Promise<TwoStepState> {
  const before = await rowOf(ctx.db, actor.accountId);
  if (!before) throw new AppError('TWO_STEP_OFF');
  const now0 = ctx.clock.now();
  if (before.locked_until != null && Number(before.locked_until) > now0) throw pinLocked(Number(before.locked_until), now0);
  const matches = await verifyPassword(pin, before.pin_hash);
  const result = await ctx.writes.run(async (tx, emit): Promise<PinCheck<TwoStepState>> => {
    const now = ctx.clock.now();
    const row = await rowOf(tx, actor.accountId);
    if (!row) return { ok: false, error: new AppError('TWO_STEP_OFF') };
    if (row.locked_until != null && Number(row.locked_until) > now) return { ok: false, error: pinLocked(Number(row.locked_until), now) };
    if (!matches || row.pin_hash !== before.pin_hash) {
      const failures = row.failures + 1;
      const wait = pinWaitMs(failures);
      const missed = row.reminder_misses + 1;
      await tx
        .updateTable('two_step')
        .set({ reminder_misses: missed, failures, locked_until: wait > 0 ? now + wait : null, updated_at: now })
        .where('account_id', '=', row.account_id)
        .execute();
      const details: Record<string, unknown> = { missedReminders: missed, triesBeforeWait: Math.max(0, PIN_FREE_TRIES - failures) };
      if (wait > 0) details.retryAfterSeconds = Math.ceil(wait / 1000);
      return { ok: false, error: new AppError('PIN_INVALID', wait > 0 ? `The PIN is wrong; try again in ${Math.ceil(wait / 1000)} s.` : undefined, details) };
    }
    const updated = await tx.updateTable('two_step').set(confirmed(row, now)).where('account_id', '=', row.account_id).returningAll().executeTakeFirstOrThrow();
    changed(emit, row.account_id);
    return { ok: true, value: toState(ctx, updated, now) };
  });
  if (!result.ok) throw result.error;
  return result.value;
}

// ---- signing in on a new device ------------------------------------------------------------

/**
 * Inside verifyCode's write, after the SMS code was used: when the account of `phone` has a PIN,
 * open a sign-in ticket and return the PIN_REQUIRED error to answer (null: no PIN, sign in).
 */
export async function twoStepGate(tx: Transaction<DB>, phone: string, input: Pick<SignInInput, 'deviceName' | 'platform'>, now: number): Promise<AppError | null> {
  const account = await tx.selectFrom('accounts').select('id').where('phone', '=', phone).executeTakeFirst();
  if (!account) return null;
  const row = await rowOf(tx, account.id);
  if (!row) return null;
  const ticket = newSecret('pst');
  await tx.deleteFrom('two_step_tickets').where('expires_at', '<', now).execute();
  await tx
    .insertInto('two_step_tickets')
    .values({
      ticket_hash: sha256Hex(ticket),
      account_id: account.id,
      device_name: (input.deviceName ?? 'Web').trim().slice(0, 64) || 'Web',
      platform: (input.platform ?? 'web').trim().slice(0, 32) || 'web',
      expires_at: now + PIN_TICKET_TTL_MS,
      created_at: now,
    })
    .execute();
  const details: Record<string, unknown> = { ticket, expiresInSeconds: PIN_TICKET_TTL_MS / 1000, hasEmail: row.email !== null };
  if (row.reset_requested_at != null) details.resetAvailableAt = Number(row.reset_requested_at) + RESET_WAIT_MS;
  if (row.locked_until != null && Number(row.locked_until) > now) details.retryAfterSeconds = Math.ceil((Number(row.locked_until) - now) / 1000);
  return new AppError('PIN_REQUIRED', undefined, details);
}

interface Ticket {
  hash: string;
  accountId: string;
  phone: string;
  deviceName: string;
  platform: string;
}

async function accessTicket(ctx: Ctx, ticket: string): Promise<Ticket> {
  const hash = sha256Hex(ticket);
  const row = await ctx.db
    .selectFrom('two_step_tickets as t')
    .innerJoin('accounts as a', 'a.id', 't.account_id')
    .select(['t.account_id', 't.device_name', 't.platform', 't.expires_at', 'a.phone'])
    .where('t.ticket_hash', '=', hash)
    .executeTakeFirst();
  if (!row || Number(row.expires_at) <= ctx.clock.now()) throw new AppError('PIN_TICKET_INVALID');
  return { hash, accountId: row.account_id, phone: row.phone, deviceName: row.device_name, platform: row.platform };
}

/** Use the ticket up (inside the write that signs in) and add the device. */
async function useTicket(tx: Transaction<DB>, t: Ticket, now: number): Promise<SignedIn> {
  const used = await tx.deleteFrom('two_step_tickets').where('ticket_hash', '=', t.hash).where('expires_at', '>', now).returning('ticket_hash').executeTakeFirst();
  if (!used) throw new AppError('PIN_TICKET_INVALID');
  return signInDevice(tx, t.phone, newSecret('pdt'), { phone: t.phone, code: '', deviceName: t.deviceName, platform: t.platform }, now);
}

/** Finish signing in with the ticket from PIN_REQUIRED and the PIN. */
export async function signInWithPin(ctx: Ctx, input: { ticket: string; pin: string }): Promise<SignedIn> {
  const t = await accessTicket(ctx, input.ticket);
  return withPin(ctx, t.accountId, input.pin, async (tx, _emit, row, now) => {
    const signedIn = await useTicket(tx, t, now);
    await tx.updateTable('two_step').set(confirmed(row, now)).where('account_id', '=', row.account_id).execute();
    return signedIn;
  });
}

/**
 * `POST /v1/auth/verify`: the SMS code, and the PIN when the number has one. Without a PIN (or
 * with a wrong one) no device is created; the error carries the ticket to continue with.
 */
export async function verifyCodeAndPin(ctx: Ctx, input: SignInInput & { pin?: string | undefined }): Promise<SignedIn> {
  try {
    return await verifyCode(ctx, input);
  } catch (err) {
    const ticket = err instanceof AppError && err.code === 'PIN_REQUIRED' ? err.details?.ticket : undefined;
    if (input.pin === undefined || typeof ticket !== 'string') throw err;
    try {
      return await signInWithPin(ctx, { ticket, pin: input.pin });
    } catch (pinErr) {
      if (pinErr instanceof AppError) throw new AppError(pinErr.code, pinErr.message, { ...err instanceof AppError ? err.details : {}, ...pinErr.details });
      throw pinErr;
    }
  }
}

// ---- forgot PIN ----------------------------------------------------------------------------

function hashResetCode(accountId: string, code: string): string {
  return sha256Hex(`${accountId}:reset:${code}`);
}

/**
 * "Forgot PIN" during sign-in (with the ticket): email a reset code to the recovery email, or,
 * without one, start the 7-day wait (asking again does not restart it).
 */
export async function forgotPin(ctx: Ctx, input: { ticket: string }): Promise<ForgotPin> {
  const t = await accessTicket(ctx, input.ticket);
  const code = String(randomInt(0, 100_000_000)).padStart(8, '0');
  const codeHash = hashResetCode(t.accountId, code);
  const plan = await ctx.writes.run(async (tx, emit) => {
    const now = ctx.clock.now();
    const row = await rowOf(tx, t.accountId);
    if (!row) throw new AppError('PIN_TICKET_INVALID');
    if (row.email && ctx.emailSender.available) {
      const sentAt = row.reset_expires_at == null ? null : Number(row.reset_expires_at) - RESET_CODE_TTL_MS;
      if (sentAt !== null && now - sentAt < RESET_RESEND_MS) {
        const retryAfterSeconds = Math.ceil((sentAt + RESET_RESEND_MS - now) / 1000);
        throw new AppError('RATE_LIMITED', `A reset email was just sent; you can ask again in ${retryAfterSeconds} s.`, { retryAfterSeconds });
      }
      await tx
        .updateTable('two_step')
        .set({ reset_code_hash: codeHash, reset_expires_at: now + RESET_CODE_TTL_MS, reset_attempts: 0, updated_at: now })
        .where('account_id', '=', row.account_id)
        .execute();
      return { method: 'email' as const, email: row.email };
    }
    const requestedAt = row.reset_requested_at == null ? now : Number(row.reset_requested_at);
    if (row.reset_requested_at == null) {
      await tx.updateTable('two_step').set({ reset_requested_at: now, updated_at: now }).where('account_id', '=', row.account_id).execute();
      // The owner's devices show that a reset was asked for (it is cancelled by any correct PIN).
      changed(emit, row.account_id);
    }
    return { method: 'wait' as const, resetAvailableAt: requestedAt + RESET_WAIT_MS };
  });
  if (plan.method === 'wait') return plan;
  try {
    await ctx.emailSender.send({
      to: plan.email,
      subject: 'Your Parley PIN reset code',
      text: `Someone (hopefully you) is signing in to Parley with ${t.phone} and forgot the two-step verification PIN.\n\nReset code: ${code}\n\nEntering this code turns two-step verification off. It expires in 1 hour. If this was not you, ignore this email and keep your PIN.`,
    });
  } catch (err) {
    ctx.log.error({ msg: 'two_step.reset_email_failed', accountId: t.accountId, err: (err as Error).message });
    await ctx.writes.run(async (tx) => {
      await tx.updateTable('two_step').set({ reset_code_hash: null, reset_expires_at: null }).where('account_id', '=', t.accountId).where('reset_code_hash', '=', codeHash).execute();
    });
    throw new AppError('PIN_RESET_SEND_FAILED');
  }
  return { method: 'email', emailHint: maskEmail(plan.email), expiresInSeconds: RESET_CODE_TTL_MS / 1000 };
}

/**
 * Reset the PIN during sign-in (with the ticket): with the emailed `resetCode`, or without one once
 * the 7-day wait is over. Two-step verification is turned off and this device is signed in.
 */
export async function resetPin(ctx: Ctx, input: { ticket: string; resetCode?: string | undefined }): Promise<SignedIn> {
  const t = await accessTicket(ctx, input.ticket);
  const given = input.resetCode === undefined ? null : hashResetCode(t.accountId, input.resetCode.trim());
  const result = await ctx.writes.run(async (tx, emit): Promise<PinCheck<SignedIn>> => {
    const now = ctx.clock.now();
    const row = await rowOf(tx, t.accountId);
    if (!row) return { ok: false, error: new AppError('PIN_TICKET_INVALID') };
    if (given !== null) {
      if (!row.reset_code_hash || row.reset_expires_at == null || Number(row.reset_expires_at) <= now || row.reset_attempts >= RESET_CODE_TRIES) {
        return { ok: false, error: new AppError('PIN_RESET_CODE_INVALID', 'The reset code has expired or was tried too often; ask for a new one.', { attemptsLeft: 0 }) };
      }
      if (!sameHash(given, row.reset_code_hash)) {
        const attempts = row.reset_attempts + 1;
        await tx.updateTable('two_step').set({ reset_attempts: attempts, updated_at: now }).where('account_id', '=', row.account_id).execute();
        return { ok: false, error: new AppError('PIN_RESET_CODE_INVALID', undefined, { attemptsLeft: RESET_CODE_TRIES - attempts }) };
      }
    } else {
      if (row.reset_requested_at == null) return { ok: false, error: new AppError('PIN_RESET_NOT_REQUESTED') };
      const availableAt = Number(row.reset_requested_at) + RESET_WAIT_MS;
      if (now < availableAt) return { ok: false, error: new AppError('PIN_RESET_NOT_READY', undefined, { resetAvailableAt: availableAt }) };
    }
    const signedIn = await useTicket(tx, t, now);
    await tx.deleteFrom('two_step').where('account_id', '=', row.account_id).execute();
    changed(emit, row.account_id);
    return { ok: true, value: signedIn };
  });
  if (!result.ok) throw result.error;
  return result.value;
}

/**
 * @module domain/accounts/registration
 * Proving a phone number with a one-time code, and signing a device in.
 * Rules: 6 digits, valid 10 minutes, 5 wrong tries invalidate the code, resends are throttled
 * with a growing delay (30 s, 1, 2, 5, then 10 min). Together these bound the guesses on one
 * number, whoever makes them: at most 5 per code, and a new code only after the delay.
 * Per-address rate limits sit in the HTTP layer.
 * A new number may be registered as a business (`business: { name, category }`); a business account
 * may have at most 5 devices signed in at once (the first plus 4 linked devices).
 */
import { randomInt, timingSafeEqual } from 'node:crypto';
import type { Transaction } from 'kysely';
import { AppError } from '../../errors.js';
import { newId, newSecret, sha256Hex } from '../../platform/ids.js';
import type { Ctx } from '../../context.js';
import type { AccountsTable, DB, DevicesTable } from '../../tables.js';
import { normalizePhone } from './phone.js';
import { checkNewBusiness, doCreateBusiness, type NewBusiness } from '../business/index.js';
import { BUSINESS_LIMITS } from '#contracts/business-profile.js';
import { twoStepGate } from './two-step.js';

export const CODE_TTL_MS = 10 * 60 * 1000;
export const MAX_CODE_ATTEMPTS = 5;
/** Wait before the n-th resend (index = codes already sent). */
const RESEND_DELAYS_MS = [30_000, 60_000, 120_000, 300_000, 600_000];

function resendDelay(sentCount: number): number {
  return RESEND_DELAYS_MS[Math.min(sentCount - 1, RESEND_DELAYS_MS.length - 1)] ?? 600_000;
}

function hashCode(phone: string, code: string): string {
  return sha256Hex(`${phone}:${code}`);
}

export interface CodeRequested {
  phone: string;
  expiresInSeconds: number;
  resendInSeconds: number;
}

/**
 * Send a new code to a number, unless one was sent too recently (CODE_RESEND_TOO_SOON with
 * `retryAfterSeconds`). The throttle check and the write are one conditional upsert, so two
 * requests at once (even on two servers) cannot both pass it. When the sender fails, the number's
 * previous state is put back: nothing was sent, so nothing is used up (CODE_SEND_FAILED).
 */
export async function requestCode(ctx: Ctx, rawPhone: string): Promise<CodeRequested> {
  const phone = normalizePhone(rawPhone);
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const codeHash = hashCode(phone, code);
  const { previous, sentCount } = await ctx.writes.run(async (tx) => {
    const now = ctx.clock.now();
    const existing = await tx.selectFrom('verification_codes').selectAll().where('phone', '=', phone).executeTakeFirst();
    let sentCount = 1;
    if (existing && existing.expires_at > now) {
      const waitUntil = existing.last_sent_at + resendDelay(existing.sent_count);
      if (now < waitUntil) throw resendTooSoon(waitUntil - now);
      sentCount = existing.sent_count + 1;
    } else if (existing) {
      // An expired code still counts toward throttling for a while, so expiry is no way around it.
      const recent = now - existing.last_sent_at < 3600_000;
      sentCount = recent ? existing.sent_count + 1 : 1;
    }
    const row = { phone, code_hash: codeHash, expires_at: now + CODE_TTL_MS, attempts: 0, sent_count: sentCount, last_sent_at: now, created_at: now };
    const written = await tx
      .insertInto('verification_codes')
      .values(row)
      .onConflict((oc) =>
        existing
          ? oc
              .column('phone')
              .doUpdateSet({ code_hash: codeHash, expires_at: row.expires_at, attempts: 0, sent_count: sentCount, last_sent_at: now })
              // Only over the row we judged; a concurrent request that got there first wins.
              .where('verification_codes.last_sent_at', '=', existing.last_sent_at)
          : oc.column('phone').doNothing(),
      )
      .returning('phone')
      .executeTakeFirst();
    if (!written) throw resendTooSoon(resendDelay(1));
    return { previous: existing ?? null, sentCount };
  });
  try {
    await ctx.codeSender.send(phone, code);
  } catch (err) {
    ctx.log.error({ msg: 'verification.send_failed', phone, err: (err as Error).message });
    // Undo our row only (a later request may have replaced it meanwhile).
    await ctx.writes.run(async (tx) => {
      if (previous) await tx.updateTable('verification_codes').set(previous).where('phone', '=', phone).where('code_hash', '=', codeHash).execute();
      else await tx.deleteFrom('verification_codes').where('phone', '=', phone).where('code_hash', '=', codeHash).execute();
    });
    throw new AppError('CODE_SEND_FAILED');
  }
  return { phone, expiresInSeconds: CODE_TTL_MS / 1000, resendInSeconds: resendDelay(sentCount) / 1000 };
}

function resendTooSoon(waitMs: number): AppError {
  const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
  return new AppError('CODE_RESEND_TOO_SOON', `A code was sent recently; you can ask again in ${retryAfterSeconds} s.`, { retryAfterSeconds });
}

export interface SignInInput {
  phone: string;
  code: string;
  deviceName?: string;
  platform?: string;
  /** Register a new number as a business with this name and category (ignored for an existing account). */
  business?: NewBusiness | undefined;
}

export interface SignedIn {
  token: string;
  account: AccountsTable;
  device: DevicesTable;
  created: boolean;
}

type CodeCheck = { ok: true; signedIn: SignedIn } | { ok: false; error: AppError };

/**
 * Check the code and sign a device in (creating the account on first use). The check, the count
 * of a wrong try and the use of the right code happen in one write, so parallel guesses each count
 * and a code signs in at most one device. A wrong try is committed before its error is thrown.
 */
export async function verifyCode(ctx: Ctx, input: SignInInput): Promise<SignedIn> {
  const phone = normalizePhone(input.phone);
  // Checked before the code is looked at: a bad business name costs no attempt.
  const business = input.business ? checkNewBusiness(input.business) : undefined;
  const token = newSecret('pdt');
  const given = hashCode(phone, input.code.trim());
  const result = await ctx.writes.run(async (tx): Promise<CodeCheck> => {
    const now = ctx.clock.now();
    const fail = (error: AppError): CodeCheck => ({ ok: false, error });
    const row = await tx.selectFrom('verification_codes').selectAll().where('phone', '=', phone).executeTakeFirst();
    if (!row) return fail(new AppError('CODE_NOT_REQUESTED'));
    if (row.attempts >= MAX_CODE_ATTEMPTS) return fail(new AppError('CODE_ATTEMPTS_EXCEEDED'));
    if (row.expires_at <= now) return fail(new AppError('CODE_EXPIRED'));
    if (!sameHash(given, row.code_hash)) {
      const counted = await tx
        .updateTable('verification_codes')
        .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
        .where('phone', '=', phone)
        .returning('attempts')
        .executeTakeFirst();
      const attempts = counted?.attempts ?? MAX_CODE_ATTEMPTS;
      if (attempts >= MAX_CODE_ATTEMPTS) return fail(new AppError('CODE_ATTEMPTS_EXCEEDED'));
      const attemptsLeft = MAX_CODE_ATTEMPTS - attempts;
      return fail(new AppError('CODE_INVALID', `The verification code is wrong; ${attemptsLeft} tries left.`, { attemptsLeft }));
    }
    // Use the code up; only one sign-in gets it, even against another server.
    const used = await tx
      .deleteFrom('verification_codes')
      .where('phone', '=', phone)
      .where('code_hash', '=', row.code_hash)
      .where('attempts', '<', MAX_CODE_ATTEMPTS)
      .returning('phone')
      .executeTakeFirst();
    if (!used) return fail(new AppError('CODE_NOT_REQUESTED'));
    // A number with two-step verification needs its PIN too: the code is used up either way, and
    // PIN_REQUIRED carries a ticket to continue with (domain/accounts/two-step.ts).
    const pinRequired = await twoStepGate(tx, phone, input, now);
    if (pinRequired) return fail(pinRequired);
    // The device limit is checked inside signInDevice; its refusal rolls the write back, so the
    // code stays usable once a device was signed out.
    return { ok: true, signedIn: await signInDevice(tx, phone, token, { ...input, business }, now) };
  });
  if (!result.ok) throw result.error;
  return result.signedIn;
}

/** Constant-time equality of two hex hashes. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Find or create the account of `phone` and add a device with `token`. Call inside a write op. */
export async function signInDevice(tx: Transaction<DB>, phone: string, token: string, input: SignInInput, now: number): Promise<SignedIn> {
  let account = await tx.selectFrom('accounts').selectAll().where('phone', '=', phone).executeTakeFirst();
  const created = !account;
  if (!account) {
    account = {
      id: newId('acc'),
      phone,
      display_name: '',
      about: 'Hey there! I am using Parley.',
      photo_media_id: null,
      privacy_last_seen: 'everyone',
      privacy_online: 'everyone',
      privacy_photo: 'everyone',
      privacy_about: 'everyone',
      read_receipts: 1,
      last_seen_at: null,
      update_seq: 0,
      created_at: now,
      kind: 'person',
    };
    await tx.insertInto('accounts').values(account).execute();
    if (input.business) {
      await doCreateBusiness(tx, account.id, input.business, now);
      account = { ...account, kind: 'business', display_name: input.business.name };
    }
  } else if (account.kind === 'business') {
    const active = await tx
      .selectFrom('devices')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('account_id', '=', account.id)
      .where('revoked_at', 'is', null)
      .executeTakeFirstOrThrow();
    if (Number(active.n) >= BUSINESS_LIMITS.devices) {
      throw new AppError('DEVICE_LIMIT_REACHED', undefined, { limit: BUSINESS_LIMITS.devices });
    }
  }
  const device: DevicesTable = {
    id: newId('dev'),
    account_id: account.id,
    name: (input.deviceName ?? 'Web').trim().slice(0, 64) || 'Web',
    platform: (input.platform ?? 'web').trim().slice(0, 32) || 'web',
    token_hash: sha256Hex(token),
    created_at: now,
    last_active_at: now,
    revoked_at: null,
    // A new device starts at the account's current position: history comes by fetch, not replay.
    acked_seq: account.update_seq,
  };
  await tx.insertInto('devices').values(device).execute();
  return { token, account, device, created };
}

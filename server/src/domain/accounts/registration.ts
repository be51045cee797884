/**
 * @module domain/accounts/registration
 * Proving a phone number with a one-time code, and signing a device in.
 * Rules: 6 digits, valid 10 minutes, 5 wrong tries invalidate the code, resends are throttled
 * with a growing delay. Per-address rate limits sit in the HTTP layer.
 */
import { randomInt, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../errors.js';
import { newId, newSecret, sha256Hex } from '../../platform/ids.js';
import type { Ctx } from '../../context.js';
import type { AccountsTable, DevicesTable } from '../../tables.js';
import { normalizePhone } from './phone.js';

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

export async function requestCode(ctx: Ctx, rawPhone: string): Promise<CodeRequested> {
  const phone = normalizePhone(rawPhone);
  const now = ctx.clock.now();
  const existing = await ctx.db.selectFrom('verification_codes').selectAll().where('phone', '=', phone).executeTakeFirst();
  let sentCount = 1;
  if (existing && existing.expires_at > now) {
    const waitUntil = existing.last_sent_at + resendDelay(existing.sent_count);
    if (now < waitUntil) {
      const retryAfterSeconds = Math.ceil((waitUntil - now) / 1000);
      throw new AppError('CODE_RESEND_TOO_SOON', `A code was sent recently; you can ask again in ${retryAfterSeconds} s.`, { retryAfterSeconds });
    }
    sentCount = existing.sent_count + 1;
  } else if (existing) {
    // An expired code still counts toward throttling for a while, so expiry is no way around it.
    const recent = now - existing.last_sent_at < 3600_000;
    sentCount = recent ? existing.sent_count + 1 : 1;
  }
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const row = { phone, code_hash: hashCode(phone, code), expires_at: now + CODE_TTL_MS, attempts: 0, sent_count: sentCount, last_sent_at: now, created_at: now };
  await ctx.db
    .insertInto('verification_codes')
    .values(row)
    .onConflict((oc) => oc.column('phone').doUpdateSet({ code_hash: row.code_hash, expires_at: row.expires_at, attempts: 0, sent_count: sentCount, last_sent_at: now }))
    .execute();
  try {
    await ctx.codeSender.send(phone, code);
  } catch (err) {
    ctx.log.error({ msg: 'verification.send_failed', phone, err: (err as Error).message });
    await ctx.db.deleteFrom('verification_codes').where('phone', '=', phone).execute();
    throw new AppError('CODE_SEND_FAILED');
  }
  return { phone, expiresInSeconds: CODE_TTL_MS / 1000, resendInSeconds: resendDelay(sentCount) / 1000 };
}

export interface SignInInput {
  phone: string;
  code: string;
  deviceName?: string;
  platform?: string;
}

export interface SignedIn {
  token: string;
  account: AccountsTable;
  device: DevicesTable;
  created: boolean;
}

export async function verifyCode(ctx: Ctx, input: SignInInput): Promise<SignedIn> {
  const phone = normalizePhone(input.phone);
  const now = ctx.clock.now();
  const row = await ctx.db.selectFrom('verification_codes').selectAll().where('phone', '=', phone).executeTakeFirst();
  if (!row) throw new AppError('CODE_NOT_REQUESTED');
  if (row.attempts >= MAX_CODE_ATTEMPTS) throw new AppError('CODE_ATTEMPTS_EXCEEDED');
  if (row.expires_at <= now) throw new AppError('CODE_EXPIRED');
  const given = Buffer.from(hashCode(phone, input.code.trim()));
  const expected = Buffer.from(row.code_hash);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    const attempts = row.attempts + 1;
    await ctx.db.updateTable('verification_codes').set({ attempts }).where('phone', '=', phone).execute();
    if (attempts >= MAX_CODE_ATTEMPTS) throw new AppError('CODE_ATTEMPTS_EXCEEDED');
    throw new AppError('CODE_INVALID', `The verification code is wrong; ${MAX_CODE_ATTEMPTS - attempts} tries left.`, { attemptsLeft: MAX_CODE_ATTEMPTS - attempts });
  }

  const token = newSecret('pdt');
  return ctx.writes.run(async (tx) => {
    await tx.deleteFrom('verification_codes').where('phone', '=', phone).execute();
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
      };
      await tx.insertInto('accounts').values(account).execute();
    }
    const device: DevicesTable = {
      id: newId('dev'),
      account_id: account.id,
      name: (input.deviceName ?? 'Web').slice(0, 64) || 'Web',
      platform: (input.platform ?? 'web').slice(0, 32) || 'web',
      token_hash: sha256Hex(token),
      created_at: now,
      last_active_at: now,
      revoked_at: null,
      // A new device starts at the account's current position: history comes by fetch, not replay.
      acked_seq: account.update_seq,
    };
    await tx.insertInto('devices').values(device).execute();
    return { token, account, device, created };
  });
}

/**
 * @module domain/admin/admins
 * Platform administrators: created by the operator (`parley admin create`), they sign in with a
 * username and password and get a token of their own (stored hashed, expiring after 12 hours).
 * Administrator tokens and device tokens live in different tables: neither works as the other.
 */
import { AppError } from '../../errors.js';
import { newId, newSecret, sha256Hex } from '../../platform/ids.js';
import type { Ctx } from '../../context.js';
import type { AdminSession } from '#contracts/business-profile.js';
import { dummyHash, hashPassword, verifyPassword } from './password.js';

export const ADMIN_SESSION_TTL_MS = 12 * 3600_000;
export const ADMIN_PASSWORD_MIN = 12;
export const ADMIN_PASSWORD_MAX = 256;
const USERNAME = /^[a-z0-9][a-z0-9._-]{2,31}$/;

/** Who is asking on an administrator endpoint. */
export interface AdminActor {
  adminId: string;
  username: string;
}

/** Check a new administrator's username (3–32 of a-z 0-9 . _ -, lower case) and password (12–256 characters). */
export function checkAdminCredentials(username: string, password: string): string {
  const name = username.trim().toLowerCase();
  if (!USERNAME.test(name)) throw new AppError('VALIDATION_FAILED', 'The username must be 3 to 32 characters: letters a-z, digits, ".", "_" or "-".', { field: 'username' });
  if (password.length < ADMIN_PASSWORD_MIN || password.length > ADMIN_PASSWORD_MAX) {
    throw new AppError('VALIDATION_FAILED', `The password must be ${ADMIN_PASSWORD_MIN} to ${ADMIN_PASSWORD_MAX} characters long.`, { field: 'password' });
  }
  return name;
}

/** Create an administrator (operator only: the CLI calls this). ADMIN_USERNAME_TAKEN when the name is in use. */
export async function createAdmin(ctx: Ctx, input: { username: string; password: string }): Promise<{ id: string; username: string }> {
  const username = checkAdminCredentials(input.username, input.password);
  const passwordHash = await hashPassword(input.password);
  return ctx.writes.run(async (tx) => {
    const taken = await tx.selectFrom('admins').select('id').where('username', '=', username).executeTakeFirst();
    if (taken) throw new AppError('ADMIN_USERNAME_TAKEN');
    const row = { id: newId('adm'), username, password_hash: passwordHash, created_at: ctx.clock.now() };
    await tx.insertInto('admins').values(row).execute();
    return { id: row.id, username };
  });
}

/**
 * Sign an administrator in. An unknown username and a wrong password get the same answer after the
 * same work (one scrypt, a constant-time compare): ADMIN_LOGIN_FAILED.
 */
export async function loginAdmin(ctx: Ctx, input: { username: string; password: string }): Promise<AdminSession> {
  const username = input.username.trim().toLowerCase();
  const admin = await ctx.db.selectFrom('admins').selectAll().where('username', '=', username).executeTakeFirst();
  const ok = await verifyPassword(input.password, admin?.password_hash ?? (await dummyHash()));
  if (!admin || !ok) {
    ctx.log.warn({ msg: 'admin.login_failed', username });
    throw new AppError('ADMIN_LOGIN_FAILED');
  }
  const token = newSecret('pat');
  const now = ctx.clock.now();
  const expiresAt = now + ADMIN_SESSION_TTL_MS;
  await ctx.writes.run(async (tx) => {
    await tx.deleteFrom('admin_sessions').where('expires_at', '<=', now).execute();
    await tx.insertInto('admin_sessions').values({ token_hash: sha256Hex(token), admin_id: admin.id, created_at: now, expires_at: expiresAt }).execute();
  });
  ctx.log.info({ msg: 'admin.login', adminId: admin.id });
  return { token, username: admin.username, expiresAt };
}

/** The administrator a token belongs to, or null when it is unknown, expired or signed out. */
export async function authenticateAdmin(ctx: Ctx, token: string): Promise<AdminActor | null> {
  if (!token || token.length > 200) return null;
  const row = await ctx.db
    .selectFrom('admin_sessions as s')
    .innerJoin('admins as a', 'a.id', 's.admin_id')
    .select(['a.id', 'a.username', 's.expires_at'])
    .where('s.token_hash', '=', sha256Hex(token))
    .executeTakeFirst();
  if (!row || row.expires_at <= ctx.clock.now()) return null;
  return { adminId: row.id, username: row.username };
}

/** End an administrator session (the token stops working at once). */
export async function logoutAdmin(ctx: Ctx, token: string): Promise<void> {
  await ctx.writes.run(async (tx) => {
    await tx.deleteFrom('admin_sessions').where('token_hash', '=', sha256Hex(token)).execute();
  });
}

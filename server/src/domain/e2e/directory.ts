/**
 * @module domain/e2e/directory
 * The directory of end-to-end identities: device credentials signed by the server (binding a
 * device's signature key to its account and verified phone number) and key packages — uploaded by
 * the device they belong to, checked, and each handed out exactly once.
 */
import type { Kysely, Transaction } from 'kysely';
import { decodeMlsMessage, type KeyPackage } from 'ts-mls';
import { verifyKeyPackage } from 'ts-mls/keyPackage.js';
import { assembleCredential, bytesEqual, CIPHERSUITE, credentialSigningText, isLastResort, suite, toBase64 } from '../../../../packages/e2e/src/index.js';
import type { Actor, Ctx, Envelope } from '../../context.js';
import { AppError } from '../../errors.js';
import type { Emit } from '../../platform/db/write-queue.js';
import { newId } from '../../platform/ids.js';
import type { DB } from '../../tables.js';
import { appendUpdate } from '../messaging/updates.js';
import { signWithServerKey } from './keys.js';
import { isEncryptable } from './policy.js';
import { dropWelcomes } from './welcomes.js';

/** Unused key packages a device may hold. */
export const MAX_KEY_PACKAGES = 100;

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function decodeBase64(text: string, path: string): Uint8Array {
  if (!BASE64.test(text) || text.length % 4 !== 0) throw new AppError('VALIDATION_FAILED', `${path} is not base64.`, { path });
  return new Uint8Array(Buffer.from(text, 'base64'));
}

export interface IssuedCredential {
  /** The credential's identity bytes, base64 (an MLS basic credential). */
  credential: string;
  accountId: string;
  deviceId: string;
  phone: string;
  issuedAt: number;
}

/**
 * Issue the calling device a credential for its signature public key. A new key replaces the old
 * credential and drops the key packages made with it (they can no longer be used); the device's
 * chats are told again when its next key packages arrive (a key change).
 */
export async function issueCredential(ctx: Ctx, actor: Actor, signatureKeyB64: string): Promise<IssuedCredential> {
  const key = decodeBase64(signatureKeyB64, 'signatureKey');
  if (key.length !== 32) throw new AppError('VALIDATION_FAILED', 'signatureKey must be a 32-byte Ed25519 public key.', { path: 'signatureKey' });
  const account = await ctx.db.selectFrom('accounts').select(['phone']).where('id', '=', actor.accountId).executeTakeFirstOrThrow();
  const issuedAt = ctx.clock.now();
  const claims = { v: 1 as const, accountId: actor.accountId, deviceId: actor.deviceId, phone: account.phone, signatureKey: toBase64(key), issuedAt };
  const text = credentialSigningText(claims);
  const credential = toBase64(assembleCredential(text, await signWithServerKey(ctx, text)));
  await ctx.writes.run(async (tx) => {
    const existing = await tx.selectFrom('e2e_devices').select(['signature_key']).where('device_id', '=', actor.deviceId).executeTakeFirst();
    if (existing && existing.signature_key === claims.signatureKey) {
      await tx.updateTable('e2e_devices').set({ credential }).where('device_id', '=', actor.deviceId).execute();
      return;
    }
    await tx.deleteFrom('e2e_key_packages').where('device_id', '=', actor.deviceId).execute();
    // Welcomes made for the old key's key packages can no longer be used, and the groups' leaves hold the old key.
    await dropWelcomes(tx, actor.deviceId);
    await tx.deleteFrom('e2e_group_devices').where('device_id', '=', actor.deviceId).execute();
    if (existing) {
      await tx.updateTable('e2e_devices').set({ signature_key: claims.signatureKey, credential, announced: 0 }).where('device_id', '=', actor.deviceId).execute();
    } else {
      await tx
        .insertInto('e2e_devices')
        .values({ device_id: actor.deviceId, account_id: actor.accountId, signature_key: claims.signatureKey, credential, announced: 0, created_at: issuedAt })
        .execute();
    }
  });
  return { credential, accountId: claims.accountId, deviceId: claims.deviceId, phone: claims.phone, issuedAt };
}

/**
 * Check one uploaded key package against the device's credential, and that it is a last-resort one
 * (RFC 9420 §16.8 extension) exactly when `lastResort`; returns why it is refused, or null.
 */
async function keyPackageProblem(bytes: Uint8Array, credential: Uint8Array, signatureKey: Uint8Array, lastResort: boolean): Promise<string | null> {
  let kp: KeyPackage;
  try {
    const decoded = decodeMlsMessage(bytes, 0);
    if (!decoded || decoded[0].wireformat !== 'mls_key_package') return 'not a key package';
    if (decoded[1] !== bytes.length) return 'trailing bytes';
    kp = decoded[0].keyPackage;
  } catch {
    return 'not a key package';
  }
  if (kp.cipherSuite !== CIPHERSUITE) return `ciphersuite must be ${CIPHERSUITE}`;
  if (isLastResort(kp) !== lastResort) return lastResort ? 'a last-resort key package needs the last_resort extension' : 'a last-resort key package goes in lastResort';
  const cred = kp.leafNode.credential;
  if (cred.credentialType !== 'basic' || !bytesEqual(cred.identity, credential)) return "the credential is not this device's";
  if (!bytesEqual(kp.leafNode.signaturePublicKey, signatureKey)) return "the signature key is not this device's";
  const ok = await verifyKeyPackage(kp, (await suite()).signature).catch(() => false);
  return ok ? null : 'bad signature';
}

export interface KeyPackageCount {
  /** Ordinary key packages held (top up below 10). */
  count: number;
  /** Whether the device has a last-resort key package on the server. */
  lastResort: boolean;
}

/**
 * Store key packages of the calling device, and/or its last-resort key package (which replaces
 * the previous one). All or nothing: one bad key package refuses the upload with
 * E2E_KEY_PACKAGE_INVALID (`details.index`; -1 for the last-resort one). The device's first key
 * packages announce it to the end-to-end chats of its account (`e2e.devices`, change `added`).
 */
export async function uploadKeyPackages(ctx: Ctx, actor: Actor, packages: string[], lastResort?: string): Promise<KeyPackageCount> {
  if (packages.length === 0 && !lastResort) throw new AppError('VALIDATION_FAILED', 'Give keyPackages, lastResort or both.', { path: 'keyPackages' });
  const device = await ctx.db.selectFrom('e2e_devices').selectAll().where('device_id', '=', actor.deviceId).executeTakeFirst();
  if (!device) throw new AppError('E2E_NO_CREDENTIAL');
  const credential = new Uint8Array(Buffer.from(device.credential, 'base64'));
  const signatureKey = new Uint8Array(Buffer.from(device.signature_key, 'base64'));
  for (const [index, text] of packages.entries()) {
    const problem = await keyPackageProblem(decodeBase64(text, `keyPackages/${index}`), credential, signatureKey, false);
    if (problem) throw new AppError('E2E_KEY_PACKAGE_INVALID', `Key package ${index}: ${problem}.`, { index });
  }
  if (lastResort) {
    const problem = await keyPackageProblem(decodeBase64(lastResort, 'lastResort'), credential, signatureKey, true);
    if (problem) throw new AppError('E2E_KEY_PACKAGE_INVALID', `The last-resort key package: ${problem}.`, { index: -1 });
  }
  return ctx.writes.run(async (tx, emit) => {
    const now = ctx.clock.now();
    // Re-read inside the write: the credential may have changed since.
    const current = await tx.selectFrom('e2e_devices').select(['credential', 'announced']).where('device_id', '=', actor.deviceId).executeTakeFirst();
    if (!current || current.credential !== device.credential) throw new AppError('E2E_KEY_PACKAGE_INVALID', "The key packages were made with this device's previous credential.", { index: 0 });
    const held = await countOf(tx, actor.deviceId);
    if (held + packages.length > MAX_KEY_PACKAGES) throw new AppError('E2E_KEY_PACKAGES_FULL', undefined, { held, max: MAX_KEY_PACKAGES });
    for (const data of packages) {
      await tx.insertInto('e2e_key_packages').values({ id: newId('kp'), device_id: actor.deviceId, account_id: actor.accountId, data, last_resort: 0, created_at: now }).execute();
    }
    if (lastResort) {
      await tx.deleteFrom('e2e_key_packages').where('device_id', '=', actor.deviceId).where('last_resort', '=', 1).execute();
      await tx.insertInto('e2e_key_packages').values({ id: newId('kp'), device_id: actor.deviceId, account_id: actor.accountId, data: lastResort, last_resort: 1, created_at: now }).execute();
    }
    if (current.announced === 0) {
      await tx.updateTable('e2e_devices').set({ announced: 1 }).where('device_id', '=', actor.deviceId).execute();
      await announceDevice(tx, emit, actor.accountId, actor.deviceId, 'added', now);
    }
    return { count: held + packages.length, lastResort: lastResort ? true : await hasLastResort(tx, actor.deviceId) };
  });
}

/** Ordinary key packages the device holds (a last-resort one is not counted). */
async function countOf(db: Kysely<DB>, deviceId: string): Promise<number> {
  const row = await db
    .selectFrom('e2e_key_packages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('device_id', '=', deviceId)
    .where('last_resort', '=', 0)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

async function hasLastResort(db: Kysely<DB>, deviceId: string): Promise<boolean> {
  return !!(await db.selectFrom('e2e_key_packages').select('id').where('device_id', '=', deviceId).where('last_resort', '=', 1).executeTakeFirst());
}

/** How many ordinary key packages the calling device holds on the server (top up below 10), and whether it has a last-resort one. */
export async function keyPackageCount(ctx: Ctx, actor: Actor): Promise<KeyPackageCount> {
  return { count: await countOf(ctx.db, actor.deviceId), lastResort: await hasLastResort(ctx.db, actor.deviceId) };
}

export interface ClaimedKeyPackage {
  accountId: string;
  deviceId: string;
  /** base64, or null when the device has none left, not even a last-resort one (it cannot be added until it uploads more). */
  keyPackage: string | null;
  /** The key package is the device's last-resort one (it had no other left). */
  lastResort: boolean;
}

/**
 * Hand out one key package for each active device of `accountId` that has a credential (the
 * calling device excluded), deleting each in the same transaction: a key package is never given
 * twice. A device with no ordinary key package left gets its last-resort one handed out, which is
 * never deleted.
 */
export async function claimKeyPackages(ctx: Ctx, actor: Actor, accountId: string): Promise<{ devices: ClaimedKeyPackage[] }> {
  const target = await ctx.db.selectFrom('accounts').select(['id', 'kind']).where('id', '=', accountId).executeTakeFirst();
  if (!target) throw new AppError('ACCOUNT_NOT_FOUND');
  if (target.kind === 'business') throw new AppError('E2E_NOT_FOR_BUSINESS');
  const caller = await ctx.db.selectFrom('accounts').select('kind').where('id', '=', actor.accountId).executeTakeFirst();
  if (caller?.kind === 'business') throw new AppError('E2E_NOT_FOR_BUSINESS');
  return ctx.writes.run(async (tx) => {
    const devices = await activeDevices(tx, [accountId]);
    const out: ClaimedKeyPackage[] = [];
    for (const d of devices) {
      if (d.deviceId === actor.deviceId) continue;
      const kp = await tx
        .selectFrom('e2e_key_packages')
        .select(['id', 'data', 'last_resort'])
        .where('device_id', '=', d.deviceId)
        .orderBy('last_resort')
        .orderBy('created_at')
        .orderBy('id')
        .limit(1)
        .executeTakeFirst();
      const lastResort = kp?.last_resort === 1;
      if (kp && !lastResort) await tx.deleteFrom('e2e_key_packages').where('id', '=', kp.id).execute();
      out.push({ accountId: d.accountId, deviceId: d.deviceId, keyPackage: kp?.data ?? null, lastResort });
    }
    return { devices: out };
  });
}

export interface E2eDeviceView {
  accountId: string;
  deviceId: string;
  /** The credential's identity bytes, base64. */
  credential: string;
}

/** Devices of these accounts that are not revoked and hold a credential, oldest first. */
export async function activeDevices(db: Kysely<DB>, accountIds: string[]): Promise<E2eDeviceView[]> {
  if (accountIds.length === 0) return [];
  const rows = await db
    .selectFrom('e2e_devices as e')
    .innerJoin('devices as d', 'd.id', 'e.device_id')
    .select(['e.account_id', 'e.device_id', 'e.credential'])
    .where('e.account_id', 'in', accountIds)
    .where('d.revoked_at', 'is', null)
    .orderBy('e.created_at')
    .orderBy('e.device_id')
    .execute();
  return rows.map((r) => ({ accountId: r.account_id, deviceId: r.device_id, credential: r.credential }));
}

/**
 * Tell the members of every end-to-end chat of `accountId` that one of its devices was added (every
 * chat between people) or revoked (chats whose MLS group exists); a revoked device's unused key packages and pending
 * welcomes are deleted.
 * Call inside a write op.
 */
export async function announceDevice(tx: Transaction<DB>, emit: Emit<Envelope>, accountId: string, deviceId: string, change: 'added' | 'revoked', now: number): Promise<void> {
  if (change === 'revoked') {
    await tx.deleteFrom('e2e_key_packages').where('device_id', '=', deviceId).execute();
    await dropWelcomes(tx, deviceId);
    await tx.deleteFrom('e2e_group_devices').where('device_id', '=', deviceId).execute();
  }
  // A new device is announced in every chat between people, group or not yet: a contact whose
  // messages wait for this account to have an encrypting device sends them at once. A revoked one
  // only matters where a group holds it.
  const chats =
    change === 'added'
      ? await tx.selectFrom('chat_members as m').select('m.chat_id').where('m.account_id', '=', accountId).execute()
      : await tx.selectFrom('chat_members as m').innerJoin('e2e_groups as g', 'g.chat_id', 'm.chat_id').select('m.chat_id').where('m.account_id', '=', accountId).execute();
  for (const { chat_id: chatId } of chats) {
    const members = (await tx.selectFrom('chat_members').select('account_id').where('chat_id', '=', chatId).execute()).map((m) => m.account_id);
    if (!(await isEncryptable(tx, members))) continue;
    for (const m of members) await appendUpdate(tx, emit, m, { type: 'e2e.devices', chatId, accountId, deviceId, change }, now);
  }
}

/**
 * @module domain/e2e/keys
 * The server's Ed25519 key that signs device credentials. Created on first use and kept in the
 * database (`e2e_server_keys`), so every node and every restart signs with the same key; the public
 * half is published at GET /v1/e2e/server-key for clients to verify credentials with.
 */
import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { Ctx } from '../../context.js';

const KEY_ID = 'credentials';

export interface ServerKey {
  privateKey: KeyObject;
  /** Raw 32-byte Ed25519 public key. */
  publicKey: Uint8Array;
}

const cache = new WeakMap<Ctx, Promise<ServerKey>>();

async function loadOrCreate(ctx: Ctx): Promise<ServerKey> {
  const read = () => ctx.db.selectFrom('e2e_server_keys').selectAll().where('id', '=', KEY_ID).executeTakeFirst();
  let row = await read();
  if (!row) {
    const pair = generateKeyPairSync('ed25519');
    const privateKey = pair.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
    const publicKey = Buffer.from(pair.publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('base64');
    await ctx.writes.run(async (tx) => {
      await tx
        .insertInto('e2e_server_keys')
        .values({ id: KEY_ID, private_key: privateKey, public_key: publicKey, created_at: ctx.clock.now() })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
    });
    row = await read();
    if (!row) throw new Error('e2e: the server key could not be stored');
  }
  return {
    privateKey: createPrivateKey({ key: Buffer.from(row.private_key, 'base64'), format: 'der', type: 'pkcs8' }),
    publicKey: new Uint8Array(Buffer.from(row.public_key, 'base64')),
  };
}

/** The server's credential signing key (created and stored on first use). */
export function serverKey(ctx: Ctx): Promise<ServerKey> {
  let p = cache.get(ctx);
  if (!p) {
    p = loadOrCreate(ctx);
    p.catch(() => cache.delete(ctx));
    cache.set(ctx, p);
  }
  return p;
}

/** Sign `text` (ASCII) with the server's key. */
export async function signWithServerKey(ctx: Ctx, text: string): Promise<Uint8Array> {
  const key = await serverKey(ctx);
  return new Uint8Array(sign(null, Buffer.from(text, 'utf8'), key.privateKey));
}

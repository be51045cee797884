/**
 * Seeds a Parley database for the relay benchmark with the project's own code: schema by
 * migrateToLatest, accounts and devices shaped exactly as registration.ts creates them (only the
 * token's sha256 is stored), and one direct chat per pair through ensureDirectChat. Writes
 * seed.json (tokens, chat ids) next to it for the load process and the bare relay.
 */
import fs from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../../server/src/platform/db/database.js';
import { migrateToLatest } from '../../server/src/migrations/index.js';
import { newId, newSecret, sha256Hex } from '../../server/src/platform/ids.js';
import { ensureDirectChat } from '../../server/src/domain/messaging/chats.js';
import type { AccountsTable, DB, DevicesTable } from '../../server/src/tables.js';
import type { SeedClient, SeedFile } from './common.js';

export interface SeedResult {
  dbFile: string;
  seedFile: string;
  seed: SeedFile;
}

/**
 * Create `accounts` accounts with one device each; pair the first 2·pairs of them.
 * The database is closed (WAL checkpointed) on return, so its file can be copied per run.
 */
export async function seedDatabase(dir: string, accounts: number, pairs: number): Promise<SeedResult> {
  if (pairs * 2 > accounts) throw new Error(`need at least ${pairs * 2} accounts for ${pairs} pairs`);
  fs.mkdirSync(dir, { recursive: true });
  const database = openDatabase<DB>({ url: '', dataDir: dir, sqliteSynchronous: 'NORMAL' });
  try {
    await migrateToLatest(database.db as never);
    // Devices look recently active so the activity write in authenticate() (once a minute per
    // device) does not fire for every socket of the benchmark; a real population connects over time.
    const now = Date.now();
    const activeAt = now + 6 * 3600_000;
    const clients: SeedClient[] = [];
    const accountRows: AccountsTable[] = [];
    const deviceRows: DevicesTable[] = [];
    for (let i = 0; i < accounts; i++) {
      const token = newSecret('pdt');
      const account: AccountsTable = {
        id: newId('acc'),
        phone: `+3361${String(i).padStart(7, '0')}`,
        display_name: `Bench ${i}`,
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
      const device: DevicesTable = {
        id: newId('dev'),
        account_id: account.id,
        name: 'Bench',
        platform: 'web',
        token_hash: sha256Hex(token),
        created_at: now,
        last_active_at: activeAt,
        revoked_at: null,
        acked_seq: account.update_seq,
      };
      accountRows.push(account);
      deviceRows.push(device);
      clients.push({ index: i, accountId: account.id, deviceId: device.id, token });
    }
    const chats: Record<string, string[]> = {};
    await database.db.transaction().execute(async (tx) => {
      for (let i = 0; i < accountRows.length; i += 500) await tx.insertInto('accounts').values(accountRows.slice(i, i + 500)).execute();
      for (let i = 0; i < deviceRows.length; i += 500) await tx.insertInto('devices').values(deviceRows.slice(i, i + 500)).execute();
      for (let k = 0; k < pairs; k++) {
        const a = clients[2 * k]!;
        const b = clients[2 * k + 1]!;
        const chatId = await ensureDirectChat(tx, a.accountId, b.accountId, now);
        a.chatId = b.chatId = chatId;
        a.peerId = b.accountId;
        b.peerId = a.accountId;
        chats[chatId] = [a.accountId, b.accountId].sort();
      }
    });
    const seed: SeedFile = { clients, chats };
    const seedFile = path.join(dir, 'seed.json');
    fs.writeFileSync(seedFile, JSON.stringify(seed));
    return { dbFile: path.join(dir, 'parley.db'), seedFile, seed };
  } finally {
    await database.close();
  }
}

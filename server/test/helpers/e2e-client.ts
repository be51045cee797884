/**
 * Test helper: one end-to-end device driving the real server with the real library
 * (packages/e2e): credential, key packages, group set-up, commits and welcomes from the update
 * log, encrypt on send and decrypt on receipt.
 */
import { E2eDevice, MemoryStore, fromBase64, openReaction, sealReaction, toBase64, type DeviceToAdd, type ListedDevice, type PlainPayload, type ReactionEnvelope } from '../../../packages/e2e/src/index.js';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach } from 'vitest';
import { api, openChat, signIn, WsClient, type Person } from './clients.js';
import { startServer, type TestServer, type TestServerOptions } from './server.js';

export interface E2eTestWorld {
  /** A device of `person` (an E2eClient with `keyPackages` uploaded), closed after the test. */
  start(person: Person, keyPackages?: number): Promise<E2eClient>;
  /** Alice and Bob with one device each, in a chat whose group Alice created. */
  pair(): Promise<{ alice: E2eClient; bob: E2eClient; chatId: string }>;
  /** Close `client` after the test too (one made with E2eClient.resume). */
  track(client: E2eClient): E2eClient;
}

/**
 * Call inside describe(): a fresh server for each test (`options` read then; `onStart` gets it) and
 * the devices started with `start`, all closed after the test.
 */
export function useE2eServer(onStart: (server: TestServer) => void, options: () => TestServerOptions = () => ({})): E2eTestWorld {
  let server: TestServer | undefined;
  const clients: E2eClient[] = [];
  beforeEach(async () => {
    server = await startServer(options());
    onStart(server);
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
    await server?.close();
  });
  const start = async (person: Person, keyPackages = 3) => {
    const c = await E2eClient.start(server!, person, keyPackages);
    clients.push(c);
    return c;
  };
  const track = (c: E2eClient) => {
    clients.push(c);
    return c;
  };
  return { start, pair: () => e2ePair(server!, (p) => start(p)), track };
}

/** Every byte the database holds, as text (SQLite: the files and the WAL; PostgreSQL: every row). */
export async function databaseText(server: TestServer): Promise<string> {
  if (server.parley.ctx.dialect === 'sqlite') {
    const files = fs.readdirSync(server.dataDir).filter((f) => f.startsWith('parley.db'));
    if (!files.includes('parley.db-wal')) throw new Error('expected a WAL file');
    return files.map((f) => fs.readFileSync(path.join(server.dataDir, f)).toString('latin1')).join('\n');
  }
  const tables = await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = 'public'`.execute(server.parley.ctx.db);
  let out = '';
  for (const t of tables.rows) out += JSON.stringify((await sql`select * from ${sql.table(t.table_name)}`.execute(server.parley.ctx.db)).rows);
  return out;
}

/** How `text` appears in databaseText (SQLite files are read as latin1). */
export function asStored(server: TestServer, text: string): string {
  return server.parley.ctx.dialect === 'sqlite' ? Buffer.from(text, 'utf8').toString('latin1') : text;
}

/** Alice and Bob with one device each, in a chat whose group Alice created (`start` makes an E2eClient). */
export async function e2ePair(server: TestServer, start: (p: Person) => Promise<E2eClient>): Promise<{ alice: E2eClient; bob: E2eClient; chatId: string }> {
  const alice = await start(await signIn(server));
  const bob = await start(await signIn(server));
  const chatId = await openChat(server, alice.person, bob.person);
  if ((await alice.reconcile(chatId)) !== 200) throw new Error('the group could not be created');
  await bob.waitFor('e2e.welcome');
  if (!(await bob.device.hasGroup(chatId))) throw new Error('bob did not join');
  return { alice, bob, chatId };
}

type UpdateFrame = Awaited<ReturnType<WsClient['nextUpdate']>>;

export class E2eClient {
  private processed = 0;
  /** Messages this device decrypted, by message id. */
  readonly plain = new Map<string, PlainPayload>();
  /** Messages this device could not decrypt, by message id (error code). */
  readonly failed = new Map<string, string>();
  /** Device changes seen (`e2e.devices` records). */
  readonly deviceChanges: Record<string, unknown>[] = [];
  /** "Security code changed" notices this device would show (a contact's device key changed). */
  readonly keyNotices: { chatId: string; accountId: string; deviceId: string }[] = [];
  /** Whether to acknowledge a welcome once joined from its `e2e.welcome` record. */
  ackWelcomes = true;
  /** Messages this device sent (MLS senders cannot decrypt their own messages). */
  readonly sent = new Set<string>();
  /**
   * Reactions this device decrypted or sent, by `messageId|accountId|ct` (an MLS message decrypts
   * once, and `message.updated` lists every reaction again each time).
   */
  readonly reactionCache = new Map<string, string>();
  /** Reactions as this device shows them, by message id: account id → emoji (or `failed:<code>`). */
  readonly reactions = new Map<string, Map<string, string>>();

  private constructor(
    readonly server: TestServer,
    readonly person: Person,
    public device: E2eDevice,
    readonly ws: WsClient,
  ) {}

  static async start(server: TestServer, person: Person, keyPackages = 3): Promise<E2eClient> {
    const device = await E2eClient.newDevice(server, person);
    const ws = await WsClient.connect(server, person.token);
    const client = new E2eClient(server, person, device, ws);
    await client.uploadKeyPackages(keyPackages);
    return client;
  }

  /** The same device (its state and token) on a new connection, as after a restart of the app. */
  static async resume(old: E2eClient): Promise<E2eClient> {
    return new E2eClient(old.server, old.person, old.device, await WsClient.connect(old.server, old.person.token));
  }

  /** A fresh device identity: signature key, and the credential the server issues for it. */
  private static async newDevice(server: TestServer, person: Person): Promise<E2eDevice> {
    const key = await api<{ publicKey: string }>(server, 'GET', '/v1/e2e/server-key', { token: person.token });
    const device = await E2eDevice.open(new MemoryStore(), fromBase64(key.body.publicKey));
    const cred = await api<{ credential: string }>(server, 'POST', '/v1/e2e/credential', { token: person.token, body: { signatureKey: toBase64(device.signaturePublicKey) } });
    if (cred.status !== 200) throw new Error(`credential: ${JSON.stringify(cred.body)}`);
    await device.setCredential(fromBase64(cred.body.credential));
    return device;
  }

  /** Lose the device's end-to-end state but keep its token (as a reinstall would): new key, credential and key packages. */
  async resetKeys(keyPackages = 3): Promise<void> {
    this.device = await E2eClient.newDevice(this.server, this.person);
    await this.uploadKeyPackages(keyPackages);
  }

  async uploadKeyPackages(n: number): Promise<void> {
    if (n === 0) return;
    const kps = await this.device.generateKeyPackages(n);
    const res = await api(this.server, 'POST', '/v1/e2e/key-packages', { token: this.person.token, body: { keyPackages: kps.map(toBase64) } });
    if (res.status !== 200) throw new Error(`key packages: ${JSON.stringify(res.body)}`);
  }

  /** Upload a last-resort key package (handed out only when no ordinary one is left, never deleted). */
  async uploadLastResort(): Promise<void> {
    const res = await api(this.server, 'POST', '/v1/e2e/key-packages', { token: this.person.token, body: { lastResort: toBase64(await this.device.generateLastResortKeyPackage()) } });
    if (res.status !== 200) throw new Error(`last resort: ${JSON.stringify(res.body)}`);
  }

  private call<T>(method: string, path: string, body?: unknown) {
    return api<T>(this.server, method, path, { token: this.person.token, body });
  }

  /** Apply every update received so far, in order: welcomes, commits, messages. */
  async pump(): Promise<void> {
    const frames = this.ws.updates().filter((f) => f.seq > this.processed).sort((a, b) => a.seq - b.seq);
    for (const f of frames) {
      this.processed = f.seq;
      await this.apply(f);
    }
  }

  private async apply(f: UpdateFrame): Promise<void> {
    const u = f.update as Record<string, string> & { message?: Record<string, unknown> };
    if (u.type === 'e2e.welcome' && u.deviceId === this.person.deviceId) {
      if (!(await this.device.hasGroup(u.chatId!))) await this.device.joinFromWelcome(u.chatId!, fromBase64(u.welcome!));
      if (u.welcomeId && this.ackWelcomes) await this.call('POST', '/v1/e2e/welcomes/ack', { ids: [u.welcomeId] });
    } else if (u.type === 'e2e.commit' && u.senderDeviceId !== this.person.deviceId) {
      await this.device.processCommit(u.chatId!, fromBase64(u.commit!));
    } else if (u.type === 'e2e.devices') {
      this.deviceChanges.push(u);
    } else if (u.type === 'message.updated' && u.message) {
      await this.revealReactions(u.message as never);
    } else if (u.type === 'message.created' && u.message) {
      const m = u.message as { id: string; chatId: string; kind: string; content: unknown };
      await this.revealReactions(u.message as never);
      if (this.plain.has(m.id) || this.failed.has(m.id) || this.sent.has(m.id)) return;
      try {
        this.plain.set(m.id, await this.device.decrypt(m.chatId, m.kind, m.content));
      } catch (err) {
        this.failed.set(m.id, (err as { code?: string }).code ?? String(err));
      }
    }
  }

  private async revealReactions(m: { id: string; chatId: string; reactions: { accountId: string; emoji?: string; e2e?: ReactionEnvelope }[] }): Promise<void> {
    const shown = new Map<string, string>();
    for (const r of m.reactions) {
      if (!r.e2e) {
        shown.set(r.accountId, r.emoji ?? '');
        continue;
      }
      const key = `${m.id}|${r.accountId}|${r.e2e.ct}`;
      let emoji = this.reactionCache.get(key);
      if (emoji === undefined) {
        try {
          emoji = await openReaction(this.device, m.chatId, m.id, r.accountId, r.e2e);
          this.reactionCache.set(key, emoji);
        } catch (err) {
          emoji = `failed:${(err as { code?: string }).code ?? String(err)}`;
        }
      }
      shown.set(r.accountId, emoji);
    }
    this.reactions.set(m.id, shown);
  }

  /** React to a message: encrypted (`e2e`) or, with `plain`, as an emoji in the clear; null removes. Returns the server's answer frame. */
  async react(chatId: string, messageId: string, emoji: string | null, plain = false) {
    if (emoji === null || plain) return this.ws.request({ type: 'react', messageId, emoji });
    const e2e = await sealReaction(this.device, chatId, messageId, this.person.accountId, emoji);
    this.reactionCache.set(`${messageId}|${this.person.accountId}|${e2e.ct}`, emoji);
    return this.ws.request({ type: 'react', messageId, e2e });
  }

  /**
   * Join from the welcomes the server kept for this device (GET /v1/e2e/welcomes), catch up on the
   * commits after each, and acknowledge them. Returns the chats joined.
   */
  async fetchWelcomes(): Promise<string[]> {
    const pending = await this.call<{ welcomes: { id: string; chatId: string; epoch: number; welcome: string }[] }>('GET', '/v1/e2e/welcomes');
    const joined: string[] = [];
    for (const w of pending.body.welcomes) {
      if (!(await this.device.hasGroup(w.chatId))) {
        await this.device.joinFromWelcome(w.chatId, fromBase64(w.welcome));
        joined.push(w.chatId);
      }
      await this.catchUp(w.chatId);
    }
    if (pending.body.welcomes.length) await this.call('POST', '/v1/e2e/welcomes/ack', { ids: pending.body.welcomes.map((w) => w.id) });
    return joined;
  }

  /** Apply the chat's stored commits after this device's epoch. */
  async catchUp(chatId: string): Promise<void> {
    const commits = await this.call<{ commits: { commit: string }[] }>('GET', `/v1/e2e/chats/${chatId}/commits?after=${await this.device.epoch(chatId)}`);
    for (const c of commits.body.commits) await this.device.processCommit(chatId, fromBase64(c.commit));
  }

  /** Wait until an update matching `pred` arrived, then apply everything up to it. */
  async waitFor(type: string, pred: (u: Record<string, unknown>) => boolean = () => true): Promise<void> {
    await this.ws.next((f) => f.type === 'update' && (f.update as { type: string }).type === type && pred(f.update as Record<string, unknown>), 5000);
    await this.pump();
  }

  /**
   * Bring the chat's group in line with the server's device list: create it if needed, add
   * missing devices (claiming their key packages), remove revoked ones. Retries after an epoch
   * conflict. Returns the status of the last commit (200, or 409 when it gave up).
   */
  async reconcile(chatId: string): Promise<number> {
    for (let attempt = 0; attempt < 3; attempt++) {
      await this.pump();
      const chat = await this.call<{ encrypted: boolean; epoch: number; devices: ListedDevice[] }>('GET', `/v1/e2e/chats/${chatId}`);
      const inGroup = await this.device.hasGroup(chatId);
      if (!inGroup && chat.body.epoch > 0) return 200; // wait for a welcome
      const diff = await this.device.diffGroup(chatId, chat.body.devices);
      for (const d of diff.keyChanged) this.keyNotices.push({ chatId, accountId: d.accountId, deviceId: d.deviceId });
      if (diff.missing.length === 0 && diff.removed.length === 0 && inGroup) return 200;
      const add: DeviceToAdd[] = [];
      for (const accountId of new Set(diff.missing.map((d) => d.accountId))) {
        const claim = await this.call<{ devices: { accountId: string; deviceId: string; keyPackage: string | null }[] }>('POST', '/v1/e2e/key-packages/claim', { accountId });
        for (const d of claim.body.devices) {
          if (d.keyPackage && diff.missing.some((m) => m.deviceId === d.deviceId)) add.push({ accountId: d.accountId, deviceId: d.deviceId, keyPackage: fromBase64(d.keyPackage) });
        }
      }
      const removed = diff.removed;
      const pending = await this.device.prepareCommit(chatId, { add, removeDeviceIds: removed });
      const res = await this.submit(pending);
      if (res.status === 200) return 200;
      this.device.commitRejected(chatId);
      await this.ws.silentFor(100);
    }
    return 409;
  }

  /** Submit a pending commit; on success it becomes the group's state. */
  async submit(pending: Awaited<ReturnType<E2eDevice['prepareCommit']>>) {
    const res = await this.call<{ epoch: number; error?: { code: string } }>('POST', `/v1/e2e/chats/${pending.chatId}/commits`, {
      commit: toBase64(pending.commit),
      ...(pending.welcome && pending.addedDeviceIds.length ? { welcome: { deviceIds: pending.addedDeviceIds, data: toBase64(pending.welcome) } } : {}),
    });
    if (res.status === 200) await this.device.commitAccepted(pending.chatId);
    return res;
  }

  /** Encrypt and send; returns the stored message id. */
  async send(chatId: string, payload: PlainPayload, extra: { mediaId?: string } = {}): Promise<string> {
    const content = await this.device.encrypt(chatId, payload);
    const reply = await this.ws.request({ type: 'send', chatId, clientId: `c${Math.random().toString(36).slice(2)}`, kind: payload.kind, content, ...extra });
    if (reply.type !== 'reply') throw new Error(`send: ${JSON.stringify(reply)}`);
    const id = (reply.result as { messageId: string }).messageId;
    this.sent.add(id);
    return id;
  }

  /** Wait for a message and return what this device made of it. */
  async receive(messageId: string): Promise<PlainPayload | { failed: string }> {
    await this.waitFor('message.created', (u) => (u.message as { id: string }).id === messageId);
    return this.plain.get(messageId) ?? { failed: this.failed.get(messageId) ?? 'not seen' };
  }

  async close(): Promise<void> {
    await this.ws.close();
  }
}

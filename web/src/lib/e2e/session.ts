/**
 * This device's end-to-end encryption (docs/adr/0007): set-up after sign-in (signature key,
 * credential, key packages kept above 10), the update log's `e2e.*` records (welcomes, commits,
 * device changes, resend requests), each person chat's MLS group kept in line with the devices the
 * server lists, and encrypt/decrypt of message content. Every group operation runs in one queue,
 * in the order the updates arrived, so commits and messages are applied in log order.
 */
import type { Chat, Message } from '#contracts/models.js';
import type { Update } from '#contracts/protocol.js';
import { E2eDevice, E2eError, fromBase64, isEnvelope, openReaction, safetyNumber, sealReaction, toBase64, verifyCredential, parseCredential, type DeviceToAdd, type MediaKey, type SafetyNumber, type SafetyParty, type Envelope, type ListedDevice, type PlainPayload, type ReactionEnvelope } from '../../../../packages/e2e/src/index.js';
import { ApiError, type Api } from '../api.js';
import { IdbE2eStore } from './idb-store.js';

/** Message kinds whose content is encrypted, besides the media kinds below. */
export const ENCRYPTED_KINDS: readonly string[] = ['text', 'location', 'contact'];
/** Media kinds encrypted on the device (the medium with a fresh key; the key inside the message). */
export const ENCRYPTED_MEDIA_KINDS: readonly string[] = ['image', 'video', 'audio', 'voice', 'document', 'sticker'];
/**
 * The error a message gets while the contact has no device able to decrypt it: it stays in the
 * outbox, shown as waiting, and is sent encrypted once they have one — never in plaintext.
 */
export const NO_PEER_CODE = 'E2E_NO_PEER';
const KEY_PACKAGES_LOW = 10;
const KEY_PACKAGES_TARGET = 20;
const WELCOME_WAIT_MS = 8000;
const WELCOMES_EVERY_MS = 5000;

export interface E2eChatInfo {
  encrypted: boolean;
  epoch: number;
  devices: ListedDevice[];
}

export interface E2eEvents {
  /** A contact's device key changed in a chat ("security code changed"). */
  keyChanged(chatId: string, accountId: string): void;
  /** A member of a chat got or lost a device (messages waiting for the contact's device may go now). */
  devicesChanged?(chatId: string): void;
  /** This device joined a chat's group from a kept welcome (what waited for its keys may decrypt now). */
  joined?(chatId: string): void;
}

/** What the app shows for a message: its plaintext content, or that it is waiting for its keys. */
export interface Revealed {
  content: Record<string, unknown>;
  waiting: boolean;
  media?: MediaKey;
}

async function digestOf(ct: string): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(ct)));
  return toBase64(d);
}

/** Where a decrypted reaction is kept: by message, reactor and the digest of its ciphertext. */
async function reactionKey(messageId: string, accountId: string, ct: string): Promise<string> {
  return `reaction:${messageId}:${accountId}:${await digestOf(ct)}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether a chat is end-to-end encrypted: a direct chat between two people (business chats terminate at the platform). */
export function isE2eChat(chat: Chat | undefined, myKind: string | undefined): boolean {
  return !!chat && chat.kind === 'direct' && chat.peer.kind === 'person' && myKind !== 'business';
}

export class E2eSession {
  private chain: Promise<unknown> = Promise.resolve();
  private device: E2eDevice | null = null;
  private readonly store: IdbE2eStore;
  private readonly asked = new Set<string>();
  private setup: Promise<boolean> | null = null;
  private closed = false;
  private welcomesFetchedAt = -Infinity;

  constructor(
    private readonly api: Api,
    private readonly deviceId: string,
    private readonly events: E2eEvents,
  ) {
    this.store = new IdbE2eStore(deviceId);
    void this.ready();
  }

  /** Whether the device is set up; a set-up that failed (e.g. offline) is tried again on the next call. */
  ready(): Promise<boolean> {
    this.setup ??= this.setUp().catch(() => {
      this.setup = null;
      return false;
    });
    return this.setup;
  }

  close(): void {
    this.closed = true;
    this.store.close();
  }

  /** Run `fn` after every group operation queued before it. */
  private run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private serverKey: Uint8Array | null = null;

  private async setUp(): Promise<boolean> {
    const key = await this.api.request<{ publicKey: string }>('GET', '/v1/e2e/server-key');
    this.serverKey = fromBase64(key.publicKey);
    const device = await E2eDevice.open(this.store, this.serverKey);
    if (device.claims?.deviceId !== this.deviceId) {
      const cred = await this.api.request<{ credential: string }>('POST', '/v1/e2e/credential', { signatureKey: toBase64(device.signaturePublicKey) });
      await device.setCredential(fromBase64(cred.credential));
    }
    this.device = device;
    await this.topUp();
    // Join from kept welcomes before anything decrypts: every group operation waits for the set-up
    // (so this runs outside the queue), and a message of such a chat then decrypts at once.
    this.welcomesFetchedAt = Date.now();
    await this.joinKeptWelcomes().catch(() => undefined);
    return true;
  }

  /**
   * Keep at least 10 key packages on the server (others claim one to add this device to a chat),
   * and a last-resort one, handed out when the others have run out.
   */
  async topUp(): Promise<void> {
    const device = this.device;
    if (!device || this.closed) return;
    const { count, lastResort } = await this.api.request<{ count: number; lastResort?: boolean }>('GET', '/v1/e2e/key-packages/count');
    if (count >= KEY_PACKAGES_LOW && lastResort !== false) return;
    const kps = count < KEY_PACKAGES_LOW ? await device.generateKeyPackages(KEY_PACKAGES_TARGET - count) : [];
    const last = lastResort === false ? await device.generateLastResortKeyPackage() : null;
    await this.api.request('POST', '/v1/e2e/key-packages', { ...(kps.length ? { keyPackages: kps.map(toBase64) } : {}), ...(last ? { lastResort: toBase64(last) } : {}) });
  }

  /** Apply an `e2e.*` record from the update log (in log order). */
  handle(u: Update): void {
    void this.run(async () => {
      if (!(await this.ready()) || !this.device) return;
      switch (u.type) {
        case 'e2e.welcome':
          if (u.deviceId !== this.deviceId) return;
          await this.join(u.chatId, u.welcome);
          if (u.welcomeId) void this.ackWelcomes([u.welcomeId]);
          return;
        case 'e2e.commit':
          if (u.senderDeviceId !== this.deviceId) await this.applyCommit(u.chatId, u.commit);
          return;
        case 'e2e.devices':
          await this.reconcile(u.chatId).catch(() => undefined);
          this.events.devicesChanged?.(u.chatId);
          return;
        case 'e2e.resend':
          if (u.deviceId === this.deviceId) await this.resend(u.chatId, u.messageId).catch(() => undefined);
          return;
        default:
          return;
      }
    });
  }

  /** Join a chat's group from a welcome addressed to this device (unless it is in the group already). */
  private async join(chatId: string, welcome: string): Promise<void> {
    const device = this.device!;
    if (await device.hasGroup(chatId)) return;
    try {
      await device.joinFromWelcome(chatId, fromBase64(welcome));
    } catch {
      return;
    }
    void this.topUp().catch(() => undefined);
    await this.catchUp(chatId).catch(() => undefined);
  }

  private async ackWelcomes(ids: string[]): Promise<void> {
    await this.api.request('POST', '/v1/e2e/welcomes/ack', { ids }).catch(() => undefined);
  }

  /**
   * Join from the welcomes the server kept for this device (one whose update record was missed or
   * pruned), then acknowledge them. At start-up, and when a message arrives for a chat whose group
   * this device does not have (at most every few seconds).
   */
  fetchWelcomes(): Promise<void> {
    const now = Date.now();
    if (now - this.welcomesFetchedAt < WELCOMES_EVERY_MS) return Promise.resolve();
    this.welcomesFetchedAt = now;
    return this.run(() => this.joinKeptWelcomes()).catch(() => undefined);
  }

  private async joinKeptWelcomes(): Promise<void> {
    if (!this.device || this.closed) return;
    const { welcomes } = await this.api.request<{ welcomes: { id: string; chatId: string; welcome: string }[] }>('GET', '/v1/e2e/welcomes');
    for (const w of welcomes) {
      const joined = !(await this.device.hasGroup(w.chatId));
      await this.join(w.chatId, w.welcome);
      if (joined && (await this.device.hasGroup(w.chatId))) this.events.joined?.(w.chatId);
    }
    if (welcomes.length) await this.ackWelcomes(welcomes.map((w) => w.id));
  }

  private async applyCommit(chatId: string, commit: string): Promise<void> {
    const device = this.device!;
    try {
      await device.processCommit(chatId, fromBase64(commit));
    } catch (err) {
      if (err instanceof E2eError && err.code === 'STALE_EPOCH') await this.catchUp(chatId);
    }
  }

  /** Apply the commits stored after this device's epoch (after a gap or a lost race). */
  private async catchUp(chatId: string): Promise<void> {
    const device = this.device!;
    if (!(await device.hasGroup(chatId))) return;
    const r = await this.api.request<{ commits: { epoch: number; senderDeviceId: string; commit: string }[] }>(
      'GET',
      `/v1/e2e/chats/${encodeURIComponent(chatId)}/commits?after=${await device.epoch(chatId)}`,
    );
    for (const c of r.commits) await device.processCommit(chatId, fromBase64(c.commit)).catch(() => undefined);
  }

  /**
   * Bring the chat's group in line with the server's device list (create it, add missing devices,
   * remove revoked ones). 'ready': this device can encrypt; 'wait': the group exists without this
   * device (a welcome is on its way); 'plain': the chat is not encrypted; 'nopeer': the contact has
   * no device set up for encryption (yet).
   */
  private async reconcile(chatId: string): Promise<'ready' | 'wait' | 'plain' | 'nopeer'> {
    const device = this.device!;
    for (let attempt = 0; attempt < 3; attempt++) {
      const info = await this.api.request<E2eChatInfo>('GET', `/v1/e2e/chats/${encodeURIComponent(chatId)}`);
      if (!info.encrypted) return 'plain';
      const inGroup = await device.hasGroup(chatId);
      if (!inGroup && info.epoch > 0) return 'wait';
      const mine = info.devices.find((d) => d.deviceId === this.deviceId)?.accountId;
      if (!mine) return 'wait';
      if (!inGroup && !info.devices.some((d) => d.accountId !== mine)) return 'nopeer';
      const diff = await device.diffGroup(chatId, info.devices);
      for (const d of diff.keyChanged) this.events.keyChanged(chatId, d.accountId);
      if (inGroup && diff.missing.length === 0 && diff.removed.length === 0) return 'ready';
      const add: DeviceToAdd[] = [];
      for (const accountId of new Set(diff.missing.map((d) => d.accountId))) {
        const claim = await this.api.request<{ devices: { accountId: string; deviceId: string; keyPackage: string | null }[] }>('POST', '/v1/e2e/key-packages/claim', { accountId });
        for (const d of claim.devices) {
          if (d.keyPackage && diff.missing.some((m) => m.deviceId === d.deviceId)) add.push({ accountId: d.accountId, deviceId: d.deviceId, keyPackage: fromBase64(d.keyPackage) });
        }
      }
      // A contact with no device ready for encryption (no key package left): messages wait for one.
      if (!inGroup && !add.some((a) => a.accountId !== mine)) return 'nopeer';
      const pending = await device.prepareCommit(chatId, { add, removeDeviceIds: diff.removed });
      try {
        await this.api.request('POST', `/v1/e2e/chats/${encodeURIComponent(chatId)}/commits`, {
          commit: toBase64(pending.commit),
          ...(pending.welcome && pending.addedDeviceIds.length ? { welcome: { deviceIds: pending.addedDeviceIds, data: toBase64(pending.welcome) } } : {}),
        });
        await device.commitAccepted(chatId);
        return 'ready';
      } catch (err) {
        device.commitRejected(chatId);
        if (!(err instanceof ApiError) || err.code !== 'E2E_EPOCH_CONFLICT') throw err;
        await this.catchUp(chatId);
      }
    }
    return (await device.hasGroup(chatId)) ? 'ready' : 'wait';
  }

  /** Prepare a chat (when it is opened): its group is set up before the first message. */
  prepare(chatId: string): void {
    void this.ensureGroup(chatId).catch(() => undefined);
  }

  /**
   * Whether messages in this chat are encrypted now; waits for the group (or its welcome). Never
   * falls back to plaintext in a person chat: throws NETWORK while this device or the group is not
   * ready, and E2E_NO_PEER while the contact has no device able to decrypt (the message waits).
   */
  private async ensureGroup(chatId: string): Promise<boolean> {
    if (!(await this.ready()) || !this.device) throw new ApiError('NETWORK', 'Encryption is not set up yet.');
    const start = Date.now();
    for (;;) {
      const state = await this.run(() => this.reconcile(chatId));
      if (state === 'ready') return true;
      if (state === 'plain') return false;
      if (state === 'nopeer') throw new ApiError(NO_PEER_CODE, 'The contact has no device set up for encryption yet.');
      if (state === 'wait' && Date.now() - start > WELCOME_WAIT_MS) throw new ApiError('NETWORK', 'This chat’s encryption is not set up yet.');
      await sleep(300);
    }
  }

  /**
   * The content to send for a message: an envelope, or null to send it as it is (the chat is not
   * encrypted, or the kind is not one that is). A medium's key goes inside; a medium without one
   * (forwarded from a business chat) still has its content (caption, file name…) encrypted.
   */
  async seal(chatId: string, kind: string, content: Record<string, unknown>, media?: MediaKey): Promise<Envelope | null> {
    if (!ENCRYPTED_KINDS.includes(kind) && !ENCRYPTED_MEDIA_KINDS.includes(kind)) return null;
    if (!(await this.ensureGroup(chatId))) return null;
    const payload: PlainPayload = { kind, content, ...(media ? { media } : {}) };
    const envelope = await this.run(() => this.device!.encrypt(chatId, payload));
    await this.store.putPlain(await digestOf(envelope.e2e.ct), payload);
    return envelope;
  }

  /**
   * The chat's safety number: both parties' phone numbers and their devices' signature keys, from
   * the credentials the server lists (each checked against the server's key). Null when the chat
   * is not encrypted or the contact has no device set up yet.
   */
  async safety(chatId: string): Promise<SafetyNumber | null> {
    if (!(await this.ready()) || !this.serverKey) return null;
    const info = await this.api.request<E2eChatInfo>('GET', `/v1/e2e/chats/${encodeURIComponent(chatId)}`);
    if (!info.encrypted) return null;
    const parties = new Map<string, SafetyParty>();
    for (const d of info.devices) {
      const identity = fromBase64(d.credential);
      const claimed = parseCredential(identity).claims;
      const claims = await verifyCredential(identity, fromBase64(claimed.signatureKey), this.serverKey);
      if (claims.accountId !== d.accountId || claims.deviceId !== d.deviceId) throw new E2eError('CREDENTIAL_INVALID', 'A listed device has another device’s credential.');
      const party = parties.get(claims.accountId) ?? { phone: claims.phone, signatureKeys: [] };
      party.signatureKeys.push(claims.signatureKey);
      parties.set(claims.accountId, party);
    }
    const [a, b, ...rest] = [...parties.values()];
    if (!a || !b || rest.length) return null;
    return safetyNumber(a, b);
  }

  /** The safety number this device last verified for the chat (by scanning or comparing), if any. */
  async verifiedNumber(chatId: string): Promise<string | undefined> {
    return this.store.getPlain<string>(`verified:${chatId}`);
  }

  async markVerified(chatId: string, digits: string): Promise<void> {
    await this.store.putPlain(`verified:${chatId}`, digits);
  }

  /** Remember the plaintext of a message this device sent (to honour a resend request). */
  async remember(messageId: string, kind: string, content: Record<string, unknown>, media?: MediaKey): Promise<void> {
    await this.store.putPlain(`msg:${messageId}`, { kind, content, ...(media ? { media } : {}) } satisfies PlainPayload);
  }

  /** What to show for a message: its content, decrypted when it is an envelope. */
  async reveal(m: Message): Promise<Revealed> {
    const content = m.content as Record<string, unknown>;
    if (!isEnvelope(content)) return { content, waiting: false };
    const digest = await digestOf(content.e2e.ct);
    const known = await this.store.getPlain<PlainPayload>(digest);
    if (known) return { content: known.content as Record<string, unknown>, waiting: false, ...(known.media ? { media: known.media } : {}) };
    if (!(await this.ready()) || !this.device) return { content: {}, waiting: true };
    try {
      const payload = await this.run(async () => (await this.store.getPlain<PlainPayload>(digest)) ?? this.device!.decrypt(m.chatId, m.kind, content));
      await this.store.putPlain(digest, payload);
      return { content: payload.content as Record<string, unknown>, waiting: false, ...(payload.media ? { media: payload.media } : {}) };
    } catch (err) {
      if (err instanceof E2eError && err.code === 'KIND_MISMATCH') return { content: {}, waiting: true };
      // No group for this chat: a welcome may be waiting on the server (its record was missed).
      if (!(await this.device.hasGroup(m.chatId))) void this.fetchWelcomes();
      this.askResend(m);
      return { content: {}, waiting: true };
    }
  }

  /**
   * This device's reaction to a message, encrypted for the chat's group; null to send the emoji as
   * it is (the chat is not encrypted). Kept on the device: a sender cannot decrypt its own.
   */
  async sealReaction(chatId: string, messageId: string, accountId: string, emoji: string): Promise<ReactionEnvelope | null> {
    if (!(await this.ensureGroup(chatId))) return null;
    const envelope = await this.run(() => sealReaction(this.device!, chatId, messageId, accountId, emoji));
    await this.store.putPlain(await reactionKey(messageId, accountId, envelope.ct), emoji);
    return envelope;
  }

  /**
   * The emoji of an encrypted reaction, or null when this device cannot decrypt it. Decrypted once
   * and kept (by message, reactor and ciphertext digest): `message.updated` lists every reaction
   * again each time, and an MLS message can be decrypted only once.
   */
  async revealReaction(chatId: string, messageId: string, accountId: string, envelope: ReactionEnvelope): Promise<string | null> {
    const key = await reactionKey(messageId, accountId, envelope.ct);
    const known = await this.store.getPlain<string>(key);
    if (known !== undefined) return known;
    if (!(await this.ready()) || !this.device) return null;
    try {
      const emoji = await this.run(async () => (await this.store.getPlain<string>(key)) ?? openReaction(this.device!, chatId, messageId, accountId, envelope));
      await this.store.putPlain(key, emoji);
      return emoji;
    } catch {
      return null;
    }
  }

  /** Ask the sender's device, once, to encrypt the message again at the current epoch. */
  private askResend(m: Message): void {
    if (this.asked.has(m.id) || m.deletedAt) return;
    this.asked.add(m.id);
    void this.api.request('POST', `/v1/e2e/messages/${encodeURIComponent(m.id)}/resend`).catch(() => undefined);
  }

  private async resend(chatId: string, messageId: string): Promise<void> {
    const payload = await this.store.getPlain<PlainPayload>(`msg:${messageId}`);
    if (!payload || !(await this.device!.hasGroup(chatId))) return;
    const envelope = await this.device!.encrypt(chatId, payload);
    await this.store.putPlain(await digestOf(envelope.e2e.ct), payload);
    await this.api.request('PUT', `/v1/e2e/messages/${encodeURIComponent(messageId)}/envelope`, { content: envelope });
  }
}

export { isEnvelope };

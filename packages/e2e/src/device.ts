/**
 * @module e2e/device
 * One device's end-to-end state and operations: its signature key and server-signed credential,
 * the key packages it publishes, and one MLS group per chat (group id = the chat id). The server
 * orders commits (see docs/adr/0007): a commit made here stays *pending* until the server accepts
 * it (`commitAccepted`) or refuses it (`commitRejected`); commits of other devices arrive in order
 * through the update log (`processCommit`), new groups through welcomes (`joinFromWelcome`).
 */
import {
  createApplicationMessage,
  createCommit,
  createGroup,
  decodeGroupState,
  decodeMlsMessage,
  defaultCapabilities,
  defaultLifetime,
  emptyPskIndex,
  encodeGroupState,
  encodeMlsMessage,
  generateKeyPackageWithKey,
  joinGroup,
  processPrivateMessage,
  zeroOutUint8Array,
  type ClientConfig,
  type ClientState,
  type KeyPackage,
  type PrivateKeyPackage,
  type Proposal,
} from 'ts-mls';
import { defaultClientConfig } from 'ts-mls/clientConfig.js';
import { makeKeyPackageRef } from 'ts-mls/keyPackage.js';
import { fromBase64, fromUtf8, toBase64, toHex, utf8 } from './bytes.js';
import { authenticationService, claimsOf, verifyCredential, type CredentialClaims } from './credential.js';
import { E2eError } from './errors.js';
import type { MediaKey } from './media.js';
import type { E2eStore } from './store.js';
import { suite } from './suite.js';

/** What is encrypted inside a message: the real content of the message's kind, and media keys. */
export interface PlainPayload {
  kind: string;
  content: unknown;
  media?: MediaKey;
}

/** The content of an encrypted message as the server stores it. */
export interface Envelope {
  e2e: { v: 1; epoch: number; ct: string };
}

export function isEnvelope(content: unknown): content is Envelope {
  const e = (content as { e2e?: { v?: unknown; epoch?: unknown; ct?: unknown } } | null)?.e2e;
  return !!e && e.v === 1 && typeof e.epoch === 'number' && typeof e.ct === 'string';
}

export interface GroupMember {
  leafIndex: number;
  accountId: string;
  deviceId: string;
  /** base64 */
  signatureKey: string;
}

/** A device to add: what the server's claim returned for it. */
export interface DeviceToAdd {
  accountId: string;
  deviceId: string;
  /** An encoded MLS key package message. */
  keyPackage: Uint8Array;
}

/** A device as the server lists it for a chat (GET /v1/e2e/chats/{chatId}). */
export interface ListedDevice {
  accountId: string;
  deviceId: string;
  /** The credential's identity bytes, base64. */
  credential: string;
}

/** How a chat's group differs from the devices the server lists. */
export interface GroupDiff {
  /** Devices to add (claim a key package for each). */
  missing: ListedDevice[];
  /** Devices whose leaves to remove (revoked, or their key changed). */
  removed: string[];
  /** Devices whose signature key changed since they joined: show a notice in the chat; they are in both lists above. */
  keyChanged: ListedDevice[];
}

export interface PendingCommit {
  chatId: string;
  /** The epoch the commit was built on (what the server must be at to accept it). */
  epoch: number;
  commit: Uint8Array;
  /** One welcome for all added devices, or null when nobody was added. */
  welcome: Uint8Array | null;
  addedDeviceIds: string[];
  removedDeviceIds: string[];
}

interface StoredIdentity {
  publicKey: string;
  signKey: string;
  credential: string | null;
}

interface StoredKeyPackage {
  keyPackage: string;
  initPrivateKey: string;
  hpkePrivateKey: string;
  /** A last-resort key package is kept after use: it may be used by several welcomes. */
  lastResort?: boolean;
}

/** The `last_resort` key package extension (RFC 9420 §16.8): the package may be used more than once. */
export const LAST_RESORT_EXTENSION = 0x000a;

/** Whether a key package carries the `last_resort` extension. */
export function isLastResort(kp: KeyPackage): boolean {
  return kp.extensions.some((e) => e.extensionType === LAST_RESORT_EXTENSION);
}

const IDENTITY = 'identity';
const groupName = (chatId: string) => `group:${chatId}`;
const kpName = (ref: Uint8Array) => `kp:${toHex(ref)}`;

export class E2eDevice {
  private readonly groups = new Map<string, ClientState>();
  private readonly pending = new Map<string, { commit: PendingCommit; state: ClientState; consumed: Uint8Array[] }>();
  private readonly config: ClientConfig;
  private claimsCache: CredentialClaims | null = null;

  private constructor(
    private readonly store: E2eStore,
    private readonly serverKey: Uint8Array,
    private identity: StoredIdentity,
  ) {
    this.config = { ...defaultClientConfig, authService: authenticationService(serverKey) };
  }

  /** Open the device kept in `store`, making its signature key on first use. `serverKey` is the server's published Ed25519 key. */
  static async open(store: E2eStore, serverKey: Uint8Array): Promise<E2eDevice> {
    const saved = await store.get(IDENTITY);
    let identity: StoredIdentity;
    if (saved) identity = JSON.parse(fromUtf8(saved)) as StoredIdentity;
    else {
      const cs = await suite();
      const pair = await cs.signature.keygen();
      identity = { publicKey: toBase64(pair.publicKey), signKey: toBase64(pair.signKey), credential: null };
      await store.put(IDENTITY, utf8(JSON.stringify(identity)));
    }
    const device = new E2eDevice(store, serverKey, identity);
    if (identity.credential) device.claimsCache = await verifyCredential(fromBase64(identity.credential), fromBase64(identity.publicKey), serverKey);
    return device;
  }

  /** The device's signature public key (send it to POST /v1/e2e/credential). */
  get signaturePublicKey(): Uint8Array {
    return fromBase64(this.identity.publicKey);
  }

  /** Who the credential says this device is (null before `setCredential`). */
  get claims(): CredentialClaims | null {
    return this.claimsCache;
  }

  /** Keep the credential the server issued, after checking it names this device's key. */
  async setCredential(credential: Uint8Array): Promise<CredentialClaims> {
    const claims = await verifyCredential(credential, this.signaturePublicKey, this.serverKey);
    this.identity = { ...this.identity, credential: toBase64(credential) };
    await this.store.put(IDENTITY, utf8(JSON.stringify(this.identity)));
    this.claimsCache = claims;
    return claims;
  }

  private credential() {
    if (!this.identity.credential) throw new E2eError('CREDENTIAL_INVALID', 'This device has no credential yet.');
    return { credentialType: 'basic' as const, identity: fromBase64(this.identity.credential) };
  }

  /** Make `count` key packages; keeps their private halves and returns the encoded public ones to upload. */
  async generateKeyPackages(count: number): Promise<Uint8Array[]> {
    const out: Uint8Array[] = [];
    for (let i = 0; i < count; i++) out.push(await this.makeKeyPackage(false));
    return out;
  }

  /**
   * Make a last-resort key package (RFC 9420 §16.8): the server hands it out only when this device
   * has no other left and never deletes it, so the device can still be added to chats; it stays
   * usable here after a welcome used it. Upload it as `lastResort`.
   */
  generateLastResortKeyPackage(): Promise<Uint8Array> {
    return this.makeKeyPackage(true);
  }

  private async makeKeyPackage(lastResort: boolean): Promise<Uint8Array> {
    const cs = await suite();
    const capabilities = defaultCapabilities();
    const kp = await generateKeyPackageWithKey(
      this.credential(),
      lastResort ? { ...capabilities, extensions: [...capabilities.extensions, LAST_RESORT_EXTENSION] } : capabilities,
      defaultLifetime,
      lastResort ? [{ extensionType: LAST_RESORT_EXTENSION, extensionData: new Uint8Array(0) }] : [],
      { signKey: fromBase64(this.identity.signKey), publicKey: this.signaturePublicKey },
      cs,
    );
    const encoded = encodeMlsMessage({ keyPackage: kp.publicPackage, wireformat: 'mls_key_package', version: 'mls10' });
    const ref = await makeKeyPackageRef(kp.publicPackage, cs.hash);
    const saved: StoredKeyPackage = {
      keyPackage: toBase64(encoded),
      initPrivateKey: toBase64(kp.privatePackage.initPrivateKey),
      hpkePrivateKey: toBase64(kp.privatePackage.hpkePrivateKey),
      ...(lastResort ? { lastResort: true } : {}),
    };
    await this.store.put(kpName(ref), utf8(JSON.stringify(saved)));
    return encoded;
  }

  private async load(chatId: string): Promise<ClientState | undefined> {
    const cached = this.groups.get(chatId);
    if (cached) return cached;
    const bytes = await this.store.get(groupName(chatId));
    if (!bytes) return undefined;
    const decoded = decodeGroupState(bytes, 0);
    if (!decoded) throw new Error(`Stored group state of ${chatId} is corrupt`);
    const state: ClientState = { ...decoded[0], clientConfig: this.config };
    this.groups.set(chatId, state);
    return state;
  }

  private async require(chatId: string): Promise<ClientState> {
    const state = await this.load(chatId);
    if (!state) throw new E2eError('NO_GROUP', `This device is not in the group of ${chatId}.`);
    return state;
  }

  private async save(chatId: string, state: ClientState): Promise<void> {
    this.groups.set(chatId, state);
    await this.store.put(groupName(chatId), encodeGroupState(state));
  }

  async hasGroup(chatId: string): Promise<boolean> {
    const s = await this.load(chatId);
    return !!s && s.groupActiveState.kind === 'active';
  }

  /** The chat's current epoch on this device. */
  async epoch(chatId: string): Promise<number> {
    return Number((await this.require(chatId)).groupContext.epoch);
  }

  /** The devices in the chat's group (this one included), from their verified credentials. */
  async members(chatId: string): Promise<GroupMember[]> {
    const state = await this.require(chatId);
    const out: GroupMember[] = [];
    state.ratchetTree.forEach((node, i) => {
      if (node?.nodeType !== 'leaf') return;
      const claims = claimsOf(node.leaf.credential);
      if (claims) out.push({ leafIndex: i / 2, accountId: claims.accountId, deviceId: claims.deviceId, signatureKey: toBase64(node.leaf.signaturePublicKey) });
    });
    return out;
  }

  /** Compare the chat's group with the devices the server lists (this device is never missing). */
  async diffGroup(chatId: string, listed: ListedDevice[]): Promise<GroupDiff> {
    const members = (await this.hasGroup(chatId)) ? await this.members(chatId) : [];
    const own = this.claims?.deviceId;
    const diff: GroupDiff = { missing: [], removed: [], keyChanged: [] };
    for (const d of listed) {
      if (d.deviceId === own) continue;
      const leaf = members.find((m) => m.deviceId === d.deviceId);
      if (!leaf) {
        diff.missing.push(d);
        continue;
      }
      const key = claimsOf({ credentialType: 'basic', identity: fromBase64(d.credential) })?.signatureKey;
      if (key !== leaf.signatureKey) {
        diff.keyChanged.push(d);
        diff.missing.push(d);
        diff.removed.push(d.deviceId);
      }
    }
    for (const m of members) if (m.deviceId !== own && !listed.some((d) => d.deviceId === m.deviceId)) diff.removed.push(m.deviceId);
    return diff;
  }

  /**
   * Build a commit for the chat's group: add `add` (their credentials are checked: signed by the
   * server, for the device and account the server said), remove the leaves of `removeDeviceIds`.
   * Without a group yet, one is created at epoch 0 for this chat. The result is pending until the
   * server answers.
   */
  async prepareCommit(chatId: string, changes: { add?: DeviceToAdd[]; removeDeviceIds?: string[] }): Promise<PendingCommit> {
    const cs = await suite();
    let state = await this.load(chatId);
    if (!state) {
      const own = await generateKeyPackageWithKey(
        this.credential(),
        defaultCapabilities(),
        defaultLifetime,
        [],
        { signKey: fromBase64(this.identity.signKey), publicKey: this.signaturePublicKey },
        cs,
      );
      state = await createGroup(utf8(chatId), own.publicPackage, own.privatePackage, [], cs, this.config);
    }
    const proposals: Proposal[] = [];
    const added: string[] = [];
    for (const d of changes.add ?? []) {
      const kp = await this.checkKeyPackage(d);
      proposals.push({ proposalType: 'add', add: { keyPackage: kp } });
      added.push(d.deviceId);
    }
    const removed: string[] = [];
    if (changes.removeDeviceIds?.length) {
      const members = await this.membersOf(state);
      for (const id of changes.removeDeviceIds) {
        const m = members.find((x) => x.deviceId === id);
        if (m) {
          proposals.push({ proposalType: 'remove', remove: { removed: m.leafIndex } });
          removed.push(id);
        }
      }
    }
    const result = await createCommit({ state, cipherSuite: cs }, { extraProposals: proposals, ratchetTreeExtension: true });
    const commit: PendingCommit = {
      chatId,
      epoch: Number(state.groupContext.epoch),
      commit: encodeMlsMessage(result.commit),
      welcome: result.welcome ? encodeMlsMessage({ welcome: result.welcome, wireformat: 'mls_welcome', version: 'mls10' }) : null,
      addedDeviceIds: added,
      removedDeviceIds: removed,
    };
    this.pending.set(chatId, { commit, state: result.newState, consumed: result.consumed });
    return commit;
  }

  private async membersOf(state: ClientState): Promise<GroupMember[]> {
    const chatId = fromUtf8(state.groupContext.groupId);
    const saved = this.groups.get(chatId);
    this.groups.set(chatId, state);
    try {
      return await this.members(chatId);
    } finally {
      if (saved) this.groups.set(chatId, saved);
      else this.groups.delete(chatId);
    }
  }

  private async checkKeyPackage(d: DeviceToAdd): Promise<KeyPackage> {
    const decoded = decodeMlsMessage(d.keyPackage, 0)?.[0];
    if (!decoded || decoded.wireformat !== 'mls_key_package') throw new E2eError('CREDENTIAL_INVALID', `The key package of ${d.deviceId} is not a key package.`);
    const kp = decoded.keyPackage;
    const cred = kp.leafNode.credential;
    if (cred.credentialType !== 'basic') throw new E2eError('CREDENTIAL_INVALID', `The key package of ${d.deviceId} has no Parley credential.`);
    const claims = await verifyCredential(cred.identity, kp.leafNode.signaturePublicKey, this.serverKey);
    if (claims.deviceId !== d.deviceId || claims.accountId !== d.accountId) throw new E2eError('CREDENTIAL_INVALID', `The key package given for ${d.deviceId} belongs to another device.`);
    return kp;
  }

  /** The server accepted the pending commit: it becomes the group's state. */
  async commitAccepted(chatId: string): Promise<void> {
    const p = this.pending.get(chatId);
    if (!p) return;
    this.pending.delete(chatId);
    await this.save(chatId, p.state);
    p.consumed.forEach(zeroOutUint8Array);
  }

  /** The server refused the pending commit (another commit won the epoch): forget it. */
  commitRejected(chatId: string): void {
    this.pending.delete(chatId);
  }

  /**
   * Apply a commit the server ordered (an `e2e.commit` record). Commits for epochs this device is
   * already past (its own, or from before it joined) are ignored; a gap throws STALE_EPOCH.
   */
  async processCommit(chatId: string, commit: Uint8Array): Promise<'applied' | 'ignored'> {
    const state = await this.load(chatId);
    if (!state) return 'ignored';
    const msg = decodeMlsMessage(commit, 0)?.[0];
    if (!msg || msg.wireformat !== 'mls_private_message' || msg.privateMessage.contentType !== 'commit') throw new E2eError('DECRYPT_FAILED', 'Not a commit.');
    const epoch = msg.privateMessage.epoch;
    if (epoch < state.groupContext.epoch) return 'ignored';
    if (epoch > state.groupContext.epoch) throw new E2eError('STALE_EPOCH', `Commit for epoch ${epoch}; this device is at ${state.groupContext.epoch}.`);
    const result = await processPrivateMessage(state, msg.privateMessage, emptyPskIndex, await suite());
    if (result.kind !== 'newState') throw new E2eError('DECRYPT_FAILED', 'Not a commit.');
    await this.save(chatId, result.newState);
    result.consumed.forEach(zeroOutUint8Array);
    return 'applied';
  }

  /** Join a chat's group from a welcome (an `e2e.welcome` record addressed to this device). */
  async joinFromWelcome(chatId: string, welcomeBytes: Uint8Array): Promise<void> {
    const msg = decodeMlsMessage(welcomeBytes, 0)?.[0];
    if (!msg || msg.wireformat !== 'mls_welcome') throw new E2eError('WELCOME_NOT_FOR_US', 'Not a welcome.');
    for (const secret of msg.welcome.secrets) {
      const saved = await this.store.get(kpName(secret.newMember));
      if (!saved) continue;
      const kp = JSON.parse(fromUtf8(saved)) as StoredKeyPackage;
      const decoded = decodeMlsMessage(fromBase64(kp.keyPackage), 0)?.[0];
      if (!decoded || decoded.wireformat !== 'mls_key_package') continue;
      const priv: PrivateKeyPackage = { initPrivateKey: fromBase64(kp.initPrivateKey), hpkePrivateKey: fromBase64(kp.hpkePrivateKey), signaturePrivateKey: fromBase64(this.identity.signKey) };
      const state = await joinGroup(msg.welcome, decoded.keyPackage, priv, emptyPskIndex, await suite(), undefined, undefined, this.config);
      if (fromUtf8(state.groupContext.groupId) !== chatId) throw new E2eError('WELCOME_NOT_FOR_US', 'The welcome is for another chat.');
      // A key package is used once (a last-resort one stays, for the next welcome).
      if (!kp.lastResort) await this.store.delete(kpName(secret.newMember));
      this.pending.delete(chatId);
      await this.save(chatId, state);
      return;
    }
    throw new E2eError('WELCOME_NOT_FOR_US', 'No key package of this device is in the welcome.');
  }

  /** Encrypt a message's content for the chat's group. */
  async encrypt(chatId: string, payload: PlainPayload): Promise<Envelope> {
    const state = await this.require(chatId);
    const result = await createApplicationMessage(state, utf8(JSON.stringify(payload)), await suite());
    await this.save(chatId, result.newState);
    result.consumed.forEach(zeroOutUint8Array);
    const ct = encodeMlsMessage({ privateMessage: result.privateMessage, wireformat: 'mls_private_message', version: 'mls10' });
    return { e2e: { v: 1, epoch: Number(state.groupContext.epoch), ct: toBase64(ct) } };
  }

  /**
   * Decrypt an envelope of the chat whose visible kind is `kind`. Throws DECRYPT_FAILED when this
   * device has no key for it (the app shows "waiting for this message" and asks for a resend) and
   * KIND_MISMATCH when the visible kind was changed.
   */
  async decrypt(chatId: string, kind: string, content: unknown): Promise<PlainPayload> {
    if (!isEnvelope(content)) throw new E2eError('NOT_ENVELOPE', 'This message is not encrypted.');
    const state = await this.load(chatId);
    if (!state) throw new E2eError('DECRYPT_FAILED', 'This device has no keys for this chat.');
    let payload: PlainPayload;
    try {
      const msg = decodeMlsMessage(fromBase64(content.e2e.ct), 0)?.[0];
      if (!msg || msg.wireformat !== 'mls_private_message' || msg.privateMessage.contentType !== 'application') throw new Error('not an application message');
      const result = await processPrivateMessage(state, msg.privateMessage, emptyPskIndex, await suite());
      if (result.kind !== 'applicationMessage') throw new Error('not an application message');
      await this.save(chatId, result.newState);
      result.consumed.forEach(zeroOutUint8Array);
      payload = JSON.parse(fromUtf8(result.message)) as PlainPayload;
    } catch {
      throw new E2eError('DECRYPT_FAILED', 'This device cannot decrypt this message.');
    }
    if (payload.kind !== kind) throw new E2eError('KIND_MISMATCH', 'The message kind does not match its encrypted content.');
    return payload;
  }

  /** Drop a chat's group (e.g. after this device was removed). */
  async forget(chatId: string): Promise<void> {
    this.groups.delete(chatId);
    this.pending.delete(chatId);
    await this.store.delete(groupName(chatId));
  }
}

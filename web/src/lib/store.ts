/**
 * The web app's state and actions: session, chats, messages, typing, presence, connection status.
 * The server is the source of truth; this store applies the protocol's updates in order, keeps
 * an outbox of messages sent while offline (sent again on reconnect, never duplicated thanks to
 * their clientId), and saves a snapshot so the app opens without a network.
 */
import { useSyncExternalStore } from 'react';
import type { Chat, Me, Message, MessageKind } from '#contracts/models.js';
import type { PresenceFrame, TypingEventFrame, Update } from '#contracts/protocol.js';
import { Api, ApiError, type SignInResult } from './api.js';
import { RealtimeClient, type ConnectionStatus } from './realtime.js';
import * as persist from './persist.js';
import type { MediaKey } from '../../../packages/e2e/src/index.js';
import { E2eSession, isE2eChat, isEnvelope as isEnvelopeContent, NO_PEER_CODE } from './e2e/session.js';
import { deleteE2eStore } from './e2e/idb-store.js';

export type DisplayStatus = 'pending' | 'failed' | 'sent' | 'delivered' | 'read';

export interface ClientMessage extends Message {
  /** Set while the message waits in the outbox (not yet stored by the server). */
  pending?: boolean;
  failed?: string;
  /** End-to-end encrypted and not decryptable on this device yet ("waiting for this message"). */
  waiting?: boolean;
  /** The key of the message's end-to-end encrypted medium (from inside the encrypted message). */
  mediaKey?: MediaKey;
  /** Pending until the contact has a device able to decrypt it (never sent in plaintext). */
  waitingPeer?: boolean;
}

export interface ChatMessages {
  items: ClientMessage[];
  hasMore: boolean;
  loaded: boolean;
}

export interface Session {
  token: string;
  accountId: string;
  deviceId: string;
}

export interface TypingState {
  accountId: string;
  state: 'composing' | 'recording' | 'paused';
  until: number;
}

export interface State {
  session: Session | null;
  me: Me | null;
  status: ConnectionStatus;
  chats: Record<string, Chat>;
  chatsLoaded: boolean;
  messages: Record<string, ChatMessages>;
  typing: Record<string, TypingState>;
  presence: Record<string, { online: boolean | null; lastSeenAt: number | null }>;
  drafts: Record<string, string>;
  cursor: number;
  /** Bumped per area when a `business.changed` update arrives: business screens re-fetch on change. */
  businessVersions: Record<string, number>;
  /** Chats where a contact's encryption key changed since they were opened ("security code changed"), by chat id. */
  keyChanges: Record<string, number>;
  /** Chats whose safety number this device verified (and that has not changed since), by chat id. */
  verified: Record<string, boolean>;
}

const SESSION_KEY = 'parley.session';
const SNAPSHOT_MESSAGES = 50;
/** How often messages waiting for a contact's encrypting device look again (besides `e2e.devices` records, the contact coming online and reconnects). */
const NO_PEER_RETRY_MS = 15_000;

function loadSession(): Session | null {
  try {
    const raw = localStorage.getItem(SESSION_KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export function newClientId(): string {
  return typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/** The status ticks of one's own message in a chat. */
export function statusOf(m: ClientMessage, chat: Chat | undefined, myId: string): DisplayStatus {
  if (m.failed) return 'failed';
  if (m.pending) return 'pending';
  if (m.undeliverable) return 'sent';
  const others = chat?.members.filter((x) => x.accountId !== myId) ?? [];
  if (others.length && others.every((o) => o.readSeq >= m.seq)) return 'read';
  if (others.length && others.every((o) => o.deliveredSeq >= m.seq || o.readSeq >= m.seq)) return 'delivered';
  return m.status === 'read' || m.status === 'delivered' ? m.status : 'sent';
}

export class Store {
  private state: State;
  private listeners = new Set<() => void>();
  readonly api: Api;
  private rt: RealtimeClient | null = null;
  private snapshotTimer: ReturnType<typeof setTimeout> | undefined;
  private refreshTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private flushing = false;
  /** Bumped when the account changed elsewhere; views of contacts/blocks refetch when it moves. */
  accountVersion = 0;
  /**
   * The chat list is fetched again once per connection (see onSynced): `connection` counts the
   * connections that went online and then dropped; `listFetchedFor` is the one the list was last
   * fetched for, so a list loaded while connecting (sign-in, resync) is not fetched twice.
   */
  private connection = 0;
  private listFetchedFor = -1;
  /** This device's end-to-end encryption (person accounts in browsers with IndexedDB). */
  e2e: E2eSession | null = null;
  /** Message updates wait here for their decryption, so they are applied in log order. */
  private revealChain: Promise<unknown> = Promise.resolve();

  constructor(private readonly base = '') {
    this.state = {
      session: loadSession(),
      me: null,
      status: 'offline',
      chats: {},
      chatsLoaded: false,
      messages: {},
      typing: {},
      presence: {},
      drafts: {},
      cursor: 0,
      businessVersions: {},
      keyChanges: {},
      verified: {},
    };
    this.api = new Api(() => this.state.session?.token ?? null, base);
  }

  // ---- subscription ---------------------------------------------------------------------------

  get = (): State => this.state;

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  private set(patch: Partial<State> | ((s: State) => Partial<State>)): void {
    const p = typeof patch === 'function' ? patch(this.state) : patch;
    this.state = { ...this.state, ...p };
    for (const l of this.listeners) l();
    this.scheduleSnapshot();
  }

  // ---- session --------------------------------------------------------------------------------

  private started = false;

  async start(): Promise<void> {
    const session = this.state.session;
    if (!session || this.started) return;
    this.started = true;
    const [snap, drafts] = await Promise.all([persist.loadSnapshot(session.accountId), persist.loadDrafts().catch(() => ({}))]);
    if (snap) {
      const messages: Record<string, ChatMessages> = {};
      for (const [chatId, items] of Object.entries(snap.messages)) messages[chatId] = { items, hasMore: true, loaded: true };
      this.set({ me: snap.me, cursor: snap.cursor, chats: Object.fromEntries(snap.chats.map((c) => [c.id, c])), chatsLoaded: true, messages, drafts });
    } else {
      this.set({ drafts });
    }
    await this.restoreOutbox();
    if (this.state.me) this.startE2e();
    if (!snap) {
      try {
        await this.refreshAll();
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) return this.signedOut();
      }
    } else {
      void this.api.me().then(
        (me) => {
          this.set({ me });
          if (!this.e2e) this.startE2e();
        },
        () => undefined,
      );
    }
    if (!this.e2e && this.state.me) this.startE2e();
    this.connect();
  }

  /** `business`: register a new number as a business with this name and category. */
  async signIn(phone: string, code: string, deviceName: string, business?: { name: string; category: string }): Promise<void> {
    await this.signedIn(await this.api.verify(phone, code, deviceName, business));
  }

  /** Finish a sign-in that answered PIN_REQUIRED: with the PIN, or with a reset of the PIN. */
  async signInWithPin(ticket: string, pin: string): Promise<void> {
    await this.signedIn(await this.api.verifyPin(ticket, pin));
  }

  async signInWithPinReset(ticket: string, resetCode?: string): Promise<void> {
    await this.signedIn(await this.api.resetPin(ticket, resetCode));
  }

  private async signedIn(r: SignInResult): Promise<void> {
    const session: Session = { token: r.token, accountId: r.account.id, deviceId: r.deviceId };
    localStorage.setItem(SESSION_KEY, JSON.stringify(session));
    await persist.clearAll().catch(() => undefined);
    this.set({ session, me: r.account, chats: {}, messages: {}, cursor: 0, chatsLoaded: false });
    this.startE2e();
    await this.refreshAll();
    this.started = true;
    this.connect();
  }

  async signOut(): Promise<void> {
    await this.api.signOut().catch(() => undefined);
    await this.signedOut();
  }

  /** Set up this device's end-to-end encryption (not for business accounts: their chats terminate at the platform). */
  private startE2e(): void {
    const session = this.state.session;
    this.e2e?.close();
    this.e2e = null;
    if (!session || !e2eCapable() || !this.state.me || this.state.me.kind === 'business') return;
    const e2e = new E2eSession(this.api, session.deviceId, {
      keyChanged: (chatId) => this.set((s) => ({ keyChanges: { ...s.keyChanges, [chatId]: Date.now() } })),
      // A contact's new device: messages that waited for one go now, encrypted.
      devicesChanged: () => void this.flushOutbox(),
      // A group joined late (its welcome record was missed): the chat list's preview decrypts now.
      joined: (chatId) => void this.revealChatAgain(chatId).catch(() => undefined),
    });
    this.e2e = e2e;
    // Messages that waited for the set-up go now.
    void e2e.ready().then((ok) => {
      if (ok && this.e2e === e2e) void this.flushOutbox();
    });
  }

  /** The content to send: an envelope in an encrypted chat. Throws NETWORK (the message waits in the outbox) while encryption is not ready. */
  private async seal(chatId: string, kind: string, content: Record<string, unknown>, media?: MediaKey) {
    if (!this.isEncrypted(chatId)) return null;
    if (!this.e2e) throw new ApiError('NETWORK', 'Encryption is not set up yet.');
    return this.e2e.seal(chatId, kind, content, media);
  }

  private async signedOut(): Promise<void> {
    const deviceId = this.state.session?.deviceId;
    this.e2e?.close();
    this.e2e = null;
    if (deviceId) await deleteE2eStore(deviceId).catch(() => undefined);
    this.started = false;
    this.rt?.stop();
    this.rt = null;
    localStorage.removeItem(SESSION_KEY);
    await persist.clearAll().catch(() => undefined);
    this.set({ session: null, me: null, chats: {}, messages: {}, cursor: 0, chatsLoaded: false, status: 'offline', typing: {}, presence: {} });
  }

  setMe(me: Me): void {
    this.set({ me });
  }

  private wsUrl(): string {
    const loc = this.base ? new URL(this.base) : window.location;
    const proto = loc.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${proto}//${loc.host}/v1/ws?token=${encodeURIComponent(this.state.session?.token ?? '')}`;
  }

  private connect(): void {
    this.rt?.stop();
    const rt = new RealtimeClient(() => this.wsUrl(), {
      cursor: () => this.state.cursor,
      onUpdate: (seq, u) => this.applyUpdate(seq, u),
      onSynced: (seq) => {
        this.set({ cursor: Math.max(seq, this.state.cursor) });
        void this.flushOutbox();
        if (this.listFetchedFor !== this.connection) void this.refreshChatList();
      },
      onResyncRequired: async () => {
        await this.refreshAll();
        return this.state.cursor;
      },
      onTyping: (f) => this.applyTyping(f),
      onPresence: (f) => this.applyPresence(f),
      onRefresh: () => {
        void this.api.me().then((me) => this.set({ me }), () => undefined);
        this.accountVersion++;
        this.set({});
      },
      onStatus: (status) => {
        if (this.state.status === 'online' && status !== 'online') this.connection++;
        this.set({ status });
      },
      onSignedOut: () => void this.signedOut(),
    });
    this.rt = rt;
    rt.start();
  }

  /** Fetch the chat list (and the cursor that goes with it). */
  async refreshAll(): Promise<void> {
    this.listFetchedFor = this.connection;
    const [list, me] = await Promise.all([this.api.chats({ limit: 500 }), this.api.me().catch(() => this.state.me)]);
    this.set({ chats: Object.fromEntries(list.chats.map((c) => [c.id, c])), chatsLoaded: true, cursor: list.updateSeq, me, messages: {} });
    this.revealLastMessages();
  }

  /**
   * Fetch the chat list again in the background (one request) and merge it into the local one,
   * keeping messages, drafts and the outbox. The updates stream carries what happens in chats, but
   * not what changes in the peers' profiles (a verified badge granted or removed, a new business
   * name or photo): after a reload from the snapshot, or a reconnection, this brings them up to date.
   */
  async refreshChatList(): Promise<void> {
    const connection = this.connection;
    this.listFetchedFor = connection;
    try {
      const list = await this.api.chats({ limit: 500 });
      if (!this.state.session) return;
      this.set((s) => ({ chats: mergeChatList(s.chats, list.chats, list.updateSeq >= s.cursor) }));
      this.revealLastMessages();
    } catch {
      if (this.listFetchedFor === connection) this.listFetchedFor = -1; // try again after the next sync
    }
  }

  // ---- updates from the server ----------------------------------------------------------------

  /** Decrypt what the chat list shows of encrypted last messages. */
  private revealLastMessages(): void {
    const e2e = this.e2e;
    if (!e2e) return;
    for (const chat of Object.values(this.state.chats)) {
      const last = chat.lastMessage;
      if (!last || !isEnvelopeContent(last.content)) continue;
      void e2e.reveal(last).then((r) =>
        this.set((s) => {
          const c = s.chats[chat.id];
          if (!c || c.lastMessage?.id !== last.id) return {};
          return { chats: { ...s.chats, [chat.id]: { ...c, lastMessage: { ...c.lastMessage, content: r.content, ...(r.waiting ? { waiting: true } : {}) } } } };
        }),
      );
    }
  }

  /**
   * Take a chat as the server returned it. Its last message comes encrypted: the one this device
   * already shows (decrypted) is kept when it is the same message, and any other is decrypted.
   */
  private putChat(chat: Chat): void {
    this.set((s) => {
      const local = s.chats[chat.id]?.lastMessage;
      const lastMessage = local && chat.lastMessage && local.id === chat.lastMessage.id && local.editedAt === chat.lastMessage.editedAt && local.deletedAt === chat.lastMessage.deletedAt ? local : chat.lastMessage;
      return { chats: { ...s.chats, [chat.id]: { ...chat, lastMessage } } };
    });
    this.revealLastMessages();
  }

  /** A message as this device shows it: decrypted when it is encrypted. */
  private async revealed<T extends Message>(m: T): Promise<T & { waiting?: boolean }> {
    const e2e = this.e2e;
    if (!e2e) return m;
    const shown = m.reactions.some((r) => r.e2e) ? { ...m, reactions: await this.revealedReactions(e2e, m) } : m;
    if (!isEnvelopeContent(m.content)) return shown;
    const r = await e2e.reveal(m);
    return { ...shown, content: r.content, ...(r.waiting ? { waiting: true } : {}), ...(r.media ? { mediaKey: r.media } : {}) };
  }

  /** A message's reactions with encrypted ones decrypted (one this device cannot read keeps its envelope and shows as waiting). */
  private async revealedReactions(e2e: E2eSession, m: Message): Promise<Message['reactions']> {
    const out: Message['reactions'] = [];
    for (const r of m.reactions) {
      const emoji = r.e2e ? await e2e.revealReaction(m.chatId, m.id, r.accountId, r.e2e) : null;
      out.push(emoji === null ? r : { accountId: r.accountId, emoji });
    }
    return out;
  }

  private applyUpdate(seq: number, u: Update): void {
    switch (u.type) {
      case 'message.created':
      case 'message.updated': {
        if (!this.e2e) return this.applyMessage(seq, u.type, u.chatId, u.message);
        const e2e = this.e2e;
        const m = u.message;
        this.revealChain = this.revealChain.then(async () => {
          const shown = this.e2e === e2e ? await this.revealed(m) : m;
          this.applyMessage(seq, u.type, u.chatId, shown);
        });
        return;
      }
      case 'e2e.commit':
      case 'e2e.welcome':
      case 'e2e.devices':
      case 'e2e.resend':
        this.e2e?.handle(u);
        this.set((s) => ({ cursor: Math.max(s.cursor, seq) }));
        return;
      default:
        this.applyOther(seq, u);
    }
  }

  private applyMessage(seq: number, type: 'message.created' | 'message.updated', chatId: string, m: ClientMessage): void {
    const myId = this.state.session?.accountId;
    this.set((s) => {
      const chat = s.chats[chatId];
      const list = s.messages[chatId];
      const messages = list ? { ...s.messages, [chatId]: { ...list, items: upsertMessage(list.items, m) } } : s.messages;
      let chats = s.chats;
      if (chat) {
        const isNew = type === 'message.created' && m.seq > (chat.lastMessage?.seq ?? 0);
        const lastMessage = isNew || chat.lastMessage?.id === m.id ? m : chat.lastMessage;
        const unread = isNew && m.senderId !== myId && m.seq > chat.readSeq ? chat.unreadCount + 1 : chat.unreadCount;
        chats = {
          ...s.chats,
          [chatId]: {
            ...chat,
            lastMessage,
            lastSeq: Math.max(chat.lastSeq, m.seq),
            lastActivityAt: isNew ? m.createdAt : chat.lastActivityAt,
            unreadCount: unread,
          },
        };
      }
      const typing = s.typing[chatId]?.accountId === m.senderId ? withoutKey(s.typing, chatId) : s.typing;
      return { messages, chats, typing, cursor: Math.max(s.cursor, seq) };
    });
    if (!this.state.chats[chatId]) this.refreshChat(chatId, 0);
  }

  private applyOther(seq: number, u: Update): void {
    const myId = this.state.session?.accountId;
    switch (u.type) {
      case 'chat.receipts':
        this.set((s) => {
          const chat = s.chats[u.chatId];
          if (!chat) return { cursor: seq };
          const members = chat.members.some((x) => x.accountId === u.accountId)
            ? chat.members.map((x) => (x.accountId === u.accountId ? { ...x, deliveredSeq: u.deliveredSeq, readSeq: u.readSeq } : x))
            : [...chat.members, { accountId: u.accountId, deliveredSeq: u.deliveredSeq, readSeq: u.readSeq }];
          const mine = u.accountId === myId;
          const readSeq = mine ? Math.max(chat.readSeq, u.readSeq) : chat.readSeq;
          const unreadCount = mine ? (readSeq >= chat.lastSeq ? 0 : chat.unreadCount) : chat.unreadCount;
          return { chats: { ...s.chats, [u.chatId]: { ...chat, members, readSeq, unreadCount } }, cursor: seq };
        });
        if (u.accountId === myId && (this.state.chats[u.chatId]?.unreadCount ?? 0) > 0) this.refreshChat(u.chatId);
        return;
      case 'chat.updated':
        this.set((s) => {
          const chat = s.chats[u.chatId];
          if (!chat) return { cursor: seq };
          return { chats: { ...s.chats, [u.chatId]: { ...chat, archived: u.archived, pinnedAt: u.pinnedAt, mutedUntil: u.mutedUntil } }, cursor: seq };
        });
        return;
      case 'business.changed':
        this.set((s) => ({ businessVersions: { ...s.businessVersions, [u.area]: (s.businessVersions[u.area] ?? 0) + 1 }, cursor: seq }));
        return;
      default:
        this.set((s) => ({ cursor: Math.max(s.cursor, seq) }));
    }
  }

  private refreshChat(chatId: string, delay = 200): void {
    if (this.refreshTimers.has(chatId)) return;
    this.refreshTimers.set(
      chatId,
      setTimeout(() => {
        this.refreshTimers.delete(chatId);
        this.api.chat(chatId).then(
          (chat) => this.putChat(chat),
          () => undefined,
        );
      }, delay),
    );
  }

  private applyTyping(f: TypingEventFrame): void {
    this.set((s) =>
      f.state === 'paused'
        ? { typing: withoutKey(s.typing, f.chatId) }
        : { typing: { ...s.typing, [f.chatId]: { accountId: f.accountId, state: f.state, until: Date.now() + 6000 } } },
    );
  }

  private applyPresence(f: PresenceFrame): void {
    this.set((s) => ({ presence: { ...s.presence, [f.accountId]: { online: f.online, lastSeenAt: f.lastSeenAt } } }));
    // A contact coming online may have just set up a device: messages waiting for one look again.
    if (f.online && Object.values(this.state.chats).some((c) => c.peer.id === f.accountId && this.state.messages[c.id]?.items.some((m) => m.waitingPeer))) void this.flushOutbox();
  }

  // ---- actions --------------------------------------------------------------------------------

  async openChatWith(peer: string): Promise<Chat> {
    const chat = await this.api.openChat(peer);
    this.putChat(chat);
    this.prepareEncryption(chat.id);
    return chat;
  }

  /** Fetch a chat again and decrypt its last message anew (this device has just joined its group). */
  private async revealChatAgain(chatId: string): Promise<void> {
    const chat = await this.api.chat(chatId);
    this.set((s) => ({ chats: { ...s.chats, [chat.id]: chat } }));
    this.revealLastMessages();
  }

  /** Fetch one chat again (e.g. its peer changed after a block or a saved contact). */
  async reloadChat(chatId: string): Promise<void> {
    this.putChat(await this.api.chat(chatId));
  }

  /** Whether the chat's messages are end-to-end encrypted on this device. */
  isEncrypted(chatId: string): boolean {
    return e2eCapable() && isE2eChat(this.state.chats[chatId], this.state.me?.kind);
  }

  /** The chat's safety number now, or null (not encrypted, or the contact has no device set up yet). */
  async safetyNumber(chatId: string) {
    return this.isEncrypted(chatId) && this.e2e ? this.e2e.safety(chatId) : null;
  }

  /** Whether the chat's safety number is still the one verified; a changed one shows the "security code changed" notice. */
  async checkVerified(chatId: string): Promise<void> {
    const e2e = this.e2e;
    if (!e2e || !this.isEncrypted(chatId)) return;
    const [saved, now] = await Promise.all([e2e.verifiedNumber(chatId), e2e.safety(chatId).catch(() => null)]);
    if (!saved || !now) return;
    const verified = saved === now.digits;
    this.set((s) => ({
      verified: { ...s.verified, [chatId]: verified },
      ...(verified ? {} : { keyChanges: { ...s.keyChanges, [chatId]: s.keyChanges[chatId] ?? Date.now() } }),
    }));
  }

  /** The person checked the safety number (scanned their contact's code, or compared the digits). */
  async markVerified(chatId: string, digits: string): Promise<void> {
    await this.e2e?.markVerified(chatId, digits);
    this.set((s) => ({ verified: { ...s.verified, [chatId]: true }, keyChanges: withoutKey(s.keyChanges, chatId) }));
  }

  /** Set up the chat's encryption in the background (when it is opened), so the first message need not wait. */
  prepareEncryption(chatId: string): void {
    if (!this.isEncrypted(chatId)) return;
    this.e2e?.prepare(chatId);
    void this.checkVerified(chatId);
  }

  async loadMessages(chatId: string, older = false): Promise<void> {
    const current = this.state.messages[chatId];
    if (older && (!current || !current.hasMore)) return;
    const firstSeq = current?.items.find((m) => !m.pending)?.seq;
    const fetched = await this.api.messages(chatId, older && firstSeq ? { before: firstSeq, limit: 50 } : { limit: 50 });
    const page = { ...fetched, messages: [] as ClientMessage[] };
    for (const m of [...fetched.messages].sort((a, b) => a.seq - b.seq)) page.messages.push(await this.revealed(m));
    this.set((s) => {
      const cur = s.messages[chatId];
      const items = cur ? mergePage(cur.items, page.messages) : page.messages;
      return { messages: { ...s.messages, [chatId]: { items, hasMore: older || !cur ? page.hasMore : cur.hasMore, loaded: true } } };
    });
  }

  /** Send a message: shown at once as pending, queued durably, sent when connected. */
  async send(chatId: string, kind: MessageKind, content: Record<string, unknown>, opts: { mediaId?: string; replyTo?: string; forwarded?: boolean; media?: MediaKey } = {}): Promise<void> {
    const me = this.state.session?.accountId ?? '';
    const item: persist.OutboxItem = { clientId: newClientId(), chatId, kind, content, ...opts, createdAt: Date.now() };
    this.addPending(item, me);
    await persist.outboxPut(item).catch(() => undefined);
    void this.flushOutbox();
  }

  private addPending(item: persist.OutboxItem, me: string): void {
    const pending: ClientMessage = {
      id: `pending:${item.clientId}`,
      chatId: item.chatId,
      seq: Number.MAX_SAFE_INTEGER,
      senderId: me,
      clientId: item.clientId,
      kind: item.kind,
      content: item.content,
      mediaId: item.mediaId ?? null,
      replyTo: item.replyTo ?? null,
      forwarded: item.forwarded ?? false,
      ...(item.media ? { mediaKey: item.media } : {}),
      createdAt: item.createdAt,
      editedAt: null,
      deletedAt: null,
      reactions: [],
      pending: true,
    };
    this.set((s) => {
      const list = s.messages[item.chatId] ?? { items: [], hasMore: true, loaded: false };
      return { messages: { ...s.messages, [item.chatId]: { ...list, items: upsertMessage(list.items, pending) } } };
    });
  }

  private async restoreOutbox(): Promise<void> {
    const me = this.state.session?.accountId ?? '';
    for (const item of await persist.outboxAll().catch(() => [])) this.addPending(item, me);
  }

  private async flushOutbox(): Promise<void> {
    if (this.flushing || !this.rt || this.state.status !== 'online') return;
    this.flushing = true;
    // Chats whose contact has no device able to decrypt yet: their messages wait, in order.
    const noPeer = new Set<string>();
    try {
      for (const item of await persist.outboxAll().catch(() => [] as persist.OutboxItem[])) {
        const pendingInState = Object.values(this.state.messages).some((l) => l.items.some((m) => m.clientId === item.clientId && m.pending));
        if (noPeer.has(item.chatId)) {
          this.markWaitingPeer(item, true);
          continue;
        }
        try {
          let sealed: Awaited<ReturnType<Store['seal']>>;
          try {
            sealed = await this.seal(item.chatId, item.kind, item.content, item.media);
          } catch (err) {
            // Encryption not ready (set-up or the chat's group): try again shortly, in order.
            if (err instanceof ApiError && err.code === 'NETWORK') setTimeout(() => void this.flushOutbox(), 3000);
            if (err instanceof ApiError && err.code === NO_PEER_CODE) {
              noPeer.add(item.chatId);
              this.markWaitingPeer(item, true);
              continue;
            }
            throw err;
          }
          const r = await this.rt.request({
            type: 'send',
            chatId: item.chatId,
            clientId: item.clientId,
            kind: item.kind,
            content: sealed ?? item.content,
            ...(item.mediaId ? { mediaId: item.mediaId } : {}),
            ...(item.replyTo ? { replyTo: item.replyTo } : {}),
            ...(item.forwarded ? { forwarded: true } : {}),
          });
          if (sealed) await this.e2e?.remember(String(r.messageId), item.kind, item.content, item.media).catch(() => undefined);
          await persist.outboxDelete(item.clientId).catch(() => undefined);
          this.markWaitingPeer(item, false);
          if (pendingInState) this.resolvePending(item, r);
        } catch (err) {
          if (err instanceof ApiError && (err.code === 'NETWORK' || err.code === 'TIMEOUT')) return; // retried on reconnect
          await persist.outboxDelete(item.clientId).catch(() => undefined);
          this.markFailed(item, err instanceof ApiError ? err.code : 'INTERNAL');
        }
      }
    } finally {
      this.flushing = false;
      // Besides the device records, look again now and then (a contact's device may come back with key packages).
      if (noPeer.size && !this.noPeerRetry) {
        this.noPeerRetry = setTimeout(() => {
          this.noPeerRetry = undefined;
          void this.flushOutbox();
        }, NO_PEER_RETRY_MS);
      }
    }
  }

  private noPeerRetry: ReturnType<typeof setTimeout> | undefined;

  private markWaitingPeer(item: persist.OutboxItem, waiting: boolean): void {
    const list = this.state.messages[item.chatId];
    if (!list?.items.some((m) => m.clientId === item.clientId && Boolean(m.waitingPeer) !== waiting)) return;
    this.set((s) => {
      const cur = s.messages[item.chatId];
      if (!cur) return {};
      const items = cur.items.map((m) => (m.clientId === item.clientId ? (waiting ? { ...m, waitingPeer: true } : { ...m, waitingPeer: false }) : m));
      return { messages: { ...s.messages, [item.chatId]: { ...cur, items } } };
    });
  }

  private resolvePending(item: persist.OutboxItem, r: Record<string, unknown>): void {
    // The real message arrives as an update (which replaces the pending one); until then, keep
    // the pending bubble but give it its server identity so receipts apply.
    this.set((s) => {
      const list = s.messages[item.chatId];
      if (!list) return {};
      const items = list.items.map((m) =>
        m.clientId === item.clientId && m.pending ? { ...m, id: String(r.messageId), seq: Number(r.seq), createdAt: Number(r.createdAt), pending: false } : m,
      );
      return { messages: { ...s.messages, [item.chatId]: { ...list, items: dedupe(items) } } };
    });
  }

  private markFailed(item: persist.OutboxItem, code: string): void {
    this.set((s) => {
      const list = s.messages[item.chatId];
      if (!list) return {};
      return { messages: { ...s.messages, [item.chatId]: { ...list, items: list.items.map((m) => (m.clientId === item.clientId ? { ...m, failed: code } : m)) } } };
    });
  }

  /** Drop a failed message from view. */
  discardFailed(chatId: string, clientId: string): void {
    this.set((s) => {
      const list = s.messages[chatId];
      if (!list) return {};
      return { messages: { ...s.messages, [chatId]: { ...list, items: list.items.filter((m) => m.clientId !== clientId) } } };
    });
  }

  private request(frame: Record<string, unknown> & { type: string }): Promise<Record<string, unknown>> {
    if (!this.rt) return Promise.reject(new ApiError('NETWORK', 'Not connected.'));
    return this.rt.request(frame);
  }

  async edit(messageId: string, content: Record<string, unknown>): Promise<void> {
    const m = this.findMessage(messageId);
    const sealed = m ? await this.seal(m.chatId, m.kind, content, m.mediaKey) : null;
    await this.request({ type: 'edit', messageId, content: sealed ?? content });
    if (m && sealed) await this.e2e?.remember(messageId, m.kind, content, m.mediaKey).catch(() => undefined);
  }

  private findMessage(messageId: string): ClientMessage | undefined {
    return Object.values(this.state.messages)
      .flatMap((l) => l.items)
      .find((x) => x.id === messageId);
  }

  async deleteForEveryone(messageId: string): Promise<void> {
    await this.request({ type: 'delete', messageId });
  }

  /** Set or remove this person's reaction; in an end-to-end encrypted chat the emoji is encrypted on the device. */
  async react(messageId: string, emoji: string | null): Promise<void> {
    const m = emoji === null ? undefined : this.findMessage(messageId);
    const myId = this.state.session?.accountId;
    if (m && myId && emoji !== null && this.isEncrypted(m.chatId)) {
      if (!this.e2e) throw new ApiError('NETWORK', 'Encryption is not set up yet.');
      const e2e = await this.e2e.sealReaction(m.chatId, messageId, myId, emoji);
      if (e2e) {
        await this.request({ type: 'react', messageId, e2e });
        return;
      }
    }
    await this.request({ type: 'react', messageId, emoji });
  }

  /** Mark everything up to the chat's last message read. */
  markRead(chatId: string): void {
    const chat = this.state.chats[chatId];
    if (!chat || this.state.status !== 'online') return;
    if (chat.readSeq >= chat.lastSeq && chat.unreadCount === 0) return;
    this.set((s) => ({ chats: { ...s.chats, [chatId]: { ...chat, unreadCount: 0, readSeq: chat.lastSeq } } }));
    this.request({ type: 'read', chatId, seq: chat.lastSeq }).catch(() => undefined);
  }

  typing(chatId: string, state: 'composing' | 'recording' | 'paused'): void {
    if (this.state.status !== 'online') return;
    this.request({ type: 'typing', chatId, state }).catch(() => undefined);
  }

  async watchPresence(accountIds: string[]): Promise<void> {
    if (this.state.status !== 'online') return;
    const r = await this.request({ type: 'watch', accountIds }).catch(() => null);
    const list = (r?.presence as { accountId: string; online: boolean | null; lastSeenAt: number | null }[] | undefined) ?? [];
    this.set((s) => ({ presence: { ...s.presence, ...Object.fromEntries(list.map((p) => [p.accountId, { online: p.online, lastSeenAt: p.lastSeenAt }])) } }));
  }

  async updateChat(chatId: string, patch: { archived?: boolean; pinned?: boolean; mutedUntil?: number | null }): Promise<void> {
    this.putChat(await this.api.updateChat(chatId, patch));
  }

  setDraft(chatId: string, text: string): void {
    this.set((s) => ({ drafts: text ? { ...s.drafts, [chatId]: text } : withoutKey(s.drafts, chatId) }));
    void persist.saveDraft(chatId, text).catch(() => undefined);
  }

  // ---- snapshot -------------------------------------------------------------------------------

  private scheduleSnapshot(): void {
    if (!this.state.session || this.snapshotTimer) return;
    this.snapshotTimer = setTimeout(() => {
      this.snapshotTimer = undefined;
      const s = this.state;
      if (!s.session || !s.chatsLoaded) return;
      const messages: Record<string, Message[]> = {};
      for (const [chatId, list] of Object.entries(s.messages)) messages[chatId] = list.items.filter((m) => !m.pending).slice(-SNAPSHOT_MESSAGES);
      void persist
        .saveSnapshot({ accountId: s.session.accountId, me: s.me, cursor: s.cursor, chats: Object.values(s.chats), messages, savedAt: Date.now() })
        .catch(() => undefined);
    }, 500);
  }
}

/**
 * Merge a freshly fetched chat list into the local chats. Peers (profiles, business name and
 * badge) always come from the server. The rest of a chat comes from the server only when the list
 * is `fresh` (it reflects every update applied locally, i.e. its updateSeq is not behind the
 * cursor); otherwise updates applied since it was read are newer and the local chat is kept. A
 * read already marked locally is never undone. Chats only known locally are kept.
 */
/** Whether this browser can keep end-to-end state (IndexedDB and WebCrypto). */
function e2eCapable(): boolean {
  return typeof indexedDB !== 'undefined' && typeof crypto !== 'undefined' && typeof crypto.subtle !== 'undefined';
}

export function mergeChatList(local: Record<string, Chat>, fetched: Chat[], fresh: boolean): Record<string, Chat> {
  const out = { ...local };
  for (const server of fetched) {
    const mine = local[server.id];
    if (!mine) {
      out[server.id] = server;
    } else if (!fresh) {
      out[server.id] = { ...mine, peer: server.peer };
    } else {
      const readSeq = Math.max(mine.readSeq, server.readSeq);
      out[server.id] = { ...server, readSeq, unreadCount: readSeq >= server.lastSeq ? 0 : server.unreadCount };
    }
  }
  return out;
}

function withoutKey<T>(rec: Record<string, T>, key: string): Record<string, T> {
  if (!(key in rec)) return rec;
  const { [key]: _drop, ...rest } = rec;
  return rest;
}

/** Insert or replace a message, keeping the list sorted by seq (pending ones last). */
export function upsertMessage(items: ClientMessage[], m: ClientMessage): ClientMessage[] {
  const out = items.filter((x) => x.id !== m.id && !(x.clientId === m.clientId && x.senderId === m.senderId && (x.pending || !m.pending)));
  if (m.pending && items.some((x) => x.clientId === m.clientId && x.senderId === m.senderId && !x.pending)) return items;
  out.push(m);
  out.sort((a, b) => a.seq - b.seq || a.createdAt - b.createdAt);
  return out;
}

/** A fetched page merged into the current list: current items win by id, a stored message replaces its pending copy; one sort. */
export function mergePage(current: ClientMessage[], page: ClientMessage[]): ClientMessage[] {
  const stored = new Set(page.map((m) => `${m.senderId}\n${m.clientId}`));
  const keep = current.filter((m) => !(m.pending && stored.has(`${m.senderId}\n${m.clientId}`)));
  const ids = new Set(keep.map((m) => m.id));
  return [...page.filter((m) => !ids.has(m.id)), ...keep].sort((a, b) => a.seq - b.seq || a.createdAt - b.createdAt);
}

function dedupe(items: ClientMessage[]): ClientMessage[] {
  const seen = new Set<string>();
  return items.filter((m) => (seen.has(m.id) ? false : (seen.add(m.id), true)));
}

export const store = new Store();

export function useStore<T>(selector: (s: State) => T): T {
  return useSyncExternalStore(store.subscribe, () => selector(store.get()));
}

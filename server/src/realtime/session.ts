/**
 * @module realtime/session
 * The protocol state of one connection: the update cursor (what this device has been sent),
 * catching up from the update log, live updates in order and exactly once, delivery
 * acknowledgements, presence watches. Each client frame maps to one domain call.
 */
import type { Static } from '@sinclair/typebox';
import { CloseCodes, type ServerFrame, type Update, type clientFrameSchemas } from '#contracts/protocol.js';
import { AppError } from '../errors.js';
import { presenceTopic, type Actor, type BusEvent, type Ctx } from '../context.js';
import {
  currentUpdateSeq,
  deleteMessage,
  deviceConnected,
  deviceDisconnected,
  editMessage,
  markDelivered,
  markRead,
  presenceFor,
  reactToMessage,
  reactionInput,
  readUpdates,
  recordDeviceAck,
  sendMessage,
  SendOrder,
  sendTyping,
  updateJson,
  type PresenceView,
} from '../domain/messaging/index.js';

type Frames = { [K in keyof typeof clientFrameSchemas]: Static<(typeof clientFrameSchemas)[K]> };
type AnyFrame = Frames[keyof Frames];

const REPLAY_PAGE = 500;
const MAX_BUFFERED_UPDATES = 10_000;
const ACK_WRITE_INTERVAL_MS = 1000;

/**
 * The `update` frame of a bus event, serialized once for all the devices that receive it. The
 * update itself is serialized once for all the accounts it was appended to (a message is the same
 * object in the sender's and the recipient's event; only the seq differs).
 */
const FRAME_TEXT = Symbol('frame');
function serializedUpdate(e: Extract<BusEvent, { kind: 'update' }>): string {
  // Kept on the event itself (a symbol key, cheaper for the GC than a WeakMap).
  const holder = e as typeof e & { [FRAME_TEXT]?: string };
  let text = holder[FRAME_TEXT];
  if (text === undefined) {
    // Same text as JSON.stringify({ type: 'update', seq, update } satisfies ServerFrame).
    holder[FRAME_TEXT] = text = `{"type":"update","seq":${e.seq},"update":${updateJson(e.update)}}`;
  }
  return text;
}

interface PendingDelivery {
  seq: number;
  chatId: string;
  msgSeq: number;
}

export class ConnectionSession {
  /** Highest update seq sent to this device; -1 until the client syncs. */
  private cursor = -1;
  private catchingUp = false;
  private overflowed = false;
  private buffer: { seq: number; update: Update }[] = [];
  private pending: PendingDelivery[] = [];
  private watches = new Map<string, { view: PresenceView; off: () => void }>();
  private ackedSeq = 0;
  private ackTimer: NodeJS.Timeout | undefined;
  private closed = false;

  /** Sends of one connection are stored in the order they arrived (and may share a group commit). */
  private readonly sendOrder = new SendOrder();

  constructor(
    private readonly ctx: Ctx,
    private readonly actor: Actor,
    private readonly send: (frame: ServerFrame) => void,
    /** Ends the connection when its state can no longer be trusted (the client reconnects and resyncs). */
    private readonly abort: (code: number, reason: string) => void = () => undefined,
    /** Sends a frame already serialized. */
    private readonly sendText: (text: string) => void = (text) => send(JSON.parse(text) as ServerFrame),
  ) {}

  private failed(err: unknown): void {
    this.ctx.log.error({ msg: 'ws.catch_up_failed', err });
    this.abort(CloseCodes.INTERNAL, 'sync interrupted; reconnect');
  }

  /** Called when the socket opens; returns the account's current update seq for `hello`. */
  async open(): Promise<number> {
    deviceConnected(this.ctx, this.actor.accountId);
    return currentUpdateSeq(this.ctx.db, this.actor.accountId);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.watches.values()) w.off();
    this.watches.clear();
    if (this.ackTimer) clearTimeout(this.ackTimer);
    this.flushAck();
    void deviceDisconnected(this.ctx, this.actor.accountId).catch((err) => this.ctx.log.warn({ msg: 'presence.disconnect_failed', err }));
  }

  onBusEvent(e: BusEvent): void {
    if (this.closed) return;
    if (e.kind === 'update') {
      if (this.cursor < 0 || this.catchingUp) {
        if (this.buffer.length >= MAX_BUFFERED_UPDATES) this.overflowed = true;
        else this.buffer.push({ seq: e.seq, update: e.update });
        return;
      }
      if (e.seq <= this.cursor) return;
      if (e.seq > this.cursor + 1) {
        // A gap (an update published out of order, e.g. by another node): read it from the log.
        this.buffer.push({ seq: e.seq, update: e.update });
        void this.catchUp().catch((err: unknown) => this.failed(err));
        return;
      }
      this.deliver(e.seq, e.update, serializedUpdate(e));
    } else if (e.kind === 'typing') {
      this.send({ type: 'typing', chatId: e.chatId, accountId: e.accountId, state: e.state });
    } else if (e.kind === 'account.changed') {
      this.send({ type: 'refresh', what: 'account' });
      // Blocks and privacy may have changed what this device may see of the people it watches.
      for (const id of this.watches.keys()) void this.revalidateWatch(id);
    }
  }

  private deliver(seq: number, update: Update, text?: string): void {
    this.cursor = seq;
    if (text !== undefined) this.sendText(text);
    else this.send({ type: 'update', seq, update });
    if (update.type === 'message.created' && update.message.senderId !== this.actor.accountId) {
      this.pending.push({ seq, chatId: update.chatId, msgSeq: update.message.seq });
    }
  }

  /** Send everything in the log after the cursor, then what arrived live meanwhile. */
  private async catchUp(): Promise<void> {
    if (this.catchingUp) return;
    this.catchingUp = true;
    try {
      for (;;) {
        const page = await readUpdates(this.ctx.db, this.actor.accountId, this.cursor, REPLAY_PAGE);
        if (this.closed) return;
        for (const u of page) if (u.seq === this.cursor + 1) this.deliver(u.seq, u.update);
        if (page.length === REPLAY_PAGE) continue;
        // Drain what arrived live while reading; a gap or an overflow means: read the log again.
        this.buffer.sort((a, b) => a.seq - b.seq);
        let gap = this.overflowed;
        this.overflowed = false;
        const buffered = this.buffer;
        this.buffer = [];
        for (const b of buffered) {
          if (b.seq <= this.cursor) continue;
          if (b.seq !== this.cursor + 1) {
            gap = true;
            break;
          }
          this.deliver(b.seq, b.update);
        }
        if (!gap) return;
      }
    } finally {
      this.catchingUp = false;
    }
  }

  async handle(frame: AnyFrame): Promise<Record<string, unknown>> {
    const { ctx, actor } = this;
    switch (frame.type) {
      case 'ping':
        return { serverTime: ctx.clock.now() };
      case 'sync': {
        const latest = await currentUpdateSeq(ctx.db, actor.accountId);
        if (frame.after > latest) throw new AppError('VALIDATION_FAILED', `Cursor ${frame.after} is ahead of this account's updates (${latest}).`, { path: '/after' });
        if (this.cursor >= 0) throw new AppError('VALIDATION_FAILED', 'This connection is already synced.');
        this.cursor = frame.after;
        await this.catchUp().catch((err: unknown) => {
          this.cursor = -1;
          throw err;
        });
        return { seq: this.cursor };
      }
      case 'ack':
        this.ack(frame.seq);
        return { seq: frame.seq };
      case 'send': {
        const r = await sendMessage(
          ctx,
          actor,
          { chatId: frame.chatId, to: frame.to, clientId: frame.clientId, kind: frame.kind, content: frame.content, mediaId: frame.mediaId, replyTo: frame.replyTo, forwarded: frame.forwarded },
          undefined,
          { order: this.sendOrder },
        );
        return { messageId: r.message.id, chatId: r.message.chatId, seq: r.message.seq, createdAt: r.message.createdAt, duplicate: r.duplicate };
      }
      case 'edit':
        return { message: await editMessage(ctx, actor, frame.messageId, frame.content) };
      case 'delete':
        return { message: await deleteMessage(ctx, actor, frame.messageId) };
      case 'react':
        return { message: await reactToMessage(ctx, actor, frame.messageId, reactionInput(frame)) };
      case 'read':
        return markRead(ctx, actor, frame.chatId, frame.seq);
      case 'typing':
        await sendTyping(ctx, actor, frame.chatId, frame.state);
        return {};
      case 'watch':
        return this.watch(frame.accountIds);
    }
  }

  private ack(seq: number): void {
    if (seq > this.cursor) throw new AppError('VALIDATION_FAILED', `Cannot acknowledge ${seq}: only ${Math.max(this.cursor, 0)} was sent.`, { path: '/seq' });
    const upTo = new Map<string, number>();
    let i = 0;
    for (; i < this.pending.length && this.pending[i]!.seq <= seq; i++) {
      const p = this.pending[i]!;
      upTo.set(p.chatId, Math.max(upTo.get(p.chatId) ?? 0, p.msgSeq));
    }
    if (i > 0) this.pending.splice(0, i);
    if (upTo.size > 0) void markDelivered(this.ctx, this.actor.accountId, upTo).catch((err) => this.ctx.log.error({ msg: 'receipts.delivered_failed', err }));
    if (seq > this.ackedSeq) {
      this.ackedSeq = seq;
      this.ackTimer ??= setTimeout(() => {
        this.ackTimer = undefined;
        this.flushAck();
      }, ACK_WRITE_INTERVAL_MS);
    }
  }

  private flushAck(): void {
    if (this.ackedSeq > 0) void recordDeviceAck(this.ctx, this.actor.deviceId, this.ackedSeq).catch(() => undefined);
  }

  private async revalidateWatch(id: string): Promise<PresenceView | null> {
    const w = this.watches.get(id);
    if (!w) return null;
    try {
      w.view = await presenceFor(this.ctx, this.actor, id);
    } catch {
      return null;
    }
    return w.view;
  }

  private async watch(accountIds: string[]): Promise<Record<string, unknown>> {
    const wanted = new Set(accountIds.filter((id) => id !== this.actor.accountId));
    for (const [id, w] of this.watches) {
      if (!wanted.has(id)) {
        w.off();
        this.watches.delete(id);
      }
    }
    const presence: { accountId: string; online: boolean | null; lastSeenAt: number | null }[] = [];
    for (const id of wanted) {
      let view: PresenceView;
      try {
        view = await presenceFor(this.ctx, this.actor, id);
      } catch {
        continue; // unknown ids are ignored
      }
      this.watches.get(id)?.off();
      const off = this.ctx.bus.subscribe(presenceTopic(id), (e) => {
        if (e.kind !== 'presence' || this.closed || !this.watches.has(id)) return;
        // Privacy and blocks may have changed since the watch began: decide again (presence changes are rare).
        void this.revalidateWatch(id).then((view) => {
          if (!view?.canSeeOnline) return;
          this.send({ type: 'presence', accountId: id, online: e.online, lastSeenAt: view.canSeeLastSeen ? e.lastSeenAt : null });
        });
      });
      this.watches.set(id, { view, off });
      presence.push({ accountId: id, online: view.canSeeOnline ? view.online : null, lastSeenAt: view.lastSeenAt });
    }
    return { presence };
  }
}

/**
 * @module platform/hooks
 * In-process domain hooks: modules that react to something another module did (a business's
 * greeting and away messages react to a customer's message) register here instead of being called
 * by name, so messaging does not depend on the business tier. Hooks run after the write committed,
 * on the node that made it; a failing hook is logged and never fails the original action.
 */
import type { Logger } from 'pino';
import type { Transaction } from 'kysely';
import type { Message } from '#contracts/models.js';
import type { DB } from '../../tables.js';
import type { Envelope } from '../../context.js';
import type { Emit } from '../db/write-queue.js';

export interface MessageSentEvent {
  chatId: string;
  /** Every member of the chat, the sender included. */
  memberIds: string[];
  senderId: string;
  senderDeviceId: string;
  message: Message;
  /** True when the message was withheld (a recipient blocked the sender). */
  withheld: boolean;
}

/** A customer (or anyone) reacted to, edited or deleted a message; runs inside that write. */
export interface MessageChangedEvent {
  change: 'reaction' | 'edited' | 'deleted';
  chatId: string;
  /** Every member of the chat, the actor included. */
  memberIds: string[];
  /** Who reacted, edited or deleted. */
  actorId: string;
  /** The message as it is after the change (for a reaction: the message reacted to). */
  message: Message;
  /** `reaction`: the actor's emoji now, or null when they removed their reaction; absent when the reaction is end-to-end encrypted. */
  emoji?: string | null;
  /** `reaction`: true when the reaction is end-to-end encrypted (a chat between people; the server cannot read it). */
  encrypted?: true;
  at: number;
}

/**
 * A chat member's delivery and/or announced read cursor moved (receipts); runs inside that write.
 * `readSeq` is the cursor announced to others (it stays put while the member has read receipts off).
 */
export interface ReceiptsMovedEvent {
  chatId: string;
  memberIds: string[];
  /** The member whose cursors moved. */
  readerId: string;
  deliveredSeq: number;
  readSeq: number;
  at: number;
}

/**
 * Someone blocked or reported an account (a customer blocking or reporting a business feeds its
 * quality rating); runs inside that write. A block that already existed fires nothing.
 */
export interface FeedbackEvent {
  kind: 'block' | 'report';
  /** Who blocked or reported. */
  fromId: string;
  /** The account blocked or reported. */
  aboutId: string;
  /** The chat a report is about, when given. */
  chatId: string | null;
  at: number;
}

type Handler<E> = (event: E) => Promise<void> | void;
/** Runs inside the write transaction that stores the message: its writes commit (or roll back) with it. */
type InTxHandler<E> = (tx: Transaction<DB>, emit: Emit<Envelope>, event: E) => Promise<void>;

export interface HookOptions {
  /**
   * The handler only cares about chats between a business and someone (it returns at once for any
   * other): it is skipped for the events that {@link Hooks.setBusinessChatTest}'s test rules out,
   * which spares chats between people an async call per event.
   */
  businessChatsOnly?: boolean;
}

interface Registered<H> {
  handler: H;
  businessChatsOnly: boolean;
}

const NONE: readonly never[] = [];

/** Run in-transaction handlers one after the other; undefined (nothing to wait for) when there are none. */
function runInTx<E>(handlers: readonly InTxHandler<E>[], tx: Transaction<DB>, emit: Emit<Envelope>, event: E): Promise<void> | undefined {
  if (handlers.length === 0) return undefined;
  return (async () => {
    for (const h of handlers) await h(tx, emit, event);
  })();
}

/** Whether a chat with these members may be between a business and someone (true when unsure). */
export type BusinessChatTest = (memberIds: readonly string[]) => boolean;

export class Hooks {
  private readonly messageSent: Registered<Handler<MessageSentEvent>>[] = [];
  private readonly messageStoredInTx: Registered<InTxHandler<MessageSentEvent>>[] = [];
  private readonly messageChangedInTx: Registered<InTxHandler<MessageChangedEvent>>[] = [];
  private readonly receiptsMovedInTx: Registered<InTxHandler<ReceiptsMovedEvent>>[] = [];
  private readonly feedbackInTx: InTxHandler<FeedbackEvent>[] = [];
  private readonly pending = new Set<Promise<void>>();
  private businessChat: BusinessChatTest = () => true;

  constructor(private readonly log: Logger) {}

  /** Decide which events `businessChatsOnly` handlers may skip (installed once by the accounts module). */
  setBusinessChatTest(test: BusinessChatTest): void {
    this.businessChat = test;
  }

  /** The handlers of `list` that concern a chat with `memberIds`. */
  private handlersFor<H>(list: Registered<H>[], memberIds: readonly string[]): readonly H[] {
    let business: boolean | undefined;
    let out: H[] | undefined;
    for (const r of list) {
      if (r.businessChatsOnly && !(business ??= this.businessChat(memberIds))) continue;
      (out ??= []).push(r.handler);
    }
    return out ?? NONE;
  }

  /** Run `handler` after each newly stored message (not for a duplicate resend). */
  onMessageSent(handler: Handler<MessageSentEvent>, opts: HookOptions = {}): void {
    this.messageSent.push({ handler, businessChatsOnly: opts.businessChatsOnly === true });
  }

  /**
   * Run `handler` inside the transaction of each newly stored message, for writes that must commit
   * with it (a webhook outbox row). Use `tx`, never ctx.db; an error fails the send. Keep it cheap:
   * it is on every message's path.
   */
  onMessageStoredInTx(handler: InTxHandler<MessageSentEvent>, opts: HookOptions = {}): void {
    this.messageStoredInTx.push({ handler, businessChatsOnly: opts.businessChatsOnly === true });
  }

  /**
   * Called by messaging inside the write op, after the message row is written. Undefined when no
   * handler concerns the chat: the caller then goes on without an await (`if (p) await p`).
   */
  messageStored(tx: Transaction<DB>, emit: Emit<Envelope>, event: MessageSentEvent): Promise<void> | undefined {
    return runInTx(this.handlersFor(this.messageStoredInTx, event.memberIds), tx, emit, event);
  }

  /** Run `handler` inside the transaction of each reaction, edit or delete-for-everyone. Same rules as onMessageStoredInTx. */
  onMessageChangedInTx(handler: InTxHandler<MessageChangedEvent>, opts: HookOptions = {}): void {
    this.messageChangedInTx.push({ handler, businessChatsOnly: opts.businessChatsOnly === true });
  }

  /** Called by messaging inside the write op of a reaction, edit or delete (undefined: no handler concerns the chat). */
  messageChanged(tx: Transaction<DB>, emit: Emit<Envelope>, event: MessageChangedEvent): Promise<void> | undefined {
    return runInTx(this.handlersFor(this.messageChangedInTx, event.memberIds), tx, emit, event);
  }

  /**
   * Run `handler` inside the transaction that moves a member's receipt cursors. On the hot path of
   * every delivery acknowledgement: a handler must cost nothing for chats it does not care about.
   */
  onReceiptsMovedInTx(handler: InTxHandler<ReceiptsMovedEvent>, opts: HookOptions = {}): void {
    this.receiptsMovedInTx.push({ handler, businessChatsOnly: opts.businessChatsOnly === true });
  }

  /** Called by receipts inside the write op, after the cursor row is updated (undefined: no handler concerns the chat). */
  receiptsMoved(tx: Transaction<DB>, emit: Emit<Envelope>, event: ReceiptsMovedEvent): Promise<void> | undefined {
    return runInTx(this.handlersFor(this.receiptsMovedInTx, event.memberIds), tx, emit, event);
  }

  /** Run `handler` inside the transaction of each new block and each report. Same rules as onMessageStoredInTx. */
  onFeedbackInTx(handler: InTxHandler<FeedbackEvent>): void {
    this.feedbackInTx.push(handler);
  }

  /** Called by accounts inside the write op of a new block or a report. */
  async feedback(tx: Transaction<DB>, emit: Emit<Envelope>, event: FeedbackEvent): Promise<void> {
    for (const h of this.feedbackInTx) await h(tx, emit, event);
  }

  /** Called by messaging after commit; handlers run in the background. */
  messageSentCommitted(event: MessageSentEvent): void {
    for (const h of this.handlersFor(this.messageSent, event.memberIds)) this.track(async () => h(event));
  }

  /** Resolves when every hook started so far has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private track(fn: () => Promise<void>): void {
    const p = (async () => {
      try {
        await fn();
      } catch (err) {
        this.log.error({ msg: 'hook.failed', err });
      }
    })();
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }
}

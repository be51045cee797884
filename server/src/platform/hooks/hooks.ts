/**
 * @module platform/hooks
 * In-process domain hooks: modules that react to something another module did (a business's
 * greeting and away messages react to a customer's message) register here instead of being called
 * by name, so messaging does not depend on the business tier. Hooks run after the write committed,
 * on the node that made it; a failing hook is logged and never fails the original action.
 */
import type { Logger } from 'pino';
import type { Message } from '#contracts/models.js';

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

type Handler<E> = (event: E) => Promise<void> | void;

export class Hooks {
  private readonly messageSent: Handler<MessageSentEvent>[] = [];
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly log: Logger) {}

  /** Run `handler` after each newly stored message (not for a duplicate resend). */
  onMessageSent(handler: Handler<MessageSentEvent>): void {
    this.messageSent.push(handler);
  }

  /** Called by messaging after commit; handlers run in the background. */
  messageSentCommitted(event: MessageSentEvent): void {
    for (const h of this.messageSent) this.track(async () => h(event));
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
        this.log.error({ err }, 'hook failed');
      }
    })();
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }
}

/**
 * @module platform/bus/bus
 * Delivery between connections goes through this interface, never through direct references
 * between sockets. Topics are opaque strings (for example an account id). The in-process
 * implementation is the embedded default; a Redis implementation serves several nodes.
 */
export type BusHandler<M> = (message: M) => void;

export interface Bus<M> {
  publish(topic: string, message: M): void;
  /** Returns an unsubscribe function. */
  subscribe(topic: string, handler: BusHandler<M>): () => void;
  close(): Promise<void>;
}

export class MemoryBus<M> implements Bus<M> {
  private readonly topics = new Map<string, Set<BusHandler<M>>>();

  publish(topic: string, message: M): void {
    const handlers = this.topics.get(topic);
    if (!handlers) return;
    for (const h of handlers) h(message);
  }

  subscribe(topic: string, handler: BusHandler<M>): () => void {
    let set = this.topics.get(topic);
    if (!set) this.topics.set(topic, (set = new Set()));
    set.add(handler);
    return () => {
      const s = this.topics.get(topic);
      if (!s) return;
      s.delete(handler);
      if (s.size === 0) this.topics.delete(topic);
    };
  }

  async close(): Promise<void> {
    this.topics.clear();
  }
}

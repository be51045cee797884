import { describe, expect, it } from 'vitest';
import { mergePage, upsertMessage, type ClientMessage } from './store.js';

const msg = (seq: number, over: Partial<ClientMessage> = {}): ClientMessage => ({
  id: `msg_${seq}`,
  chatId: 'chat_1',
  seq,
  senderId: 'acc_a',
  clientId: `c${seq}`,
  kind: 'text',
  content: { text: String(seq) },
  mediaId: null,
  replyTo: null,
  forwarded: false,
  createdAt: seq,
  editedAt: null,
  deletedAt: null,
  reactions: [],
  ...over,
});

describe('message list merging', () => {
  it('merges an older page in order, keeping current copies and dropping pending ones that were stored', () => {
    const pending = msg(Number.MAX_SAFE_INTEGER, { id: 'pending:c9', clientId: 'c9', pending: true });
    const current = [msg(5, { content: { text: 'edited' } }), msg(6), pending];
    const page = [msg(3), msg(4), msg(5), msg(9)];
    const merged = mergePage(current, page);
    expect(merged.map((m) => m.id)).toEqual(['msg_3', 'msg_4', 'msg_5', 'msg_6', 'msg_9']);
    expect(merged.find((m) => m.id === 'msg_5')!.content).toEqual({ text: 'edited' });
  });

  it('replaces a pending message by the stored one, never the reverse', () => {
    const pending = msg(Number.MAX_SAFE_INTEGER, { id: 'pending:c7', clientId: 'c7', pending: true });
    const stored = msg(7);
    expect(upsertMessage([pending], stored).map((m) => m.id)).toEqual(['msg_7']);
    expect(upsertMessage([stored], pending).map((m) => m.id)).toEqual(['msg_7']);
  });

  it('merges a page into a long history', () => {
    const current = Array.from({ length: 10_000 }, (_, i) => msg(i + 10_001));
    const page = Array.from({ length: 50 }, (_, i) => msg(i + 9_951));
    const merged = mergePage(current, page);
    expect(merged).toHaveLength(10_050);
    expect(merged[0]!.seq).toBe(9_951);
    expect(merged.every((m, i) => i === 0 || merged[i - 1]!.seq < m.seq)).toBe(true);
  });
});

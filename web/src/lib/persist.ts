/**
 * Local persistence in IndexedDB: a snapshot of recent state (so the app opens offline) and the
 * outbox of messages typed while offline.
 */
import { openDB, type IDBPDatabase } from 'idb';
import type { Chat, Me, Message } from '#contracts/models.js';

export interface Snapshot {
  accountId: string;
  me: Me | null;
  cursor: number;
  chats: Chat[];
  /** The latest messages of each chat. */
  messages: Record<string, Message[]>;
  savedAt: number;
}

export interface OutboxItem {
  clientId: string;
  chatId: string;
  kind: string;
  content: Record<string, unknown>;
  mediaId?: string;
  replyTo?: string;
  forwarded?: boolean;
  /** The key of an end-to-end encrypted medium (sent inside the encrypted message). */
  media?: { key: string; iv: string; digest: string; size: number };
  createdAt: number;
}

const DB_NAME = 'parley';

let dbPromise: Promise<IDBPDatabase> | null = null;
function db(): Promise<IDBPDatabase> {
  dbPromise ??= openDB(DB_NAME, 1, {
    upgrade(d) {
      d.createObjectStore('snapshot');
      d.createObjectStore('outbox', { keyPath: 'clientId' });
      d.createObjectStore('drafts');
    },
  });
  return dbPromise;
}

function available(): boolean {
  return typeof indexedDB !== 'undefined';
}

export async function loadSnapshot(accountId: string): Promise<Snapshot | null> {
  if (!available()) return null;
  try {
    const s = (await (await db()).get('snapshot', 'state')) as Snapshot | undefined;
    return s && s.accountId === accountId ? s : null;
  } catch {
    return null;
  }
}

export async function saveSnapshot(s: Snapshot): Promise<void> {
  if (!available()) return;
  await (await db()).put('snapshot', s, 'state');
}

export async function outboxAll(): Promise<OutboxItem[]> {
  if (!available()) return [];
  const items = (await (await db()).getAll('outbox')) as OutboxItem[];
  return items.sort((a, b) => a.createdAt - b.createdAt);
}

export async function outboxPut(item: OutboxItem): Promise<void> {
  if (!available()) return;
  await (await db()).put('outbox', item);
}

export async function outboxDelete(clientId: string): Promise<void> {
  if (!available()) return;
  await (await db()).delete('outbox', clientId);
}

export async function loadDrafts(): Promise<Record<string, string>> {
  if (!available()) return {};
  const d = await db();
  const keys = (await d.getAllKeys('drafts')) as string[];
  const out: Record<string, string> = {};
  for (const k of keys) out[k] = (await d.get('drafts', k)) as string;
  return out;
}

export async function saveDraft(chatId: string, text: string): Promise<void> {
  if (!available()) return;
  const d = await db();
  if (text) await d.put('drafts', text, chatId);
  else await d.delete('drafts', chatId);
}

/** Forget everything (sign-out). */
export async function clearAll(): Promise<void> {
  if (!available()) return;
  const d = await db();
  await Promise.all([d.clear('snapshot'), d.clear('outbox'), d.clear('drafts')]);
}

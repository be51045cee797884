/**
 * Business-tools data for the web app: a small typed client over the shared fetch helper, and
 * shared caches (quick replies, labels, label assignments, automation settings) that fetch once
 * per business account and again whenever another device (or this one) changes the area
 * (`businessVersions[area]` moves on a `business.changed` update).
 */
import { useEffect, useSyncExternalStore } from 'react';
import type { AutomationSettings, AwaySettings, GreetingSettings, QuickReply } from '#contracts/automation.js';
import type { Label, LabelAssignments } from '#contracts/labels.js';
import { store, useStore } from '../../lib/store.js';

const enc = encodeURIComponent;

/** The business-tools endpoints (see docs/api/business-tools.md). */
export const toolsApi = {
  quickReplies: () => store.api.request<{ quickReplies: QuickReply[] }>('GET', '/v1/business/quick-replies'),
  createQuickReply: (body: { shortcut: string; text: string; mediaId?: string | null }) => store.api.request<QuickReply>('POST', '/v1/business/quick-replies', body),
  updateQuickReply: (id: string, body: { shortcut?: string; text?: string; mediaId?: string | null }) => store.api.request<QuickReply>('PATCH', `/v1/business/quick-replies/${enc(id)}`, body),
  deleteQuickReply: (id: string) => store.api.request<void>('DELETE', `/v1/business/quick-replies/${enc(id)}`),
  automation: () => store.api.request<AutomationSettings>('GET', '/v1/business/automation'),
  updateGreeting: (body: GreetingSettings) => store.api.request<AutomationSettings>('PUT', '/v1/business/automation/greeting', body),
  updateAway: (body: AwaySettings) => store.api.request<AutomationSettings>('PUT', '/v1/business/automation/away', body),
  labels: () => store.api.request<{ labels: Label[] }>('GET', '/v1/business/labels'),
  createLabel: (body: { name: string; color: number }) => store.api.request<Label>('POST', '/v1/business/labels', body),
  updateLabel: (id: string, body: { name?: string; color?: number }) => store.api.request<Label>('PATCH', `/v1/business/labels/${enc(id)}`, body),
  deleteLabel: (id: string) => store.api.request<void>('DELETE', `/v1/business/labels/${enc(id)}`),
  assignments: () => store.api.request<LabelAssignments>('GET', '/v1/business/label-assignments'),
  setChatLabels: (chatId: string, labelIds: string[]) => store.api.request<{ chatId: string; labelIds: string[] }>('PUT', `/v1/business/chats/${enc(chatId)}/labels`, { labelIds }),
  setMessageLabels: (messageId: string, labelIds: string[]) =>
    store.api.request<{ messageId: string; chatId: string; labelIds: string[] }>('PUT', `/v1/business/messages/${enc(messageId)}/labels`, { labelIds }),
};

export interface Loaded<T> {
  data: T | null;
  error: unknown;
}

/** One cached resource, keyed by account and area version; refetches when the key moves. */
class Resource<T> {
  private value: Loaded<T> = { data: null, error: null };
  private key = '';
  private listeners = new Set<() => void>();
  constructor(private readonly fetcher: () => Promise<T>) {}

  get = (): Loaded<T> => this.value;
  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  /** Fetch for `key` unless already fetched (or fetching) for it. */
  ensure(key: string): void {
    if (this.key === key) return;
    const accountChanged = this.key.split('#')[0] !== key.split('#')[0];
    this.key = key;
    if (accountChanged) this.set({ data: null, error: null });
    void this.load(key);
  }

  /** Fetch again now (after one's own change, before the business.changed update arrives). */
  refresh(): Promise<void> {
    return this.load(this.key);
  }

  private async load(key: string): Promise<void> {
    try {
      const data = await this.fetcher();
      if (this.key === key) this.set({ data, error: null });
    } catch (error) {
      if (this.key === key) this.set({ data: this.value.data, error });
    }
  }

  private set(v: Loaded<T>): void {
    this.value = v;
    for (const l of this.listeners) l();
  }
}

export const quickRepliesResource = new Resource(async () => (await toolsApi.quickReplies()).quickReplies);
export const labelsResource = new Resource(async () => (await toolsApi.labels()).labels);
export const assignmentsResource = new Resource(toolsApi.assignments);
export const automationResource = new Resource(toolsApi.automation);

/** True when the signed-in account is a business. */
export function useIsBusiness(): boolean {
  return useStore((s) => s.me?.kind === 'business');
}

function useResource<T>(res: Resource<T>, area: string): Loaded<T> & { enabled: boolean } {
  const business = useIsBusiness();
  const accountId = useStore((s) => s.me?.id ?? '');
  const version = useStore((s) => s.businessVersions?.[area] ?? 0);
  useEffect(() => {
    if (business && accountId) res.ensure(`${accountId}#${version}`);
  }, [res, business, accountId, version]);
  const value = useSyncExternalStore(res.subscribe, res.get);
  return { ...value, data: business ? value.data : null, enabled: business };
}

export const useQuickReplies = () => useResource(quickRepliesResource, 'quick_replies');
export const useLabels = () => useResource(labelsResource, 'labels');
export const useAssignments = () => useResource(assignmentsResource, 'labels');
export const useAutomation = () => useResource(automationResource, 'automation');

export interface LabelIndex {
  labels: Label[];
  byId: Map<string, Label>;
  /** Labels of each chat, in the labels' order. */
  chat: Map<string, Label[]>;
  /** Labels of each message, in the labels' order. */
  message: Map<string, Label[]>;
}

let indexCache: { labels: Label[]; assignments: LabelAssignments | null; index: LabelIndex } | null = null;

/** Built once per fetched data (every chat row and message bubble shares it). */
function buildIndex(labels: Label[], assignments: LabelAssignments | null): LabelIndex {
  if (indexCache && indexCache.labels === labels && indexCache.assignments === assignments) return indexCache.index;
  const byId = new Map(labels.map((l) => [l.id, l]));
  const chat = new Map<string, Label[]>();
  const message = new Map<string, Label[]>();
  for (const l of labels) {
    const a = assignments?.labels.find((x) => x.labelId === l.id);
    for (const c of a?.chatIds ?? []) chat.set(c, [...(chat.get(c) ?? []), l]);
    for (const m of a?.messages ?? []) message.set(m.messageId, [...(message.get(m.messageId) ?? []), l]);
  }
  const index = { labels, byId, chat, message };
  indexCache = { labels, assignments, index };
  return index;
}

/** Labels and who carries them, for the chat list and message chips (null when not a business). */
export function useLabelIndex(): LabelIndex | null {
  const labels = useLabels();
  const assignments = useAssignments();
  return labels.data ? buildIndex(labels.data, assignments.data) : null;
}

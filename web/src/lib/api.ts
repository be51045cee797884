/**
 * Typed HTTP client for the Parley API. Throws ApiError (stable `code`) on any non-2xx answer.
 */
import type { Chat, Contact, Device, Me, Media, Message, Privacy, PublicProfile } from '#contracts/models.js';
import type { ForgotPin, TwoStepState } from '#contracts/two-step.js';

export type { ForgotPin, TwoStepState };

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 0,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type TokenSource = () => string | null;

export interface SignInResult {
  token: string;
  deviceId: string;
  created: boolean;
  account: Me;
}

export class Api {
  constructor(
    private readonly token: TokenSource,
    private readonly base = '',
  ) {}

  async request<T>(method: string, path: string, body?: unknown, init: RequestInit = {}): Promise<T> {
    const headers: Record<string, string> = {};
    const token = this.token();
    if (token) headers.authorization = `Bearer ${token}`;
    let payload: BodyInit | undefined;
    if (body instanceof Blob) {
      payload = body;
      headers['content-type'] = body.type || 'application/octet-stream';
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    let res: Response;
    try {
      res = await fetch(this.base + path, { method, headers, body: payload, ...init });
    } catch {
      throw new ApiError('NETWORK', 'The server cannot be reached.', 0);
    }
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      // not JSON
    }
    if (!res.ok) {
      const err = (json as { error?: { code: string; message: string; details?: Record<string, unknown> } } | null)?.error;
      throw new ApiError(err?.code ?? 'HTTP_' + res.status, err?.message ?? res.statusText, res.status, err?.details);
    }
    return json as T;
  }

  // auth and devices
  requestCode(phone: string) {
    return this.request<{ phone: string; expiresInSeconds: number; resendInSeconds: number }>('POST', '/v1/auth/code', { phone });
  }
  verify(phone: string, code: string, deviceName: string, business?: { name: string; category: string }) {
    return this.request<SignInResult>('POST', '/v1/auth/verify', { phone, code, deviceName, platform: 'web', ...(business ? { business } : {}) });
  }
  signOut() {
    return this.request<void>('POST', '/v1/auth/sign-out');
  }
  /** Finish signing in with the ticket of PIN_REQUIRED and the two-step PIN. */
  verifyPin(ticket: string, pin: string) {
    return this.request<SignInResult>('POST', '/v1/auth/pin', { ticket, pin });
  }
  forgotPin(ticket: string) {
    return this.request<ForgotPin>('POST', '/v1/auth/pin/forgot', { ticket });
  }
  /** With the emailed reset code, or without one once the 7-day wait is over. */
  resetPin(ticket: string, resetCode?: string) {
    return this.request<SignInResult>('POST', '/v1/auth/pin/reset', { ticket, ...(resetCode ? { resetCode } : {}) });
  }

  // two-step verification settings
  twoStep() {
    return this.request<TwoStepState>('GET', '/v1/me/two-step');
  }
  enableTwoStep(pin: string, email?: string) {
    return this.request<TwoStepState>('POST', '/v1/me/two-step', { pin, ...(email ? { email } : {}) });
  }
  changeTwoStep(change: { currentPin: string; pin?: string; email?: string | null }) {
    return this.request<TwoStepState>('PATCH', '/v1/me/two-step', change);
  }
  disableTwoStep(pin: string) {
    return this.request<TwoStepState>('POST', '/v1/me/two-step/disable', { pin });
  }
  confirmPin(pin: string) {
    return this.request<TwoStepState>('POST', '/v1/me/two-step/confirm', { pin });
  }
  devices() {
    return this.request<{ devices: Device[] }>('GET', '/v1/devices');
  }
  revokeDevice(id: string) {
    return this.request<void>('DELETE', `/v1/devices/${encodeURIComponent(id)}`);
  }

  // profile, privacy, contacts, blocks
  me() {
    return this.request<Me>('GET', '/v1/me');
  }
  updateMe(patch: { displayName?: string; about?: string; photoMediaId?: string | null }) {
    return this.request<Me>('PATCH', '/v1/me', patch);
  }
  updatePrivacy(patch: Partial<Privacy>) {
    return this.request<Me>('PATCH', '/v1/me/privacy', patch);
  }
  profile(accountId: string) {
    return this.request<PublicProfile>('GET', `/v1/accounts/${encodeURIComponent(accountId)}`);
  }
  contacts() {
    return this.request<{ contacts: Contact[] }>('GET', '/v1/contacts');
  }
  saveContact(phone: string, name: string) {
    return this.request<Contact>('PUT', '/v1/contacts', { phone, name });
  }
  blocked() {
    return this.request<{ blocked: PublicProfile[] }>('GET', '/v1/blocks');
  }
  block(accountId: string) {
    return this.request<void>('PUT', `/v1/blocks/${encodeURIComponent(accountId)}`);
  }
  unblock(accountId: string) {
    return this.request<void>('DELETE', `/v1/blocks/${encodeURIComponent(accountId)}`);
  }
  report(accountId: string, reason: string, block: boolean, chatId?: string) {
    return this.request<{ id: string }>('POST', '/v1/reports', { accountId, reason, block, ...(chatId ? { chatId } : {}) });
  }

  // chats and messages
  chats(opts: { archived?: boolean; limit?: number } = {}) {
    const q = new URLSearchParams();
    if (opts.archived !== undefined) q.set('archived', String(opts.archived));
    if (opts.limit) q.set('limit', String(opts.limit));
    const qs = q.toString();
    return this.request<{ chats: Chat[]; updateSeq: number }>('GET', `/v1/chats${qs ? `?${qs}` : ''}`);
  }
  chat(chatId: string) {
    return this.request<Chat>('GET', `/v1/chats/${encodeURIComponent(chatId)}`);
  }
  openChat(peer: string) {
    return this.request<Chat>('POST', '/v1/chats', { peer });
  }
  updateChat(chatId: string, patch: { archived?: boolean; pinned?: boolean; mutedUntil?: number | null }) {
    return this.request<Chat>('PATCH', `/v1/chats/${encodeURIComponent(chatId)}`, patch);
  }
  messages(chatId: string, opts: { before?: number; after?: number; limit?: number } = {}) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(opts)) if (v !== undefined) q.set(k, String(v));
    const qs = q.toString();
    return this.request<{ messages: Message[]; hasMore: boolean }>('GET', `/v1/chats/${encodeURIComponent(chatId)}/messages${qs ? `?${qs}` : ''}`);
  }

  // media
  /**
   * Upload a file. With `opts.onProgress`, the upload reports the fraction sent (0..1) as it goes
   * (through XMLHttpRequest, which fetch cannot do); `opts.signal` cancels it (ApiError ABORTED).
   */
  uploadMedia(file: Blob, kind: string, fileName?: string, opts: { onProgress?(fraction: number): void; signal?: AbortSignal; encrypted?: boolean } = {}) {
    const q = new URLSearchParams({ kind });
    if (fileName) q.set('fileName', fileName);
    if (opts.encrypted) q.set('encrypted', 'true');
    const path = `/v1/media?${q.toString()}`;
    if (!opts.onProgress && !opts.signal) return this.request<Media>('POST', path, file);
    return new Promise<Media>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', this.base + path);
      const token = this.token();
      if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
      xhr.setRequestHeader('content-type', file.type || 'application/octet-stream');
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable && e.total > 0) opts.onProgress?.(e.loaded / e.total);
      };
      xhr.onerror = () => reject(new ApiError('NETWORK', 'The server cannot be reached.', 0));
      xhr.onabort = () => reject(new ApiError('ABORTED', 'The upload was cancelled.', 0));
      xhr.onload = () => {
        let json: unknown = null;
        try {
          json = xhr.responseText ? JSON.parse(xhr.responseText) : null;
        } catch {
          // not JSON
        }
        if (xhr.status >= 200 && xhr.status < 300) return resolve(json as Media);
        const err = (json as { error?: { code: string; message: string; details?: Record<string, unknown> } } | null)?.error;
        reject(new ApiError(err?.code ?? 'HTTP_' + xhr.status, err?.message ?? xhr.statusText, xhr.status, err?.details));
      };
      if (opts.signal) {
        if (opts.signal.aborted) return reject(new ApiError('ABORTED', 'The upload was cancelled.', 0));
        opts.signal.addEventListener('abort', () => xhr.abort(), { once: true });
      }
      xhr.send(file);
    });
  }
  /** A URL usable in <img>/<audio>/<video> (the token rides in the query string). */
  mediaUrl(mediaId: string): string {
    const token = this.token();
    return `${this.base}/v1/media/${encodeURIComponent(mediaId)}${token ? `?token=${encodeURIComponent(token)}` : ''}`;
  }
}

/** Typed client of the reach area's endpoints (short link, statistics, broadcast lists), on the app's fetch helper. */
import type { Broadcast, BroadcastList, BusinessStats, LinkTarget, ShortLink } from '#contracts/reach.js';
import { ApiError } from '../../lib/api.js';
import { store } from '../../lib/store.js';

const api = () => store.api;
const list = (id: string) => `/v1/business/broadcast-lists/${encodeURIComponent(id)}`;

export const reachApi = {
  resolveLink: (code: string) => api().request<LinkTarget>('GET', `/v1/links/${encodeURIComponent(code)}`),
  shortLink: () => api().request<ShortLink>('GET', '/v1/business/short-link'),
  setPrefilledText: (prefilledText: string) => api().request<ShortLink>('PATCH', '/v1/business/short-link', { prefilledText }),
  resetShortLink: () => api().request<ShortLink>('POST', '/v1/business/short-link/reset'),
  /** The QR code image (PNG or SVG) as a Blob, fetched with the device token. */
  async qr(format: 'png' | 'svg'): Promise<Blob> {
    const token = store.get().session?.token;
    let res: Response;
    try {
      res = await fetch(`/v1/business/short-link/qr.${format}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    } catch {
      throw new ApiError('NETWORK', 'The server cannot be reached.');
    }
    if (!res.ok) {
      const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
      throw new ApiError(body?.error?.code ?? `HTTP_${res.status}`, body?.error?.message ?? res.statusText, res.status);
    }
    return res.blob();
  },
  stats: (from: string, to: string) => api().request<BusinessStats>('GET', `/v1/business/stats?from=${from}&to=${to}`),
  lists: () => api().request<{ lists: BroadcastList[] }>('GET', '/v1/business/broadcast-lists'),
  createList: (name: string, phones: string[]) => api().request<BroadcastList>('POST', '/v1/business/broadcast-lists', { name, phones }),
  updateList: (id: string, patch: { name?: string; phones?: string[] }) => api().request<BroadcastList>('PATCH', list(id), patch),
  deleteList: (id: string) => api().request<void>('DELETE', list(id)),
  sendBroadcast: (id: string, clientId: string, text: string) =>
    api().request<Broadcast>('POST', `${list(id)}/broadcasts`, { clientId, kind: 'text', content: { text } }),
  broadcasts: (id: string) => api().request<{ broadcasts: Broadcast[] }>('GET', `${list(id)}/broadcasts`),
};

/** Save a Blob as a file through a temporary link. */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

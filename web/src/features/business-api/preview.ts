/**
 * One-line previews (chat list, reply quotes) of the Business API's message kinds: the interactive
 * message's kind and first line, the template's first body line, the customer's chosen answer.
 */
import type { Translate } from '../../i18n/index.js';

const firstLine = (v: unknown): string => (typeof v === 'string' ? (v.split('\n').find((l) => l.trim()) ?? '').trim() : '');

/** The preview of an interactive / template / interactive_reply message, or null for other kinds. */
export function apiPreviewOf(t: Translate, kind: string, content: unknown): string | null {
  const c = (content ?? {}) as Record<string, unknown>;
  switch (kind) {
    case 'interactive': {
      const body = firstLine(c.body);
      switch (c.type) {
        case 'list':
          return `📋 ${body || t('api.preview.list')}`;
        case 'cta_url':
          return `🔗 ${body || t('api.preview.link')}`;
        case 'product': {
          const item = (c.productSections as { items?: { name?: string }[] }[] | undefined)?.[0]?.items?.[0];
          return `🛍 ${body || item?.name || t('api.preview.product')}`;
        }
        case 'product_list':
          return `🛍 ${body || t('api.preview.products')}`;
        default:
          return `🔘 ${body || t('api.preview.buttons')}`;
      }
    }
    case 'template': {
      const header = c.header as { type?: string; text?: string } | undefined;
      const body = firstLine(c.body);
      const icon = header?.type === 'image' ? '📷 ' : header?.type === 'video' ? '🎥 ' : header?.type === 'document' ? '📄 ' : header?.type === 'location' ? '📍 ' : '';
      return `${icon}${body || firstLine(header?.text) || t('api.preview.template')}`;
    }
    case 'interactive_reply':
      return typeof c.title === 'string' ? c.title : '';
    default:
      return null;
  }
}

/**
 * How commerce messages look in a chat: a product card and a catalog card (both open the catalog
 * browser), and an order card (items, total in the reader's locale, status) on which the business
 * moves the order to its next status.
 */
import { useState } from 'react';
import { ORDER_TRANSITIONS, type OrderStatus } from '#contracts/commerce.js';
import type { ClientMessage } from '../../lib/store.js';
import { useStore } from '../../lib/store.js';
import { useI18n } from '../../i18n/index.js';
import type { MessageKey } from '../../i18n/en.js';
import { errorMessage } from '../auth/auth-screen.js';
import { catalogImageUrl, commerceApi } from './api.js';
import { CatalogBrowser, Price } from './catalog-browser.js';
import '../../styles/commerce.css';

type Content = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const int = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

export const STATUS_KEYS: Record<OrderStatus, MessageKey> = {
  pending: 'commerce.status.pending',
  confirmed: 'commerce.status.confirmed',
  shipped: 'commerce.status.shipped',
  completed: 'commerce.status.completed',
  cancelled: 'commerce.status.cancelled',
};

/** The button that moves an order to a status. */
const ACTION_KEYS: Record<OrderStatus, MessageKey> = {
  pending: 'commerce.status.pending',
  confirmed: 'commerce.action.confirm',
  shipped: 'commerce.action.ship',
  completed: 'commerce.action.complete',
  cancelled: 'commerce.action.cancel',
};

function useBrowser(m: ClientMessage, businessId: string) {
  const myId = useStore((s) => s.session?.accountId ?? '');
  const [open, setOpen] = useState<{ productId?: string } | null>(null);
  // A business looking at its own card has nothing to order from itself.
  const canBrowse = !!businessId && businessId !== myId;
  const browser = open && canBrowse ? <CatalogBrowser businessId={businessId} chatId={m.chatId} productId={open.productId} onClose={() => setOpen(null)} /> : null;
  return { canBrowse, open: (productId?: string) => setOpen(productId ? { productId } : {}), browser };
}

export function ProductCard({ message: m }: { message: ClientMessage }) {
  const { t } = useI18n();
  const c = (m.content ?? {}) as Content;
  const businessId = str(c.businessId);
  const image = str(c.imageMediaId);
  const { canBrowse, open, browser } = useBrowser(m, businessId);
  return (
    <div className="commerce-card product-card">
      {image ? <img className="commerce-card-image" src={catalogImageUrl(businessId, image)} alt="" loading="lazy" /> : <span className="commerce-card-image commerce-noimage" aria-hidden="true">🛍️</span>}
      <div className="commerce-card-body">
        <strong className="commerce-card-title">{str(c.name)}</strong>
        <Price minor={int(c.price)} currency={str(c.currency) || 'EUR'} />
      </div>
      {canBrowse && (
        <button type="button" className="commerce-card-action" onClick={() => open(str(c.productId))}>
          {t('commerce.viewProduct')}
        </button>
      )}
      {browser}
    </div>
  );
}

export function CatalogCard({ message: m }: { message: ClientMessage }) {
  const { t } = useI18n();
  const c = (m.content ?? {}) as Content;
  const businessId = str(c.businessId);
  const image = str(c.imageMediaId);
  const { canBrowse, open, browser } = useBrowser(m, businessId);
  return (
    <div className="commerce-card catalog-card">
      {image ? <img className="commerce-card-image" src={catalogImageUrl(businessId, image)} alt="" loading="lazy" /> : <span className="commerce-card-image commerce-noimage" aria-hidden="true">🏬</span>}
      <div className="commerce-card-body">
        <strong className="commerce-card-title">{t('commerce.catalogOf', { name: str(c.businessName) })}</strong>
        <span className="panel-hint">{t('commerce.productCount', { count: int(c.productCount) })}</span>
      </div>
      {canBrowse && (
        <button type="button" className="commerce-card-action" onClick={() => open()}>
          {t('commerce.viewCatalog')}
        </button>
      )}
      {browser}
    </div>
  );
}

interface Item {
  name: string;
  quantity: number;
  unitPrice: number;
}

export function OrderCard({ message: m }: { message: ClientMessage }) {
  const { t } = useI18n();
  const myId = useStore((s) => s.session?.accountId ?? '');
  const c = (m.content ?? {}) as Content;
  const items = Array.isArray(c.items) ? (c.items as Item[]) : [];
  const currency = str(c.currency) || 'EUR';
  const status = (str(c.status) || 'pending') as OrderStatus;
  const isBusiness = str(c.businessId) === myId;
  const next = ORDER_TRANSITIONS[status] ?? [];
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const count = items.reduce((n, i) => n + int(i.quantity), 0);

  const move = async (to: OrderStatus) => {
    setBusy(true);
    setError(null);
    try {
      // The new status comes back as a message.updated on every device.
      await commerceApi.setOrderStatus(str(c.orderId), to);
    } catch (err) {
      setError(errorMessage(t, err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="commerce-card order-card">
      <div className="order-head">
        <strong className="commerce-card-title">{t('commerce.order')}</strong>
        <span className={`order-status order-${status}`} data-status={status}>
          <span className="sr-only">{t('commerce.statusLabel')}: </span>
          {t(STATUS_KEYS[status] ?? 'commerce.status.pending')}
        </span>
      </div>
      <span className="panel-hint">{t('commerce.itemCount', { count })}</span>
      <ul className="order-items">
        {items.map((i, k) => (
          <li key={k}>
            <span className="order-qty">{int(i.quantity)} ×</span> <span className="order-name">{str(i.name)}</span> <Price minor={int(i.unitPrice)} currency={currency} />
          </li>
        ))}
      </ul>
      <p className="commerce-total">
        {t('commerce.total')} <Price minor={int(c.total)} currency={currency} />
      </p>
      {str(c.note) && <p className="order-note">{str(c.note)}</p>}
      {isBusiness && next.length > 0 && !m.pending && (
        <div className="order-actions" role="group" aria-label={t('commerce.changeStatus')}>
          {next.map((s) => (
            <button key={s} type="button" className={`btn btn-small ${s === 'cancelled' ? 'btn-outline danger-text' : ''}`} disabled={busy} onClick={() => void move(s)}>
              {t(ACTION_KEYS[s])}
            </button>
          ))}
        </div>
      )}
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/**
 * The business shares its catalog, or one visible product, in a chat (from the composer's attach
 * menu). The server builds the message from the catalog.
 */
import { useEffect, useId, useState } from 'react';
import type { Product } from '#contracts/commerce.js';
import { useI18n } from '../../i18n/index.js';
import { newClientId } from '../../lib/store.js';
import { Dialog } from '../../ui/dialog.js';
import { errorMessage } from '../auth/auth-screen.js';
import { commerceApi } from './api.js';
import { Price } from './catalog-browser.js';
import '../../styles/commerce.css';

export function ShareCatalogDialog({ chatId, onClose, onSent }: { chatId: string; onClose(): void; onSent?: () => void }) {
  const { t } = useI18n();
  const ids = useId();
  const [query, setQuery] = useState('');
  const [products, setProducts] = useState<Product[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      commerceApi.ownCatalog({ q: query.trim() || undefined, limit: 100 }).then(
        (page) => live && setProducts(page.products.filter((p) => !p.hidden)),
        (err: unknown) => live && setError(errorMessage(t, err)),
      );
    }, query ? 250 : 0);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [query, t]);

  const share = async (productId?: string) => {
    setBusy(true);
    setError(null);
    try {
      // The message reaches this device (and every other) as a realtime message.created.
      await commerceApi.share(chatId, newClientId(), productId);
      onSent?.();
      onClose();
    } catch (err) {
      setError(errorMessage(t, err));
      setBusy(false);
    }
  };

  return (
    <Dialog title={t('commerce.shareTitle')} onClose={onClose}>
      <button type="button" className="btn" disabled={busy} onClick={() => void share()}>
        {t('commerce.shareCatalog')}
      </button>
      <div className="field">
        <label htmlFor={`${ids}-q`}>{t('commerce.searchProducts')}</label>
        <input id={`${ids}-q`} className="input" type="search" value={query} onChange={(e) => setQuery(e.target.value)} autoComplete="off" />
      </div>
      <ul className="commerce-share-list" aria-label={t('commerce.products')}>
        {products?.map((p) => (
          <li key={p.id}>
            <span className="commerce-line-name">{p.name}</span>
            <Price minor={p.priceMinor} currency={p.currency} />
            <button type="button" className="btn btn-small btn-outline" disabled={busy} onClick={() => void share(p.id)} aria-label={t('commerce.shareNamed', { name: p.name })}>
              {t('commerce.share')}
            </button>
          </li>
        ))}
      </ul>
      {products && products.length === 0 && <p className="panel-hint">{t('commerce.emptyOwn')}</p>}
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" className="btn btn-ghost" onClick={onClose}>
          {t('common.cancel')}
        </button>
      </div>
    </Dialog>
  );
}

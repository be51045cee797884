/**
 * The customer's catalog browser, over everything (a dialog in a portal): a business's visible
 * products with search and collections, a product's details and images, and the cart kept on the
 * device, sent as an order in the chat with the business. Opened from the business's info panel
 * and from product and catalog messages.
 */
import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { createPortal } from 'react-dom';
import { CATALOG_LIMITS, formatMoney, type CatalogPage, type Product } from '#contracts/commerce.js';
import { useI18n } from '../../i18n/index.js';
import { newClientId } from '../../lib/store.js';
import { Dialog } from '../../ui/dialog.js';
import { errorMessage } from '../auth/auth-screen.js';
import { catalogImageUrl, commerceApi } from './api.js';
import { cart, cartTotals, useCart } from './cart.js';
import '../../styles/commerce.css';

const PAGE = 30;

type View = { kind: 'list' } | { kind: 'product'; productId: string } | { kind: 'cart' };

export interface CatalogBrowserProps {
  businessId: string;
  /** The chat with the business, where an order is sent. */
  chatId: string;
  /** Open on one product. */
  productId?: string | undefined;
  onClose(): void;
  /** After an order was sent. */
  onOrdered?: () => void;
}

export function CatalogBrowser(props: CatalogBrowserProps) {
  return createPortal(<CatalogBrowserDialog {...props} />, document.body);
}

function CatalogBrowserDialog({ businessId, chatId, productId, onClose, onOrdered }: CatalogBrowserProps) {
  const { t } = useI18n();
  const [view, setView] = useState<View>(productId ? { kind: 'product', productId } : { kind: 'list' });
  const [page, setPage] = useState<CatalogPage | null>(null);
  const [query, setQuery] = useState('');
  const [collectionId, setCollectionId] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const lines = useCart(businessId);
  const count = lines.reduce((n, l) => n + l.quantity, 0);

  const load = useCallback(
    async (offset: number) => {
      setLoading(true);
      setError(null);
      try {
        const next = await commerceApi.catalog(businessId, { q: query.trim() || undefined, collectionId, offset, limit: PAGE });
        setPage((prev) => (offset > 0 && prev ? { ...next, products: [...prev.products, ...next.products] } : next));
      } catch (err) {
        setError(errorMessage(t, err));
      } finally {
        setLoading(false);
      }
    },
    [businessId, query, collectionId, t],
  );

  useEffect(() => {
    const timer = setTimeout(() => void load(0), query ? 250 : 0);
    return () => clearTimeout(timer);
  }, [load, query]);

  const title = page ? t('commerce.catalogOf', { name: page.businessName }) : t('commerce.catalog');
  return (
    <Dialog title={title} onClose={onClose}>
      <div className="commerce-browser">
        {view.kind === 'list' && (
          <>
            <div className="field">
              <label htmlFor="catalog-search">{t('commerce.search')}</label>
              <input id="catalog-search" className="input" type="search" value={query} onChange={(e) => setQuery(e.target.value)} autoComplete="off" />
            </div>
            {page && page.collections.length > 0 && (
              <div className="commerce-chips" role="group" aria-label={t('commerce.collections')}>
                <button type="button" className="chip" aria-pressed={!collectionId} onClick={() => setCollectionId(undefined)}>
                  {t('commerce.all')}
                </button>
                {page.collections.map((c) => (
                  <button key={c.id} type="button" className="chip" aria-pressed={collectionId === c.id} onClick={() => setCollectionId(c.id)}>
                    {c.name}
                  </button>
                ))}
              </div>
            )}
            {error && (
              <p className="error-text" role="alert">
                {error}
              </p>
            )}
            {page && page.products.length === 0 && !loading && <p className="panel-hint">{query ? t('commerce.noMatch') : t('commerce.empty')}</p>}
            <ul className="commerce-grid" aria-label={t('commerce.products')}>
              {page?.products.map((p) => (
                <li key={p.id}>
                  <ProductTile product={p} onOpen={() => setView({ kind: 'product', productId: p.id })} onAdd={() => cart.add(businessId, p)} />
                </li>
              ))}
            </ul>
            {page && page.products.length < page.total && (
              <button type="button" className="btn btn-outline" disabled={loading} onClick={() => void load(page.products.length)}>
                {t('commerce.more')}
              </button>
            )}
          </>
        )}
        {view.kind === 'product' && <ProductDetail businessId={businessId} productId={view.productId} onBack={() => setView({ kind: 'list' })} />}
        {view.kind === 'cart' && (
          <CartView
            businessId={businessId}
            chatId={chatId}
            onBack={() => setView({ kind: 'list' })}
            onOrdered={() => {
              onOrdered?.();
              onClose();
            }}
          />
        )}
        <div className="dialog-actions commerce-footer">
          <button type="button" className="btn btn-ghost" onClick={onClose}>
            {t('common.close')}
          </button>
          {view.kind !== 'cart' && (
            <button type="button" className="btn" onClick={() => setView({ kind: 'cart' })}>
              {t('commerce.viewCart', { count })}
            </button>
          )}
        </div>
      </div>
    </Dialog>
  );
}

export function Price({ minor, currency }: { minor: number; currency: string }) {
  const { locale } = useI18n();
  return <span className="commerce-price">{formatMoney(minor, currency, locale)}</span>;
}

function ProductTile({ product: p, onOpen, onAdd }: { product: Product; onOpen(): void; onAdd(): void }) {
  const { t } = useI18n();
  const image = p.imageMediaIds[0];
  return (
    <div className="commerce-tile">
      <button type="button" className="commerce-tile-open" onClick={onOpen} aria-label={t('commerce.openProduct', { name: p.name })}>
        {image ? <img src={catalogImageUrl(p.businessId, image)} alt="" loading="lazy" /> : <span className="commerce-noimage" aria-hidden="true">🛍️</span>}
        <span className="commerce-tile-name">{p.name}</span>
        <Price minor={p.priceMinor} currency={p.currency} />
      </button>
      <button type="button" className="btn btn-small btn-outline" onClick={onAdd} aria-label={t('commerce.addNamed', { name: p.name })}>
        {t('commerce.add')}
      </button>
    </div>
  );
}

function ProductDetail({ businessId, productId, onBack }: { businessId: string; productId: string; onBack(): void }) {
  const { t } = useI18n();
  const [product, setProduct] = useState<Product | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [shown, setShown] = useState(0);
  const [added, setAdded] = useState(false);
  useEffect(() => {
    let live = true;
    commerceApi.product(businessId, productId).then(
      (p) => live && setProduct(p),
      (err: unknown) => live && setError(errorMessage(t, err)),
    );
    return () => {
      live = false;
    };
  }, [businessId, productId, t]);
  return (
    <div className="commerce-detail">
      <button type="button" className="btn btn-ghost btn-small commerce-back" onClick={onBack}>
        {t('commerce.backToCatalog')}
      </button>
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      {product && (
        <>
          {product.imageMediaIds.length > 0 && (
            <div className="commerce-gallery">
              <img className="commerce-gallery-main" src={catalogImageUrl(businessId, product.imageMediaIds[shown] ?? product.imageMediaIds[0]!)} alt={product.name} />
              {product.imageMediaIds.length > 1 && (
                <div className="commerce-thumbs" role="group" aria-label={t('commerce.images')}>
                  {product.imageMediaIds.map((m, i) => (
                    <button key={m} type="button" aria-pressed={i === shown} aria-label={t('commerce.imageN', { n: i + 1 })} onClick={() => setShown(i)}>
                      <img src={catalogImageUrl(businessId, m)} alt="" />
                    </button>
                  ))}
                </div>
              )}
            </div>
          )}
          <h3 className="commerce-detail-name">{product.name}</h3>
          <Price minor={product.priceMinor} currency={product.currency} />
          {product.description && <p className="commerce-description">{product.description}</p>}
          {product.retailerId && <p className="panel-hint">{t('commerce.retailerIdValue', { id: product.retailerId })}</p>}
          {product.link && (
            <a href={product.link} target="_blank" rel="noopener noreferrer">
              {t('commerce.openLink')}
            </a>
          )}
          <button
            type="button"
            className="btn"
            onClick={() => {
              cart.add(businessId, product);
              setAdded(true);
            }}
          >
            {t('commerce.addToCart')}
          </button>
          <p className="inline-status ok" role="status" aria-live="polite">
            {added ? t('commerce.added') : ''}
          </p>
        </>
      )}
    </div>
  );
}

function CartView({ businessId, chatId, onBack, onOrdered }: { businessId: string; chatId: string; onBack(): void; onOrdered(): void }) {
  const { t } = useI18n();
  const lines = useCart(businessId);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ids = useId();
  const totals = cartTotals(lines);

  const send = async (e: FormEvent) => {
    e.preventDefault();
    if (!lines.length) return;
    setBusy(true);
    setError(null);
    try {
      await commerceApi.placeOrder(
        chatId,
        newClientId(),
        lines.map((l) => ({ productId: l.productId, quantity: l.quantity })),
        note.trim(),
      );
      cart.clear(businessId);
      onOrdered();
    } catch (err) {
      setError(errorMessage(t, err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="commerce-cart" onSubmit={(e) => void send(e)} aria-label={t('commerce.cart')}>
      <button type="button" className="btn btn-ghost btn-small commerce-back" onClick={onBack}>
        {t('commerce.backToCatalog')}
      </button>
      <h3>{t('commerce.cart')}</h3>
      {lines.length === 0 && <p className="panel-hint">{t('commerce.cartEmpty')}</p>}
      <ul className="commerce-lines">
        {lines.map((l) => (
          <li key={l.productId} className="commerce-line">
            <span className="commerce-line-name">{l.name}</span>
            <Price minor={l.priceMinor * l.quantity} currency={l.currency} />
            <div className="commerce-qty">
              <button type="button" className="icon-btn small" aria-label={t('commerce.less', { name: l.name })} onClick={() => cart.setQuantity(businessId, l.productId, l.quantity - 1)}>
                −
              </button>
              <input
                className="input"
                type="number"
                inputMode="numeric"
                min={1}
                max={CATALOG_LIMITS.quantity}
                value={l.quantity}
                aria-label={t('commerce.quantityOf', { name: l.name })}
                onChange={(e) => {
                  const q = Number(e.target.value);
                  if (q >= 1) cart.setQuantity(businessId, l.productId, q);
                }}
              />
              <button type="button" className="icon-btn small" aria-label={t('commerce.more1', { name: l.name })} onClick={() => cart.setQuantity(businessId, l.productId, l.quantity + 1)} disabled={l.quantity >= CATALOG_LIMITS.quantity}>
                +
              </button>
              <button type="button" className="btn btn-ghost btn-small danger-text" onClick={() => cart.remove(businessId, l.productId)} aria-label={t('commerce.removeNamed', { name: l.name })}>
                {t('commerce.remove')}
              </button>
            </div>
          </li>
        ))}
      </ul>
      {totals.map((x) => (
        <p key={x.currency} className="commerce-total">
          {t('commerce.total')} <Price minor={x.total} currency={x.currency} />
        </p>
      ))}
      {totals.length > 1 && <p className="error-text">{t('commerce.mixedCurrencies')}</p>}
      <div className="field">
        <label htmlFor={`${ids}-note`}>{t('commerce.note')}</label>
        <textarea id={`${ids}-note`} className="input" rows={2} maxLength={CATALOG_LIMITS.note} value={note} onChange={(e) => setNote(e.target.value)} />
      </div>
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="btn" disabled={busy || lines.length === 0 || totals.length > 1}>
        {t('commerce.sendOrder')}
      </button>
    </form>
  );
}

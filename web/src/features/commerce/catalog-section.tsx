/**
 * The business panel's "Catalog" section: the business's products with search, a form to add or
 * edit one (images, price and currency, hidden, retailer id, link), deleting, and collections
 * (named, ordered, with their products). Re-fetches when another device changed the catalog.
 */
import { useCallback, useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { CATALOG_LIMITS, isKnownCurrency, parsePrice, type CatalogPage, type Collection, type Product } from '#contracts/commerce.js';
import { useI18n } from '../../i18n/index.js';
import { store, useStore } from '../../lib/store.js';
import { errorMessage } from '../auth/auth-screen.js';
import { ConfirmDialog } from '../contacts/confirm-dialog.js';
import { IDLE, InlineStatus, PanelSection, type Status } from '../contacts/side-panel.js';
import { prepareImage, safeFileName } from '../conversation/media.js';
import { commerceApi, type ProductDraft } from './api.js';
import { Price } from './catalog-browser.js';
import '../../styles/commerce.css';

const COMMON_CURRENCIES = ['EUR', 'USD', 'GBP', 'CHF', 'JPY', 'CAD', 'AUD', 'INR', 'BRL', 'MXN', 'XOF', 'MAD', 'KWD'];
const LAST_CURRENCY_KEY = 'parley.commerce.currency';

/** Every currency Intl knows, common ones first. */
function currencyOptions(): string[] {
  const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('currency') : COMMON_CURRENCIES;
  return [...COMMON_CURRENCIES.filter((c) => all.includes(c)), ...all.filter((c) => !COMMON_CURRENCIES.includes(c))];
}

function lastCurrency(): string {
  try {
    const c = localStorage.getItem(LAST_CURRENCY_KEY);
    if (c && isKnownCurrency(c)) return c;
  } catch {
    // storage unavailable
  }
  return 'EUR';
}

type Editing = { kind: 'new' } | { kind: 'edit'; product: Product } | null;

export function CatalogSection() {
  const { t } = useI18n();
  const version = useStore((s) => s.businessVersions['catalog'] ?? 0);
  const [page, setPage] = useState<CatalogPage | null>(null);
  const [query, setQuery] = useState('');
  const [editing, setEditing] = useState<Editing>(null);
  const [deleting, setDeleting] = useState<Product | null>(null);
  const [status, setStatus] = useState<Status>(IDLE);
  const ids = useId();

  const load = useCallback(async () => {
    try {
      setPage(await commerceApi.ownCatalog({ q: query.trim() || undefined, limit: 100 }));
    } catch (err) {
      setStatus({ kind: 'error', text: errorMessage(t, err) });
    }
  }, [query, t]);

  useEffect(() => {
    const timer = setTimeout(() => void load(), query ? 250 : 0);
    return () => clearTimeout(timer);
  }, [load, query, version]);

  if (editing) {
    return (
      <ProductForm
        product={editing.kind === 'edit' ? editing.product : null}
        onDone={(saved) => {
          setEditing(null);
          if (saved) setStatus({ kind: 'ok', text: t('commerce.productSaved', { name: saved.name }) });
          void load();
        }}
      />
    );
  }

  return (
    <div className="commerce-section">
      <div className="panel-section">
        <button type="button" className="btn" onClick={() => setEditing({ kind: 'new' })}>
          {t('commerce.addProduct')}
        </button>
        <div className="field">
          <label htmlFor={`${ids}-search`}>{t('commerce.searchProducts')}</label>
          <input id={`${ids}-search`} className="input" type="search" value={query} onChange={(e) => setQuery(e.target.value)} autoComplete="off" />
        </div>
        {page && <p className="panel-hint">{t('commerce.productTotal', { count: page.total, limit: CATALOG_LIMITS.products })}</p>}
        <InlineStatus state={status} />
      </div>
      <ul className="commerce-admin-list" aria-label={t('commerce.products')}>
        {page?.products.map((p) => (
          <li key={p.id} className="commerce-admin-item">
            {p.imageMediaIds[0] ? <img src={store.api.mediaUrl(p.imageMediaIds[0])} alt="" className="commerce-admin-thumb" /> : <span className="commerce-admin-thumb commerce-noimage" aria-hidden="true">🛍️</span>}
            <span className="commerce-admin-text">
              <strong>{p.name}</strong>
              <span>
                <Price minor={p.priceMinor} currency={p.currency} />
                {p.hidden && <span className="commerce-badge">{t('commerce.hidden')}</span>}
                {p.retailerId && <span className="panel-hint"> · {p.retailerId}</span>}
              </span>
            </span>
            <span className="commerce-admin-actions">
              <button type="button" className="btn btn-small btn-outline" onClick={() => setEditing({ kind: 'edit', product: p })} aria-label={t('commerce.editNamed', { name: p.name })}>
                {t('commerce.edit')}
              </button>
              <button type="button" className="btn btn-small btn-ghost danger-text" onClick={() => setDeleting(p)} aria-label={t('commerce.deleteNamed', { name: p.name })}>
                {t('commerce.delete')}
              </button>
            </span>
          </li>
        ))}
      </ul>
      {page && page.products.length === 0 && <p className="panel-hint panel-section">{query ? t('commerce.noMatch') : t('commerce.emptyOwn')}</p>}
      {page && <Collections collections={page.collections} products={page.products} onChanged={() => void load()} />}
      {deleting && (
        <ConfirmDialog
          title={t('commerce.deleteTitle')}
          message={t('commerce.deleteConfirm', { name: deleting.name })}
          confirmLabel={t('commerce.delete')}
          danger
          onCancel={() => setDeleting(null)}
          onConfirm={async () => {
            await commerceApi.deleteProduct(deleting.id);
            setDeleting(null);
            setStatus({ kind: 'ok', text: t('commerce.deleted') });
            await load();
          }}
        />
      )}
    </div>
  );
}

function ProductForm({ product, onDone }: { product: Product | null; onDone(saved: Product | null): void }) {
  const { t } = useI18n();
  const ids = useId();
  const [name, setName] = useState(product?.name ?? '');
  const [description, setDescription] = useState(product?.description ?? '');
  const [price, setPrice] = useState(product?.price ?? '');
  const [currency, setCurrency] = useState(product?.currency ?? lastCurrency());
  const [images, setImages] = useState<string[]>(product?.imageMediaIds ?? []);
  const [link, setLink] = useState(product?.link ?? '');
  const [retailerId, setRetailerId] = useState(product?.retailerId ?? '');
  const [hidden, setHidden] = useState(product?.hidden ?? false);
  const [status, setStatus] = useState<Status>(IDLE);
  const [uploading, setUploading] = useState(0);
  const fileInput = useRef<HTMLInputElement>(null);
  const currencies = useMemo(currencyOptions, []);
  const priceOk = !price.trim() || parsePrice(price.replace(',', '.'), currency) !== null;

  const addImages = async (files: FileList | null) => {
    if (!files?.length) return;
    const room = CATALOG_LIMITS.images - images.length;
    const picked = [...files].slice(0, Math.max(0, room));
    if (files.length > room) setStatus({ kind: 'error', text: t('error.TOO_MANY_IMAGES') });
    setUploading((n) => n + picked.length);
    for (const file of picked) {
      try {
        const blob = await prepareImage(file);
        const media = await store.api.uploadMedia(blob, 'image', safeFileName(file.name || 'image.jpg'));
        setImages((list) => (list.length < CATALOG_LIMITS.images ? [...list, media.id] : list));
      } catch (err) {
        setStatus({ kind: 'error', text: errorMessage(t, err) });
      } finally {
        setUploading((n) => n - 1);
      }
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const draft: ProductDraft = {
      name: name.trim(),
      description: description.trim(),
      price: price.trim().replace(',', '.'),
      currency,
      imageMediaIds: images,
      link: link.trim() || null,
      retailerId: retailerId.trim() || null,
      hidden,
    };
    setStatus({ kind: 'busy', text: t('settings.saving') });
    try {
      const saved = product ? await commerceApi.updateProduct(product.id, draft) : await commerceApi.createProduct(draft);
      try {
        localStorage.setItem(LAST_CURRENCY_KEY, currency);
      } catch {
        // ignore
      }
      onDone(saved);
    } catch (err) {
      setStatus({ kind: 'error', text: errorMessage(t, err) });
    }
  };

  return (
    <form className="settings-form panel-section commerce-form" onSubmit={(e) => void submit(e)} noValidate aria-label={product ? t('commerce.editProduct') : t('commerce.addProduct')}>
      <h3>{product ? t('commerce.editProduct') : t('commerce.addProduct')}</h3>
      <div className="field">
        <label htmlFor={`${ids}-name`}>{t('commerce.name')}</label>
        <input id={`${ids}-name`} className="input" required maxLength={CATALOG_LIMITS.name} value={name} onChange={(e) => setName(e.target.value)} autoFocus />
      </div>
      <div className="field">
        <label htmlFor={`${ids}-description`}>{t('commerce.description')}</label>
        <textarea id={`${ids}-description`} className="input" rows={3} maxLength={CATALOG_LIMITS.description} value={description} onChange={(e) => setDescription(e.target.value)} />
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${ids}-price`}>{t('commerce.price')}</label>
          <input
            id={`${ids}-price`}
            className="input"
            inputMode="decimal"
            value={price}
            onChange={(e) => setPrice(e.target.value)}
            aria-invalid={!priceOk}
            aria-describedby={priceOk ? undefined : `${ids}-price-error`}
            placeholder="12.50"
          />
        </div>
        <div className="field">
          <label htmlFor={`${ids}-currency`}>{t('commerce.currency')}</label>
          <select id={`${ids}-currency`} className="input" value={currency} onChange={(e) => setCurrency(e.target.value)}>
            {currencies.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </div>
      </div>
      {!priceOk && (
        <p id={`${ids}-price-error`} className="error-text">
          {t('error.PRICE_INVALID')}
        </p>
      )}
      <fieldset className="commerce-images">
        <legend>{t('commerce.imagesCount', { count: images.length, limit: CATALOG_LIMITS.images })}</legend>
        <ul>
          {images.map((m, i) => (
            <li key={m}>
              <img src={store.api.mediaUrl(m)} alt={t('commerce.imageN', { n: i + 1 })} />
              <button type="button" className="icon-btn small" aria-label={t('commerce.removeImage', { n: i + 1 })} onClick={() => setImages((list) => list.filter((x) => x !== m))}>
                ×
              </button>
            </li>
          ))}
        </ul>
        <input ref={fileInput} type="file" accept="image/*" multiple hidden onChange={(e) => void addImages(e.target.files).finally(() => (e.target.value = ''))} />
        <button type="button" className="btn btn-small btn-outline" disabled={images.length >= CATALOG_LIMITS.images || uploading > 0} onClick={() => fileInput.current?.click()}>
          {uploading > 0 ? t('commerce.uploading') : t('commerce.addImages')}
        </button>
      </fieldset>
      <div className="field">
        <label htmlFor={`${ids}-link`}>{t('commerce.link')}</label>
        <input id={`${ids}-link`} className="input" type="url" maxLength={CATALOG_LIMITS.link} value={link} onChange={(e) => setLink(e.target.value)} placeholder="https://" />
      </div>
      <div className="field">
        <label htmlFor={`${ids}-retailer`}>{t('commerce.retailerId')}</label>
        <input id={`${ids}-retailer`} className="input" maxLength={CATALOG_LIMITS.retailerId} value={retailerId} onChange={(e) => setRetailerId(e.target.value)} />
      </div>
      <label className="confirm-check">
        <input type="checkbox" checked={hidden} onChange={(e) => setHidden(e.target.checked)} />
        <span>{t('commerce.hideProduct')}</span>
      </label>
      <InlineStatus state={status} />
      <div className="form-actions">
        <button type="button" className="btn btn-ghost" onClick={() => onDone(null)}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="btn" disabled={!name.trim() || !price.trim() || !priceOk || uploading > 0}>
          {t('settings.save')}
        </button>
      </div>
    </form>
  );
}

function Collections({ collections, products, onChanged }: { collections: Collection[]; products: Product[]; onChanged(): void }) {
  const { t } = useI18n();
  const ids = useId();
  const [name, setName] = useState('');
  const [open, setOpen] = useState<string | null>(null);
  const [status, setStatus] = useState<Status>(IDLE);

  const run = async (action: () => Promise<unknown>) => {
    setStatus({ kind: 'busy', text: t('settings.saving') });
    try {
      await action();
      setStatus(IDLE);
      onChanged();
    } catch (err) {
      setStatus({ kind: 'error', text: errorMessage(t, err) });
    }
  };

  const create = (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) return;
    void run(async () => {
      await commerceApi.createCollection(name.trim(), []);
      setName('');
    });
  };

  const move = (index: number, by: -1 | 1) => {
    const order = collections.map((c) => c.id);
    const [item] = order.splice(index, 1);
    order.splice(index + by, 0, item!);
    void run(() => commerceApi.reorderCollections(order));
  };

  const toggle = (c: Collection, productId: string, on: boolean) =>
    void run(() => commerceApi.updateCollection(c.id, { productIds: on ? [...c.productIds, productId] : c.productIds.filter((p) => p !== productId) }));

  return (
    <PanelSection id={`${ids}-collections`} title={t('commerce.collections')}>
      <form className="commerce-inline-form" onSubmit={create}>
        <label htmlFor={`${ids}-new`} className="sr-only">
          {t('commerce.collectionName')}
        </label>
        <input id={`${ids}-new`} className="input" placeholder={t('commerce.collectionName')} maxLength={CATALOG_LIMITS.collectionName} value={name} onChange={(e) => setName(e.target.value)} />
        <button type="submit" className="btn btn-small" disabled={!name.trim()}>
          {t('commerce.addCollection')}
        </button>
      </form>
      <ul className="commerce-collections">
        {collections.map((c, i) => (
          <li key={c.id}>
            <div className="commerce-collection-row">
              <button type="button" className="list-button" aria-expanded={open === c.id} onClick={() => setOpen(open === c.id ? null : c.id)}>
                {c.name} <span className="panel-hint">({c.productIds.length})</span>
              </button>
              <button type="button" className="icon-btn small" disabled={i === 0} aria-label={t('commerce.moveUp', { name: c.name })} onClick={() => move(i, -1)}>
                ↑
              </button>
              <button type="button" className="icon-btn small" disabled={i === collections.length - 1} aria-label={t('commerce.moveDown', { name: c.name })} onClick={() => move(i, 1)}>
                ↓
              </button>
              <button type="button" className="btn btn-small btn-ghost danger-text" aria-label={t('commerce.deleteNamed', { name: c.name })} onClick={() => void run(() => commerceApi.deleteCollection(c.id))}>
                {t('commerce.delete')}
              </button>
            </div>
            {open === c.id && (
              <fieldset className="commerce-collection-products">
                <legend className="sr-only">{t('commerce.productsIn', { name: c.name })}</legend>
                {products.map((p) => (
                  <label key={p.id} className="confirm-check">
                    <input type="checkbox" checked={c.productIds.includes(p.id)} onChange={(e) => toggle(c, p.id, e.target.checked)} />
                    <span>{p.name}</span>
                  </label>
                ))}
              </fieldset>
            )}
          </li>
        ))}
      </ul>
      <InlineStatus state={status} />
    </PanelSection>
  );
}

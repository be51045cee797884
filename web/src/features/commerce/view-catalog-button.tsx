/** "View catalog" in a business's info panel: opens the catalog browser for the chat with it. */
import { useState } from 'react';
import { useI18n } from '../../i18n/index.js';
import { CatalogBrowser } from './catalog-browser.js';

export function ViewCatalogButton({ businessId, chatId }: { businessId: string; chatId: string }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  return (
    <div className="panel-section">
      <button type="button" className="btn btn-outline" onClick={() => setOpen(true)}>
        {t('commerce.viewCatalog')}
      </button>
      {open && <CatalogBrowser businessId={businessId} chatId={chatId} onClose={() => setOpen(false)} />}
    </div>
  );
}

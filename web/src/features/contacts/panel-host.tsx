/**
 * Renders the open side panel (settings or a chat's contact info) from the shared panel state.
 * Mount it once in the signed-in layout: `<PanelHost />`.
 */
import { useEffect } from 'react';
import { closePanel, usePanel } from '../../lib/ui-state.js';
import { store } from '../../lib/store.js';
import { SettingsPanel } from '../settings/settings-panel.js';
import { ContactInfo } from './contact-info.js';
import { BusinessPanel } from '../business/business-panel.js';

export function PanelHost() {
  const panel = usePanel();
  // Signing out (here or from another device) unmounts the layout: forget the open panel so the
  // next person to sign in does not find it open.
  useEffect(
    () => () => {
      if (!store.get().session) closePanel();
    },
    [],
  );
  if (panel?.kind === 'settings') return <SettingsPanel onClose={closePanel} />;
  if (panel?.kind === 'business') return <BusinessPanel section={panel.section} onClose={closePanel} />;
  if (panel?.kind === 'contact') return <ContactInfo key={panel.chatId} chatId={panel.chatId} onClose={closePanel} />;
  return null;
}

/** The app shell: sign-in when signed out; otherwise the chat list and the open chat side by side (one at a time on a phone). */
import { useEffect, useState } from 'react';
import { useI18n } from '../i18n/index.js';
import { store, useStore } from '../lib/store.js';
import { chatIdFromPath, linkCodeFromPath, usePath } from '../lib/router.js';
import { AuthScreen } from '../features/auth/auth-screen.js';
import { ChatList } from '../features/chats/chat-list.js';
import { ChatView } from '../features/conversation/chat-view.js';
import { PanelHost } from '../features/contacts/panel-host.js';
import { openPanel } from '../lib/ui-state.js';
import { LinkScreen } from '../features/reach/link-screen.js';
import { AdminScreen } from '../features/admin/admin-screen.js';
import { TwoStepReminder } from '../features/settings/two-step-reminder.js';

export function App() {
  const { t } = useI18n();
  const session = useStore((s) => s.session);
  const status = useStore((s) => s.status);
  const path = usePath();
  const chatId = chatIdFromPath(path);
  const [started, setStarted] = useState(false);

  useEffect(() => {
    if (!started) {
      setStarted(true);
      void store.start();
    }
  }, [started]);

  // A business's short link works signed in or out (it leads through sign-in to the chat).
  const linkCode = linkCodeFromPath(path);
  if (linkCode) return <LinkScreen code={linkCode} />;
  // The administrators' screen has its own sign-in and never uses the chat session.
  if (path === '/admin' || path.startsWith('/admin/')) return <AdminScreen />;
  if (!session) return <AuthScreen />;
  return (
    <div style={{ height: '100%', display: 'flex', flexDirection: 'column' }}>
      {status === 'offline' && (
        <div className="banner" role="status">
          {t('app.offline')}
        </div>
      )}
      <div className={`layout${chatId ? ' has-chat' : ''}`} style={{ flex: 1, minHeight: 0, width: '100%' }}>
        <ChatList activeId={chatId} onOpenSettings={() => openPanel({ kind: 'settings' })} />
        <main className="main">
          {chatId ? <ChatView key={chatId} chatId={chatId} /> : <div className="empty-main">{t('chat.selectPrompt')}</div>}
        </main>
        <PanelHost />
      </div>
      <TwoStepReminder />
    </div>
  );
}

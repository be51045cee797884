/**
 * `/l/{code}`: a business's short link. Shows the business (name, verified badge) and the text
 * the chat will start with, and a button to open the chat. Signed out, the button leads through
 * sign-in (on the same address) and then straight into the chat, the prefilled text waiting in
 * the composer as a draft.
 */
import { useEffect, useRef, useState } from 'react';
import type { LinkTarget } from '#contracts/reach.js';
import { useI18n } from '../../i18n/index.js';
import { ApiError } from '../../lib/api.js';
import { navigate } from '../../lib/router.js';
import { store, useStore } from '../../lib/store.js';
import { Avatar } from '../../ui/avatar.js';
import { AuthScreen, errorMessage } from '../auth/auth-screen.js';
import { reachApi } from './reach-api.js';
import { VerifiedBadge } from './verified-badge.js';
import '../../styles/reach.css';

/** Open (or create) the chat with the business, put the prefilled text in its composer, go there. */
async function openLinkChat(target: LinkTarget): Promise<void> {
  const chat = await store.openChatWith(target.phone);
  if (target.prefilledText && !store.get().drafts[chat.id]) store.setDraft(chat.id, target.prefilledText);
  navigate(`/chat/${encodeURIComponent(chat.id)}`, true);
}

export function LinkScreen({ code }: { code: string }) {
  const { t } = useI18n();
  const session = useStore((s) => s.session);
  const chatsLoaded = useStore((s) => s.chatsLoaded);
  const [target, setTarget] = useState<LinkTarget | null>(null);
  const [error, setError] = useState<{ notFound: boolean; text: string } | null>(null);
  const [signingIn, setSigningIn] = useState(false);
  const [busy, setBusy] = useState(false);
  const [openError, setOpenError] = useState<string | null>(null);
  const continued = useRef(false);

  useEffect(() => {
    let live = true;
    reachApi.resolveLink(code).then(
      (tgt) => live && setTarget(tgt),
      (err) => live && setError({ notFound: err instanceof ApiError && err.code === 'LINK_NOT_FOUND', text: errorMessage(t, err) }),
    );
    return () => {
      live = false;
    };
  }, [code, t]);

  const open = async () => {
    if (!target) return;
    setBusy(true);
    setOpenError(null);
    try {
      await openLinkChat(target);
    } catch (err) {
      setOpenError(errorMessage(t, err));
      setBusy(false);
    }
  };

  // Back from sign-in: once the chat list is loaded, go on to the chat without another click.
  useEffect(() => {
    if (signingIn && session && chatsLoaded && target && !continued.current) {
      continued.current = true;
      void open();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [signingIn, session, chatsLoaded, target]);

  if (signingIn && !session) {
    return (
      <div className="link-signin">
        <p className="banner link-signin-note" role="status">
          {t('reach.link.signInToContinue', { name: target?.name ?? '' })}
        </p>
        <AuthScreen />
      </div>
    );
  }

  return (
    <main className="auth link-screen">
      <div className="auth-card link-card">
        {error ? (
          <>
            <h1>{error.notFound ? t('reach.link.notFoundTitle') : t('reach.link.errorTitle')}</h1>
            <p>{error.notFound ? t('reach.link.notFound') : error.text}</p>
            <button type="button" className="btn" onClick={() => navigate('/', true)}>
              {t('reach.link.goHome')}
            </button>
          </>
        ) : !target ? (
          <p role="status">{t('common.loading')}</p>
        ) : (
          <>
            <Avatar id={target.businessId} name={target.name} mediaId={session ? target.photoMediaId : null} size={96} />
            <h1 className="link-business-name">
              {target.name}
              {target.verified && <VerifiedBadge />}
            </h1>
            <p className="link-kind">{t('reach.link.businessAccount')}</p>
            {target.prefilledText && (
              <figure className="link-prefilled">
                <figcaption>{t('reach.link.prefilledLabel')}</figcaption>
                <blockquote>{target.prefilledText}</blockquote>
              </figure>
            )}
            {openError && (
              <p className="error-text" role="alert">
                {openError}
              </p>
            )}
            {session ? (
              <button type="button" className="btn" onClick={() => void open()} disabled={busy} aria-busy={busy}>
                {t('reach.link.openChat')}
              </button>
            ) : (
              <button type="button" className="btn" onClick={() => setSigningIn(true)}>
                {t('reach.link.signInToChat')}
              </button>
            )}
            {session && (
              <button type="button" className="btn btn-ghost" onClick={() => navigate('/', true)}>
                {t('reach.link.goHome')}
              </button>
            )}
          </>
        )}
      </div>
    </main>
  );
}

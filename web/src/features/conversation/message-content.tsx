/**
 * The content of a message, by kind: text (links, large emoji-only), photo (thumbnail first, then
 * the file; a lightbox on click), video, voice note (player with waveform), audio, document,
 * sticker, location card, contact cards; product, catalog and order cards (features/commerce).
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useI18n } from '../../i18n/index.js';
import { store, type ClientMessage } from '../../lib/store.js';
import { navigate } from '../../lib/router.js';
import { errorMessage } from '../auth/auth-screen.js';
import { initials } from '../../ui/avatar.js';
import { emojiOnlyCount } from '../../ui/emoji.js';
import { CloseIcon, ContactIcon, DocumentIcon, DownloadIcon, LocationIcon, MicIcon, PauseIcon, PlayIcon } from '../../ui/icons.js';
import { fetchDecrypted, formatDuration, formatSize, mediaInfo, reasonOf, saveBlob, thumbnailSrc, useMediaSrc, type MediaError } from './media.js';
import { CatalogCard, OrderCard, ProductCard } from '../commerce/message-cards.js';

type Content = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The editable text of a message: its text, or its caption. */
export function textOf(m: Pick<ClientMessage, 'kind' | 'content'>): string {
  const c = (m.content ?? {}) as Content;
  return m.kind === 'text' ? (str(c.text) ?? '') : (str(c.caption) ?? '');
}

/** Kinds drawn without the bubble's background. */
export function isBare(m: ClientMessage): boolean {
  if (m.deletedAt) return false;
  if (m.kind === 'sticker') return true;
  return m.kind === 'text' && emojiOnlyCount(textOf(m)) > 0 && emojiOnlyCount(textOf(m)) <= 3;
}

export function MessageContent({ message: m }: { message: ClientMessage }) {
  const { t } = useI18n();
  const c = (m.content ?? {}) as Content;
  const caption = str(c.caption);
  switch (m.kind) {
    case 'text':
      return <TextBody text={str(c.text) ?? ''} />;
    case 'image':
      return (
        <>
          <ImageBody message={m} content={c} />
          {caption && <TextBody text={caption} className="bubble-caption" />}
        </>
      );
    case 'video':
      return (
        <>
          <VideoBody message={m} content={c} />
          {caption && <TextBody text={caption} className="bubble-caption" />}
        </>
      );
    case 'voice':
      return m.mediaId ? <VoiceBody message={m} content={c} /> : null;
    case 'audio':
      return <AudioBody message={m} content={c} />;
    case 'document':
      return (
        <>
          <DocumentBody message={m} content={c} />
          {caption && <TextBody text={caption} className="bubble-caption" />}
        </>
      );
    case 'sticker':
      return m.mediaId ? <StickerBody message={m} /> : null;
    case 'location':
      return <LocationCard content={c} />;
    case 'contact':
      return <ContactCards content={c} />;
    case 'product':
      return <ProductCard message={m} />;
    case 'catalog':
      return <CatalogCard message={m} />;
    case 'order':
      return <OrderCard message={m} />;
    default:
      return <span className="bubble-text bubble-unsupported">{t('message.unsupported')}</span>;
  }
}

// ---- text ---------------------------------------------------------------------------------------

const URL_RE = /\b(?:https?:\/\/|www\.)[^\s<>"]+/gi;
const TRAILING = /[.,:;!?'")\]}>]+$/;

/** Split a text into strings and links (http, https, www.). */
export function linkify(text: string): ReactNode[] {
  const out: ReactNode[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_RE)) {
    let url = match[0];
    const trail = TRAILING.exec(url)?.[0] ?? '';
    // keep a closing parenthesis that closes one inside the URL (wikipedia links)
    url = url.slice(0, url.length - trail.length);
    if (!url) continue;
    const start = match.index;
    if (start > last) out.push(text.slice(last, start));
    const href = url.toLowerCase().startsWith('www.') ? `https://${url}` : url;
    out.push(
      <a key={start} href={href} target="_blank" rel="noopener noreferrer">
        {url}
      </a>,
    );
    last = start + url.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

export function TextBody({ text, className = '' }: { text: string; className?: string }) {
  const emoji = emojiOnlyCount(text);
  if (emoji > 0 && emoji <= 3) return <span className={`bubble-text emoji-only emoji-${emoji} ${className}`}>{text.trim()}</span>;
  return <span className={`bubble-text ${className}`}>{linkify(text)}</span>;
}

// ---- photo and video ----------------------------------------------------------------------------

function frameStyle(c: Content) {
  const w = num(c.width);
  const h = num(c.height);
  return w && h ? { aspectRatio: `${w} / ${h}` } : undefined;
}

export function ImageBody({ message: m, content: c }: { message: ClientMessage; content: Content }) {
  const { t } = useI18n();
  const [loaded, setLoaded] = useState(false);
  const [failed, setFailed] = useState(false);
  const [open, setOpen] = useState(false);
  const thumb = thumbnailSrc(c.thumbnail);
  const caption = str(c.caption);
  const { src, error } = useMediaSrc(m);
  return (
    <>
      {error && <MediaProblem error={error} />}
      <button type="button" className={`media-frame image-frame${loaded ? ' loaded' : ''}`} style={frameStyle(c)} onClick={() => src && setOpen(true)} aria-label={t('message.openPhoto')}>
        {thumb && !loaded && <img className="media-thumb" src={thumb} alt="" aria-hidden="true" />}
        {src && !failed && <img className="media-full" src={src} alt={caption ?? t('message.photo')} loading="lazy" onLoad={() => setLoaded(true)} onError={() => setFailed(true)} />}
        {(failed || error || (!thumb && !loaded)) && <span className="media-placeholder" aria-hidden="true">📷</span>}
      </button>
      {open && src && <Lightbox src={src} alt={caption ?? t('message.photo')} caption={caption} onClose={() => setOpen(false)} />}
    </>
  );
}

/** The photo at full size over everything; Escape, the close button or the backdrop close it. */
export function Lightbox({ src, alt, caption, onClose }: { src: string; alt: string; caption?: string | undefined; onClose(): void }) {
  const { t } = useI18n();
  const ref = useRef<HTMLDivElement>(null);
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    ref.current?.querySelector<HTMLElement>('button')?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        close.current();
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => {
      window.removeEventListener('keydown', onKey, true);
      previous?.focus?.();
    };
  }, []);
  return (
    <div className="lightbox" role="dialog" aria-modal="true" aria-label={alt} ref={ref} onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="lightbox-bar">
        <a className="icon-btn" href={src} download aria-label={t('message.download')} title={t('message.download')}>
          <DownloadIcon />
        </a>
        <button type="button" className="icon-btn" onClick={onClose} aria-label={t('common.close')} title={t('common.close')}>
          <CloseIcon />
        </button>
      </div>
      <img src={src} alt={alt} onMouseDown={(e) => e.stopPropagation()} />
      {caption && <p className="lightbox-caption">{caption}</p>}
    </div>
  );
}

/** Why an end-to-end encrypted medium cannot be shown, in the bubble. */
export function MediaProblem({ error }: { error: MediaError }) {
  const { t } = useI18n();
  return (
    <span className="media-error" role="alert">
      ⚠️ {t(error === 'tampered' ? 'e2e.mediaTampered' : 'e2e.mediaUnavailable')}
    </span>
  );
}

/** A video; end-to-end encrypted, it is downloaded and decrypted when the person asks to play it (its poster was made on the sender's device). */
export function VideoBody({ message: m, content: c }: { message: ClientMessage; content: Content }) {
  const { t } = useI18n();
  const duration = num(c.durationMs);
  const [wanted, setWanted] = useState(false);
  const { src, error } = useMediaSrc(m, !m.mediaKey || wanted);
  const poster = thumbnailSrc(c.thumbnail);
  const label = str(c.caption) ?? t('message.video');
  return (
    <>
      {error && <MediaProblem error={error} />}
      <div className="media-frame video-frame" style={frameStyle(c)}>
        {m.mediaId && src ? (
          <video controls preload="metadata" playsInline autoPlay={Boolean(m.mediaKey)} poster={poster} src={src} aria-label={label} />
        ) : m.mediaId && m.mediaKey && !error ? (
          <button type="button" className="video-start" onClick={() => setWanted(true)} aria-label={`${t('message.play')} · ${label}`} aria-busy={wanted}>
            {poster && <img className="media-thumb" src={poster} alt="" aria-hidden="true" />}
            <span className="video-start-icon" aria-hidden="true">
              {wanted ? <span className="spinner" /> : <PlayIcon />}
            </span>
          </button>
        ) : (
          <span className="media-placeholder">🎥</span>
        )}
        {duration !== undefined && <span className="media-duration overlay">{formatDuration(duration)}</span>}
      </div>
    </>
  );
}

function VoiceBody({ message: m, content: c }: { message: ClientMessage; content: Content }) {
  const { src, error } = useMediaSrc(m);
  return (
    <>
      {error && <MediaProblem error={error} />}
      <VoicePlayer src={src} durationMs={num(c.durationMs)} waveform={Array.isArray(c.waveform) ? (c.waveform as number[]) : undefined} />
    </>
  );
}

function AudioBody({ message: m, content: c }: { message: ClientMessage; content: Content }) {
  const { t } = useI18n();
  const { src, error } = useMediaSrc(m);
  return (
    <div className="audio-body">
      {error && <MediaProblem error={error} />}
      {src && <audio controls preload="metadata" src={src} aria-label={t('message.audio')} />}
      {num(c.durationMs) !== undefined && <span className="media-duration">{formatDuration(num(c.durationMs)!)}</span>}
    </div>
  );
}

function StickerBody({ message: m }: { message: ClientMessage }) {
  const { t } = useI18n();
  const { src, error } = useMediaSrc(m);
  if (error) return <MediaProblem error={error} />;
  return src ? <img className="sticker" src={src} alt={t('message.sticker')} width={160} height={160} loading="lazy" /> : <span className="sticker" aria-hidden="true" />;
}

// ---- voice notes --------------------------------------------------------------------------------

let playingNow: HTMLAudioElement | null = null;

function VoicePlayer({ src, durationMs, waveform }: { src: string | undefined; durationMs?: number | undefined; waveform?: number[] | undefined }) {
  const { t } = useI18n();
  const audio = useRef<HTMLAudioElement>(null);
  const [playing, setPlaying] = useState(false);
  const [position, setPosition] = useState(0);
  const [duration, setDuration] = useState(durationMs ?? 0);
  const bars = waveform?.length ? waveform.slice(0, 64) : null;
  const progress = duration ? Math.min(1, position / duration) : 0;

  const toggle = () => {
    const el = audio.current;
    if (!el) return;
    if (el.paused) {
      if (playingNow && playingNow !== el) playingNow.pause();
      playingNow = el;
      void el.play().catch(() => setPlaying(false));
    } else el.pause();
  };

  return (
    <div className="voice" data-playing={playing}>
      <span className="voice-avatar" aria-hidden="true">
        <MicIcon />
      </span>
      <button type="button" className="icon-btn voice-play" onClick={toggle} aria-label={`${playing ? t('message.pause') : t('message.play')} · ${t('message.voice')}`}>
        {playing ? <PauseIcon /> : <PlayIcon />}
      </button>
      <div className="voice-track">
        {bars ? (
          <div className="waveform" aria-hidden="true">
            {bars.map((v, i) => (
              <span key={i} className={i / bars.length < progress ? 'played' : ''} style={{ height: `${Math.max(8, v)}%` }} />
            ))}
          </div>
        ) : (
          <div className="voice-line" aria-hidden="true">
            <span style={{ width: `${progress * 100}%` }} />
          </div>
        )}
        <input
          type="range"
          className="voice-seek"
          min={0}
          max={Math.max(1, Math.round(duration))}
          step={100}
          value={Math.round(position)}
          aria-label={t('message.position')}
          aria-valuetext={formatDuration(position)}
          onChange={(e) => {
            const ms = Number(e.target.value);
            setPosition(ms);
            if (audio.current) audio.current.currentTime = ms / 1000;
          }}
        />
        <span className="voice-time">{formatDuration(playing || position > 0 ? position : duration)}</span>
      </div>
      <audio
        ref={audio}
        src={src}
        preload="metadata"
        onPlay={() => setPlaying(true)}
        onPause={() => setPlaying(false)}
        onEnded={() => {
          setPlaying(false);
          setPosition(0);
        }}
        onTimeUpdate={(e) => setPosition(e.currentTarget.currentTime * 1000)}
        onLoadedMetadata={(e) => {
          const d = e.currentTarget.duration;
          if (!durationMs && Number.isFinite(d)) setDuration(d * 1000);
        }}
      />
    </div>
  );
}

// ---- documents ----------------------------------------------------------------------------------

export function DocumentBody({ message: m, content: c }: { message: ClientMessage; content: Content }) {
  const { t, locale } = useI18n();
  const [serverSize, setSize] = useState<number | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<MediaError | null>(null);
  const name = str(c.fileName) ?? t('message.document');
  const ext = /\.([a-z0-9]{1,8})$/i.exec(name)?.[1]?.toUpperCase();
  // End-to-end encrypted: the size is the one inside the message (the server only knows the ciphertext's).
  const size = m.mediaKey ? m.mediaKey.size : serverSize;
  useEffect(() => {
    let live = true;
    if (m.mediaId && !m.pending && !m.mediaKey) void mediaInfo(m.mediaId).then((info) => live && info && setSize(info.size));
    return () => {
      live = false;
    };
  }, [m.mediaId, m.pending, m.mediaKey]);
  const saveDecrypted = async () => {
    if (!m.mediaId || !m.mediaKey || saving) return;
    setSaving(true);
    setError(null);
    try {
      saveBlob(await fetchDecrypted(m.mediaId, m.mediaKey), name);
    } catch (err) {
      setError(reasonOf(err));
    } finally {
      setSaving(false);
    }
  };
  const details = [ext, size !== null ? formatSize(size, locale) : null, num(c.pageCount) ? `${num(c.pageCount)} p.` : null].filter(Boolean).join(' · ');
  return (
    <>
      {error && <MediaProblem error={error} />}
      <div className="document">
        <span className="document-icon" aria-hidden="true">
          <DocumentIcon />
        </span>
        <span className="document-text">
          <span className="document-name">{name}</span>
          {details && <span className="document-details">{details}</span>}
        </span>
        {m.mediaId && m.mediaKey && (
          <button type="button" className="icon-btn document-download" onClick={() => void saveDecrypted()} aria-busy={saving} aria-label={`${t('message.download')} ${name}`} title={t('message.download')}>
            {saving ? <span className="spinner" aria-hidden="true" /> : <DownloadIcon />}
          </button>
        )}
        {m.mediaId && !m.mediaKey && (
          <a className="icon-btn document-download" href={store.api.mediaUrl(m.mediaId)} download={name} aria-label={`${t('message.download')} ${name}`} title={t('message.download')}>
            <DownloadIcon />
          </a>
        )}
      </div>
    </>
  );
}

// ---- location -----------------------------------------------------------------------------------

export function osmUrl(lat: number, lon: number): string {
  const la = lat.toFixed(6);
  const lo = lon.toFixed(6);
  return `https://www.openstreetmap.org/?mlat=${la}&mlon=${lo}#map=16/${la}/${lo}`;
}

export function LocationCard({ content: c }: { content: Content }) {
  const { t, locale } = useI18n();
  const lat = num(c.latitude);
  const lon = num(c.longitude);
  if (lat === undefined || lon === undefined) return <span className="bubble-text">{t('message.location')}</span>;
  const name = str(c.name);
  const address = str(c.address);
  const fmt = new Intl.NumberFormat(locale, { minimumFractionDigits: 5, maximumFractionDigits: 5 });
  const coords = `${fmt.format(lat)}, ${fmt.format(lon)}`;
  return (
    <div className="location">
      <a className="location-map" href={osmUrl(lat, lon)} target="_blank" rel="noopener noreferrer" aria-label={t('message.mapOf', { name: name ?? coords })}>
        <span className="location-pin" aria-hidden="true">
          <LocationIcon />
        </span>
      </a>
      <div className="location-text">
        <strong className="location-name">{name ?? t('message.location')}</strong>
        {address && <span className="location-address">{address}</span>}
        <span className="location-coords">{coords}</span>
        <a href={osmUrl(lat, lon)} target="_blank" rel="noopener noreferrer" className="location-link">
          {t('message.openMap')}
        </a>
      </div>
    </div>
  );
}

// ---- contact cards ------------------------------------------------------------------------------

interface Card {
  name: string;
  phones: { number: string; label?: string }[];
  organization?: string;
  emails?: string[];
}

function ContactCards({ content: c }: { content: Content }) {
  const cards = Array.isArray(c.contacts) ? (c.contacts as Card[]) : [];
  return (
    <div className="contact-cards">
      {cards.map((card, i) => (
        <ContactCardView key={i} card={card} />
      ))}
    </div>
  );
}

function ContactCardView({ card }: { card: Card }) {
  const { t } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const phones = Array.isArray(card.phones) ? card.phones : [];
  const first = phones[0]?.number;
  const open = async () => {
    if (!first) return;
    setBusy(true);
    setError(null);
    try {
      const chat = await store.openChatWith(first.replace(/[\s().-]/g, ''));
      navigate(`/chat/${encodeURIComponent(chat.id)}`);
    } catch (err) {
      setError(errorMessage(t, err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="contact-card">
      <div className="contact-card-head">
        <span className="avatar contact-card-avatar" aria-hidden="true">
          {card.name ? initials(card.name) : <ContactIcon />}
        </span>
        <div className="contact-card-text">
          <strong>{card.name}</strong>
          {card.organization && <span className="contact-card-org">{card.organization}</span>}
          <ul className="contact-card-phones">
            {phones.map((p, i) => (
              <li key={i}>
                <a href={`tel:${p.number.replace(/[^\d+]/g, '')}`}>{p.number}</a>
                {p.label && <span className="contact-card-label"> · {p.label}</span>}
              </li>
            ))}
          </ul>
        </div>
      </div>
      {first && (
        <button type="button" className="contact-card-action" onClick={() => void open()} disabled={busy}>
          {t('message.messageContact')}
        </button>
      )}
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/**
 * How the Business API's message kinds look in a chat, and how a customer answers them:
 * - `interactive`: header (text, or the message's medium), body, footer; reply buttons, a list
 *   (opened in a dialog of sections and rows), a call-to-action link, one product or a product list
 *   (product cards of features/commerce);
 * - `template`: header (text, medium or location), body, footer and its buttons (quick reply, link,
 *   phone number, copy code / one-time code);
 * - `interactive_reply`: the customer's choice (the bubble quotes the message it answers).
 * Tapping a reply button, a list row or a quick reply sends an `interactive_reply` through the
 * ordinary send path (store.send), with replyTo = the message; the server checks that it matches.
 */
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import type { InteractiveContent, InteractiveReplyContent, ProductItem, TemplateContent } from '#contracts/content.js';
import { useI18n } from '../../i18n/index.js';
import { store, useStore, type ClientMessage } from '../../lib/store.js';
import { Dialog } from '../../ui/dialog.js';
import { CheckIcon, CopyIcon } from '../../ui/icons.js';
import { DocumentBody, ImageBody, LocationCard, TextBody, VideoBody } from '../conversation/message-content.js';
import { ProductCard } from '../commerce/message-cards.js';
import '../../styles/business-api.css';

export const API_KINDS = ['interactive', 'template', 'interactive_reply'] as const;
export type ApiKind = (typeof API_KINDS)[number];
export const isApiKind = (kind: string): kind is ApiKind => (API_KINDS as readonly string[]).includes(kind);

/** The answer a tap sends (InteractiveReplyContent). */
export type ReplyAnswer = InteractiveReplyContent;

/** Send the customer's answer to `m` (the server checks that it matches a button or row of `m`). */
export function sendAnswer(m: Pick<ClientMessage, 'id' | 'chatId'>, answer: ReplyAnswer): Promise<void> {
  const content: Record<string, unknown> = { type: answer.type, id: answer.id, title: answer.title };
  if (answer.description) content.description = answer.description;
  return store.send(m.chatId, 'interactive_reply', content, { replyTo: m.id });
}

/** The URL as a link target when it is http(s), else null (never a javascript: or data: link). */
export function safeHttpUrl(raw: string | undefined): URL | null {
  if (!raw) return null;
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

const domainOf = (url: URL) => url.hostname.replace(/^www\./, '');

/** The ids this account already sent as answers to message `messageId` ("\n"-joined, so the selector result is stable). */
function useChosen(m: ClientMessage, myId: string): Set<string> {
  const joined = useStore((s) => {
    const items = s.messages[m.chatId]?.items;
    if (!items) return '';
    let out = '';
    for (const x of items) {
      if (x.kind === 'interactive_reply' && x.replyTo === m.id && x.senderId === myId && !x.failed && !x.deletedAt) {
        const id = (x.content as { id?: unknown } | null)?.id;
        if (typeof id === 'string') out += `${id}\n`;
      }
    }
    return out;
  });
  return new Set(joined.split('\n').filter(Boolean));
}

// ---- the body (inside the bubble) --------------------------------------------------------------

/** The content of an interactive, template or interactive_reply message. */
export function ApiMessageContent({ message: m }: { message: ClientMessage }) {
  if (m.kind === 'interactive') return <InteractiveBody message={m} content={(m.content ?? {}) as Partial<InteractiveContent>} />;
  if (m.kind === 'template') return <TemplateBody message={m} content={(m.content ?? {}) as Partial<TemplateContent>} />;
  const c = (m.content ?? {}) as Partial<InteractiveReplyContent>;
  return (
    <span className="api-reply">
      <span className="bubble-text api-reply-title">{c.title ?? ''}</span>
      {c.description && <span className="api-msg-footer">{c.description}</span>}
    </span>
  );
}

type Header = NonNullable<TemplateContent['header']>;

function HeaderView({ message: m, header }: { message: ClientMessage; header: Header | undefined }) {
  if (!header) return null;
  switch (header.type) {
    case 'text':
      return <strong className="api-msg-header">{header.text}</strong>;
    case 'image':
      return <div className="api-msg-media">{m.mediaId ? <ImageBody message={m} content={{}} /> : null}</div>;
    case 'video':
      return <div className="api-msg-media">{m.mediaId ? <VideoBody message={m} content={{}} /> : null}</div>;
    case 'document':
      return <DocumentBody message={m} content={{ fileName: header.fileName }} />;
    case 'location':
      return <LocationCard content={header as unknown as Record<string, unknown>} />;
    default:
      return null;
  }
}

function InteractiveBody({ message: m, content: c }: { message: ClientMessage; content: Partial<InteractiveContent> }) {
  return (
    <div className="api-msg" data-interactive={c.type}>
      <HeaderView message={m} header={c.header} />
      {c.body && <TextBody text={c.body} className="api-msg-body" />}
      {c.footer && <span className="api-msg-footer">{c.footer}</span>}
      {c.type === 'product' && c.productSections?.[0]?.items[0] && <ProductItemCard message={m} businessId={c.businessId ?? ''} item={c.productSections[0].items[0]} />}
      {c.type === 'product_list' && c.productSections && <ProductList message={m} businessId={c.businessId ?? ''} sections={c.productSections} />}
    </div>
  );
}

function TemplateBody({ message: m, content: c }: { message: ClientMessage; content: Partial<TemplateContent> }) {
  return (
    <div className="api-msg api-template">
      <HeaderView message={m} header={c.header} />
      {c.body && <TextBody text={c.body} className="api-msg-body" />}
      {c.footer && <span className="api-msg-footer">{c.footer}</span>}
    </div>
  );
}

/** One product of an interactive message, drawn as the commerce product card (opens the catalog). */
function ProductItemCard({ message: m, businessId, item }: { message: ClientMessage; businessId: string; item: ProductItem }) {
  const card: ClientMessage = {
    ...m,
    kind: 'product',
    content: { businessId, productId: item.productId, name: item.name, price: item.price, currency: item.currency, imageMediaId: item.imageMediaId, ...(item.retailerId ? { retailerId: item.retailerId } : {}) },
  };
  return <ProductCard message={card} />;
}

const LIST_PREVIEW = 2;

function ProductList({ message: m, businessId, sections }: { message: ClientMessage; businessId: string; sections: NonNullable<InteractiveContent['productSections']> }) {
  const { t } = useI18n();
  const [all, setAll] = useState(false);
  const listId = useId();
  const total = sections.reduce((n, s) => n + s.items.length, 0);
  let shown = 0;
  return (
    <div className="api-products">
      <div id={listId}>
        {sections.map((s, i) => {
          const items = all ? s.items : s.items.slice(0, Math.max(0, LIST_PREVIEW - shown));
          shown += items.length;
          if (items.length === 0) return null;
          return (
            <section key={i} className="api-products-section" aria-label={s.title || undefined}>
              {s.title && <h4 className="api-section-title">{s.title}</h4>}
              <ul className="api-products-items">
                {items.map((item) => (
                  <li key={item.productId}>
                    <ProductItemCard message={m} businessId={businessId} item={item} />
                  </li>
                ))}
              </ul>
            </section>
          );
        })}
      </div>
      {total > LIST_PREVIEW && (
        <button type="button" className="api-inline-toggle" aria-expanded={all} aria-controls={listId} onClick={() => setAll((v) => !v)}>
          {all ? t('api.msg.showFewer') : t('api.msg.showAll', { count: total })}
        </button>
      )}
    </div>
  );
}

// ---- the buttons (at the bottom of the bubble) ---------------------------------------------------

/** The buttons of an interactive or template message; `null` for other kinds or when there are none. */
export function ApiMessageButtons({ message: m, myId }: { message: ClientMessage; myId: string }) {
  const { t } = useI18n();
  const chosen = useChosen(m, myId);
  const [announce, setAnnounce] = useState('');
  const [listOpen, setListOpen] = useState(false);
  const listButton = useRef<HTMLButtonElement>(null);
  // The sender (the business itself, on its own devices) cannot answer its own message.
  const canAnswer = m.senderId !== myId && !m.pending && !m.deletedAt;
  if (m.deletedAt || (m.kind !== 'interactive' && m.kind !== 'template')) return null;

  const answer = (a: ReplyAnswer) => {
    if (!canAnswer) return;
    void sendAnswer(m, a);
    setAnnounce(t('api.msg.sent', { title: a.title }));
  };

  const items: ReactNode[] = [];
  if (m.kind === 'interactive') {
    const c = (m.content ?? {}) as Partial<InteractiveContent>;
    if (c.type === 'button') {
      for (const b of c.buttons ?? []) {
        items.push(<ReplyButton key={`b:${b.id}`} title={b.title} chosen={chosen.has(b.id)} disabled={!canAnswer} onClick={() => answer({ type: 'button_reply', id: b.id, title: b.title })} />);
      }
    } else if (c.type === 'list' && c.list) {
      const list = c.list;
      items.push(
        <button key="list" ref={listButton} type="button" className="api-btn" aria-haspopup="dialog" onClick={() => setListOpen(true)}>
          <span aria-hidden="true">☰</span> {list.button}
        </button>,
      );
      if (listOpen) {
        items.push(
          <ListSheet
            key="sheet"
            title={list.button}
            sections={list.sections}
            chosen={chosen}
            canAnswer={canAnswer}
            onChoose={(row) => {
              setListOpen(false);
              answer({ type: 'list_reply', id: row.id, title: row.title, ...(row.description ? { description: row.description } : {}) });
            }}
            onClose={() => setListOpen(false)}
          />,
        );
      }
    } else if (c.type === 'cta_url' && c.cta) {
      items.push(<LinkButton key="cta" text={c.cta.displayText} url={c.cta.url} />);
    }
  } else {
    const c = (m.content ?? {}) as Partial<TemplateContent>;
    (c.buttons ?? []).forEach((b, i) => {
      const key = `${b.type}:${i}`;
      if (b.type === 'quick_reply') {
        const id = b.payload ?? b.text;
        items.push(<ReplyButton key={key} title={b.text} chosen={chosen.has(id)} disabled={!canAnswer} onClick={() => answer({ type: 'button', id, title: b.text })} />);
      } else if (b.type === 'url') {
        items.push(<LinkButton key={key} text={b.text} url={b.url} />);
      } else if (b.type === 'phone_number') {
        items.push(<PhoneButton key={key} text={b.text} phone={b.phoneNumber} />);
      } else if (b.code) {
        items.push(<CopyCodeButton key={key} text={b.text} code={b.code} />);
      }
    });
  }
  if (items.length === 0) return null;
  return (
    <div className="api-buttons" role="group" aria-label={t('api.msg.buttons')}>
      {items}
      <span className="sr-only" role="status">
        {announce}
      </span>
    </div>
  );
}

function ReplyButton({ title, chosen, disabled, onClick }: { title: string; chosen: boolean; disabled: boolean; onClick(): void }) {
  const { t } = useI18n();
  return (
    <button type="button" className={`api-btn${chosen ? ' chosen' : ''}`} disabled={disabled} onClick={onClick}>
      {chosen ? <CheckIcon aria-hidden="true" className="api-btn-check" /> : <span aria-hidden="true">↩</span>} {title}
      {chosen && <span className="sr-only"> ({t('api.msg.chosen')})</span>}
    </button>
  );
}

function LinkButton({ text, url: raw }: { text: string; url: string | undefined }) {
  const { t } = useI18n();
  const url = safeHttpUrl(raw);
  if (!url) {
    return (
      <span className="api-btn api-btn-inert" aria-disabled="true">
        {text}
      </span>
    );
  }
  const domain = domainOf(url);
  return (
    <a className="api-btn" href={url.href} target="_blank" rel="noopener noreferrer">
      <span aria-hidden="true">↗</span> {text}
      <span className="sr-only">, </span>
      <span className="api-btn-domain">{domain}</span>
      <span className="sr-only"> ({t('api.msg.newTab')})</span>
    </a>
  );
}

function PhoneButton({ text, phone }: { text: string; phone: string | undefined }) {
  const { t } = useI18n();
  const digits = (phone ?? '').replace(/[^\d+]/g, '');
  if (!digits) return <span className="api-btn api-btn-inert">{text}</span>;
  return (
    <a className="api-btn" href={`tel:${digits}`} aria-label={t('api.msg.call', { text, phone: phone ?? digits })}>
      <span aria-hidden="true">📞</span> {text}
    </a>
  );
}

function CopyCodeButton({ text, code }: { text: string; code: string }) {
  const { t } = useI18n();
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const copy = async () => {
    clearTimeout(timer.current);
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(code);
      setState('copied');
    } catch {
      setState('failed');
    }
    timer.current = setTimeout(() => setState('idle'), 2500);
  };
  return (
    <button type="button" className="api-btn" onClick={() => void copy()}>
      {state === 'copied' ? <CheckIcon aria-hidden="true" className="api-btn-check" /> : <CopyIcon aria-hidden="true" className="api-btn-icon" />}{' '}
      {state === 'copied' ? t('api.msg.copied') : state === 'failed' ? t('api.msg.copyFailed', { code }) : text}
      {state === 'idle' && <span className="sr-only"> ({code})</span>}
      <span className="sr-only" role="status">
        {state === 'copied' ? t('api.msg.copied') : state === 'failed' ? t('api.msg.copyFailed', { code }) : ''}
      </span>
    </button>
  );
}

type Row = NonNullable<InteractiveContent['list']>['sections'][number]['rows'][number];

/** The list's sections and rows in a dialog; choosing a row sends it. */
function ListSheet({
  title,
  sections,
  chosen,
  canAnswer,
  onChoose,
  onClose,
}: {
  title: string;
  sections: NonNullable<InteractiveContent['list']>['sections'];
  chosen: Set<string>;
  canAnswer: boolean;
  onChoose(row: Row): void;
  onClose(): void;
}) {
  const { t } = useI18n();
  const ids = useId();
  return createPortal(
    <Dialog title={title} onClose={onClose}>
      <div className="api-list-sheet">
        {!canAnswer && <p className="panel-hint">{t('api.msg.ownList')}</p>}
        {sections.map((s, i) => (
          <section key={i} className="api-list-section" aria-labelledby={s.title ? `${ids}-s${i}` : undefined}>
            {s.title && (
              <h3 id={`${ids}-s${i}`} className="api-section-title">
                {s.title}
              </h3>
            )}
            <ul className="api-list-rows">
              {s.rows.map((row) => (
                <li key={row.id}>
                  <button type="button" className={`api-list-row${chosen.has(row.id) ? ' chosen' : ''}`} disabled={!canAnswer} onClick={() => onChoose(row)}>
                    <span className="api-list-row-text">
                      <span className="api-list-row-title">{row.title}</span>
                      {row.description && <span className="api-list-row-desc">{row.description}</span>}
                    </span>
                    {chosen.has(row.id) && (
                      <>
                        <CheckIcon aria-hidden="true" className="api-btn-check" />
                        <span className="sr-only"> ({t('api.msg.chosen')})</span>
                      </>
                    )}
                  </button>
                </li>
              ))}
            </ul>
          </section>
        ))}
        <div className="form-actions">
          <button type="button" className="btn btn-ghost" onClick={onClose}>
            {t('common.close')}
          </button>
        </div>
      </div>
    </Dialog>,
    document.body,
  );
}

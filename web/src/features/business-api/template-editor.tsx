/**
 * Business tools → Message templates → new or edit: the owner writes a template (name, language,
 * category, parameter format, header, body with variables and one sample per variable, footer,
 * buttons) with the limits shown as counters and enforced as they type, and sees the customer's
 * bubble beside the form (below it on a phone). While they type, the dry-run review runs (debounced)
 * and its problems appear next to the fields they concern; submitting shows the review's result,
 * its reason and what to change.
 */
import { useCallback, useEffect, useId, useMemo, useRef, useState, type FormEvent, type ReactNode, type Ref } from 'react';
import { useI18n, type Translate } from '../../i18n/index.js';
import type { MessageKey } from '../../i18n/en.js';
import { ApiError } from '../../lib/api.js';
import { ConfirmDialog } from '../contacts/confirm-dialog.js';
import { IDLE, InlineStatus, type Status } from '../contacts/side-panel.js';
import { ownerApi, type GraphComponent, type OwnerTemplate, type ReviewResult, type TemplateProblem } from './owner-client.js';
import { setupErrorMessage } from './api-settings-section.js';
import {
  addButton,
  BUTTON_KINDS,
  buttonCounts,
  canAddButton,
  CATEGORIES,
  emptyDraft,
  fromTemplate,
  HEADER_KINDS,
  LANGUAGES,
  length,
  LIMITS,
  newButton,
  problemsBySlot,
  toComponents,
  toInput,
  toPreview,
  urlHasVariable,
  variablesOf,
  type ButtonKind,
  type Draft,
  type DraftButton,
  type HeaderKind,
} from './template-draft.js';
import { TemplatePreview } from './template-preview.js';
import { reasonLabel, ReviewReason, StatusBadge } from './template-status.js';
import '../../styles/business-api-templates.css';

/** How long the owner pauses typing before the dry-run review runs. */
export const REVIEW_DELAY_MS = 600;

const CATEGORY_KEYS: Record<string, MessageKey> = { MARKETING: 'tpl.category.MARKETING', UTILITY: 'tpl.category.UTILITY', AUTHENTICATION: 'tpl.category.AUTHENTICATION' };
const HEADER_KEYS: Record<HeaderKind, MessageKey> = { NONE: 'tpl.header.NONE', TEXT: 'tpl.header.TEXT', IMAGE: 'tpl.header.IMAGE', VIDEO: 'tpl.header.VIDEO', DOCUMENT: 'tpl.header.DOCUMENT' };
const BUTTON_KEYS: Record<ButtonKind, { add: MessageKey; label: MessageKey }> = {
  QUICK_REPLY: { add: 'tpl.buttons.addQuickReply', label: 'tpl.buttons.QUICK_REPLY' },
  URL: { add: 'tpl.buttons.addUrl', label: 'tpl.buttons.URL' },
  PHONE_NUMBER: { add: 'tpl.buttons.addPhone', label: 'tpl.buttons.PHONE_NUMBER' },
  COPY_CODE: { add: 'tpl.buttons.addCopyCode', label: 'tpl.buttons.COPY_CODE' },
};

export const categoryLabel = (t: Translate, c: string) => (CATEGORY_KEYS[c] ? t(CATEGORY_KEYS[c]) : c);

type Review = { kind: 'idle' } | { kind: 'checking' } | { kind: 'done'; result: ReviewResult; sent: GraphComponent[] } | { kind: 'error'; text: string };

/** A text's length against its limit, read with the field (aria-describedby). */
function Counter({ id, value, max }: { id: string; value: string; max: number }) {
  const { t } = useI18n();
  const n = length(value);
  return (
    <span id={id} className={`tpl-counter${n >= max ? ' full' : ''}`}>
      <span aria-hidden="true">
        {n}/{max}
      </span>
      <span className="sr-only">{t('tpl.counter', { count: n, max })}</span>
    </span>
  );
}

interface CountedFieldProps {
  id: string;
  label: string;
  value: string;
  max: number;
  onChange(value: string): void;
  help?: ReactNode;
  /** The id of the problems shown for this field, when there are some (then the field is marked invalid). */
  problemsId?: string | false | undefined;
  multiline?: boolean;
  inputRef?: Ref<HTMLTextAreaElement>;
  className?: string;
  type?: 'text' | 'tel';
  placeholder?: string;
}

/** A text field with its limit: a counter beside the label; typing and pasting stop at the limit; its help and problems are read with it. */
function CountedField({ id, label, value, max, onChange, help, problemsId, multiline = false, inputRef, className = '', type = 'text', placeholder }: CountedFieldProps) {
  const common = {
    id,
    className: `input ${className}`.trim(),
    value,
    maxLength: max,
    placeholder,
    'aria-invalid': problemsId ? true : undefined,
    'aria-describedby': [`${id}-count`, help ? `${id}-help` : '', problemsId || ''].filter(Boolean).join(' '),
  };
  return (
    <div className="field">
      <div className="tpl-label-row">
        <label htmlFor={id}>{label}</label>
        <Counter id={`${id}-count`} value={value} max={max} />
      </div>
      {multiline ? (
        <textarea ref={inputRef} rows={5} {...common} onChange={(e) => onChange(clip(e.target.value, max))} />
      ) : (
        <input type={type} inputMode={type === 'tel' ? 'tel' : undefined} {...common} onChange={(e) => onChange(clip(e.target.value, max))} autoComplete="off" />
      )}
      {help && (
        <p id={`${id}-help`} className="panel-hint">
          {help}
        </p>
      )}
    </div>
  );
}

/** The review's problems for one place in the form. */
function Problems({ id, list }: { id: string; list: string[] | undefined }) {
  if (!list || list.length === 0) return null;
  return (
    <ul id={id} className="tpl-problems">
      {list.map((p, i) => (
        <li key={i} className="error-text">
          <span aria-hidden="true">⚠ </span>
          {p}
        </li>
      ))}
    </ul>
  );
}

/** Keep what a `maxLength` would cut on paste out of the state too (code points, as the server counts). */
const clip = (s: string, max: number) => (length(s) > max ? [...s].slice(0, max).join('') : s);

/** Lowercase letters, digits and underscores, as the owner types (spaces and dashes become underscores). */
const asName = (s: string) => s.toLowerCase().replace(/[\s-]+/g, '_');

export function TemplateEditor({ template, onClose, onSaved }: { template: OwnerTemplate | null; onClose(): void; onSaved(t: OwnerTemplate): void }) {
  const { t } = useI18n();
  const ids = useId();
  const [draft, setDraft] = useState<Draft>(() => (template ? fromTemplate(template) : emptyDraft()));
  const [saved, setSaved] = useState<OwnerTemplate | null>(template);
  const [touched, setTouched] = useState(false);
  const [review, setReview] = useState<Review>({ kind: 'idle' });
  const [submitStatus, setSubmitStatus] = useState<Status>(IDLE);
  const [result, setResult] = useState<OwnerTemplate | null>(null);
  const [nameError, setNameError] = useState<string | null>(null);
  const [discarding, setDiscarding] = useState(false);
  const keepEditing = useCallback(() => setDiscarding(false), []);
  const seq = useRef(0);
  const resultRef = useRef<HTMLDivElement>(null);
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const editing = saved !== null;
  /** Changes not submitted since the editor opened or since the last submission. */
  const unsaved = touched && result === null;

  const update = (change: (d: Draft) => Draft) => {
    setDraft((d) => change(d));
    setTouched(true);
    setResult(null);
  };

  const input = useMemo(() => toInput(draft), [draft]);
  const inputKey = JSON.stringify(input);

  // The dry-run review, debounced, once there is a name and a text; an older answer never replaces a newer one.
  const reviewable = touched && draft.name.trim() !== '' && (draft.category === 'AUTHENTICATION' || draft.body.trim() !== '');
  useEffect(() => {
    if (!reviewable) {
      seq.current++;
      setReview({ kind: 'idle' });
      return;
    }
    const mine = ++seq.current;
    const timer = setTimeout(() => {
      setReview({ kind: 'checking' });
      const sent = input.components;
      ownerApi()
        .review(input)
        .then((r) => mine === seq.current && setReview({ kind: 'done', result: r, sent }))
        .catch((err: unknown) => mine === seq.current && setReview({ kind: 'error', text: setupErrorMessage(t, err) }));
    }, REVIEW_DELAY_MS);
    return () => clearTimeout(timer);
    // inputKey stands for input
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [inputKey, reviewable, t]);

  // Keyboard users start typing at once: in the name of a new template, in the text of a stored one.
  const nameRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    (template ? bodyRef.current : nameRef.current)?.focus();
    // on opening only
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    if (result) resultRef.current?.focus();
  }, [result]);

  const problems = useMemo(() => {
    if (review.kind !== 'done') return new Map<string, string[]>();
    return problemsBySlot(review.result.problems, review.sent);
  }, [review]);

  const headerVars = variablesOf(draft.header.text, draft.format);
  const bodyVars = variablesOf(draft.body, draft.format);
  const localHeader = draft.header.kind === 'TEXT' && headerVars.length > 1 ? [t('tpl.header.oneVariable')] : [];
  const slot = (s: string, extra: string[] = []) => {
    const list = [...extra, ...(problems.get(s) ?? [])];
    return list.length ? list : undefined;
  };
  const describe = (...parts: unknown[]) => parts.filter((p): p is string => typeof p === 'string' && p !== '').join(' ') || undefined;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (submitStatus.kind === 'busy') return;
    setSubmitStatus({ kind: 'busy', text: t('tpl.submitting') });
    setNameError(null);
    try {
      const api = ownerApi();
      const out = saved ? await api.update(saved.id, { components: toComponents(draft), category: draft.category, parameter_format: draft.format }) : await api.create(input);
      setSaved(out);
      setResult(out);
      setSubmitStatus(IDLE);
      onSaved(out);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'TEMPLATE_INVALID') {
        const list = (err.details?.problems ?? []) as TemplateProblem[];
        setReview({ kind: 'done', result: { status: 'REJECTED', category: draft.category, rejectedReason: 'INVALID_FORMAT', problems: list }, sent: input.components });
        setSubmitStatus({ kind: 'error', text: t('tpl.submitInvalid') });
      } else if (err instanceof ApiError && err.code === 'TEMPLATE_EXISTS') {
        setNameError(t('tpl.name.exists'));
        setSubmitStatus({ kind: 'error', text: t('tpl.name.exists') });
      } else {
        setSubmitStatus({ kind: 'error', text: setupErrorMessage(t, err) });
      }
    }
  };

  const insertVariable = () => {
    const el = bodyRef.current;
    const next = draft.format === 'POSITIONAL' ? String(bodyVars.length + 1) : `variable_${bodyVars.length + 1}`;
    const token = `{{${next}}}`;
    const at = el ? el.selectionStart : draft.body.length;
    const end = el ? el.selectionEnd : draft.body.length;
    const body = clip(draft.body.slice(0, at) + token + draft.body.slice(end), LIMITS.body);
    update((d) => ({ ...d, body }));
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(at + token.length, at + token.length);
    });
  };

  const setButton = (key: string, change: Partial<DraftButton>) => update((d) => ({ ...d, buttons: d.buttons.map((b) => (b.key === key ? { ...b, ...change } : b)) }));
  const setAllowCategoryChange = (on: boolean) => update((d) => ({ ...d, allowCategoryChange: on }));
  const counts = buttonCounts(draft.buttons);
  const auth = draft.category === 'AUTHENTICATION';

  const field = (slotName: string) => `${ids}-p-${slotName.replace(':', '-')}`;

  return (
    <div className="tpl-editor">
      <div className="tpl-grid">
        <form className="settings-form tpl-form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby={`${ids}-title`}>
          <h3 id={`${ids}-title`} className="tpl-editor-title">
            {editing ? t('tpl.editor.editTitle', { name: draft.name }) : t('tpl.editor.newTitle')}
          </h3>
          {editing && saved && <p className="panel-hint">{t('tpl.editor.editHelp')}</p>}

          <div className="field">
            <label htmlFor={`${ids}-name`}>{t('tpl.name')}</label>
            <input
              ref={nameRef}
              id={`${ids}-name`}
              className="input api-mono"
              type="text"
              value={draft.name}
              maxLength={LIMITS.name}
              readOnly={editing}
              aria-invalid={Boolean(nameError || problems.get('name')) || undefined}
              aria-describedby={describe(`${ids}-name-help`, (nameError || problems.get('name')) && field('name'))}
              onChange={(e) => {
                const name = asName(e.target.value);
                update((d) => ({ ...d, name }));
                setNameError(null);
              }}
              autoComplete="off"
              spellCheck={false}
            />
            <p id={`${ids}-name-help`} className="panel-hint">
              {editing ? t('tpl.name.fixed') : t('tpl.name.help')}
            </p>
            <Problems id={field('name')} list={slot('name', nameError ? [nameError] : [])} />
          </div>

          <div className="tpl-row">
            <div className="field">
              <label htmlFor={`${ids}-lang`}>{t('tpl.language')}</label>
              <select id={`${ids}-lang`} className="input" value={draft.language} disabled={editing} aria-describedby={problems.get('language') ? field('language') : undefined} onChange={(e) => update((d) => ({ ...d, language: e.target.value }))}>
                {(LANGUAGES as readonly string[]).includes(draft.language) ? null : <option value={draft.language}>{draft.language}</option>}
                {LANGUAGES.map((l) => (
                  <option key={l} value={l}>
                    {l}
                  </option>
                ))}
              </select>
              <Problems id={field('language')} list={slot('language')} />
            </div>
            <div className="field">
              <label htmlFor={`${ids}-cat`}>{t('tpl.category')}</label>
              <select id={`${ids}-cat`} className="input" value={draft.category} aria-describedby={describe(`${ids}-cat-help`, problems.get('category') && field('category'))} onChange={(e) => update((d) => ({ ...d, category: e.target.value as Draft['category'] }))}>
                {CATEGORIES.map((c) => (
                  <option key={c} value={c}>
                    {categoryLabel(t, c)}
                  </option>
                ))}
              </select>
              <p id={`${ids}-cat-help`} className="panel-hint">
                {t(`tpl.category.help.${draft.category}` as MessageKey)}
              </p>
              {!editing && (
                <label className="tpl-radio">
                  <input type="checkbox" checked={draft.allowCategoryChange} onChange={(e) => setAllowCategoryChange(e.target.checked)} />
                  <span>{t('tpl.category.allowChange')}</span>
                </label>
              )}
              <Problems id={field('category')} list={slot('category')} />
            </div>
          </div>

          {!auth && (
            <fieldset className="tpl-fieldset">
              <legend className="field-label">{t('tpl.format')}</legend>
              <div className="tpl-radios">
                {(['POSITIONAL', 'NAMED'] as const).map((f) => (
                  <label key={f} className="tpl-radio">
                    <input type="radio" name={`${ids}-format`} value={f} checked={draft.format === f} onChange={() => update((d) => ({ ...d, format: f }))} />
                    <span>{t(f === 'POSITIONAL' ? 'tpl.format.positional' : 'tpl.format.named')}</span>
                  </label>
                ))}
              </div>
              <Problems id={field('format')} list={slot('format')} />
            </fieldset>
          )}

          {auth ? (
            <AuthFields draft={draft} update={update} ids={ids} problems={problems} />
          ) : (
            <>
              <fieldset className="tpl-fieldset">
                <legend className="field-label">{t('tpl.header')}</legend>
                <div className="field">
                  <label htmlFor={`${ids}-hkind`}>{t('tpl.header.kind')}</label>
                  <select id={`${ids}-hkind`} className="input" value={draft.header.kind} onChange={(e) => update((d) => ({ ...d, header: { ...d.header, kind: e.target.value as HeaderKind } }))}>
                    {HEADER_KINDS.map((k) => (
                      <option key={k} value={k}>
                        {t(HEADER_KEYS[k])}
                      </option>
                    ))}
                  </select>
                </div>
                {draft.header.kind === 'TEXT' && (
                  <>
                    <CountedField
                      id={`${ids}-htext`}
                      label={t('tpl.header.text')}
                      value={draft.header.text}
                      max={LIMITS.header}
                      onChange={(text) => update((d) => ({ ...d, header: { ...d.header, text } }))}
                      help={t('tpl.header.textHelp')}
                      problemsId={slot('header', localHeader) && field('header')}
                    />
                    {headerVars.length >= 1 && (
                      <div className="field">
                        <label htmlFor={`${ids}-hsample`}>{t('tpl.header.sampleFor', { variable: `{{${headerVars[0]}}}` })}</label>
                        <input id={`${ids}-hsample`} className="input" type="text" value={draft.header.sample} maxLength={LIMITS.header} onChange={(e) => update((d) => ({ ...d, header: { ...d.header, sample: e.target.value } }))} autoComplete="off" />
                      </div>
                    )}
                  </>
                )}
                {(draft.header.kind === 'IMAGE' || draft.header.kind === 'VIDEO' || draft.header.kind === 'DOCUMENT') && (
                  <div className="field">
                    <label htmlFor={`${ids}-hmedia`}>{t('tpl.header.media')}</label>
                    <input
                      id={`${ids}-hmedia`}
                      className="input api-mono"
                      type="text"
                      inputMode="url"
                      value={draft.header.media}
                      maxLength={LIMITS.url}
                      placeholder="https://"
                      aria-describedby={`${ids}-hmedia-help`}
                      onChange={(e) => update((d) => ({ ...d, header: { ...d.header, media: e.target.value } }))}
                      autoComplete="off"
                      spellCheck={false}
                    />
                    <p id={`${ids}-hmedia-help`} className="panel-hint">
                      {t('tpl.header.mediaHelp')}
                    </p>
                  </div>
                )}
                <Problems id={field('header')} list={slot('header', localHeader)} />
              </fieldset>

              <fieldset className="tpl-fieldset">
                <legend className="field-label">{t('tpl.body')}</legend>
                <div className="field">
                  <CountedField
                    id={`${ids}-body`}
                    label={t('tpl.body.text')}
                    value={draft.body}
                    max={LIMITS.body}
                    onChange={(body) => update((d) => ({ ...d, body }))}
                    help={t(draft.format === 'POSITIONAL' ? 'tpl.body.helpPositional' : 'tpl.body.helpNamed')}
                    problemsId={problems.get('body') && field('body')}
                    multiline
                    inputRef={bodyRef}
                    className="tpl-body"
                  />
                  <div>
                    <button type="button" className="btn btn-outline btn-small" onClick={insertVariable} disabled={length(draft.body) + 8 > LIMITS.body}>
                      {t('tpl.body.addVariable')}
                    </button>
                  </div>
                </div>
                <Problems id={field('body')} list={slot('body')} />
                {bodyVars.length > 0 && (
                  <div className="tpl-samples" role="group" aria-labelledby={`${ids}-samples`}>
                    <p id={`${ids}-samples`} className="field-label">
                      {t('tpl.body.samples', { count: bodyVars.length })}
                    </p>
                    <p className="panel-hint">{t('tpl.body.samplesHelp')}</p>
                    {bodyVars.map((v) => (
                      <div key={v} className="field tpl-sample">
                        <label htmlFor={`${ids}-s-${v}`}>{t('tpl.sampleFor', { variable: `{{${v}}}` })}</label>
                        <input
                          id={`${ids}-s-${v}`}
                          className="input"
                          type="text"
                          value={draft.samples[v] ?? ''}
                          maxLength={LIMITS.sample}
                          onChange={(e) => {
                            const value = e.target.value;
                            update((d) => ({ ...d, samples: { ...d.samples, [v]: value } }));
                          }}
                          autoComplete="off"
                        />
                      </div>
                    ))}
                  </div>
                )}
              </fieldset>

              <div>
                <CountedField
                  id={`${ids}-footer`}
                  label={t('tpl.footer')}
                  value={draft.footer}
                  max={LIMITS.footer}
                  onChange={(footer) => update((d) => ({ ...d, footer }))}
                  help={t('tpl.footer.help')}
                  problemsId={problems.get('footer') && field('footer')}
                />
                <Problems id={field('footer')} list={slot('footer')} />
              </div>

              <fieldset className="tpl-fieldset">
                <legend className="field-label">
                  {t('tpl.buttons')} <span className="tpl-counter">{t('tpl.buttons.count', { count: draft.buttons.length, max: LIMITS.buttons })}</span>
                </legend>
                <p className="panel-hint">{t('tpl.buttons.help')}</p>
                {draft.buttons.length > 0 && (
                  <ol className="tpl-buttons">
                    {draft.buttons.map((b, i) => (
                      <ButtonFields
                        key={b.key}
                        b={b}
                        index={i}
                        ids={ids}
                        problemsId={field(`button:${i}`)}
                        problems={slot(`button:${i}`)}
                        onChange={(change) => setButton(b.key, change)}
                        onRemove={() => update((d) => ({ ...d, buttons: d.buttons.filter((x) => x.key !== b.key) }))}
                      />
                    ))}
                  </ol>
                )}
                <div className="tpl-add-buttons">
                  {BUTTON_KINDS.map((kind) => (
                    <button key={kind} type="button" className="btn btn-outline btn-small" disabled={!canAddButton(draft, kind)} onClick={() => update((d) => ({ ...d, buttons: addButton(d.buttons, newButton(kind)) }))}>
                      + {t(BUTTON_KEYS[kind].add)}
                    </button>
                  ))}
                </div>
                <p className="panel-hint">{t('tpl.buttons.limits', { urls: counts.URL, phones: counts.PHONE_NUMBER, codes: counts.COPY_CODE })}</p>
                <Problems id={field('buttons')} list={slot('buttons')} />
              </fieldset>
            </>
          )}

          <Problems id={field('other')} list={slot('other')} />
          <ReviewLine review={review} />

          {result && (
            <div ref={resultRef} className={`tpl-result tpl-result-${result.status.toLowerCase()}`} role="region" aria-label={t('tpl.result.title')} tabIndex={-1}>
              <strong className="tpl-result-title">{t('tpl.result.title')}</strong>
              <p className="tpl-result-status">
                <StatusBadge template={result} />
                <span>{t('tpl.result.category', { category: categoryLabel(t, result.category) })}</span>
              </p>
              {result.status === 'REJECTED' && <ReviewReason template={result} />}
              {result.status === 'REJECTED' && <p className="panel-hint">{t('tpl.result.fixAndResubmit')}</p>}
              {result.status === 'APPROVED' && <p className="panel-hint">{t('tpl.result.approvedHelp')}</p>}
            </div>
          )}

          <div className="form-actions">
            <InlineStatus state={submitStatus} />
            <button type="button" className="btn btn-ghost" onClick={() => (unsaved ? setDiscarding(true) : onClose())}>
              {result ? t('tpl.editor.done') : t('common.cancel')}
            </button>
            <button type="submit" className="btn" disabled={submitStatus.kind === 'busy' || !draft.name.trim() || (!auth && !draft.body.trim())}>
              {editing ? t('tpl.editor.resubmit') : t('tpl.editor.submit')}
            </button>
          </div>
        </form>
        <div className="tpl-side">
          <TemplatePreview content={toPreview(draft)} id={`${ids}-preview`} />
        </div>
      </div>
      {discarding && <ConfirmDialog title={t('tpl.discard.title')} message={t('tpl.discard.message')} confirmLabel={t('tpl.discard.confirm')} danger onCancel={keepEditing} onConfirm={onClose} />}
    </div>
  );
}

function ReviewLine({ review }: { review: Review }) {
  const { t } = useI18n();
  let text: ReactNode = '';
  let cls = '';
  if (review.kind === 'checking') text = t('tpl.review.checking');
  else if (review.kind === 'error') {
    text = review.text;
    cls = ' error-text';
  } else if (review.kind === 'done') {
    const r = review.result;
    if (r.status === 'APPROVED') {
      text = t('tpl.review.wouldApprove', { category: categoryLabel(t, r.category) });
      cls = ' ok';
    } else {
      text = t('tpl.review.wouldReject', { reason: reasonLabel(t, r.rejectedReason) });
      cls = ' warn';
    }
  }
  return (
    <p className={`tpl-review${cls}`} role="status" aria-live="polite">
      {review.kind !== 'idle' && <span className="field-label">{t('tpl.review.title')}: </span>}
      {text}
    </p>
  );
}

function ButtonFields({
  b,
  index,
  ids,
  problemsId,
  problems,
  onChange,
  onRemove,
}: {
  b: DraftButton;
  index: number;
  ids: string;
  problemsId: string;
  problems: string[] | undefined;
  onChange(change: Partial<DraftButton>): void;
  onRemove(): void;
}) {
  const { t } = useI18n();
  const id = `${ids}-btn-${b.key}`;
  const label = t(BUTTON_KEYS[b.type].label);
  return (
    <li className="tpl-button" aria-label={t('tpl.buttons.item', { n: index + 1, kind: label })}>
      <div className="tpl-button-head">
        <strong>
          {index + 1}. {label}
        </strong>
        <button type="button" className="btn btn-ghost btn-small" onClick={onRemove} aria-label={t('tpl.buttons.remove', { n: index + 1, kind: label })}>
          {t('tpl.buttons.removeShort')}
        </button>
      </div>
      {b.type === 'COPY_CODE' ? (
        <CountedField id={`${id}-code`} label={t('tpl.buttons.code')} value={b.code} max={LIMITS.copyCode} onChange={(code) => onChange({ code })} problemsId={problems && problemsId} className="api-mono" />
      ) : (
        <CountedField id={`${id}-text`} label={t('tpl.buttons.text')} value={b.text} max={LIMITS.buttonText} onChange={(text) => onChange({ text })} problemsId={problems && problemsId} />
      )}
      {b.type === 'URL' && (
        <>
          <div className="field">
            <label htmlFor={`${id}-url`}>{t('tpl.buttons.url')}</label>
            <input id={`${id}-url`} className="input api-mono" type="url" inputMode="url" placeholder="https://" value={b.url} maxLength={LIMITS.url} aria-describedby={`${id}-urlhelp`} onChange={(e) => onChange({ url: e.target.value })} autoComplete="off" spellCheck={false} />
            <p id={`${id}-urlhelp`} className="panel-hint">
              {t('tpl.buttons.urlHelp')}
            </p>
          </div>
          {urlHasVariable(b.url) && (
            <div className="field">
              <label htmlFor={`${id}-urlsample`}>{t('tpl.buttons.urlSample')}</label>
              <input id={`${id}-urlsample`} className="input api-mono" type="text" value={b.urlSample} maxLength={LIMITS.sample} onChange={(e) => onChange({ urlSample: e.target.value })} autoComplete="off" spellCheck={false} />
            </div>
          )}
        </>
      )}
      {b.type === 'PHONE_NUMBER' && (
        <CountedField id={`${id}-phone`} label={t('tpl.buttons.phone')} value={b.phone} max={LIMITS.phone} onChange={(phone) => onChange({ phone })} type="tel" placeholder="+33 6 12 34 56 78" />
      )}
      <Problems id={problemsId} list={problems} />
    </li>
  );
}

function AuthFields({ draft, update, ids, problems }: { draft: Draft; update(change: (d: Draft) => Draft): void; ids: string; problems: Map<string, string[]> }) {
  const { t } = useI18n();
  const list = ['body', 'footer', 'buttons', 'button:0'].flatMap((s) => problems.get(s) ?? []);
  const setAuth = (change: Partial<Draft['auth']>) => update((d) => ({ ...d, auth: { ...d.auth, ...change } }));
  return (
    <fieldset className="tpl-fieldset">
      <legend className="field-label">{t('tpl.auth.title')}</legend>
      <p className="panel-hint">{t('tpl.auth.help')}</p>
      <label className="tpl-radio">
        <input type="checkbox" checked={draft.auth.securityRecommendation} onChange={(e) => setAuth({ securityRecommendation: e.target.checked })} />
        <span>{t('tpl.auth.security')}</span>
      </label>
      <div className="field">
        <label htmlFor={`${ids}-expiry`}>{t('tpl.auth.expiry')}</label>
        <input id={`${ids}-expiry`} className="input tpl-narrow" type="number" min={1} max={LIMITS.expirationMinutes} value={draft.auth.expirationMinutes} onChange={(e) => setAuth({ expirationMinutes: e.target.value })} />
      </div>
      <CountedField id={`${ids}-otp`} label={t('tpl.auth.buttonText')} value={draft.auth.buttonText} max={LIMITS.buttonText} onChange={(buttonText) => setAuth({ buttonText })} />
      <Problems id={`${ids}-p-auth`} list={list.length ? list : undefined} />
    </fieldset>
  );
}

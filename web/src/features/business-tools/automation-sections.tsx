/**
 * Business tools → Greeting message and Away message: on/off, the text, the recipients (everyone,
 * not in contacts, everyone except a list, only a list) and, for the away message, when it applies
 * (always, a custom date-time range, or outside the profile's business hours).
 */
import { useState, type FormEvent } from 'react';
import { AUTOMATION_TEXT_MAX } from '#contracts/business-tools-constants.js';
import type { AwaySchedule, AwaySettings, GreetingSettings, Recipients } from '#contracts/automation.js';
import { useI18n } from '../../i18n/index.js';
import { errorMessage } from '../auth/auth-screen.js';
import { IDLE, InlineStatus, PanelSection, type Status } from '../contacts/side-panel.js';
import { automationResource, toolsApi, useAutomation } from './data.js';
import '../../styles/business-tools.css';

const RECIPIENTS: Recipients[] = ['everyone', 'not_in_contacts', 'except', 'only'];
const SCHEDULES: AwaySchedule[] = ['always', 'custom', 'outside_hours'];

/** epoch ms ↔ the value of an <input type="datetime-local"> in the browser's time zone. */
export function toLocalInput(ms: number | null): string {
  if (ms === null) return '';
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
export function fromLocalInput(v: string): number | null {
  if (!v) return null;
  const ms = new Date(v).getTime();
  return Number.isNaN(ms) ? null : ms;
}

function RecipientsPicker({ id, value, phones, onChange, onPhones }: { id: string; value: Recipients; phones: string; onChange(r: Recipients): void; onPhones(v: string): void }) {
  const { t } = useI18n();
  return (
    <>
      <fieldset className="tools-radios">
        <legend>{t('tools.recipients')}</legend>
        {RECIPIENTS.map((r) => (
          <label key={r}>
            <input type="radio" name={`${id}-recipients`} value={r} checked={value === r} onChange={() => onChange(r)} />
            {t(`tools.recipients.${r}`)}
          </label>
        ))}
      </fieldset>
      {(value === 'except' || value === 'only') && (
        <div className="field">
          <label htmlFor={`${id}-phones`}>{t('tools.phones')}</label>
          <textarea id={`${id}-phones`} className="input" value={phones} placeholder="+33612345678" onChange={(e) => onPhones(e.target.value)} />
        </div>
      )}
    </>
  );
}

const splitPhones = (v: string) =>
  v
    .split(/[\n,;]+/)
    .map((p) => p.trim())
    .filter(Boolean);

function useSaver() {
  const { t } = useI18n();
  const [status, setStatus] = useState<Status>(IDLE);
  const run = async (work: () => Promise<unknown>) => {
    setStatus({ kind: 'busy', text: t('tools.saving') });
    try {
      await work();
      await automationResource.refresh();
      setStatus({ kind: 'ok', text: t('tools.saved') });
    } catch (err) {
      setStatus({ kind: 'error', text: errorMessage(t, err) });
    }
  };
  return { status, setStatus, run };
}

type Saver = ReturnType<typeof useSaver>;

function GreetingForm({ initial, saver }: { initial: GreetingSettings; saver: Saver }) {
  const { t } = useI18n();
  const [enabled, setEnabled] = useState(initial.enabled);
  const [text, setText] = useState(initial.text);
  const [recipients, setRecipients] = useState(initial.recipients);
  const [phones, setPhones] = useState(initial.phones.join('\n'));
  const { status, setStatus, run } = saver;
  const save = (e: FormEvent) => {
    e.preventDefault();
    if (enabled && !text.trim()) return setStatus({ kind: 'error', text: t('tools.messageRequired') });
    void run(() => toolsApi.updateGreeting({ enabled, text, recipients, phones: splitPhones(phones) }));
  };
  return (
    <form className="tools-form" onSubmit={save} noValidate>
      <div className="switch-row">
        <input id="greeting-enabled" type="checkbox" role="switch" className="toggle-switch" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} aria-describedby="greeting-help" />
        <div>
          <label htmlFor="greeting-enabled">{t('tools.greeting.enabled')}</label>
          <p id="greeting-help" className="panel-hint">
            {t('tools.greeting.help')}
          </p>
        </div>
      </div>
      <div className="field">
        <label htmlFor="greeting-text">{t('tools.message')}</label>
        <textarea id="greeting-text" className="input" value={text} maxLength={AUTOMATION_TEXT_MAX} onChange={(e) => setText(e.target.value)} />
      </div>
      <RecipientsPicker id="greeting" value={recipients} phones={phones} onChange={setRecipients} onPhones={setPhones} />
      <div className="form-actions">
        <InlineStatus state={status} />
        <button type="submit" className="btn" disabled={status.kind === 'busy'}>
          {t('tools.save')}
        </button>
      </div>
    </form>
  );
}

function AwayForm({ initial, saver }: { initial: AwaySettings; saver: Saver }) {
  const { t } = useI18n();
  const [enabled, setEnabled] = useState(initial.enabled);
  const [text, setText] = useState(initial.text);
  const [schedule, setSchedule] = useState(initial.schedule);
  const [start, setStart] = useState(toLocalInput(initial.start));
  const [end, setEnd] = useState(toLocalInput(initial.end));
  const [recipients, setRecipients] = useState(initial.recipients);
  const [phones, setPhones] = useState(initial.phones.join('\n'));
  const { status, setStatus, run } = saver;
  const save = (e: FormEvent) => {
    e.preventDefault();
    if (enabled && !text.trim()) return setStatus({ kind: 'error', text: t('tools.messageRequired') });
    const s = fromLocalInput(start);
    const en = fromLocalInput(end);
    if (schedule === 'custom' && (s === null || en === null || s >= en)) return setStatus({ kind: 'error', text: t('tools.schedule.badRange') });
    void run(() =>
      toolsApi.updateAway({ enabled, text, schedule, start: schedule === 'custom' ? s : null, end: schedule === 'custom' ? en : null, recipients, phones: splitPhones(phones) }),
    );
  };
  return (
    <form className="tools-form" onSubmit={save} noValidate>
      <div className="switch-row">
        <input id="away-enabled" type="checkbox" role="switch" className="toggle-switch" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} aria-describedby="away-help" />
        <div>
          <label htmlFor="away-enabled">{t('tools.away.enabled')}</label>
          <p id="away-help" className="panel-hint">
            {t('tools.away.help')}
          </p>
        </div>
      </div>
      <div className="field">
        <label htmlFor="away-text">{t('tools.message')}</label>
        <textarea id="away-text" className="input" value={text} maxLength={AUTOMATION_TEXT_MAX} onChange={(e) => setText(e.target.value)} />
      </div>
      <fieldset className="tools-radios">
        <legend>{t('tools.schedule')}</legend>
        {SCHEDULES.map((s) => (
          <label key={s}>
            <input type="radio" name="away-schedule" value={s} checked={schedule === s} onChange={() => setSchedule(s)} />
            {t(`tools.schedule.${s}`)}
          </label>
        ))}
      </fieldset>
      {schedule === 'custom' && (
        <div className="tools-row">
          <div className="field">
            <label htmlFor="away-start">{t('tools.schedule.start')}</label>
            <input id="away-start" className="input" type="datetime-local" value={start} onChange={(e) => setStart(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="away-end">{t('tools.schedule.end')}</label>
            <input id="away-end" className="input" type="datetime-local" value={end} onChange={(e) => setEnd(e.target.value)} />
          </div>
        </div>
      )}
      {schedule === 'outside_hours' && <p className="panel-hint">{t('tools.schedule.hoursHelp')}</p>}
      <RecipientsPicker id="away" value={recipients} phones={phones} onChange={setRecipients} onPhones={setPhones} />
      <div className="form-actions">
        <InlineStatus state={status} />
        <button type="submit" className="btn" disabled={status.kind === 'busy'}>
          {t('tools.save')}
        </button>
      </div>
    </form>
  );
}

/** Remount the form when the settings change elsewhere (another device), so it shows them. */
const keyOf = (v: unknown) => JSON.stringify(v);

export function GreetingSection() {
  const { t } = useI18n();
  const { data, error } = useAutomation();
  const saver = useSaver();
  return (
    <PanelSection id="tools-greeting" title={t('tools.greeting')}>
      {data ? <GreetingForm key={keyOf(data.greeting)} initial={data.greeting} saver={saver} /> : <p className={error ? 'error-text' : 'panel-hint'}>{error ? t('tools.loadFailed') : t('common.loading')}</p>}
    </PanelSection>
  );
}

export function AwaySection() {
  const { t } = useI18n();
  const { data, error } = useAutomation();
  const saver = useSaver();
  return (
    <PanelSection id="tools-away" title={t('tools.away')}>
      {data ? <AwayForm key={keyOf(data.away)} initial={data.away} saver={saver} /> : <p className={error ? 'error-text' : 'panel-hint'}>{error ? t('tools.loadFailed') : t('common.loading')}</p>}
    </PanelSection>
  );
}

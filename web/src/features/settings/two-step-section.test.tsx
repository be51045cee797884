import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { I18nProvider } from '../../i18n/index.js';
import type { TwoStepState } from '../../lib/api.js';
import { Reply, stubFetch, type RecordedCall } from '../contacts/test-fetch.js';
import { TwoStepSection } from './two-step-section.js';
import { TwoStepReminder } from './two-step-reminder.js';
import { store } from '../../lib/store.js';
import type { Me } from '#contracts/models.js';

const realFetch = globalThis.fetch;

const OFF: TwoStepState = { enabled: false, email: null, emailAvailable: true, enabledAt: null, confirmedAt: null, nextReminderAt: null, reminderDue: false, resetRequestedAt: null };

function pinError(details: Record<string, unknown>): Reply {
  return new Reply(400, { error: { code: 'PIN_INVALID', message: 'wrong', details } });
}

/** A server that keeps the two-step state and checks the PIN, as the real one does for these routes. */
function server(initial: { pin: string | null; email?: string | null; reminderDue?: boolean; emailAvailable?: boolean }): RecordedCall[] {
  let pin = initial.pin;
  let email = initial.email ?? null;
  let reminderDue = initial.reminderDue ?? false;
  let misses = 0;
  const view = (): TwoStepState =>
    pin === null
      ? { ...OFF, emailAvailable: initial.emailAvailable ?? true }
      : { ...OFF, enabled: true, email, emailAvailable: initial.emailAvailable ?? true, enabledAt: 1, confirmedAt: 1, nextReminderAt: 2, reminderDue };
  return stubFetch({
    'GET /v1/me/two-step': () => view(),
    'POST /v1/me/two-step': (body) => {
      const b = body as { pin: string; email?: string };
      pin = b.pin;
      email = b.email ?? null;
      return view();
    },
    'PATCH /v1/me/two-step': (body) => {
      const b = body as { currentPin: string; pin?: string; email?: string | null };
      if (b.currentPin !== pin) return pinError({ triesBeforeWait: 4 });
      if (b.pin) pin = b.pin;
      if (b.email !== undefined) email = b.email;
      return view();
    },
    'POST /v1/me/two-step/disable': (body) => {
      if ((body as { pin: string }).pin !== pin) return pinError({ triesBeforeWait: 0, retryAfterSeconds: 30 });
      pin = null;
      return view();
    },
    'POST /v1/me/two-step/confirm': (body) => {
      if ((body as { pin: string }).pin !== pin) return pinError({ missedReminders: ++misses });
      reminderDue = false;
      return view();
    },
  });
}

function renderIn(node: React.ReactNode) {
  render(<I18nProvider initial="en">{node}</I18nProvider>);
}

const typeInto = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });
const click = (name: string) => fireEvent.click(screen.getByRole('button', { name }));

beforeEach(() => {
  store.setMe({ id: 'acc_alice0001', kind: 'person', phone: '+33612345678', displayName: 'Alice', about: '', photoMediaId: null, privacy: { lastSeen: 'everyone', online: 'everyone', photo: 'everyone', about: 'everyone', readReceipts: true }, createdAt: 1 } as Me);
});

afterEach(() => {
  cleanup();
  globalThis.fetch = realFetch;
});

describe('settings: two-step verification', () => {
  it('turns on with the PIN twice and an email; refuses two different PINs first', async () => {
    const calls = server({ pin: null });
    renderIn(<TwoStepSection />);
    expect(await screen.findByText('Two-step verification is off.')).toBeTruthy();
    click('Turn on');
    const first = screen.getByLabelText('6-digit PIN') as HTMLInputElement;
    await waitFor(() => expect(document.activeElement).toBe(first));
    expect(first.inputMode).toBe('numeric');
    expect(first.type).toBe('password');
    // Only digits, at most 6.
    fireEvent.change(first, { target: { value: '12ab3456789' } });
    expect(first.value).toBe('123456');
    typeInto('Enter the PIN again', '123457');
    fireEvent.submit(first.closest('form')!);
    expect((await screen.findByRole('alert')).textContent).toBe('The two PINs are different.');
    expect(first.getAttribute('aria-describedby')).toContain('two-step-form-error');
    expect(calls.filter((c) => c.method !== 'GET')).toEqual([]);

    typeInto('Enter the PIN again', '123456');
    typeInto('Recovery email (optional)', ' alice@example.com ');
    fireEvent.submit(first.closest('form')!);
    expect(await screen.findByText('Two-step verification is on. Do not forget your PIN.')).toBeTruthy();
    expect(calls.filter((c) => c.method !== 'GET')).toEqual([{ method: 'POST', path: '/v1/me/two-step', body: { pin: '123456', email: 'alice@example.com' } }]);
    expect(screen.getByText('Recovery email: alice@example.com')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Change PIN' })).toBeTruthy();
  });

  it('changes the PIN only with the current one, and says when it is wrong', async () => {
    const calls = server({ pin: '111111' });
    renderIn(<TwoStepSection />);
    fireEvent.click(await screen.findByRole('button', { name: 'Change PIN' }));
    typeInto('Current PIN', '999999');
    typeInto('New 6-digit PIN', '222222');
    typeInto('Enter the PIN again', '222222');
    click('Save');
    expect((await screen.findByRole('alert')).textContent).toBe('Wrong PIN. Tries left before a wait: 4.');
    expect((screen.getByLabelText('Current PIN') as HTMLInputElement).value).toBe('');

    typeInto('Current PIN', '111111');
    click('Save');
    expect(await screen.findByText('Your PIN was changed.')).toBeTruthy();
    expect(calls.filter((c) => c.method === 'PATCH').map((c) => c.body)).toEqual([
      { currentPin: '999999', pin: '222222' },
      { currentPin: '111111', pin: '222222' },
    ]);
  });

  it('removes the recovery email, and turning off asks for the PIN (a wait after too many wrong ones is shown)', async () => {
    const calls = server({ pin: '111111', email: 'alice@example.com' });
    renderIn(<TwoStepSection />);
    fireEvent.click(await screen.findByRole('button', { name: 'Change email' }));
    expect((screen.getByLabelText('Recovery email (optional)') as HTMLInputElement).value).toBe('alice@example.com');
    typeInto('Current PIN', '111111');
    typeInto('Recovery email (optional)', '');
    click('Save');
    expect(await screen.findByText('No recovery email.')).toBeTruthy();

    click('Turn off');
    expect(screen.getByText(/Enter your PIN to turn it off/)).toBeTruthy();
    typeInto('Current PIN', '000000');
    fireEvent.submit(screen.getByLabelText('Current PIN').closest('form')!);
    expect((await screen.findByRole('alert')).textContent).toBe('Too many wrong PINs. Try again in 30 s.');
    expect(screen.getByText('Two-step verification is on.')).toBeTruthy();
    typeInto('Current PIN', '111111');
    fireEvent.submit(screen.getByLabelText('Current PIN').closest('form')!);
    expect(await screen.findByText('Two-step verification was turned off.')).toBeTruthy();
    expect(screen.getByText('Two-step verification is off.')).toBeTruthy();
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Turn on' })));
    expect(calls.filter((c) => c.method !== 'GET').map((c) => [c.method, c.path, c.body])).toEqual([
      ['PATCH', '/v1/me/two-step', { currentPin: '111111', email: null }],
      ['POST', '/v1/me/two-step/disable', { pin: '000000' }],
      ['POST', '/v1/me/two-step/disable', { pin: '111111' }],
    ]);
  });

  it('warns of a pending reset, and fetches the state again when another device changed the account', async () => {
    let state: TwoStepState = { ...OFF, enabled: true, enabledAt: 1, confirmedAt: 1, nextReminderAt: 2, resetRequestedAt: Date.UTC(2030, 0, 1, 12) };
    const calls = stubFetch({ 'GET /v1/me/two-step': () => state });
    renderIn(<TwoStepSection />);
    expect((await screen.findByText(/Someone asked to reset your PIN on/)).textContent).toContain('2030');

    // Another device turned it off: the refresh frame bumps the account version.
    state = OFF;
    store.accountVersion++;
    store.setMe(store.get().me!);
    expect(await screen.findByText('Two-step verification is off.')).toBeTruthy();
    expect(calls.filter((c) => c.path === '/v1/me/two-step')).toHaveLength(2);
  });

  it('does not offer an email when the server cannot send any', async () => {
    server({ pin: null, emailAvailable: false });
    renderIn(<TwoStepSection />);
    fireEvent.click(await screen.findByRole('button', { name: 'Turn on' }));
    expect(screen.queryByLabelText('Recovery email (optional)')).toBeNull();
    expect(screen.getByText(/cannot send emails/)).toBeTruthy();
  });
});

describe('the PIN reminder', () => {
  it('asks for the PIN when due; a wrong answer says so, the right one closes it', async () => {
    const calls = server({ pin: '111111', reminderDue: true });
    renderIn(<TwoStepReminder />);
    const dialog = await screen.findByRole('dialog', { name: 'Enter your PIN' });
    const input = screen.getByLabelText('6-digit PIN');
    await waitFor(() => expect(document.activeElement).toBe(input));
    typeInto('6-digit PIN', '999999');
    click('Submit');
    expect((await screen.findByRole('alert')).textContent).toBe('Wrong PIN. Try again, or change it in settings.');
    typeInto('6-digit PIN', '111111');
    click('Submit');
    await waitFor(() => expect(dialog.isConnected).toBe(false));
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.body)).toEqual([{ pin: '999999' }, { pin: '111111' }]);
  });

  it('is not shown when no reminder is due, and "Later" closes it', async () => {
    const calls = server({ pin: '111111', reminderDue: false });
    renderIn(<TwoStepReminder />);
    await waitFor(() => expect(calls.some((c) => c.path === '/v1/me/two-step')).toBe(true));
    expect(screen.queryByRole('dialog')).toBeNull();
    cleanup();

    server({ pin: '111111', reminderDue: true });
    renderIn(<TwoStepReminder />);
    await screen.findByRole('dialog');
    click('Later');
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});

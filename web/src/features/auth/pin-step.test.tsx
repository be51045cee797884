import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { I18nProvider } from '../../i18n/index.js';
import { store } from '../../lib/store.js';
import { Reply, stubFetch, type RecordedCall } from '../contacts/test-fetch.js';
import { AuthScreen } from './auth-screen.js';

const realFetch = globalThis.fetch;
const realWebSocket = globalThis.WebSocket;
const PHONE = '+33612345678';

/** The socket opened after sign-in: never connects here. */
class QuietSocket {
  readyState = 0;
  onopen = null;
  onclose = null;
  onmessage = null;
  onerror = null;
  send() {}
  close() {}
  addEventListener() {}
  removeEventListener() {}
}

const me = { id: 'acc_alice0001', kind: 'person', phone: PHONE, displayName: 'Alice', about: '', photoMediaId: null, privacy: {}, createdAt: 1 };

function fail(status: number, code: string, details?: Record<string, unknown>): Reply {
  return new Reply(status, { error: { code, message: code, ...(details ? { details } : {}) } });
}

function server(opts: { pin: string; hasEmail: boolean; lockAfterWrong?: boolean }): RecordedCall[] {
  let wrong = 0;
  return stubFetch({
    'POST /v1/auth/code': () => ({ phone: PHONE, expiresInSeconds: 600, resendInSeconds: 30 }),
    'POST /v1/auth/verify': () => fail(403, 'PIN_REQUIRED', { ticket: 'pst_ticket', expiresInSeconds: 900, hasEmail: opts.hasEmail }),
    'POST /v1/auth/pin': (body) => {
      const b = body as { ticket: string; pin: string };
      if (b.pin !== opts.pin) {
        wrong++;
        return opts.lockAfterWrong && wrong >= 2 ? fail(429, 'PIN_LOCKED', { retryAfterSeconds: 90 }) : fail(400, 'PIN_INVALID', { triesBeforeWait: 5 - wrong });
      }
      return { token: 'pdt_new', deviceId: 'dev_new', created: false, account: me };
    },
    'POST /v1/auth/pin/forgot': () => (opts.hasEmail ? { method: 'email', emailHint: 'a•••@example.com', expiresInSeconds: 3600 } : { method: 'wait', resetAvailableAt: Date.UTC(2030, 0, 8) }),
    'POST /v1/auth/pin/reset': () => ({ token: 'pdt_reset', deviceId: 'dev_reset', created: false, account: me }),
    'GET /v1/chats': () => ({ chats: [], updateSeq: 0 }),
    'GET /v1/me': () => me,
    'POST /v1/auth/sign-out': () => undefined,
  });
}

async function reachPinStep() {
  render(
    <I18nProvider initial="en">
      <AuthScreen />
    </I18nProvider>,
  );
  fireEvent.change(screen.getByLabelText('Country'), { target: { value: 'FR' } });
  fireEvent.change(screen.getByLabelText('Phone number'), { target: { value: '6 12 34 56 78' } });
  fireEvent.submit(screen.getByLabelText('Phone number').closest('form')!);
  const code = await screen.findByLabelText('6-digit code');
  fireEvent.change(code, { target: { value: '123456' } });
  fireEvent.submit(code.closest('form')!);
  const pin = await screen.findByLabelText('6-digit PIN');
  await waitFor(() => expect(document.activeElement).toBe(pin));
  return pin as HTMLInputElement;
}

beforeEach(() => {
  globalThis.WebSocket = QuietSocket as unknown as typeof WebSocket;
});

afterEach(async () => {
  cleanup();
  if (store.get().session) await store.signOut();
  globalThis.fetch = realFetch;
  globalThis.WebSocket = realWebSocket;
});

describe('sign-in: two-step PIN', () => {
  it('asks for the PIN after the code; a wrong PIN is announced, the right one signs in', async () => {
    const calls = server({ pin: '246810', hasEmail: false });
    const pin = await reachPinStep();
    expect(screen.getByRole('heading', { name: 'Two-step verification' })).toBeTruthy();
    expect(pin.inputMode).toBe('numeric');
    const verify = screen.getByRole('button', { name: 'Verify PIN' }) as HTMLButtonElement;
    expect(verify.disabled).toBe(true);

    fireEvent.change(pin, { target: { value: '111111' } });
    fireEvent.click(verify);
    expect((await screen.findByRole('alert')).textContent).toBe('Wrong PIN. Tries left before a wait: 4.');
    expect(pin.value).toBe('');
    expect(pin.getAttribute('aria-invalid')).toBe('true');

    fireEvent.change(pin, { target: { value: '246810' } });
    fireEvent.click(verify);
    await waitFor(() => expect(store.get().session?.token).toBe('pdt_new'));
    expect(calls.filter((c) => c.path === '/v1/auth/pin').map((c) => c.body)).toEqual([
      { ticket: 'pst_ticket', pin: '111111' },
      { ticket: 'pst_ticket', pin: '246810' },
    ]);
  });

  it('shows the wait after too many wrong PINs and keeps the button off meanwhile', async () => {
    server({ pin: '246810', hasEmail: false, lockAfterWrong: true });
    const pin = await reachPinStep();
    for (let i = 0; i < 2; i++) {
      fireEvent.change(pin, { target: { value: '111111' } });
      fireEvent.submit(pin.closest('form')!);
      await waitFor(() => expect(pin.value).toBe(''));
    }
    expect((await screen.findByRole('alert')).textContent).toBe('Too many wrong PINs. Try again in 2 min.');
    expect(screen.getByText('Try again in 2 min.')).toBeTruthy();
    fireEvent.change(pin, { target: { value: '246810' } });
    expect((screen.getByRole('button', { name: 'Verify PIN' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('Forgot PIN with a recovery email: the emailed reset code signs in', async () => {
    const calls = server({ pin: '246810', hasEmail: true });
    await reachPinStep();
    fireEvent.click(screen.getByRole('button', { name: 'Forgot PIN?' }));
    expect(await screen.findByText('We sent a reset code to a•••@example.com. It is valid for 1 hour.')).toBeTruthy();
    const code = screen.getByLabelText('8-digit reset code');
    await waitFor(() => expect(document.activeElement).toBe(code));
    fireEvent.change(code, { target: { value: '1234 5678' } });
    fireEvent.click(screen.getByRole('button', { name: 'Reset PIN and sign in' }));
    await waitFor(() => expect(store.get().session?.token).toBe('pdt_reset'));
    expect(calls.find((c) => c.path === '/v1/auth/pin/reset')?.body).toEqual({ ticket: 'pst_ticket', resetCode: '12345678' });
  });

  it('Forgot PIN without an email: says when the reset becomes possible', async () => {
    server({ pin: '246810', hasEmail: false });
    await reachPinStep();
    fireEvent.click(screen.getByRole('button', { name: 'Forgot PIN?' }));
    expect((await screen.findByText(/you can reset your PIN on/)).textContent).toContain('2030');
    expect(screen.queryByRole('button', { name: 'Forgot PIN?' })).toBeNull();
  });
});

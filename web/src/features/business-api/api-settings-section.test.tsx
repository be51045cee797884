import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { I18nProvider, type Locale } from '../../i18n/index.js';
import { Reply, stubFetch, type RecordedCall } from '../contacts/test-fetch.js';
import { ApiSettingsSection } from './api-settings-section.js';
import type { ApiState } from './api-client.js';

const realFetch = globalThis.fetch;
const T0 = Date.UTC(2026, 0, 15, 10, 0);

let state: ApiState;
let calls: RecordedCall[];
let webhookAnswer: () => unknown;
const writeText = vi.fn();

function server() {
  calls = stubFetch({
    'GET /v1/business/api': () => state,
    'POST /v1/business/api/enable': () => {
      state = { enabled: true, wabaId: '104563220011874', numbers: [{ phoneNumberId: '1066820553311204', displayPhoneNumber: '33612345678', registered: true }], apps: [], tokens: [] };
      return state;
    },
    'POST /v1/business/api/apps': (body) => {
      const app = { id: '713300456712345', name: (body as { name: string }).name, createdAt: T0 };
      state = { ...state, apps: [...state.apps, { ...app, webhook: null }] };
      return { ...app, appSecret: '9f1c0000000000000000000000000abc' };
    },
    'POST /v1/business/api/tokens': (body) => {
      const b = body as { scopes: ('messaging' | 'management')[]; name?: string };
      const tok = { id: 'apitok_1', name: b.name ?? 'Access token', scopes: b.scopes, createdAt: T0, lastUsedAt: null, revokedAt: null };
      state = { ...state, tokens: [tok, ...state.tokens] };
      return { id: tok.id, token: 'EAAPsecret-token-value', name: tok.name, scopes: tok.scopes, createdAt: T0 };
    },
    'DELETE /v1/business/api/tokens/apitok_1': () => {
      state = { ...state, tokens: state.tokens.map((t) => ({ ...t, revokedAt: T0 + 1000 })) };
      return { id: 'apitok_1', revokedAt: T0 + 1000 };
    },
    'PUT /v1/business/api/apps/713300456712345/webhook': () => webhookAnswer(),
    'GET /v1/business/api/apps/713300456712345/deliveries': () => ({
      deliveries: [
        { eventId: 'whe_1', field: 'messages', status: 'pending', attempts: 2, nextAttemptAt: T0 + 180_000, lastStatusCode: 500, lastError: 'The receiver answered 500; only 200 counts as delivered.', createdAt: T0, deliveredAt: null, recentAttempts: [
          { at: T0 + 60_000, statusCode: 500, error: 'The receiver answered 500; only 200 counts as delivered.', durationMs: 12 },
          { at: T0, statusCode: null, error: 'No answer within 10000 ms.', durationMs: 10003 },
        ] },
        { eventId: 'whe_2', field: 'messages', status: 'delivered', attempts: 1, nextAttemptAt: null, lastStatusCode: 200, lastError: null, createdAt: T0 - 1000, deliveredAt: T0 - 900, recentAttempts: [{ at: T0 - 900, statusCode: 200, error: null, durationMs: 8 }] },
      ],
    }),
  });
}

function show(locale: Locale = 'en') {
  return render(
    <I18nProvider initial={locale}>
      <ApiSettingsSection />
    </I18nProvider>,
  );
}

beforeEach(() => {
  state = { enabled: false, wabaId: null, numbers: [], apps: [], tokens: [] };
  webhookAnswer = () => ({ appId: '713300456712345', callbackUrl: 'https://shop.example/hook', updatedAt: T0 });
  writeText.mockReset().mockResolvedValue(undefined);
  Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
  server();
});

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  globalThis.fetch = realFetch;
});

describe('the Business API screen', () => {
  it('turns API access on, then shows the WABA id and the phone number id with copy buttons', async () => {
    show();
    fireEvent.click(await screen.findByRole('button', { name: 'Turn on API access' }));
    const waba = (await screen.findByLabelText('Business account id (WABA id)')) as HTMLInputElement;
    expect(waba.value).toBe('104563220011874');
    expect(waba.readOnly).toBe(true);
    expect((screen.getByLabelText('Phone number id of +33612345678') as HTMLInputElement).value).toBe('1066820553311204');
    expect(calls.some((c) => c.method === 'POST' && c.path === '/v1/business/api/enable')).toBe(true);

    fireEvent.click(screen.getByRole('button', { name: 'Copy Phone number id of +33612345678' }));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith('1066820553311204'));
    expect(await screen.findByText('Copied.')).toBeTruthy();
  });

  it('creates an app and shows its secret once, with a warning', async () => {
    givenEnabled();
    show();
    fireEvent.change(await screen.findByLabelText('New app name'), { target: { value: 'Shop backend' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create app' }));
    const once = await screen.findByRole('region', { name: 'App “Shop backend” created' });
    expect((within(once).getByLabelText('App secret') as HTMLInputElement).value).toBe('9f1c0000000000000000000000000abc');
    expect(within(once).getByRole('alert').textContent).toContain('shown only this once');
    expect(calls.find((c) => c.path === '/v1/business/api/apps')?.body).toEqual({ name: 'Shop backend' });
    // the app is listed with its id
    expect(((await screen.findByLabelText('App id')) as HTMLInputElement).value).toBe('713300456712345');
    fireEvent.click(within(once).getByRole('button', { name: 'I have saved it' }));
    expect(screen.queryByRole('region', { name: /created/ })).toBeNull();
    expect(screen.queryByDisplayValue('9f1c0000000000000000000000000abc')).toBeNull();
  });

  it('issues a token with the chosen scopes (shown once), lists it and revokes it after confirmation', async () => {
    givenEnabled();
    show();
    fireEvent.change(await screen.findByLabelText('Token name'), { target: { value: 'CRM' } });
    const management = screen.getByRole('checkbox', { name: /Management/ }) as HTMLInputElement;
    expect(management.checked).toBe(true);
    fireEvent.click(management);
    fireEvent.click(screen.getByRole('checkbox', { name: /Messaging/ }));
    // no scope: refused before asking the server
    expect((screen.getByRole('button', { name: 'Create token' }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText('Choose at least one scope.')).toBeTruthy();
    fireEvent.click(screen.getByRole('checkbox', { name: /Messaging/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Create token' }));

    const once = await screen.findByRole('region', { name: 'Token “CRM” created' });
    expect((within(once).getByLabelText('Access token') as HTMLInputElement).value).toBe('EAAPsecret-token-value');
    expect(calls.find((c) => c.path === '/v1/business/api/tokens')?.body).toEqual({ scopes: ['messaging'], name: 'CRM' });
    const list = await screen.findByRole('list', { name: 'Your tokens' });
    expect(list.textContent).toContain('CRM');
    expect(list.textContent).toContain('never used');

    fireEvent.click(within(list).getByRole('button', { name: 'Revoke token CRM' }));
    const dialog = screen.getByRole('dialog', { name: 'Revoke this token?' });
    expect(dialog.textContent).toContain('“CRM” stops working at once');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Revoke' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(calls.some((c) => c.method === 'DELETE' && c.path === '/v1/business/api/tokens/apitok_1')).toBe(true);
    expect(await within(screen.getByRole('list', { name: 'Your tokens' })).findByText(/^Revoked /)).toBeTruthy();
  });

  it('sets the webhook; a failed handshake is explained and nothing changes', async () => {
    givenEnabled({ withApp: true });
    webhookAnswer = () => new Reply(400, { error: { code: 'WEBHOOK_VERIFICATION_FAILED', message: 'x', details: { reason: 'status', status: 403 } } });
    show();
    fireEvent.click(await screen.findByRole('button', { name: 'Set webhook' }));
    const url = screen.getByLabelText('Callback URL');
    expect(document.activeElement).toBe(url);
    fireEvent.change(url, { target: { value: 'https://shop.example/hook' } });
    fireEvent.change(screen.getByLabelText('Verify token'), { target: { value: 'my secret' } });
    fireEvent.click(screen.getByRole('button', { name: 'Verify and save' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Verification failed: your server answered with status 403. Check the verify token and that it answers 200.');
    expect(calls.find((c) => c.method === 'PUT')?.body).toEqual({ callbackUrl: 'https://shop.example/hook', verifyToken: 'my secret' });
    expect(screen.getByText('No webhook: this app receives nothing yet.')).toBeTruthy();

    webhookAnswer = () => {
      state = { ...state, apps: state.apps.map((a) => ({ ...a, webhook: { callbackUrl: 'https://shop.example/hook', updatedAt: T0, batchSize: 50 } })) };
      return { appId: '713300456712345', callbackUrl: 'https://shop.example/hook', updatedAt: T0, batchSize: 50 };
    };
    // One event per request unless the owner chooses more (some libraries read only the first).
    const batch = screen.getByLabelText('Events per request') as HTMLSelectElement;
    expect(batch.value).toBe('1');
    fireEvent.change(batch, { target: { value: '50' } });
    fireEvent.click(screen.getByRole('button', { name: 'Verify and save' }));
    expect(await screen.findByText('Webhook verified and saved.')).toBeTruthy();
    expect(calls.filter((c) => c.method === 'PUT').at(-1)?.body).toEqual({ callbackUrl: 'https://shop.example/hook', verifyToken: 'my secret', batchSize: 50 });
    expect(await screen.findByText('https://shop.example/hook')).toBeTruthy();
    expect(screen.getByText(/up to 50 events per request/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Change webhook' })).toBeTruthy();
  });

  it('shows the recent deliveries of an app: status, code, attempts, next retry', async () => {
    givenEnabled({ withApp: true });
    show();
    fireEvent.click(await screen.findByRole('button', { name: 'Show deliveries' }));
    const pending = (await screen.findByText('Waiting to retry')).closest('li')!;
    expect(pending.textContent).toContain('HTTP 500');
    expect(pending.textContent).toContain('Attempts: 2');
    expect(pending.textContent).toContain('next retry');
    expect(pending.textContent).toContain('only 200 counts as delivered');
    const delivered = screen.getByText('Delivered').closest('li')!;
    expect(delivered.textContent).toContain('HTTP 200');
    // Each delivery's last attempts, newest first: when, the answer (or none), how long it took, why it failed.
    const attempts = within(pending).getByText('Last attempts (2)').closest('details')!;
    const rows = within(attempts).getAllByRole('listitem').map((li) => li.textContent);
    expect(rows[0]).toContain('HTTP 500');
    expect(rows[0]).toContain('12 ms');
    expect(rows[1]).toContain('No answer');
    expect(rows[1]).toContain('10003 ms');
    expect(rows[1]).toContain('No answer within 10000 ms.');
    expect(within(delivered).getByText('Last attempts (1)')).toBeTruthy();
  });

  it('in French', async () => {
    show('fr');
    expect(await screen.findByRole('button', { name: 'Activer l’accès API' })).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'API Business' })).toBeTruthy();
  });
});

function givenEnabled(opts: { withApp?: boolean } = {}): void {
  state = {
    enabled: true,
    wabaId: '104563220011874',
    numbers: [{ phoneNumberId: '1066820553311204', displayPhoneNumber: '33612345678', registered: true }],
    apps: opts.withApp ? [{ id: '713300456712345', name: 'Shop backend', createdAt: T0, webhook: null }] : [],
    tokens: [],
  };
}

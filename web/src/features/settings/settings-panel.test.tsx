import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { Device, Me, Privacy } from '#contracts/models.js';
import { I18nProvider } from '../../i18n/index.js';
import { store } from '../../lib/store.js';
import { closePanel, usePanel } from '../../lib/ui-state.js';
import { apiError, stubFetch, type RecordedCall } from '../contacts/test-fetch.js';
import { SettingsPanel } from './settings-panel.js';

const realFetch = globalThis.fetch;

function makeMe(over: Partial<Me> = {}): Me {
  return {
    id: 'acc_alice0001',
    kind: 'person',
    phone: '+33612345678',
    displayName: 'Alice',
    about: 'Hey there! I am using Parley.',
    photoMediaId: null,
    privacy: { lastSeen: 'everyone', online: 'everyone', photo: 'everyone', about: 'everyone', readReceipts: true },
    createdAt: 1_700_000_000_000,
    ...over,
  };
}

const devices: Device[] = [
  { id: 'dev_laptop001', name: 'Web browser', platform: 'web', createdAt: 1_700_000_000_000, lastActiveAt: 1_700_000_100_000, current: true },
  { id: 'dev_phone0001', name: 'Pixel 9', platform: 'android', createdAt: 1_700_000_050_000, lastActiveAt: 1_700_000_090_000, current: false },
];

/** A server that keeps the account and its devices, as the real one does for these routes. */
function server(opts: { failPrivacy?: boolean; me?: Me } = {}): RecordedCall[] {
  let me = opts.me ?? makeMe();
  let list = [...devices];
  return stubFetch({
    'GET /v1/me': () => me,
    'GET /v1/devices': () => ({ devices: list }),
    'GET /v1/me/two-step': () => ({ enabled: false, email: null, emailAvailable: true, enabledAt: null, confirmedAt: null, nextReminderAt: null, reminderDue: false, resetRequestedAt: null }),
    'GET /v1/blocks': () => ({
      blocked: [{ id: 'acc_mallory01', phone: '+33698765432', displayName: 'Mallory', about: null, photoMediaId: null, contactName: null, blocked: true }],
    }),
    'DELETE /v1/blocks/acc_mallory01': () => undefined,
    'PATCH /v1/me': (body) => (me = { ...me, ...(body as Partial<Me>) }),
    'PATCH /v1/me/privacy': (body) => {
      if (opts.failPrivacy) return apiError(400, 'VALIDATION_FAILED');
      me = { ...me, privacy: { ...me.privacy, ...(body as Partial<Privacy>) } };
      return me;
    },
    'DELETE /v1/devices/dev_phone0001': () => {
      list = list.filter((d) => d.id !== 'dev_phone0001');
      return undefined;
    },
  });
}

function renderPanel(onClose = vi.fn()) {
  render(
    <I18nProvider initial="en">
      <SettingsPanel onClose={onClose} />
    </I18nProvider>,
  );
  return onClose;
}

beforeEach(() => {
  store.setMe(makeMe());
  localStorage.removeItem('parley.theme');
  delete document.documentElement.dataset.theme;
});

afterEach(() => {
  cleanup();
  globalThis.fetch = realFetch;
});

describe('settings: profile fields follow the account', () => {
  it('shows the name and about that arrive after the panel opened, and keeps what the person typed', async () => {
    server();
    // Opened before the account's profile is known (as right after a reload).
    store.setMe(makeMe({ displayName: '', about: '' }));
    renderPanel();
    const name = screen.getByLabelText('Name', { exact: true }) as HTMLInputElement;
    const about = screen.getByLabelText('About', { exact: true }) as HTMLInputElement;
    expect(name.value).toBe('');
    fireEvent.change(about, { target: { value: 'Typed before it loaded' } });

    store.setMe(makeMe({ displayName: 'Alice Martin', about: 'Climbing and coffee' }));
    await waitFor(() => expect(name.value).toBe('Alice Martin'));
    expect(about.value).toBe('Typed before it loaded');
  });
});

describe('settings: privacy', () => {
  it('saves each privacy choice with PATCH /v1/me/privacy and updates the store', async () => {
    const calls = server();
    renderPanel();

    fireEvent.change(screen.getByLabelText('Who can see my last seen'), { target: { value: 'contacts' } });
    await waitFor(() => expect(store.get().me?.privacy.lastSeen).toBe('contacts'));
    expect(calls.filter((c) => c.method === 'PATCH')).toEqual([{ method: 'PATCH', path: '/v1/me/privacy', body: { lastSeen: 'contacts' } }]);
    expect(await screen.findByText('Saved')).toBeTruthy();

    fireEvent.change(screen.getByLabelText('Who can see when I am online'), { target: { value: 'same_as_last_seen' } });
    fireEvent.change(screen.getByLabelText('Who can see my profile photo'), { target: { value: 'nobody' } });
    fireEvent.change(screen.getByLabelText('Who can see my about'), { target: { value: 'contacts' } });
    const receipts = screen.getByRole('switch', { name: 'Read receipts' }) as HTMLInputElement;
    expect(receipts.checked).toBe(true);
    expect(receipts.getAttribute('aria-describedby')).toBeTruthy();
    fireEvent.click(receipts);

    await waitFor(() => expect(store.get().me?.privacy).toEqual({ lastSeen: 'contacts', online: 'same_as_last_seen', photo: 'nobody', about: 'contacts', readReceipts: false }));
    expect(calls.filter((c) => c.method === 'PATCH').map((c) => [c.path, c.body])).toEqual([
      ['/v1/me/privacy', { lastSeen: 'contacts' }],
      ['/v1/me/privacy', { online: 'same_as_last_seen' }],
      ['/v1/me/privacy', { photo: 'nobody' }],
      ['/v1/me/privacy', { about: 'contacts' }],
      ['/v1/me/privacy', { readReceipts: false }],
    ]);
    expect(receipts.checked).toBe(false);
  });

  it('puts the previous value back and says why when the save fails', async () => {
    server({ failPrivacy: true });
    renderPanel();
    const select = screen.getByLabelText('Who can see my profile photo') as HTMLSelectElement;
    fireEvent.change(select, { target: { value: 'nobody' } });
    expect((await screen.findByRole('alert')).textContent).toContain('not accepted');
    expect(select.value).toBe('everyone');
    expect(store.get().me?.privacy.photo).toBe('everyone');
  });
});

describe('settings: profile', () => {
  it('saves the changed name and about with PATCH /v1/me, with a counter for the about line', async () => {
    const calls = server();
    renderPanel();
    const save = screen.getByRole('button', { name: 'Save' }) as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    const name = screen.getByLabelText('Name') as HTMLInputElement;
    const about = screen.getByLabelText('About') as HTMLInputElement;
    expect(name.maxLength).toBe(64);
    expect(about.maxLength).toBe(139);
    fireEvent.change(name, { target: { value: '  Alice Martin ' } });
    fireEvent.change(about, { target: { value: 'At work' } });
    expect(screen.getByText('7/139')).toBeTruthy();
    expect(screen.getByText('132 characters left')).toBeTruthy();
    fireEvent.click(save);
    await waitFor(() => expect(store.get().me?.displayName).toBe('Alice Martin'));
    expect(calls.filter((c) => c.method === 'PATCH')).toEqual([{ method: 'PATCH', path: '/v1/me', body: { displayName: 'Alice Martin', about: 'At work' } }]);
    expect(store.get().me?.about).toBe('At work');
    expect(await screen.findByText('Saved')).toBeTruthy();
  });
});

describe('settings: profile of a business', () => {
  it('shows the name and photo of the business profile read-only, points to it, and saves only the about line', async () => {
    const business = makeMe({ kind: 'business', displayName: 'Chez Léa' });
    const calls = server({ me: business });
    store.setMe(business);
    let panel: ReturnType<typeof usePanel> = null;
    function PanelProbe() {
      panel = usePanel();
      return null;
    }
    render(<PanelProbe />);
    renderPanel();
    const section = within(screen.getByRole('region', { name: 'Profile' }));
    expect(section.getByText('Chez Léa')).toBeTruthy();
    expect(section.queryByLabelText('Name')).toBeNull();
    expect(section.queryByRole('button', { name: 'Change photo' })).toBeNull();
    expect(section.queryByRole('button', { name: 'Remove photo' })).toBeNull();
    expect(section.getByText('Your name and photo are those of your business profile.')).toBeTruthy();

    fireEvent.change(section.getByLabelText('About'), { target: { value: 'Open late' } });
    fireEvent.click(section.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(store.get().me?.about).toBe('Open late'));
    expect(calls.filter((c) => c.method === 'PATCH')).toEqual([{ method: 'PATCH', path: '/v1/me', body: { about: 'Open late' } }]);

    fireEvent.click(section.getByRole('button', { name: 'Edit business profile' }));
    await waitFor(() => expect(panel).toEqual({ kind: 'business', section: 'profile' }));
    closePanel();
  });
});

describe('settings: devices, blocked, theme, language', () => {
  it('lists linked devices, marks this one, and signs another out after confirmation', async () => {
    const calls = server();
    renderPanel();
    const list = await screen.findByRole('list', { name: 'Linked devices' });
    expect(within(list).getAllByRole('listitem')).toHaveLength(2);
    expect(within(list).getByText('This device')).toBeTruthy();
    fireEvent.click(within(list).getByRole('button', { name: 'Sign out' }));
    const dialog = screen.getByRole('dialog', { name: 'Sign out this device?' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Sign out' }));
    await waitFor(() => expect(within(list).getAllByRole('listitem')).toHaveLength(1));
    expect(calls.some((c) => c.method === 'DELETE' && c.path === '/v1/devices/dev_phone0001')).toBe(true);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('unblocks a blocked contact', async () => {
    const calls = server();
    renderPanel();
    const list = await screen.findByRole('list', { name: 'Blocked contacts' });
    fireEvent.click(within(list).getByRole('button', { name: 'Unblock' }));
    expect(await screen.findByText('Mallory was unblocked.')).toBeTruthy();
    expect(calls.some((c) => c.method === 'DELETE' && c.path === '/v1/blocks/acc_mallory01')).toBe(true);
  });

  it('switches the theme and remembers it', () => {
    server();
    renderPanel();
    fireEvent.click(screen.getByRole('radio', { name: 'Dark' }));
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(localStorage.getItem('parley.theme')).toBe('dark');
    fireEvent.click(screen.getByRole('radio', { name: 'System' }));
    expect(document.documentElement.dataset.theme).toBeUndefined();
  });

  it('switches the language live and closes on Escape', () => {
    server();
    const onClose = renderPanel();
    fireEvent.change(screen.getByRole('combobox', { name: 'Language' }), { target: { value: 'fr' } });
    expect(screen.getByRole('heading', { name: 'Paramètres' })).toBeTruthy();
    expect(screen.getByLabelText('Qui peut voir ma photo de profil')).toBeTruthy();
    fireEvent.keyDown(screen.getByRole('combobox', { name: 'Langue' }), { key: 'Escape' });
    expect(onClose).toHaveBeenCalled();
    localStorage.removeItem('parley.locale');
  });
});

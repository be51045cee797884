import { describe, expect, it } from 'vitest';
import { loadConfig, ConfigError } from '../src/config/load.js';

describe.skipIf(process.env.PARLEY_TEST_DB === 'postgres')('configuration', () => {
  it('has working defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ HOST: '127.0.0.1', PORT: 8080, PARLEY_DATA_DIR: './data', DATABASE_URL: '', PARLEY_CODE_SENDER: 'log' });
    expect(Object.isFrozen(c)).toBe(true);
  });
  it('converts and validates values', () => {
    expect(loadConfig({ PORT: '9090', PARLEY_TRUST_PROXY: 'true' })).toMatchObject({ PORT: 9090, PARLEY_TRUST_PROXY: true });
  });
  it('stops on bad values with one clear line', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT="eighty"/);
    expect(() => loadConfig({ PARLEY_LOG_LEVEL: 'loud' })).toThrow(/one of fatal, error/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ PARLEY_CODE_SENDER: 'http' })).toThrow(/PARLEY_CODE_HTTP_URL/);
    expect(() => loadConfig({ PARLEY_ENV: 'production' })).toThrow(/PARLEY_CODE_SENDER=http/);
    expect(() => loadConfig({ PARLEY_EMAIL_SENDER: 'http' })).toThrow(/PARLEY_EMAIL_HTTP_URL/);
    const prodSms = { PARLEY_ENV: 'production', PARLEY_CODE_SENDER: 'http', PARLEY_CODE_HTTP_URL: 'https://sms.example.com' };
    expect(() => loadConfig(prodSms)).toThrow(/PARLEY_EMAIL_SENDER=http or none/);
    expect(loadConfig({ ...prodSms, PARLEY_EMAIL_SENDER: 'none' }).PARLEY_EMAIL_SENDER).toBe('none');
    expect(() => loadConfig({ PARLEY_SQLITE_CHECKPOINT_PAGES: '10' })).toThrow(/PARLEY_SQLITE_CHECKPOINT_PAGES/);
    expect(loadConfig({}).PARLEY_SQLITE_CHECKPOINT_PAGES).toBe(10_000);
  });
});

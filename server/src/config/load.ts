/**
 * @module config/load
 * The only reader of `process.env`. Validates once, returns a frozen Config, or throws
 * ConfigError with one readable line.
 */
import { Value } from '@sinclair/typebox/value';
import { configVars, type Config } from './schema.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: Partial<Config> = {}): Config {
  const out: Record<string, unknown> = {};
  for (const [name, { schema }] of Object.entries(configVars)) {
    if (name in overrides) {
      out[name] = (overrides as Record<string, unknown>)[name];
      continue;
    }
    const raw = env[name];
    let value: unknown = raw === undefined || raw === '' ? Value.Default(schema, undefined) : Value.Convert(schema, raw);
    if (value === undefined) value = Value.Default(schema, undefined);
    if (!Value.Check(schema, value)) {
      throw new ConfigError(`Invalid configuration: ${name}=${JSON.stringify(raw)} is not valid (${describe(schema)}).`);
    }
    out[name] = value;
  }
  const config = out as Config;
  if (config.PARLEY_CODE_SENDER === 'http' && !/^https?:\/\//.test(config.PARLEY_CODE_HTTP_URL)) {
    throw new ConfigError('Invalid configuration: PARLEY_CODE_SENDER=http needs PARLEY_CODE_HTTP_URL (an http(s) URL).');
  }
  if (config.PARLEY_ENV === 'production' && config.PARLEY_CODE_SENDER === 'log') {
    throw new ConfigError('Invalid configuration: PARLEY_ENV=production needs PARLEY_CODE_SENDER=http (codes must not go to the log).');
  }
  if (config.PARLEY_EMAIL_SENDER === 'http' && !/^https?:\/\//.test(config.PARLEY_EMAIL_HTTP_URL)) {
    throw new ConfigError('Invalid configuration: PARLEY_EMAIL_SENDER=http needs PARLEY_EMAIL_HTTP_URL (an http(s) URL).');
  }
  if (config.PARLEY_ENV === 'production' && config.PARLEY_EMAIL_SENDER === 'log') {
    throw new ConfigError('Invalid configuration: PARLEY_ENV=production needs PARLEY_EMAIL_SENDER=http or none (reset codes must not go to the log).');
  }
  if (config.DATABASE_URL && !/^(postgres(ql)?:\/\/|sqlite:)/.test(config.DATABASE_URL)) {
    throw new ConfigError('Invalid configuration: DATABASE_URL must start with postgres:// or sqlite:.');
  }
  return Object.freeze(config);
}

function describe(schema: { type?: unknown; anyOf?: { const?: unknown }[]; minimum?: number; maximum?: number }): string {
  if (schema.anyOf) return `one of ${schema.anyOf.map((s) => String(s.const)).join(', ')}`;
  const range = schema.minimum !== undefined ? ` ≥ ${schema.minimum}` : '';
  const max = schema.maximum !== undefined ? ` ≤ ${schema.maximum}` : '';
  return `expected ${String(schema.type)}${range}${max}`;
}

/**
 * @module config/schema
 * The one description of Parley's configuration: names, types, defaults and docs.
 * `docs/config.md` is checked against this table by a test.
 */
import { Type, type Static } from '@sinclair/typebox';

/** Each entry: environment variable → schema (with default) and a one-line doc. */
export const configVars = {
  HOST: { schema: Type.String({ default: '127.0.0.1' }), doc: 'Address the HTTP/WebSocket server binds to.' },
  PORT: { schema: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }), doc: 'TCP port (0 picks a free one).' },
  PARLEY_API_PORT: {
    schema: Type.Integer({ minimum: -1, maximum: 65535, default: -1 }),
    doc: 'A second TCP port on HOST for the Business API (Graph) only, served by a thread of its own: the busiest API numbers should use it (0 picks a free one; -1: off, the API is on PORT only).',
  },
  PARLEY_DATA_DIR: { schema: Type.String({ default: './data' }), doc: 'Folder for the embedded SQLite database and media.' },
  DATABASE_URL: {
    schema: Type.String({ default: '' }),
    doc: 'Empty: embedded SQLite in PARLEY_DATA_DIR. `postgres://user:pass@host:5432/db`: PostgreSQL. `sqlite:/path/file.db`: SQLite at that path.',
  },
  PARLEY_MEDIA_DIR: { schema: Type.String({ default: '' }), doc: 'Folder for media blobs (default: PARLEY_DATA_DIR/media).' },
  PARLEY_LOG_LEVEL: {
    schema: Type.Union(
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
      { default: 'info' },
    ),
    doc: 'pino log level.',
  },
  PARLEY_ENV: {
    schema: Type.Union([Type.Literal('development'), Type.Literal('production'), Type.Literal('test')], { default: 'development' }),
    doc: 'development prints verification codes in the log; production requires a real code sender.',
  },
  PARLEY_CODE_SENDER: {
    schema: Type.Union([Type.Literal('log'), Type.Literal('http')], { default: 'log' }),
    doc: '`log`: verification codes are written to the server log. `http`: POSTed to PARLEY_CODE_HTTP_URL.',
  },
  PARLEY_CODE_HTTP_URL: { schema: Type.String({ default: '' }), doc: 'SMS provider endpoint for the `http` code sender.' },
  PARLEY_CODE_HTTP_TOKEN: { schema: Type.String({ default: '' }), doc: 'Bearer token sent to the SMS provider (never logged).' },
  PARLEY_EMAIL_SENDER: {
    schema: Type.Union([Type.Literal('log'), Type.Literal('http'), Type.Literal('none')], { default: 'log' }),
    doc: '`log`: two-step PIN reset emails are written to the server log. `http`: POSTed to PARLEY_EMAIL_HTTP_URL. `none`: no emails (recovery emails cannot be set).',
  },
  PARLEY_EMAIL_HTTP_URL: { schema: Type.String({ default: '' }), doc: 'Email provider endpoint for the `http` email sender.' },
  PARLEY_EMAIL_HTTP_TOKEN: { schema: Type.String({ default: '' }), doc: 'Bearer token sent to the email provider (never logged).' },
  PARLEY_SQLITE_SYNCHRONOUS: {
    schema: Type.Union([Type.Literal('FULL'), Type.Literal('NORMAL')], { default: 'FULL' }),
    doc: 'SQLite `synchronous` pragma. FULL fsyncs every commit (survives power loss); NORMAL survives process crashes.',
  },
  PARLEY_SQLITE_CHECKPOINT_PAGES: {
    schema: Type.Integer({ minimum: 100, maximum: 1_000_000, default: 10_000 }),
    doc: 'SQLite `wal_autocheckpoint`: the write-ahead log is copied back into the database file once it holds this many pages (4 KiB each).',
  },
  PARLEY_UPDATE_RETENTION_DAYS: {
    schema: Type.Integer({ minimum: 1, default: 30 }),
    doc: 'How long per-account update logs are kept; a device offline longer does a full resync.',
  },
  PARLEY_E2E_RETENTION_DAYS: {
    schema: Type.Integer({ minimum: 1, default: 30 }),
    doc: 'How long MLS commits and unconfirmed welcomes of end-to-end encrypted chats are kept at most.',
  },
  PARLEY_MAX_FRAME_BYTES: { schema: Type.Integer({ minimum: 1024, default: 65536 }), doc: 'Largest WebSocket frame a client may send.' },
  PARLEY_HEARTBEAT_MS: { schema: Type.Integer({ minimum: 1000, default: 30000 }), doc: 'WebSocket ping interval; a connection silent for two intervals is closed.' },
  PARLEY_AUTH_RATE_PER_MINUTE: {
    schema: Type.Integer({ minimum: 1, default: 10 }),
    doc: 'Verification-code requests allowed per client address per minute (verifications: three times as many).',
  },
  PARLEY_METRICS_TOKEN: {
    schema: Type.String({ default: '' }),
    doc: 'When set, GET /metrics requires `Authorization: Bearer <token>`; empty: /metrics is open (bind to a private address).',
  },
  PARLEY_PUBLIC_URL: {
    schema: Type.String({ default: '' }),
    doc: 'Public base URL of the web app (e.g. https://chat.example.com), used in business short links and their QR codes; empty: taken from each request.',
  },
  PARLEY_WEBHOOK_TIMEOUT_MS: {
    schema: Type.Integer({ minimum: 100, default: 10000 }),
    doc: 'Business API webhooks: how long one delivery (and the verification handshake) may take before it counts as failed.',
  },
  PARLEY_WEBHOOK_CONCURRENCY: { schema: Type.Integer({ minimum: 1, default: 16 }), doc: 'Business API webhooks: deliveries in flight at once per node.' },
  PARLEY_WEBHOOK_RETRY_BASE_MS: {
    schema: Type.Integer({ minimum: 10, default: 30000 }),
    doc: 'Business API webhooks: first retry delay; it doubles per attempt (at most 1 hour) until the event is 7 days old, then it is dropped.',
  },
  PARLEY_WEBHOOK_RETENTION_DAYS: {
    schema: Type.Integer({ minimum: 8, default: 14 }),
    doc: 'Business API webhooks: days a delivered or dropped event and its attempts stay visible before maintenance deletes them.',
  },
  PARLEY_WEBHOOK_POLL_MS: { schema: Type.Integer({ minimum: 10, default: 1000 }), doc: 'Business API webhooks: how often the dispatcher looks for due retries.' },
  PARLEY_MEDIA_URL_SECRET: {
    schema: Type.String({ default: '' }),
    doc: 'Business API: key signing media download URLs (HMAC-SHA256); empty: a random key per start (set one shared key when several nodes serve the API).',
  },
  PARLEY_MEDIA_URL_TTL_SECONDS: { schema: Type.Integer({ minimum: 10, default: 300 }), doc: 'Business API: how long a media download URL from GET /{media_id} stays valid.' },
  PARLEY_API_FETCH_TIMEOUT_MS: {
    schema: Type.Integer({ minimum: 100, default: 20000 }),
    doc: 'Business API: how long fetching a media `link` of a send may take, redirects included, before it fails with 131053.',
  },
  PARLEY_API_FETCH_ALLOW_PRIVATE: {
    schema: Type.Boolean({ default: false }),
    doc: 'Business API: let media `link` fetches reach loopback, private, link-local and other non-public addresses (off: refused, against server-side request forgery).',
  },
  PARLEY_API_THROUGHPUT_PER_SECOND: {
    schema: Type.Integer({ minimum: 1, default: 80 }),
    doc: 'Business API: messages per second one phone number may send (per node); beyond, sends fail with 130429.',
  },
  PARLEY_API_PAIR_BURST: {
    schema: Type.Integer({ minimum: 1, default: 45 }),
    doc: 'Business API: messages one phone number may send to one customer in a burst (per node); beyond, sends fail with 131056.',
  },
  PARLEY_API_PAIR_INTERVAL_SECONDS: {
    schema: Type.Number({ exclusiveMinimum: 0, default: 6 }),
    doc: 'Business API: seconds after which one more message to the same customer is allowed once a burst is spent.',
  },
  PARLEY_API_QUALITY_YELLOW_PERCENT: {
    schema: Type.Number({ exclusiveMinimum: 0, maximum: 100, default: 2 }),
    doc: 'Business API quality rating: share (percent) of customers reached who blocked or reported the business in 7 days from which the rating is YELLOW.',
  },
  PARLEY_API_QUALITY_RED_PERCENT: {
    schema: Type.Number({ exclusiveMinimum: 0, maximum: 100, default: 5 }),
    doc: 'Business API quality rating: share (percent) of customers reached who blocked or reported the business in 7 days from which the rating is RED (the number is flagged and its messaging limit lowered one tier).',
  },
  PARLEY_API_QUALITY_MIN_BASE: {
    schema: Type.Integer({ minimum: 1, default: 100 }),
    doc: 'Business API quality rating: the share is taken of at least this many customers, so a handful of blocks cannot flag a business that reached few customers.',
  },
  PARLEY_TRUST_PROXY: { schema: Type.Boolean({ default: false }), doc: 'Trust X-Forwarded-For (behind a load balancer).' },
} as const;

type Vars = typeof configVars;
export type Config = { readonly [K in keyof Vars]: Static<Vars[K]['schema']> };

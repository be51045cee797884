/**
 * @module domain/accounts/code-sender
 * Where verification codes go: the server log (development) or an SMS provider over HTTP.
 * To add a provider: implement CodeSender.send, resolve when the provider accepted the code,
 * throw when it did not.
 */
import type { Logger } from 'pino';

export interface CodeSender {
  send(phone: string, code: string): Promise<void>;
}

/** Development: the code is printed in the server log. */
export class LogCodeSender implements CodeSender {
  constructor(private readonly log: Logger) {}
  async send(phone: string, code: string): Promise<void> {
    this.log.warn({ msg: 'verification.code', phone, code, text: `Verification code for ${phone}: ${code}` });
  }
}

/**
 * POST `body` as JSON to a provider's URL, with a bearer token when one is set; resolves when the
 * provider answered 2xx, throws otherwise (`what` names the provider in the error).
 */
export async function postToProvider(url: string, token: string, body: unknown, what: string, timeoutMs = 10_000): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!res.ok) throw new Error(`${what} answered HTTP ${res.status}`);
}

/** Production: POST {"to","code","message"} as JSON to the provider's URL, with a bearer token. */
export class HttpCodeSender implements CodeSender {
  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly timeoutMs = 10_000,
  ) {}
  async send(phone: string, code: string): Promise<void> {
    await postToProvider(this.url, this.token, { to: phone, code, message: `Your Parley code: ${code}` }, 'SMS provider', this.timeoutMs);
  }
}

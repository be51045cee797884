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
    this.log.warn({ msg: 'verification.code', phone, code }, `Verification code for ${phone}: ${code}`);
  }
}

/** Production: POST {"to","code","message"} as JSON to the provider's URL, with a bearer token. */
export class HttpCodeSender implements CodeSender {
  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly timeoutMs = 10_000,
  ) {}
  async send(phone: string, code: string): Promise<void> {
    const res = await fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      },
      body: JSON.stringify({ to: phone, code, message: `Your Parley code: ${code}` }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!res.ok) throw new Error(`SMS provider answered HTTP ${res.status}`);
  }
}

/**
 * @module domain/accounts/email-sender
 * Where two-step verification emails (PIN reset codes) go: the server log (development), an email
 * provider over HTTP, or nowhere (`none`: recovery emails are not offered).
 * To add a provider: implement EmailSender.send, resolve when the provider accepted the email,
 * throw when it did not.
 */
import type { Logger } from 'pino';
import type { Config } from '../../config/schema.js';
import { postToProvider } from './code-sender.js';

export interface Email {
  to: string;
  subject: string;
  text: string;
}

export interface EmailSender {
  /** False when the server has no way to send emails. */
  readonly available: boolean;
  send(email: Email): Promise<void>;
}

/** Development: the email is printed in the server log. */
export class LogEmailSender implements EmailSender {
  readonly available = true;
  constructor(private readonly log: Logger) {}
  async send(email: Email): Promise<void> {
    this.log.warn({ msg: 'email.sent', to: email.to, subject: email.subject, text: `Email to ${email.to}: ${email.subject}\n${email.text}` });
  }
}

/** Production: POST {"to","subject","text"} as JSON to the provider's URL, with a bearer token. */
export class HttpEmailSender implements EmailSender {
  readonly available = true;
  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly timeoutMs = 10_000,
  ) {}
  async send(email: Email): Promise<void> {
    await postToProvider(this.url, this.token, email, 'Email provider', this.timeoutMs);
  }
}

/** No email provider: recovery emails cannot be set. */
export class NoEmailSender implements EmailSender {
  readonly available = false;
  async send(): Promise<void> {
    throw new Error('No email sender is configured.');
  }
}

/** The sender the configuration asks for (PARLEY_EMAIL_SENDER). */
export function emailSenderFor(config: Pick<Config, 'PARLEY_EMAIL_SENDER' | 'PARLEY_EMAIL_HTTP_URL' | 'PARLEY_EMAIL_HTTP_TOKEN'>, log: Logger): EmailSender {
  if (config.PARLEY_EMAIL_SENDER === 'http') return new HttpEmailSender(config.PARLEY_EMAIL_HTTP_URL, config.PARLEY_EMAIL_HTTP_TOKEN);
  if (config.PARLEY_EMAIL_SENDER === 'none') return new NoEmailSender();
  return new LogEmailSender(log);
}

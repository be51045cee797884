// The webhook signature headers, over exactly the bytes sent: X-Hub-Signature-256 (HMAC-SHA256 with
// the app secret, hex) and the legacy X-Hub-Signature (HMAC-SHA1). Plain JavaScript, so that the
// webhook thread (workers/webhook-poster.mjs, which runs without the TypeScript loader) signs with
// this very function; TypeScript code gets it through domain/api/webhooks.ts.
import { createHmac } from 'node:crypto';

export function signatureHeaders(appSecret, body) {
  return {
    'x-hub-signature-256': 'sha256=' + createHmac('sha256', appSecret).update(body, 'utf8').digest('hex'),
    'x-hub-signature': 'sha1=' + createHmac('sha1', appSecret).update(body, 'utf8').digest('hex'),
  };
}

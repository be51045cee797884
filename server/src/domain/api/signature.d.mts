/** The two webhook signature headers over the exact bytes sent (see signature.mjs). */
export function signatureHeaders(appSecret: string, body: string): { 'x-hub-signature-256': string; 'x-hub-signature': string };

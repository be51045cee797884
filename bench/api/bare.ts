/**
 * The API benchmark's baseline: a bare Fastify endpoint that accepts `POST /{pnid}/messages` with
 * a bearer, parses the JSON and answers the Cloud API's success shape without storing anything.
 */
import Fastify from 'fastify';
import { randomBytes } from 'node:crypto';

const app = Fastify({ logger: false });
app.post('/:version/:pnid/messages', async (req, reply) => {
  if (!req.headers.authorization?.startsWith('Bearer ')) return reply.code(401).send({ error: { code: 104 } });
  const body = req.body as { to?: string; text?: { body?: string } };
  if (typeof body?.to !== 'string' || typeof body.text?.body !== 'string') return reply.code(400).send({ error: { code: 100 } });
  const waId = body.to.replace(/\D/g, '');
  return { messaging_product: 'whatsapp', contacts: [{ input: body.to, wa_id: waId }], messages: [{ id: 'wamid.' + Buffer.from(`${waId}:${randomBytes(12).toString('hex')}`).toString('base64') }] };
});
await app.listen({ host: '127.0.0.1', port: Number(process.env.BARE_PORT) });
console.log('bare api listening');

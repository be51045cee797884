/**
 * @module http/web
 * Serves the built web app (web/dist) at `/`: hashed assets cached for a year, the HTML shell and
 * service worker never cached, and every other non-API GET answered with the shell (client routing).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { body } from './errors.js';

export const WEB_DIST = fileURLToPath(new URL('../../../web/dist', import.meta.url));

export function webRoutes(dist = WEB_DIST): FastifyPluginAsync {
  return async (app) => {
    const index = path.join(dist, 'index.html');
    if (!fs.existsSync(index)) {
      app.get('/', async (_req, reply) =>
        reply.type('text/plain; charset=utf-8').send('The web app is not built. Run `npm run build:web` (npm install does it), then restart.'),
      );
      return;
    }
    await app.register(fastifyStatic, {
      root: dist,
      wildcard: false,
      index: false,
      setHeaders(res, filePath) {
        res.header('cache-control', filePath.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
    const shell = (_req: unknown, reply: FastifyReply) => reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(fs.createReadStream(index));
    app.get('/', shell);
    app.get('/*', (req, reply) => {
      const url = req.url.split('?')[0] ?? '';
      if (url.startsWith('/v1/') || url === '/v1' || url.startsWith('/healthz') || url.startsWith('/assets/')) {
        return reply.status(404).send(body('NOT_FOUND', `No route for ${req.method} ${url}.`));
      }
      return shell(req, reply);
    });
  };
}

/**
 * Unknown paths: under /api a coded 404; elsewhere the editor's index.html, so client-side routes load the app.
 * When the editor has not been built, the 404 says how to build it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AneloError } from '../../../nodes/core/errors.ts';

async function clientFallback(app: FastifyInstance): Promise<void> {
  app.setNotFoundHandler((req, reply) => {
    const url = req.url.split('?')[0];
    const index = path.join(app.aneloOptions.clientDir, 'index.html');
    if (req.method === 'GET' && !url.startsWith('/api/') && url !== '/api' && existsSync(index)) {
      reply.sendFile('index.html', app.aneloOptions.clientDir, { cacheControl: false });
      return;
    }
    const hint = url.startsWith('/api') ? '' : ' (the editor is not built: run `npm run build`)';
    const shown = url.length > 200 ? `${url.slice(0, 200)}…` : url;
    const err = new AneloError('ANELO_E035_NO_SUCH_ROUTE', `no route ${req.method} ${shown}${hint}`).toJSON();
    reply.code(404).send({ error: err });
  });
}

export default fp(clientFallback, { name: 'anelo-client-fallback', dependencies: ['anelo-services'] });

/**
 * Previews are the one request a page fires in bursts (scrubbing): at most `maxConcurrentPreviews` are taken at
 * once (the executor computes up to its own limit of them at a time, the pool's threads, and queues the rest), and
 * none start while the event loop lags (@fastify/under-pressure); both answer 503 E107 with Retry-After,
 * which the editor treats as "try again". Every other route is never refused for load: a cancel must get through.
 */
import underPressure, { type FastifyUnderPressureOptions } from '@fastify/under-pressure';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AneloError } from '../../../nodes/core/errors.ts';

const isPreview = (req: FastifyRequest): boolean => req.method === 'POST' && req.url.split('?')[0].replace(/\/$/, '') === '/api/preview';

function busy(why: string): { error: ReturnType<AneloError['toJSON']> } {
  return { error: new AneloError('ANELO_E107_SERVER_BUSY', `preview refused: ${why}; try again in a moment`, {}).toJSON() };
}

async function previewLimit(app: FastifyInstance, opts: { maxConcurrentPreviews: number; maxEventLoopDelayMs?: number }): Promise<void> {
  await app.register(underPressure, {
    maxEventLoopDelay: opts.maxEventLoopDelayMs ?? 1000,
    // under-pressure sends what the handler returns, and lets the request through when it returns nothing.
    pressureHandler: ((req: FastifyRequest, reply: FastifyReply, type: string) => {
      if (!isPreview(req)) return undefined;
      reply.code(503).header('retry-after', '1').type('application/json');
      return busy(`the server is overloaded (${type})`);
    }) as unknown as FastifyUnderPressureOptions['pressureHandler'],
  });
  let inFlight = 0;
  app.addHook('onRequest', async (req, reply) => {
    if (!isPreview(req)) return undefined;
    if (inFlight >= opts.maxConcurrentPreviews) {
      return reply.code(503).header('retry-after', '1').type('application/json').send(busy(`${inFlight} previews are already computing`));
    }
    inFlight++;
    reply.raw.once('close', () => inFlight--);
    return undefined;
  });
}

export default fp(previewLimit, { name: 'anelo-preview-limit' });

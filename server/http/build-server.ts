/** Creates the Fastify instance: TypeBox types, pino logging, then plugins in order — external, app (which adds routes). */
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import { AneloError, type AneloErrorJson } from '../../nodes/core/errors.ts';
import app from './app.ts';
import previewLimit from './plugins/preview-limit.ts';
import requestGuard from './plugins/request-guard.ts';
import { resolveServerOptions, type ServerOptions } from './server-options.ts';

/** Graph documents are small; uploads go through multipart, which has its own limit. */
const JSON_BODY_LIMIT = 16 * 2 ** 20;
/** The longest route param (a preset, media or output name, a run id, %-escaped) the router hands to its route. */
export const MAX_NAME_IN_URL = 1024;

/** What the router refuses before any route runs, as a coded error. */
function frameworkError(error: { code?: string; message: string }): { status: number; body: AneloErrorJson } {
  const path = /'(.*)'/.exec(error.message)?.[1] ?? '';
  const shown = path.length > 120 ? `${path.slice(0, 120)}…` : path;
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return { status: 414, body: new AneloError('ANELO_E109_URL_TOO_LONG', `a name in the URL is longer than ${MAX_NAME_IN_URL} characters: ${shown}`).toJSON() };
  }
  const what = error.code === 'FST_ERR_BAD_URL' ? `malformed URL: "${shown}" holds a %-escape that decodes to no text` : 'malformed request';
  return { status: 400, body: new AneloError('ANELO_E052_BAD_REQUEST', what).toJSON() };
}

export async function buildServer(given: Partial<ServerOptions> = {}): Promise<FastifyInstance> {
  const opts = resolveServerOptions(given);
  const fastify = Fastify({
    logger: opts.logs === false ? false : { level: opts.logs },
    bodyLimit: JSON_BODY_LIMIT,
    // Names in URLs are matched as given; the stores check them again after decoding. A name up to
    // MAX_NAME_IN_URL characters reaches its route, whose check says what is wrong with it (find-my-way's default of
    // 100 sent a longer one past every route: "no route", or "Forbidden" from the static files).
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_NAME_IN_URL },
    // The router's own refusals (a %-escape that decodes to no text, a name too long) in anelo's coded shape.
    frameworkErrors: (error, _req, reply) => {
      const { status, body } = frameworkError(error);
      return (reply as unknown as FastifyReply).code(status).type('application/json').send({ error: body });
    },
    // Requests Node's parser rejects (bad header, header too large) still get a coded body.
    clientErrorHandler: (err, socket) => {
      const tooLarge = (err as NodeJS.ErrnoException).code === 'HPE_HEADER_OVERFLOW';
      const status = tooLarge ? 431 : 400;
      const body = JSON.stringify({ error: new AneloError(tooLarge ? 'ANELO_E109_URL_TOO_LONG' : 'ANELO_E052_BAD_REQUEST', tooLarge ? 'request line or headers too large' : 'malformed HTTP request').toJSON() });
      if (socket.writable) socket.end(`HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      else socket.destroy();
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // First, so no route, static file or WebSocket upgrade answers a foreign Host or a cross-site request.
  await fastify.register(requestGuard, { host: opts.host, accessToken: opts.accessToken, maxParamLength: MAX_NAME_IN_URL });
  await fastify.register(previewLimit, { maxConcurrentPreviews: opts.maxConcurrentPreviews });

  await fastify.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });
  await fastify.register(fastifyMultipart, { limits: { fileSize: opts.uploadLimitBytes, files: 1, fields: 4 } });
  await fastify.register(fastifyStatic, { root: opts.clientDir, prefix: '/', wildcard: true, index: ['index.html'] });
  // Not encapsulated (as fastify-cli loads an app): the services, error handler and 404 handler apply at the root.
  await fastify.register(fp(app, { name: 'anelo-app' }), opts);
  return fastify as unknown as FastifyInstance;
}

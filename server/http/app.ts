/**
 * The anelo server as one Fastify plugin: shared services, the error handler, the API routes under /api and the
 * editor's fallback. build-server.ts registers the external plugins (websocket, multipart, static) before it.
 */
import type { FastifyInstance } from 'fastify';
import errorHandler from './plugins/error-handler.ts';
import clientFallback from './plugins/client-fallback.ts';
import services from './plugins/services.ts';
import eventsRoutes from './routes/events.ts';
import graphsRoutes from './routes/graphs.ts';
import infoRoutes from './routes/info.ts';
import mediaRoutes from './routes/media.ts';
import modelsRoutes from './routes/models.ts';
import nodeTypesRoutes from './routes/node-types.ts';
import outputsRoutes from './routes/outputs.ts';
import prepareRoutes from './routes/prepare.ts';
import previewRoutes from './routes/preview.ts';
import runsRoutes from './routes/runs.ts';
import sceneCutsRoutes from './routes/scene-cuts.ts';
import type { ServerOptions } from './server-options.ts';

const API_ROUTES = [nodeTypesRoutes, modelsRoutes, graphsRoutes, mediaRoutes, outputsRoutes, runsRoutes, prepareRoutes, previewRoutes, sceneCutsRoutes, infoRoutes, eventsRoutes];

export default async function app(fastify: FastifyInstance, opts: ServerOptions): Promise<void> {
  await fastify.register(services, opts);
  await fastify.register(errorHandler);
  for (const routes of API_ROUTES) await fastify.register(routes, { prefix: '/api' });
  await fastify.register(clientFallback);
}

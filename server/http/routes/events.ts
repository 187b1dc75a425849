/** GET /api/events (WebSocket): run events, run state changes and model download progress, as JSON messages. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

const eventsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/events', { websocket: true }, (socket) => {
    const remove = app.eventHub.add(socket);
    socket.on('close', remove);
    socket.on('error', remove);
  });
};

export default eventsRoutes;

/**
 * POST /api/preview: one frame of one node as a PNG, computed through the same executor and cache as runs, so
 * after a param change only that node and what depends on it recompute.
 */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { bindGraph } from '../lib/bind-graph.ts';
import { chunkToRgb, encodePng } from '../render/chunk-to-png.ts';
import { GraphBody, MediaName, NodeId } from '../schemas.ts';

const previewRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/preview',
    {
      schema: {
        body: Type.Object({
          graph: GraphBody,
          input: MediaName,
          nodeId: NodeId,
          port: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
          frame: Type.Integer({ minimum: 0 }),
        }),
      },
    },
    async (req, reply) => {
      const media = await app.mediaLibrary.resolve(req.body.input);
      const graph = bindGraph(req.body.graph, media.path);
      // A client that gives up (a newer preview superseded this one) stops the work it no longer needs.
      const controller = new AbortController();
      const onClose = (): void => {
        if (!reply.raw.writableFinished) controller.abort();
      };
      reply.raw.once('close', onClose);
      const result = await app.executor.preview(graph, { nodeId: req.body.nodeId, port: req.body.port, frame: req.body.frame, signal: controller.signal });
      const png = encodePng(chunkToRgb(result.chunk));
      return reply
        .type('image/png')
        .header('cache-control', 'no-store')
        .header('x-anelo-ms', String(Math.round(result.ms)))
        .header('x-anelo-cached', result.cached ? '1' : '0')
        .header('x-anelo-frame-count', String(result.info.frameCount))
        .send(png);
    },
  );
};

export default previewRoutes;

/**
 * POST /api/prepare: the editor names the graph it shows, and what its previews will wait on starts now — the depth
 * node's model loads on the depth threads (0.25–0.35 s for FastDepth here, seconds for a large model) — instead of
 * inside the first preview of a depth-fed node. Answers 202 once the graph is planned, with the nodes preparing; the loading goes on behind. A
 * graph that cannot be planned gets the coded error a preview of it would; a model that fails to load fails
 * nothing here, and the preview that needs it reports the fault on its node.
 */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { bindGraph } from '../lib/bind-graph.ts';
import { GraphBody, MediaName } from '../schemas.ts';

const prepareRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/prepare',
    { schema: { body: Type.Object({ graph: GraphBody, input: MediaName }), response: { 202: Type.Object({ preparing: Type.Array(Type.String()) }) } } },
    async (req, reply) => {
      const media = await app.mediaLibrary.resolve(req.body.input);
      const { nodes } = await app.executor.prepareGraph(bindGraph(req.body.graph, media.path));
      return reply.code(202).send({ preparing: nodes });
    },
  );
};

export default prepareRoutes;

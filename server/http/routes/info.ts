/** POST /api/info: every node's output stream shapes for a graph on a media file, without computing frames. */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { bindGraph } from '../lib/bind-graph.ts';
import { GraphBody, MediaName } from '../schemas.ts';

const infoRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/info',
    { schema: { body: Type.Object({ graph: GraphBody, input: MediaName }), response: { 200: Type.Object({ nodes: Type.Unknown() }) } } },
    async (req) => {
      const media = await app.mediaLibrary.resolve(req.body.input);
      const nodes = await app.executor.info(bindGraph(req.body.graph, media.path));
      // Streams name their source by media name: where the server keeps files is none of the page's business.
      return { nodes: JSON.parse(JSON.stringify(nodes, (k, v) => (k === 'source' && v && typeof v.path === 'string' ? { ...v, path: req.body.input } : v))) };
    },
  );
};

export default infoRoutes;

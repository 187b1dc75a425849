/** GET /api/node-types: the catalogue the editor builds its palette, handles and forms from. */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { shippedCatalogue } from '../../engine/load-graph.ts';

const nodeTypesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/node-types', { schema: { response: { 200: Type.Object({ nodeTypes: Type.Unknown() }) } } }, async () => ({ nodeTypes: shippedCatalogue() }));
};

export default nodeTypesRoutes;

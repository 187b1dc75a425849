/** Presets: list, load, save (validated, atomic), rename, delete, and validation of an unsaved graph. */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { validateGraph } from '../../../nodes/core/validate-graph.ts';
import { migrateGraph, shippedCatalogue } from '../../engine/load-graph.ts';
import { GraphBody, NameParam } from '../schemas.ts';

const graphsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/graphs',
    { schema: { response: { 200: Type.Object({ graphs: Type.Array(Type.Object({ name: Type.String(), builtIn: Type.Boolean(), updatedAt: Type.String() })) }) } } },
    async () => ({ graphs: await app.presets.list() }),
  );

  app.post(
    '/graphs/validate',
    { schema: { body: GraphBody, response: { 200: Type.Object({ graph: GraphBody, problems: Type.Array(Type.Unknown()) }) } } },
    async (req) => {
      const graph = migrateGraph(req.body);
      return { graph, problems: validateGraph(graph, shippedCatalogue()) };
    },
  );

  app.get('/graphs/:name', { schema: { params: NameParam, response: { 200: GraphBody } } }, async (req) => app.presets.get(req.params.name));

  app.put(
    '/graphs/:name',
    { schema: { params: NameParam, body: GraphBody, response: { 200: Type.Object({ name: Type.String(), savedAt: Type.String() }) } } },
    async (req) => app.presets.save(req.params.name, req.body),
  );

  app.post(
    '/graphs/:name/rename',
    {
      schema: {
        params: NameParam,
        body: Type.Object({ to: Type.String({ minLength: 1, maxLength: 200 }) }),
        response: { 200: Type.Object({ name: Type.String() }) },
      },
    },
    async (req) => app.presets.rename(req.params.name, req.body.to),
  );

  app.delete('/graphs/:name', { schema: { params: NameParam } }, async (req, reply) => {
    await app.presets.remove(req.params.name);
    return reply.code(204).send();
  });
};

export default graphsRoutes;

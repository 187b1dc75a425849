/** GET /api/models (what is known and installed) and POST /api/models/:id/pull (download; progress over WS). */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

const ModelListing = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    family: Type.String(),
    license: Type.String(),
    bytes: Type.Union([Type.Number(), Type.Null()]),
    url: Type.Optional(Type.String()),
    localOnly: Type.Boolean(),
    installed: Type.Boolean(),
    path: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: true },
);

const modelsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/models', { schema: { response: { 200: Type.Object({ models: Type.Array(ModelListing) }) } } }, async () => ({ models: app.models.list() }));

  app.post(
    '/models/:id/pull',
    {
      schema: {
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) }),
        // Models whose licence is not permissive download only once the user has accepted it (`?acceptLicense=true`).
        querystring: Type.Object({ acceptLicense: Type.Optional(Type.Boolean()) }),
        response: { 202: Type.Object({ started: Type.Boolean() }) },
      },
    },
    async (req, reply) => {
      app.modelPulls.start(req.params.id, { acceptLicense: req.query.acceptLicense });
      return reply.code(202).send({ started: true });
    },
  );
};

export default modelsRoutes;

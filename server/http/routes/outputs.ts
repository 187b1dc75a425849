/** Outputs: list, download (HTTP Range supported, for seeking in a <video>), delete. */
import path from 'node:path';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { NameParam } from '../schemas.ts';

const outputsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/outputs',
    { schema: { response: { 200: Type.Object({ outputs: Type.Array(Type.Object({ name: Type.String(), sizeBytes: Type.Number(), createdAt: Type.String() })) }) } } },
    async () => ({ outputs: await app.outputFiles.list() }),
  );

  app.get('/outputs/:name', { schema: { params: NameParam } }, async (req, reply) => {
    const file = await app.outputFiles.resolve(req.params.name);
    // @fastify/send answers Range with 206 + Content-Range, sets Accept-Ranges and the type from the extension.
    return reply.sendFile(path.basename(file), path.dirname(file), { dotfiles: 'deny', cacheControl: false });
  });

  app.delete('/outputs/:name', { schema: { params: NameParam } }, async (req, reply) => {
    await app.outputFiles.remove(req.params.name);
    return reply.code(204).send();
  });
};

export default outputsRoutes;

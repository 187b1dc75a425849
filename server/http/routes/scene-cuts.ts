/**
 * POST /api/scene-cuts: the scene cuts of the graph's clip, for marks on the editor's scrubber. The answer never
 * waits for the detection: it says where the job stands (queued, computing with the frames analysed so far, done,
 * error) and the page asks again until it is done. Detection is the graph's scene-detect node run by the executor.
 */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { bindGraph } from '../lib/bind-graph.ts';
import { cutsGraph, SceneCutJobs } from '../lib/scene-cut-jobs.ts';
import { GraphBody, MediaName, NodeId } from '../schemas.ts';

const CutsReply = Type.Object({
  state: Type.Union([Type.Literal('queued'), Type.Literal('computing'), Type.Literal('done'), Type.Literal('error')]),
  cuts: Type.Array(Type.Integer()),
  frameCount: Type.Integer(),
  done: Type.Integer(),
  nodeId: Type.String(),
  error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() })),
});

const sceneCutsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const jobs = new SceneCutJobs(app.executor);
  app.addHook('onClose', async () => jobs.close());
  app.post(
    '/scene-cuts',
    { schema: { body: Type.Object({ graph: GraphBody, input: MediaName, nodeId: Type.Optional(NodeId) }), response: { 200: CutsReply } } },
    async (req) => {
      const media = await app.mediaLibrary.resolve(req.body.input);
      const { graph, nodeId } = cutsGraph(bindGraph(req.body.graph, media.path), req.body.nodeId);
      return jobs.ask(graph, nodeId);
    },
  );
};

export default sceneCutsRoutes;

/**
 * Runs: queue a graph on a media file, list and read run status (a history that outlives the server), the graph a
 * run used, cancel, delete. Progress goes out over /api/events.
 */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AneloError } from '../../../nodes/core/errors.ts';
import type { GraphDocument } from '../../../nodes/core/graph-document.ts';
import type { StereoLayout } from '../../../nodes/core/types.ts';
import { bindGraph, encodeInputInfo, encodeNodesOf } from '../lib/bind-graph.ts';
import { FrameRange, GraphBody, MediaName, NodeId, RunStatusReply } from '../schemas.ts';

const RunId = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
/** A run status plus the name of the graph it rendered, for the editor's Runs panel. */
const RunListingReply = Type.Object({ ...RunStatusReply.properties, graphName: Type.Optional(Type.String()) });

const runsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/runs',
    {
      schema: {
        body: Type.Object({ graph: GraphBody, input: MediaName, target: Type.Optional(NodeId), frames: Type.Optional(FrameRange) }),
        response: { 202: Type.Object({ runId: Type.String() }) },
      },
    },
    async (req, reply) => {
      const { input, target, frames } = req.body;
      if (frames && frames.end <= frames.start) {
        throw new AneloError('ANELO_E013_EMPTY_RANGE', `frames ${frames.start}:${frames.end} select nothing`, { param: 'frames' });
      }
      const media = await app.mediaLibrary.resolve(input);
      const graph = bindGraph(req.body.graph, media.path);
      const encodes = encodeNodesOf(graph, target);
      if (encodes.length === 0 && target === undefined) {
        throw new AneloError('ANELO_E032_NO_OUTPUT_PATH', 'the graph has no encode node: add one, or pass "target" to compute (and cache) a node', { param: 'target' });
      }
      // Probing here turns an unreadable input into a 4xx now rather than a failed run later.
      const info = await app.executor.info(graph);
      const layouts: Record<string, StereoLayout | undefined> = {};
      for (const id of encodes) layouts[id] = encodeInputInfo(graph, info, id)?.layout;
      const run = app.runs.submit({ graph, input, target, frames, encodes: layouts, source: req.body.graph as GraphDocument });
      return reply.code(202).send({ runId: run.id });
    },
  );

  app.get('/runs', { schema: { response: { 200: Type.Object({ runs: Type.Array(RunListingReply) }) } } }, async () => ({ runs: app.runs.list() }));

  app.get('/runs/:id', { schema: { params: RunId, response: { 200: RunListingReply } } }, async (req) => app.runs.get(req.params.id));

  app.get('/runs/:id/graph', { schema: { params: RunId, response: { 200: GraphBody } } }, async (req) => app.runs.graph(req.params.id));

  app.delete('/runs/:id', { schema: { params: RunId } }, async (req, reply) => {
    await app.runs.remove(req.params.id);
    return reply.code(204).send();
  });

  app.post('/runs/:id/cancel', { schema: { params: RunId, response: { 200: Type.Object({ state: Type.String() }) } } }, async (req) => ({
    state: await app.runs.cancel(req.params.id),
  }));
};

export default runsRoutes;

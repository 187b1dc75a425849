/**
 * POST /api/preview: one frame of one node as a PNG, computed through the same executor and cache as runs. Only
 * that frame is computed (its window at temporal nodes), reusing any chunk a run left; a newer preview of the same
 * node supersedes and cancels an older one still computing, so scrubbing never queues stale work.
 */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { bindGraph } from '../lib/bind-graph.ts';
import { JoinedPreviews } from '../lib/joined-previews.ts';
import { ownDepthRange, unionRange, withDepthRange, type DepthRange } from '../lib/shared-depth-scale.ts';
import { GraphBody, MediaName, NodeId } from '../schemas.ts';

const previewRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const latest = new Map<string, AbortController>();
  const joined = new JoinedPreviews();
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
          // The panel's width: big frames travel small while scrubbing.
          maxWidth: Type.Optional(Type.Integer({ minimum: 16, maximum: 16384 })),
          // A/B compare: colour depth on one scale with this node's frame (x-anelo-depth-range says which).
          shareScaleWith: Type.Optional(NodeId),
        }),
      },
    },
    async (req, reply) => {
      const media = await app.mediaLibrary.resolve(req.body.input);
      const graph = bindGraph(req.body.graph, media.path);
      const slot = `${req.body.nodeId}/${req.body.port ?? ''}`;
      const controller = new AbortController();
      latest.get(slot)?.abort();
      latest.set(slot, controller);
      // A client that gives up stops the work it no longer needs.
      const onClose = (): void => {
        if (!reply.raw.writableFinished) controller.abort();
      };
      reply.raw.once('close', onClose);
      // Same frame, node, graph and input: one computation however many requests wait for it.
      const doc = JSON.stringify(req.body.graph);
      const frameOf = (nodeId: string, port?: string) =>
        joined.run(JSON.stringify([req.body.input, nodeId, port ?? '', req.body.frame, doc]), controller.signal, (signal) =>
          app.executor.preview(graph, { nodeId, port, frame: req.body.frame, signal }),
        );
      try {
        const result = await frameOf(req.body.nodeId, req.body.port);
        let range: DepthRange | undefined = ownDepthRange(result.chunk, result.info.depthScale);
        let shared = false;
        const other = req.body.shareScaleWith;
        if (range && other !== undefined && other !== req.body.nodeId) {
          // The other node failing (its own preview says why) leaves this one on its own range.
          const o = await frameOf(other).catch((e: unknown) => {
            if (controller.signal.aborted) throw e;
            return undefined;
          });
          const oRange = o && ownDepthRange(o.chunk, o.info.depthScale);
          if (o && oRange && (o.info.depthScale ?? 'raw') === (result.info.depthScale ?? 'raw')) {
            range = unionRange(range, oRange);
            shared = true;
          }
        }
        const chunk = shared && range ? withDepthRange(result.chunk, range) : result.chunk;
        const png = await app.executor.previewPng({ chunk, info: result.info }, req.body.maxWidth, controller.signal);
        if (range) reply.header('x-anelo-depth-range', `${range[0]},${range[1]}`).header('x-anelo-depth-scale', shared ? 'shared' : 'own');
        return reply
          .type('image/png')
          .header('cache-control', 'no-store')
          .header('x-anelo-ms', String(Math.round(result.ms)))
          .header('x-anelo-cached', result.cached ? '1' : '0')
          .header('x-anelo-computed', JSON.stringify(result.computed))
          .header('x-anelo-frame-count', String(result.info.frameCount))
          .send(Buffer.from(png.buffer, png.byteOffset, png.byteLength));
      } finally {
        if (latest.get(slot) === controller) latest.delete(slot);
      }
    },
  );
};

export default previewRoutes;

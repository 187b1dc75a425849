/** Request and reply schemas shared by several routes (TypeBox, so route handlers get their types from them). */
import { Type } from '@fastify/type-provider-typebox';

/** Error bodies, as the error handler writes them. */
export const ErrorReply = Type.Object({
  error: Type.Object(
    {
      code: Type.String(),
      title: Type.String(),
      message: Type.String(),
      nodeId: Type.Optional(Type.String()),
      param: Type.Optional(Type.String()),
      port: Type.Optional(Type.String()),
      file: Type.Optional(Type.String()),
      details: Type.Optional(Type.Unknown()),
    },
    { additionalProperties: true },
  ),
});

/**
 * A graph document as it arrives: any JSON object. Its shape and content are checked by the graph loader, which
 * reports every problem at once (400 E001 with `details.problems`) rather than the first schema failure.
 */
export const GraphBody = Type.Object({}, { additionalProperties: true, description: 'GraphDocument (nodes/core/graph-document.ts)' });

/** A name as the API addresses media, outputs and presets; the stores check the exact rules. */
export const NameParam = Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }) });

export const MediaName = Type.String({ minLength: 1, maxLength: 200, description: 'a media name from GET /api/media' });

export const NodeId = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' });

export const FrameRange = Type.Object({ start: Type.Integer({ minimum: 0 }), end: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });

export const MediaEntry = Type.Object({
  name: Type.String(),
  sample: Type.Boolean(),
  sizeBytes: Type.Number(),
  width: Type.Integer(),
  height: Type.Integer(),
  fps: Type.Number(),
  frameCount: Type.Integer(),
  durationS: Type.Number(),
  hasAudio: Type.Boolean(),
  sampleAspect: Type.Optional(Type.String({ pattern: '^[0-9]+:[0-9]+$' })),
  hdr: Type.Optional(Type.Union([Type.Literal('pq'), Type.Literal('hlg')])),
});

export const RunStatusReply = Type.Object({
  id: Type.String(),
  state: Type.Union([Type.Literal('queued'), Type.Literal('running'), Type.Literal('done'), Type.Literal('error'), Type.Literal('cancelled')]),
  createdAt: Type.String(),
  startedAt: Type.Optional(Type.String()),
  endedAt: Type.Optional(Type.String()),
  target: Type.Optional(Type.String()),
  input: Type.String(),
  outputs: Type.Array(Type.String()),
  report: Type.Optional(Type.Unknown()),
  error: Type.Optional(Type.Unknown()),
  /** RunWorkerLine[] (nodes/core/api-types.ts), for a run rendered on a cluster. */
  workers: Type.Optional(Type.Array(Type.Unknown())),
});

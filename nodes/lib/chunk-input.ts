/** Reading a node's input chunks by port with coded errors, and cancellation between frames. */
import { AneloError } from '../core/errors.ts';
import type { Chunk, CutsChunk, DepthChunk, FramesChunk, RunContext, StreamInfo } from '../core/types.ts';

interface ChunkOfType {
  frames: FramesChunk;
  depth: DepthChunk;
  cuts: CutsChunk;
}

/** The chunk on `port`, checked to be of `type`; undefined when the port is unconnected. */
export function optionalChunk<T extends keyof ChunkOfType>(ctx: RunContext<unknown>, port: string, type: T): ChunkOfType[T] | undefined {
  const c: Chunk | undefined = ctx.inputs[port];
  if (c === undefined) return undefined;
  if (c.type !== type) {
    throw new AneloError('ANELO_E031_NODE_FAILED', `Input "${port}" of node ${ctx.nodeId} carries ${c.type}, expected ${type}`, {
      nodeId: ctx.nodeId,
      port,
    });
  }
  return c as ChunkOfType[T];
}

/** The chunk on `port`, which must be connected and of `type`. */
export function requireChunk<T extends keyof ChunkOfType>(ctx: RunContext<unknown>, port: string, type: T): ChunkOfType[T] {
  const c = optionalChunk(ctx, port, type);
  if (!c) throw new AneloError('ANELO_E031_NODE_FAILED', `Input "${port}" of node ${ctx.nodeId} is not connected`, { nodeId: ctx.nodeId, port });
  return c;
}

/** The stream info on `port`, which must be connected. */
export function requireInfo(inputs: Record<string, StreamInfo | undefined>, nodeId: string, port: string): StreamInfo {
  const info = inputs[port];
  if (!info) throw new AneloError('ANELO_E031_NODE_FAILED', `Input "${port}" of node ${nodeId} is not connected`, { nodeId, port });
  return info;
}

/** Throws the cancel error when the run was aborted; called between frames. */
export function throwIfAborted(ctx: RunContext<unknown>, frame: number): void {
  if (ctx.signal.aborted) throw new AneloError('ANELO_E030_CANCELLED', `Run cancelled at frame ${frame} of node ${ctx.nodeId}`, { nodeId: ctx.nodeId, frame });
}

/** The frame of `chunk` at stream index `i`, or a coded error naming the port when the window did not cover it. */
export function frameAt<T>(frames: readonly T[], start: number, i: number, ctx: RunContext<unknown>, port: string): T {
  const f = frames[i - start];
  if (f === undefined) {
    throw new AneloError('ANELO_E033_FRAME_OUT_OF_RANGE', `Input "${port}" of node ${ctx.nodeId} lacks frame ${i}`, { nodeId: ctx.nodeId, port, frame: i });
  }
  return f;
}

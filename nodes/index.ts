/** Every node type anelo ships, in palette order. The catalogue, validation and executor all read this list. */
import type { AnyNodeDefinition } from './core/types.ts';
import { decodeNode } from './decode.ts';
import { encodeNode } from './encode.ts';
import { sceneDetectNode } from './scene-detect.ts';
import { opticalFlowNode } from './optical-flow.ts';
import { temporalSmoothNode } from './temporal-smooth.ts';
import { edgeRefineNode } from './edge-refine.ts';
import { stereoWarpNode } from './stereo-warp.ts';
import { depthNode } from './depth.ts';
import { compareNode } from './compare.ts';

export const NODE_DEFINITIONS: readonly AnyNodeDefinition[] = [
  decodeNode,
  depthNode,
  sceneDetectNode,
  opticalFlowNode,
  temporalSmoothNode,
  edgeRefineNode,
  stereoWarpNode,
  compareNode,
  encodeNode,
] as unknown as AnyNodeDefinition[];

export function findDefinition(type: string): AnyNodeDefinition | undefined {
  return NODE_DEFINITIONS.find((d) => d.type === type);
}

/** A small catalogue shaped like GET /api/node-types, for testing client logic without a server. */
import { describeCatalogue, type Catalogue, type NodeTypeDescriptor } from '../../nodes/core/catalogue.ts';
import type { GraphDocument } from '../../nodes/core/graph-document.ts';
import type { PortSpec } from '../../nodes/core/types.ts';
import { NODE_DEFINITIONS } from '../../nodes/index.ts';

function desc(type: string, label: string, inputs: PortSpec[], outputs: PortSpec[]): NodeTypeDescriptor {
  return { type, version: 1, label, category: 'depth', description: '', inputs, outputs, params: { type: 'object', properties: {} }, cache: 'memory', temporal: false, sink: false };
}

export const catalogue: Catalogue = {
  decode: desc('decode', 'Decode', [], [{ name: 'frames', types: ['frames'] }]),
  depth: desc('depth', 'Depth', [{ name: 'frames', types: ['frames'] }], [{ name: 'depth', types: ['depth'] }]),
  'scene-detect': desc('scene-detect', 'Scene detect', [{ name: 'frames', types: ['frames'] }], [{ name: 'cuts', types: ['cuts'] }]),
  smooth: desc('smooth', 'Smooth', [{ name: 'depth', types: ['depth'] }, { name: 'cuts', types: ['cuts'], optional: true }], [{ name: 'depth', types: ['depth'] }]),
};

const node = (id: string, type: string) => ({ id, type, params: {}, position: { x: 0, y: 0 } });

/** decode → depth → smooth, and decode → scene (not yet wired to smooth). */
export function pipeline(): GraphDocument {
  return {
    schemaVersion: 1,
    nodes: [node('decode', 'decode'), node('depth', 'depth'), node('scene', 'scene-detect'), node('smooth', 'smooth')],
    edges: [
      { source: 'decode', sourcePort: 'frames', target: 'depth', targetPort: 'frames' },
      { source: 'decode', sourcePort: 'frames', target: 'scene', targetPort: 'frames' },
      { source: 'depth', sourcePort: 'depth', target: 'smooth', targetPort: 'depth' },
    ],
  };
}

/** The shipped nodes' catalogue, as the server sends it. */
export const shippedCatalogue: Catalogue = describeCatalogue(NODE_DEFINITIONS);

/** decode → depth (model "fastdepth") → smooth → warp, and a second depth node (model "midas") not yet wired. */
export function twoDepthGraph(): GraphDocument {
  const at = { x: 0, y: 0 };
  return {
    schemaVersion: 1,
    nodes: [
      { id: 'decode', type: 'decode', params: {}, position: at },
      { id: 'depth', type: 'depth', params: { model: 'fastdepth' }, position: at },
      { id: 'smooth', type: 'temporal-smooth', params: {}, position: at },
      { id: 'warp', type: 'stereo-warp', params: {}, position: at },
      { id: 'other', type: 'depth', params: { model: 'midas' }, position: at },
    ],
    edges: [
      { source: 'decode', sourcePort: 'frames', target: 'depth', targetPort: 'frames' },
      { source: 'depth', sourcePort: 'depth', target: 'smooth', targetPort: 'depth' },
      { source: 'decode', sourcePort: 'frames', target: 'warp', targetPort: 'frames' },
      { source: 'smooth', sourcePort: 'depth', target: 'warp', targetPort: 'depth' },
    ],
  };
}

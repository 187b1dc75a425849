/** The smallest runnable graph (decode → encode at x264 ultrafast), written where a CLI test can name it. */
import { promises as fs } from 'node:fs';
import path from 'node:path';

export const DECODE_ENCODE_GRAPH = {
  schemaVersion: 1,
  nodes: [
    { id: 'decode', type: 'decode', params: {}, position: { x: 0, y: 0 } },
    { id: 'encode', type: 'encode', params: { preset: 'ultrafast' }, position: { x: 300, y: 0 } },
  ],
  edges: [{ source: 'decode', sourcePort: 'frames', target: 'encode', targetPort: 'video' }],
};

/** Writes the graph as `<dir>/decode-encode.json` and returns its path. */
export async function writeDecodeEncodeGraph(dir: string): Promise<string> {
  const file = path.join(dir, 'decode-encode.json');
  await fs.writeFile(file, JSON.stringify(DECODE_ENCODE_GRAPH));
  return file;
}

/**
 * Drops onto the canvas: a palette item adds that node where it lands, a .json file imports a graph,
 * and a video file is uploaded as input media.
 */
import { useReactFlow } from '@xyflow/react';
import { useCallback, type DragEvent } from 'react';
import { uploadMedia } from '../store/media-actions.ts';
import { addNode } from '../store/node-actions.ts';
import { importGraphFile } from '../store/preset-actions.ts';

/** MIME type palette items put on the drag. */
export const NODE_TYPE_MIME = 'application/x-anelo-node-type';

export function useCanvasDrop(): { onDragOver: (e: DragEvent) => void; onDrop: (e: DragEvent) => void } {
  const { screenToFlowPosition } = useReactFlow();

  const onDragOver = useCallback((e: DragEvent) => {
    e.preventDefault();
    e.dataTransfer.dropEffect = e.dataTransfer.types.includes(NODE_TYPE_MIME) ? 'move' : 'copy';
  }, []);

  const onDrop = useCallback(
    (e: DragEvent) => {
      e.preventDefault();
      const type = e.dataTransfer.getData(NODE_TYPE_MIME);
      if (type) {
        addNode(type, screenToFlowPosition({ x: e.clientX, y: e.clientY }));
        return;
      }
      for (const file of e.dataTransfer.files) {
        if (file.name.toLowerCase().endsWith('.json') || file.type === 'application/json') void importGraphFile(file);
        else void uploadMedia(file);
      }
    },
    [screenToFlowPosition],
  );

  return { onDragOver, onDrop };
}

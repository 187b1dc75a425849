/** Preview errors pinned to the node the server blamed (or the previewed node), cleared when it works again. */
import { update } from './editor-store.ts';

export function setNodeError(nodeId: string, message: string): void {
  update((s) => void (s.nodeErrors[nodeId] = message));
}

export function clearNodeErrors(nodeIds: Iterable<string>): void {
  update((s) => {
    for (const id of nodeIds) delete s.nodeErrors[id];
  });
}

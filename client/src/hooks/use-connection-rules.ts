/** isValidConnection / onConnect / onConnectEnd for the canvas, all backed by checkConnection. */
import type { Connection, Edge, FinalConnectionState, InternalNode } from '@xyflow/react';
import { useCallback } from 'react';
import { checkConnection, type ConnectionAttempt } from '../lib/connection-rules.ts';
import { getState } from '../store/editor-store.ts';
import { connect } from '../store/node-actions.ts';
import { refuseConnection } from '../store/status-actions.ts';

function attempt(c: Connection | Edge): ConnectionAttempt {
  return { source: c.source, sourcePort: c.sourceHandle ?? '', target: c.target, targetPort: c.targetHandle ?? '' };
}

function verdict(c: ConnectionAttempt): ReturnType<typeof checkConnection> {
  const { graph, catalogue } = getState();
  if (!catalogue) return { ok: false, reason: 'node types are not loaded yet' };
  return checkConnection(graph, catalogue, c);
}

export function useConnectionRules(): {
  isValidConnection: (c: Connection | Edge) => boolean;
  onConnect: (c: Connection) => void;
  onConnectEnd: (e: MouseEvent | TouchEvent, state: FinalConnectionState<InternalNode>) => void;
} {
  const isValidConnection = useCallback((c: Connection | Edge) => verdict(attempt(c)).ok, []);

  const onConnect = useCallback((c: Connection) => {
    const a = attempt(c);
    const v = verdict(a);
    if (v.ok) connect(a);
    else refuseConnection(v.reason);
  }, []);

  const onConnectEnd = useCallback((_e: MouseEvent | TouchEvent, state: FinalConnectionState<InternalNode>) => {
    const from = state.fromHandle;
    const to = state.toHandle;
    if (state.isValid || !from || !to) return;
    if (from.type === to.type) {
      refuseConnection(from.type === 'source' ? 'connect an output to an input, not to another output' : 'connect an input to an output, not to another input');
      return;
    }
    const [src, dst] = from.type === 'source' ? [from, to] : [to, from];
    const v = verdict({ source: src.nodeId, sourcePort: src.id ?? '', target: dst.nodeId, targetPort: dst.id ?? '' });
    if (!v.ok) refuseConnection(v.reason);
  }, []);

  return { isValidConnection, onConnect, onConnectEnd };
}

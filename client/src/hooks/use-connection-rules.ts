/**
 * isValidConnection / onConnect / onConnectStart / onConnectEnd for the canvas, all backed by checkConnection. A
 * wire into a connected input replaces that edge; a wire dropped on empty canvas opens the node search, filtered
 * to nodes that can take (or give) what the wire carries; while a wire is dragged, ports it cannot land on dim.
 */
import type { Connection, Edge, FinalConnectionState, InternalNode, OnConnectStartParams } from '@xyflow/react';
import { useReactFlow } from '@xyflow/react';
import { useCallback } from 'react';
import { checkConnection, type ConnectionAttempt } from '../lib/connection-rules.ts';
import type { ConnectDrag } from '../store/editor-state.ts';
import { getState, update } from '../store/editor-store.ts';
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

function dragOf(p: OnConnectStartParams): ConnectDrag | null {
  const { graph, catalogue } = getState();
  const n = graph.nodes.find((x) => x.id === p.nodeId);
  const d = n && catalogue?.[n.type];
  if (!d || !p.nodeId || !p.handleType) return null;
  const port = (p.handleType === 'source' ? d.outputs : d.inputs).find((x) => x.name === p.handleId);
  return port ? { kind: p.handleType, nodeId: p.nodeId, port: port.name, types: [...port.types] } : null;
}

function pointOf(e: MouseEvent | TouchEvent): { x: number; y: number } {
  const t = 'changedTouches' in e ? e.changedTouches[0] : (e as MouseEvent);
  return { x: t.clientX, y: t.clientY };
}

export function useConnectionRules(): {
  isValidConnection: (c: Connection | Edge) => boolean;
  onConnect: (c: Connection) => void;
  onConnectStart: (e: MouseEvent | TouchEvent, p: OnConnectStartParams) => void;
  onConnectEnd: (e: MouseEvent | TouchEvent, state: FinalConnectionState<InternalNode>) => void;
} {
  const { screenToFlowPosition } = useReactFlow();
  const isValidConnection = useCallback((c: Connection | Edge) => verdict(attempt(c)).ok, []);

  const onConnect = useCallback((c: Connection) => {
    const a = attempt(c);
    const v = verdict(a);
    if (v.ok) connect(a, v.replaces);
    else refuseConnection(v.reason);
  }, []);

  const onConnectStart = useCallback((_e: MouseEvent | TouchEvent, p: OnConnectStartParams) => {
    update((s) => void (s.connectDrag = dragOf(p)));
  }, []);

  const onConnectEnd = useCallback(
    (e: MouseEvent | TouchEvent, state: FinalConnectionState<InternalNode>) => {
      const drag = getState().connectDrag;
      update((s) => void (s.connectDrag = null));
      const from = state.fromHandle;
      const to = state.toHandle;
      if (state.isValid) return;
      if (!to) {
        // Dropped on empty canvas: offer the nodes that fit where the wire ends.
        const target = e.target as Element | null;
        if (drag && target?.classList.contains('react-flow__pane')) {
          const screen = pointOf(e);
          update((s) => void (s.nodeSearch = { screen, flow: screenToFlowPosition(screen), from: drag }));
        }
        return;
      }
      if (!from) return;
      if (from.type === to.type) {
        refuseConnection(from.type === 'source' ? 'connect an output to an input, not to another output' : 'connect an input to an output, not to another input');
        return;
      }
      const [src, dst] = from.type === 'source' ? [from, to] : [to, from];
      const v = verdict({ source: src.nodeId, sourcePort: src.id ?? '', target: dst.nodeId, targetPort: dst.id ?? '' });
      if (!v.ok) refuseConnection(v.reason);
    },
    [screenToFlowPosition],
  );

  return { isValidConnection, onConnect, onConnectStart, onConnectEnd };
}

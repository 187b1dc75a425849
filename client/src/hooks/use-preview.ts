/**
 * One node's output at one frame as an image URL. Re-requests (debounced) when the frame, the node or
 * anything upstream of it changes; a newer request aborts the one in flight.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../api/api-client.ts';
import { ApiError } from '../api/api-error.ts';
import { upstreamGraph, upstreamIds, upstreamKey } from '../lib/upstream.ts';
import { getState, useEditor } from '../store/editor-store.ts';
import { clearNodeErrors, setNodeError } from '../store/preview-actions.ts';

const DEBOUNCE_MS = 150;

export interface PreviewState {
  url: string | null;
  /** The node the image shows; an image of another node is never returned. */
  nodeId?: string;
  ms?: number;
  cached?: boolean;
  loading: boolean;
  error?: { code: string; message: string; nodeId?: string };
}

export function usePreview(nodeId: string | null, input: string | null, frame: number): PreviewState {
  const graph = useEditor((s) => s.graph);
  const key = useMemo(() => (nodeId && graph.nodes.some((n) => n.id === nodeId) ? upstreamKey(graph, nodeId) : ''), [graph, nodeId]);
  const [state, setState] = useState<PreviewState>({ url: null, loading: false });
  const urlRef = useRef<string | null>(null);

  useEffect(() => {
    if (!nodeId || !input || !key) {
      setState((s) => ({ ...s, loading: false, error: undefined }));
      return;
    }
    const ctrl = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    const timer = setTimeout(async () => {
      const g = upstreamGraph(getState().graph, nodeId);
      try {
        const r = await api.preview({ graph: g, input, nodeId, frame }, ctrl.signal);
        if (ctrl.signal.aborted) return;
        const url = URL.createObjectURL(r.blob);
        if (urlRef.current) URL.revokeObjectURL(urlRef.current);
        urlRef.current = url;
        setState({ url, nodeId, ms: r.ms, cached: r.cached, loading: false });
        clearNodeErrors(upstreamIds(g, nodeId));
      } catch (e) {
        if (ctrl.signal.aborted || (e as Error).name === 'AbortError') return;
        const body: { code: string; message: string; nodeId?: string } = e instanceof ApiError ? e.body : { code: 'ANELO_E099_INTERNAL', message: String((e as Error).message ?? e) };
        setState({ url: null, nodeId, loading: false, error: { code: body.code, message: body.message, nodeId: body.nodeId } });
        setNodeError(body.nodeId ?? nodeId, `${body.code}: ${body.message}`);
      }
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      ctrl.abort();
    };
  }, [nodeId, input, frame, key]);

  useEffect(() => () => void (urlRef.current && URL.revokeObjectURL(urlRef.current)), []);
  return state.nodeId === nodeId ? state : { url: null, loading: state.loading };
}

/**
 * One node's output at one frame as an image URL, throttled rather than debounced: at most one request is in
 * flight per view, and when it returns the newest wanted frame is asked for next, so dragging the scrubber
 * keeps updating the image at the server's pace. While frames change quickly (scrubbing) frames come small
 * (`maxWidth`); once the frame holds still the full-resolution frame replaces it. Frames seen recently come
 * from the page's frame cache at once.
 */
import { useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { api } from '../api/api-client.ts';
import { ApiError } from '../api/api-error.ts';
import { resolveBypass } from '../lib/bypass.ts';
import { frameCache, frameKey } from '../lib/frame-cache.ts';
import { upstreamGraph, upstreamIds, upstreamKey } from '../lib/upstream.ts';
import { getState, useEditor } from '../store/editor-store.ts';
import { clearNodeErrors, setNodeError } from '../store/preview-actions.ts';

/** Frame changes closer together than this count as scrubbing. */
export const SCRUB_GAP_MS = 250;
/** Wait before asking again when the server answers E107 (busy with other previews). */
const BUSY_RETRY_MS = 400;
/** Width of the frames sent while scrubbing. */
export const SCRUB_WIDTH = 480;

export interface PreviewState {
  url: string | null;
  /** The node the image shows; an image of another node is never returned. */
  nodeId?: string;
  ms?: number;
  cached?: boolean;
  /** Served from the page's frame cache without a request. */
  local?: boolean;
  /** A low-resolution scrubbing frame. */
  low?: boolean;
  /** Depth: the range the colours span, and whether it is shared with the other image of a compare. */
  depthRange?: [number, number];
  sharedScale?: boolean;
  /** The image is not (yet) the frame and state asked for: a newer one is on its way. */
  loading: boolean;
  error?: { code: string; message: string; nodeId?: string };
}

interface Want {
  nodeId: string;
  shareScaleWith?: string;
  input: string;
  upstream: string;
  frame: number;
  full: boolean;
}

const sameFrame = (a: Want, b: Want): boolean => a.nodeId === b.nodeId && a.input === b.input && a.upstream === b.upstream && a.frame === b.frame;
const keyOf = (w: Want, full = w.full): string => frameKey(w.input, w.nodeId, w.upstream, w.frame, full);

/** True while frames change faster than SCRUB_GAP_MS; re-renders once when they stop. */
function useScrubbing(frame: number): boolean {
  const last = useRef({ frame, at: 0, prevAt: 0 });
  const [, tick] = useReducer((n: number) => n + 1, 0);
  if (last.current.frame !== frame) last.current = { frame, at: performance.now(), prevAt: last.current.at };
  const { at, prevAt } = last.current;
  const scrubbing = at - prevAt < SCRUB_GAP_MS && performance.now() - at < SCRUB_GAP_MS;
  useEffect(() => {
    if (!scrubbing) return;
    const t = setTimeout(tick, SCRUB_GAP_MS);
    return () => clearTimeout(t);
  });
  return scrubbing;
}

/** `shareScaleWith`: another depth node whose frame this one is coloured with on one scale (A/B compare). */
export function usePreview(nodeId: string | null, input: string | null, frame: number, shareScaleWith?: string | null): PreviewState {
  const graph = useEditor((s) => s.graph);
  const catalogue = useEditor((s) => s.catalogue);
  // Previews see the graph with muted nodes passed through, as runs do.
  const resolved = useMemo(() => resolveBypass(graph, catalogue), [graph, catalogue]);
  const other = shareScaleWith && shareScaleWith !== nodeId && resolved.nodes.some((n) => n.id === shareScaleWith) ? shareScaleWith : undefined;
  // Coloured with another node's frame, the image changes when that node's upstream does too.
  const upstream = useMemo(
    () => (nodeId && resolved.nodes.some((n) => n.id === nodeId) ? upstreamKey(resolved, nodeId) + (other ? `~${other}~${upstreamKey(resolved, other)}` : '') : ''),
    [resolved, nodeId, other],
  );
  const scrubbing = useScrubbing(frame);
  const [state, setState] = useState<PreviewState & { shown?: Want }>({ url: null, loading: false });
  const inFlight = useRef<AbortController | null>(null);
  const wanted = useRef<Want | null>(null);
  const alive = useRef(true);
  const retry = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const fetchNext = useRef((): void => undefined);
  fetchNext.current = (): void => {
    clearTimeout(retry.current);
    retry.current = undefined;
    const w = wanted.current;
    if (!w || inFlight.current) return;
    const key = keyOf(w);
    if (frameCache.get(key)) return;
    const ctrl = new AbortController();
    inFlight.current = ctrl;
    const resolvedNow = resolveBypass(getState().graph, getState().catalogue);
    const g = w.shareScaleWith ? upstreamGraph(resolvedNow, w.nodeId, w.shareScaleWith) : upstreamGraph(resolvedNow, w.nodeId);
    api
      .preview({ graph: g, input: w.input, nodeId: w.nodeId, frame: w.frame, maxWidth: w.full ? undefined : SCRUB_WIDTH, shareScaleWith: w.shareScaleWith }, ctrl.signal)
      .then((r) => {
        const hit = { url: URL.createObjectURL(r.blob), bytes: r.blob.size, ms: r.ms, cached: r.cached, full: w.full, depthRange: r.depthRange, sharedScale: r.sharedScale };
        frameCache.set(key, hit);
        clearNodeErrors(upstreamIds(g, w.nodeId));
        if (!alive.current) return;
        const now = wanted.current;
        // Show what arrived when it is still the same node and upstream state (an older frame while scrubbing is
        // better than none); the newest wanted frame is fetched next.
        if (now && now.nodeId === w.nodeId && now.upstream === w.upstream && now.input === w.input) {
          const exact = sameFrame(now, w) && (w.full || !now.full);
          setState({ url: hit.url, nodeId: w.nodeId, ms: r.ms, cached: r.cached, low: !w.full, loading: !exact, shown: w, depthRange: hit.depthRange, sharedScale: hit.sharedScale });
        }
      })
      .catch((e: unknown) => {
        if (ctrl.signal.aborted || (e as Error).name === 'AbortError' || !alive.current) return;
        if (e instanceof ApiError && e.code === 'ANELO_E107_SERVER_BUSY') {
          // The server is computing as many previews as it allows: ask again shortly rather than show an error.
          retry.current = setTimeout(() => fetchNext.current(), BUSY_RETRY_MS);
          return;
        }
        const body: { code: string; message: string; nodeId?: string } = e instanceof ApiError ? e.body : { code: 'ANELO_E099_INTERNAL', message: String((e as Error).message ?? e) };
        const now = wanted.current;
        if (now && sameFrame(now, w)) {
          setState({ url: null, nodeId: w.nodeId, loading: false, error: { code: body.code, message: body.message, nodeId: body.nodeId }, shown: w });
          // An unreachable server is the connection's fault, not the node's.
          if (!(e instanceof ApiError && e.status === 0)) setNodeError(body.nodeId ?? w.nodeId, `${body.code}: ${body.message}`);
          wanted.current = null;
        }
      })
      .finally(() => {
        if (inFlight.current === ctrl) inFlight.current = null;
        if (alive.current && retry.current === undefined) fetchNext.current();
      });
  };

  useEffect(() => {
    if (!nodeId || !input || !upstream) {
      wanted.current = null;
      setState((s) => ({ ...s, loading: false, error: undefined }));
      return;
    }
    const w: Want = { nodeId, input, upstream, frame, full: !scrubbing, shareScaleWith: other };
    wanted.current = w;
    const hit = frameCache.get(keyOf(w)) ?? (w.full ? undefined : frameCache.get(keyOf(w, true)));
    const lowHit = w.full && !hit ? frameCache.get(keyOf(w, false)) : undefined;
    const show = hit ?? lowHit;
    if (show) setState({ url: show.url, nodeId, ms: show.ms, cached: true, local: true, low: !show.full, loading: !hit, shown: w, depthRange: show.depthRange, sharedScale: show.sharedScale });
    else setState((s) => ({ ...s, loading: true }));
    if (!hit) fetchNext.current();
  }, [nodeId, input, frame, upstream, scrubbing, other]);

  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
      clearTimeout(retry.current);
      inFlight.current?.abort();
    };
  }, []);

  if (state.nodeId !== nodeId) return { url: null, loading: state.loading };
  return state;
}

/**
 * The scene cuts of the previewed clip, for marks on the scrubber: asked of the server, which finds them in the
 * background with the graph's scene-detect node (or a default one), and asked again until they are all known.
 * Only a change to what feeds the scene-detect node asks anew.
 */
import { useEffect, useMemo, useState } from 'react';
import { api, type SceneCuts } from '../api/api-client.ts';
import { ApiError } from '../api/api-error.ts';
import { resolveBypass } from '../lib/bypass.ts';
import { upstreamGraph, upstreamKey } from '../lib/upstream.ts';
import { getState, useEditor } from '../store/editor-store.ts';

/** How often an unfinished job is asked about (the server drops a job not asked about for 5 s). */
const POLL_MS = 700;
/** Wait after the clip or what feeds the scene node changes before asking. */
const SETTLE_MS = 1000;

/** The node the cuts come from (the first scene-detect node) and a key that changes with what feeds it. */
function useCutsSource(): { nodeId?: string; key: string } {
  const graph = useEditor((s) => s.graph);
  const catalogue = useEditor((s) => s.catalogue);
  return useMemo(() => {
    const resolved = resolveBypass(graph, catalogue);
    const scene = resolved.nodes.find((n) => n.type === 'scene-detect');
    if (scene) return { nodeId: scene.id, key: upstreamKey(resolved, scene.id) };
    const decode = resolved.nodes.find((n) => n.type === 'decode');
    return { key: decode ? upstreamKey(resolved, decode.id) : '' };
  }, [graph, catalogue]);
}

export function useSceneCuts(input: string | null): SceneCuts | null {
  const source = useCutsSource();
  const [cuts, setCuts] = useState<SceneCuts | null>(null);
  useEffect(() => {
    setCuts(null);
    if (!input || !source.key) return;
    const ctrl = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ask = (): void => {
      const s = getState();
      const resolved = resolveBypass(s.graph, s.catalogue);
      const decode = resolved.nodes.find((n) => n.type === 'decode');
      const from = source.nodeId ?? decode?.id;
      if (!from) return;
      api
        .sceneCuts({ graph: upstreamGraph(resolved, from), input, nodeId: source.nodeId }, ctrl.signal)
        .then((r) => {
          setCuts(r);
          if (r.state === 'queued' || r.state === 'computing') timer = setTimeout(ask, POLL_MS);
        })
        .catch((e: unknown) => {
          if (ctrl.signal.aborted) return;
          // Marks are a convenience: a graph the server refuses leaves the scrubber plain; a server away or busy is asked again.
          if (e instanceof ApiError && e.status !== 0 && e.code !== 'ANELO_E107_SERVER_BUSY') setCuts(null);
          else timer = setTimeout(ask, POLL_MS * 4);
        });
    };
    // Previews of a new clip or graph go first; a param being edited does not start a job per value.
    timer = setTimeout(ask, SETTLE_MS);
    return () => {
      ctrl.abort();
      clearTimeout(timer);
    };
  }, [input, source.key, source.nodeId]);
  return cuts;
}

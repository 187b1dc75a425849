/**
 * Gets the server ready for the graph on screen: a depth node's model loads while the user looks at the graph
 * (0.25–0.35 s for FastDepth on a 2-core machine, seconds for a large model), not inside the first preview that
 * needs depth. Asked for when the editor opens a graph, again for a depth node only when the input, the node or what
 * feeds it changes (see prepare-request.ts), and after the server comes back from a restart. A refusal that names a
 * node (a model file that fails its checksum) is pinned on it at once, as a failed preview's is; anything else is
 * left to the previews to report.
 */
import { useEffect, useMemo, useRef } from 'react';
import { api } from '../api/api-client.ts';
import { ApiError } from '../api/api-error.ts';
import { resolveBypass } from '../lib/bypass.ts';
import { prepareRequests } from '../lib/prepare-request.ts';
import { useEditor } from '../store/editor-store.ts';
import { setNodeError } from '../store/preview-actions.ts';

/** Edits come in bursts (typing a value, dragging a slider): ask once they settle. */
const SETTLE_MS = 400;

export function usePrepareGraph(): void {
  const graph = useEditor((s) => s.graph);
  const catalogue = useEditor((s) => s.catalogue);
  const models = useEditor((s) => s.models);
  const input = useEditor((s) => s.preview.input);
  const online = useEditor((s) => s.socket === 'open');
  const requests = useMemo(() => (catalogue ? prepareRequests(resolveBypass(graph, catalogue), catalogue, models, input) : []), [graph, catalogue, models, input]);
  const sent = useRef(new Set<string>());
  const keys = online ? requests.map((r) => r.key).join('\n') : '';
  useEffect(() => {
    // A server that went away (a restart) has no model loaded when it comes back: ask again then.
    if (!online) {
      sent.current = new Set();
      return;
    }
    const t = setTimeout(() => {
      for (const r of requests) {
        if (sent.current.has(r.key)) continue;
        void api.prepare({ graph: r.graph, input: r.input }).catch((e: unknown) => {
          // An unreachable server is the connection's fault, not the node's.
          if (e instanceof ApiError && e.status !== 0 && e.body.nodeId) setNodeError(e.body.nodeId, `${e.body.code}: ${e.body.message}`);
        });
      }
      sent.current = new Set(requests.map((r) => r.key));
    }, SETTLE_MS);
    return () => clearTimeout(t);
    // Sent again only when a request's key changes, not for every new graph object.
  }, [keys]);
}

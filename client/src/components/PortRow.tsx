/** One row of a node's ports: an input handle on the left, an output handle on the right, each with its name; dimmed while a wire that cannot land on it is dragged. */
import { Handle, Position } from '@xyflow/react';
import { DATA_TYPE_COLOURS } from '../../../nodes/core/catalogue.ts';
import type { PortSpec } from '../../../nodes/core/types.ts';
import type { ConnectDrag } from '../store/editor-state.ts';
import { useEditor } from '../store/editor-store.ts';

function handleBackground(port: PortSpec): string {
  const colours = port.types.map((t) => DATA_TYPE_COLOURS[t]);
  return colours.length > 1 ? `linear-gradient(90deg, ${colours.join(', ')})` : (colours[0] ?? '#888');
}

/** Whether a port can take the wire being dragged (true when no wire is dragged). */
function fits(drag: ConnectDrag | null, nodeId: string, port: PortSpec, kind: 'source' | 'target'): boolean {
  if (!drag) return true;
  if (drag.kind === kind || drag.nodeId === nodeId) return drag.nodeId === nodeId && drag.port === port.name && drag.kind === kind;
  return port.types.some((t) => drag.types.includes(t));
}

export function PortRow({ nodeId, input, output }: { nodeId: string; input?: PortSpec; output?: PortSpec }) {
  const drag = useEditor((s) => s.connectDrag);
  const dimIn = input && !fits(drag, nodeId, input, 'target') ? ' is-dim' : '';
  const dimOut = output && !fits(drag, nodeId, output, 'source') ? ' is-dim' : '';
  return (
    <div className="port-row">
      <div className={`port port--in${dimIn}`}>
        {input && (
          <>
            <Handle type="target" position={Position.Left} id={input.name} style={{ background: handleBackground(input) }} title={input.types.join(' | ')} />
            <span className="port__name">
              {input.label ?? input.name}
              {input.optional ? <span className="port__opt"> (opt)</span> : null}
            </span>
          </>
        )}
      </div>
      <div className={`port port--out${dimOut}`}>
        {output && (
          <>
            <span className="port__name">{output.label ?? output.name}</span>
            <Handle type="source" position={Position.Right} id={output.name} style={{ background: handleBackground(output) }} title={output.types.join(' | ')} />
          </>
        )}
      </div>
    </div>
  );
}

/** One row of a node's ports: an input handle on the left, an output handle on the right, each with its name. */
import { Handle, Position } from '@xyflow/react';
import { DATA_TYPE_COLOURS } from '../../../nodes/core/catalogue.ts';
import type { PortSpec } from '../../../nodes/core/types.ts';

function handleBackground(port: PortSpec): string {
  const colours = port.types.map((t) => DATA_TYPE_COLOURS[t]);
  return colours.length > 1 ? `linear-gradient(90deg, ${colours.join(', ')})` : (colours[0] ?? '#888');
}

export function PortRow({ input, output }: { input?: PortSpec; output?: PortSpec }) {
  return (
    <div className="port-row">
      <div className="port port--in">
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
      <div className="port port--out">
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

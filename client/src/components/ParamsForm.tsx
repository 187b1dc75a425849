/** The params of one node, generated from its schema; advanced params fold away. */
import { useMemo, useState } from 'react';
import type { GraphNode } from '../../../nodes/core/graph-document.ts';
import type { JsonSchema } from '../../../nodes/core/param-schema.ts';
import type { GraphProblem } from '../../../nodes/core/validate-graph.ts';
import { paramEntries, type ParamEntry } from '../lib/param-fields.ts';
import { ParamField } from './ParamField.tsx';

function renderEntries(node: GraphNode, entries: ParamEntry[], problems: GraphProblem[]) {
  let group: string | undefined;
  return entries.map((e) => {
    const header = e.group && e.group !== group ? <div className="params__group">{e.group}</div> : null;
    group = e.group;
    return (
      <div key={e.name}>
        {header}
        <ParamField nodeId={node.id} entry={e} value={e.name in node.params ? node.params[e.name] : e.schema.default} problem={problems.find((p) => p.param === e.name)?.message} />
      </div>
    );
  });
}

export function ParamsForm({ node, schema, problems }: { node: GraphNode; schema: JsonSchema; problems: GraphProblem[] }) {
  const entries = useMemo(() => paramEntries(schema), [schema]);
  const [open, setOpen] = useState(false);
  const basic = entries.filter((e) => !e.advanced);
  const advanced = entries.filter((e) => e.advanced);
  if (entries.length === 0) return null;
  return (
    <div className="params nodrag nowheel">
      {renderEntries(node, basic, problems)}
      {advanced.length > 0 && (
        <>
          <button type="button" className="params__advanced" onClick={() => setOpen(!open)} data-testid={`advanced-${node.id}`}>
            {open ? '▾' : '▸'} Advanced ({advanced.length})
          </button>
          {open && renderEntries(node, advanced, problems)}
        </>
      )}
    </div>
  );
}

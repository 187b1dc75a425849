/** The one node component: title, badge, typed handles, model state and the params form, all from the catalogue. */
import type { NodeProps } from '@xyflow/react';
import { memo, useMemo } from 'react';
import type { FlowNode } from '../hooks/use-flow-elements.ts';
import { useEditor } from '../store/editor-store.ts';
import { modelOf } from '../lib/model-param.ts';
import { askText } from '../store/dialog-actions.ts';
import { renameNode } from '../store/node-actions.ts';
import { ModelMissing } from './ModelMissing.tsx';
import { NodeBadge } from './NodeBadge.tsx';
import { NodeFigures } from './NodeFigures.tsx';
import { ParamsForm } from './ParamsForm.tsx';
import { PortRow } from './PortRow.tsx';

function GraphNodeViewInner({ id, data, selected }: NodeProps<FlowNode>) {
  const node = data.graphNode;
  const desc = useEditor((s) => s.catalogue?.[node.type]);
  const allProblems = useEditor((s) => s.problems);
  const previewError = useEditor((s) => s.nodeErrors[id]);
  const runNode = useEditor((s) => (s.activeRunId ? s.runs[s.activeRunId]?.nodes[id] : undefined));
  // The active run failed here: its error, in the words a failed preview's is shown in (a string: no new object per render).
  const runError = useEditor((s) => {
    const e = s.activeRunId ? s.runs[s.activeRunId]?.error : undefined;
    return e && e.nodeId === id && e.code !== 'ANELO_E030_CANCELLED' ? `${e.code}: ${e.message}` : undefined;
  });
  // The server loading this node's model for inference: its previews and runs wait for it.
  const loadingModel = useEditor((s) => {
    const model = modelOf(node, s.catalogue?.[node.type]?.params);
    return model !== undefined && s.modelLoads[model]?.shown ? (s.models.find((m) => m.id === model)?.name ?? model) : undefined;
  });
  const problems = useMemo(() => allProblems.filter((p) => p.nodeId === id), [allProblems, id]);
  const nodeProblems = problems.filter((p) => !p.param);
  const failed = runNode?.status === 'error' || previewError !== undefined || problems.length > 0;
  const rows = Math.max(desc?.inputs.length ?? 0, desc?.outputs.length ?? 0);

  const rename = async () => {
    const label = await askText({ title: 'Rename node', message: 'Empty puts back the type name.', label: 'Label', value: node.label ?? desc?.label ?? node.type, confirmLabel: 'Rename' });
    if (label !== null) renameNode(id, label);
  };

  return (
    <div className={`graph-node${selected ? ' is-selected' : ''}${failed ? ' has-error' : ''}${node.bypass ? ' is-bypassed' : ''}`} data-testid={`node-${id}`} data-type={node.type}>
      <header className={`graph-node__header cat-${desc?.category ?? 'unknown'}`} onDoubleClick={() => void rename()} title={desc?.description}>
        <span className="graph-node__title">{node.label ?? desc?.label ?? node.type}</span>
        {node.bypass ? (
          <span className="badge badge--bypass" data-testid={`node-bypassed-${id}`} title="Bypassed: what feeds it passes straight through (Ctrl+B to enable)">
            bypassed
          </span>
        ) : (
          <NodeBadge nodeId={id} run={runNode} previewError={previewError} />
        )}
      </header>
      {!desc && <div className="graph-node__problem">unknown node type "{node.type}"</div>}
      {desc && rows > 0 && (
        <div className="graph-node__ports">
          {Array.from({ length: rows }, (_, i) => (
            <PortRow key={i} nodeId={id} input={desc.inputs[i]} output={desc.outputs[i]} />
          ))}
        </div>
      )}
      {desc && <ModelMissing node={node} schema={desc.params} />}
      {loadingModel && !node.bypass && (
        <div className="graph-node__loading" data-testid={`node-loading-${id}`} title="The server is loading this model; previews and runs through it start once it is ready">
          Loading {loadingModel}…
        </div>
      )}
      <NodeFigures nodeId={id} />
      {desc && <ParamsForm node={node} schema={desc.params} problems={problems} />}
      {nodeProblems.map((p, i) => (
        <div key={i} className="graph-node__problem" data-testid={`node-problem-${id}`}>
          {p.message}
        </div>
      ))}
      {previewError && (
        <div className="graph-node__problem" data-testid={`node-error-${id}`}>
          {previewError}
        </div>
      )}
      {runError && runError !== previewError && (
        <div className="graph-node__problem" data-testid={`node-run-error-${id}`}>
          {runError}
        </div>
      )}
    </div>
  );
}

export const GraphNodeView = memo(GraphNodeViewInner);

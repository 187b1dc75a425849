/**
 * On a node whose model is not installed: one short line and what to do about it — Download (progress shown here
 * only), Use <an installed model>, or how to place the file by hand. A failed download shows its code and first
 * line; the full text is one click away, so the node never grows over its neighbours.
 */
import { useState } from 'react';
import type { GraphNode } from '../../../nodes/core/graph-document.ts';
import type { JsonSchema } from '../../../nodes/core/param-schema.ts';
import { formatMb, formatPercent } from '../lib/format.ts';
import { modelOf, modelParamName } from '../lib/model-param.ts';
import { useEditor } from '../store/editor-store.ts';
import { acceptLicenseAndPull, downloadModel } from '../store/model-actions.ts';
import { setParam } from '../store/node-actions.ts';

const LICENSE_REFUSED = 'ANELO_E047_MODEL_LICENSE';

export function ModelMissing({ node, schema }: { node: GraphNode; schema: JsonSchema }) {
  const id = modelOf(node, schema);
  const model = useEditor((s) => s.models.find((m) => m.id === id));
  const installed = useEditor((s) => s.models.find((m) => m.installed));
  const pull = useEditor((s) => (id ? s.modelPulls[id] : undefined));
  const [help, setHelp] = useState(false);
  if (!id || !model || model.installed) return null;
  const param = modelParamName(schema);
  const canDownload = !model.localOnly && !!model.url;
  return (
    <div className="model-missing nodrag" data-testid={`model-missing-${node.id}`}>
      <div className="model-missing__line">
        <strong>{model.name}</strong> is not installed
      </div>
      {pull?.state === 'pulling' ? (
        <div className="model-missing__progress" data-testid={`model-progress-${model.id}`}>
          <div className="progress">
            <div className="progress__fill" style={{ width: pull.total ? formatPercent(pull.bytes / pull.total) : '0%' }} />
          </div>
          <span>
            {formatMb(pull.bytes)} / {formatMb(pull.total || model.bytes)}
          </span>
        </div>
      ) : (
        <div className="model-missing__actions">
          {canDownload && (
            <button type="button" data-testid={`model-download-${model.id}`} onClick={() => downloadModel(model)} title={`${model.license}${model.url ? ` · ${model.url}` : ''}`}>
              Download{model.bytes !== null ? ` (${formatMb(model.bytes)})` : ''}
            </button>
          )}
          {installed && param && (
            <button type="button" data-testid={`model-use-installed-${node.id}`} onClick={() => setParam(node.id, param, installed.id)}>
              Use {installed.name}
            </button>
          )}
          <button type="button" className="link" onClick={() => setHelp(!help)} data-testid={`model-help-${node.id}`}>
            {help ? 'hide' : 'place the file…'}
          </button>
        </div>
      )}
      {pull?.state === 'error' && (
        <div className="model-missing__error" data-testid={`model-error-${model.id}`} title={pull.message}>
          {pull.code}: {pull.message.split('\n')[0]}
        </div>
      )}
      {pull?.state === 'error' && pull.code === LICENSE_REFUSED && (
        <button type="button" data-testid={`model-accept-license-${model.id}`} onClick={() => void acceptLicenseAndPull(model)}>
          Accept licence and download
        </button>
      )}
      {help && (
        <div className="model-missing__help small" data-testid={`model-help-text-${node.id}`}>
          {canDownload ? `Download ${model.url} by hand and put it` : 'Put the model file'} in the server&apos;s <code>models/</code> folder (or a folder listed in
          ANELO_MODELS_DIR), then reload. See docs/models.md.
        </div>
      )}
    </div>
  );
}

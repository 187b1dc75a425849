/**
 * On a node whose model param names a model that is not installed: a Download button, progress from the
 * WebSocket, and when the download fails (e.g. offline) the server's message with manual placement steps.
 */
import type { GraphNode } from '../../../nodes/core/graph-document.ts';
import type { JsonSchema } from '../../../nodes/core/param-schema.ts';
import { formatMb, formatPercent } from '../lib/format.ts';
import { useEditor } from '../store/editor-store.ts';
import { acceptLicenseAndPull, downloadModel } from '../store/model-actions.ts';

function modelParam(node: GraphNode, schema: JsonSchema): string | undefined {
  for (const [name, s] of Object.entries(schema.properties ?? {})) {
    if ((s.ui as { widget?: string } | undefined)?.widget === 'model') {
      const v = name in node.params ? node.params[name] : s.default;
      return typeof v === 'string' ? v : undefined;
    }
  }
  return undefined;
}

const LICENSE_REFUSED = 'ANELO_E047_MODEL_LICENSE';

export function ModelMissing({ node, schema }: { node: GraphNode; schema: JsonSchema }) {
  const id = modelParam(node, schema);
  const model = useEditor((s) => s.models.find((m) => m.id === id));
  const pull = useEditor((s) => (id ? s.modelPulls[id] : undefined));
  if (!id || !model || model.installed) return null;
  return (
    <div className="model-missing nodrag" data-testid={`model-missing-${node.id}`}>
      <div>model not installed</div>
      {pull?.state === 'pulling' ? (
        <div className="model-missing__progress" data-testid={`model-progress-${model.id}`}>
          <div className="progress">
            <div className="progress__fill" style={{ width: pull.total ? formatPercent(pull.bytes / pull.total) : '0%' }} />
          </div>
          <span>
            {formatMb(pull.bytes)} / {formatMb(pull.total || model.bytes)}
          </span>
        </div>
      ) : model.localOnly || !model.url ? (
        <div className="model-missing__manual">This model cannot be downloaded by anelo; place the file by hand (see the models README).</div>
      ) : (
        <button type="button" data-testid={`model-download-${model.id}`} onClick={() => downloadModel(model)}>
          Download ({model.bytes !== null ? `${formatMb(model.bytes)}, ` : ''}
          {model.license})
        </button>
      )}
      {pull?.state === 'error' && (
        <pre className="model-missing__error" data-testid={`model-error-${model.id}`}>
          {pull.code}: {pull.message}
        </pre>
      )}
      {pull?.state === 'error' && pull.code === LICENSE_REFUSED && (
        <button type="button" data-testid={`model-accept-license-${model.id}`} onClick={() => void acceptLicenseAndPull(model)}>
          Accept licence and download
        </button>
      )}
    </div>
  );
}

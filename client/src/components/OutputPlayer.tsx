/** The finished run's output files: played in a <video> and offered for download. */
import { api } from '../api/api-client.ts';
import { useEditor } from '../store/editor-store.ts';

export function OutputPlayer() {
  const run = useEditor((s) => (s.activeRunId ? s.runs[s.activeRunId] : undefined));
  if (!run || run.state !== 'done' || run.outputs.length === 0) return null;
  return (
    <section className="panel-section" data-testid="outputs">
      <h2>Output</h2>
      {run.outputs.map((name) => (
        <div key={name} className="output">
          <video controls preload="metadata" src={api.outputUrl(name)} data-testid="output-video" />
          <a href={api.outputUrl(name)} download={name} data-testid={`output-link-${name}`}>
            ⤓ {name}
          </a>
        </div>
      ))}
    </section>
  );
}

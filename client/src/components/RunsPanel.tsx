/**
 * Every render the server knows, newest first, kept across reloads and restarts: state, graph, clip, frames,
 * duration, and outputs to play or download; re-open or re-run a past graph, cancel or delete a run. A run rendered
 * on a cluster (`anelo serve --redis`) shows a line per worker: the segment it renders and how far it is.
 */
import { useState } from 'react';
import { api } from '../api/api-client.ts';
import type { RunListing } from '../api/api-types.ts';
import type { RunWorkerLine } from '../../../nodes/core/api-types.ts';
import { useNow } from '../hooks/use-now.ts';
import { formatElapsed, formatMs } from '../lib/format.ts';
import { useEditor } from '../store/editor-store.ts';
import { cancelRun, deleteRun, openRunGraph, rerun } from '../store/run-actions.ts';

/** How long a run took, or for one still going, how long it has been going (as a clock, ticking). */
function duration(r: RunListing, now: number): string {
  if (!r.startedAt) return '';
  const start = Date.parse(r.startedAt);
  return r.endedAt ? formatMs(Math.max(0, Date.parse(r.endedAt) - start)) : formatElapsed(now - start);
}

function frames(r: RunListing): string {
  const f = r.report?.frames;
  return f ? `frames ${f.start}–${f.end} (${f.end - f.start})` : '';
}

function workerText(l: RunWorkerLine): string {
  const seg = l.segment ? `segment ${l.segment.index} (frames ${l.segment.start}–${l.segment.end})` : '';
  const now = l.state === 'rendering' ? `${seg} ${l.done}/${l.total}` : l.state === 'lost' ? `stopped answering on ${seg}; queued again` : 'waiting';
  const join = l.joinMs !== undefined ? ` · joined in ${formatMs(l.joinMs)}` : '';
  return `${now} · ${l.segmentsDone} done${join}`;
}

function WorkerLines({ lines, live }: { lines: RunWorkerLine[]; live: boolean }) {
  return (
    <ul className="run-item__workers small" data-testid="run-workers">
      {lines.map((l) => (
        <li key={l.worker} className={`muted run-worker run-worker--${l.state}`} data-testid={`run-worker-${l.worker}`} data-state={l.state}>
          <span className="run-worker__name">{l.worker}</span>{' '}
          {live ? workerText(l) : `${l.segmentsDone} segment${l.segmentsDone === 1 ? '' : 's'}${l.joinMs !== undefined ? `, joined in ${formatMs(l.joinMs)}` : ''}`}
          {live && l.state === 'rendering' && l.total > 0 && <progress max={l.total} value={l.done} />}
        </li>
      ))}
    </ul>
  );
}

function RunItem({ r, playing, autoPlay, onPlay }: { r: RunListing; playing: string | null; autoPlay: boolean; onPlay: (name: string | null) => void }) {
  const live = r.state === 'queued' || r.state === 'running';
  // A running render's time moves on between the server's messages about it.
  const now = useNow(r.state === 'running' ? 1000 : null);
  // The report's once it has ended; until then those that came as events (the page may have joined mid-run).
  const liveWarnings = useEditor((s) => s.runs[r.id]?.warnings);
  const warnings = r.report?.warnings ?? liveWarnings ?? [];
  const when = new Date(r.createdAt);
  return (
    <li className={`run-item run-item--${r.state}`} data-testid={`run-item-${r.id}`} data-state={r.state}>
      <div className="run-item__head">
        <span className={`run-item__state state-${r.state}`}>{r.state}</span>
        <span className="run-item__name" title={r.graphName}>
          {r.graphName ?? 'graph'}
        </span>
        <span className="muted small" title={when.toLocaleString()}>
          {when.toLocaleTimeString()}
        </span>
      </div>
      <div className="muted small run-item__facts" data-testid={`run-facts-${r.id}`}>
        {[r.input, frames(r), duration(r, now), r.target ? `to ${r.target}` : ''].filter(Boolean).join(' · ')}
      </div>
      {r.workers && r.workers.length > 0 && <WorkerLines lines={r.workers} live={live} />}
      {warnings.length > 0 && (
        <ul className="run-item__warnings small" data-testid={`run-warnings-${r.id}`}>
          {warnings.map((w, i) => (
            <li key={i} title={w}>
              ⚠ {w}
            </li>
          ))}
        </ul>
      )}
      {r.error && r.state === 'error' && (
        <div className="run-item__error small" data-testid={`run-error-${r.id}`}>
          {r.error.code}: {r.error.message}
        </div>
      )}
      {r.outputs.map((name) => (
        <div key={name} className="output">
          {playing === name && <video controls autoPlay={autoPlay} preload="metadata" src={api.outputUrl(name)} data-testid="output-video" />}
          <div className="row">
            <button type="button" onClick={() => onPlay(playing === name ? null : name)} data-testid={`output-play-${name}`} title={playing === name ? 'Hide the player' : 'Play'}>
              {playing === name ? '■' : '▶'}
            </button>
            <a href={api.outputUrl(name)} download={name} data-testid={`output-link-${name}`} title="Download">
              ⤓ {name}
            </a>
          </div>
        </div>
      ))}
      <div className="run-item__actions">
        {live ? (
          <button type="button" onClick={() => void cancelRun(r.id)} data-testid={`run-cancel-${r.id}`}>
            Cancel
          </button>
        ) : (
          <>
            <button type="button" onClick={() => void rerun(r)} data-testid={`run-rerun-${r.id}`} title="Render this graph again on the same clip and frames">
              Re-run
            </button>
            <button type="button" onClick={() => void openRunGraph(r)} data-testid={`run-open-${r.id}`} title="Put this run's graph on the canvas">
              Open graph
            </button>
            <button type="button" className="run-item__delete" onClick={() => void deleteRun(r)} data-testid={`run-delete-${r.id}`} title="Delete the run and its output files">
              Delete
            </button>
          </>
        )}
      </div>
    </li>
  );
}

export function RunsPanel() {
  const runs = useEditor((s) => s.runList);
  const newestOutput = runs.find((r) => r.state === 'done' && r.outputs.length)?.outputs[0] ?? null;
  const [chosen, setChosen] = useState<string | null | undefined>(undefined);
  // Until the user picks, the newest finished output is the one shown in the player.
  const playing = chosen === undefined ? newestOutput : chosen;
  if (runs.length === 0) return null;
  const waiting = runs.filter((r) => r.state === 'queued').length;
  return (
    <section className="panel-section" data-testid="runs">
      <h2>
        Runs <span className="muted">({runs.length}{waiting ? `, ${waiting} queued` : ''})</span>
      </h2>
      <ul className="runs">
        {runs.map((r) => (
          <RunItem key={r.id} r={r} playing={playing} autoPlay={chosen !== undefined} onPlay={setChosen} />
        ))}
      </ul>
    </section>
  );
}

/**
 * Runs one graph at a time, first in first out. Each run has its own AbortController: cancelling a queued run
 * removes it, cancelling the running one aborts it (the encoder deletes its partial file). The newest 100
 * finished runs are kept, with the graph each one used, in a history file next to the outputs folder, so they
 * outlive the server; deleting a run deletes its outputs. With a cluster (`anelo serve --redis`), renders go to
 * its workers with the same events, and the run's status carries a line per worker.
 */
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { AneloError, toAneloError } from '../../../nodes/core/errors.ts';
import type { StereoLayout } from '../../../nodes/core/types.ts';
import type { ExecutorEvent, RunReport } from '../../../nodes/core/events.ts';
import type { Executor } from '../../engine/executor.ts';
import type { EventHub } from '../lib/event-hub.ts';
import type { OutputFiles } from '../lib/output-files.ts';
import type { GraphDocument } from '../../../nodes/core/graph-document.ts';
import { publicError, redactPaths } from '../lib/public-error.ts';
import { runOnCluster, type ClusterTarget } from './cluster-runner.ts';
import { RunHistory, type RunRecord } from './run-history.ts';
import { isFinished, type RunState, type RunStatus } from './run-status.ts';

export interface RunRequest {
  /** A bound graph: decode paths set, encode paths cleared (see bind-graph.ts). */
  graph: GraphDocument;
  input: string;
  target?: string;
  frames?: { start: number; end?: number };
  /** Encode node id → stereo layout of what it receives, for the output file name. */
  encodes: Record<string, StereoLayout | undefined>;
  /** The graph as the client sent it (no server paths), kept in the history so a past run can be re-run. */
  source: GraphDocument;
}

/** A run's status plus the graph's name, which the Runs panel shows. */
export type RunListing = RunStatus & { graphName?: string };

interface Job {
  status: RunListing;
  request: Pick<RunRequest, 'source' | 'frames'> & Partial<RunRequest>;
  controller: AbortController;
  finished: Promise<void>;
  settle: () => void;
}

const HISTORY = 100;

export class RunQueue {
  private readonly jobs = new Map<string, Job>();
  private readonly pending: Job[] = [];
  private readonly reserved = new Set<string>();
  private running: Job | undefined;
  private readonly history: RunHistory;

  /** `historyFile` defaults to `<data folder>/runs/history.json`, beside the outputs folder. */
  constructor(
    private readonly executor: Executor,
    private readonly outputs: OutputFiles,
    private readonly hub: EventHub,
    historyFile = path.join(path.dirname(outputs.dir), 'runs', 'history.json'),
    /** Where renders go when set; runs that write no file (a target node to cache) stay on this server. */
    private readonly cluster?: ClusterTarget,
  ) {
    this.history = new RunHistory(historyFile);
    for (const r of this.history.load()) {
      const job: Job = { status: r.status, request: { source: r.graph, frames: r.frames }, controller: new AbortController(), finished: Promise.resolve(), settle: () => undefined };
      this.jobs.set(r.status.id, job);
    }
  }

  submit(request: RunRequest): RunStatus {
    const id = randomUUID();
    let settle!: () => void;
    const finished = new Promise<void>((r) => (settle = r));
    const graphName = request.source.name;
    const status: RunListing = { id, state: 'queued', createdAt: new Date().toISOString(), target: request.target, input: request.input, outputs: [], graphName };
    const job: Job = { status, request, controller: new AbortController(), finished, settle };
    this.jobs.set(id, job);
    this.pending.push(job);
    this.publish(job);
    this.prune();
    queueMicrotask(() => this.next());
    return { ...status };
  }

  /** Runs that will still read this media file (queued or running), oldest first. */
  readingInput(input: string): string[] {
    return [...this.jobs.values()].filter((j) => j.status.input === input && (j.status.state === 'queued' || j.status.state === 'running')).map((j) => j.status.id);
  }

  get(id: string): RunStatus {
    const job = this.jobs.get(id);
    if (!job) throw new AneloError('ANELO_E080_RUN_NOT_FOUND', `no run "${id}"`, { param: 'id' });
    return { ...job.status };
  }

  /** Newest first. */
  list(): RunListing[] {
    return [...this.jobs.values()].map((j) => ({ ...j.status })).reverse();
  }

  /** The graph a run used, as the client sent it. */
  graph(id: string): GraphDocument {
    const job = this.jobs.get(id);
    if (!job) throw new AneloError('ANELO_E080_RUN_NOT_FOUND', `no run "${id}"`, { param: 'id' });
    return job.request.source;
  }

  /** Forgets a finished run and deletes its output files; a queued or running run must be cancelled first. */
  async remove(id: string): Promise<void> {
    const job = this.jobs.get(id);
    if (!job) throw new AneloError('ANELO_E080_RUN_NOT_FOUND', `no run "${id}"`, { param: 'id' });
    if (!isFinished(job.status.state)) throw new AneloError('ANELO_E171_RUN_NOT_FINISHED', `run "${id}" is ${job.status.state}: cancel it first`, { param: 'id' });
    for (const name of job.status.outputs) await this.outputs.remove(name).catch(() => undefined);
    this.jobs.delete(id);
    await this.persist();
  }

  /** Cancels a queued or running run and waits (briefly) for it to stop; a finished run keeps its state. */
  async cancel(id: string, waitMs = 15_000): Promise<RunState> {
    const job = this.jobs.get(id);
    if (!job) throw new AneloError('ANELO_E080_RUN_NOT_FOUND', `no run "${id}"`, { param: 'id' });
    if (isFinished(job.status.state)) return job.status.state;
    if (job.status.state === 'queued') {
      this.pending.splice(this.pending.indexOf(job), 1);
      this.finish(job, 'cancelled', { error: new AneloError('ANELO_E030_CANCELLED', 'run cancelled before it started').toJSON() });
      return job.status.state;
    }
    job.controller.abort();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([job.finished, new Promise<void>((r) => (timer = setTimeout(r, waitMs)))]);
    clearTimeout(timer);
    return job.status.state;
  }

  /** Cancels everything (server shutdown). */
  async close(): Promise<void> {
    for (const job of [...this.pending]) await this.cancel(job.status.id);
    if (this.running) await this.cancel(this.running.status.id);
    await this.persist();
  }

  private async next(): Promise<void> {
    if (this.running) return;
    const job = this.pending.shift();
    if (!job) return;
    this.running = job;
    try {
      await this.execute(job);
    } finally {
      this.running = undefined;
      void this.next();
    }
  }

  private async execute(job: Job): Promise<void> {
    const { status } = job;
    const request = job.request as RunRequest;
    const started = new Date();
    status.state = 'running';
    status.startedAt = started.toISOString();
    this.publish(job);
    const outputs: Record<string, string> = {};
    try {
      for (const [nodeId, layout] of Object.entries(request.encodes)) {
        outputs[nodeId] = await this.outputs.freshPath(request.input, nodeId, layout, started, this.reserved);
      }
      const onEvent = (event: ExecutorEvent): void => this.hub.broadcast({ kind: 'run', runId: status.id, event: publicEvent(event) });
      const signal = job.controller.signal;
      const report =
        this.cluster && Object.keys(outputs).length > 0
          ? await runOnCluster(this.cluster, {
              runId: status.id,
              graph: request.graph,
              frames: request.frames,
              outputs,
              signal,
              onEvent,
              // Progress lines are sent as they come and kept in the history only when the run ends.
              onWorkers: (lines) => {
                status.workers = lines;
                this.hub.broadcast({ kind: 'run-state', run: { ...status } });
              },
            })
          : await this.executor.run(request.graph, { runId: status.id, targets: request.target === undefined ? undefined : [request.target], frames: request.frames, outputs, signal, onEvent });
      const safe = publicReport(report);
      this.finish(job, 'done', { report: safe, outputs: Object.values(safe.outputs) });
    } catch (e) {
      const err = toAneloError(e);
      const cancelled = job.controller.signal.aborted || err.code === 'ANELO_E030_CANCELLED';
      this.finish(job, cancelled ? 'cancelled' : 'error', { error: publicError(err.toJSON()) });
    } finally {
      for (const p of Object.values(outputs)) this.reserved.delete(path.basename(p));
    }
  }

  private finish(job: Job, state: RunState, extra: Partial<RunStatus>): void {
    Object.assign(job.status, extra, { state, endedAt: new Date().toISOString() });
    this.publish(job);
    job.settle();
    this.prune();
  }

  /** Tells the editors, and writes the history whenever a run is queued, starts or ends. */
  private publish(job: Job): void {
    this.hub.broadcast({ kind: 'run-state', run: { ...job.status } });
    void this.persist();
  }

  private persist(): Promise<void> {
    const records: RunRecord[] = [...this.jobs.values()].map((j) => ({ status: j.status, graph: j.request.source, frames: j.request.frames }));
    return this.history.save(records);
  }

  private prune(): void {
    const finished = [...this.jobs.values()].filter((j) => isFinished(j.status.state));
    for (const j of finished.slice(0, Math.max(0, finished.length - HISTORY))) this.jobs.delete(j.status.id);
  }
}

/** Reports name outputs by file name: the client addresses outputs by name, and server paths stay private. */
function publicReport(r: RunReport): RunReport {
  return { ...r, outputs: Object.fromEntries(Object.entries(r.outputs).map(([k, v]) => [k, path.basename(v)])), warnings: r.warnings.map(redactPaths) };
}

/** Events as a page may see them: messages without server paths. */
function publicEvent(e: ExecutorEvent): ExecutorEvent {
  if (e.type === 'run-done') return { ...e, report: publicReport(e.report) };
  if (e.type === 'run-error' || e.type === 'run-warning') return { ...e, message: redactPaths(e.message) };
  return e;
}

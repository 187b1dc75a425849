/** Typed calls to the anelo server (docs/api.md). Every failure is thrown as an ApiError. */
import { catalogueFromJson, type Catalogue } from '../../../nodes/core/catalogue.ts';
import type { GraphDocument } from '../../../nodes/core/graph-document.ts';
import type { GraphProblem } from '../../../nodes/core/validate-graph.ts';
import { errorFromResponse, networkError } from './api-error.ts';
import type { GraphListing, MediaInfo, ModelListing, RunListing, RunStatus } from './api-types.ts';

async function call(path: string, init: RequestInit = {}): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(`/api${path}`, init);
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw networkError(path, e);
  }
  if (!res.ok) throw await errorFromResponse(res);
  return res;
}

async function json<T>(path: string, init: RequestInit = {}): Promise<T> {
  return (await call(path, init)).json() as Promise<T>;
}

function body(method: string, value: unknown, signal?: AbortSignal): RequestInit {
  return { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value), signal };
}

const enc = encodeURIComponent;

export interface PreviewResult {
  blob: Blob;
  ms: number | undefined;
  cached: boolean;
  frameCount: number | undefined;
  /** Depth: the range its colours span (x-anelo-depth-range), shared with `shareScaleWith` when `sharedScale`. */
  depthRange?: [number, number];
  sharedScale?: boolean;
}

export interface PreviewRequest {
  graph: GraphDocument;
  input: string;
  nodeId: string;
  port?: string;
  frame: number;
  /** Downsize to at most this width (low-res frames while scrubbing); a server that ignores it sends full size. */
  maxWidth?: number;
  /** Colour depth on one scale with this node's frame (A/B compare). */
  shareScaleWith?: string;
}

/** Where the server's scene-cut job for a clip stands (POST /api/scene-cuts). */
export interface SceneCuts {
  state: 'queued' | 'computing' | 'done' | 'error';
  /** First frames of new shots, as far as they are known. */
  cuts: number[];
  frameCount: number;
  /** Frames analysed so far. */
  done: number;
  nodeId: string;
  error?: { code: string; message: string };
}

export interface RunRequest {
  graph: GraphDocument;
  input: string;
  target?: string;
  frames?: { start: number; end: number };
}

function numberHeader(res: Response, name: string): number | undefined {
  const v = res.headers.get(name);
  return v === null || v === '' || Number.isNaN(Number(v)) ? undefined : Number(v);
}

function rangeHeader(v: string | null): [number, number] | undefined {
  const [lo, hi] = (v ?? '').split(',').map(Number);
  return v && Number.isFinite(lo) && Number.isFinite(hi) ? [lo, hi] : undefined;
}

export const api = {
  nodeTypes: () => json<{ nodeTypes: Catalogue }>('/node-types').then((r) => catalogueFromJson(r.nodeTypes)),
  models: () => json<{ models: ModelListing[] }>('/models').then((r) => r.models),
  /** `acceptLicense` is needed only for models whose licence is not permissive (the server answers E047 without it). */
  pullModel: (id: string, acceptLicense = false) =>
    json<{ started: boolean }>(`/models/${enc(id)}/pull${acceptLicense ? '?acceptLicense=true' : ''}`, { method: 'POST' }),
  graphs: () => json<{ graphs: GraphListing[] }>('/graphs').then((r) => r.graphs),
  graph: (name: string) => json<GraphDocument>(`/graphs/${enc(name)}`),
  saveGraph: (name: string, g: GraphDocument) => json<{ name: string; savedAt: string }>(`/graphs/${enc(name)}`, body('PUT', g)),
  renameGraph: (name: string, to: string) => json<{ name: string }>(`/graphs/${enc(name)}/rename`, body('POST', { to })),
  deleteGraph: (name: string) => call(`/graphs/${enc(name)}`, { method: 'DELETE' }).then(() => undefined),
  validateGraph: (g: unknown) => json<{ graph: GraphDocument; problems: GraphProblem[] }>('/graphs/validate', body('POST', g)),
  media: () => json<{ media: MediaInfo[] }>('/media').then((r) => r.media),
  uploadMedia: (file: File) => {
    const form = new FormData();
    form.append('file', file, file.name);
    return json<{ media: MediaInfo }>('/media', { method: 'POST', body: form }).then((r) => r.media);
  },
  startRun: (req: RunRequest) => json<{ runId: string }>('/runs', body('POST', req)).then((r) => r.runId),
  cancelRun: (id: string) => json<{ state: string }>(`/runs/${enc(id)}/cancel`, { method: 'POST' }),
  run: (id: string) => json<RunStatus>(`/runs/${enc(id)}`),
  runs: () => json<{ runs: RunListing[] }>('/runs').then((r) => r.runs),
  runGraph: (id: string) => json<GraphDocument>(`/runs/${enc(id)}/graph`),
  deleteRun: (id: string) => call(`/runs/${enc(id)}`, { method: 'DELETE' }).then(() => undefined),
  outputUrl: (name: string) => `/api/outputs/${enc(name)}`,
  prepare: (req: { graph: GraphDocument; input: string }) => json<{ preparing: string[] }>('/prepare', body('POST', req)),
  sceneCuts: (req: { graph: GraphDocument; input: string; nodeId?: string }, signal?: AbortSignal) => json<SceneCuts>('/scene-cuts', body('POST', req, signal)),
  preview: async (req: PreviewRequest, signal: AbortSignal): Promise<PreviewResult> => {
    const res = await call('/preview', body('POST', req, signal));
    return {
      blob: await res.blob(),
      ms: numberHeader(res, 'x-anelo-ms'),
      cached: res.headers.get('x-anelo-cached') === '1',
      frameCount: numberHeader(res, 'x-anelo-frame-count'),
      depthRange: rangeHeader(res.headers.get('x-anelo-depth-range')),
      sharedScale: res.headers.get('x-anelo-depth-scale') === 'shared',
    };
  },
};

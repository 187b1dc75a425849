/**
 * The contract between node definitions and the executor. Nodes are pure: they see chunks of frames and a
 * context, and reach the outside world (ffmpeg, models, progress, cancel) only through that context.
 */
import type { Static, TObject } from '@sinclair/typebox';
import type { AneloErrorJson } from './errors.ts';

/** What flows along an edge. `frames` are RGB24 images; `depth` is disparity (near = larger); `cuts` flags scene starts. */
export type DataType = 'frames' | 'depth' | 'cuts';

/** Stereo layouts a `frames` stream can carry (set by stereo-warp, read by encode and previews). */
export type StereoLayout =
  | 'sbs-full'
  | 'sbs-half'
  | 'tb-full'
  | 'tb-half'
  | 'anaglyph'
  | 'cross-eyed'
  | 'left'
  | 'right'
  | 'depth';

export interface PortSpec {
  name: string;
  /** Types this port accepts (input) or emits (output, exactly one). */
  types: DataType[];
  label?: string;
  /** An optional input may stay unconnected. */
  optional?: boolean;
  /**
   * The node reads only this input's stream info (its size, rate), never its frames: nothing upstream is computed
   * for it, and the input enters the node's cache key by that info, not by its content (optical-flow solves at the
   * depth's size, so it starts beside depth instead of after it, and a new depth model keeps the flow cached).
   */
  infoOnly?: boolean;
}

export interface AudioStreamInfo {
  index: number;
  codec: string;
  channels: number;
  sampleRate: number;
}

/**
 * How a source's colours are coded, as its video stream declares (ffprobe's names; absent when undeclared): encode
 * converts back with the same matrix and declares the same, so players show the colours the source had.
 */
export interface ColourTags {
  /** YUV matrix: bt709, smpte170m, bt470bg, bt2020nc, ... */
  matrix?: string;
  primaries?: string;
  transfer?: string;
}

/**
 * How analysis stages see an HDR stream's pixels: its PQ or HLG signal mapped to an SDR picture (see
 * nodes/lib/sdr-view.ts). SDR streams are seen as they are.
 */
export type AnalysisView = 'pq' | 'hlg';

/** The source file a stream derives from: encode uses it to copy audio over the same frame range. */
export interface SourceInfo {
  path: string;
  /** Seconds into the source where frame 0 of the stream lies. */
  startTime: number;
  audio: AudioStreamInfo[];
}

/** Shape of one output stream, known before any frame is computed. */
export interface StreamInfo {
  type: DataType;
  width: number;
  height: number;
  fps: number;
  frameCount: number;
  layout?: StereoLayout;
  /** Depth streams: what the values mean (see DepthScale); a stage never guesses it from the value range. */
  depthScale?: DepthScale;
  /**
   * Shape of one pixel, "width:height", for a stream on the decoded frames' pixel grid whose source's pixels are not
   * square (a DVD's "8:9"); encode flags its output with it so players show it at its true aspect. Unset: square.
   */
  sampleAspect?: string;
  /** Frames streams: how the source's colours were coded (see ColourTags). */
  colour?: ColourTags;
  source?: SourceInfo;
}

/**
 * 'raw': model output, larger = nearer, on the model's own arbitrary scale per frame. 'unit': normalised across
 * time to 0 (far) … 1 (near), so its values mean the same from frame to frame.
 */
export type DepthScale = 'raw' | 'unit';

/** Robust per-frame statistics of a depth frame, kept so later stages can normalise across time. */
export interface DepthStats {
  min: number;
  max: number;
  p02: number;
  p50: number;
  p98: number;
}

export interface FramesChunk {
  type: 'frames';
  /** Index of the first frame in the stream. */
  start: number;
  width: number;
  height: number;
  /** One RGB24 buffer (width*height*3) per frame. */
  frames: Uint8Array[];
}

export interface DepthChunk {
  type: 'depth';
  start: number;
  width: number;
  height: number;
  /** One disparity map (width*height) per frame, near = larger, values already rounded to float16 precision. */
  frames: Float32Array[];
  stats: DepthStats[];
}

export interface CutsChunk {
  type: 'cuts';
  start: number;
  /** 1 where the frame starts a new scene. */
  flags: Uint8Array;
  /** The detector's frame-difference score per frame (for display and tuning). */
  scores: Float32Array;
}

export type Chunk = FramesChunk | DepthChunk | CutsChunk;

/** Number of frames a chunk covers. */
export function chunkLength(c: Chunk): number {
  return c.type === 'cuts' ? c.flags.length : c.frames.length;
}

export type CachePolicy =
  /** Kept in the memory tier only. */
  | 'memory'
  /** Kept in memory and on disk, so it survives between runs and processes. */
  | 'disk'
  /**
   * Kept in memory; on disk only which chunks it made (their digests), for outputs cheaper to make again than to
   * store (decoded frames): a later process keys what follows by them without running the node, and runs it again
   * only for a reader that needs the bytes.
   */
  | 'digests'
  /** Not deterministic, or a sink with side effects: never cached. */
  | 'none';

/** Frames a temporal node reads around each output frame. */
export interface TemporalWindow {
  before: number;
  after: number;
}

/** A param migration: mutates params saved by `from` into the shape of version `from + 1`. */
export interface ParamMigration {
  from: number;
  migrate(params: Record<string, unknown>): void;
}

export interface FfmpegProgress {
  frame: number;
  fps: number;
  timeS: number;
  speed: number;
}

export interface ProbeResult {
  path: string;
  width: number;
  height: number;
  /** Display size after rotation. */
  displayWidth: number;
  displayHeight: number;
  rotation: number;
  /** Shape of one displayed pixel, "width:height" (rotation applied), when it is not square; see StreamInfo. */
  sampleAspect?: string;
  /** What the video stream declares of its colour coding. */
  colour?: ColourTags;
  /**
   * Seconds from the file's start (its earliest stream) to the video's first frame: broadcast and camcorder files
   * often start their audio earlier. Frame 0 lies there, and so does the audio that goes with it.
   */
  videoStartS?: number;
  /**
   * Seconds to start decoding before a frame reached by seeking: the file has no index, so a seek lands anywhere
   * in a group of pictures and only the next keyframe decodes (MPEG-TS, MPEG-PS, raw streams). 0 for indexed files.
   */
  seekPreRollS?: number;
  fps: number;
  /** True when the stream's frame rate is not constant (avg != r_frame_rate). */
  variableFrameRate: boolean;
  durationS: number;
  frameCount: number;
  codec: string;
  audio: AudioStreamInfo[];
  formatName: string;
  /** The video stream declares interlaced fields (ffprobe field_order tt/bb/tb/bt). */
  interlaced?: boolean;
  sizeBytes: number;
  mtimeMs: number;
}

export interface ReadFramesOptions {
  /** Output frame rate (constant); frames are resampled to it. */
  fps: number;
  width: number;
  height: number;
  /** Index of the first output frame (at `fps`), counted from `startTime`. */
  startFrame: number;
  frameCount: number;
  /** Seconds into the file where output frame 0 lies. */
  startTime: number;
  signal?: AbortSignal;
  /** Deinterlace when the file declares interlaced fields (yadif); progressive files are unaffected. */
  deinterlace?: boolean;
  /** Called with the number of decoder errors (damaged data concealed or skipped) met while reading these frames. */
  onDecodeErrors?: (count: number) => void;
  /**
   * Called when the video ends inside this read, before the frames it asked for: the first frame it does not have and
   * how many frames at the end of the read repeat the last one it had (frame counts from a probe can be one off).
   */
  onShortEnd?: (endsAt: number, repeated: number) => void;
  /** The file's ProbeResult.seekPreRollS; the media service sets it. */
  preRollS?: number;
}

/** The details of E012 when a read finds no frame where the file's header says there are more (a file cut short). */
export interface VideoStopsDetails {
  /** Where the video stops (the first frame it does not have), when a read met that end; else undefined. */
  videoEndsAt?: number;
}

export interface EncodeOptions {
  output: string;
  width: number;
  height: number;
  fps: number;
  codec: 'h264' | 'h265';
  crf: number;
  preset: string;
  /** Even-size rule for odd frames: pad one pixel, or crop one. */
  evenSize: 'pad' | 'crop';
  audioFrom?: { path: string; startTime: number; durationS: number };
  /** Matroska stereo_mode and similar; undefined for mono. */
  stereoLayout?: StereoLayout;
  /** Pixel shape to flag the video with ("8:9"); undefined for square pixels. */
  sampleAspect?: string;
  /** The source's colour coding, to convert back with and declare; undefined leaves ffmpeg's defaults, undeclared. */
  colour?: ColourTags;
  signal?: AbortSignal;
  onProgress?: (p: FfmpegProgress) => void;
}

/** A running encoder: write RGB24 frames in order, then `finish()`; `abort()` removes the partial file. */
export interface FrameSink {
  write(frame: Uint8Array): Promise<void>;
  /** `warnings`: what of the source could not be kept (a subtitle format the container cannot hold, ...). */
  finish(): Promise<{ path: string; frames: number; warnings?: string[] }>;
  abort(): Promise<void>;
}

/** ffmpeg behind an interface; the one implementation lives in server/media. */
export interface MediaService {
  probe(path: string): Promise<ProbeResult>;
  /** Cheap identity of a source file: absolute path + size + mtime. Never hashes the content. */
  fingerprint(path: string): Promise<string>;
  readFrames(path: string, opts: ReadFramesOptions): AsyncIterable<Uint8Array>;
  openEncoder(opts: EncodeOptions): Promise<FrameSink>;
}

/** Depth inference behind an interface; the one implementation lives in server/depth. */
/** Raw disparity maps at model resolution; `stats` (robust per-frame range) when the service computed them already. */
export interface DepthResult {
  width: number;
  height: number;
  frames: Float32Array[];
  stats?: DepthStats[];
}

export interface DepthService {
  /** Identity of the resolved model (file sha256 + provider + input size); enters the depth node's cache key. */
  modelKey(params: Record<string, unknown>): Promise<string>;
  /** Model-resolution size of the depth output for a frame of the given size. */
  outputSize(params: Record<string, unknown>, width: number, height: number): Promise<{ width: number; height: number }>;
  /**
   * Runs the model over RGB24 frames; returns raw disparity maps (near = larger) at model resolution. `view`: the
   * frames hold an HDR signal, which the model sees mapped to SDR (nodes/lib/sdr-view.ts). `order`: where these
   * frames stand in line for the service's threads beside other calls' (lower first; see RunContext.priority).
   */
  infer(
    params: Record<string, unknown>,
    frames: Uint8Array[],
    width: number,
    height: number,
    signal?: AbortSignal,
    view?: AnalysisView,
    order?: number,
  ): Promise<DepthResult>;
  /**
   * Loads the model where `infer` will run it (onnxruntime sessions on the depth threads), so the first frames do not
   * wait for it. Optional, and never required before `infer`; a model that cannot be loaded fails there as well.
   */
  prepare?(params: Record<string, unknown>): Promise<void>;
  /**
   * Calls `fn` when a model actually loads (not when a prepare finds it loaded), as it becomes ready, and when it
   * fails to load; returns the unsubscribe. The editor shows "loading model" from it.
   */
  onModelLoad?(fn: (e: ModelLoadEvent) => void): () => void;
}

/** A depth model loading for inference, by the id the node asks for (its `model` param). */
export type ModelLoadEvent =
  | { model: string; state: 'loading' }
  | { model: string; state: 'ready'; ms: number }
  | { model: string; state: 'failed'; error: AneloErrorJson };

export interface Services {
  media: MediaService;
  depth?: DepthService;
}

/** Context for computing a node's stream info before any frame runs. */
export interface InfoContext<P> {
  nodeId: string;
  params: P;
  inputs: Record<string, StreamInfo | undefined>;
  services: Services;
}

/** Context for computing one chunk: frames [start, end) of every output. */
export interface RunContext<P> {
  nodeId: string;
  params: P;
  start: number;
  end: number;
  /** Info of this node's outputs (as returned by `info`). */
  info: Record<string, StreamInfo>;
  inputInfo: Record<string, StreamInfo | undefined>;
  /** Per input port, a chunk covering [start - window.before, end + window.after) clipped to the stream. */
  inputs: Record<string, Chunk | undefined>;
  services: Services;
  signal: AbortSignal;
  /**
   * Where this computation stands in line for threads shared between computations, lower first: a preview's before a
   * run's, earlier frames first (the engine's TASK_PRIORITY). A node hands it to services that queue work (depth).
   */
  priority?: number;
  /** Report frames finished within this chunk (for progress bars). */
  progress(framesDone: number): void;
  /** Adds to the node's run statistics (e.g. a flicker figure); numbers are averaged per frame by the executor. */
  stat(name: string, value: number, frames?: number): void;
  /** Something the user should know that did not stop the node (damaged input): a report warning, once per node and run. */
  warn?(message: string): void;
}

/** Context for a sink (encode): pulls its input stream chunk by chunk and writes a file. */
export interface SinkContext<P> {
  nodeId: string;
  params: P;
  inputInfo: Record<string, StreamInfo | undefined>;
  /** Chunks of one input port, in order, over the run's frame range. */
  pull(port: string): AsyncIterable<Chunk>;
  /** The file this sink writes (from the run request, or the node's own param). */
  outputPath: string;
  /** Stream frames [start, end) this run writes. */
  frames: { start: number; end: number };
  services: Services;
  signal: AbortSignal;
  progress(framesDone: number, framesTotal: number): void;
}

/** UI hints for the params form; the editor renders a field from the schema plus these. */
export interface ParamUi {
  widget?: 'slider' | 'number' | 'select' | 'toggle' | 'text' | 'model' | 'file';
  step?: number;
  group?: string;
  advanced?: boolean;
}

export interface NodeDefinition<S extends TObject = TObject> {
  type: string;
  version: number;
  label: string;
  category: 'input' | 'depth' | 'temporal' | 'refine' | 'stereo' | 'output' | 'analysis';
  description: string;
  inputs: readonly PortSpec[];
  outputs: readonly PortSpec[];
  /** TypeBox schema of the params: defaults, ranges and `ui` hints (see ParamUi) on each property. */
  params: S;
  cache: CachePolicy;
  /**
   * 'pool': `run` is pure pixel work over its inputs (no services), so the executor may run it on a worker thread,
   * split over any sub-ranges of frames; its output must not depend on how the frames are split.
   */
  threads?: 'pool';
  migrations?: readonly ParamMigration[];
  /** Files a run binds to this node by param name: the run's input (sources) or an output path (sinks). */
  files?: { input?: string; output?: string };
  /** Temporal nodes: frames read around each output frame. Scene cuts bound it inside the node. */
  window?(params: Static<S>): TemporalWindow;
  /**
   * Temporal nodes whose reach depends on where the frames fall (a recursion that restarts at fixed frames): the
   * frames [lo, hi) that output frames [a, b) actually read, within the window. A preview then reads, and computes
   * upstream, only those (one frame pays for far less than the whole window); runs keep reading the whole window,
   * so their pieces and keys do not move with the reach. The output must be the same bytes either way.
   */
  reach?(params: Static<S>, a: number, b: number): [number, number];
  /**
   * A run computes this node in pieces of at least this many frames: the executor's chunks (default), or as many of
   * them as make this length (chunks of big frames are shorter, and a piece of a temporal node's small output need
   * not be). For a temporal node whose every piece recomputes a window's worth of work around itself, longer pieces
   * share that work between more frames. Output never depends on it (a `run` must give the same bytes however
   * frames are split).
   */
  pieceFrames?: number;
  /** Extra identity for the cache key: a source fingerprint, a model hash. */
  identity?(ctx: InfoContext<Static<S>>): Promise<string>;
  info(ctx: InfoContext<Static<S>>): Promise<Record<string, StreamInfo>>;
  /**
   * Started when a run is planned, beside everything else and without being waited for: work the node's first
   * frames would otherwise wait on (loading a model). It must not change results, and its failure is ignored: the
   * run meets the same fault where the node runs, and reports it there.
   */
  prepare?(ctx: InfoContext<Static<S>>): Promise<void>;
  run?(ctx: RunContext<Static<S>>): Promise<Record<string, Chunk>>;
  /** Sinks write files instead of returning chunks. */
  sink?(ctx: SinkContext<Static<S>>): Promise<{ path: string; frames: number; warnings?: string[] }>;
}

/** Erases the params type so definitions of different nodes fit in one list. */
export type AnyNodeDefinition = NodeDefinition<TObject>;

/**
 * Frames [lo, hi) a node reads of each input to produce [a, b), before clipping to the stream: its window, narrowed
 * to its `reach` where it declares one. A preview's pieces and the node tests cut inputs by this.
 */
export function framesRead<S extends TObject>(def: NodeDefinition<S>, params: Static<S>, window: TemporalWindow, a: number, b: number): [number, number] {
  let lo = a - window.before;
  let hi = b + window.after;
  if (def.reach) {
    const [rl, rh] = def.reach(params, a, b);
    lo = Math.min(a, Math.max(lo, rl));
    hi = Math.max(b, Math.min(hi, rh));
  }
  return [lo, hi];
}

export function defineNode<S extends TObject>(def: NodeDefinition<S>): NodeDefinition<S> {
  return def;
}

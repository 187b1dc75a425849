/**
 * The one catalogue of coded errors. Every failure a user can meet has a code here, a fixed title and a
 * message built from the details (what and where: node id, param, port, file). Code throws `AneloError`,
 * never bare strings, so the CLI, the server and the editor can all say the same thing.
 */
export const ERROR_CATALOGUE = {
  ANELO_E001_GRAPH_INVALID: 'The graph is not valid',
  ANELO_E002_GRAPH_PARSE: 'The graph file is not valid JSON',
  ANELO_E003_GRAPH_SCHEMA_VERSION: 'The graph was saved by a newer anelo',
  ANELO_E010_INPUT_MISSING: 'Input file not found',
  ANELO_E011_NOT_A_VIDEO: 'Input is not a readable video',
  ANELO_E012_DECODE_FAILED: 'Decoding failed',
  ANELO_E013_EMPTY_RANGE: 'The frame range selects no frames',
  ANELO_E020_ENCODE_FAILED: 'Encoding failed',
  ANELO_E021_OUTPUT_NOT_WRITABLE: 'Output path is not writable',
  ANELO_E030_CANCELLED: 'Run cancelled',
  ANELO_E031_NODE_FAILED: 'A node failed',
  ANELO_E032_NO_OUTPUT_PATH: 'No output path for an encode node',
  ANELO_E033_FRAME_OUT_OF_RANGE: 'Frame out of range',
  ANELO_E034_UNKNOWN_NODE: 'No such node in the graph',
  ANELO_E035_NO_SUCH_ROUTE: 'No such API route',
  ANELO_E036_WORKER_DIED: 'A worker thread stopped',
  ANELO_E037_CACHE_TROUBLE: 'The cache could not be read or written',
  ANELO_E038_NODE_WARNING: 'A node worked around a problem in its input',
  ANELO_E040_MODEL_MISSING: 'Model file not found',
  ANELO_E041_MODEL_UNKNOWN: 'Unknown model',
  ANELO_E042_MODEL_MANIFEST: 'Model manifest does not match the model',
  ANELO_E043_MODEL_CHECKSUM: 'Model checksum mismatch',
  ANELO_E044_MODEL_DOWNLOAD: 'Model download failed',
  ANELO_E045_MODEL_LOAD: 'Model could not be loaded',
  ANELO_E046_PROVIDER: 'Execution provider not available',
  ANELO_E047_MODEL_LICENSE: 'Model licence not accepted',
  ANELO_E050_BAD_ARGUMENT: 'Bad command-line argument',
  ANELO_E051_BAD_SET: 'Bad --set override',
  ANELO_E052_BAD_REQUEST: 'Bad request',
  ANELO_E060_PRESET_NAME: 'Invalid preset name',
  ANELO_E061_PRESET_NOT_FOUND: 'Preset not found',
  ANELO_E062_PRESET_EXISTS: 'A preset with that name exists',
  ANELO_E063_PRESET_READ_ONLY: 'Built-in presets cannot be changed',
  ANELO_E070_MEDIA_NOT_FOUND: 'Media file not found',
  ANELO_E071_MEDIA_TOO_LARGE: 'Upload too large',
  ANELO_E072_MEDIA_NAME: 'Invalid media name',
  ANELO_E073_MEDIA_READ_ONLY: 'Sample clips cannot be deleted',
  ANELO_E074_MEDIA_IN_USE: 'The media file is being rendered',
  ANELO_E080_RUN_NOT_FOUND: 'Run not found',
  ANELO_E090_DISK_FULL: 'Disk full',
  // Hardening (issue 9): E100-E139.
  ANELO_E100_OUTPUT_IS_SOURCE: 'Output would overwrite a source file',
  ANELO_E101_OUTPUT_NOT_REGULAR: 'Output path exists and is not a regular file',
  ANELO_E102_MEDIA_FORMAT_REFUSED: 'Media format not allowed',
  ANELO_E103_FRAME_TOO_LARGE: 'Frame size above the pixel limit',
  ANELO_E104_HOST_NOT_ALLOWED: 'Host not allowed',
  ANELO_E105_CROSS_ORIGIN: 'Cross-site request refused',
  ANELO_E106_ACCESS_TOKEN: 'Access token missing or wrong',
  ANELO_E107_SERVER_BUSY: 'Server busy',
  ANELO_E108_INPUT_NOT_READABLE: 'Input file is not readable (permission denied)',
  ANELO_E109_URL_TOO_LONG: 'Request URL too long',
  ANELO_E110_DEPTH_NOT_FINITE: 'Depth model produced NaN or infinite values',
  ANELO_E111_CACHE_DIR_INVALID: 'Cache folder is not usable',
  ANELO_E112_NOT_SCENE_DETECT: 'No scene-detect node to find scene cuts with',
  // Cluster renders (issue 11): E140-E159.
  ANELO_E140_REDIS_UNREACHABLE: 'Redis is not reachable',
  ANELO_E141_PATH_NOT_SHARED: 'Input or output is not on a path every worker can reach',
  ANELO_E142_SEGMENT_FAILED: 'A segment of a cluster render failed',
  ANELO_E143_JOIN_FAILED: 'Joining the rendered segments failed',
  ANELO_E144_CLUSTER_GRAPH: 'The graph cannot be split across workers',
  // Temporal smoothing (issue 12): E160-E169.
  ANELO_E160_MOTION_MISMATCH: 'The motion input does not belong to the depth input (size differs)',
  // The editor's runs (issue 10): E170-E179.
  ANELO_E170_RUN_INTERRUPTED: 'The server stopped before the run finished',
  ANELO_E171_RUN_NOT_FINISHED: 'The run has not finished',
  ANELO_E099_INTERNAL: 'Internal error',
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** Where an error happened; every field optional, filled in as far as known. */
export interface ErrorWhere {
  nodeId?: string;
  param?: string;
  port?: string;
  file?: string;
  frame?: number;
}

export interface AneloErrorJson extends ErrorWhere {
  code: ErrorCode;
  title: string;
  message: string;
  details?: unknown;
}

/** A coded error: `code` from the catalogue, a message saying what and where, optional structured details. */
export class AneloError extends Error {
  readonly code: ErrorCode;
  readonly where: ErrorWhere;
  readonly details?: unknown;

  constructor(code: ErrorCode, message: string, where: ErrorWhere = {}, details?: unknown, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'AneloError';
    this.code = code;
    this.where = where;
    this.details = details;
  }

  get title(): string {
    return ERROR_CATALOGUE[this.code];
  }

  toJSON(): AneloErrorJson {
    return { code: this.code, title: this.title, message: this.message, ...this.where, details: this.details };
  }
}

export function isAneloError(e: unknown): e is AneloError {
  return e instanceof AneloError;
}

/** Wraps anything thrown into an AneloError, keeping coded errors as they are. */
export function toAneloError(e: unknown, where: ErrorWhere = {}): AneloError {
  if (e instanceof AneloError) return e;
  const err = e as NodeJS.ErrnoException;
  if (err && err.code === 'ENOSPC') {
    return new AneloError('ANELO_E090_DISK_FULL', `No space left on device${where.file ? ` writing ${where.file}` : ''}`, where, undefined, e);
  }
  if (err && (err.name === 'AbortError' || err.code === 'ABORT_ERR')) {
    return new AneloError('ANELO_E030_CANCELLED', 'Run cancelled', where, undefined, e);
  }
  const message = err instanceof Error ? err.message : String(e);
  return new AneloError('ANELO_E099_INTERNAL', message, where, undefined, e);
}

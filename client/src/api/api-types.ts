/**
 * Shapes of the server's replies (docs/api.md). Run, media and event shapes come from nodes/core, shared with the
 * server; the listings here are the client's view of richer server records.
 */
export interface ModelListing {
  id: string;
  name: string;
  family: string;
  license: string;
  licenseUrl?: string;
  /** False for licences that forbid commercial use: the server downloads those only with `acceptLicense=true`. */
  commercialUse?: boolean;
  /** Null when the registry does not know the file size. */
  bytes: number | null;
  url?: string;
  localOnly: boolean;
  installed: boolean;
  /** Where the model is installed on the server; null when it is not. */
  path: string | null;
}

export interface GraphListing {
  name: string;
  builtIn: boolean;
  updatedAt?: string;
}

export type { MediaEntry as MediaInfo, RunState, RunStatus, ServerMessage } from '../../../nodes/core/api-types.ts';
export type { ExecutorEvent, RunReport } from '../../../nodes/core/events.ts';

/** A run as GET /api/runs lists it: its status plus the name of the graph it rendered. */
export type RunListing = import('../../../nodes/core/api-types.ts').RunStatus & { graphName?: string };

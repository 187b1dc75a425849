/**
 * Graph documents: the plain-JSON format graphs are run, saved and shared in. Params are addressed by name,
 * never by position, so a node type can gain a param without breaking saved graphs.
 */
export const GRAPH_SCHEMA_VERSION = 1;

export interface GraphNode {
  id: string;
  type: string;
  /** Version of the node type the params were saved with; missing means 1. */
  version?: number;
  params: Record<string, unknown>;
  position: { x: number; y: number };
  label?: string;
  /**
   * Muted: its consumers read what feeds its first input of a matching type instead (nodes/core/resolve-bypass.ts,
   * applied by the executor for every run and preview, and by the editor before it sends a graph).
   */
  bypass?: boolean;
}

export interface GraphEdge {
  source: string;
  sourcePort: string;
  target: string;
  targetPort: string;
}

export interface GraphDocument {
  schemaVersion: number;
  name?: string;
  description?: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** A step that mutates a document of `from` into `from + 1`. */
export interface GraphMigration {
  from: number;
  migrate(doc: Record<string, unknown>): void;
}

/** Document-level migrations; empty while schemaVersion is 1, listed here so the mechanism is exercised. */
export const GRAPH_MIGRATIONS: readonly GraphMigration[] = [];

export function edgeId(e: GraphEdge): string {
  return `${e.source}.${e.sourcePort}->${e.target}.${e.targetPort}`;
}

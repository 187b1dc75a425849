/**
 * Bringing graph documents to the current schema and node versions, then validating them: pure, so the editor
 * migrates imports and share links itself, and the CLI and server do the same through server/engine/load-graph.ts.
 */
import { AneloError } from './errors.ts';
import { describeCatalogue, type Catalogue } from './catalogue.ts';
import { GRAPH_MIGRATIONS, GRAPH_SCHEMA_VERSION, type GraphDocument } from './graph-document.ts';
import { checkDocumentShape, validateGraph, type GraphProblem } from './validate-graph.ts';
import type { AnyNodeDefinition } from './types.ts';

/**
 * Brings an untrusted document to the current schema and node versions. Returns a new object; problems that
 * make migration impossible (not an object, a newer schema, a node saved by a newer version of its type) throw:
 * a newer document is refused, never silently stamped down to this version.
 */
export function migrateGraph(input: unknown, definitions: readonly AnyNodeDefinition[], file?: string): GraphDocument {
  const shape = checkDocumentShape(input);
  if (shape.length) throw invalidGraph(shape, file);
  const doc = structuredClone(input) as Record<string, unknown>;
  let version = doc.schemaVersion as number;
  if (version > GRAPH_SCHEMA_VERSION) {
    throw new AneloError('ANELO_E003_GRAPH_SCHEMA_VERSION', `graph schemaVersion ${version} is newer than this anelo understands (${GRAPH_SCHEMA_VERSION})`, { file });
  }
  for (const m of GRAPH_MIGRATIONS) {
    if (m.from === version) {
      m.migrate(doc);
      version = m.from + 1;
    }
  }
  doc.schemaVersion = GRAPH_SCHEMA_VERSION;
  const graph = doc as unknown as GraphDocument;
  for (const node of graph.nodes) {
    node.params ??= {};
    node.position ??= { x: 0, y: 0 };
    const def = definitions.find((d) => d.type === node.type);
    if (!def) continue;
    let v = node.version ?? 1;
    if (v > def.version) {
      throw new AneloError(
        'ANELO_E003_GRAPH_SCHEMA_VERSION',
        `node "${node.id}" was saved by a newer anelo (${node.type} version ${v}; this anelo knows version ${def.version}): update anelo to open it`,
        { file, nodeId: node.id },
      );
    }
    for (const m of def.migrations ?? []) {
      if (m.from === v) {
        m.migrate(node.params);
        v = m.from + 1;
      }
    }
    node.version = def.version;
  }
  return graph;
}

/** Migrates and validates; throws ANELO_E001 listing every problem. */
export function loadGraphWith(input: unknown, definitions: readonly AnyNodeDefinition[], catalogue: Catalogue = describeCatalogue(definitions), file?: string): GraphDocument {
  const graph = migrateGraph(input, definitions, file);
  const problems = validateGraph(graph, catalogue);
  if (problems.length) throw invalidGraph(problems, file);
  return graph;
}

export function invalidGraph(problems: GraphProblem[], file?: string): AneloError {
  const head = problems.slice(0, 3).map((p) => p.message).join('; ');
  const more = problems.length > 3 ? ` (and ${problems.length - 3} more)` : '';
  return new AneloError('ANELO_E001_GRAPH_INVALID', `${file ? `${file}: ` : ''}${head}${more}`, { file, nodeId: problems[0]?.nodeId, param: problems[0]?.param, port: problems[0]?.port }, { problems });
}

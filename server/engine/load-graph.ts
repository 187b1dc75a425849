/**
 * Loading graph documents: parse, migrate (document schema, then each node's params) and validate, reporting
 * every problem at once.
 */
import { AneloError } from '../../nodes/core/errors.ts';
import { describeCatalogue, type Catalogue } from '../../nodes/core/catalogue.ts';
import { GRAPH_MIGRATIONS, GRAPH_SCHEMA_VERSION, type GraphDocument } from '../../nodes/core/graph-document.ts';
import { checkDocumentShape, validateGraph, type GraphProblem } from '../../nodes/core/validate-graph.ts';
import type { AnyNodeDefinition } from '../../nodes/core/types.ts';
import { NODE_DEFINITIONS } from '../../nodes/index.ts';

let catalogueCache: Catalogue | undefined;

/** The catalogue of the shipped node types. */
export function shippedCatalogue(): Catalogue {
  catalogueCache ??= describeCatalogue(NODE_DEFINITIONS);
  return catalogueCache;
}

/**
 * Brings an untrusted document to the current schema and node versions. Returns a new object; problems that
 * make migration impossible (not an object, newer schema) throw.
 */
export function migrateGraph(input: unknown, definitions: readonly AnyNodeDefinition[] = NODE_DEFINITIONS, file?: string): GraphDocument {
  const shape = checkDocumentShape(input);
  if (shape.length) throw invalid(shape, file);
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
export function loadGraph(input: unknown, definitions: readonly AnyNodeDefinition[] = NODE_DEFINITIONS, file?: string): GraphDocument {
  const graph = migrateGraph(input, definitions, file);
  const catalogue = definitions === NODE_DEFINITIONS ? shippedCatalogue() : describeCatalogue(definitions);
  const problems = validateGraph(graph, catalogue);
  if (problems.length) throw invalid(problems, file);
  return graph;
}

/** Parses JSON text into a loaded graph; a syntax error is a coded error naming the file. */
export function parseGraph(text: string, file?: string): GraphDocument {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new AneloError('ANELO_E002_GRAPH_PARSE', `${file ?? 'graph'}: ${(e as Error).message}`, { file });
  }
  return loadGraph(json, NODE_DEFINITIONS, file);
}

function invalid(problems: GraphProblem[], file?: string): AneloError {
  const head = problems.slice(0, 3).map((p) => p.message).join('; ');
  const more = problems.length > 3 ? ` (and ${problems.length - 3} more)` : '';
  return new AneloError('ANELO_E001_GRAPH_INVALID', `${file ? `${file}: ` : ''}${head}${more}`, { file, nodeId: problems[0]?.nodeId, param: problems[0]?.param, port: problems[0]?.port }, { problems });
}

/**
 * Loading graph documents with the shipped node types: parse, migrate (document schema, then each node's params)
 * and validate, reporting every problem at once. The rules live in nodes/core/migrate-graph.ts.
 */
import { AneloError } from '../../nodes/core/errors.ts';
import { describeCatalogue, type Catalogue } from '../../nodes/core/catalogue.ts';
import type { GraphDocument } from '../../nodes/core/graph-document.ts';
import { loadGraphWith, migrateGraph as migrateWith } from '../../nodes/core/migrate-graph.ts';
import type { AnyNodeDefinition } from '../../nodes/core/types.ts';
import { NODE_DEFINITIONS } from '../../nodes/index.ts';

let catalogueCache: Catalogue | undefined;

/** The catalogue of the shipped node types. */
export function shippedCatalogue(): Catalogue {
  catalogueCache ??= describeCatalogue(NODE_DEFINITIONS);
  return catalogueCache;
}

/** Brings an untrusted document to the current schema and node versions (see nodes/core/migrate-graph.ts). */
export function migrateGraph(input: unknown, definitions: readonly AnyNodeDefinition[] = NODE_DEFINITIONS, file?: string): GraphDocument {
  return migrateWith(input, definitions, file);
}

/** Migrates and validates; throws ANELO_E001 listing every problem. */
export function loadGraph(input: unknown, definitions: readonly AnyNodeDefinition[] = NODE_DEFINITIONS, file?: string): GraphDocument {
  return loadGraphWith(input, definitions, definitions === NODE_DEFINITIONS ? shippedCatalogue() : describeCatalogue(definitions), file);
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

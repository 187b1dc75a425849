/**
 * Share links carry the whole graph in the URL fragment (`#g=…`): JSON, deflate-raw compressed with the
 * platform's CompressionStream, then base64url. Nothing is uploaded; the fragment never reaches a server.
 */
import type { GraphDocument } from '../../../nodes/core/graph-document.ts';

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Blob([bytes as BlobPart]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(s: string): Uint8Array {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Compresses a graph into the text that follows `#g=`. */
export async function encodeGraph(graph: GraphDocument): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(graph));
  return toBase64Url(await pipe(bytes, new CompressionStream('deflate-raw')));
}

/** Reverses encodeGraph. Throws on text that is not a compressed JSON document. */
export async function decodeGraph(text: string): Promise<unknown> {
  const bytes = await pipe(fromBase64Url(text), new DecompressionStream('deflate-raw'));
  return JSON.parse(new TextDecoder().decode(bytes));
}

/** The encoded graph in a location hash such as `#g=…`, or undefined. */
export function sharedGraphParam(hash: string): string | undefined {
  const m = /(?:^#|&)g=([A-Za-z0-9_-]+)/.exec(hash);
  return m?.[1];
}

/** The clip and frame a link points at (`&clip=…&f=…` after the graph), when it has them. */
export function sharedView(hash: string): { clip?: string; frame?: number } {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const clip = params.get('clip') ?? undefined;
  const f = Number(params.get('f'));
  return { clip: clip || undefined, frame: params.has('f') && Number.isInteger(f) && f >= 0 ? f : undefined };
}

/** A full link to this page carrying the graph, and the clip and frame being looked at when given. */
export async function shareUrl(graph: GraphDocument, base: string, view: { clip?: string | null; frame?: number } = {}): Promise<string> {
  let url = `${base.split('#')[0]}#g=${await encodeGraph(graph)}`;
  if (view.clip) url += `&clip=${encodeURIComponent(view.clip)}`;
  if (view.clip && view.frame !== undefined) url += `&f=${view.frame}`;
  return url;
}

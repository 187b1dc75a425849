/**
 * A minimal ONNX writer for tests: a hand-written protobuf encoder for the few ModelProto fields tiny test
 * graphs need (no onnx package, no Python). Field numbers follow onnx.proto.
 */
type Bytes = Uint8Array;

function varint(n: number | bigint): number[] {
  let v = BigInt(n);
  if (v < 0n) v += 1n << 64n; // int64 negatives are ten-byte two's complement varints
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}

const concat = (parts: readonly Bytes[]): Bytes => {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

const tag = (field: number, wire: number): number[] => varint((field << 3) | wire);
const fInt = (field: number, v: number): Bytes => Uint8Array.from([...tag(field, 0), ...varint(v)]);
const fBytes = (field: number, b: Bytes): Bytes => concat([Uint8Array.from([...tag(field, 2), ...varint(b.length)]), b]);
const fStr = (field: number, s: string): Bytes => fBytes(field, new TextEncoder().encode(s));
const fFloat = (field: number, v: number): Bytes => {
  const t = tag(field, 5);
  const out = new Uint8Array(t.length + 4);
  out.set(t, 0);
  new DataView(out.buffer).setFloat32(t.length, v, true);
  return out;
};

/** A graph input or output: name and shape (numbers are fixed dims, strings symbolic ones). */
export interface ValueDecl {
  name: string;
  shape: ReadonlyArray<number | string>;
}

export interface InitializerDecl {
  name: string;
  dims: readonly number[];
  data: Float32Array;
}

/** Attribute values: an integer, a list of integers, or `{ f }` for a float. */
export type AttrValue = number | readonly number[] | { f: number };

export interface NodeDecl {
  op: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attrs?: Record<string, AttrValue>;
}

export interface GraphDecl {
  inputs: readonly ValueDecl[];
  outputs: readonly ValueDecl[];
  initializers?: readonly InitializerDecl[];
  nodes: readonly NodeDecl[];
  opset?: number;
  name?: string;
}

function valueInfo(v: ValueDecl): Bytes {
  const dims = v.shape.map((d) => fBytes(1, typeof d === 'number' ? fInt(1, d) : fStr(2, d)));
  const shape = concat(dims);
  const tensorType = concat([fInt(1, 1 /* FLOAT */), fBytes(2, shape)]);
  const type = fBytes(1, tensorType);
  return concat([fStr(1, v.name), fBytes(2, type)]);
}

function tensor(t: InitializerDecl): Bytes {
  const raw = new Uint8Array(t.data.buffer.slice(t.data.byteOffset, t.data.byteOffset + t.data.byteLength));
  return concat([...t.dims.map((d) => fInt(1, d)), fInt(2, 1 /* FLOAT */), fStr(8, t.name), fBytes(9, raw)]);
}

function attribute(name: string, v: AttrValue): Bytes {
  if (typeof v === 'number') return concat([fStr(1, name), fInt(3, v), fInt(20, 2 /* INT */)]);
  if (Array.isArray(v)) return concat([fStr(1, name), ...(v as number[]).map((x) => fInt(8, x)), fInt(20, 7 /* INTS */)]);
  return concat([fStr(1, name), fFloat(2, (v as { f: number }).f), fInt(20, 1 /* FLOAT */)]);
}

function node(n: NodeDecl, i: number): Bytes {
  return concat([
    ...n.inputs.map((s) => fStr(1, s)),
    ...n.outputs.map((s) => fStr(2, s)),
    fStr(3, `${n.op.toLowerCase()}_${i}`),
    fStr(4, n.op),
    ...Object.entries(n.attrs ?? {}).map(([k, v]) => fBytes(5, attribute(k, v))),
  ]);
}

/** Serialises a graph as an ONNX ModelProto (IR version 7, default domain at `opset`, 11 unless given). */
export function buildOnnxModel(g: GraphDecl): Uint8Array {
  const graph = concat([
    ...g.nodes.map((n, i) => fBytes(1, node(n, i))),
    fStr(2, g.name ?? 'anelo-test'),
    ...(g.initializers ?? []).map((t) => fBytes(5, tensor(t))),
    ...g.inputs.map((v) => fBytes(11, valueInfo(v))),
    ...g.outputs.map((v) => fBytes(12, valueInfo(v))),
  ]);
  const opset = concat([fStr(1, ''), fInt(2, g.opset ?? 11)]);
  return concat([fInt(1, 7), fStr(2, 'anelo-onnx-builder'), fBytes(7, graph), fBytes(8, opset)]);
}
